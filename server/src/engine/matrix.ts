// The command matrix (`cgo-ls check --matrix`, issue 18): for each package, each target (GOOS/GOARCH) and each
// CGO_ENABLED value, what `go build`, `go vet`/`go test` and `go run` (main packages) will do — builds, fails (why
// and where), compiles the tests while leaving out test files constrained to cgo (named, with the constraint), or
// builds a stub that fails at run time. Decided from the files alone, like the target matrix (targets.ts, whose
// compiler lookup and stub recognition it reuses) and the cgo-off verdicts (cgooff.ts, whose `packageBuild` decides
// every compile here): no subprocess. Packages of the same module that a package imports are followed (a failing or
// stubbed import makes the importer fail or stub too); packages of other modules are not analysed.
import fs from 'node:fs';
import path from 'node:path';
import type { CgoDiagnostic } from '../core/types.js';
import type { BuildContext, GoFile } from '../gomodel/types.js';
import { isFileIncluded } from '../gomodel/preamble.js';
import { cgoSupported } from '../toolchain/compiler.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { packageBuild, type PackageBuild, type PackageFile } from './cgooff.js';
import { compilerFor, looksLikeStub, parseTargets, type CompilerForTarget, type Target } from './targets.js';
import { findModuleRoot } from './workspace.js';
import type { Engine } from './engine.js';

/** ok: the command succeeds; fails: it fails; stub: it builds a stub that fails at run time; excludes-tests: the
 * tests compile and run but test files constrained to cgo are left out; no-test-files: `go test` has nothing to run. */
export type MatrixStatus = 'ok' | 'fails' | 'stub' | 'excludes-tests' | 'no-test-files';

export interface MatrixWhere {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

export interface CommandVerdict {
  status: MatrixStatus;
  /** One line for people: "builds", "fails: util.go:5:9: undefined: cTwice", … */
  summary: string;
  /** Why it fails, in the go command's words where it has some. */
  reason?: string;
  /** Where the go command reports it (or the line that causes it). */
  at?: MatrixWhere;
  /** `!cgo` files that only fail at run time (this package's or an imported one's). */
  stubFiles?: string[];
}

export interface ExcludedTestFile {
  /** Base name, e.g. `foo_cgo_test.go`. */
  file: string;
  /** The build-constraint line that excludes it, e.g. `//go:build cgo`. */
  constraint: string;
  /** 1-based line of that constraint. */
  line: number;
}

export interface TestCommandVerdict extends CommandVerdict {
  /** The _test.go files `go test` compiles in this cell (go list's TestGoFiles + XTestGoFiles), by base name. */
  testFiles: string[];
  /** _test.go files the cell leaves out because of the CGO_ENABLED value. */
  excluded: ExcludedTestFile[];
}

export interface MatrixCell {
  target: string;
  goos: string;
  goarch: string;
  cgo: 0 | 1;
  /** With cgo on: the C compiler the cell assumes (`CC`), null when there is none for the target. */
  cc: string[] | null;
  /** With cgo on: why that compiler, or what is missing. */
  ccNote?: string;
  build: CommandVerdict;
  test: TestCommandVerdict;
  /** Main packages only. */
  run: CommandVerdict | null;
}

export interface PackageMatrix {
  dir: string;
  importPath: string;
  name: string;
  main: boolean;
  cells: MatrixCell[];
}

export interface CommandMatrix {
  targets: string[];
  cgo: (0 | 1)[];
  packages: PackageMatrix[];
  /** Packages looked at that neither use cgo nor depend (in the module) on a package that does. */
  unaffected: number;
  /** Cells where some command fails (a `go run` that only reaches a stub counts). */
  failing: number;
}

export interface MatrixOptions {
  /** GOOS/GOARCH list (`--targets`); default: the host plus windows/amd64. */
  targets?: string | string[] | undefined;
  /** CGO_ENABLED values; default both. */
  cgo?: (0 | 1)[];
  /**
   * Errors `cgo-ls check` found in the current configuration (compiler-backed ones included): in the cell that is
   * the current configuration they make `go build` fail at their line.
   */
  errors?: CgoDiagnostic[];
}

/** Parses `--cgo 0`, `1`, `0,1`. */
export function parseCgoValues(spec: string): (0 | 1)[] {
  const out: (0 | 1)[] = [];
  for (const s of spec.split(/[\s,]+/).filter(Boolean)) {
    if (s !== '0' && s !== '1') throw new Error(`invalid CGO_ENABLED value ${JSON.stringify(s)}: want 0, 1 or 0,1`);
    if (!out.includes(Number(s) as 0 | 1)) out.push(Number(s) as 0 | 1);
  }
  if (out.length === 0) throw new Error('--cgo needs 0, 1 or 0,1');
  return out.sort();
}

/** The default matrix targets: the host GOOS/GOARCH plus windows/amd64. */
export function defaultMatrixTargets(tc: Pick<ToolchainModel, 'hostGoos' | 'hostGoarch'>): string[] {
  const host = `${tc.hostGoos}/${tc.hostGoarch}`;
  return host === 'windows/amd64' ? [host] : [host, 'windows/amd64'];
}

interface Pkg {
  dir: string;
  importPath: string;
  modulePath: string | null;
  moduleRoot: string | null;
  name: string;
  main: boolean;
  /** Texts of the non-test and the _test.go files; parsed (`files`, `tests`) only for packages the matrix lists. */
  sources: { path: string; text: string; test: boolean }[];
  files: PackageFile[];
  tests: PackageFile[];
  parsed: boolean;
  /** Imports per file (absolute path), with the name they are used under. */
  imports: Map<string, { path: string; alias: string | null }[]>;
  ownCgo: boolean;
}

/** Cheap: a file that imports "C" or has `cgo` in a build constraint (false positives only cost a parse). */
function mayUseCgo(text: string): boolean {
  return /^import\s*(\(\s*)?["`]C["`]|^\s*["`]C["`]\s*$/m.test(text) || /^\/\/(go:build|\s*\+build)\s[^\n]*\bcgo\b/m.test(text);
}

/** A file with `!cgo` in its constraint (the fallback side of a cgo package). */
function isNoCgoFile(f: GoFile): boolean {
  return /!\s*cgo\b/.test(f.build.goBuild?.expr ?? '') || f.build.plusBuild.some((p) => /!cgo\b/.test(p.expr));
}

/** The import paths of a Go file, with their explicit names (regexp over the import declarations; `"C"` left out). */
export function importsOf(text: string): { path: string; alias: string | null }[] {
  const out: { path: string; alias: string | null }[] = [];
  const spec = /^\s*(?:([A-Za-z_]\w*|\.)\s+)?"([^"]+)"/;
  for (const m of text.matchAll(/^import\s*\(([\s\S]*?)^\s*\)/gm)) {
    for (const line of m[1]!.split('\n')) {
      const s = spec.exec(line);
      if (s && s[2] !== 'C') out.push({ path: s[2]!, alias: s[1] ?? null });
    }
  }
  for (const m of text.matchAll(/^import\s+(?:([A-Za-z_]\w*|\.)\s+)?"([^"]+)"/gm)) {
    if (m[2] !== 'C') out.push({ path: m[2]!, alias: m[1] ?? null });
  }
  return out;
}

function modulePathOf(root: string): string | null {
  try {
    const m = /^module\s+"?([^\s"]+)"?/m.exec(fs.readFileSync(path.join(root, 'go.mod'), 'utf8'));
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

function testFilesOf(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('_test.go') && !n.startsWith('.') && !n.startsWith('_'))
      .sort()
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** The constraint line of a file that excludes it in `ctx` (for the report: `//go:build cgo`). */
export function excludingConstraint(f: GoFile, ctx: BuildContext): { text: string; line: number } | null {
  if (f.build.goBuild) return { text: `//go:build ${f.build.goBuild.expr}`, line: f.build.goBuild.range.start.line + 1 };
  for (const pb of f.build.plusBuild) {
    const one = { ...f, build: { ...f.build, plusBuild: [pb] } } as GoFile;
    if (!isFileIncluded(one, ctx).included) return { text: `// +build ${pb.expr}`, line: pb.range.start.line + 1 };
  }
  return null;
}

function where(file: string, r: { start: { line: number; character: number } }): MatrixWhere {
  return { file, line: r.start.line + 1, column: r.start.character + 1 };
}

function whereText(w: MatrixWhere | undefined): string {
  return w ? `${path.basename(w.file)}:${w.line}:${w.column}: ` : '';
}

class MatrixBuilder {
  private readonly pkgs = new Map<string, Promise<Pkg | null>>();
  private readonly builds = new Map<string, Promise<CommandVerdict & { pb: PackageBuild | null }>>();
  private readonly compilers = new Map<string, Promise<CompilerForTarget>>();

  constructor(
    private readonly engine: Engine,
    private readonly tc: ToolchainModel,
    private readonly errors: CgoDiagnostic[],
  ) {}

  load(dir: string): Promise<Pkg | null> {
    const abs = path.resolve(dir);
    let p = this.pkgs.get(abs);
    if (!p) {
      p = this.read(abs);
      this.pkgs.set(abs, p);
    }
    return p;
  }

  private async read(dir: string): Promise<Pkg | null> {
    const sources: Pkg['sources'] = [];
    for (const [list, test] of [
      [this.engine.files.packageFiles(dir), false],
      [testFilesOf(dir), true],
    ] as const) {
      for (const f of list) {
        const text = await this.engine.getText(f);
        if (text !== null) sources.push({ path: f, text, test });
      }
    }
    if (sources.length === 0) return null;
    const root = findModuleRoot(dir);
    const modulePath = root ? modulePathOf(root) : null;
    const rel = root ? path.relative(root, dir).split(path.sep).join('/') : '';
    const importPath = modulePath ? (rel ? `${modulePath}/${rel}` : modulePath) : path.basename(dir);
    const pkgName = (t: string) => /^package\s+([A-Za-z_]\w*)/m.exec(t)?.[1] ?? null;
    const name = sources.map((f) => pkgName(f.text)).find((n) => n && !n.endsWith('_test')) ?? path.basename(dir);
    const imports = new Map<string, { path: string; alias: string | null }[]>();
    for (const f of sources) imports.set(f.path, importsOf(f.text));
    const ownCgo = sources.some((f) => mayUseCgo(f.text));
    return { dir, importPath, modulePath, moduleRoot: root, name, main: name === 'main', sources, files: [], tests: [], parsed: false, imports, ownCgo };
  }

  /** Parses the package's files (once). */
  private async parse(p: Pkg): Promise<void> {
    if (p.parsed) return;
    for (const src of p.sources) {
      const file = await this.engine.model(src.path, src.text);
      if (file) (src.test ? p.tests : p.files).push({ file, text: src.text });
    }
    p.parsed = true;
  }

  /** The directory of an import path in the same module, or null. */
  private localDir(p: Pkg, imp: string): string | null {
    if (!p.modulePath || !p.moduleRoot) return null;
    if (imp === p.modulePath) return p.moduleRoot;
    if (imp.startsWith(p.modulePath + '/')) return path.join(p.moduleRoot, ...imp.slice(p.modulePath.length + 1).split('/'));
    return null;
  }

  /** Whether the package uses cgo or imports (within its module, transitively) a package that does. */
  async affected(p: Pkg, seen = new Set<string>()): Promise<boolean> {
    if (p.ownCgo) return true;
    if (seen.has(p.dir)) return false;
    seen.add(p.dir);
    for (const list of p.imports.values()) {
      for (const imp of list) {
        const d = this.localDir(p, imp.path);
        const dep = d ? await this.load(d) : null;
        if (dep && (await this.affected(dep, seen))) return true;
      }
    }
    return false;
  }

  compiler(t: Target): Promise<CompilerForTarget> {
    const key = `${t.goos}/${t.goarch}`;
    let c = this.compilers.get(key);
    if (!c) {
      c = compilerFor(this.tc, t);
      this.compilers.set(key, c);
    }
    return c;
  }

  ctx(t: Target, cgo: 0 | 1): BuildContext {
    return this.engine.buildContext(this.tc, t.goos, t.goarch, cgo === 1);
  }

  private isCurrent(t: Target, cgo: 0 | 1): boolean {
    return t.goos === this.tc.goos && t.goarch === this.tc.goarch && (cgo === 1) === this.tc.cgo.enabled;
  }

  /** Uses of names an imported package lost (`alias.Name`) in the given files: `undefined: alias.Name`. */
  private lostUses(p: Pkg, files: PackageFile[], dep: Pkg, pb: PackageBuild): { name: string; at: MatrixWhere } | null {
    const lost = new Set(pb.exportsLost.filter((e) => !e.name.includes('.')).map((e) => e.name));
    if (lost.size === 0) return null;
    for (const f of files) {
      for (const imp of p.imports.get(f.file.path) ?? []) {
        if (imp.path !== dep.importPath || imp.alias === '_' || imp.alias === '.') continue;
        const alias = imp.alias ?? dep.name;
        const re = new RegExp(`\\b${alias}\\.([A-Za-z_]\\w*)`, 'g');
        for (const m of f.text.matchAll(re)) {
          if (!lost.has(m[1]!)) continue;
          const before = f.text.slice(0, m.index);
          const line = before.split('\n').length;
          const column = m.index - before.lastIndexOf('\n');
          return { name: `${alias}.${m[1]}`, at: { file: f.file.path, line, column } };
        }
      }
    }
    return null;
  }

  /** Imports (in the module) of `files` that fail or stub in this cell, or use names the import lost. */
  private async depVerdict(p: Pkg, files: PackageFile[], t: Target, cgo: 0 | 1): Promise<CommandVerdict | null> {
    let stub: string[] = [];
    const done = new Set<string>();
    for (const f of files) {
      for (const imp of p.imports.get(f.file.path) ?? []) {
        const d = this.localDir(p, imp.path);
        if (!d || done.has(d) || path.resolve(d) === p.dir) continue;
        done.add(d);
        const dep = await this.load(d);
        if (!dep) continue;
        const v = await this.build(dep, t, cgo);
        if (v.status === 'fails') {
          return {
            status: 'fails',
            summary: `fails: imports ${dep.importPath}: ${v.summary.replace(/^fails: /, '')}`,
            ...(v.reason ? { reason: v.reason } : {}),
            ...(v.at ? { at: v.at } : {}),
          };
        }
        if (v.pb) {
          const use = this.lostUses(p, files, dep, v.pb);
          if (use) return { status: 'fails', summary: `fails: ${whereText(use.at)}undefined: ${use.name}`, reason: `undefined: ${use.name}`, at: use.at };
        }
        if (v.status === 'stub') stub = [...stub, ...(v.stubFiles ?? [])];
      }
    }
    return stub.length > 0 ? { status: 'stub', summary: `builds a stub that fails at run time (${stub.join(', ')})`, stubFiles: stub } : null;
  }

  /** What `go build` of the package does in this cell. */
  build(p: Pkg, t: Target, cgo: 0 | 1): Promise<CommandVerdict & { pb: PackageBuild | null }> {
    const key = `${p.dir}|${t.goos}/${t.goarch}|${cgo}`;
    let v = this.builds.get(key);
    if (!v) {
      v = this.computeBuild(p, t, cgo);
      this.builds.set(key, v);
    }
    return v;
  }

  private async computeBuild(p: Pkg, t: Target, cgo: 0 | 1): Promise<CommandVerdict & { pb: PackageBuild | null }> {
    await this.parse(p);
    const ctx = this.ctx(t, cgo);
    if (p.files.length === 0) return { status: 'ok', summary: 'no non-test Go files', pb: null };
    const pb = await packageBuild(p.dir, p.files, ctx);
    const included = p.files.filter((f) => isFileIncluded(f.file, ctx).included);
    if (pb.loadError) {
      const cgoFile = p.files.find((f) => f.file.importsC && f.file.cImports[0]);
      const at = pb.loadError.kind === 'excluded-all' && cgoFile ? where(cgoFile.file.path, cgoFile.file.cImports[0]!.pathRange) : undefined;
      return { status: 'fails', summary: `fails: ${pb.loadError.message}`, reason: pb.loadError.message, ...(at ? { at } : {}), pb };
    }
    if (pb.undefined.length > 0) {
      const u = [...pb.undefined].sort((a, b) => path.basename(a.file).localeCompare(path.basename(b.file)) || a.range.start.line - b.range.start.line)[0]!;
      const at = where(u.file, u.range);
      return { status: 'fails', summary: `fails: ${whereText(at)}undefined: ${u.name}`, reason: `undefined: ${u.name}`, at, pb };
    }
    if (pb.mainLost) {
      const reason = 'function main is undeclared in the main package';
      return {
        status: 'fails',
        summary: `fails: ${reason} (func main is in ${path.basename(pb.mainLost.declaredIn)})`,
        reason,
        at: where(pb.mainLost.declaredIn, pb.mainLost.declRange),
        pb,
      };
    }
    const usesCgo = included.some((f) => f.file.importsC || f.file.backquotedCImport !== undefined);
    if (cgo === 1 && usesCgo) {
      if (!cgoSupported(t.goos, t.goarch))
        return {
          status: 'fails',
          summary: `fails: cgo is not supported on ${t.goos}/${t.goarch}`,
          reason: `cgo is not supported on ${t.goos}/${t.goarch}`,
          pb,
        };
      const cc = await this.compiler(t);
      if (!cc.ok) return { status: 'fails', summary: `fails: ${cc.note}`, reason: cc.note, pb };
    }
    const dep = await this.depVerdict(p, included, t, cgo);
    if (dep?.status === 'fails') return { ...dep, pb };
    if (this.isCurrent(t, cgo)) {
      const skip = new Set(['cgo/disabled', 'cgo/target-unbuildable', 'cgo/tests-excluded']);
      const builtFiles = new Set(included.map((f) => f.file.path));
      const err = this.errors.find(
        (d) => d.severity === 'error' && !skip.has(d.code) && path.dirname(d.file) === p.dir && (builtFiles.has(d.file) || !d.file.endsWith('.go')),
      );
      if (err) {
        const at = where(err.file, err.range);
        const reason = err.message.split('\n')[0]!;
        return { status: 'fails', summary: `fails: ${whereText(at)}${reason} [${err.code}]`, reason, at, pb };
      }
    }
    const stubs = cgo === 0 ? included.filter((f) => isNoCgoFile(f.file) && looksLikeStub(f.text)).map((f) => path.basename(f.file.path)) : [];
    const allStubs = [...stubs, ...(dep?.stubFiles ?? [])];
    if (allStubs.length > 0) return { status: 'stub', summary: `builds a stub that fails at run time (${allStubs.join(', ')})`, stubFiles: allStubs, pb };
    const fallbacks = cgo === 0 ? included.filter((f) => isNoCgoFile(f.file)).map((f) => path.basename(f.file.path)) : [];
    const on = this.ctx(t, 1);
    const dropped =
      cgo === 0
        ? p.files.filter((f) => f.file.importsC && !included.includes(f) && isFileIncluded(f.file, on).included).map((f) => path.basename(f.file.path))
        : [];
    return {
      status: 'ok',
      summary: dropped.length > 0 ? `builds without ${dropped.join(', ')}${fallbacks.length > 0 ? ` (fallback ${fallbacks.join(', ')})` : ''}` : 'builds',
      pb,
    };
  }

  /** What `go vet` / `go test` of the package does in this cell. */
  async test(p: Pkg, t: Target, cgo: 0 | 1, build: CommandVerdict & { pb: PackageBuild | null }): Promise<TestCommandVerdict> {
    await this.parse(p);
    const ctx = this.ctx(t, cgo);
    const flipped = this.ctx(t, cgo === 1 ? 0 : 1);
    const included = p.tests.filter((f) => isFileIncluded(f.file, ctx).included);
    const testFiles = included.map((f) => path.basename(f.file.path));
    const excluded: ExcludedTestFile[] = [];
    for (const f of p.tests) {
      if (included.includes(f) || f.file.importsC || !isFileIncluded(f.file, flipped).included) continue;
      const c = excludingConstraint(f.file, ctx);
      excluded.push({ file: path.basename(f.file.path), constraint: c?.text ?? '(build constraint)', line: c?.line ?? 1 });
    }
    const base = { testFiles, excluded };
    const fail = (v: CommandVerdict): TestCommandVerdict => ({ ...v, status: 'fails', ...base });
    // A test file that imports "C" stops go test before anything compiles.
    for (const f of p.tests) {
      const r = isFileIncluded(f.file, ctx);
      if (!r.included && r.reason?.startsWith('use of cgo in test')) {
        const imp = f.file.cImports[0];
        return fail({
          status: 'fails',
          summary: `fails: use of cgo in test ${path.basename(f.file.path)} not supported`,
          reason: `use of cgo in test ${f.file.path} not supported`,
          ...(imp ? { at: where(f.file.path, imp.pathRange) } : {}),
        });
      }
    }
    // A build that fails for another reason than "every non-test file excluded" fails go vet / go test the same way.
    if (build.status === 'fails' && build.pb?.loadError?.kind !== 'excluded-all') return fail(build);
    if (p.tests.length === 0 || included.length === 0) {
      if (build.status === 'fails') return fail(build);
      return {
        status: 'no-test-files',
        summary:
          p.tests.length === 0
            ? 'no test files'
            : `no test files for this cell (${excluded.map((e) => `${e.file}: ${e.constraint}`).join(', ') || 'all excluded'})`,
        ...base,
      };
    }
    const inPkg = included.filter((f) => f.file.packageName === p.name || !f.file.packageName?.endsWith('_test'));
    const xtest = included.filter((f) => !inPkg.includes(f));
    const tb = await packageBuild(p.dir, [...p.files, ...inPkg], ctx);
    if (tb.loadError) return fail({ status: 'fails', summary: `fails: ${tb.loadError.message}`, reason: tb.loadError.message });
    if (tb.undefined.length > 0) {
      const u = [...tb.undefined].sort((a, b) => path.basename(a.file).localeCompare(path.basename(b.file)) || a.range.start.line - b.range.start.line)[0]!;
      const at = where(u.file, u.range);
      return fail({ status: 'fails', summary: `fails: ${whereText(at)}undefined: ${u.name}`, reason: `undefined: ${u.name}`, at });
    }
    if (build.pb && xtest.length > 0) {
      const use = this.lostUses(p, xtest, p, build.pb);
      if (use) return fail({ status: 'fails', summary: `fails: ${whereText(use.at)}undefined: ${use.name}`, reason: `undefined: ${use.name}`, at: use.at });
    }
    const dep = await this.depVerdict(p, included, t, cgo);
    if (dep?.status === 'fails') return fail(dep);
    const stubs = [...(build.stubFiles ?? []), ...(dep?.stubFiles ?? [])];
    if (stubs.length > 0)
      return {
        status: 'stub',
        summary: `compiles ${testFiles.join(', ')}; the tests run against a stub that fails at run time (${stubs.join(', ')})`,
        stubFiles: stubs,
        ...base,
      };
    // With cgo off, the excluded files are the ones that need cgo: the pseudo-success of issue 18.
    const cgoOnly = cgo === 0 ? excluded : [];
    if (cgoOnly.length > 0) {
      return {
        status: 'excludes-tests',
        summary: `compiles ${testFiles.join(', ')} but leaves out ${cgoOnly.map((e) => `${e.file} (${e.constraint})`).join(', ')}`,
        ...base,
      };
    }
    return {
      status: 'ok',
      summary: `compiles ${testFiles.join(', ')}${excluded.length > 0 ? ` (not ${excluded.map((e) => `${e.file}: ${e.constraint}`).join(', ')})` : ''}`,
      ...base,
    };
  }

  run(p: Pkg, build: CommandVerdict): CommandVerdict | null {
    if (!p.main) return null;
    if (build.status === 'fails') return { ...build };
    if (build.status === 'stub')
      return {
        status: 'stub',
        summary: `builds a stub that fails at run time (${(build.stubFiles ?? []).join(', ')})`,
        ...(build.stubFiles ? { stubFiles: build.stubFiles } : {}),
      };
    return { status: 'ok', summary: 'builds and starts' };
  }
}

/** True when a cell has a command that fails (a `go run` that only reaches a stub counts: the program fails). */
export function cellFails(c: MatrixCell): boolean {
  return c.build.status === 'fails' || c.test.status === 'fails' || c.run?.status === 'fails' || c.run?.status === 'stub';
}

/**
 * The command matrix of the packages in `dirs` (package directories; those unaffected by cgo are counted, not
 * listed). The toolchain model is the one of the first directory's module.
 */
export async function commandMatrix(engine: Engine, dirs: string[], opts: MatrixOptions = {}): Promise<CommandMatrix> {
  const unique = [...new Set(dirs.map((d) => path.resolve(d)))].sort();
  const tc = await engine.toolchain(path.join(unique[0] ?? process.cwd(), 'x.go'));
  const targets = parseTargets(opts.targets ?? defaultMatrixTargets(tc));
  const cgoValues = opts.cgo ?? [0, 1];
  const b = new MatrixBuilder(engine, tc, opts.errors ?? []);
  const packages: PackageMatrix[] = [];
  let unaffected = 0;
  let failing = 0;
  for (const dir of unique) {
    const p = await b.load(dir);
    if (!p) continue;
    if (!(await b.affected(p))) {
      unaffected++;
      continue;
    }
    const cells: MatrixCell[] = [];
    for (const t of targets) {
      for (const cgo of cgoValues) {
        const cc = cgo === 1 ? await b.compiler(t) : null;
        const build = await b.build(p, t, cgo);
        const test = await b.test(p, t, cgo, build);
        const { pb: _pb, ...buildOut } = build;
        const cell: MatrixCell = {
          target: `${t.goos}/${t.goarch}`,
          goos: t.goos,
          goarch: t.goarch,
          cgo,
          cc: cc?.ok ? cc.argv : null,
          ...(cc ? { ccNote: cc.note } : {}),
          build: buildOut,
          test,
          run: b.run(p, build),
        };
        if (cellFails(cell)) failing++;
        cells.push(cell);
      }
    }
    packages.push({ dir: p.dir, importPath: p.importPath, name: p.name, main: p.main, cells });
  }
  return { targets: targets.map((t) => `${t.goos}/${t.goarch}`), cgo: cgoValues, packages, unaffected, failing };
}
