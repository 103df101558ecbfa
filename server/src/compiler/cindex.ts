// The C name index of a .go file: every name its preambles make visible to `C.`, with its kind, C declaration,
// location and the Go-side type cmd/cgo will give it. Built from the compiler the package really uses:
// `cc -E -dD` on cgo's builtin prolog + the preambles with the package's flags (one run), the output parsed with
// tree-sitter-c. The Go translation follows cmd/cgo's typeConv (gcc.go: Type, FuncArg, FuncType, Struct), for the
// current GOOS/GOARCH only. Names cgo cannot use (variadic functions, function-like macros, static variables,
// `long double`, thread-local variables, macros that are not constants) are left out.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Node, Parser } from '../gomodel/parser.js';
import { getCParser } from '../gomodel/parser.js';
import { CGO_BUILTIN_PROLOG } from '../gomodel/preamble.js';
import { buildPreambleText, type PreambleSource } from './preamble.js';
import { compilerEnv, gccMachine } from './ccinfo.js';
import { run, type RunResult } from '../util/proc.js';
import { stampsUnchanged } from '../util/stamps.js';

/** What the index needs to preprocess a file's preambles the way cgo compiles them (Engine.cCompileContext). */
export interface CIndexInput {
  goFile: string;
  cc: string[];
  cppflags: string[];
  cflags: string[];
  preambles: PreambleSource[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  goos: string;
  goarch: string;
  goVersion?: string;
  fingerprint: string;
}

// ---- C types --------------------------------------------------------------------------------------------------

export type CType =
  | { k: 'void' }
  /** cgo's name for a C base type (`int`, `uint`, `ulonglong`, `_Bool` …) or an unsupported one (`longdouble`, `int128`). */
  | { k: 'base'; name: string }
  | { k: 'typedef'; name: string }
  /** `key` identifies the definition: `struct x` for a named tag, `@<offset>` for an anonymous one. */
  | { k: 'tag'; tag: 'struct' | 'union' | 'enum'; name: string | null; key: string }
  | { k: 'ptr'; to: CType }
  /** len null: flexible / unsized (`[]`); -1: a size this index could not evaluate (the type is fine for cgo). */
  | { k: 'array'; of: CType; len: number | null }
  | { k: 'func'; ret: CType; params: CParam[]; variadic: boolean }
  | { k: 'unknown'; text: string };

export interface CParam {
  name: string | null;
  type: CType;
  /** The parameter as written (`const char *zFilename`; cleanDecl() makes the one-line form). */
  text: string;
}

const UNSUPPORTED_BASE = new Set(['longdouble', 'int128', 'uint128', 'complexlongdouble']);

export interface CField {
  cName: string;
  /** The Go field name (cmd/cgo prefixes Go keywords with `_`, repeating to avoid an existing field). */
  goName: string;
  type: CType;
  goType: string | null;
  text: string;
  file: string;
  line: number;
}

export interface CTagDef {
  tag: 'struct' | 'union' | 'enum';
  name: string | null;
  /** Has a body (a complete type). */
  complete: boolean;
  fields: CField[];
  /** struct: a bitfield or packed layout makes cgo drop fields; they are left out of `fields`. */
  droppedFields: string[];
  /** struct: the members declared as bitfields (cmd/cgo never exposes them, packed or not). */
  bitfields?: string[];
  /** struct: members without a name (C11 anonymous struct/union members); cmd/cgo names them `anon0`, `anon1` …. */
  anonMembers?: number;
  /** The parse of the body had errors or a member this index could not name: its member list may be incomplete. */
  uncertain?: boolean;
  enumValues: { name: string; value: bigint | null }[];
  file: string;
  line: number;
}

export type CEntityKind = 'func' | 'var' | 'type' | 'iconst' | 'fconst' | 'sconst' | 'enumconst' | 'builtin-func' | 'builtin-type';

/** Where a name comes from; completion ranks by this. */
export type CTier = 'preamble' | 'direct' | 'builtin' | 'transitive';

export interface CEntity {
  /** The name after `C.`. */
  name: string;
  kind: CEntityKind;
  /** The C declaration (one line, attributes removed) or the `#define` line. */
  cDecl: string;
  /** Go type: `func(s *C.char) C.int` for functions, the variable's type, `C.x`'s underlying for types, the constant's Go kind. */
  goType: string;
  /** Functions: parameters in C and Go terms. */
  params?: { name: string; cText: string; goType: string }[];
  result?: { cText: string; goType: string };
  /** Constants: the value when known. */
  value?: string;
  /** Types: the C tag or typedef whose fields a value of this type has (key into `tags`). */
  tagKey?: string;
  /** Incomplete struct: usable only through pointers. */
  incomplete?: boolean;
  /** A variable that is also a `#define`: cgo reads it as a value (not addressable). */
  macroValue?: boolean;
  file: string;
  /** 1-based line in `file` (a .go line for preamble declarations). */
  line: number;
  tier: CTier;
}

export interface CIndex {
  key: string;
  /** preambleSignature() of the preambles it was built from. */
  preambleSig: string;
  goFile: string;
  entities: Map<string, CEntity>;
  tags: Map<string, CTagDef>;
  typedefs: Map<string, CType>;
  /** 0-based .go line of each preamble `#include` → the header file the compiler opened. */
  includes: Map<number, string>;
  /** Every file the preprocessor read, with its stat at build time (an edit refreshes the index). */
  files: { file: string; mtimeMs: number; size: number }[];
  /** Milliseconds: the compiler run, and parsing its output. */
  ccMs: number;
  parseMs: number;
  /** Names skipped because cgo cannot use them, with the reason (tests and hover use it). */
  skipped: Map<string, string>;
  /**
   * Every `struct x` / `union x` the preprocessed text seems to give a body (a plain text scan, a superset of the
   * parsed definitions): a tag found here but not complete in `tags` was not parsed, so it is not known to be incomplete.
   */
  bodyTags?: Set<string>;
  error?: string;
}

// ---- running the preprocessor ----------------------------------------------------------------------------------

/** The argv of the `-E -dD` run: cmd/cgo's flags (CPPFLAGS then CFLAGS, minus `-g…`) plus the machine flags. */
export function preprocessArgv(input: CIndexInput): string[] {
  const [prog, ...pre] = input.cc;
  return [
    prog ?? 'cc',
    ...pre,
    ...gccMachine(input.goarch, input.goos, input.env),
    ...input.cppflags,
    ...input.cflags.filter((f) => !f.startsWith('-g')),
    '-E',
    '-dD',
    '-xc',
    '-',
  ];
}

/** Identity of a file's preamble text and position (an index built for other text is not reused for it). */
export function preambleSignature(preambles: { firstLine: number; lines: { text: string }[] }[]): string {
  return JSON.stringify(preambles.map((p) => [p.firstLine, p.lines.map((l) => l.text)]));
}

export function indexKey(input: CIndexInput): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify([
      input.goFile,
      input.preambles.map((p) => [p.firstLine, p.lines.map((l) => l.text)]),
      input.cc,
      input.cppflags,
      input.cflags,
      input.goos,
      input.goarch,
      input.fingerprint,
    ]),
  );
  return h.digest('hex').slice(0, 40);
}

/** What parsePreprocessed needs besides the preprocessor's output (plain data: it crosses to a worker thread). */
export interface ParseOptions {
  goFile: string;
  goos: string;
  goarch?: string;
  preambleText?: string;
  cwd?: string;
}

/**
 * Parses the preprocessor's output into an index somewhere else than on the calling thread (engine/cindexes.ts
 * runs parsePreprocessed in a worker thread); rejects when that parse failed, crashed or took too long.
 */
export type CIndexParser = (out: string, opts: ParseOptions) => Promise<CIndex>;

export async function buildCIndex(input: CIndexInput, opts: { timeoutMs: number; signal?: AbortSignal; parse?: CIndexParser }): Promise<CIndex> {
  const key = indexKey(input);
  const { text } = buildPreambleText(input.goFile, input.preambles);
  const argv = preprocessArgv(input);
  const started = Date.now();
  const res: RunResult = await run(argv[0]!, argv.slice(1), {
    env: compilerEnv(input.env),
    cwd: input.cwd,
    timeoutMs: opts.timeoutMs,
    input: CGO_BUILTIN_PROLOG + text,
    maxOutput: 64 * 1024 * 1024,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const ccMs = Date.now() - started;
  const empty = (error: string): CIndex => ({
    key,
    preambleSig: preambleSignature(input.preambles),
    goFile: input.goFile,
    entities: new Map(),
    tags: new Map(),
    typedefs: new Map(),
    includes: new Map(),
    files: [],
    ccMs,
    parseMs: 0,
    skipped: new Map(),
    error,
  });
  if (res.canceled) return empty('canceled');
  if (res.timedOut) return empty(`${argv[0]} -E timed out after ${opts.timeoutMs} ms`);
  if (res.spawnError) return empty(res.spawnError);
  // A failing #include still leaves the rest of the output usable (gcc stops at a fatal error, though).
  const parseOpts: ParseOptions = {
    goFile: input.goFile,
    goos: input.goos,
    goarch: input.goarch,
    cwd: input.cwd,
    preambleText: input.preambles.map((p) => p.lines.map((l) => l.text).join('\n')).join('\n'),
  };
  const t0 = Date.now();
  let idx: CIndex;
  try {
    idx = opts.parse ? await opts.parse(res.stdout, parseOpts) : parsePreprocessed(res.stdout, await getCParser(), parseOpts);
  } catch (e) {
    return empty(`parsing the preprocessor output failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  idx.key = key;
  idx.preambleSig = preambleSignature(input.preambles);
  idx.ccMs = ccMs;
  idx.parseMs = Date.now() - t0;
  if (res.exitCode !== 0 && idx.entities.size === 0) idx.error = res.stderr.split('\n').find((l) => l.includes('error')) ?? `exit ${res.exitCode}`;
  return idx;
}

// ---- parsing the output -----------------------------------------------------------------------------------------

interface RowMap {
  fileIds: Int32Array;
  lines: Int32Array;
  files: string[];
}

interface MacroDef {
  name: string;
  body: string;
  fileId: number;
  line: number;
  text: string;
}

/** cgo's builtin prolog and the line-marker pseudo files are not the user's. */
function isPseudoFile(f: string): boolean {
  return f === 'cgo-builtin-prolog' || f === 'cgo-generated-wrapper' || f === '<built-in>' || f === '<stdin>' || f === '';
}

function unescapeMarkerPath(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Reserved identifiers (`__x`, `_X`) of system headers are implementation details: not offered. */
function isReserved(name: string): boolean {
  return /^__|^_[A-Z]/.test(name);
}

export function parsePreprocessed(out: string, parser: Parser, opts: ParseOptions): CIndex {
  const lines = out.split('\n');
  const n = lines.length;
  const rows: RowMap = { fileIds: new Int32Array(n), lines: new Int32Array(n), files: [] };
  const fileIndex = new Map<string, number>();
  const idOf = (f: string): number => {
    let id = fileIndex.get(f);
    if (id === undefined) {
      id = rows.files.length;
      rows.files.push(f);
      fileIndex.set(f, id);
    }
    return id;
  };
  const system = new Set<number>();
  const parent = new Map<number, number>();
  const includes = new Map<number, string>();
  const macros = new Map<string, MacroDef>();
  const fnMacros = new Set<string>();
  const goFileId = idOf(opts.goFile);
  let cur = idOf('<stdin>');
  let line = 1;
  const cText: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const l = lines[i]!;
    rows.fileIds[i] = cur;
    rows.lines[i] = line;
    if (l.startsWith('#')) {
      cText[i] = '';
      const m = /^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d+)*)\s*$/.exec(l);
      if (m) {
        let file = unescapeMarkerPath(m[2]!);
        // gcc names a header found relative to the run's directory (a quoted include) by a relative path.
        if (opts.cwd && !isPseudoFile(file) && file !== '<command-line>' && !path.isAbsolute(file)) file = path.resolve(opts.cwd, file);
        const flags = (m[3] ?? '').trim().split(/\s+/);
        const id = idOf(file);
        if (flags.includes('1')) {
          if (!parent.has(id)) parent.set(id, cur);
          if (cur === goFileId) includes.set(line - 1, file);
        }
        if (flags.includes('3')) system.add(id);
        cur = id;
        line = Number(m[1]);
        continue;
      }
      const d = /^#define ([A-Za-z_]\w*)(\(?)(.*)$/.exec(l);
      if (d) {
        if (d[2]) {
          fnMacros.add(d[1]!);
          macros.delete(d[1]!);
        } else {
          fnMacros.delete(d[1]!);
          macros.set(d[1]!, { name: d[1]!, body: d[3]!.trim(), fileId: cur, line, text: l });
        }
      } else {
        const u = /^#undef ([A-Za-z_]\w*)/.exec(l);
        if (u) {
          macros.delete(u[1]!);
          fnMacros.delete(u[1]!);
        }
      }
      line++;
      continue;
    }
    cText[i] = l;
    line++;
  }

  const tierOf = (fileId: number): CTier | null => {
    const f = rows.files[fileId]!;
    if (fileId === goFileId) return 'preamble';
    if (f === '<command-line>') return 'direct';
    if (isPseudoFile(f)) return null;
    const p = parent.get(fileId);
    if (p === goFileId) return 'direct';
    return 'transitive';
  };
  // A header the preamble includes itself counts as direct even when an earlier header pulled it in first.
  const directNames = new Set<string>();
  for (const m of (opts.preambleText ?? '').matchAll(/^\s*#\s*include\s*[<"]([^>"]+)[>"]/gm)) directNames.add(m[1]!);
  const tierFor = (fileId: number): CTier | null => {
    const t = tierOf(fileId);
    if (t === 'transitive') {
      const f = rows.files[fileId]!.replace(/\\/g, '/');
      for (const d of directNames) if (f.endsWith('/' + d)) return 'direct';
    }
    return t;
  };

  const idx: CIndex = {
    key: '',
    preambleSig: '',
    goFile: opts.goFile,
    entities: new Map(),
    tags: new Map(),
    typedefs: new Map(),
    includes,
    files: [],
    ccMs: 0,
    parseMs: 0,
    skipped: new Map(),
  };
  for (const f of rows.files) {
    if (isPseudoFile(f) || f === '<command-line>' || f === opts.goFile) continue;
    try {
      const st = fs.statSync(f);
      idx.files.push({ file: f, mtimeMs: st.mtimeMs, size: st.size });
    } catch {
      idx.files.push({ file: f, mtimeMs: -1, size: -1 });
    }
  }

  const cSource = cText.join('\n');
  idx.bodyTags = new Set();
  for (const m of cSource.matchAll(/\b(struct|union)\b[^;{}]{0,300}?\b([A-Za-z_]\w*)\s*\{/g)) idx.bodyTags.add(`${m[1]} ${m[2]}`);
  const tree = parser.parse(cSource);
  if (!tree) return idx;
  const walker = new Walker(idx, rows, tierFor, system, opts.goos, opts.goarch ?? 'amd64');
  try {
    walker.collectTags(tree.rootNode);
    walker.declarations(tree.rootNode);
  } finally {
    tree.delete();
  }
  walker.finish();
  walker.addMacros(macros, fnMacros);
  return idx;
}

// ---- the tree walk ----------------------------------------------------------------------------------------------

const GO_KEYWORDS = new Set(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(
    ' ',
  ),
);

interface PendingDecl {
  name: string;
  kind: 'func' | 'var' | 'type';
  type: CType;
  node: Node;
  nameNode: Node;
  isStatic: boolean;
  isDefinition: boolean;
  threadLocal: boolean;
  fileId: number;
  line: number;
  text: string;
}

function cleanDecl(text: string): string {
  let t = text;
  // __attribute__((…)), __asm__("…"), __declspec(…): balanced-parenthesis removal.
  for (const kw of ['__attribute__', '__attribute', '__asm__', '__asm', 'asm', '__declspec']) {
    let i = t.indexOf(kw);
    while (i >= 0) {
      const before = i === 0 ? ' ' : t[i - 1]!;
      const after = t[i + kw.length] ?? ' ';
      if (/[A-Za-z0-9_]/.test(before) || /[A-Za-z0-9_]/.test(after)) {
        i = t.indexOf(kw, i + 1);
        continue;
      }
      let j = i + kw.length;
      while (j < t.length && /\s/.test(t[j]!)) j++;
      if (t[j] !== '(') {
        i = t.indexOf(kw, i + 1);
        continue;
      }
      let depth = 0;
      let k = j;
      for (; k < t.length; k++) {
        if (t[k] === '(') depth++;
        else if (t[k] === ')') {
          depth--;
          if (depth === 0) break;
        }
      }
      t = t.slice(0, i) + t.slice(k + 1);
      i = t.indexOf(kw, i);
    }
  }
  t = t.replace(/\b__extension__\b|\b__inline__\b|\b__inline\b|\b__extern_inline\b/g, (m) => (m.startsWith('__inline') ? 'inline' : ''));
  t = t.replace(/\b__restrict__\b|\b__restrict\b/g, 'restrict');
  t = t
    .replace(/\s+/g, ' ')
    .replace(/\s+([,;)\]])/g, '$1')
    .replace(/\(\s+/g, '(')
    .trim();
  return t;
}

class Walker {
  private anon = 0;
  private readonly pending: PendingDecl[] = [];
  /** Memo of "does cgo accept this type" per tag/typedef key (cycle-safe). */
  private readonly okMemo = new Map<string, boolean>();
  private readonly longBits: number;
  private readonly ptrBits: number;

  constructor(
    private readonly idx: CIndex,
    private readonly rows: RowMap,
    private readonly tierFor: (fileId: number) => CTier | null,
    private readonly system: Set<number>,
    goos: string,
    goarch: string,
  ) {
    const is32 = ['386', 'arm', 'mips', 'mipsle', 'wasm'].includes(goarch);
    this.ptrBits = is32 ? 32 : 64;
    this.longBits = goos === 'windows' || is32 ? 32 : 64;
  }

  private where(node: Node): { fileId: number; line: number } {
    const r = Math.min(node.startPosition.row, this.rows.fileIds.length - 1);
    return { fileId: this.rows.fileIds[r] ?? 0, line: this.rows.lines[r] ?? 0 };
  }

  private fileName(id: number): string {
    return this.rows.files[id] ?? '';
  }

  // ---- tags (struct/union/enum definitions anywhere outside function bodies)

  collectTags(root: Node): void {
    // Only where a tag definition can be: declaration specifiers and struct members (never expressions or
    // function bodies). Walking every node of a big header set costs more than parsing it.
    const INTO = new Set([
      'translation_unit',
      'declaration',
      'type_definition',
      'function_definition',
      'field_declaration_list',
      'field_declaration',
      'linkage_specification',
      'declaration_list',
    ]);
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const t = node.type;
      if (t === 'struct_specifier' || t === 'union_specifier' || t === 'enum_specifier') {
        const body = node.childForFieldName('body');
        if (!body) continue;
        this.defineTag(node);
        if (t !== 'enum_specifier') for (const f of body.namedChildren) if (f) stack.push(f);
        continue;
      }
      if (!INTO.has(t)) continue;
      if (t === 'function_definition') {
        const ty = node.childForFieldName('type');
        if (ty) stack.push(ty);
        continue;
      }
      for (const c of node.namedChildren) if (c) stack.push(c);
    }
  }

  private tagKeyOf(node: Node): { tag: 'struct' | 'union' | 'enum'; name: string | null; key: string } {
    const tag = node.type === 'struct_specifier' ? 'struct' : node.type === 'union_specifier' ? 'union' : 'enum';
    const nameNode = node.childForFieldName('name');
    const name = nameNode ? nameNode.text : null;
    return { tag, name, key: name ? `${tag} ${name}` : `@${node.startIndex}` };
  }

  private defineTag(node: Node): void {
    const { tag, name, key } = this.tagKeyOf(node);
    const w = this.where(node);
    const def: CTagDef = {
      tag,
      name,
      complete: true,
      fields: [],
      droppedFields: [],
      enumValues: [],
      file: this.fileName(w.fileId),
      line: w.line,
    };
    const body = node.childForFieldName('body')!;
    if (tag === 'enum') {
      let next = 0n;
      for (const e of body.namedChildren) {
        if (!e || e.type !== 'enumerator') continue;
        const nm = e.childForFieldName('name')?.text;
        if (!nm) continue;
        const v = e.childForFieldName('value');
        let value: bigint | null = next;
        if (v) {
          const r = evalConst(v.text, this.constEnv());
          value = r && r.kind === 'int' ? r.v : null;
        }
        def.enumValues.push({ name: nm, value });
        next = value === null ? 0n : value + 1n;
        this.enumConsts.set(nm, value);
        const ew = this.where(e);
        this.enumDecl.set(nm, { key, fileId: ew.fileId, line: ew.line, text: e.text });
      }
    } else {
      // A packed layout misaligns fields, which cmd/cgo drops; leave every field out rather than guess which.
      const holder = node.parent && node.parent.type !== 'translation_unit' ? node.parent : node;
      const outside = holder.text.slice(0, body.startIndex - holder.startIndex) + holder.text.slice(body.endIndex - holder.startIndex);
      const packed = /\b(__packed__|packed)\b/.test(outside);
      if (body.hasError) def.uncertain = true;
      def.bitfields = [];
      def.anonMembers = 0;
      for (const f of body.namedChildren) {
        if (!f || f.type === 'comment') continue;
        if (f.type !== 'field_declaration') {
          def.uncertain = true; // a member this walk does not understand (e.g. a static assertion): do not guess
          continue;
        }
        const spec = f.childForFieldName('type');
        if (!spec) {
          def.uncertain = true;
          continue;
        }
        const base = this.specType(spec, f);
        const bitfield = f.namedChildren.some((c) => c?.type === 'bitfield_clause');
        const decls = f.childrenForFieldName('declarator').filter((d): d is Node => !!d);
        if (decls.length === 0 && !bitfield) {
          if (spec.type === 'struct_specifier' || spec.type === 'union_specifier') def.anonMembers++;
          else def.uncertain = true;
        }
        for (const d of decls) {
          const r = this.applyDeclarator(d, base);
          if (!r.name) {
            def.uncertain = true;
            continue;
          }
          if (bitfield) def.bitfields.push(r.name);
          if (bitfield || packed) {
            def.droppedFields.push(r.name);
            continue;
          }
          const fw = this.where(d);
          def.fields.push({
            cName: r.name,
            goName: r.name,
            type: r.type,
            goType: null,
            text: cleanDecl(f.text),
            file: this.fileName(fw.fileId),
            line: fw.line,
          });
        }
      }
      // cmd/cgo Struct(): Go keywords get a `_` prefix, repeated while the result is already a field name.
      // cmd/cgo's `used` holds every member name, the ones it then drops (bitfields) included.
      const used = new Set([...def.fields.map((f) => f.cName), ...def.droppedFields]);
      for (const f of def.fields) {
        if (!GO_KEYWORDS.has(f.cName)) continue;
        let g = '_' + f.cName;
        while (used.has(g)) g = '_' + g;
        used.add(g);
        f.goName = g;
      }
    }
    // A later complete definition wins over a forward declaration; the first complete one stays.
    const prev = this.idx.tags.get(key);
    if (!prev || !prev.complete) this.idx.tags.set(key, def);
  }

  readonly enumConsts = new Map<string, bigint | null>();
  private readonly enumDecl = new Map<string, { key: string; fileId: number; line: number; text: string }>();

  private constEnv(): ConstEnv {
    return {
      macro: () => null,
      enumConst: (nm) => this.enumConsts.get(nm) ?? null,
      typedefBase: (nm) => this.intTypedef(nm),
      longBits: this.longBits,
      ptrBits: this.ptrBits,
    };
  }

  /** The base type of an integer/float typedef (through typedef chains), for casts in constant expressions. */
  intTypedef(nm: string): string | null {
    let t: CType | undefined = this.idx.typedefs.get(nm);
    for (let i = 0; t && i < 20; i++) {
      if (t.k === 'base') return t.name;
      if (t.k === 'ptr') return 'ptr';
      if (t.k === 'tag' && t.tag === 'enum') return 'uint';
      if (t.k !== 'typedef') return null;
      t = this.idx.typedefs.get(t.name);
    }
    return null;
  }

  // ---- types from specifiers and declarators

  /** The type a declaration's specifiers name (`unsigned long`, `struct x`, `size_t` …). */
  specType(spec: Node, _decl: Node): CType {
    switch (spec.type) {
      case 'primitive_type': {
        const t = spec.text;
        const b = baseName([t]);
        return b ? { k: 'base', name: b } : t === 'void' ? { k: 'void' } : { k: 'typedef', name: t };
      }
      case 'sized_type_specifier': {
        const words = spec.text.split(/\s+/).filter(Boolean);
        const b = baseName(words);
        return b ? { k: 'base', name: b } : { k: 'unknown', text: spec.text };
      }
      case 'type_identifier':
        return { k: 'typedef', name: spec.text };
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier': {
        const { tag, name, key } = this.tagKeyOf(spec);
        if (!this.idx.tags.has(key)) {
          const w = this.where(spec);
          this.idx.tags.set(key, { tag, name, complete: false, fields: [], droppedFields: [], enumValues: [], file: this.fileName(w.fileId), line: w.line });
        }
        return { k: 'tag', tag, name, key };
      }
      default:
        return { k: 'unknown', text: spec.text };
    }
  }

  /** Applies a (possibly abstract) declarator to a base type: `*p[3]`, `(*f)(int)`. */
  applyDeclarator(d: Node | null, base: CType): { name: string | null; type: CType; nameNode: Node | null; fn: Node | null } {
    let t = base;
    let node: Node | null = d;
    let fn: Node | null = null;
    for (let guard = 0; node && guard < 64; guard++) {
      switch (node.type) {
        case 'identifier':
        case 'field_identifier':
        case 'type_identifier':
        case 'primitive_type':
          return { name: node.text, type: t, nameNode: node, fn };
        case 'init_declarator':
          node = node.childForFieldName('declarator');
          continue;
        case 'pointer_declarator':
        case 'abstract_pointer_declarator':
          t = { k: 'ptr', to: t };
          node = node.childForFieldName('declarator');
          continue;
        case 'array_declarator':
        case 'abstract_array_declarator': {
          const size = node.childForFieldName('size');
          let len: number | null = null;
          if (size) {
            const r = evalConst(size.text, this.constEnv());
            len = r && r.kind === 'int' && r.v >= 0n && r.v < 1n << 31n ? Number(r.v) : -1;
          }
          t = { k: 'array', of: t, len };
          node = node.childForFieldName('declarator');
          continue;
        }
        case 'function_declarator':
        case 'abstract_function_declarator': {
          const params = node.childForFieldName('parameters');
          const list: CParam[] = [];
          let variadic = false;
          if (params) {
            for (const p of params.namedChildren) {
              if (!p) continue;
              if (p.type === 'variadic_parameter') {
                variadic = true;
                continue;
              }
              if (p.type !== 'parameter_declaration') continue;
              const spec = p.childForFieldName('type');
              if (!spec) continue;
              const pb = this.specType(spec, p);
              const r = this.applyDeclarator(p.childForFieldName('declarator'), pb);
              list.push({ name: r.name, type: r.type, text: p.text });
            }
            if (params.text.includes('...')) variadic = true;
          }
          // `(void)` is no parameter.
          const params2 = list.length === 1 && list[0]!.type.k === 'void' && !list[0]!.name ? [] : list;
          t = { k: 'func', ret: t, params: params2, variadic };
          if (!fn) fn = node;
          node = node.childForFieldName('declarator');
          continue;
        }
        case 'parenthesized_declarator':
        case 'abstract_parenthesized_declarator':
        case 'attributed_declarator':
          node = node.namedChildren.find((c) => c && /declarator|identifier/.test(c.type)) ?? null;
          continue;
        default:
          return { name: null, type: { k: 'unknown', text: node.text }, nameNode: null, fn };
      }
    }
    return { name: null, type: t, nameNode: null, fn };
  }

  // ---- top-level declarations

  declarations(root: Node): void {
    for (const node of root.namedChildren) {
      if (!node) continue;
      try {
        this.declaration(node);
      } catch {
        /* a malformed declaration: skip it */
      }
    }
  }

  private storage(node: Node): { isStatic: boolean; threadLocal: boolean; isTypedef: boolean } {
    let isStatic = false;
    let threadLocal = false;
    let isTypedef = node.type === 'type_definition';
    for (const c of node.children) {
      if (!c) continue;
      if (c.type === 'storage_class_specifier') {
        const t = c.text.trim();
        if (t === 'static') isStatic = true;
        if (t === '__thread' || t === '_Thread_local' || t === 'thread_local') threadLocal = true;
      }
      if (c.type === 'typedef') isTypedef = true;
    }
    if (/\b(__thread|_Thread_local|thread_local)\b/.test(node.text.split('(')[0] ?? '')) threadLocal = true;
    return { isStatic, threadLocal, isTypedef };
  }

  private declaration(node: Node): void {
    switch (node.type) {
      case 'type_definition': {
        const spec = node.childForFieldName('type');
        if (!spec) return;
        const base = this.specType(spec, node);
        for (const d of node.childrenForFieldName('declarator')) {
          if (!d) continue;
          const r = this.applyDeclarator(d, base);
          if (!r.name || !r.nameNode) continue;
          // The first typedef wins (C allows identical redefinitions).
          if (!this.idx.typedefs.has(r.name)) this.idx.typedefs.set(r.name, r.type);
          this.push(node, r.name, r.nameNode, 'type', r.type, false, false, false);
        }
        return;
      }
      case 'declaration': {
        const spec = node.childForFieldName('type');
        if (!spec) return;
        const { isStatic, threadLocal } = this.storage(node);
        const base = this.specType(spec, node);
        for (const d of node.childrenForFieldName('declarator')) {
          if (!d) continue;
          const r = this.applyDeclarator(d, base);
          if (!r.name || !r.nameNode) continue;
          const isFunc = r.type.k === 'func';
          this.push(node, r.name, r.nameNode, isFunc ? 'func' : 'var', r.type, isStatic, false, threadLocal);
        }
        return;
      }
      case 'function_definition': {
        const spec = node.childForFieldName('type');
        const dcl = node.childForFieldName('declarator');
        if (!spec || !dcl) return;
        const { isStatic } = this.storage(node);
        const r = this.applyDeclarator(dcl, this.specType(spec, node));
        if (!r.name || !r.nameNode || r.type.k !== 'func') return;
        this.push(node, r.name, r.nameNode, 'func', r.type, isStatic, true, false);
        return;
      }
      case 'linkage_specification':
      case 'declaration_list':
        for (const c of node.namedChildren) if (c) this.declaration(c);
        return;
      default:
        return;
    }
  }

  private push(
    node: Node,
    name: string,
    nameNode: Node,
    kind: PendingDecl['kind'],
    type: CType,
    isStatic: boolean,
    isDefinition: boolean,
    threadLocal: boolean,
  ): void {
    if (kind === 'func' && isDefinition) this.definedFuncs.add(name);
    const w = this.where(nameNode);
    // A reserved name of a system header is never offered (finish() would drop it): no text to keep.
    if (this.system.has(w.fileId) && isReserved(name) && this.tierFor(w.fileId) !== 'preamble') return;
    let text = node.text;
    if (node.type === 'function_definition') {
      const body = node.childForFieldName('body');
      if (body) text = text.slice(0, body.startIndex - node.startIndex) + ';';
    }
    // The text as written; cleanDecl() runs only for the names that become entities.
    this.pending.push({ name, kind, type, node, nameNode, isStatic, isDefinition, threadLocal, fileId: w.fileId, line: w.line, text });
  }

  /** Names of functions with a definition (a body), wherever they are. */
  private readonly definedFuncs = new Set<string>();

  // ---- Go translation (cmd/cgo typeConv) -------------------------------------------------------------------

  /** Follows typedefs to the first non-typedef type. */
  resolve(t: CType): CType {
    let cur = t;
    for (let i = 0; cur.k === 'typedef' && i < 50; i++) {
      const next = this.idx.typedefs.get(cur.name);
      if (!next) return { k: 'unknown', text: cur.name };
      cur = next;
    }
    return cur;
  }

  /** Whether cgo can load this type without a fatal error (long double, unknown types, bad fields …). */
  supported(t: CType, seen: Set<string> = new Set()): boolean {
    switch (t.k) {
      case 'void':
        return true;
      case 'base':
        return !UNSUPPORTED_BASE.has(t.name);
      case 'unknown':
        return false;
      case 'typedef': {
        if (t.name === '__builtin_va_list') return false;
        const memo = this.okMemo.get('t:' + t.name);
        if (memo !== undefined) return memo;
        if (seen.has('t:' + t.name)) return true;
        seen.add('t:' + t.name);
        const target = this.idx.typedefs.get(t.name);
        const ok = !!target && this.supported(target, seen);
        this.okMemo.set('t:' + t.name, ok);
        return ok;
      }
      case 'tag': {
        const def = this.idx.tags.get(t.key);
        if (!def || !def.complete || t.tag === 'enum') return true;
        const memo = this.okMemo.get(t.key);
        if (memo !== undefined) return memo;
        if (seen.has(t.key)) return true;
        seen.add(t.key);
        // cmd/cgo loads every field type (bitfields included) before dropping any; one bad field is fatal.
        const ok = def.fields.every((f) => this.supported(f.type, seen));
        this.okMemo.set(t.key, ok);
        return ok;
      }
      case 'ptr':
        return this.supported(t.to, seen);
      case 'array':
        return this.supported(t.of, seen);
      case 'func':
        // cmd/cgo never loads the parameters of a function type it meets as data (a pointer to it is *[0]byte).
        return true;
    }
  }

  /** Go type of a value of C type t (cmd/cgo Type()), or null when cgo cannot represent it. */
  goType(t: CType): string | null {
    switch (t.k) {
      case 'void':
        return null;
      case 'base':
        return UNSUPPORTED_BASE.has(t.name) ? null : `C.${t.name}`;
      case 'unknown':
        return null;
      case 'typedef':
        return this.supported(t) ? `C.${t.name}` : null;
      case 'tag': {
        if (t.tag === 'enum') return this.enumGoType(t.key);
        if (!t.name) return null; // anonymous: no Go name to write
        return this.supported(t) ? `C.${t.tag}_${t.name}` : null;
      }
      case 'ptr': {
        const to = t.to;
        const b = this.resolve(to);
        if (b.k === 'void') return 'unsafe.Pointer';
        if (to.k === 'func') return '*[0]byte';
        const inner = this.goType(to);
        return inner ? `*${inner}` : null;
      }
      case 'array': {
        const inner = this.goType(t.of);
        if (t.len === -1) return null;
        return inner ? `[${t.len ?? 0}]${inner}` : null;
      }
      case 'func':
        return null;
    }
  }

  /** cmd/cgo EnumType: uint32 unless a value is negative (int32); 8 bytes when a value needs it. */
  enumGoType(key: string): string {
    const def = this.idx.tags.get(key);
    const vals = def?.enumValues.map((v) => v.value).filter((v): v is bigint => v !== null) ?? [];
    const signed = vals.some((v) => v < 0n);
    const big = vals.some((v) => v > 0xffffffffn || v < -0x80000000n);
    return `${signed ? 'int' : 'uint'}${big ? 64 : 32}`;
  }

  /** Go type of a function parameter (cmd/cgo FuncArg): arrays become pointers, typedef'd pointers *X. */
  paramGoType(t: CType): string | null {
    if (t.k === 'array') {
      const inner = this.goType(t.of);
      return inner ? `*${inner}` : null;
    }
    if (t.k === 'typedef') {
      if (!this.supported(t)) return null;
      const b = this.resolve(t);
      if (b.k === 'ptr' && this.resolve(b.to).k !== 'void') return this.goType(b);
    }
    return this.goType(t);
  }

  // ---- entities

  finish(): void {
    const idx = this.idx;
    const seen = new Set<string>();
    const skip = (name: string, why: string) => {
      if (!idx.entities.has(name)) idx.skipped.set(name, why);
    };
    // Definitions first so a static function's body wins over nothing, and the first declaration otherwise.
    for (const d of this.pending) {
      const tier = this.tierFor(d.fileId);
      if (!tier) continue;
      if (tier !== 'preamble' && this.system.has(d.fileId) && isReserved(d.name)) continue;
      const key = `${d.kind}:${d.name}`;
      if (d.kind === 'func' && d.isDefinition && seen.has(key)) {
        // a definition after a declaration: keep the first position, but a static definition makes it usable
        const e = idx.entities.get(d.name);
        if (e && d.isStatic) idx.skipped.delete(d.name);
        continue;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      const file = this.fileName(d.fileId);
      const text = cleanDecl(d.text);
      if (d.kind === 'type') {
        if (!this.supported({ k: 'typedef', name: d.name })) {
          skip(d.name, 'its type is one cgo cannot represent (e.g. long double)');
          continue;
        }
        const target = this.resolve(d.type);
        const tagKey = target.k === 'tag' && target.tag !== 'enum' ? target.key : undefined;
        const tag = tagKey ? idx.tags.get(tagKey) : undefined;
        const under =
          d.type.k === 'tag' && d.type.tag === 'enum'
            ? this.enumGoType(d.type.key)
            : (this.goType(d.type) ??
              (d.type.k === 'tag' && !d.type.name ? (d.type.tag === 'union' ? 'union (opaque bytes)' : 'struct {…}') : d.type.k === 'func' ? '[0]byte' : '?'));
        idx.entities.set(d.name, {
          name: d.name,
          kind: 'type',
          cDecl: text,
          goType: under,
          ...(tagKey ? { tagKey } : {}),
          ...(tag && !tag.complete ? { incomplete: true } : {}),
          file,
          line: d.line,
          tier,
        });
        continue;
      }
      if (d.kind === 'var') {
        if (d.isStatic) {
          skip(d.name, 'a static variable cannot be referenced from Go (link error: undefined reference)');
          continue;
        }
        if (d.threadLocal) {
          skip(d.name, 'a thread-local variable cannot be referenced from Go');
          continue;
        }
        const g = this.goType(d.type);
        if (!g || !this.supported(d.type)) {
          skip(d.name, 'its type is one cgo cannot represent');
          continue;
        }
        const r = this.resolve(d.type);
        idx.entities.set(d.name, {
          name: d.name,
          kind: 'var',
          cDecl: text,
          goType: g,
          ...(r.k === 'tag' && r.tag !== 'enum' ? { tagKey: r.key } : {}),
          file,
          line: d.line,
          tier,
        });
        continue;
      }
      // functions
      const ft = d.type as Extract<CType, { k: 'func' }>;
      if (ft.variadic) {
        skip(d.name, 'variadic: cgo cannot call C functions with `...` (write a C wrapper)');
        continue;
      }
      if (d.isStatic && !d.isDefinition) {
        // a static prototype whose definition follows is handled when the definition arrives
        if (!this.definedFuncs.has(d.name)) {
          skip(d.name, 'a static function without a definition cannot be called');
          continue;
        }
      }
      const params: NonNullable<CEntity['params']> = [];
      let ok = this.supported(ft);
      ft.params.forEach((p, i) => {
        const g = this.paramGoType(p.type);
        if (!g) ok = false;
        params.push({ name: goParamName(p.name, i), cText: p.text, goType: g ?? '?' });
      });
      const retVoid = this.resolve(ft.ret).k === 'void' && ft.ret.k !== 'ptr';
      const rg = retVoid ? '' : this.goType(ft.ret);
      if (rg === null) ok = false;
      if (!ok) {
        skip(d.name, 'a parameter or result type is one cgo cannot represent (e.g. long double)');
        continue;
      }
      for (const p of params) p.cText = cleanDecl(p.cText);
      const sig = `func(${params.map((p) => `${p.name} ${p.goType}`).join(', ')})${rg ? ' ' + rg : ''}`;
      const at = new RegExp(`\\b${d.name}\\s*\\(`).exec(text)?.index ?? text.indexOf(d.name);
      const resultText = cleanDecl(text.slice(0, Math.max(0, at)).replace(/\b(extern|static|inline)\b/g, ''))
        .replace(/\s*\*\s*$/, ' *')
        .trim();
      idx.entities.set(d.name, {
        name: d.name,
        kind: 'func',
        cDecl: text,
        goType: sig,
        params,
        ...(rg ? { result: { cText: resultText, goType: rg } } : {}),
        file,
        line: d.line,
        tier,
      });
    }
    // struct_/union_/enum_ tags and enum constants
    for (const [key, def] of idx.tags) {
      if (!def.name) continue;
      const name = `${def.tag}_${def.name}`;
      const fileId = this.rows.files.indexOf(def.file);
      const tier = this.tierFor(fileId < 0 ? 0 : fileId);
      if (!tier) continue;
      if (tier !== 'preamble' && this.system.has(fileId) && isReserved(def.name)) continue;
      if (!this.supported({ k: 'tag', tag: def.tag, name: def.name, key })) {
        skip(name, 'a member type is one cgo cannot represent');
        continue;
      }
      for (const f of def.fields) f.goType = this.goType(f.type); // null for an anonymous struct member: no Go type name to offer
      idx.entities.set(name, {
        name,
        kind: 'type',
        cDecl: `${def.tag} ${def.name}${def.complete ? ' { … }' : ''};`,
        goType:
          def.tag === 'enum'
            ? this.enumGoType(key)
            : def.tag === 'union'
              ? `[N]byte (cgo represents a union as bytes)`
              : def.complete
                ? 'struct { … }'
                : 'incomplete struct (use through pointers)',
        ...(def.tag === 'struct' ? { tagKey: key } : {}),
        ...(def.tag !== 'enum' && !def.complete ? { incomplete: true } : {}),
        file: def.file,
        line: def.line,
        tier,
      });
    }
    for (const def of idx.tags.values()) {
      if (def.tag !== 'struct' || !def.complete) continue;
      for (const f of def.fields) if (f.goType === null) f.goType = this.goType(f.type);
    }
    for (const [nm, info] of this.enumDecl) {
      const tier = this.tierFor(info.fileId);
      if (!tier || idx.entities.has(nm)) continue;
      if (tier !== 'preamble' && this.system.has(info.fileId) && isReserved(nm)) continue;
      const value = this.enumConsts.get(nm);
      idx.entities.set(nm, {
        name: nm,
        kind: 'enumconst',
        cDecl: cleanDecl(info.text),
        goType: 'untyped integer constant',
        ...(value !== null && value !== undefined ? { value: value.toString() } : {}),
        file: this.fileName(info.fileId),
        line: info.line,
        tier,
      });
    }
  }

  addMacros(macros: Map<string, MacroDef>, fnMacros: Set<string>): void {
    const idx = this.idx;
    const env: ConstEnv = {
      macro: (nm) => macros.get(nm)?.body ?? null,
      enumConst: (nm) => this.enumConsts.get(nm) ?? null,
      typedefBase: (nm) => this.intTypedef(nm),
      longBits: this.longBits,
      ptrBits: this.ptrBits,
    };
    for (const m of macros.values()) {
      const tier = this.tierFor(m.fileId);
      if (!tier) continue;
      if (tier !== 'preamble' && this.system.has(m.fileId) && isReserved(m.name)) continue;
      const same = idx.entities.get(m.name);
      if (same) {
        // `#define stdout stdout`: cmd/cgo (prepareNames) turns a variable with a #define into kind "macro", a
        // read-only value `_Cmacro_stdout()` — usable, but not addressable.
        if (same.kind === 'var') same.macroValue = true;
        continue;
      }
      const r = evalConst(m.body, env, new Set([m.name]));
      if (!r) {
        idx.skipped.set(m.name, m.body === '' ? 'an empty macro has no value' : 'the macro does not expand to a constant cgo can read');
        continue;
      }
      idx.entities.set(m.name, {
        name: m.name,
        kind: r.kind === 'int' ? 'iconst' : r.kind === 'float' ? 'fconst' : 'sconst',
        cDecl: m.text.replace(/\s+/g, ' ').trim(),
        goType: r.kind === 'int' ? 'untyped integer constant' : r.kind === 'float' ? 'untyped float constant' : 'untyped string constant',
        value: r.kind === 'int' ? r.v.toString() : r.kind === 'float' ? String(r.v) : r.v,
        file: this.fileName(m.fileId),
        line: m.line,
        tier,
      });
    }
    for (const nm of fnMacros) if (!idx.entities.has(nm)) idx.skipped.set(nm, 'a function-like macro cannot be called from Go (write a C wrapper function)');
  }
}

function goParamName(name: string | null, i: number): string {
  if (!name) return `p${i}`;
  return GO_KEYWORDS.has(name) ? `_${name}` : name;
}

/** cgo's names for the C base types (after dwarfToName). */
export function baseName(words: string[]): string | null {
  let unsigned = false;
  let signed = false;
  let long = 0;
  let short = false;
  let core = '';
  let complex = false;
  for (const w of words) {
    switch (w) {
      case 'unsigned':
        unsigned = true;
        break;
      case 'signed':
      case '__signed__':
      case '__signed':
        signed = true;
        break;
      case 'long':
        long++;
        break;
      case 'short':
        short = true;
        break;
      case '_Complex':
      case '__complex__':
        complex = true;
        break;
      case 'int':
      case 'char':
      case 'float':
      case 'double':
      case '_Bool':
      case 'bool':
      case '__int128':
      case 'void':
        core = w;
        break;
      case 'const':
      case 'volatile':
      case 'restrict':
      case '__restrict':
      case '__extension__':
        break;
      default:
        return null;
    }
  }
  if (core === 'void') return null;
  if (core === '_Bool' || core === 'bool') return '_Bool';
  if (core === '__int128') return unsigned ? 'uint128' : 'int128';
  if (core === 'float') return complex ? 'complexfloat' : 'float';
  if (core === 'double') return long > 0 ? (complex ? 'complexlongdouble' : 'longdouble') : complex ? 'complexdouble' : 'double';
  if (core === 'char') return signed ? 'schar' : unsigned ? 'uchar' : 'char';
  if (short) return unsigned ? 'ushort' : 'short';
  if (long >= 2) return unsigned ? 'ulonglong' : 'longlong';
  if (long === 1) return unsigned ? 'ulong' : 'long';
  if (core === 'int' || unsigned || signed) return unsigned ? 'uint' : 'int';
  return null;
}

// ---- constant expressions (what cgo's probe accepts as iconst / fconst / sconst) ---------------------------------

export interface ConstEnv {
  macro: (name: string) => string | null;
  enumConst: (name: string) => bigint | null;
  typedefBase: (name: string) => string | null;
  longBits: number;
  /** Pointer size in bits (sizeof of pointers); 0 when unknown. */
  ptrBits?: number;
}

export type ConstValue = { kind: 'int'; v: bigint; unsigned: boolean; bits: number } | { kind: 'float'; v: number } | { kind: 'str'; v: string };

interface Tok {
  t: 'num' | 'id' | 'str' | 'chr' | 'op';
  s: string;
}

function tokenize(s: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = s.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^(?:0[xX][0-9a-fA-F']*\.?[0-9a-fA-F']*(?:[pP][+-]?\d+)?|\.?\d[0-9']*\.?\d*(?:[eE][+-]?\d+)?)[A-Za-z]*/.exec(rest))) {
      out.push({ t: 'num', s: m[0].replace(/'/g, '') });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_]\w*/.exec(rest))) {
      if (rest[m[0].length] === '"' || rest[m[0].length] === "'") return null; // L"x", u8"x": not char strings
      out.push({ t: 'id', s: m[0] });
      i += m[0].length;
    } else if ((m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest))) {
      out.push({ t: 'str', s: m[0] });
      i += m[0].length;
    } else if ((m = /^'(?:[^'\\\n]|\\.)+'/.exec(rest))) {
      out.push({ t: 'chr', s: m[0] });
      i += m[0].length;
    } else if ((m = /^(?:<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>&|^~!?:(),])/.exec(rest))) {
      out.push({ t: 'op', s: m[0] });
      i += m[0].length;
    } else return null;
  }
  return out;
}

function unescapeC(body: string): string | null {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) return null;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '0': '\0',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '?': '?',
      e: '\x1b',
    };
    if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))!;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (n === 'x') {
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 1));
      if (!m) return null;
      out += String.fromCharCode(parseInt(m[0], 16) & 0xff);
      i += m[0].length;
    } else if (simple[n] !== undefined) out += simple[n];
    else return null;
  }
  return out;
}

const INT_TYPE_BITS: Record<string, [number, boolean]> = {
  char: [8, false],
  schar: [8, false],
  uchar: [8, true],
  short: [16, false],
  ushort: [16, true],
  int: [32, false],
  uint: [32, true],
  long: [64, false],
  ulong: [64, true],
  longlong: [64, false],
  ulonglong: [64, true],
  _Bool: [8, true],
};

function wrap(v: bigint, bits: number, unsigned: boolean): bigint {
  return unsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

/**
 * Evaluates a C constant expression the way cgo's kind probe classifies it: an integer constant expression
 * (`enum { x = (n)*1 }` compiles), a floating constant (`static const double x = (n)` compiles), or a string
 * literal (`static const char x[] = (n)` compiles). Null for anything else (casts to pointers, sizeof, variables,
 * function calls): such names are not offered.
 */
export function evalConst(text: string, env: ConstEnv, active: Set<string> = new Set(), depth = 0): ConstValue | null {
  if (depth > 32) return null;
  const toks = tokenize(text);
  if (!toks || toks.length === 0) return null;
  // A string literal, possibly parenthesised, possibly several adjacent ones.
  const strs = toks.filter((t) => !(t.t === 'op' && (t.s === '(' || t.s === ')')));
  if (strs.length > 0 && strs.every((t) => t.t === 'str')) {
    let v = '';
    for (const t of strs) {
      const u = unescapeC(t.s.slice(1, -1));
      if (u === null) return null;
      v += u;
    }
    return { kind: 'str', v };
  }
  let pos = 0;
  const longBits = env.longBits;
  const peek = () => toks[pos];
  const isTypeWord = (s: string) =>
    ['unsigned', 'signed', 'int', 'long', 'short', 'char', 'float', 'double', '_Bool', 'const', 'volatile', '__signed__'].includes(s);
  const castType = (): { base: string } | null => {
    // at '(' : is this a cast to an arithmetic type?
    const save = pos;
    const words: string[] = [];
    let j = pos + 1;
    while (j < toks.length && toks[j]!.t === 'id') {
      words.push(toks[j]!.s);
      j++;
    }
    if (words.length === 0 || toks[j]?.s !== ')') return null;
    let base = baseName(words.filter((w) => w !== 'const' && w !== 'volatile'));
    if (!base && words.length === 1 && !isTypeWord(words[0]!)) base = env.typedefBase(words[0]!);
    if (base === 'ptr') return null;
    if (!base) {
      if (words.every((w) => isTypeWord(w))) return null;
      return null;
    }
    pos = j + 1;
    void save;
    return { base };
  };
  const mkInt = (v: bigint, bits: number, unsigned: boolean): ConstValue => ({ kind: 'int', v: wrap(v, bits, unsigned), unsigned, bits });
  const numLit = (s: string): ConstValue | null => {
    const lower = s.toLowerCase();
    const isHex = lower.startsWith('0x');
    if ((!isHex && /[.e]/.test(lower)) || (isHex && /[.p]/.test(lower))) {
      const body = lower.replace(/[fl]+$/, '');
      const v = isHex ? Number.NaN : Number(body);
      if (Number.isNaN(v)) {
        if (isHex) return { kind: 'float', v: 0 };
        return null;
      }
      return { kind: 'float', v };
    }
    const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9]\d*)([uUlL]*)$/.exec(s);
    if (!m) return null;
    let digits = m[1]!;
    let v: bigint;
    if (/^0[bB]/.test(digits)) v = BigInt('0b' + digits.slice(2));
    else if (/^0[xX]/.test(digits)) v = BigInt(digits);
    else if (digits.length > 1 && digits.startsWith('0')) v = BigInt('0o' + digits.slice(1));
    else v = BigInt(digits || '0');
    digits = '';
    const suf = m[2]!.toLowerCase();
    const u = suf.includes('u');
    const l = (suf.match(/l/g) ?? []).length;
    let bits = l >= 2 ? 64 : l === 1 ? longBits : 32;
    let unsigned = u;
    const decimal = !/^0/.test(m[1]!) || m[1] === '0';
    // the type is the first that fits (C11 6.4.4.1)
    for (;;) {
      const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
      if (v <= max) break;
      if (!unsigned && !decimal) {
        unsigned = true;
        continue;
      }
      if (bits < 64) {
        bits = 64;
        unsigned = u;
        continue;
      }
      if (!unsigned) {
        unsigned = true;
        continue;
      }
      return null;
    }
    return { kind: 'int', v, unsigned, bits };
  };
  const arith = (a: ConstValue, b: ConstValue): { bits: number; unsigned: boolean } => {
    const ai = a as Extract<ConstValue, { kind: 'int' }>;
    const bi = b as Extract<ConstValue, { kind: 'int' }>;
    const abits = Math.max(ai.bits, 32);
    const bbits = Math.max(bi.bits, 32);
    const bits = Math.max(abits, bbits);
    const unsigned = (ai.unsigned && abits === bits) || (bi.unsigned && bbits === bits);
    return { bits, unsigned };
  };
  const expr = (): ConstValue | null => ternary();
  const ternary = (): ConstValue | null => {
    const c = binary(0);
    if (!c) return null;
    if (peek()?.s === '?') {
      pos++;
      const a = expr();
      if (!a || peek()?.s !== ':') return null;
      pos++;
      const b = ternary();
      if (!b) return null;
      const truthy = c.kind === 'int' ? c.v !== 0n : c.kind === 'float' ? c.v !== 0 : true;
      return truthy ? a : b;
    }
    return c;
  };
  const PREC: Record<string, number> = {
    '||': 1,
    '&&': 2,
    '|': 3,
    '^': 4,
    '&': 5,
    '==': 6,
    '!=': 6,
    '<': 7,
    '>': 7,
    '<=': 7,
    '>=': 7,
    '<<': 8,
    '>>': 8,
    '+': 9,
    '-': 9,
    '*': 10,
    '/': 10,
    '%': 10,
  };
  const binary = (min: number): ConstValue | null => {
    let left = unary();
    if (!left) return null;
    for (;;) {
      const op = peek();
      if (!op || op.t !== 'op') break;
      const p = PREC[op.s];
      if (p === undefined || p <= min - 1 || p < min) break;
      pos++;
      const right = binary(p + 1);
      if (!right) return null;
      left = applyBinary(op.s, left, right);
      if (!left) return null;
    }
    return left;
  };
  const applyBinary = (op: string, a: ConstValue, b: ConstValue): ConstValue | null => {
    if (a.kind === 'str' || b.kind === 'str') return null;
    if (op === '&&' || op === '||') {
      const at = a.kind === 'int' ? a.v !== 0n : a.v !== 0;
      const bt = b.kind === 'int' ? b.v !== 0n : b.v !== 0;
      return mkInt(BigInt(op === '&&' ? at && bt : at || bt), 32, false);
    }
    if (a.kind === 'float' || b.kind === 'float') {
      const x = a.kind === 'int' ? Number(a.v) : a.v;
      const y = b.kind === 'int' ? Number(b.v) : b.v;
      switch (op) {
        case '+':
          return { kind: 'float', v: x + y };
        case '-':
          return { kind: 'float', v: x - y };
        case '*':
          return { kind: 'float', v: x * y };
        case '/':
          return { kind: 'float', v: x / y };
        case '<':
          return mkInt(BigInt(x < y), 32, false);
        case '>':
          return mkInt(BigInt(x > y), 32, false);
        case '<=':
          return mkInt(BigInt(x <= y), 32, false);
        case '>=':
          return mkInt(BigInt(x >= y), 32, false);
        case '==':
          return mkInt(BigInt(x === y), 32, false);
        case '!=':
          return mkInt(BigInt(x !== y), 32, false);
        default:
          return null; // % << >> & | ^ on a float: not a constant C accepts
      }
    }
    const { bits, unsigned } = op === '<<' || op === '>>' ? { bits: Math.max(a.bits, 32), unsigned: a.bits >= 32 ? a.unsigned : false } : arith(a, b);
    const x = wrap(a.v, bits, unsigned);
    const y = op === '<<' || op === '>>' ? b.v : wrap(b.v, bits, unsigned);
    switch (op) {
      case '+':
        return mkInt(x + y, bits, unsigned);
      case '-':
        return mkInt(x - y, bits, unsigned);
      case '*':
        return mkInt(x * y, bits, unsigned);
      case '/':
        if (y === 0n) return null;
        return mkInt(x / y, bits, unsigned);
      case '%':
        if (y === 0n) return null;
        return mkInt(x % y, bits, unsigned);
      case '<<':
        if (y < 0n || y >= BigInt(bits)) return null;
        return mkInt(x << y, bits, unsigned);
      case '>>':
        if (y < 0n || y >= BigInt(bits)) return null;
        return mkInt(x >> y, bits, unsigned);
      case '&':
        return mkInt(x & y, bits, unsigned);
      case '|':
        return mkInt(x | y, bits, unsigned);
      case '^':
        return mkInt(x ^ y, bits, unsigned);
      case '<':
        return mkInt(BigInt(x < y), 32, false);
      case '>':
        return mkInt(BigInt(x > y), 32, false);
      case '<=':
        return mkInt(BigInt(x <= y), 32, false);
      case '>=':
        return mkInt(BigInt(x >= y), 32, false);
      case '==':
        return mkInt(BigInt(x === y), 32, false);
      case '!=':
        return mkInt(BigInt(x !== y), 32, false);
    }
    return null;
  };
  const unary = (): ConstValue | null => {
    const t = peek();
    if (!t) return null;
    if (t.t === 'op') {
      if (t.s === '-' || t.s === '+' || t.s === '~' || t.s === '!') {
        pos++;
        const v = unary();
        if (!v || v.kind === 'str') return null;
        if (t.s === '+') return v;
        if (v.kind === 'float') {
          if (t.s === '-') return { kind: 'float', v: -v.v };
          if (t.s === '!') return mkInt(BigInt(v.v === 0), 32, false);
          return null;
        }
        const bits = Math.max(v.bits, 32);
        const unsigned = v.bits >= 32 ? v.unsigned : false;
        if (t.s === '-') return mkInt(-v.v, bits, unsigned);
        if (t.s === '~') return mkInt(~v.v, bits, unsigned);
        return mkInt(BigInt(v.v === 0n), 32, false);
      }
      if (t.s === '(') {
        const cast = castType();
        if (cast) {
          const v = unary();
          if (!v || v.kind === 'str') return null;
          if (cast.base === 'float' || cast.base === 'double') return { kind: 'float', v: v.kind === 'int' ? Number(v.v) : v.v };
          const tb = INT_TYPE_BITS[cast.base];
          if (!tb) return null;
          const [bits0, uns] = tb;
          const bits = cast.base === 'long' || cast.base === 'ulong' ? longBits : bits0;
          if (v.kind === 'float') return mkInt(BigInt(Math.trunc(v.v)), bits, uns);
          if (cast.base === '_Bool') return mkInt(BigInt(v.v !== 0n), 8, true);
          return mkInt(v.v, bits, uns);
        }
        pos++;
        const v = expr();
        if (!v || peek()?.s !== ')') return null;
        pos++;
        return v;
      }
      return null;
    }
    pos++;
    if (t.t === 'num') return numLit(t.s);
    if (t.t === 'chr') {
      const u = unescapeC(t.s.slice(1, -1));
      if (u === null || u.length !== 1) return null;
      return mkInt(BigInt(u.charCodeAt(0) > 127 ? u.charCodeAt(0) - 256 : u.charCodeAt(0)), 32, false);
    }
    if (t.t === 'id' && t.s === 'sizeof' && peek()?.s === '(') {
      // sizeof(type-name) for arithmetic types and pointers (what struct padding arrays in system headers use).
      let j = pos + 1;
      const words: string[] = [];
      let stars = 0;
      while (j < toks.length && toks[j]!.s !== ')') {
        const w = toks[j]!;
        if (w.t === 'id') words.push(w.s);
        else if (w.s === '*') stars++;
        else return null;
        j++;
      }
      if (toks[j]?.s !== ')') return null;
      pos = j + 1;
      const ptrBytes = (env.ptrBits ?? 0) / 8;
      if (stars > 0) return ptrBytes ? mkInt(BigInt(ptrBytes), 64, true) : null;
      const ws = words.filter((w) => w !== 'const' && w !== 'volatile');
      let base = baseName(ws);
      if (!base && ws.length === 1) base = env.typedefBase(ws[0]!);
      if (base === 'ptr') return ptrBytes ? mkInt(BigInt(ptrBytes), 64, true) : null;
      const size: Record<string, number> = {
        char: 1,
        schar: 1,
        uchar: 1,
        _Bool: 1,
        short: 2,
        ushort: 2,
        int: 4,
        uint: 4,
        long: longBits / 8,
        ulong: longBits / 8,
        longlong: 8,
        ulonglong: 8,
        float: 4,
        double: 8,
      };
      const n = base ? size[base] : undefined;
      return n ? mkInt(BigInt(n), 64, true) : null;
    }
    if (t.t === 'id') {
      const e = env.enumConst(t.s);
      if (e !== null) return mkInt(e, 32, false);
      if (active.has(t.s)) return null;
      const body = env.macro(t.s);
      if (body === null) return null;
      const next = new Set(active);
      next.add(t.s);
      return evalConst(body, env, next, depth + 1);
    }
    return null;
  };
  const v = expr();
  if (!v || pos !== toks.length) return null;
  return v;
}

// ---- the store: one index per key, built once, refreshed on header changes ------------------------------------

export interface CIndexStoreOptions {
  timeoutMs: () => number;
  log?: (msg: string) => void;
  /** Where the preprocessor's output is parsed (default: on this thread). */
  parse?: CIndexParser;
}

interface Flight {
  promise: Promise<CIndex>;
  abort: AbortController;
  waiters: number;
}

/**
 * Indexes by key (preamble, flags, toolchain). `get` builds on first use (cancellable: the build is aborted when
 * every caller that waits for it has cancelled); later calls are served from memory. When a file the
 * preprocessor read has changed, the stale index is still served while a new one is built in the background.
 */
export class CIndexStore {
  private readonly byKey = new Map<string, CIndex>();
  private readonly latestByFile = new Map<string, string>();
  private readonly flights = new Map<string, Flight>();
  /** Counts compiler runs (tests and the bench read it). */
  builds = 0;

  constructor(private readonly opts: CIndexStoreOptions) {}

  /** The index for the input if it is in memory (never starts anything). */
  peek(input: CIndexInput): CIndex | undefined {
    return this.byKey.get(indexKey(input));
  }

  /** The last index built for a .go file, whatever its key (for requests that must not start a compiler). */
  lastFor(goFile: string): CIndex | undefined {
    const k = this.latestByFile.get(goFile);
    return k ? this.byKey.get(k) : undefined;
  }

  /**
   * The last index of a .go file if it was built from this preamble text (no compiler, no flag computation: the
   * keystroke path). A header it read has changed: it is still returned, and a new one is built in the background.
   */
  current(goFile: string, preambleSig: string): CIndex | undefined {
    const idx = this.lastFor(goFile);
    if (!idx || idx.preambleSig !== preambleSig) return undefined;
    const input = this.inputs.get(idx.key);
    if (input && Date.now() - (this.checked.get(idx.key) ?? 0) > 500) {
      this.checked.set(idx.key, Date.now());
      if (!headersUnchanged(idx)) void this.build(input, idx.key, undefined, true).catch(() => undefined);
    }
    return idx;
  }

  private readonly inputs = new Map<string, CIndexInput>();
  private readonly checked = new Map<string, number>();

  async get(input: CIndexInput, signal?: AbortSignal): Promise<CIndex | null> {
    const key = indexKey(input);
    this.inputs.set(key, input);
    if (this.inputs.size > 64) this.inputs.delete(this.inputs.keys().next().value!);
    const have = this.byKey.get(key);
    if (have) {
      if (!headersUnchanged(have)) void this.build(input, key, undefined, true).catch(() => undefined);
      return have;
    }
    return this.build(input, key, signal);
  }

  /**
   * Builds a file's first index in the background (the server calls it once the file's own analysis has compiled
   * its preamble), so that the first `C.` completion is served from memory instead of waiting for `cc -E` and the
   * parse. Only when no index of the file exists or is being built: one compiler run per file, whatever the edits;
   * an index for an edited preamble is built on the request that needs it. Returns whether a build started.
   */
  prefetch(input: CIndexInput): boolean {
    const key = indexKey(input);
    if (this.lastFor(input.goFile) || this.byKey.has(key)) return false;
    for (const k of this.flights.keys()) if (this.inputs.get(k)?.goFile === input.goFile) return false;
    this.inputs.set(key, input);
    if (this.inputs.size > 64) this.inputs.delete(this.inputs.keys().next().value!);
    this.prefetches++;
    const t0 = Date.now();
    void this.build(input, key)
      .then(
        (idx) =>
          idx &&
          this.opts.log?.(
            `C index for ${input.goFile}: built in the background in ${Date.now() - t0} ms (cc -E ${idx.ccMs} ms, parse ${idx.parseMs} ms, ${idx.entities.size} names)`,
          ),
      )
      .catch(() => undefined);
    return true;
  }

  /** Counts prefetch builds (tests and the bench read it). */
  prefetches = 0;

  private build(input: CIndexInput, key: string, signal?: AbortSignal, refresh = false): Promise<CIndex | null> {
    let f = this.flights.get(key);
    if (!f) {
      if (refresh) this.opts.log?.(`C index for ${input.goFile}: a header changed, rebuilding`);
      const abort = new AbortController();
      this.builds++;
      const gen = this.generation;
      const done = () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      };
      const promise = buildCIndex(input, { timeoutMs: this.opts.timeoutMs(), signal: abort.signal, ...(this.opts.parse ? { parse: this.opts.parse } : {}) })
        .catch((e: unknown) => {
          done();
          throw e;
        })
        .then((idx) => {
          done();
          if (gen !== this.generation) return idx; // cleared meanwhile: answer the waiters, keep nothing
          if (!idx.error || idx.entities.size > 0) {
            this.byKey.set(key, idx);
            const old = this.latestByFile.get(input.goFile);
            if (old && old !== key) this.byKey.delete(old);
            this.latestByFile.set(input.goFile, key);
            if (this.byKey.size > 16) this.byKey.delete(this.byKey.keys().next().value!); // an index of a big header set is megabytes
          } else this.opts.log?.(`C index for ${input.goFile}: ${idx.error}`);
          return idx;
        });
      const flight: Flight = { promise, abort, waiters: 0 };
      f = flight;
      this.flights.set(key, f);
    }
    const flight = f;
    if (!signal) {
      flight.waiters++;
      return flight.promise.finally(() => flight.waiters--).then((i) => (i.error && i.entities.size === 0 ? null : i));
    }
    flight.waiters++;
    return new Promise<CIndex | null>((resolve) => {
      let done = false;
      const onAbort = () => {
        if (done) return;
        done = true;
        flight.waiters--;
        if (flight.waiters <= 0) flight.abort.abort();
        resolve(null);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (i) => {
          if (done) return;
          done = true;
          flight.waiters--;
          signal.removeEventListener('abort', onAbort);
          resolve(i.error && i.entities.size === 0 ? null : i);
        },
        () => {
          if (!done) resolve(null);
        },
      );
    });
  }

  /** Forget every index (`cgo.refresh`); a build in flight still settles for its waiters but is not kept. */
  clear(): void {
    this.byKey.clear();
    this.latestByFile.clear();
    this.inputs.clear();
    this.checked.clear();
    this.flights.clear();
    this.generation++;
  }

  /** Bumped by clear(): a build started before it does not repopulate the store. */
  private generation = 0;

  /** Forget indexes that read `file` (a header changed); returns whether any did. */
  invalidateFile(file: string): boolean {
    const abs = path.resolve(file);
    let any = false;
    for (const [k, idx] of this.byKey) {
      if (idx.files.some((f) => f.file === abs)) {
        this.byKey.delete(k);
        any = true;
      }
    }
    return any;
  }
}

/** Whether every file the index read still has the size and mtime it had. */
export function headersUnchanged(idx: CIndex): boolean {
  return stampsUnchanged(idx.files);
}
