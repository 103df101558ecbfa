// `cgo/c-field-unknown` (issue 11 item 5): `x.f` where x is certainly a C struct (or union) value or pointer and
// cgo's Go translation of that struct has no field `f` — the member does not exist, is a bitfield, is a trailing
// flexible array, the value is a union (cgo makes unions bytes), or the struct is incomplete because the header
// that defines it is not included. `go build` then fails with `x.f undefined (type _Ctype_struct_T has no field or
// method f)`. The check says only what the build will say: the Go side is read from the syntax tree and a name counts
// only when its one declaration gives a C type for certain (`var x C.struct_T`, a parameter or result, `x :=
// C.struct_T{…}` / `&C.struct_T{…}`); anything else (shadowing, other files, inference) is silence. The C side is the
// session's C name index (engine/cindexes.ts), built with the package's merged flags, read only after the preamble
// compiled cleanly; a struct body the index could not parse with certainty is silence too.
import { makeDiagnostic } from '../core/message.js';
import type { CgoDiagnostic, Range } from '../core/types.js';
import type { GoVersion } from '../core/goversion.js';
import type { GoFile } from '../gomodel/types.js';
import { getGoParser, type Node } from '../gomodel/parser.js';
import type { CIndex, CIndexInput, CTagDef, CType } from '../compiler/cindex.js';
import type { PreambleInput } from '../compiler/preamble.js';
import type { CIndexes } from './cindexes.js';

// ---- the Go side: selectors whose root certainly has a C type ------------------------------------------------

/** A C type as written on the Go side: `C.<name>` behind `ptr` stars. */
interface GoCType {
  name: string;
  ptr: number;
}

/** One `a.b.f` selector whose root `a` certainly has a C type; `path` is `[b, f]`, `range` covers `f`. */
export interface FieldAccess {
  expr: string;
  root: GoCType;
  path: string[];
  range: Range;
}

const accessCache = new WeakMap<GoFile, FieldAccess[]>();

/** The field selectors of a file whose root has a certain C type (cached per model; no file, no process). */
export async function cFieldAccesses(model: GoFile, text: string): Promise<FieldAccess[]> {
  const cached = accessCache.get(model);
  if (cached) return cached;
  let out: FieldAccess[] = [];
  if (model.importsC && !model.limited && !model.hasSyntaxErrors && /\bC\.\w/.test(text)) {
    const parser = await getGoParser();
    const tree = parser.parse(text);
    if (tree) {
      try {
        // A file with a syntax error stops the build before the type checker: nothing to say.
        if (!tree.rootNode.hasError) out = collect(tree.rootNode);
      } finally {
        tree.delete();
      }
    }
  }
  accessCache.set(model, out);
  return out;
}

function collect(root: Node): FieldAccess[] {
  const out: FieldAccess[] = [];
  // Only names some declaration of the file gives a C type can qualify: the rest are skipped without a scope walk.
  const candidates = new Set<string>();
  for (const q of root.descendantsOfType('qualified_type')) {
    if (q?.childForFieldName('package')?.text !== 'C') continue;
    let d: Node | null = q.parent;
    while (d && !['parameter_declaration', 'var_spec', 'short_var_declaration'].includes(d.type) && d.type !== 'block' && d.type !== 'source_file')
      d = d.parent;
    if (!d || (d.type !== 'parameter_declaration' && d.type !== 'var_spec' && d.type !== 'short_var_declaration')) continue;
    const names = d.type === 'short_var_declaration' ? (d.childForFieldName('left')?.namedChildren ?? []) : d.childrenForFieldName('name');
    for (const n of names) if (n) candidates.add(n.text);
  }
  if (candidates.size === 0) return out;
  const memo: Memo = { decls: new Map(), pkg: new Map() };
  const selectors = root.descendantsOfType('selector_expression');
  for (const sel of selectors) {
    if (!sel) continue;
    const chain = chainOf(sel);
    if (!chain || !candidates.has(chain.root.text)) continue;
    const type = typeOfName(chain.root, memo);
    if (!type) continue;
    const field = sel.childForFieldName('field')!;
    out.push({
      expr: sel.text,
      root: type,
      path: chain.path,
      range: {
        start: { line: field.startPosition.row, character: field.startPosition.column },
        end: { line: field.endPosition.row, character: field.endPosition.column },
      },
    });
  }
  return out;
}

/** `a.b.c` made only of identifiers: the root identifier node and the field names. */
function chainOf(sel: Node): { root: Node; path: string[] } | null {
  const path: string[] = [];
  let n: Node | null = sel;
  while (n && n.type === 'selector_expression') {
    const f = n.childForFieldName('field');
    if (!f || f.type !== 'field_identifier') return null;
    path.unshift(f.text);
    n = n.childForFieldName('operand');
  }
  if (!n || n.type !== 'identifier') return null;
  return { root: n, path };
}

/** The nodes declaring a name inside `scope` (any depth): parameters, var/const specs, `:=`, range, type switch, receive, types. */
function declarationsIn(scope: Node, name: string): Node[] {
  const found: Node[] = [];
  const visit = (n: Node) => {
    switch (n.type) {
      case 'parameter_declaration':
      case 'variadic_parameter_declaration':
      case 'var_spec':
      case 'const_spec':
      case 'type_parameter_declaration':
        for (const id of n.childrenForFieldName('name')) if (id?.text === name) found.push(n);
        break;
      case 'short_var_declaration':
      case 'range_clause':
      case 'receive_statement': {
        const left = n.childForFieldName('left');
        for (const id of left?.namedChildren ?? []) if (id?.type === 'identifier' && id.text === name) found.push(n);
        break;
      }
      case 'type_switch_statement': {
        const alias = n.childForFieldName('alias');
        for (const id of alias?.namedChildren ?? []) if (id?.text === name) found.push(n);
        break;
      }
      case 'type_spec':
      case 'type_alias':
        if (n.childForFieldName('name')?.text === name) found.push(n);
        break;
      case 'function_declaration':
      case 'method_declaration':
        if (n.childForFieldName('name')?.text === name) found.push(n);
        break;
      case 'import_spec':
        if (n.childForFieldName('name')?.text === name) found.push(n);
        break;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(scope);
  return found;
}

/** The C type of the identifier `use` when its one visible declaration gives it for certain, else null. */
/** Per file: the declarations of a name per top-level declaration, and the package-level type per name. */
interface Memo {
  decls: Map<string, Node[]>;
  pkg: Map<string, GoCType | null>;
}

function typeOfName(use: Node, memo: Memo): GoCType | null {
  const name = use.text;
  if (name === '_' || name === 'C') return null;
  let top: Node = use;
  while (top.parent && top.parent.type !== 'source_file') top = top.parent;
  if (!top.parent) return null;
  const key = `${top.id}:${name}`;
  let local = memo.decls.get(key);
  if (!local)
    memo.decls.set(
      key,
      (local = top.type === 'function_declaration' || top.type === 'method_declaration' ? declarationsIn(top, name).filter((d) => d !== top) : []),
    );
  if (local.length > 1) return null;
  if (local.length === 1) {
    const d = local[0]!;
    if (!inScope(d, use)) return null;
    return typeOfDecl(d, name);
  }
  // No local declaration: a package-level one in this file (another file cannot declare it again).
  if (memo.pkg.has(name)) return memo.pkg.get(name)!;
  const pkg: Node[] = [];
  for (const c of top.parent.namedChildren) if (c) pkg.push(...declarationsIn(c, name).filter((d) => isPackageLevel(d)));
  const t = pkg.length === 1 && pkg[0]!.type === 'var_spec' ? typeOfDecl(pkg[0]!, name) : null;
  memo.pkg.set(name, t);
  return t;
}

function isPackageLevel(d: Node): boolean {
  for (let p = d.parent; p; p = p.parent) {
    if (p.type === 'source_file') return true;
    if (
      p.type === 'block' ||
      p.type === 'parameter_list' ||
      p.type === 'func_literal' ||
      p.type === 'type_parameter_list' ||
      p.type === 'field_declaration_list' ||
      p.type === 'interface_type'
    )
      return false;
  }
  return false;
}

/** Whether `use` is where the declaration `d` is visible (a conservative reading of Go's scopes). */
function inScope(d: Node, use: Node): boolean {
  if (d.type === 'parameter_declaration' || d.type === 'variadic_parameter_declaration') {
    const owner = d.parent?.parent;
    if (!owner || !['function_declaration', 'method_declaration', 'func_literal'].includes(owner.type)) return false;
    const body = owner.childForFieldName('body');
    return !!body && within(use, body);
  }
  if (d.type !== 'var_spec' && d.type !== 'short_var_declaration') return false;
  let stmt: Node = d;
  if (d.type === 'var_spec') {
    while (stmt.parent && stmt.type !== 'var_declaration') stmt = stmt.parent;
    if (stmt.type !== 'var_declaration') return false;
  }
  let scope = stmt.parent;
  if (!scope) return false;
  if (scope.type === 'for_clause') scope = scope.parent;
  if (!scope || !['statement_list', 'block', 'if_statement', 'expression_switch_statement', 'type_switch_statement', 'for_statement'].includes(scope.type))
    return false;
  return use.startIndex >= d.endIndex && within(use, scope);
}

function within(n: Node, outer: Node): boolean {
  return n.startIndex >= outer.startIndex && n.endIndex <= outer.endIndex;
}

/** The C type a declaration gives `name`, when it is written (`C.T`, `*C.T`) or a C composite literal. */
function typeOfDecl(d: Node, name: string): GoCType | null {
  const typeNode = d.type === 'short_var_declaration' ? null : d.childForFieldName('type');
  if (d.type === 'parameter_declaration' || d.type === 'variadic_parameter_declaration')
    return d.type === 'parameter_declaration' && typeNode ? cTypeOf(typeNode) : null;
  if (d.type === 'var_spec') {
    if (typeNode) return cTypeOf(typeNode);
    const names = d.childrenForFieldName('name').filter((n): n is Node => !!n);
    const values = d.childForFieldName('value')?.namedChildren.filter((n): n is Node => !!n) ?? [];
    const i = names.findIndex((n) => n.text === name);
    return names.length === values.length && i >= 0 ? cTypeOfValue(values[i]!) : null;
  }
  if (d.type === 'short_var_declaration') {
    const names = d.childForFieldName('left')?.namedChildren.filter((n): n is Node => !!n) ?? [];
    const values = d.childForFieldName('right')?.namedChildren.filter((n): n is Node => !!n) ?? [];
    const i = names.findIndex((n) => n.text === name);
    return names.length === values.length && i >= 0 ? cTypeOfValue(values[i]!) : null;
  }
  return null;
}

/** `C.T` → {T, 0}; `*C.T` → {T, 1}; anything else null. */
function cTypeOf(t: Node): GoCType | null {
  let ptr = 0;
  let n: Node | null = t;
  while (n && (n.type === 'pointer_type' || n.type === 'parenthesized_type')) {
    if (n.type === 'pointer_type') ptr++;
    n = n.namedChildren[0] ?? null;
  }
  if (!n || n.type !== 'qualified_type' || ptr > 1) return null;
  if (n.childForFieldName('package')?.text !== 'C') return null;
  const name = n.childForFieldName('name')?.text;
  return name ? { name, ptr } : null;
}

/** `C.T{…}` → {T, 0}; `&C.T{…}` → {T, 1}; anything else null. */
function cTypeOfValue(v: Node): GoCType | null {
  let n: Node = v;
  while (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
  let ptr = 0;
  if (n.type === 'unary_expression') {
    if (!n.text.startsWith('&')) return null;
    const o = n.childForFieldName('operand');
    if (!o) return null;
    n = o;
    while (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
    ptr = 1;
  }
  if (n.type !== 'composite_literal') return null;
  const t = n.childForFieldName('type');
  if (!t || t.type !== 'qualified_type') return null;
  const c = cTypeOf(t);
  return c && c.ptr === 0 ? { name: c.name, ptr } : null;
}

// ---- the C side: what cgo's Go struct has -------------------------------------------------------------------

/** A C type reached from Go: a struct (or union) definition, or an incomplete tag; `goName` as go build prints it. */
type Reached =
  | { kind: 'struct'; def: CTagDef; display: string; goName: string | null; ptr: number }
  | { kind: 'union'; def: CTagDef | null; display: string; goName: string | null; ptr: number }
  | { kind: 'incomplete'; tag: 'struct' | 'union'; tagName: string; def: CTagDef | null; display: string; goName: string | null; ptr: number };

// How go build names the type in its message (seen with go1.20.14, go1.22.12 and go1.26; null where not known):
// a struct is `_Ctype_struct_X`; a typedef `T` is `_Ctype_T` from 1.26 on and the struct's name up to 1.22; a union
// is `_Ctype_union_X` from 1.26 on and `[N]byte` up to 1.22.
function typedefGoName(typedef: string, tagName: string | null, tag: string, goMinor: number): string | null {
  if (goMinor >= 26) return `_Ctype_${typedef}`;
  if (goMinor <= 22 && tagName && tag === 'struct') return `_Ctype_${tag}_${tagName}`;
  return null;
}

function tagGoName(tag: 'struct' | 'union', tagName: string, goMinor: number): string | null {
  if (tag === 'struct') return `_Ctype_struct_${tagName}`;
  return goMinor >= 26 ? `_Ctype_union_${tagName}` : null;
}

/** The hint types2 appends when a field differs only in case: `, but does have field x` (1.26), `, but does have x` (≤1.22). */
function caseHint(name: string, goMinor: number): string {
  if (goMinor >= 26) return `, but does have field ${name}`;
  if (goMinor <= 22) return `, but does have ${name}`;
  return `, but does have … ${name}`;
}

function fromTag(
  idx: CIndex,
  tag: 'struct' | 'union',
  tagName: string | null,
  key: string,
  display: string,
  goName: string | null,
  ptr: number,
): Reached | null {
  const def = idx.tags.get(key) ?? null;
  if (tagName && idx.skipped.has(`${tag}_${tagName}`)) return null;
  if (!def || !def.complete) {
    // Never parsed as defined: incomplete for cgo too, unless the text shows a body the parse missed.
    if (!tagName || idx.bodyTags?.has(`${tag} ${tagName}`) !== false) return null;
    return { kind: 'incomplete', tag, tagName, def, display, goName, ptr };
  }
  if (def.tag === 'union') return { kind: 'union', def, display, goName, ptr };
  if (def.tag !== 'struct') return null;
  return { kind: 'struct', def, display, goName, ptr };
}

/** The type `C.<name>` (behind `ptr` stars) reaches, or null when it is not certainly a struct/union. */
function reachGo(idx: CIndex, t: GoCType, goMinor: number): Reached | null {
  if (t.ptr > 1) return null;
  const m = /^(struct|union)_(\w+)$/.exec(t.name);
  if (m) {
    const tag = m[1] as 'struct' | 'union';
    return fromTag(idx, tag, m[2]!, `${tag} ${m[2]}`, `C.${t.name}`, tagGoName(tag, m[2]!, goMinor), t.ptr);
  }
  const e = idx.entities.get(t.name);
  if (!e || e.kind !== 'type' || !e.tagKey) return null;
  const tm = /^(struct|union) (\w+)$/.exec(e.tagKey);
  const def = idx.tags.get(e.tagKey);
  const tag = (tm?.[1] ?? def?.tag) as 'struct' | 'union' | undefined;
  if (tag !== 'struct' && tag !== 'union') return null;
  return fromTag(idx, tag, tm?.[2] ?? null, e.tagKey, `C.${t.name}`, typedefGoName(t.name, tm?.[2] ?? null, tag, goMinor), t.ptr);
}

/** The type a struct member of C type `ct` reaches (typedefs followed, at most one pointer). */
function reachC(idx: CIndex, ct: CType, goMinor: number): Reached | null {
  let ptr = 0;
  let t = ct;
  let typedef: string | null = null;
  for (let i = 0; i < 32; i++) {
    if (t.k === 'ptr') {
      if (++ptr > 1) return null;
      t = t.to;
      continue;
    }
    if (t.k === 'typedef') {
      if (typedef === null && ptr === 0) typedef = t.name;
      const next = idx.typedefs.get(t.name);
      if (!next) return null;
      t = next;
      continue;
    }
    break;
  }
  if (t.k !== 'tag' || t.tag === 'enum') return null;
  const display = typedef ? `C.${typedef}` : t.name ? `C.${t.tag}_${t.name}` : `the anonymous ${t.tag}`;
  const goName = typedef ? typedefGoName(typedef, t.name, t.tag, goMinor) : t.name ? tagGoName(t.tag, t.name, goMinor) : null;
  return fromTag(idx, t.tag, t.name, t.key, display, goName, ptr);
}

/** The trailing zero-sized members cmd/cgo removes (a flexible array `[]` or `[0]` at the end of the struct). */
function trailingZero(def: CTagDef): Set<string> {
  const out = new Set<string>();
  for (let i = def.fields.length - 1; i >= 0; i--) {
    const t = def.fields[i]!.type;
    if (t.k === 'array' && (t.len === null || t.len === 0)) out.add(def.fields[i]!.goName);
    else break;
  }
  return out;
}

type Verdict = { ok: true; next: Reached | null } | { ok: false; why: 'none' | 'bitfield' | 'flexible' | 'union' | 'incomplete' } | null;

/** Whether `name` is a field of the reached type as cgo exposes it (null: not certain either way). */
function member(idx: CIndex, r: Reached, name: string, goMinor: number, opts: CFieldOptions): Verdict {
  if (name === '_') return null;
  if (r.kind === 'union') return { ok: false, why: 'union' };
  // cgo's C types are the package's: a struct another file's preamble defines is complete in this file too.
  if (r.kind === 'incomplete') return opts.soleCgoFile ? { ok: false, why: 'incomplete' } : null;
  const def = r.def;
  const trailing = trailingZero(def);
  const f = def.fields.find((x) => x.goName === name);
  if (f && !trailing.has(name)) return { ok: true, next: reachC(idx, f.type, goMinor) };
  if (def.uncertain) return null;
  if ((def.anonMembers ?? 0) > 0 && /^anon\d+$/.test(name)) return null;
  if (f && trailing.has(name)) return { ok: false, why: 'flexible' };
  if ((def.bitfields ?? []).includes(name)) return { ok: false, why: 'bitfield' };
  // A packed struct: cmd/cgo keeps its aligned members, which this index does not list.
  if (def.droppedFields.includes(name)) return null;
  return { ok: false, why: 'none' };
}

function tagSpelling(r: Reached): string {
  if (r.kind === 'incomplete') return `${r.tag} ${r.tagName}`;
  const d = r.def;
  return d?.name ? `${d.tag} ${d.name}` : r.display;
}

/** A near name to suggest: the Go name of a keyword member, or a case-insensitive match. */
function nearName(def: CTagDef, name: string): string | null {
  const bare = name.replace(/^_+|_+$/g, '').toLowerCase();
  for (const f of def.fields) if (f.goName !== name && (f.cName.toLowerCase() === bare || f.goName.toLowerCase() === name.toLowerCase())) return f.goName;
  return null;
}

function diagnostic(file: string, a: FieldAccess, r: Reached, why: Extract<Verdict, { ok: false }>['why'], goMinor: number): CgoDiagnostic {
  const f = a.path[a.path.length - 1]!;
  const owner = a.expr.slice(0, a.expr.length - f.length - 1);
  const typeText = r.goName ? `${r.ptr ? '*' : ''}${r.goName}` : '…';
  const sameButCase =
    r.kind === 'struct'
      ? r.def.fields.find((x) => x.goName !== f && x.goName.toLowerCase() === f.toLowerCase() && !trailingZero(r.def).has(x.goName))
      : undefined;
  const goBuild = `go build: ${a.expr} undefined (type ${typeText} has no field or method ${f}${sameButCase ? caseHint(sameButCase.goName, goMinor) : ''})`;
  const spelled = tagSpelling(r);
  let cause: string;
  let fix: string;
  const details: string[] = [];
  switch (why) {
    case 'incomplete': {
      cause = `${a.expr} undefined: ${spelled} is not defined by the preamble (an incomplete type)`;
      fix = `include the header that defines ${spelled}`;
      const d = r.def;
      if (d?.file) details.push(`${spelled} is only declared (${d.file}:${d.line}), never defined, in what the preamble includes.`);
      break;
    }
    case 'union':
      cause = `${a.expr} undefined: cgo represents ${r.display} (a union) as bytes, without fields`;
      fix = `read the member through a C helper function, or with unsafe: (*T)(unsafe.Pointer(${r.ptr ? owner : '&' + owner}))`;
      break;
    case 'bitfield':
      cause = `${a.expr} undefined: cgo does not expose the bitfield ${f} of ${r.display}`;
      fix = `read and write it through C helper functions in the preamble (e.g. one returning p->${f})`;
      break;
    case 'flexible':
      cause = `${a.expr} undefined: cgo drops the trailing flexible array ${f} of ${r.display}`;
      fix = `reach it through a C helper function returning p->${f}`;
      break;
    case 'none': {
      cause = `${a.expr} undefined: ${r.display} has no field ${f}`;
      const def = (r as Extract<Reached, { kind: 'struct' }>).def;
      const near = nearName(def, f);
      const names = def.fields.filter((x) => !trailingZero(def).has(x.goName)).map((x) => x.goName);
      fix = near
        ? `write ${owner}.${near}${/^_/.test(near) ? ' (cgo prefixes a Go keyword with _)' : ''}`
        : names.length > 0
          ? `use a field cgo gives ${spelled}: ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}`
          : `${spelled} has no fields cgo exposes`;
      if (def.file) details.push(`${spelled} is defined at ${def.file}:${def.line}.`);
      break;
    }
  }
  details.unshift(goBuild);
  return makeDiagnostic({
    file,
    range: a.range,
    severity: 'error',
    code: 'cgo/c-field-unknown',
    cause,
    fix,
    details,
    data: { struct: spelled, field: f, reason: why },
  });
}

export interface CFieldOptions {
  /** The file is the package's only cgo file: a struct incomplete in its preamble is incomplete for the build. */
  soleCgoFile: boolean;
}

/** The diagnostics for `accesses` against the index (pure). */
export function cFieldDiagnostics(file: string, accesses: readonly FieldAccess[], idx: CIndex, goMinor: number, opts: CFieldOptions): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  for (const a of accesses) {
    let r = reachGo(idx, a.root, goMinor);
    for (let i = 0; r && i < a.path.length; i++) {
      const v = member(idx, r, a.path[i]!, goMinor, opts);
      if (!v) break;
      if (!v.ok) {
        // Only the selector whose own field fails reports (go build names the innermost failing selector).
        if (i === a.path.length - 1) out.push(diagnostic(file, a, r, v.why, goMinor));
        break;
      }
      r = v.next;
    }
  }
  return out;
}

/** The index input of a file from its preamble job (the same flags as the preamble compile). */
export function indexInputOf(pi: PreambleInput, goVersion: GoVersion, fingerprint: string): CIndexInput {
  return {
    goFile: pi.goFile,
    cc: pi.cc,
    cppflags: pi.cppflags,
    cflags: pi.cflags,
    preambles: pi.preambles,
    env: pi.env ?? {},
    cwd: pi.cwd,
    goos: pi.goos,
    goarch: pi.goarch,
    goVersion: goVersion.raw,
    fingerprint,
  };
}

export interface CFieldCheckInput {
  model: GoFile;
  text: string;
  goVersion: GoVersion;
  fingerprint: string;
  preambleInput: PreambleInput;
  /** This file's compiler findings for the current preamble; null when it has not been compiled. */
  compiled: readonly CgoDiagnostic[] | null;
  /** The package's built cgo files (a struct one preamble leaves incomplete may be defined by another's). */
  cgoFiles: readonly string[];
  /** `run`: build the C name index when it is not in memory; `cached`: only read it (the keystroke path). */
  mode: 'run' | 'cached';
  indexes: CIndexes;
  signal?: AbortSignal | undefined;
}

/**
 * The check as the engine runs it: only when the preamble compiled without an error (otherwise the build stops
 * there and never reaches the type checker), and only for files with a selector on a certain C type. `stale`: such
 * selectors exist but the index is not in memory (a later compiler run builds it).
 */
export async function checkCFields(input: CFieldCheckInput): Promise<{ diagnostics: CgoDiagnostic[]; stale: boolean }> {
  if (!input.compiled || input.compiled.some((d) => d.severity === 'error')) return { diagnostics: [], stale: false };
  const accesses = await cFieldAccesses(input.model, input.text);
  if (accesses.length === 0) return { diagnostics: [], stale: false };
  const indexInput = indexInputOf(input.preambleInput, input.goVersion, input.fingerprint);
  const idx = await input.indexes.forInput(indexInput, input.mode === 'run' ? 'build' : 'peek', input.signal);
  if (!idx) return { diagnostics: [], stale: input.mode === 'cached' && !input.indexes.hasFailed(indexInput) };
  return {
    diagnostics: cFieldDiagnostics(input.model.path, accesses, idx, input.goVersion.minor, {
      soleCgoFile: input.cgoFiles.every((f) => f === input.model.path),
    }),
    stale: false,
  };
}
