// What `go build` does with one package in one build context, decided from the package's files alone (no
// subprocess): the package-load errors of go/build and cmd/go ("build constraints exclude all Go files",
// "C source files not allowed when not using cgo or SWIG"), the "undefined: X" errors when the files that
// define X are excluded (cgo files with CGO_ENABLED=0), a main package that loses func main, and the exported
// names a package loses (every program using them then fails to build). Used by the target matrix
// (targets.ts) and, for the current configuration when cgo is off, by the engine (`cgoOffDiagnostics`).
import { diagnosticMessage, short as shortName, splitMessage, withDetails } from '../core/message.js';
import { whyOff } from '../checks/testsexcluded.js';
import fs from 'node:fs';
import path from 'node:path';
import type { CgoDiagnostic, Range } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import type { BuildContext, GoFile } from '../gomodel/types.js';
import { isFileIncluded } from '../gomodel/preamble.js';
import { emptyModel } from '../gomodel/model.js';
import { getGoParser } from '../gomodel/parser.js';
import { hashOf } from './hash.js';

export interface PackageFile {
  file: GoFile;
  text: string;
}

export interface NameUse {
  name: string;
  file: string;
  range: Range;
}

export interface PackageBuild {
  /** The go command's package-load error, verbatim apart from the directory, or null. */
  loadError: { kind: 'excluded-all' | 'c-files-without-cgo'; message: string; files?: string[] } | null;
  /** `undefined: X` at each first use (per file) of a name that only excluded files declare. */
  undefined: (NameUse & { declaredIn: string; declRange: Range })[];
  /** A main package whose func main is only in excluded files (the link fails). */
  mainLost: { declaredIn: string; declRange: Range } | null;
  /** Exported names (and methods, as `T.M`) that only excluded files declare: importers that use them fail. */
  exportsLost: { name: string; declaredIn: string; declRange: Range }[];
  /** Exported top-level names the built files still declare (0: nothing is left for an importer to use). */
  exportsKept: number;
  /** Files built, and the excluded files that declare something (by base name). */
  included: string[];
  excluded: string[];
  /** The package builds (no load error, no undefined name, main kept). */
  builds: boolean;
}

/** Non-Go sources cmd/go accepts only with cgo (or SWIG), by the go command's own wording. */
const CGO_ONLY_SOURCES: { exts: string[]; what: string }[] = [
  { exts: ['.c'], what: 'C' },
  { exts: ['.cc', '.cpp', '.cxx'], what: 'C++' },
  { exts: ['.m'], what: 'Objective-C' },
  { exts: ['.f', '.F', '.for', '.f90'], what: 'Fortran' },
];

/** The `//go:build` / `// +build` header of a non-Go source file, as a GoFile model so go/build's rules apply. */
function nonGoModel(file: string, text: string): GoFile {
  const m = emptyModel(file, false);
  const plusBuild: { expr: string; range: Range }[] = [];
  let goBuild: { expr: string; range: Range } | undefined;
  const lines = text.split('\n');
  let inBlock = false;
  for (let i = 0; i < lines.length && i < 200; i++) {
    const t = lines[i]!.trim();
    const zero: Range = { start: { line: i, character: 0 }, end: { line: i, character: t.length } };
    if (inBlock) {
      if (t.includes('*/')) inBlock = false;
      continue;
    }
    if (t === '') continue;
    if (t.startsWith('/*')) {
      inBlock = !t.includes('*/', 2);
      continue;
    }
    if (!t.startsWith('//')) break; // the header ends at the first non-comment line
    const gb = /^\/\/go:build\s+(.*)$/.exec(t);
    if (gb && !goBuild) goBuild = { expr: gb[1]!.trim(), range: zero };
    const pb = /^\/\/\s*\+build\s+(.*)$/.exec(t);
    if (pb) plusBuild.push({ expr: pb[1]!.trim(), range: zero });
  }
  return { ...m, packageName: null, build: { ...m.build, plusBuild, ...(goBuild ? { goBuild } : {}) } } as GoFile;
}

interface Decls {
  /** Top-level func/var/const/type names with the range of the name. */
  top: Map<string, Range>;
  /** Methods as `Recv.Name`. */
  methods: Map<string, Range>;
  /** Identifiers used (not declared at top level), first range per name. */
  uses: Map<string, Range>;
}

const declCache = new Map<string, Decls>();

/** Top-level declarations and identifier uses of one Go file (tree-sitter; cached by text). */
async function declsOf(text: string): Promise<Decls> {
  const key = hashOf(text);
  const hit = declCache.get(key);
  if (hit) return hit;
  const out: Decls = { top: new Map(), methods: new Map(), uses: new Map() };
  const parser = await getGoParser();
  const tree = parser.parse(text);
  if (tree) {
    const idx = LineIndex.of(text);
    const range = (n: import('web-tree-sitter').Node): Range => ({ start: idx.positionAt(n.startIndex), end: idx.positionAt(n.endIndex) });
    const declared = new Set<number>();
    try {
      for (const d of tree.rootNode.namedChildren) {
        if (!d) continue;
        if (d.type === 'function_declaration') {
          const n = d.childForFieldName('name');
          if (n) {
            out.top.set(n.text, range(n));
            declared.add(n.startIndex);
          }
        } else if (d.type === 'method_declaration') {
          const n = d.childForFieldName('name');
          const recv = d.childForFieldName('receiver');
          const t = recv?.text.match(/([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*\)\s*$/)?.[1];
          if (n && t) out.methods.set(`${t}.${n.text}`, range(n));
        } else if (d.type === 'var_declaration' || d.type === 'const_declaration' || d.type === 'type_declaration') {
          const visit = (s: import('web-tree-sitter').Node) => {
            if (s.type === 'var_spec' || s.type === 'const_spec') {
              for (const n of s.childrenForFieldName('name')) {
                if (!n || n.text === '_') continue;
                out.top.set(n.text, range(n));
                declared.add(n.startIndex);
              }
            } else if (s.type === 'type_spec' || s.type === 'type_alias') {
              const n = s.childForFieldName('name');
              if (n) {
                out.top.set(n.text, range(n));
                declared.add(n.startIndex);
              }
            } else for (const c of s.namedChildren) if (c) visit(c);
          };
          visit(d);
        }
      }
      // Names declared inside functions (parameters, locals, range variables) shadow package-level ones: a name
      // declared locally anywhere in the file is not counted as a use (no false "undefined").
      const locals = new Set<string>();
      const collect = (n: import('web-tree-sitter').Node, top: boolean) => {
        const t = n.type;
        if (
          !top &&
          (t === 'var_spec' ||
            t === 'const_spec' ||
            t === 'type_spec' ||
            t === 'type_alias' ||
            t === 'parameter_declaration' ||
            t === 'variadic_parameter_declaration')
        ) {
          for (const c of n.childrenForFieldName('name')) if (c) locals.add(c.text);
        }
        if (t === 'short_var_declaration' || t === 'range_clause') {
          const left = n.childForFieldName('left');
          for (const c of left?.namedChildren ?? []) if (c?.type === 'identifier') locals.add(c.text);
        }
        if (t === 'labeled_statement') {
          const l = n.childForFieldName('label');
          if (l) locals.add(l.text);
        }
        const inner = !top || t === 'function_declaration' || t === 'method_declaration' || t === 'func_literal';
        for (const c of n.namedChildren) if (c) collect(c, top && !inner);
      };
      collect(tree.rootNode, true);
      const walk = (n: import('web-tree-sitter').Node) => {
        if ((n.type === 'identifier' || n.type === 'type_identifier') && !declared.has(n.startIndex) && !locals.has(n.text) && !out.uses.has(n.text)) {
          out.uses.set(n.text, range(n));
        }
        // `pkg.Name`: Name belongs to another package, and the package name is an import, not a declaration here.
        if (n.type === 'import_declaration' || n.type === 'package_clause') return;
        for (const c of n.namedChildren) if (c) walk(c);
      };
      walk(tree.rootNode);
    } finally {
      tree.delete();
    }
  }
  if (declCache.size > 2000) declCache.clear();
  declCache.set(key, out);
  return out;
}

/** Non-test Go files are given; the non-Go sources of `dir` are read here (names and their build headers). */
function cgoOnlySources(dir: string, ctx: BuildContext): { what: string; files: string[] }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: { what: string; files: string[] }[] = [];
  for (const kind of CGO_ONLY_SOURCES) {
    const files: string[] = [];
    for (const n of names) {
      if (!kind.exts.includes(path.extname(n))) continue;
      let text = '';
      try {
        const fd = fs.openSync(path.join(dir, n), 'r');
        try {
          const buf = Buffer.alloc(16 * 1024);
          const got = fs.readSync(fd, buf, 0, buf.length, 0);
          text = buf.subarray(0, got).toString('utf8');
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        continue;
      }
      if (isFileIncluded(nonGoModel(path.join(dir, n), text), ctx).included) files.push(n);
    }
    if (files.length > 0) out.push({ what: kind.what, files });
  }
  return out;
}

/** What `go build` does with the package in `dir` (its non-test .go files `models`) for build context `ctx`. */
export async function packageBuild(dir: string, models: PackageFile[], ctx: BuildContext): Promise<PackageBuild> {
  const inc = models.filter((m) => isFileIncluded(m.file, ctx).included);
  const exc = models.filter((m) => !inc.includes(m));
  const res: PackageBuild = {
    loadError: null,
    undefined: [],
    mainLost: null,
    exportsLost: [],
    exportsKept: 0,
    included: inc.map((m) => path.basename(m.file.path)),
    excluded: exc.map((m) => path.basename(m.file.path)),
    builds: true,
  };
  if (models.length > 0 && inc.length === 0) {
    res.loadError = { kind: 'excluded-all', message: `build constraints exclude all Go files in ${dir}` };
    res.builds = false;
    return res;
  }
  const usesCgo = inc.some((m) => m.file.importsC || m.file.backquotedCImport !== undefined);
  if (ctx.cgoEnabled && !usesCgo) {
    // cmd/go drops these files when cgo is disabled; with cgo enabled and no cgo file they are an error.
    const bad = cgoOnlySources(dir, ctx)[0];
    if (bad) {
      res.loadError = {
        kind: 'c-files-without-cgo',
        message: `${bad.what} source files not allowed when not using cgo or SWIG: ${bad.files.join(' ')}`,
        files: bad.files,
      };
      res.builds = false;
      return res;
    }
  }
  if (exc.length === 0) return res;
  const kept = new Map<string, Range>();
  const keptMethods = new Set<string>();
  const keptDecls: { m: PackageFile; d: Decls }[] = [];
  for (const m of inc) {
    const d = await declsOf(m.text);
    keptDecls.push({ m, d });
    for (const n of d.top.keys()) kept.set(n, d.top.get(n)!);
    for (const n of d.methods.keys()) keptMethods.add(n);
  }
  res.exportsKept = [...kept.keys()].filter((n) => /^\p{Lu}/u.test(n)).length;
  const lost = new Map<string, { file: string; range: Range }>();
  const lostMethods = new Map<string, { file: string; range: Range }>();
  for (const m of exc) {
    // A file excluded for another reason than cgo (another GOOS) is not "lost": only those the context drops
    // because of cgo matter to the caller, but every excluded declaration is undefined to the built files.
    const d = await declsOf(m.text);
    for (const [n, r] of d.top) if (!kept.has(n) && !lost.has(n)) lost.set(n, { file: m.file.path, range: r });
    for (const [n, r] of d.methods) if (!keptMethods.has(n) && !lostMethods.has(n)) lostMethods.set(n, { file: m.file.path, range: r });
  }
  for (const { m, d } of keptDecls) {
    for (const [name, r] of d.uses) {
      const l = lost.get(name);
      if (!l) continue;
      res.undefined.push({ name, file: m.file.path, range: r, declaredIn: l.file, declRange: l.range });
    }
  }
  const isMain = models.some((m) => m.file.packageName === 'main');
  const mainDecl = lost.get('main');
  if (isMain && mainDecl) res.mainLost = { declaredIn: mainDecl.file, declRange: mainDecl.range };
  if (!isMain) {
    for (const [n, l] of lost) if (/^\p{Lu}/u.test(n)) res.exportsLost.push({ name: n, declaredIn: l.file, declRange: l.range });
    for (const [n, l] of lostMethods) {
      const [recv, meth] = n.split('.') as [string, string];
      if (/^\p{Lu}/u.test(meth) && /^\p{Lu}/u.test(recv) && !lost.has(recv)) res.exportsLost.push({ name: n, declaredIn: l.file, declRange: l.range });
    }
  }
  res.builds = res.undefined.length === 0 && res.mainLost === null;
  return res;
}

/** The one-line verdict of a PackageBuild, in the go command's words. */
export function describeBuild(b: PackageBuild): string {
  if (b.loadError) return b.loadError.message;
  const parts: string[] = [];
  if (b.undefined.length > 0) {
    const first = b.undefined[0]!;
    const more = new Set(b.undefined.map((u) => u.name)).size - 1;
    parts.push(
      `${path.basename(first.file)}:${first.range.start.line + 1}:${first.range.start.character + 1}: undefined: ${first.name}${more > 0 ? ` (and ${more} more name${more > 1 ? 's' : ''})` : ''}`,
    );
  }
  if (b.mainLost) parts.push('function main is undeclared in the main package');
  if (parts.length === 0 && b.exportsLost.length > 0) {
    const names = b.exportsLost.map((e) => e.name);
    parts.push(
      `builds, but ${names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more are` : `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'}`} missing: every program that uses ${names.length > 1 ? 'them' : 'it'} fails with "undefined"`,
    );
  }
  return parts.join('; ');
}

export interface CgoOffInput {
  /** The file being analysed (a cgo file). */
  file: GoFile;
  /** The non-test .go files of its package (this file included). */
  models: PackageFile[];
  /** The current configuration (cgo off). */
  ctx: BuildContext;
  /** Which rule turned cgo off (the toolchain model's `cgo.rule`). */
  rule?: string;
  /** The toolchain's `cgo/disabled` diagnostic on this file, if any (its data is kept, so its fixes still apply). */
  disabled?: CgoDiagnostic;
}

/**
 * With cgo off in the current configuration: an error when the package cannot build, or every program that uses
 * what this file defines fails (undefined names), on the line that matters, with the way out. Returns the
 * diagnostics to publish in place of the toolchain's plain `cgo/disabled` (which is kept when nothing fails).
 */
export async function cgoOffDiagnostics(input: CgoOffInput): Promise<CgoDiagnostic[] | null> {
  const { file, ctx } = input;
  const imp = file.cImports[0];
  if (ctx.cgoEnabled || !imp || !file.importsC) return null;
  // Only a file the configuration would build with cgo on is "lost" because of cgo.
  if (!isFileIncluded(file, { ...ctx, cgoEnabled: true }).included) return null;
  const dir = path.dirname(file.path);
  const b = await packageBuild(dir, input.models, ctx);
  const off = 'CGO_ENABLED=0';
  // With the toolchain's own cgo/disabled at hand, applyCgoOff appends its words instead.
  const why = input.disabled ? null : whyOff(input.rule, ctx);
  const offWhy = why ? `cgo is off: ${why}.` : undefined;
  const wayOut = 'turn cgo on (CGO_ENABLED=1 with a C compiler), or add a //go:build !cgo file that defines the same names';
  const base = path.basename(file.path);
  const data = (kind: string, extra: Record<string, unknown> = {}) => ({
    ...((input.disabled?.data as Record<string, unknown> | undefined) ?? {}),
    code: 'cgo/disabled',
    cgoOff: kind,
    ...extra,
  });
  const out: CgoDiagnostic[] = [];
  if (b.loadError?.kind === 'excluded-all') {
    out.push({
      file: file.path,
      range: imp.pathRange,
      severity: 'error',
      code: 'cgo/disabled',
      message: diagnosticMessage({
        cause: `with ${off} every file of the package is excluded`,
        fix: wayOut,
        details: [offWhy, `go build: ${b.loadError.message}`],
      }),
      data: data('excluded-all'),
    });
    return out;
  }
  const mine = b.undefined.filter((u) => u.declaredIn === file.path);
  const byName = new Map<string, typeof mine>();
  for (const u of mine) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
  for (const [name, uses] of byName) {
    const first = uses[0]!;
    out.push({
      file: file.path,
      range: first.declRange,
      severity: 'error',
      code: 'cgo/disabled',
      message: diagnosticMessage({
        cause: `${shortName(name, 30)} is defined only in this cgo file, which ${off} excludes`,
        fix: wayOut,
        details: [offWhy, `go build: ${path.basename(first.file)}:${first.range.start.line + 1}: undefined: ${name}`],
      }),
      data: data('undefined', { name }),
      related: uses.map((u) => ({ file: u.file, range: u.range, message: `undefined: ${name}` })),
    });
  }
  if (b.mainLost && b.mainLost.declaredIn === file.path) {
    out.push({
      file: file.path,
      range: b.mainLost.declRange,
      severity: 'error',
      code: 'cgo/disabled',
      message: diagnosticMessage({
        cause: `func main is only in this cgo file, which ${off} excludes`,
        fix: wayOut,
        details: [offWhy, 'go build: function main is undeclared in the main package'],
      }),
      data: data('main-lost'),
    });
  }
  if (out.length === 0 && b.builds) {
    const exports = b.exportsLost.filter((e) => e.declaredIn === file.path);
    if (exports.length > 0) {
      const names = exports.map((e) => e.name);
      const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
      // Nothing exported left: every program that uses the package fails (error). Some left (a partial
      // fallback): only programs using the lost names fail (warning).
      const all = b.exportsKept === 0;
      out.push({
        file: file.path,
        range: imp.pathRange,
        severity: all ? 'error' : 'warning',
        code: 'cgo/disabled',
        message: all
          ? diagnosticMessage({
              cause: `${off} excludes ${shortName(base, 30)}, and the package keeps no exported name`,
              fix: wayOut,
              details: [`Gone: ${shown}; every program using the package fails with "undefined".`, offWhy],
            })
          : diagnosticMessage({
              cause: `${off} excludes ${shortName(base, 30)}: the package loses ${shortName(shown, 40)}`,
              fix: wayOut,
              details: [`A program that uses ${names.length > 1 ? 'them' : 'it'} fails with "undefined".`, offWhy],
            }),
        data: data('exports-lost', { names }),
        related: exports.map((e) => ({ file: file.path, range: e.declRange, message: `${e.name} disappears with CGO_ENABLED=0` })),
      });
    }
  }
  return out.length > 0 ? out : null;
}

/** Last package files seen per directory (so the keystroke path re-evaluates without reading other files). */
const packageCache = new Map<string, PackageFile[]>();

export interface ApplyCgoOffOptions {
  file: GoFile;
  text: string;
  ctx: BuildContext;
  rule?: string;
  /** Read the package's other files again (compiler runs, open/save); otherwise reuse the last ones read. */
  refresh: boolean;
  /** The package's non-test .go files with open buffers applied (only called when `refresh`). */
  loadPackage: (dir: string) => Promise<PackageFile[]>;
}

/**
 * The engine's hook: with cgo off, replaces the toolchain's `cgo/disabled` on this file by errors when the package
 * cannot build without it (see cgoOffDiagnostics). Mutates `diagnostics`. Never throws.
 */
export async function applyCgoOff(diagnostics: CgoDiagnostic[], o: ApplyCgoOffOptions): Promise<void> {
  try {
    const dir = path.dirname(o.file.path);
    let models = packageCache.get(dir);
    if (o.refresh || !models) {
      models = await o.loadPackage(dir);
      packageCache.set(dir, models);
      if (packageCache.size > 500) packageCache.delete(packageCache.keys().next().value!);
    }
    // This file as it is now (the cache may hold an older text).
    const current = [...models.filter((m) => m.file.path !== o.file.path), { file: o.file, text: o.text }];
    const i = diagnostics.findIndex((d) => d.code === 'cgo/disabled' && d.file === o.file.path);
    const disabled = i >= 0 ? diagnostics[i] : undefined;
    const found = await cgoOffDiagnostics({
      file: o.file,
      models: current,
      ctx: o.ctx,
      ...(o.rule ? { rule: o.rule } : {}),
      ...(disabled ? { disabled } : {}),
    });
    if (!found) return;
    // Why cgo is off, in the toolchain's own words (e.g. the go command's LookPath error), stays with the verdict.
    if (disabled) {
      const why = splitMessage(disabled.message);
      for (const d of found) d.message = withDetails(d.message, why.cause, ...why.details);
    }
    if (i >= 0) diagnostics.splice(i, 1);
    diagnostics.push(...found);
  } catch {
    // the plain cgo/disabled diagnostic stays
  }
}
