// The analysis engine: one per process, shared by the LSP adapter and the CLI. It owns the document texts,
// the parsed Go models, one toolchain model per module, and the compiler results; it turns them into
// CgoDiagnostics. It knows nothing about LSP.
import fs from 'node:fs';
import path from 'node:path';
import type { CgoDiagnostic, Logger, Position } from '../core/types.js';
import { containsPosition, nullLogger } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import type { CodeInfo } from '../core/codes.js';
import { NEWEST_KNOWN, type GoVersion } from '../core/goversion.js';
import type { BuildContext, GoFile, PreambleLine } from '../gomodel/types.js';
import { emptyModel, parseGoFile } from '../gomodel/model.js';
import { isFileIncluded } from '../gomodel/preamble.js';
import { checkSource, codes as sourceCodes } from '../checks/source.js';
import { checkDirectives, codes as directiveCodes } from '../checks/directives.js';
import type { DirectiveFlags } from '../cgorules/types.js';
import { checkFlags } from '../cgorules/allowlist.js';
import { splitPkgConfigOutput } from '../cgorules/split.js';
import type { ToolchainModel, ToolchainProblem } from '../toolchain/types.js';
import { probeToolchain, readLoginShellEnv } from '../toolchain/probe.js';
import { readWindowsRegistryEnv } from '../toolchain/shellenv.js';
import { codes as toolchainCodes } from '../toolchain/codes.js';
import { renderReport } from '../toolchain/report.js';
import { compilePreamble } from '../compiler/preamble.js';
import { CompileScheduler } from '../compiler/scheduler.js';
import { probePkgConfig, pkgConfigDiagnostic } from '../compiler/pkgconfig.js';
import { checkLibraries, libraryDiagnostic } from '../compiler/libs.js';
import { codes as compilerCodes } from '../compiler/codes.js';
import { codes as engineCodes } from './codes.js';
import { codes as windowsCodes, runtimeDllDiagnostics } from '../windows/check.js';
import { codes as objectCodes, objectFormatDiagnostics } from '../checks/objformat.js';
import { defaultSettings, type Settings } from './settings.js';
import { hashOf } from './hash.js';
import { hoverAt } from './hover.js';
import { findModuleRoot, mightImportC, packageSiblings, readTextFile } from './workspace.js';
import { fixAll, fixesFor, type EnvChange, type Fix } from './fixes.js';
import { evaluateTargets, packageGoFiles, parseTargets, type TargetVerdict } from './targets.js';
import { run } from '../util/proc.js';

export interface EngineOptions {
  /** The environment cgo-ls was started with. */
  env: NodeJS.ProcessEnv;
  settings?: Settings;
  log?: Logger;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /**
   * `run`: run the compiler when its cached result does not match; `cached`: use only cached compiler results
   * (the keystroke path, no subprocess); `none`: static checks only.
   */
  compile: 'run' | 'cached' | 'none';
  /** Probe `-l` libraries (open/save and directive edits only). */
  libraries?: boolean;
}

export interface Analysis {
  file: string;
  diagnostics: CgoDiagnostic[];
  importsC: boolean;
  /** True when compiler-backed results are missing or stale for the current text (the caller may schedule a run). */
  compileStale: boolean;
}

interface CompileEntry {
  key: string;
  diagnostics: CgoDiagnostic[];
  /** 0-based .go line of each preamble when the entry was computed (to shift positions on reuse). */
  firstLines: number[];
  includedFiles: { file: string; mtimeMs: number; size: number }[];
  /** cgo's kind for each C name (from the probe). */
  kinds: Record<string, string>;
}

interface LibEntry {
  key: string;
  diagnostics: CgoDiagnostic[];
}

interface PrepResult {
  file: GoFile;
  text: string;
  toolchain: ToolchainModel;
  ctx: BuildContext;
  goVersion: GoVersion;
  included: boolean;
  excludedReason?: string;
  flags: DirectiveFlags | null;
  rejected: boolean;
  diagnostics: CgoDiagnostic[];
}

/** C++ sources make the go command use CXX (and link libstdc++). */
const CXX_EXTS = ['.cc', '.cpp', '.cxx'];

const CGO_BUILTINS = new Set(['CString', 'CBytes', 'GoString', 'GoStringN', 'GoBytes', 'malloc']);

export class Engine {
  settings: Settings;
  readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly docs = new Map<string, { text: string; version: number }>();
  private readonly models = new Map<string, { text: string; file: GoFile }>();
  private readonly toolchains = new Map<string, Promise<ToolchainModel>>();
  private readonly compiled = new Map<string, CompileEntry>();
  private readonly libs = new Map<string, LibEntry>();
  private shellEnv: Promise<Record<string, string> | null> | null = null;
  /** Module root per directory and C++ presence per package directory, so the keystroke path touches no disk. */
  private readonly moduleRoots = new Map<string, string>();
  private readonly cxxDirs = new Map<string, boolean>();
  /** Last target-matrix findings per file (computed on compiler runs, reused on keystrokes). */
  private readonly targetFindings = new Map<string, CgoDiagnostic[]>();
  /** At most two compiler jobs at once (the machine may have two cores); supersession per file. */
  private readonly scheduler = new CompileScheduler({ concurrency: 2, cacheSize: 0 });

  constructor(opts: EngineOptions) {
    this.env = opts.env;
    this.settings = opts.settings ?? defaultSettings;
    this.log = opts.log ?? nullLogger;
  }

  /** Every diagnostic code the engine can emit, with its documentation. */
  static codes(): CodeInfo[] {
    return [...sourceCodes, ...directiveCodes, ...toolchainCodes, ...compilerCodes, ...windowsCodes, ...objectCodes, ...engineCodes];
  }

  setSettings(settings: Settings): void {
    const envChanged = JSON.stringify(settings.env) !== JSON.stringify(this.settings.env) || settings.goCommand !== this.settings.goCommand;
    const shellChanged = settings.checkShellEnv !== this.settings.checkShellEnv;
    if (JSON.stringify(settings.targets) !== JSON.stringify(this.settings.targets)) this.targetFindings.clear();
    this.settings = settings;
    if (shellChanged) this.shellEnv = null;
    if (envChanged || shellChanged) this.invalidateToolchains();
  }

  // ---- documents -------------------------------------------------------------------------------------------

  setDocument(file: string, text: string, version: number): void {
    this.docs.set(path.resolve(file), { text, version });
  }

  removeDocument(file: string): void {
    this.docs.delete(path.resolve(file));
  }

  documentVersion(file: string): number | undefined {
    return this.docs.get(path.resolve(file))?.version;
  }

  isOpen(file: string): boolean {
    return this.docs.has(path.resolve(file));
  }

  async getText(file: string): Promise<string | null> {
    const doc = this.docs.get(path.resolve(file));
    if (doc) return doc.text;
    return readTextFile(file);
  }

  /** Parsed model of a .go file, cached by text. */
  async model(file: string, text?: string): Promise<GoFile | null> {
    const abs = path.resolve(file);
    const t = text ?? (await this.getText(abs));
    if (t === null) {
      this.models.delete(abs);
      return null;
    }
    const cached = this.models.get(abs);
    if (cached && cached.text === t) return cached.file;
    const model = await parseGoFile(abs, t);
    this.models.set(abs, { text: t, file: model });
    return model;
  }

  /** Forget what is known about a file (deleted or changed on disk). */
  forgetFile(file: string): void {
    const abs = path.resolve(file);
    this.models.delete(abs);
    this.compiled.delete(abs);
    this.libs.delete(abs);
    this.targetFindings.delete(abs);
  }

  // ---- toolchain -------------------------------------------------------------------------------------------

  /** The directory a file's toolchain model is computed for: its module root, else its own directory. */
  toolchainDir(file: string): string {
    const dir = file.endsWith('.go') || file.endsWith('go.mod') ? path.dirname(path.resolve(file)) : path.resolve(file);
    let root = this.moduleRoots.get(dir);
    if (root === undefined) {
      root = findModuleRoot(dir) ?? dir;
      this.moduleRoots.set(dir, root);
    }
    return root;
  }

  toolchain(file: string): Promise<ToolchainModel> {
    const dir = this.toolchainDir(file);
    let p = this.toolchains.get(dir);
    if (!p) {
      p = this.probe(dir);
      this.toolchains.set(dir, p);
    }
    return p;
  }

  /** Drop every toolchain model (GOENV file changed, settings changed, `cgo.refresh`) and compiler results. */
  invalidateToolchains(): void {
    this.toolchains.clear();
    this.targetFindings.clear();
    this.compiled.clear();
    this.libs.clear();
  }

  /** Whether a package directory has C++ sources (cached: the keystroke path reads no directory). */
  private hasCxxFiles(dir: string): boolean {
    let v = this.cxxDirs.get(dir);
    if (v === undefined) {
      v = packageSiblings(dir, CXX_EXTS).length > 0;
      this.cxxDirs.set(dir, v);
    }
    return v;
  }

  /** A file appeared in or vanished from `dir`: forget what was cached about the directory. */
  invalidateDir(dir: string): void {
    const abs = path.resolve(dir);
    this.cxxDirs.delete(abs);
    // A new or removed go.mod changes the module root of this directory and of everything below it.
    for (const d of [...this.moduleRoots.keys()]) if (d === abs || d.startsWith(abs + path.sep)) this.moduleRoots.delete(d);
  }

  /** Drops the toolchain model of one module (its go.mod / go.work changed) and its files' compiler results. */
  invalidateModule(dir: string): void {
    this.toolchains.delete(path.resolve(dir));
    this.dropCompiled(dir);
  }

  /**
   * Drops the compiler results that depend on `file` (it was read by the compile, or is where a missing header
   * would appear) and returns the .go files affected.
   */
  dropDependents(file: string): string[] {
    const abs = path.resolve(file);
    const out: string[] = [];
    for (const [goFile, entry] of this.compiled) {
      if (entry.includedFiles.some((h) => h.file === abs)) {
        this.compiled.delete(goFile);
        this.libs.delete(goFile);
        out.push(goFile);
      }
    }
    return out;
  }

  /** Starts reading the login shell's environment now, so the first toolchain probe does not wait for it. */
  prefetchShellEnv(): void {
    if (this.settings.checkShellEnv) void this.loginShellEnv();
  }

  /** Drops compiler results of files below `dir` (a header or C file there changed, or appeared). */
  dropCompiled(dir: string): void {
    const prefix = path.resolve(dir) + path.sep;
    for (const m of [this.compiled, this.libs]) for (const f of [...m.keys()]) if (f.startsWith(prefix)) m.delete(f);
    this.pkgConfigCache.clear();
  }

  /**
   * Files outside the workspace whose change alters a toolchain model: the GOENV file, `$GOROOT/go.env`, and
   * the resolved go, C compiler and pkg-config executables.
   */
  async toolchainInputs(): Promise<string[]> {
    const out = new Set<string>();
    for (const p of this.toolchains.values()) {
      const tc = await p.catch(() => null);
      if (!tc) continue;
      const goenv = tc.go.env?.['GOENV'];
      if (goenv && goenv !== 'off') out.add(goenv);
      if (tc.go.goroot) out.add(path.join(tc.go.goroot, 'go.env'));
      for (const exe of [tc.go.path, tc.cc?.path, tc.cxx?.path, tc.pkgConfig.path]) if (exe) out.add(exe);
    }
    return [...out];
  }

  /** The directories whose toolchain model has been computed. */
  toolchainDirs(): string[] {
    return [...this.toolchains.keys()];
  }

  private async probe(dir: string): Promise<ToolchainModel> {
    const env: NodeJS.ProcessEnv = { ...this.env };
    if (this.settings.goCommand) {
      // A configured go command goes first on PATH so that `go` resolves to it for every probe.
      const goDir = path.dirname(this.settings.goCommand);
      const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
      env[key] = goDir + path.delimiter + (env[key] ?? '');
    }
    const shellEnv = this.settings.checkShellEnv ? await this.loginShellEnv() : null;
    const started = Date.now();
    const model = await probeToolchain(dir, {
      env,
      editorEnv: this.settings.env,
      timeoutMs: Math.min(this.settings.compilerTimeoutMs, 30_000),
      shellEnv,
      shellEnvSource: process.platform === 'win32' ? 'windows-registry' : 'login-shell',
    });
    this.log.info(
      `toolchain for ${dir}: ${model.go.version?.raw ?? 'no go'} ${model.goos}/${model.goarch} CGO_ENABLED=${model.cgo.enabled ? 1 : 0} CC=${model.cc?.argv.join(' ') ?? '-'} (${Date.now() - started} ms)`,
    );
    return model;
  }

  private loginShellEnv(): Promise<Record<string, string> | null> {
    if (this.shellEnv) return this.shellEnv;
    const shell = this.env['SHELL'];
    const warn = (e: unknown) => {
      this.log.warn(`reference environment not read: ${String(e)}`);
      return null;
    };
    // Unix: the login shell (what a terminal has). Windows: the registry (what a newly started program gets).
    const p: Promise<Record<string, string> | null> =
      process.platform === 'win32'
        ? readWindowsRegistryEnv(5_000, { env: this.env }).catch(warn)
        : shell
          ? readLoginShellEnv(shell, 5_000).catch(warn)
          : Promise.resolve(null);
    this.shellEnv = p;
    return p;
  }

  buildContext(tc: ToolchainModel, goos = tc.goos, goarch = tc.goarch, cgoEnabled = tc.cgo.enabled): BuildContext {
    const goVersion = tc.go.version ?? NEWEST_KNOWN;
    const goflags = tc.values['GOFLAGS']?.value ?? '';
    const tagsFlag = /(?:^|\s)--?tags[=\s]([^\s]+)/.exec(goflags);
    const buildTags = tagsFlag ? tagsFlag[1]!.split(/[,\s]+/).filter(Boolean) : [];
    const toolTags: string[] = [];
    if (goarch === 'amd64') {
      const level = Number((tc.go.env?.['GOAMD64'] ?? 'v1').replace(/^v/, '')) || 1;
      for (let i = 1; i <= level; i++) toolTags.push(`amd64.v${i}`);
    }
    for (const exp of (tc.go.env?.['GOEXPERIMENT'] ?? '').split(',').filter(Boolean)) {
      if (!exp.startsWith('no')) toolTags.push(`goexperiment.${exp}`);
    }
    return { goos, goarch, cgoEnabled, goMinor: goVersion.minor, compiler: 'gc', buildTags, toolTags };
  }

  // ---- analysis --------------------------------------------------------------------------------------------

  /** Diagnostics for one file (.go or go.mod). Never throws: a failing stage becomes a log line. */
  async analyze(file: string, opts: AnalyzeOptions): Promise<Analysis> {
    const abs = path.resolve(file);
    try {
      if (path.basename(abs) === 'go.mod') return await this.analyzeGoMod(abs);
      return await this.analyzeGo(abs, opts);
    } catch (e) {
      this.log.error(`analysis of ${abs} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { file: abs, diagnostics: [], importsC: false, compileStale: false };
    }
  }

  private async analyzeGoMod(abs: string): Promise<Analysis> {
    const tc = await this.toolchain(abs);
    const text = (await this.getText(abs)) ?? '';
    const lines = new LineIndex(text);
    const diagnostics: CgoDiagnostic[] = [];
    for (const p of tc.problems) {
      if (p.target !== 'go.mod') continue;
      const line = Math.max(0, Math.min(p.goModLine ?? 0, lines.lineCount - 1));
      diagnostics.push({
        file: abs,
        range: { start: { line, character: 0 }, end: { line, character: lines.lineText(line).length } },
        severity: p.severity,
        code: p.code,
        message: p.message,
        data: { ...(p.data ?? {}), code: p.code },
      });
    }
    return { file: abs, diagnostics, importsC: false, compileStale: false };
  }

  /** Parse, toolchain, static checks: everything up to (not including) the compiler. */
  private async prepare(abs: string): Promise<PrepResult | null> {
    const text = await this.getText(abs);
    if (text === null) return null;
    if (!mightImportC(text) && !text.includes('export')) {
      return null;
    }
    const file = await this.model(abs, text);
    if (!file) return null;
    const diagnostics: CgoDiagnostic[] = [];
    const tc = await this.toolchain(abs);
    const goVersion = tc.go.version ?? NEWEST_KNOWN;
    const ctx = this.buildContext(tc);
    diagnostics.push(...this.safely('source checks', () => checkSource(file, { goVersion, text }), []));
    if (!file.importsC) {
      return { file, text, toolchain: tc, ctx, goVersion, included: false, flags: null, rejected: false, diagnostics };
    }
    const inclusion = isFileIncluded(file, ctx);
    const preambles = file.cImports.flatMap((i) => (i.preamble ? [i.preamble] : []));
    const childEnv = tc.childEnv as Record<string, string | undefined>;
    // `#cgo noescape/nocallback f` must name a C function called from Go anywhere in the package (cmd/cgo checks
    // package-wide); the other files are read only when such a line exists.
    const calls = (f: GoFile) => f.cRefs.filter((r) => r.context === 'call').map((r) => r.name);
    let cFunctionRefs = calls(file);
    if (preambles.some((p) => /#cgo\s+(noescape|nocallback)\b/.test(p.text))) {
      const names = new Set(cFunctionRefs);
      for (const sibling of packageGoFiles(path.dirname(abs))) {
        if (sibling === abs) continue;
        const m = await this.model(sibling);
        if (m?.importsC) for (const n of calls(m)) names.add(n);
      }
      cFunctionRefs = [...names];
    }
    const dres = this.safely('directive checks', () =>
      checkDirectives({
        file: abs,
        preambles,
        build: ctx,
        srcDir: path.dirname(abs),
        goVersion,
        env: childEnv,
        pathStyle: process.platform === 'win32' ? 'win32' : 'posix',
        cFunctionRefs: cFunctionRefs,
      }),
      null,
    );
    let flags: DirectiveFlags | null = null;
    let rejected = false;
    if (dres) {
      flags = dres.flags;
      rejected = dres.rejected;
      // A file the target does not build is not checked as if it were: flag checks apply only to built files.
      const onlyWhenBuilt = new Set(['cgo/flag-not-allowed', 'cgo/flag-missing-arg', 'cgo/pkg-config-name', 'cgo/pkg-config-option']);
      for (const d of dres.diagnostics) {
        if (!inclusion.included && onlyWhenBuilt.has(d.code)) continue;
        diagnostics.push(d);
      }
    }
    // Toolchain problems that concern cgo files go on every `import "C"` line of files that are (or would be) built.
    const target = file.cImports[0];
    const buildsIgnoringCgo = isFileIncluded(file, { ...ctx, cgoEnabled: true }).included;
    if (target && buildsIgnoringCgo) {
      const usesPkgConfig = (flags?.pkgConfig.length ?? 0) > 0;
      const usesCxx = (flags?.CXXFLAGS.length ?? 0) > 0 || (tc.problems.some((p) => p.data?.['onlyIfCxxUsed']) && this.hasCxxFiles(path.dirname(abs)));
      for (const p of tc.problems) {
        if (p.target !== 'import-c') continue;
        if (p.data?.['onlyIfPkgConfigUsed'] && !usesPkgConfig) continue;
        if (p.data?.['onlyIfCxxUsed'] && !usesCxx) continue;
        diagnostics.push(this.problemAt(abs, target.pathRange, p));
      }
    }
    return {
      file,
      text,
      toolchain: tc,
      ctx,
      goVersion,
      included: inclusion.included,
      ...(inclusion.reason !== undefined ? { excludedReason: inclusion.reason } : {}),
      flags,
      rejected,
      diagnostics,
    };
  }

  private problemAt(file: string, range: CgoDiagnostic['range'], p: ToolchainProblem): CgoDiagnostic {
    return { file, range, severity: p.severity, code: p.code, message: p.message, data: { ...(p.data ?? {}), code: p.code } };
  }

  private async analyzeGo(abs: string, opts: AnalyzeOptions): Promise<Analysis> {
    const prep = await this.prepare(abs);
    if (!prep) {
      this.compiled.delete(abs);
      return { file: abs, diagnostics: [], importsC: false, compileStale: false };
    }
    const diagnostics = [...prep.diagnostics];
    let compileStale = false;
    if (prep.file.importsC && opts.compile !== 'none' && this.canCompile(prep)) {
      const input = await this.compileInput(prep, opts);
      if (input) {
        diagnostics.push(...input.pkgDiagnostics);
        const entry = this.compiled.get(abs);
        const fresh = entry && entry.key === input.key && this.headersUnchanged(entry);
        if (fresh) {
          diagnostics.push(...this.reposition(entry, prep.file));
        } else if (opts.compile === 'run' && !input.blocked) {
          // Bounded concurrency across files; a newer run for the same file aborts this one (and kills its compiler).
          const timeoutMs = this.settings.compilerTimeoutMs;
          const outcome = await this.scheduler.schedule(abs, {
            run: (signal) => {
              const both = opts.signal ? AbortSignal.any([signal, opts.signal]) : signal;
              return compilePreamble(input.preambleInput, { timeoutMs, signal: both });
            },
          });
          if (outcome.status !== 'done' || opts.signal?.aborted || outcome.result.canceled) {
            if (outcome.status === 'failed') this.log.error(`compiler run for ${abs} failed: ${outcome.error}`);
            return { file: abs, diagnostics, importsC: true, compileStale: true };
          }
          const result = outcome.result;
          const newEntry: CompileEntry = {
            key: input.key,
            diagnostics: result.diagnostics,
            firstLines: input.firstLines,
            // Headers read, and the places a missing header would appear: a change to either invalidates.
            includedFiles: statAll([...result.includedFiles, ...result.missingHeaderCandidates]),
            kinds: result.kinds,
          };
          if (!result.timedOut) this.compiled.set(abs, newEntry);
          diagnostics.push(...result.diagnostics);
        } else {
          compileStale = !input.blocked;
          // Keep showing the last compiler findings, moved with the text, until the new run lands.
          if (entry) diagnostics.push(...this.reposition(entry, prep.file));
        }
        diagnostics.push(...this.windowsRuntimeDiagnostics(prep, input.packageLdflags));
        diagnostics.push(...this.objectFormat(prep));
        // Library lookups run on open/save and on compiler runs (debounced, so after a directive edit); the
        // result is cached by the link flags, so an unchanged LDFLAGS line costs nothing.
        if (opts.libraries || opts.compile === 'run') {
          diagnostics.push(...(await this.libraryDiagnostics(abs, prep, input.ldflags, opts.signal)));
        } else {
          const lib = this.libs.get(abs);
          if (lib && lib.key === hashOf(input.ldflags, prep.toolchain.fingerprint)) diagnostics.push(...lib.diagnostics);
        }
      }
    }
    if (prep.file.importsC && this.settings.targets.length > 0) {
      // The matrix reads every file of the package and looks compilers up on PATH: not on the keystroke path.
      // Keystrokes reuse the last verdict, moved to where import "C" is now.
      let found = this.targetFindings.get(abs);
      if (opts.compile === 'run' || !found) {
        found = await this.targetDiagnostics(prep);
        this.targetFindings.set(abs, found);
      }
      const at = prep.file.cImports[0]!.pathRange;
      diagnostics.push(...found.map((d) => ({ ...d, range: at })));
    }
    return { file: abs, diagnostics: dedupe(diagnostics), importsC: prep.file.importsC, compileStale };
  }

  /** Flags and toolchains that make the compiled object unreadable for cgo (big-obj COFF). */
  private objectFormat(prep: PrepResult): CgoDiagnostic[] {
    const imp = prep.file.cImports[0];
    if (!imp) return [];
    const lines = prep.file.cImports.flatMap((i) => (i.preamble ? i.preamble.lines : []));
    const fromDirectives: { flag: string; range?: CgoDiagnostic['range'] }[] = [];
    for (const f of [...(prep.flags?.CPPFLAGS ?? []), ...(prep.flags?.CFLAGS ?? [])]) {
      const l = lines.find((x) => /^\s*#cgo\s.*(CPP|C)FLAGS\s*:/.test(x.text) && x.text.includes(f));
      const col = l ? l.text.indexOf(f) : -1;
      fromDirectives.push({ flag: f, ...(l && col >= 0 ? { range: { start: { line: l.goLine, character: l.goCol + col }, end: { line: l.goLine, character: l.goCol + col + f.length } } } : {}) });
    }
    const env = [...prep.toolchain.envFlags.CPPFLAGS, ...prep.toolchain.envFlags.CFLAGS].map((flag) => ({ flag }));
    return objectFormatDiagnostics({
      file: prep.file.path,
      importRange: imp.pathRange,
      flags: [...env, ...fromDirectives],
      goos: prep.toolchain.goos,
      cc: prep.toolchain.cc ? { path: prep.toolchain.cc.path, ...(prep.toolchain.cc.banner ? { banner: prep.toolchain.cc.banner } : {}) } : null,
    });
  }

  /** The MinGW-w64 runtime DLLs a Windows binary of this package will need at run time (no subprocess). */
  private windowsRuntimeDiagnostics(prep: PrepResult, ldflags: string[]): CgoDiagnostic[] {
    const tc = prep.toolchain;
    if (tc.goos !== 'windows' || !tc.cgo.enabled || !tc.cc?.path) return [];
    const imp = prep.file.cImports[0];
    if (!imp) return [];
    const ldLine = prep.file.cImports
      .flatMap((i) => (i.preamble ? i.preamble.lines : []))
      .find((l) => /^\s*#cgo\s.*LDFLAGS\s*:/.test(l.text));
    const hasCxx = this.hasCxxFiles(path.dirname(prep.file.path));
    return this.safely(
      'windows runtime DLL check',
      () =>
        runtimeDllDiagnostics({
          file: prep.file.path,
          importRange: imp.pathRange,
          ...(ldLine ? { ldflagsLine: wholeLine(ldLine) } : {}),
          toolchain: tc,
          hasCxx,
          ldflags,
        }),
      [],
    );
  }

  private canCompile(prep: PrepResult): boolean {
    const tc = prep.toolchain;
    if (!prep.included || prep.rejected) return false;
    if (!tc.cgo.enabled || !tc.cc || !tc.cc.path) return false;
    if (tc.cc.family === 'msvc-cl' || tc.cc.family === 'clang-cl') return false;
    return prep.file.cImports.some((i) => i.preamble !== null) || prep.file.cRefs.length > 0;
  }

  private headersUnchanged(entry: CompileEntry): boolean {
    for (const h of entry.includedFiles) {
      try {
        const st = fs.statSync(h.file);
        if (st.mtimeMs !== h.mtimeMs || st.size !== h.size) return false;
      } catch {
        if (h.mtimeMs !== -1) return false;
      }
    }
    return true;
  }

  /** Moves cached compiler diagnostics to where their preamble / first C.name use is now. */
  private reposition(entry: CompileEntry, file: GoFile): CgoDiagnostic[] {
    const firstLines = file.cImports.flatMap((i) => (i.preamble ? [i.preamble.firstLine] : []));
    const out: CgoDiagnostic[] = [];
    for (const d of entry.diagnostics) {
      const name = typeof d.data?.['name'] === 'string' ? (d.data['name'] as string) : null;
      if (d.code === 'cgo/unresolved-name' && name) {
        const ref = file.cRefs.find((r) => r.name === name);
        if (ref) out.push({ ...d, range: ref.range });
        continue;
      }
      // Preamble diagnostics: find which preamble they sat in and shift by how far it moved.
      let shifted: CgoDiagnostic = d;
      for (let i = 0; i < entry.firstLines.length; i++) {
        const before = entry.firstLines[i]!;
        const next = entry.firstLines[i + 1] ?? Number.MAX_SAFE_INTEGER;
        if (d.range.start.line >= before && d.range.start.line < next) {
          const delta = (firstLines[i] ?? before) - before;
          if (delta !== 0) {
            shifted = {
              ...d,
              range: {
                start: { line: d.range.start.line + delta, character: d.range.start.character },
                end: { line: d.range.end.line + delta, character: d.range.end.character },
              },
            };
          }
          break;
        }
      }
      out.push(shifted);
    }
    return out;
  }

  private async compileInput(prep: PrepResult, opts: AnalyzeOptions) {
    const tc = prep.toolchain;
    const flags = prep.flags ?? { CFLAGS: [], CPPFLAGS: [], CXXFLAGS: [], FFLAGS: [], LDFLAGS: [], pkgConfig: [] };
    const pkgDiagnostics: CgoDiagnostic[] = [];
    let pkgCflags: string[] = [];
    let pkgLibs: string[] = [];
    let blocked = false;
    const pkgs = flags.pkgConfig.filter((a) => !a.startsWith('--'));
    if (pkgs.length > 0) {
      const pc = await this.pkgConfig(prep, flags.pkgConfig, opts.signal);
      pkgDiagnostics.push(...pc.diagnostics);
      pkgCflags = pc.cflags;
      pkgLibs = pc.libs;
      blocked = pc.blocked;
    }
    // As cmd/go: CGO_CPPFLAGS then #cgo CPPFLAGS then pkg-config --cflags; CGO_CFLAGS then #cgo CFLAGS.
    const cppflags = [...tc.envFlags.CPPFLAGS, ...flags.CPPFLAGS, ...pkgCflags];
    const cflags = [...tc.envFlags.CFLAGS, ...flags.CFLAGS];
    const ldflags = [...tc.envFlags.LDFLAGS, ...flags.LDFLAGS, ...pkgLibs];
    const preambles = prep.file.cImports.flatMap((i) => (i.preamble ? [i.preamble] : []));
    const names = [...new Set(prep.file.cRefs.map((r) => r.name))].sort();
    const lines = new LineIndex(prep.text);
    const cc = tc.cc!;
    const key = hashOf(
      preambles.map((p) => p.text),
      cppflags,
      cflags,
      names,
      tc.fingerprint,
      prep.goVersion.raw,
    );
    const preambleInput = {
      goFile: prep.file.path,
      preambles: preambles.map((p) => ({ lines: p.lines, firstLine: p.firstLine })),
      goLineText: (line: number) => lines.lineText(line),
      cNames: dedupeNames(prep.file.cRefs),
      cc: cc.argv,
      cppflags,
      cflags,
      goarch: tc.goarch,
      goos: tc.goos,
      goVersion: { minor: prep.goVersion.minor, patch: prep.goVersion.patch },
      family: cc.family === 'gcc' || cc.family === 'clang' || cc.family === 'zig' ? cc.family : ('unknown' as const),
      env: tc.childEnv,
      cwd: path.dirname(prep.file.path),
      importLine: prep.file.cImports[0]!.pathRange.start.line,
    };
    return { key, preambleInput, pkgDiagnostics, ldflags, packageLdflags: [...flags.LDFLAGS, ...pkgLibs], blocked, firstLines: preambles.map((p) => p.firstLine) };
  }

  private pkgConfigCache = new Map<string, { cflags: string[]; libs: string[]; diagnostics: CgoDiagnostic[]; blocked: boolean }>();

  /** pkg-config --cflags/--libs for the file's packages; every output flag passes the allow-list first. */
  private async pkgConfig(prep: PrepResult, args: string[], signal?: AbortSignal) {
    const tc = prep.toolchain;
    const key = hashOf(prep.file.path, args, tc.fingerprint, tc.pkgConfig.pkgConfigPath ?? '');
    const cached = this.pkgConfigCache.get(key);
    if (cached) return cached;
    const directive = prep.file.cImports
      .flatMap((i) => (i.preamble ? i.preamble.lines : []))
      .find((l) => /^\s*#cgo\s.*pkg-config\s*:/.test(l.text));
    const range = directive
      ? wholeLine(directive)
      : prep.file.cImports[0]!.pathRange;
    const out = { cflags: [] as string[], libs: [] as string[], diagnostics: [] as CgoDiagnostic[], blocked: false };
    if (!tc.pkgConfig.path) {
      // The toolchain's `cgo/pkg-config-missing` problem (placed on import "C") explains it; nothing to run.
      out.blocked = true;
      return out;
    }
    const res = await probePkgConfig(args.filter((a) => !a.startsWith('--')), {
      argv: tc.pkgConfig.argv,
      env: tc.childEnv,
      cwd: path.dirname(prep.file.path),
      timeoutMs: this.settings.compilerTimeoutMs,
      ...(signal ? { signal } : {}),
      options: args.filter((a) => a.startsWith('--')),
      split: (outText: string) => {
        const r = splitPkgConfigOutput(outText);
        if (r.error) throw new Error(r.error);
        return r.flags;
      },
      goVersion: { minor: prep.goVersion.minor, patch: prep.goVersion.patch },
    });
    const pkgLines = prep.file.cImports.flatMap((i) => (i.preamble ? i.preamble.lines : [])).filter((l) => /^\s*#cgo\s.*pkg-config\s*:/.test(l.text));
    const rangeOf = (pkg: string) => {
      for (const l of pkgLines) {
        const m = new RegExp(`(^|[\\s:])(${escapeRe(pkg)})(?=\\s|$)`).exec(l.text);
        if (m) {
          const col = l.goCol + m.index + m[1]!.length;
          return { start: { line: l.goLine, character: col }, end: { line: l.goLine, character: col + pkg.length } };
        }
      }
      return undefined;
    };
    out.diagnostics.push(...pkgConfigDiagnostic({ file: prep.file.path, probe: res, rangeOf, fallbackRange: range }));
    if (!res.ok) out.blocked = true;
    const env = tc.childEnv as Record<string, string | undefined>;
    const cf = checkFlags('compiler', 'CFLAGS', 'pkg-config --cflags', res.cflags, { goVersion: prep.goVersion, env });
    const lf = checkFlags('linker', 'LDFLAGS', 'pkg-config --libs', res.libs, { goVersion: prep.goVersion, env });
    for (const bad of [cf, lf]) {
      if (!bad) continue;
      out.blocked = true;
      out.diagnostics.push({
        file: prep.file.path,
        range,
        severity: 'error',
        code: 'cgo/flag-not-allowed',
        message: `${bad.message} — the flag comes from pkg-config output; the go command refuses it. Allow it explicitly with ${bad === cf ? 'CGO_CFLAGS_ALLOW' : 'CGO_LDFLAGS_ALLOW'} if you trust the .pc file`,
        data: { code: 'cgo/flag-not-allowed', arg: bad.arg, envVar: bad === cf ? 'CGO_CFLAGS_ALLOW' : 'CGO_LDFLAGS_ALLOW', fromPkgConfig: true },
      });
    }
    if (!out.blocked) {
      out.cflags = res.cflags;
      out.libs = res.libs;
    }
    if (!signal?.aborted) this.pkgConfigCache.set(key, out);
    return out;
  }

  private async libraryDiagnostics(abs: string, prep: PrepResult, ldflags: string[], signal?: AbortSignal): Promise<CgoDiagnostic[]> {
    const tc = prep.toolchain;
    const key = hashOf(ldflags, tc.fingerprint);
    const cached = this.libs.get(abs);
    if (cached && cached.key === key) return cached.diagnostics;
    if (!ldflags.some((f) => f.startsWith('-l'))) {
      this.libs.set(abs, { key, diagnostics: [] });
      return [];
    }
    const result = await checkLibraries(ldflags, {
      cc: tc.cc!.argv,
      goos: tc.goos,
      goarch: tc.goarch,
      env: tc.childEnv,
      cwd: path.dirname(abs),
      timeoutMs: this.settings.compilerTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted || result.timedOut) return [];
    const diagnostics: CgoDiagnostic[] = [];
    const dirLines = prep.file.cImports.flatMap((i) => (i.preamble ? i.preamble.lines : []));
    for (const m of result.missing) {
      const line = dirLines.find((l) => /^\s*#cgo\s.*LDFLAGS\s*:/.test(l.text) && new RegExp(`-l\\s*${escapeRe(m.name)}(\\s|$)`).test(l.text));
      let range = prep.file.cImports[0]!.pathRange;
      if (line) {
        const idx = line.text.search(new RegExp(`-l\\s*${escapeRe(m.name)}(\\s|$)`));
        const len = m.flag.length;
        range = { start: { line: line.goLine, character: line.goCol + idx }, end: { line: line.goLine, character: line.goCol + idx + len } };
      } else {
        const pc = dirLines.find((l) => /^\s*#cgo\s.*pkg-config\s*:/.test(l.text));
        if (pc) range = wholeLine(pc);
      }
      const d = libraryDiagnostic({ file: abs, check: m, range });
      if (d) diagnostics.push(d);
    }
    this.libs.set(abs, { key, diagnostics });
    return diagnostics;
  }

  private safely<T>(what: string, f: () => T, fallback: T): T {
    try {
      return f();
    } catch (e) {
      this.log.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  }

  // ---- targets --------------------------------------------------------------------------------------------

  /** The target matrix of the package in `dir` (its non-test .go files, open buffers included). */
  async targetMatrix(dir: string, targets: string[] | string): Promise<TargetVerdict[]> {
    const list = parseTargets(targets);
    const abs = path.resolve(dir);
    const models: { file: GoFile; text: string }[] = [];
    // Files on disk plus open buffers of the package that are not saved yet.
    const open = [...this.docs.keys()].filter((f) => path.dirname(f) === abs && f.endsWith('.go') && !f.endsWith('_test.go'));
    for (const f of [...new Set([...packageGoFiles(abs), ...open])].sort()) {
      const text = await this.getText(f);
      if (text === null) continue;
      const file = await this.model(f, text);
      if (file) models.push({ file, text });
    }
    const tc = await this.toolchain(path.join(abs, 'x.go'));
    return evaluateTargets(abs, models, tc, list);
  }

  /** Diagnostics on `import "C"` for configured extra targets the package cannot be built for. */
  private async targetDiagnostics(prep: PrepResult): Promise<CgoDiagnostic[]> {
    if (!prep.file.cImports[0]) return [];
    let verdicts: TargetVerdict[];
    try {
      verdicts = await this.targetMatrix(path.dirname(prep.file.path), this.settings.targets);
    } catch (e) {
      this.log.warn(`target matrix: ${String(e)}`);
      return [];
    }
    const out: CgoDiagnostic[] = [];
    for (const v of verdicts) {
      if (v.ok || !v.cgoFiles.includes(path.basename(prep.file.path))) continue;
      out.push({
        file: prep.file.path,
        range: prep.file.cImports[0].pathRange,
        severity: 'warning',
        code: 'cgo/target-unbuildable',
        message: `cannot build for ${v.target}: ${v.summary} — ${v.compiler.ok ? 'add a //go:build !cgo fallback' : `install a C compiler for ${v.target} and set CC${v.nocgo.verdict === 'fallback' ? '' : ', or add a //go:build !cgo fallback'}`}`,
        data: { code: 'cgo/target-unbuildable', target: v.target, compiler: v.compiler.argv, nocgo: v.nocgo.verdict },
      });
    }
    return out;
  }

  // ---- fixes ----------------------------------------------------------------------------------------------

  /** Fixes for the given diagnostics of a file (those the client sent back with a code-action request). */
  async fixes(file: string, diagnostics: CgoDiagnostic[], opts: { canCreateFiles: boolean; fixAll: boolean }): Promise<Fix[]> {
    const abs = path.resolve(file);
    const text = await this.getText(abs);
    if (text === null || (!abs.endsWith('.go') && path.basename(abs) !== 'go.mod')) return [];
    // go.mod has no Go model; its diagnostics only have environment fixes.
    const model = abs.endsWith('.go') ? await this.model(abs, text) : emptyModel(abs, false);
    if (!model) return [];
    const toolchain = await this.toolchain(abs).catch(() => null);
    const ctx = { file: model, text, toolchain, canCreateFiles: opts.canCreateFiles };
    const out: Fix[] = [];
    for (const d of diagnostics) out.push(...(await fixesFor({ ...d, file: abs }, ctx)));
    if (opts.fixAll) {
      const all = await this.analyze(abs, { compile: 'cached' });
      const f = await fixAll(all.diagnostics, ctx);
      if (f) out.push(f);
    }
    return out;
  }

  /**
   * Runs `go env -w KEY=VALUE` / `go env -u KEY` with the folder's go (never downloading a toolchain), then
   * drops every toolchain model so the next analysis sees the change.
   */
  async applyEnvChange(change: EnvChange): Promise<{ ok: boolean; output: string }> {
    // Backup, verify, restore on failure, tell the user: engine/envchange.ts.
    const { applyEnvChange } = await import('./envchange.js');
    const res = await applyEnvChange(change, await this.toolchain(change.folder), { log: this.log });
    this.invalidateToolchains();
    return res;
  }

  // ---- hover -----------------------------------------------------------------------------------------------

  /** Markdown for a hover at `pos`, or null. */
  async hover(file: string, pos: Position): Promise<string | null> {
    const abs = path.resolve(file);
    const model = await this.model(abs);
    if (!model || (!model.importsC && model.exports.length === 0)) return null;
    for (const imp of model.cImports) {
      // On the spec, or anywhere on a one-line `import "C"` (the keyword included).
      if (containsPosition(imp.specRange, pos) || (!imp.parenthesized && pos.line === imp.specRange.start.line)) {
        const tc = await this.toolchain(abs);
        let md = renderReport(tc, 'markdown');
        if (this.settings.targets.length > 0) {
          const verdicts = await this.targetMatrix(path.dirname(abs), this.settings.targets).catch(() => []);
          if (verdicts.length > 0) md += '\n\n**Targets**\n\n' + verdicts.map((v) => `- ${v.ok ? '✓' : '✗'} \`${v.target}\` ${v.summary}`).join('\n');
        }
        return md;
      }
    }
    const ref = model.cRefs.find((r) => containsPosition(r.range, pos));
    if (ref && CGO_BUILTINS.has(ref.name)) return builtinHover(ref.name);
    const prep = await this.prepare(abs);
    if (!prep) return null;
    let cppflags: string[] | null = null;
    let cflags: string[] = [];
    if (prep.included && !prep.rejected && prep.toolchain.cc?.path) {
      const input = await this.compileInput(prep, { compile: 'cached' });
      cppflags = input.preambleInput.cppflags;
      cflags = input.preambleInput.cflags;
    }
    const entry = this.compiled.get(abs);
    return hoverAt(pos, {
      file: prep.file,
      tc: prep.toolchain,
      build: prep.ctx,
      goVersion: prep.goVersion,
      cppflags,
      cflags,
      kinds: entry?.kinds,
      timeoutMs: this.settings.compilerTimeoutMs,
      pkgConfig: async (args) => {
        const r = await this.pkgConfig(prep, args);
        const err = r.diagnostics.find((d) => d.severity === 'error');
        return { cflags: r.cflags, libs: r.libs, ...(err ? { error: err.message.split('\n')[0]! } : {}) };
      },
    });
  }
}

function builtinHover(name: string): string {
  const docs: Record<string, string> = {
    CString: '```go\nfunc C.CString(string) *C.char\n```\ncgo builtin: copies a Go string into C memory allocated with malloc. The caller must `C.free` it (include `<stdlib.h>`).',
    CBytes: '```go\nfunc C.CBytes([]byte) unsafe.Pointer\n```\ncgo builtin: copies a Go byte slice into C memory allocated with malloc; free it with `C.free`.',
    GoString: '```go\nfunc C.GoString(*C.char) string\n```\ncgo builtin: copies a NUL-terminated C string into a Go string.',
    GoStringN: '```go\nfunc C.GoStringN(*C.char, C.int) string\n```\ncgo builtin: copies n bytes of C memory into a Go string.',
    GoBytes: '```go\nfunc C.GoBytes(unsafe.Pointer, C.int) []byte\n```\ncgo builtin: copies n bytes of C memory into a Go byte slice.',
    malloc: '```go\nfunc C.malloc(C.size_t) unsafe.Pointer\n```\ncgo builtin: calls C malloc via `_CMalloc`, which crashes the program instead of returning nil when memory is exhausted.',
  };
  return docs[name] ?? '';
}

function statAll(files: string[]): CompileEntry['includedFiles'] {
  return files.map((f) => {
    try {
      const st = fs.statSync(f);
      return { file: f, mtimeMs: st.mtimeMs, size: st.size };
    } catch {
      return { file: f, mtimeMs: -1, size: -1 };
    }
  });
}

function dedupeNames(refs: GoFile['cRefs']) {
  const seen = new Set<string>();
  const out: { name: string; range: GoFile['cRefs'][number]['range'] }[] = [];
  for (const r of refs) {
    if (seen.has(r.name)) continue;
    seen.add(r.name);
    out.push({ name: r.name, range: r.range });
  }
  return out;
}

function dedupe(ds: CgoDiagnostic[]): CgoDiagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}|${d.range.start.line}:${d.range.start.character}|${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The range of a whole preamble line in the .go file. */
function wholeLine(l: PreambleLine): CgoDiagnostic['range'] {
  return { start: { line: l.goLine, character: l.goCol }, end: { line: l.goLine, character: l.goCol + l.text.length } };
}
