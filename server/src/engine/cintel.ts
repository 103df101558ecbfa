// C inside Go files: completion after `C.`, go to the C declaration, signature help in `C.f(`, hovers with the
// Go-side signature, and field completion on C struct values. Everything is answered from the C name index
// (compiler/cindex.ts); this module only reads text, the Go model and the index. It knows nothing about LSP.
import fs from 'node:fs';
import path from 'node:path';
import { LineIndex } from '../core/text.js';
import type { Position, Range } from '../core/types.js';
import { containsPosition } from '../core/types.js';
import type { GoFile } from '../gomodel/types.js';
import type { CEntity, CField, CIndex, CTagDef } from '../compiler/cindex.js';

export type CItemKind = 'function' | 'variable' | 'constant' | 'enumMember' | 'struct' | 'enum' | 'class' | 'field';

export interface CCompletionItem {
  label: string;
  kind: CItemKind;
  /** One line: the Go type or signature as cgo translates it. */
  detail: string;
  /** Markdown: the C declaration, the Go form, where it is declared. */
  documentation: string;
  /** The same as plain text (clients without markdown). */
  documentationPlain: string;
  sortText: string;
  /** The range the label replaces (the partly typed name). */
  range: Range;
}

export interface CLocation {
  file: string;
  range: Range;
}

export interface CSignature {
  label: string;
  documentation: string;
  parameters: { label: [number, number]; documentation: string }[];
}

export interface CSignatureHelp {
  signatures: CSignature[];
  activeParameter: number;
}

export type CCompletionContext = { kind: 'cname'; prefix: string; range: Range } | { kind: 'field'; chain: string[]; prefix: string; range: Range };

// ---- text helpers ---------------------------------------------------------------------------------------------

/** The text of a line, without its newline (the document's shared line index: no walk from the top per request). */
function lineAt(text: string, line: number): string {
  return LineIndex.of(text).lineText(line);
}

function offsetAt(text: string, pos: Position): number {
  let start = 0;
  for (let i = 0; i < pos.line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  return Math.min(text.length, start + pos.character);
}

/** Whether the end of `prefix` (a line up to the cursor) is inside a comment or a string literal. */
function inCommentOrString(prefix: string): boolean {
  let q: string | null = null;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (q) {
      if (c === '\\' && q !== '`') i++;
      else if (c === q) q = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') q = c;
    else if (c === '/' && prefix[i + 1] === '/') return true;
  }
  return q !== null;
}

/** What is being completed at `pos`, or null (not after `C.` or a selector). */
export function completionContext(text: string, pos: Position): CCompletionContext | null {
  const line = lineAt(text, pos.line);
  const before = line.slice(0, pos.character);
  if (inCommentOrString(before)) return null;
  const c = /(?:^|[^\w.])C\.(\w*)$/.exec(before);
  if (c) {
    const prefix = c[1]!;
    return { kind: 'cname', prefix, range: { start: { line: pos.line, character: pos.character - prefix.length }, end: pos } };
  }
  const f = /([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$/.exec(before);
  if (f && !/^C(\.|$)/.test(f[1]!)) {
    const prefix = f[2]!;
    return { kind: 'field', chain: f[1]!.split('.'), prefix, range: { start: { line: pos.line, character: pos.character - prefix.length }, end: pos } };
  }
  return null;
}

// ---- presentation -----------------------------------------------------------------------------------------------

const TIER_RANK: Record<CEntity['tier'], string> = { preamble: '0', direct: '1', builtin: '2', transitive: '3' };

function itemKind(e: CEntity): CItemKind {
  switch (e.kind) {
    case 'func':
    case 'builtin-func':
      return 'function';
    case 'var':
      return 'variable';
    case 'iconst':
    case 'fconst':
    case 'sconst':
      return 'constant';
    case 'enumconst':
      return 'enumMember';
    case 'type':
    case 'builtin-type':
      return e.name.startsWith('struct_') || e.name.startsWith('union_') ? 'struct' : e.name.startsWith('enum_') ? 'enum' : 'class';
  }
}

/** The one-line detail: what cgo makes of the name on the Go side. */
export function detailOf(e: CEntity): string {
  switch (e.kind) {
    case 'func':
    case 'builtin-func':
      return e.goType;
    case 'var':
      return e.goType;
    case 'iconst':
    case 'enumconst':
      return `untyped int${e.value !== undefined ? ` = ${e.value}` : ''}`;
    case 'fconst':
      return `untyped float${e.value !== undefined ? ` = ${e.value}` : ''}`;
    case 'sconst':
      return `untyped string${e.value !== undefined ? ` = ${JSON.stringify(e.value)}` : ''}`;
    case 'type':
    case 'builtin-type':
      return e.incomplete ? 'incomplete type (use through pointers)' : `type ${e.goType}`;
  }
}

function goForm(e: CEntity): string {
  switch (e.kind) {
    case 'func':
    case 'builtin-func':
      return `func C.${e.name}${e.goType.slice(4)}`;
    case 'var':
      return e.macroValue ? `var C.${e.name} ${e.goType} // read-only: a macro, not addressable` : `var C.${e.name} ${e.goType}`;
    case 'iconst':
    case 'enumconst':
    case 'fconst':
    case 'sconst':
      return `const C.${e.name} = ${e.kind === 'sconst' ? JSON.stringify(e.value ?? '') : (e.value ?? '…')} // ${detailOf(e).split(' =')[0]}`;
    case 'type':
    case 'builtin-type':
      return `type C.${e.name}${e.incomplete ? ' // incomplete: use *C.' + e.name : ` // ${e.goType}`}`;
  }
}

function location(e: { file: string; line: number }, goFile: string): string {
  if (!e.file) return '';
  if (e.file === goFile) return `declared in this file's preamble, line ${e.line}`;
  return `${e.file}:${e.line}`;
}

export function entityMarkdown(e: CEntity, goFile: string): string {
  const parts = ['```go\n' + goForm(e) + '\n```'];
  if (e.cDecl) parts.push('```c\n' + e.cDecl + '\n```');
  const loc = location(e, goFile);
  if (loc) parts.push(e.file === goFile ? loc : '`' + loc + '`');
  return parts.join('\n\n');
}

export function entityPlain(e: CEntity, goFile: string): string {
  return [goForm(e), e.cDecl, location(e, goFile)].filter(Boolean).join('\n');
}

// ---- cgo's own names --------------------------------------------------------------------------------------------

const BUILTIN_FUNCS: { name: string; goType: string; doc: string }[] = [
  { name: 'CString', goType: 'func(string) *C.char', doc: 'copies a Go string into C memory allocated with malloc; free it with C.free (include <stdlib.h>)' },
  { name: 'CBytes', goType: 'func([]byte) unsafe.Pointer', doc: 'copies a Go byte slice into C memory allocated with malloc; free it with C.free' },
  { name: 'GoString', goType: 'func(*C.char) string', doc: 'copies a NUL-terminated C string into a Go string' },
  { name: 'GoStringN', goType: 'func(*C.char, C.int) string', doc: 'copies n bytes of C memory into a Go string' },
  { name: 'GoBytes', goType: 'func(unsafe.Pointer, C.int) []byte', doc: 'copies n bytes of C memory into a Go byte slice' },
];

const BUILTIN_MALLOC = {
  name: 'malloc',
  goType: 'func(C.size_t) unsafe.Pointer',
  doc: 'cgo calls C malloc through _CMalloc, which crashes instead of returning nil when memory runs out',
};

/** The numeric types cgo always provides (cmd/cgo nameToC and the C keywords), with their Go representation. */
const BUILTIN_TYPES: { name: string; c: string; go: string }[] = [
  { name: 'char', c: 'char', go: 'int8' },
  { name: 'schar', c: 'signed char', go: 'int8' },
  { name: 'uchar', c: 'unsigned char', go: 'uint8' },
  { name: 'short', c: 'short', go: 'int16' },
  { name: 'ushort', c: 'unsigned short', go: 'uint16' },
  { name: 'int', c: 'int', go: 'int32' },
  { name: 'uint', c: 'unsigned int', go: 'uint32' },
  { name: 'long', c: 'long', go: 'int64 (int32 on 32-bit targets and Windows)' },
  { name: 'ulong', c: 'unsigned long', go: 'uint64 (uint32 on 32-bit targets and Windows)' },
  { name: 'longlong', c: 'long long', go: 'int64' },
  { name: 'ulonglong', c: 'unsigned long long', go: 'uint64' },
  { name: 'float', c: 'float', go: 'float32' },
  { name: 'double', c: 'double', go: 'float64' },
  { name: 'complexfloat', c: 'float _Complex', go: 'complex64' },
  { name: 'complexdouble', c: 'double _Complex', go: 'complex128' },
];

export function builtinEntities(idx: CIndex | null): CEntity[] {
  const out: CEntity[] = [];
  for (const b of [...BUILTIN_FUNCS, ...(idx?.entities.has('malloc') ? [] : [BUILTIN_MALLOC])]) {
    out.push({ name: b.name, kind: 'builtin-func', cDecl: '', goType: b.goType, file: '', line: 0, tier: 'builtin', value: b.doc });
  }
  for (const t of BUILTIN_TYPES) {
    if (idx?.entities.has(t.name)) continue;
    out.push({
      name: t.name,
      kind: 'builtin-type',
      cDecl: t.c === t.name ? '' : `/* C.${t.name} is */ ${t.c}`,
      goType: t.go,
      file: '',
      line: 0,
      tier: 'builtin',
    });
  }
  return out;
}

function builtinMarkdown(e: CEntity): string {
  if (e.kind === 'builtin-func') return '```go\nfunc C.' + e.name + e.goType.slice(4) + '\n```\n\ncgo builtin: ' + (e.value ?? '');
  return '```go\ntype C.' + e.name + ' // ' + e.goType + '\n```\n\ncgo numeric type' + (e.cDecl ? ` for \`${e.cDecl.replace(/^\/\*.*\*\/ /, '')}\`` : '');
}

/** The C spelling of the type `C.sizeof_<e.name>` measures. */
function sizeofCType(e: CEntity): string {
  return e.kind === 'builtin-type' ? (BUILTIN_TYPES.find((t) => t.name === e.name)?.c ?? e.name) : e.name.replace(/^(struct|union|enum)_/, '$1 ');
}

function sizeofMarkdown(e: CEntity): string {
  return '```go\nconst C.sizeof_' + e.name + ' // untyped integer constant\n```\n\n`sizeof(' + sizeofCType(e) + ')`, as cmd/cgo computes it for this target.';
}

// ---- completion ----------------------------------------------------------------------------------------------

const itemCache = new WeakMap<CIndex, CCompletionItem[]>();

/** Every name `C.` offers with this index, ranked: the preamble's, the directly included headers', cgo's, the rest. */
export function completeCNames(idx: CIndex | null, ctx: { prefix: string; range: Range }): CCompletionItem[] {
  let base = idx ? itemCache.get(idx) : undefined;
  if (!base) {
    base = [];
    const all = [...(idx ? idx.entities.values() : []), ...builtinEntities(idx)];
    for (const e of all) {
      const builtin = e.kind === 'builtin-func' || e.kind === 'builtin-type';
      const md = builtin ? builtinMarkdown(e) : entityMarkdown(e, idx?.goFile ?? '');
      base.push({
        label: e.name,
        kind: itemKind(e),
        detail: detailOf(e),
        documentation: md,
        documentationPlain: builtin ? md.replace(/```\w*\n?/g, '') : entityPlain(e, idx?.goFile ?? ''),
        sortText: TIER_RANK[e.tier] + e.name.toLowerCase(),
        range: ctx.range,
      });
    }
    // C.sizeof_T for every complete type T (cmd/cgo rewrites it to sizeof(T): an untyped integer constant).
    for (const e of all) {
      if ((e.kind !== 'type' && e.kind !== 'builtin-type') || e.incomplete || e.name === 'void') continue;
      const cType = sizeofCType(e);
      const md = sizeofMarkdown(e);
      base.push({
        label: `sizeof_${e.name}`,
        kind: 'constant',
        detail: `untyped int: sizeof(${cType})`,
        documentation: md,
        documentationPlain: `const C.sizeof_${e.name}: sizeof(${cType}), an untyped integer constant`,
        // After the names themselves: `C.sizeof_` is typed on purpose.
        sortText: TIER_RANK[e.tier] + '~sizeof_' + e.name.toLowerCase(),
        range: ctx.range,
      });
    }
    base.sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : 0));
    if (idx) itemCache.set(idx, base);
  }
  return base.map((i) => ({ ...i, range: ctx.range }));
}

// ---- values of C struct types -------------------------------------------------------------------------------

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The Go type of a local name, from its declaration in the file before `offset`: `var v C.T`, a parameter
 * `v *C.T`, `v := C.T{…}` / `&C.T{…}`, `v := C.f(…)` (the function's result), `v := (*C.T)(p)`, `new(C.T)`.
 * A heuristic over the text (no Go type checker); null when nothing matches.
 */
export function goTypeOfName(text: string, name: string, offset: number, idx: CIndex): string | null {
  const n = escapeRe(name);
  const patterns: { re: RegExp; type: (m: RegExpExecArray) => string | null }[] = [
    { re: new RegExp(`\\bvar\\s+(?:\\w+\\s*,\\s*)*${n}(?:\\s*,\\s*\\w+)*\\s+(\\**)C\\.(\\w+)`, 'g'), type: (m) => `${m[1]}C.${m[2]}` },
    { re: new RegExp(`[(,]\\s*(?:\\w+\\s*,\\s*)*${n}(?:\\s*,\\s*\\w+)*\\s+(\\**)C\\.(\\w+)\\s*[,)]`, 'g'), type: (m) => `${m[1]}C.${m[2]}` },
    { re: new RegExp(`^\\s*${n}\\s+(\\**)C\\.(\\w+)\\s*$`, 'gm'), type: (m) => `${m[1]}C.${m[2]}` },
    { re: new RegExp(`\\b${n}\\s*:?=\\s*(&?)C\\.(\\w+)\\s*\\{`, 'g'), type: (m) => `${m[1] ? '*' : ''}C.${m[2]}` },
    { re: new RegExp(`\\b${n}\\s*:?=\\s*\\((\\*+)C\\.(\\w+)\\)\\s*\\(`, 'g'), type: (m) => `${m[1]}C.${m[2]}` },
    { re: new RegExp(`\\b${n}\\s*:?=\\s*new\\(C\\.(\\w+)\\)`, 'g'), type: (m) => `*C.${m[1]}` },
    {
      re: new RegExp(`\\b${n}\\s*(?:,\\s*\\w+\\s*)?:?=\\s*C\\.(\\w+)\\s*\\(`, 'g'),
      type: (m) => {
        const e = idx.entities.get(m[1]!);
        if (!e) return null;
        if (e.kind === 'func') return e.result?.goType ?? null;
        if (e.kind === 'type') return `C.${e.name}`;
        return null;
      },
    },
  ];
  let best: { at: number; type: string } | null = null;
  for (const p of patterns) {
    for (const m of text.matchAll(p.re)) {
      const at = m.index ?? 0;
      if (at > offset) break;
      const t = p.type(m as RegExpExecArray);
      if (t && (!best || at > best.at)) best = { at, type: t };
    }
  }
  return best?.type ?? null;
}

/** The struct definition a Go type like `*C.struct_x` / `C.sqlite3_xyz` names, or null. */
export function structOfGoType(goType: string, idx: CIndex): CTagDef | null {
  const m = /^\**C\.(\w+)$/.exec(goType.trim());
  if (!m) return null;
  const name = m[1]!;
  const e = idx.entities.get(name);
  const key = e?.tagKey ?? (name.startsWith('struct_') ? `struct ${name.slice(7)}` : null);
  if (!key) return null;
  const def = idx.tags.get(key);
  return def && def.tag === 'struct' && def.complete ? def : null;
}

/** Follows `v.a.b` from the declaration of `v` through C struct fields; the struct of the last element. */
export function structOfChain(text: string, chain: string[], offset: number, idx: CIndex): CTagDef | null {
  if (chain.length === 0) return null;
  const t = goTypeOfName(text, chain[0]!, offset, idx);
  if (!t) return null;
  let def = structOfGoType(t, idx);
  for (const f of chain.slice(1)) {
    if (!def) return null;
    const field = def.fields.find((x) => x.goName === f);
    if (!field?.goType) return null;
    def = structOfGoType(field.goType, idx);
  }
  return def;
}

function fieldMarkdown(f: CField, def: CTagDef, goFile: string): string {
  const rename = f.goName !== f.cName ? `\n\ncgo renames the C field \`${f.cName}\` to \`${f.goName}\` (a Go keyword).` : '';
  return (
    '```go\n' +
    `${f.goName} ${f.goType ?? '?'} // field of C.struct_${def.name ?? '(anonymous)'}` +
    '\n```\n\n```c\n' +
    f.text +
    '\n```' +
    rename +
    `\n\n${location(f, goFile) ? '`' + location(f, goFile) + '`' : ''}`
  );
}

export function completeFields(idx: CIndex, text: string, pos: Position, ctx: Extract<CCompletionContext, { kind: 'field' }>): CCompletionItem[] | null {
  const def = structOfChain(text, ctx.chain, offsetAt(text, pos), idx);
  if (!def) return null;
  return def.fields
    .filter((f) => f.goType)
    .map((f, i) => {
      const md = fieldMarkdown(f, def, idx.goFile);
      return {
        label: f.goName,
        kind: 'field' as const,
        detail: f.goType!,
        documentation: md,
        documentationPlain: `${f.goName} ${f.goType}\n${f.text}`,
        sortText: String(i).padStart(4, '0'),
        range: ctx.range,
      };
    });
}

// ---- what is under the cursor ---------------------------------------------------------------------------------

function identAt(text: string, pos: Position): { name: string; start: number; end: number; line: string } | null {
  const line = lineAt(text, pos.line);
  let s = pos.character;
  let e = pos.character;
  while (s > 0 && /\w/.test(line[s - 1]!)) s--;
  while (e < line.length && /\w/.test(line[e]!)) e++;
  if (s === e) return null;
  return { name: line.slice(s, e), start: s, end: e, line };
}

/** A `v.a.field` selector under the cursor whose root is a C struct value: the field and its struct. */
function fieldAt(idx: CIndex, text: string, pos: Position): { field: CField; def: CTagDef; range: Range } | null {
  const id = identAt(text, pos);
  if (!id) return null;
  const m = /([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.$/.exec(id.line.slice(0, id.start));
  if (!m || /^C(\.|$)/.test(m[1]!)) return null;
  const def = structOfChain(text, m[1]!.split('.'), offsetAt(text, pos), idx);
  const field = def?.fields.find((f) => f.goName === id.name);
  if (!def || !field) return null;
  return { field, def, range: { start: { line: pos.line, character: id.start }, end: { line: pos.line, character: id.end } } };
}

const headerLines = new Map<string, string[]>();

/** The range of `name` on a 1-based line of a file (column 0 when the file cannot be read). */
function nameRangeIn(file: string, line1: number, name: string, text?: string): Range {
  let lines = file && text !== undefined ? text.split('\n') : headerLines.get(file);
  if (!lines) {
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = [];
    }
    if (headerLines.size > 64) headerLines.clear();
    headerLines.set(file, lines);
  }
  const l = lines[line1 - 1] ?? '';
  const col = name ? l.search(new RegExp(`\\b${escapeRe(name)}\\b`)) : -1;
  const c = Math.max(0, col);
  return { start: { line: Math.max(0, line1 - 1), character: c }, end: { line: Math.max(0, line1 - 1), character: col >= 0 ? c + name.length : c } };
}

/** The C name an entity is declared as (`struct_x` → `x`). */
function cSpelling(name: string): string {
  return name.replace(/^(struct|union|enum)_/, '');
}

/** `#include` lines of the preambles: the range of the header name and the file the compiler opened. */
export function includeLinks(model: GoFile, idx: CIndex | null): { range: Range; header: string; file: string | null }[] {
  const out: { range: Range; header: string; file: string | null }[] = [];
  for (const imp of model.cImports) {
    for (const l of imp.preamble?.lines ?? []) {
      const m = /^(\s*#\s*include\s*[<"])([^>"]+)[>"]/.exec(l.text);
      if (!m) continue;
      const header = m[2]!;
      let file = idx?.includes.get(l.goLine) ?? null;
      if (!file && idx) {
        const suffix = '/' + header.replace(/\\/g, '/');
        file = idx.files.find((f) => f.file.replace(/\\/g, '/').endsWith(suffix))?.file ?? null;
      }
      const col = l.goCol + m[1]!.length;
      out.push({ range: { start: { line: l.goLine, character: col }, end: { line: l.goLine, character: col + header.length } }, header, file });
    }
  }
  return out;
}

/** Go to definition / declaration: `C.name` → its C declaration; `#include` → the header; `//export` → the Go func. */
export function definitionAt(model: GoFile, text: string, pos: Position, idx: CIndex | null): CLocation[] | null {
  const exp = model.exports.find((e) => containsPosition(e.range, pos));
  if (exp?.func) return [{ file: model.path, range: exp.func.nameRange }];
  const inc = includeLinks(model, idx).find((l) => l.range.start.line === pos.line);
  if (inc) return inc.file ? [{ file: inc.file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] : null;
  if (!idx) return null;
  const ref = model.cRefs.find((r) => containsPosition(r.range, pos));
  if (ref) {
    const e = idx.entities.get(ref.name);
    if (!e || !e.file) return null;
    const own = e.file === model.path;
    return [{ file: e.file, range: nameRangeIn(e.file, e.line, cSpelling(e.name), own ? text : undefined) }];
  }
  const f = fieldAt(idx, text, pos);
  if (f) return [{ file: f.field.file, range: nameRangeIn(f.field.file, f.field.line, f.field.cName, f.field.file === model.path ? text : undefined) }];
  return null;
}

/** Whether `pos` is on something this module answers for (so the caller knows an index is worth building). */
export function wantsIndex(model: GoFile, text: string, pos: Position): boolean {
  if (model.cRefs.some((r) => containsPosition(r.range, pos))) return true;
  if (model.cImports.some((i) => i.preamble?.lines.some((l) => l.goLine === pos.line && /^\s*#\s*include/.test(l.text)))) return true;
  const id = identAt(text, pos);
  if (!id) return false;
  const before = id.line.slice(0, id.start);
  // A field selector (fieldAt); a `C.name` that is not among the refs is in a comment or a literal.
  return /[A-Za-z_]\w*\.$/.test(before) && !/(?:^|[^\w.])C\.$/.test(before);
}

const HOVER_KIND: Partial<Record<CEntity['kind'], string>> = {
  func: 'C function',
  var: 'C variable',
  iconst: 'integer constant (an untyped Go constant)',
  fconst: 'floating-point constant (an untyped Go constant)',
  sconst: 'string constant (an untyped Go string constant)',
  enumconst: 'enum constant (an untyped Go integer constant)',
  type: 'C type',
};

/** Hover on `C.name` (the Go-side form next to the C declaration) or on a field of a C struct value. */
export function hoverAt(model: GoFile, text: string, pos: Position, idx: CIndex): string | null {
  const ref = model.cRefs.find((r) => containsPosition(r.range, pos));
  if (ref) {
    const e = idx.entities.get(ref.name) ?? builtinEntities(idx).find((b) => b.name === ref.name);
    const sizeOf =
      !e && ref.name.startsWith('sizeof_')
        ? (idx.entities.get(ref.name.slice(7)) ?? builtinEntities(idx).find((b) => b.name === ref.name.slice(7)))
        : undefined;
    if (sizeOf && (sizeOf.kind === 'type' || sizeOf.kind === 'builtin-type') && !sizeOf.incomplete)
      return `**C.${ref.name}** — size of a C type\n\n` + sizeofMarkdown(sizeOf);
    if (!e) {
      const why = idx.skipped.get(ref.name);
      return why ? `**C.${ref.name}** — not usable from Go: ${why}.` : null;
    }
    if (e.kind === 'builtin-func' || e.kind === 'builtin-type') return `**C.${e.name}** — cgo builtin\n\n` + builtinMarkdown(e);
    return `**C.${e.name}** — ${HOVER_KIND[e.kind] ?? e.kind}\n\n` + entityMarkdown(e, model.path);
  }
  const f = fieldAt(idx, text, pos);
  if (f) return fieldMarkdown(f.field, f.def, model.path);
  return null;
}

// ---- signature help -------------------------------------------------------------------------------------------

/** The innermost unclosed `C.f(` before the cursor and the index of the argument being typed. */
export function callAt(text: string, pos: Position): { name: string; argIndex: number } | null {
  const end = offsetAt(text, pos);
  let depth = 0;
  let commas = 0;
  const stop = Math.max(0, end - 4000);
  for (let i = end - 1; i >= stop; i--) {
    const c = text[i]!;
    if (c === '"' || c === '`' || c === "'") {
      // skip back over a string literal on the same line
      let j = i - 1;
      while (j >= stop && text[j] !== c && text[j] !== '\n') j--;
      if (text[j] !== c) return null;
      i = j;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) {
        if (c !== '(') return null;
        const m = /(?:^|[^\w.])C\.(\w+)\s*$/.exec(text.slice(Math.max(0, i - 200), i));
        if (!m) return null;
        return { name: m[1]!, argIndex: commas };
      }
      depth--;
    } else if (c === ',' && depth === 0) commas++;
    else if (c === ';' && depth === 0) return null;
  }
  return null;
}

export function signatureAt(text: string, pos: Position, idx: CIndex): CSignatureHelp | null {
  const call = callAt(text, pos);
  if (!call) return null;
  const e = idx.entities.get(call.name) ?? builtinEntities(idx).find((b) => b.name === call.name && b.kind === 'builtin-func');
  if (!e || (e.kind !== 'func' && e.kind !== 'builtin-func')) return null;
  const sigs: CSignature[] = [];
  if (e.kind === 'builtin-func') {
    const params = /^func\((.*)\)/.exec(e.goType)?.[1]?.split(', ').filter(Boolean) ?? [];
    let label = `C.${e.name}(`;
    const ps: CSignature['parameters'] = [];
    params.forEach((p, i) => {
      if (i > 0) label += ', ';
      ps.push({ label: [label.length, label.length + p.length], documentation: '' });
      label += p;
    });
    label += ')' + e.goType.slice(e.goType.lastIndexOf(')') + 1);
    sigs.push({ label, documentation: `cgo builtin: ${e.value ?? ''}`, parameters: ps });
    return { signatures: sigs, activeParameter: Math.min(call.argIndex, Math.max(0, ps.length - 1)) };
  }
  const params = e.params ?? [];
  // Go terms
  let label = `C.${e.name}(`;
  const goParams: CSignature['parameters'] = [];
  params.forEach((p, i) => {
    if (i > 0) label += ', ';
    const text = `${p.name} ${p.goType}`;
    goParams.push({ label: [label.length, label.length + text.length], documentation: `C: \`${p.cText}\`` });
    label += text;
  });
  label += ')' + (e.result ? ' ' + e.result.goType : '');
  sigs.push({ label, documentation: '```c\n' + e.cDecl + '\n```' + (e.file ? `\n\n\`${location(e, idx.goFile)}\`` : ''), parameters: goParams });
  // C terms
  let cLabel = `${e.result?.cText ?? 'void'} ${e.name}(`.replace(/\* /, '*');
  const cParams: CSignature['parameters'] = [];
  params.forEach((p, i) => {
    if (i > 0) cLabel += ', ';
    cParams.push({ label: [cLabel.length, cLabel.length + p.cText.length], documentation: `Go: \`${p.goType}\`` });
    cLabel += p.cText;
  });
  cLabel += ')';
  sigs.push({ label: cLabel, documentation: 'The C declaration, as the compiler sees it.', parameters: cParams });
  return { signatures: sigs, activeParameter: params.length === 0 ? 0 : Math.min(call.argIndex, params.length - 1) };
}

/** Where the index for this file came from, for logs and the bench. */
export function describeIndex(idx: CIndex): string {
  return `${idx.entities.size} C names from ${idx.files.length} files (${path.basename(idx.goFile)}; cc ${idx.ccMs} ms, parse ${idx.parseMs} ms)`;
}

// ---- before the index is built: the preamble's own declarations ---------------------------------------------
// The index needs the toolchain probe and `cc -E` of the preambles (seconds for a big generated file); the model
// already holds the top-level functions and variables the preambles declare themselves (tree-sitter-c on the
// preamble text, gomodel/cdecls.ts). Those answer at once, marked provisional: without the headers the Go form of
// their types is not known yet.

/** The preamble declaration of `name` (a definition first), or null. */
function preambleDeclOf(model: GoFile, name: string): NonNullable<GoFile['preambleDecls']>[number] | null {
  const all = (model.preambleDecls ?? []).filter((d) => d.name === name);
  return all.find((d) => d.definition) ?? all[0] ?? null;
}

/** The C text of a preamble declaration (a function definition up to its body), at most 12 lines. */
function preambleDeclText(model: GoFile, d: NonNullable<GoFile['preambleDecls']>[number]): string {
  const pre = model.cImports[d.cImport]?.preamble;
  if (!pre) return '';
  const lines = pre.lines.filter((l) => l.goLine >= d.range.start.line && l.goLine <= d.range.end.line).map((l) => l.text);
  let text = lines.join('\n');
  if (d.kind === 'function' && d.definition) {
    const body = text.indexOf('{');
    if (body >= 0) text = text.slice(0, body).trimEnd() + ';';
  }
  const shown = text.split('\n');
  return (shown.length > 12 ? [...shown.slice(0, 12), '…'] : shown).join('\n').trim();
}

/**
 * Hover on a `C.name` the preambles declare themselves, while the C index is not built: the declaration as
 * written, marked provisional. Null when `pos` is not on such a name.
 */
export function provisionalHoverAt(model: GoFile, pos: Position): string | null {
  const ref = model.cRefs.find((r) => containsPosition(r.range, pos));
  const d = ref ? preambleDeclOf(model, ref.name) : null;
  if (!ref || !d) return null;
  const kind = d.kind === 'function' ? 'C function' : 'C variable';
  return (
    `**C.${ref.name}** — ${kind} (provisional: from the preamble text; the C index is being built)\n\n` +
    '```c\n' +
    preambleDeclText(model, d) +
    '\n```\n\n' +
    `declared in this file's preamble, line ${d.nameRange.start.line + 1}`
  );
}

/** Go to definition of a `C.name` the preambles declare themselves, without the index. */
export function provisionalDefinitionAt(model: GoFile, pos: Position): CLocation[] | null {
  const ref = model.cRefs.find((r) => containsPosition(r.range, pos));
  const d = ref ? preambleDeclOf(model, ref.name) : null;
  return d ? [{ file: model.path, range: d.nameRange }] : null;
}

/** What a hover on a `C.name` says while the index that knows it is being built. */
/** The hover on `C.name` in a big file whose model is still being built (in the model worker). */
export function pendingModelHover(name: string, chars: number): string {
  return `**C.${name}** — pending: _this file (${Math.round(chars / 1024)} KiB) is still being analysed; hover again in a moment._`;
}

export function pendingCNameHover(name: string): string {
  return `**C.${name}** — pending: _the C index of this file's preambles (the toolchain probe, then \`cc -E\`) is being built, and the preamble text does not declare \`${name}\` itself; hover again in a moment._`;
}
