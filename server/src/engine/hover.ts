// Hovers on cgo constructs: `#cgo` lines, `#include`, `C.name`, `//export`. Short markdown with the numbers
// that matter. Static facts come from the model; header paths and C declarations from the compiler, run at
// most once per (preamble, flags, compiler) and cached.
import fs from 'node:fs';
import path from 'node:path';
import type { Position } from '../core/types.js';
import { containsPosition } from '../core/types.js';
import type { GoVersion } from '../core/goversion.js';
import type { BuildContext, ExportComment, GoFile, Preamble } from '../gomodel/types.js';
import { parseDirectives } from '../cgorules/directives.js';
import type { CgoDirective } from '../cgorules/types.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { buildPreambleText, includeDirsFromFlags } from '../compiler/preamble.js';
import { compilerEnv, gccMachine, systemIncludeDirs } from '../compiler/ccinfo.js';
import { run } from '../util/proc.js';
import { hashOf } from './hash.js';

export interface HoverContext {
  file: GoFile;
  tc: ToolchainModel;
  build: BuildContext;
  goVersion: GoVersion;
  /** Effective compiler flags (env + directives + pkg-config), or null when a rejected flag forbids running. */
  cppflags: string[] | null;
  cflags: string[];
  /** Name kinds from the last compiler run, when there was one. */
  kinds: Record<string, string> | undefined;
  timeoutMs: number;
  pkgConfig: (args: string[]) => Promise<{ cflags: string[]; libs: string[]; error?: string }>;
}

const VERB_MEANING: Record<string, string> = {
  CFLAGS: "C compiler flags, after `CGO_CFLAGS` (default `-O2 -g`), for the preamble and the package's `.c` files",
  CPPFLAGS: 'preprocessor flags, after `CGO_CPPFLAGS`, for C, C++ and Fortran files and the preamble',
  CXXFLAGS: "C++ compiler flags, after `CGO_CXXFLAGS`, for the package's `.cc/.cpp/.cxx` files",
  FFLAGS: 'Fortran compiler flags, after `CGO_FFLAGS`',
  LDFLAGS: "linker flags, after `CGO_LDFLAGS`; all packages' LDFLAGS are joined at link time",
  'pkg-config': 'packages whose `pkg-config --cflags` go after CPPFLAGS and whose `--libs` go after LDFLAGS (one pkg-config call for all)',
};

function preambleAtLine(file: GoFile, line: number): Preamble | undefined {
  for (const imp of file.cImports) {
    const p = imp.preamble;
    if (p && p.lines.some((l) => l.goLine === line)) return p;
  }
  return undefined;
}

/**
 * Whether `hoverAt` can say anything at `pos` (an `//export`, a `C.name`, a `#cgo` or `#include` line of a
 * preamble): decided from the model alone, so a hover elsewhere answers at once without waiting for a tool.
 */
export function hasHoverTarget(file: GoFile, pos: Position): boolean {
  if (file.exports.some((e) => containsPosition(e.range, pos)) || file.cRefs.some((r) => containsPosition(r.range, pos))) return true;
  const line = preambleAtLine(file, pos.line)?.lines.find((l) => l.goLine === pos.line && pos.character >= l.goCol);
  return !!line && (/^\s*#cgo\s/.test(line.text) || /^\s*#\s*include\s*[<"]/.test(line.text));
}

export async function hoverAt(pos: Position, hc: HoverContext): Promise<string | null> {
  const { file } = hc;
  const exp = file.exports.find((e) => containsPosition(e.range, pos));
  if (exp) return exportHover(exp);
  const ref = file.cRefs.find((r) => containsPosition(r.range, pos));
  if (ref) return nameHover(ref.name, hc);
  const p = preambleAtLine(file, pos.line);
  if (!p) return null;
  const line = p.lines.find((l) => l.goLine === pos.line && pos.character >= l.goCol);
  if (!line) return null;
  if (/^\s*#cgo\s/.test(line.text)) {
    const { directives } = parseDirectives(p, { build: hc.build, srcDir: path.dirname(file.path), goVersion: hc.goVersion });
    const d = directives.find((x) => x.range.start.line === pos.line);
    if (d) return directiveHover(d, hc);
  }
  const inc = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/.exec(line.text);
  if (inc) return includeHover(inc[2]!, inc[1] === '"', hc);
  return null;
}

async function directiveHover(d: CgoDirective, hc: HoverContext): Promise<string> {
  const target = `${hc.build.goos}/${hc.build.goarch}`;
  const out: string[] = [];
  if (d.kind === 'noescape' || d.kind === 'nocallback') {
    out.push(
      `**#cgo ${d.kind} ${d.funcName ?? ''}** — ${d.kind === 'noescape' ? 'promises that C memory passed to the function does not keep Go pointers (they need not escape to the heap)' : 'promises that the C function never calls back into Go'}; Go 1.24+.`,
    );
    return out.join('\n\n');
  }
  if (!d.verb) return `**invalid #cgo line** — \`#cgo [conditions] VERB: args\``;
  out.push(`**#cgo ${d.verb}** — ${VERB_MEANING[d.verb] ?? ''}.`);
  if (d.conditions.length === 0) out.push(`Applies to every target (no condition).`);
  else {
    const conds = d.conditions.map((c) => `\`${c.text}\``).join(' OR ');
    out.push(
      `${d.applies ? '✓ Applies' : '✗ Does not apply'} to ${target} (CGO_ENABLED=${hc.build.cgoEnabled ? 1 : 0}): the conditions ${conds} are tested one by one and the line applies if any matches.`,
    );
  }
  if (d.verb === 'pkg-config') {
    const pkgs = d.args.map((a) => a.value);
    if (d.applies && pkgs.length > 0) {
      const r = await hc.pkgConfig(pkgs);
      if (r.error) out.push(`pkg-config failed: ${r.error}`);
      else out.push(`\`pkg-config --cflags\`: \`${r.cflags.join(' ') || '(nothing)'}\`\n\n\`pkg-config --libs\`: \`${r.libs.join(' ') || '(nothing)'}\``);
    }
  } else if (d.args.length > 0) {
    const expanded = d.args.map((a) => a.flag ?? a.value);
    const changed = d.args.some((a) => (a.flag ?? a.value) !== a.raw);
    out.push(`${changed ? 'After `${SRCDIR}` expansion and absolute paths' : 'Flags'}: \`${expanded.join(' ')}\``);
  }
  return out.join('\n\n');
}

interface IncludeCacheEntry {
  found: string | null;
  via: string;
  searched: string[];
}
const includeCache = new Map<string, IncludeCacheEntry>();

async function includeHover(header: string, quoted: boolean, hc: HoverContext): Promise<string> {
  const dir = path.dirname(hc.file.path);
  const flags = [...(hc.cppflags ?? []), ...hc.cflags];
  const user = includeDirsFromFlags(flags, dir);
  const cc = hc.tc.cc;
  const key = hashOf(header, quoted, flags, dir, hc.tc.fingerprint);
  let entry = includeCache.get(key);
  if (!entry) {
    // The compiler's own search path needs none of the user's flags, so it is asked even when a rejected
    // #cgo flag keeps cgo-ls from compiling the preamble: a standard header still resolves.
    const system = cc?.path
      ? await systemIncludeDirs(cc.argv, gccMachine(hc.tc.goarch, hc.tc.goos, hc.tc.childEnv), { env: hc.tc.childEnv, cwd: dir, timeoutMs: hc.timeoutMs })
      : [];
    // An absolute name is opened as it is: no search path applies.
    const order: { dir: string; via: string }[] = path.isAbsolute(header)
      ? [{ dir: path.parse(header).root, via: 'its absolute path (no search)' }]
      : [
          ...(quoted ? [{ dir, via: 'the directory of the .go file (quoted include)' }] : []),
          ...(quoted ? user.quote.map((d) => ({ dir: d, via: `-iquote ${d}` })) : []),
          ...user.angle.map((d) => ({ dir: d, via: `-I ${d}` })),
          ...system.map((d) => ({ dir: d, via: "the compiler's default search path" })),
        ];
    entry = { found: null, via: '', searched: order.map((o) => o.dir) };
    for (const o of order) {
      const candidate = path.isAbsolute(header) ? header : path.join(o.dir, header);
      try {
        if ((await fs.promises.stat(candidate)).isFile()) {
          entry = { found: candidate, via: o.via, searched: entry.searched };
          break;
        }
      } catch {
        /* not here */
      }
    }
    if (includeCache.size > 500) includeCache.clear();
    includeCache.set(key, entry);
  }
  const name = quoted ? `"${header}"` : `<${header}>`;
  if (entry.found) return `**#include ${name}**\n\nResolves to \`${entry.found}\`, found through ${entry.via}.`;
  const shown = entry.searched
    .slice(0, 10)
    .map((d) => `- \`${d}\``)
    .join('\n');
  const none = cc?.path ? '- (no directories: the compiler did not list its search path)' : '- (no directories: no C compiler found to ask)';
  return `**#include ${name}** — ✗ not found.\n\nSearched:\n${shown || none}${entry.searched.length > 10 ? `\n- … ${entry.searched.length - 10} more` : ''}\n\nAdd its directory with \`#cgo CFLAGS: -I\${SRCDIR}/<dir>\`, or install the package that provides it.`;
}

const KIND_TEXT: Record<string, string> = {
  iconst: 'integer constant (an untyped Go constant)',
  fconst: 'floating-point constant (an untyped Go constant)',
  sconst: 'string constant (an untyped Go string constant)',
  type: 'type',
  'var-or-func': 'function or variable',
  unknown: 'unknown to cgo: "could not determine what C.x refers to"',
};

const BUILTIN_TYPES: Record<string, string> = {
  char: 'char',
  schar: 'signed char',
  uchar: 'unsigned char',
  short: 'short',
  ushort: 'unsigned short',
  int: 'int',
  uint: 'unsigned int',
  long: 'long',
  ulong: 'unsigned long',
  longlong: 'long long',
  ulonglong: 'unsigned long long',
  float: 'float',
  double: 'double',
  complexfloat: 'float _Complex',
  complexdouble: 'double _Complex',
  size_t: 'size_t',
};

interface DeclInfo {
  text: string;
  file: string;
  line: number;
}
const declCache = new Map<string, DeclInfo | null>();

async function nameHover(name: string, hc: HoverContext): Promise<string> {
  const builtin = BUILTIN_TYPES[name];
  if (builtin) return `**C.${name}** — cgo's name for the C type \`${builtin}\`.`;
  const cName = name.startsWith('struct_')
    ? `struct ${name.slice(7)}`
    : name.startsWith('union_')
      ? `union ${name.slice(6)}`
      : name.startsWith('enum_')
        ? `enum ${name.slice(5)}`
        : name.startsWith('sizeof_')
          ? `sizeof(${name.slice(7)})`
          : name;
  const out: string[] = [];
  const kind = hc.kinds?.[name];
  out.push(`**C.${name}**${cName !== name ? ` (\`${cName}\`)` : ''}${kind ? ` — ${KIND_TEXT[kind] ?? kind}` : ''}`);
  const local = hc.file.preambleDecls?.find((d) => d.name === name);
  if (local) {
    out.push(
      `Declared in the preamble at line ${local.range.start.line + 1}${local.definition ? ` (${local.storage === 'static' ? 'static ' : ''}${local.kind} definition)` : ''}.`,
    );
  }
  const decl = name.startsWith('sizeof_') ? null : await findDeclaration(name.replace(/^(struct|union|enum)_/, ''), hc);
  if (decl) {
    if (!kind && decl.text.startsWith('#define')) out[0] += ' — macro (cgo reads its value as a constant when it is a literal)';
    out.push('```c\n' + decl.text + '\n```');
    out.push(`\`${decl.file}:${decl.line}\``);
  }
  return out.join('\n\n');
}

/** Finds where a C name is declared by preprocessing the preamble (`-E -dD`) and following the line markers. */
async function findDeclaration(name: string, hc: HoverContext): Promise<DeclInfo | null> {
  const cc = hc.tc.cc;
  if (!cc?.path || hc.cppflags === null || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return null;
  const preambles = hc.file.cImports.flatMap((i) => (i.preamble ? [{ lines: i.preamble.lines, firstLine: i.preamble.firstLine }] : []));
  const { text } = buildPreambleText(hc.file.path, preambles);
  const key = hashOf(name, text, hc.cppflags, hc.cflags, hc.tc.fingerprint);
  if (declCache.has(key)) return declCache.get(key)!;
  const [prog, ...pre] = cc.argv;
  const res = await run(
    prog!,
    [
      ...pre,
      ...gccMachine(hc.tc.goarch, hc.tc.goos, hc.tc.childEnv),
      ...hc.cppflags,
      ...hc.cflags.filter((f) => !f.startsWith('-g') && !f.startsWith('-O')),
      '-E',
      '-dD',
      '-xc',
      '-',
    ],
    {
      env: compilerEnv(hc.tc.childEnv),
      cwd: path.dirname(hc.file.path),
      timeoutMs: hc.timeoutMs,
      input: text,
      maxOutput: 16 * 1024 * 1024,
    },
  );
  let found: DeclInfo | null = null;
  if (!res.timedOut && !res.spawnError) found = scanDeclaration(res.stdout, name);
  if (declCache.size > 500) declCache.clear();
  declCache.set(key, found);
  return found;
}

/** Scans preprocessor output for the declaration of `name`, tracking `# N "file"` markers. */
export function scanDeclaration(out: string, name: string): DeclInfo | null {
  const id = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const macro = new RegExp(`^#define ${id}\\b`);
  const decl = new RegExp(`(^|[^A-Za-z0-9_])${id}\\s*(\\(|;|\\[|=|,|\\))`);
  const tagged = new RegExp(`\\b(struct|union|enum)\\s+${id}\\s*\\{`);
  let file = '';
  let line = 0;
  let best: DeclInfo | null = null;
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const marker = /^# (\d+) "((?:[^"\\]|\\.)*)"/.exec(l);
    if (marker) {
      line = Number(marker[1]);
      file = marker[2]!.replace(/\\\\/g, '\\');
      continue;
    }
    const here = line;
    line++;
    if (file === '<built-in>' || file === '<command-line>' || file.startsWith('cgo-generated')) continue;
    if (macro.test(l)) return { text: l.trim(), file, line: here };
    if ((decl.test(l) || tagged.test(l)) && !/^\s*(return|if|while|for)\b/.test(l)) {
      // Take the statement up to its `;` (or the opening `{` of a definition), a few lines at most.
      let text = l.trim();
      for (let j = i + 1; j < Math.min(lines.length, i + 8) && !/[;{]\s*$/.test(text); j++) {
        if (lines[j]!.startsWith('# ')) break;
        text += ' ' + lines[j]!.trim();
      }
      text = text.replace(/\s*\{.*$/, '').replace(/\s+/g, ' ');
      best ??= { text: text.endsWith(';') ? text : `${text}`, file, line: here };
      if (/\btypedef\b|\bextern\b|\(/.test(l)) return { text: text.endsWith(';') ? text : text, file, line: here };
    }
  }
  return best;
}

const GO_TO_C: Record<string, string> = {
  int8: 'GoInt8',
  uint8: 'GoUint8',
  byte: 'GoUint8',
  int16: 'GoInt16',
  uint16: 'GoUint16',
  int32: 'GoInt32',
  rune: 'GoInt32',
  uint32: 'GoUint32',
  int64: 'GoInt64',
  uint64: 'GoUint64',
  int: 'GoInt',
  uint: 'GoUint',
  uintptr: 'GoUintptr',
  float32: 'GoFloat32',
  float64: 'GoFloat64',
  complex64: 'GoComplex64',
  complex128: 'GoComplex128',
  bool: 'GoUint8',
  string: 'GoString',
  error: 'GoInterface',
  any: 'GoInterface',
  'unsafe.Pointer': 'void*',
};

/** The C spelling `_cgo_export.h` uses for a Go parameter/result type. */
export function goTypeToC(t: string): string {
  t = t.trim();
  if (GO_TO_C[t]) return GO_TO_C[t]!;
  if (t.startsWith('[]')) return 'GoSlice';
  if (t.startsWith('map[')) return 'GoMap';
  if (/^(<-)?chan\b/.test(t)) return 'GoChan';
  if (t.startsWith('interface')) return 'GoInterface';
  if (t.startsWith('func')) return 'void*';
  if (t.startsWith('*')) {
    const inner = goTypeToC(t.slice(1));
    return inner === 'void*' ? 'void**' : `${inner}*`;
  }
  const c = /^C\.(\w+)$/.exec(t);
  if (c) {
    const n = c[1]!;
    if (BUILTIN_TYPES[n]) return BUILTIN_TYPES[n]!;
    if (n.startsWith('struct_')) return `struct ${n.slice(7)}`;
    if (n.startsWith('union_')) return `union ${n.slice(6)}`;
    if (n.startsWith('enum_')) return `enum ${n.slice(5)}`;
    return n;
  }
  return `/* ${t} */ void*`;
}

/** Splits a Go parameter list `(a, b C.int, s string)` into one type per parameter. */
export function goParamTypes(list: string): string[] {
  const inner = list.trim().replace(/^\(/, '').replace(/\)$/, '').trim();
  if (!inner) return [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of inner) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  // `a, b C.int` → names without types take the next type; a list of bare types has no names at all.
  const hasNames = parts.some((p) => /^[A-Za-z_]\w*\s+\S/.test(p) && !p.startsWith('func') && !p.startsWith('map[') && !p.startsWith('chan'));
  if (!hasNames) return parts;
  const types: string[] = new Array(parts.length).fill('');
  let pending: number[] = [];
  parts.forEach((p, i) => {
    const m = /^([A-Za-z_]\w*)\s+(.+)$/.exec(p);
    if (m) {
      types[i] = m[2]!.replace(/^\.\.\./, '[]');
      for (const j of pending) types[j] = types[i]!;
      pending = [];
    } else pending.push(i);
  });
  return types;
}

export function exportHover(exp: ExportComment): string {
  if (exp.ignored)
    return `**${exp.name ? `export ${exp.name}` : 'export'}** — cgo ignores this comment (${exp.ignored.replace(/-/g, ' ')}), so nothing is exported.`;
  if (!exp.func) return `**//export ${exp.name}** — not attached to a function.`;
  const params = goParamTypes(exp.func.paramsText).map(goTypeToC);
  if (exp.func.receiver) params.unshift(goTypeToC(goParamTypes(`(${exp.func.receiver})`)[0] ?? 'void*'));
  const results = goParamTypes(exp.func.resultText.startsWith('(') ? exp.func.resultText : exp.func.resultText ? `(${exp.func.resultText})` : '');
  let ret = 'void';
  let extra = '';
  if (results.length === 1) ret = goTypeToC(results[0]!);
  else if (results.length > 1) {
    ret = `struct ${exp.func.name}_return`;
    extra = `struct ${exp.func.name}_return {\n${results.map((r, i) => `\t${goTypeToC(r)} r${i};`).join('\n')}\n};\n`;
  }
  const proto = `${extra}extern ${ret} ${exp.func.name}(${params.join(', ')});`;
  return `**//export ${exp.func.name}** — \`_cgo_export.h\` will declare:\n\n\`\`\`c\n${proto}\n\`\`\`\n\nC code includes \`"_cgo_export.h"\` to call it. The preamble of this file is copied into that header, so it must hold declarations only.`;
}
