// The analysis engine: one per process, shared by the LSP adapter and the CLI. It owns the document texts,
// the parsed Go models, one toolchain model per module, and the compiler results; it turns them into
// CgoDiagnostics. It knows nothing about LSP.
import path from 'node:path';
import type { CgoDiagnostic, Logger, Position, Range } from '../core/types.js';
import { containsPosition, nullLogger } from '../core/types.js';
import type { CodeInfo } from '../core/codes.js';
import { NEWEST_KNOWN, type GoVersion } from '../core/goversion.js';
import type { BuildContext, GoFile } from '../gomodel/types.js';
import type { CIndexInput } from '../compiler/cindex.js';
import { emptyModel, warmModel } from '../gomodel/model.js';
import { isFileIncluded } from '../gomodel/preamble.js';
import { hostTarget } from '../toolchain/platform.js';
import { cSourceIncluded, cSourceLanguage } from '../compiler/csource.js';
import { buildContextOf, ToolchainStore } from './toolchains.js';
import { checkDirectives, type DirectiveCheckResult } from '../checks/directives.js';
import { registeredCodes, runFileChecks, runPackageChecks, runTargetChecks, runTestFileChecks, testFileWanted, type Guard } from '../checks/registry.js';
import type { FileInput } from '../checks/check.js';
import { goModDiagnostics } from '../checks/toolchain.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { renderReport } from '../toolchain/report.js';
import { defaultSettings, type Settings } from './settings.js';
import { hashOf } from './hash.js';
import { hasHoverTarget, hoverAt } from './hover.js';
import { isCgoCandidate } from './workspace.js';
import { FileStore, type FileChange } from './session.js';
import { annotateForeign, assemblePackage, flagsOf, foreignFlags, type FileContribution, type PackageFlags } from './package.js';
import { CompileService, preambleJob, reposition, type PkgConfigResult } from './compileservice.js';
import { fixAll, fixesFor, trustedDiagnostics, type EnvChange, type Fix } from './fixes.js';
import { evaluateTargets, parseTargets, type TargetVerdict } from './targets.js';
import { applyCgoOff } from './cgooff.js';
import { CIndexes } from './cindexes.js';
import { ParseWorker } from './parseworker.js';
import { checkCFields, indexInputOf } from './cfields.js';
import { factCache } from '../toolchain/diskcache.js';

export interface EngineOptions {
  /** The environment cgo-ls was started with. */
  env: NodeJS.ProcessEnv;
  settings?: Settings;
  log?: Logger;
  /**
   * Set (the editor): a toolchain probe answers without waiting for the login shell, and this is called with the
   * folder when the drift check, run once the shell answers, added problems to its model (analyse its files
   * again). Unset (`check`, `doctor`): every probe waits for the shell, so one report holds everything.
   */
  onToolchainUpdate?: (dir: string) => void;
  /**
   * Build the models of big files in a worker thread (the editor: its event loop must keep answering). Unset
   * (`check`, `doctor`): on this thread, which is quicker when nobody waits meanwhile.
   */
  modelWorker?: boolean;
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
  /**
   * Wait for the folder's toolchain probe (default true). With false, static checks run at once with a
   * provisional build context when the probe has not answered yet, and `toolchainPending` says so.
   */
  waitForToolchain?: boolean;
}

export interface Analysis {
  file: string;
  diagnostics: CgoDiagnostic[];
  importsC: boolean;
  /** True when compiler-backed results are missing or stale for the current text (the caller may schedule a run). */
  compileStale: boolean;
  /** Other files of the package whose compile inputs this analysis changed (their `#cgo` merge moved). */
  dependents?: string[];
  /** The toolchain probe has not answered: only static checks ran, with a provisional build context. */
  toolchainPending?: boolean;
}

interface PrepResult {
  file: GoFile;
  text: string;
  /** Null while the toolchain probe has not answered (static checks only, provisional context). */
  toolchain: ToolchainModel | null;
  ctx: BuildContext;
  goVersion: GoVersion;
  included: boolean;
  excludedReason?: string;
  directives: DirectiveCheckResult | null;
  /** The package as the go command builds it (null for a file that is not built, or without toolchain). */
  pkg: PackageFlags | null;
  diagnostics: CgoDiagnostic[];
}

const CGO_BUILTINS = new Set(['CString', 'CBytes', 'GoString', 'GoStringN', 'GoBytes', 'malloc']);

export class Engine {
  settings: Settings;
  readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  /** Documents, disk texts, models, package listings: the keystroke path reads no disk through it. */
  readonly files: FileStore;
  /** The model worker (EngineOptions.modelWorker), if any. */
  private readonly modelWorker: ParseWorker | null;
  private readonly toolchains: ToolchainStore;
  readonly compiler: CompileService;
  /** Each built cgo file's `#cgo` contribution to its package, by model and build context. */
  private readonly contributions = new Map<string, { model: GoFile; key: string; res: DirectiveCheckResult }>();
  /** The merged-flags hash last seen per package directory (a change makes the other files' compiles stale). */
  private readonly packageHashes = new Map<string, string>();
  /** Last target-matrix findings per file (computed on compiler runs, reused on keystrokes). */
  private readonly targetFindings = new Map<string, CgoDiagnostic[]>();
  /** The C name indexes (completion, definition, hover, and `cgo/c-field-unknown`). */
  readonly cIndexes: CIndexes;

  constructor(opts: EngineOptions) {
    this.env = opts.env;
    this.settings = opts.settings ?? defaultSettings;
    this.log = opts.log ?? nullLogger;
    this.modelWorker = opts.modelWorker && ParseWorker.available() ? new ParseWorker({ name: 'model', log: (m) => this.log.info(m) }) : null;
    this.files = new FileStore({ modelWorker: this.modelWorker, log: (m) => this.log.info(m) });
    this.compiler = new CompileService({ log: this.log, timeoutMs: () => this.settings.compilerTimeoutMs });
    this.toolchains = new ToolchainStore({
      env: this.env,
      settings: () => this.settings,
      log: this.log,
      moduleRoot: (d) => this.files.moduleRoot(d),
      ...(opts.onToolchainUpdate ? { onUpdate: opts.onToolchainUpdate } : {}),
    });
    this.cIndexes = new CIndexes({
      timeoutMs: () => this.settings.compilerTimeoutMs,
      log: (m) => this.log.info(m),
      text: (f) => this.getText(f),
      model: (f, t) => this.model(f, t),
      input: (f) => this.cCompileContext(f),
    });
  }

  /** Server shutdown: the worker threads end (a parse in flight then fails). */
  async close(): Promise<void> {
    await Promise.all([this.cIndexes.close(), this.modelWorker?.close()]);
  }

  /** Every diagnostic code the engine can emit, with its documentation. */
  static codes(): CodeInfo[] {
    return registeredCodes();
  }

  setSettings(settings: Settings): void {
    const envChanged = JSON.stringify(settings.env) !== JSON.stringify(this.settings.env) || settings.goCommand !== this.settings.goCommand;
    const shellChanged = settings.checkShellEnv !== this.settings.checkShellEnv;
    if (JSON.stringify(settings.targets) !== JSON.stringify(this.settings.targets)) this.targetFindings.clear();
    this.settings = settings;
    if (shellChanged) this.toolchains.resetShellEnv();
    if (envChanged || shellChanged) this.invalidateToolchains();
  }

  // ---- documents -------------------------------------------------------------------------------------------

  setDocument(file: string, text: string, version: number): void {
    this.files.setDocument(file, text, version);
  }

  removeDocument(file: string): void {
    this.files.removeDocument(file);
  }

  documentVersion(file: string): number | undefined {
    return this.files.documentVersion(file);
  }

  isOpen(file: string): boolean {
    return this.files.isOpen(file);
  }

  getText(file: string): Promise<string | null> {
    return this.files.text(file);
  }

  /** Parsed model of a .go file, cached by text. */
  model(file: string, text?: string): Promise<GoFile | null> {
    return this.files.model(file, text);
  }

  /** A model covering `pos` for a hover: near the top of a huge file, one that does not wait for the whole model. */
  modelAt(file: string, pos: Position, text?: string): Promise<GoFile | null> {
    return this.files.modelAt(file, pos, text);
  }

  /**
   * Whether `modelAt` waits for a model the model worker is still building (a hover then answers from what lexing
   * alone tells, rather than wait).
   */
  modelPending(file: string, pos: Position, text: string): boolean {
    return this.files.waitsForWorker(file, pos, text);
  }

  /** Forget what is known about a file (deleted or changed on disk). */
  forgetFile(file: string): void {
    const abs = path.resolve(file);
    this.files.forgetFile(abs);
    this.compiler.dropFile(abs);
    this.targetFindings.delete(abs);
    this.cIndexes.changed(abs);
  }

  /**
   * Applies a batch of file-system changes (watcher or client events) to every cache and returns the cgo files
   * whose results went stale (files that changed, and those whose compile read a changed header).
   */
  applyChanges(changes: readonly FileChange[]): string[] {
    this.files.applyChanges(changes);
    const stale = new Set<string>();
    for (const c of changes) {
      const abs = path.resolve(c.file);
      if (abs.endsWith('.go')) {
        this.forgetFile(abs);
        continue;
      }
      this.cIndexes.changed(abs);
      for (const f of this.compiler.dropDependents(abs)) stale.add(f);
    }
    return [...stale];
  }

  // ---- toolchain -------------------------------------------------------------------------------------------

  /** The directory a file's toolchain model is computed for: its module root, else its own directory. */
  toolchainDir(file: string): string {
    return this.toolchains.dirOf(file);
  }

  toolchain(file: string): Promise<ToolchainModel> {
    return this.toolchains.get(file);
  }

  /** The toolchain model of a file's folder if the probe has answered (starting it otherwise), else null. */
  toolchainIfReady(file: string): ToolchainModel | null {
    return this.toolchains.ifReady(file);
  }

  /** Drop every toolchain model (GOENV file changed, settings changed, `cgo.refresh`) and compiler results. */
  invalidateToolchains(): void {
    this.toolchains.clear();
    this.targetFindings.clear();
    this.contributions.clear();
    this.compiler.clear();
  }

  /**
   * `cgo.refresh`: every cache of the session goes (open buffers stay), the reference environment (login shell /
   * Windows registry) included, so a change made by an installer or `setx` is seen.
   */
  refresh(): void {
    this.toolchains.resetShellEnv();
    this.toolchains.distrustStoredFacts();
    this.compiler.distrustStored();
    this.invalidateToolchains();
    this.files.clear();
    this.packageHashes.clear();
    this.cIndexes.clear();
  }

  /** A file appeared in or vanished from `dir`: forget what was cached about the directory. */
  invalidateDir(dir: string): void {
    this.files.forgetDir(dir);
  }

  /** Drops the toolchain model of one module (its go.mod / go.work changed) and its files' compiler results. */
  invalidateModule(dir: string): void {
    this.toolchains.drop(dir);
    this.compiler.dropBelow(dir);
  }

  /**
   * Drops the compiler results that depend on `file` (it was read by the compile, or is where a missing header
   * would appear) and returns the .go files affected.
   */
  dropDependents(file: string): string[] {
    return this.compiler.dropDependents(file);
  }

  /** Waits for what is being written to the disk cache (a CLI run calls it before it exits). */
  async flush(): Promise<void> {
    await Promise.all([this.compiler.flush(), factCache().flush()]);
  }

  /** Starts probing the toolchain of the workspace folders (modules) before any file opens. */
  prewarm(folders: string[]): void {
    this.toolchains.prewarm(folders);
    void warmModel().catch(() => undefined); // the grammars and the parser's first run, before the first file comes
  }

  /** Drops compiler results of files below `dir` (a header or C file there changed, or appeared). */
  dropCompiled(dir: string): void {
    this.compiler.dropBelow(dir);
  }

  /** Files outside the workspace whose change alters a toolchain model (GOENV, go.env, the executables). */
  toolchainInputs(): Promise<string[]> {
    return this.toolchains.inputs();
  }

  /** The directories whose toolchain model has been computed. */
  toolchainDirs(): string[] {
    return this.toolchains.dirs();
  }

  buildContext(tc: ToolchainModel, goos = tc.goos, goarch = tc.goarch, cgoEnabled = tc.cgo.enabled): BuildContext {
    return buildContextOf(tc, goos, goarch, cgoEnabled);
  }

  // ---- analysis --------------------------------------------------------------------------------------------

  /** Diagnostics for one file (.go or go.mod). Never throws: a failing stage becomes a log line. */
  async analyze(file: string, opts: AnalyzeOptions): Promise<Analysis> {
    const abs = path.resolve(file);
    try {
      if (path.basename(abs) === 'go.mod') return await this.analyzeGoMod(abs);
      if (cSourceLanguage(abs)) return await this.analyzeCSource(abs, opts);
      const a = await this.analyzeGo(abs, opts);
      if (abs.endsWith('_test.go')) {
        const t = await this.testsExcluded(abs, opts);
        a.diagnostics.push(...t.diagnostics);
        if (t.pending) a.toolchainPending = true;
      }
      return a;
    } catch (e) {
      this.log.error(`analysis of ${abs} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { file: abs, diagnostics: [], importsC: false, compileStale: false };
    }
  }

  /** The registered test-file checks (e.g. `cgo/tests-excluded`) on a `_test.go` file, with or without `import "C"`. */
  /** They need the real CGO_ENABLED decision: until the probe answers it says `pending` (the server asks again). */
  private async testsExcluded(abs: string, opts: AnalyzeOptions): Promise<{ diagnostics: CgoDiagnostic[]; pending?: boolean }> {
    const text = await this.getText(abs);
    if (text === null || !testFileWanted(abs, text)) return { diagnostics: [] };
    const tc = opts.waitForToolchain === false ? this.toolchainIfReady(abs) : await this.toolchain(abs);
    if (!tc) return { diagnostics: [], pending: true };
    const file = await this.model(abs, text);
    if (!file) return { diagnostics: [] };
    return { diagnostics: runTestFileChecks({ file, ctx: this.buildContext(tc), ...(tc.cgo.rule ? { rule: tc.cgo.rule } : {}) }, text, this.guard) };
  }

  private async analyzeGoMod(abs: string): Promise<Analysis> {
    const tc = await this.toolchain(abs);
    const text = (await this.getText(abs)) ?? '';
    return { file: abs, diagnostics: goModDiagnostics(abs, text, tc), importsC: false, compileStale: false };
  }

  /**
   * One of the package's own C sources: compiled as cmd/go compiles it, with the package's merged flags, when
   * the package has cgo files that the target builds. A file that includes `_cgo_export.h` (generated by the
   * build) is not checked.
   */
  private async analyzeCSource(abs: string, opts: AnalyzeOptions): Promise<Analysis> {
    const none: Analysis = { file: abs, diagnostics: [], importsC: false, compileStale: false };
    const text = await this.getText(abs);
    if (text === null || text.includes('_cgo_export.h') || opts.compile === 'none') return none;
    let prep: PrepResult | null = null;
    for (const f of this.files.packageFiles(path.dirname(abs))) {
      const t = await this.files.text(f);
      if (t === null || !t.includes('"C"')) continue;
      prep = await this.prepare(f, opts.waitForToolchain !== false);
      if (prep?.pkg) break;
    }
    const tc = prep?.toolchain;
    if (!prep?.pkg || !tc || !tc.cgo.enabled || prep.pkg.rejectedFiles.length > 0) return none;
    const lang = cSourceLanguage(abs);
    const cc = lang === 'c++' ? tc.cxx : tc.cc;
    if (!cc?.path || cc.family === 'msvc-cl' || cc.family === 'clang-cl' || !cSourceIncluded(abs, text, prep.ctx)) return none;
    let pc: PkgConfigResult = { cflags: [], libs: [], diagnostics: [], blocked: false };
    if (prep.pkg.pkgConfig.some((o) => !o.flag.startsWith('--'))) pc = await this.compiler.pkgConfig(prep.pkg, tc, prep.goVersion, opts.signal);
    if (pc.blocked) return none;
    const input = {
      file: abs,
      cc: cc.argv,
      cppflags: [...tc.envFlags.CPPFLAGS, ...flagsOf(prep.pkg, 'CPPFLAGS'), ...pc.cflags],
      flags: lang === 'c++' ? [...tc.envFlags.CXXFLAGS, ...flagsOf(prep.pkg, 'CXXFLAGS')] : [...tc.envFlags.CFLAGS, ...flagsOf(prep.pkg, 'CFLAGS')],
      goos: tc.goos,
      goarch: tc.goarch,
      env: tc.childEnv,
    };
    const r = await this.compiler.compileC(input, text, tc, opts.compile === 'run', opts.signal);
    return { file: abs, diagnostics: dedupe(r.diagnostics), importsC: false, compileStale: r.stale };
  }

  /** The build context, Go version and environment the static checks use (provisional without a toolchain). */
  private staticContext(tc: ToolchainModel | null): { ctx: BuildContext; goVersion: GoVersion; env: Record<string, string | undefined> } {
    if (tc) return { ctx: this.buildContext(tc), goVersion: tc.go.version ?? NEWEST_KNOWN, env: tc.childEnv as Record<string, string | undefined> };
    // Until `go env` answers: the process environment's GOOS/GOARCH/CGO_ENABLED, else the host's; newest rules.
    const host = hostTarget();
    const goos = this.env['GOOS'] || host.goos;
    const goarch = this.env['GOARCH'] || host.goarch;
    const ctx: BuildContext = {
      goos,
      goarch,
      cgoEnabled: this.env['CGO_ENABLED'] !== '0',
      goMinor: NEWEST_KNOWN.minor,
      compiler: 'gc',
      buildTags: [],
      toolTags: [],
    };
    return { ctx, goVersion: NEWEST_KNOWN, env: this.env };
  }

  /** The `#cgo` checks of one file, cached by its model and the build context (siblings reuse them). */
  private directivesOf(
    file: GoFile,
    ctx: BuildContext,
    goVersion: GoVersion,
    env: Record<string, string | undefined>,
    calls: readonly string[] | undefined,
  ): DirectiveCheckResult | null {
    const key = hashOf(
      ctx,
      goVersion.raw,
      calls ?? null,
      Object.entries(env)
        .filter(([k]) => k.startsWith('CGO_'))
        .sort(),
    );
    const cached = this.contributions.get(file.path);
    if (cached && cached.model === file && cached.key === key) return cached.res;
    const preambles = file.cImports.flatMap((i) => (i.preamble ? [i.preamble] : []));
    const res = this.safely(
      'directive checks',
      () =>
        checkDirectives({
          file: file.path,
          preambles,
          build: ctx,
          srcDir: path.dirname(file.path),
          goVersion,
          env,
          pathStyle: path.sep === '\\' ? 'win32' : 'posix',
          ...(calls ? { cFunctionRefs: calls } : {}),
        }),
      null,
    );
    if (res) this.contributions.set(file.path, { model: file, key, res });
    return res;
  }

  /**
   * The package of `file` as the go command builds it: every non-test .go file of the directory that the
   * target builds and that imports "C", in go/build order, with its `#cgo` contribution. Open buffers count;
   * sibling texts come from the file store (read once, then cached until the watcher reports a change).
   */
  private async packageOf(file: GoFile, ctx: BuildContext): Promise<{ models: GoFile[]; calls: string[] }> {
    const dir = path.dirname(file.path);
    const models: GoFile[] = [];
    for (const f of this.files.packageFiles(dir)) {
      const m = f === file.path ? file : await this.siblingModel(f);
      if (!m || !m.importsC || !isFileIncluded(m, ctx).included) continue;
      models.push(m);
    }
    if (!models.includes(file) && file.importsC && isFileIncluded(file, ctx).included) models.push(file);
    const calls = new Set<string>();
    for (const m of models) for (const r of m.cRefs) if (r.context === 'call') calls.add(r.name);
    return { models, calls: [...calls].sort() };
  }

  private async siblingModel(f: string): Promise<GoFile | null> {
    const text = await this.files.text(f);
    if (text === null || !text.includes('"C"')) return null;
    return this.files.model(f, text);
  }

  /** Parse, toolchain, static checks, the package: everything up to (not including) the compiler. */
  private async prepare(abs: string, wait = true): Promise<PrepResult | null> {
    const text = await this.getText(abs);
    if (text === null || !isCgoCandidate(text)) return null;
    const file = await this.model(abs, text);
    if (!file) return null;
    const tc = wait ? await this.toolchain(abs) : this.toolchainIfReady(abs);
    const { ctx, goVersion, env } = this.staticContext(tc);
    const dir = path.dirname(abs);
    const checkInput = (included: boolean, directives: DirectiveCheckResult | null): FileInput => ({
      file,
      text,
      ctx,
      goVersion,
      toolchain: tc,
      included,
      directives,
      hasCxxFiles: () => this.files.hasCxxFiles(dir),
    });
    if (!file.importsC) {
      const diagnostics = runFileChecks(checkInput(false, null), this.guard);
      return { file, text, toolchain: tc, ctx, goVersion, included: false, directives: null, pkg: null, diagnostics };
    }
    const inclusion = isFileIncluded(file, ctx);
    // `#cgo noescape/nocallback f` must name a C function called from Go anywhere in the package (cmd/cgo checks
    // package-wide), and every file's `#cgo` flags apply to every preamble: the package is the unit.
    const { models, calls } = inclusion.included
      ? await this.packageOf(file, ctx)
      : { models: [file], calls: file.cRefs.filter((r) => r.context === 'call').map((r) => r.name) };
    const dres = this.directivesOf(file, ctx, goVersion, env, calls);
    let pkg: PackageFlags | null = null;
    if (inclusion.included) {
      const contributions: FileContribution[] = [];
      for (const m of models) {
        const r = m === file ? dres : this.directivesOf(m, ctx, goVersion, env, calls);
        if (!r) continue;
        contributions.push({ file: m.path, directives: r.directives, rejected: r.rejected, calls: [] });
      }
      pkg = assemblePackage(path.dirname(abs), contributions);
      pkg.calls = calls;
    }
    // The registered static checks (checks/registry.ts), in registry order: source, `#cgo` lines, toolchain problems.
    const diagnostics = runFileChecks(checkInput(inclusion.included, dres), this.guard);
    return {
      file,
      text,
      toolchain: tc,
      ctx,
      goVersion,
      included: inclusion.included,
      ...(inclusion.reason !== undefined ? { excludedReason: inclusion.reason } : {}),
      directives: dres,
      pkg,
      diagnostics,
    };
  }

  /** The package of a .go file as the go command builds it (merged `#cgo` flags with their origins), or null. */
  async packageFlags(file: string): Promise<PackageFlags | null> {
    return (await this.prepare(path.resolve(file)))?.pkg ?? null;
  }

  private async analyzeGo(abs: string, opts: AnalyzeOptions): Promise<Analysis> {
    const prep = await this.prepare(abs, opts.waitForToolchain !== false);
    if (!prep) {
      this.compiler.dropFile(abs);
      return { file: abs, diagnostics: [], importsC: false, compileStale: false };
    }
    const diagnostics = [...prep.diagnostics];
    if (!prep.toolchain) return { file: abs, diagnostics: dedupe(diagnostics), importsC: prep.file.importsC, compileStale: true, toolchainPending: true };
    const tc = prep.toolchain;
    let compileStale = false;
    let dependents: string[] | undefined;
    if (prep.pkg) {
      const before = this.packageHashes.get(prep.pkg.dir);
      this.packageHashes.set(prep.pkg.dir, prep.pkg.hash);
      if (before !== undefined && before !== prep.pkg.hash) dependents = prep.pkg.cgoFiles.filter((f) => f !== abs);
    }
    if (prep.file.importsC && prep.pkg && opts.compile !== 'none' && this.canCompile(prep, tc)) {
      const input = await this.compileInput(prep, prep.pkg, tc, opts);
      diagnostics.push(...input.pkgDiagnostics.filter((d) => d.file === abs));
      // Flags written in other files of the package, named in the messages of compiler findings they may cause.
      const foreign = foreignFlags(prep.pkg, abs);
      const annotate = (ds: CgoDiagnostic[]) => annotateForeign(ds, foreign);
      // A result of this run's key from memory, else (on a run, not on a keystroke) from the disk cache.
      const entry =
        this.compiler.cached(abs, input.key, opts.compile === 'run') ??
        (opts.compile === 'run' && !input.blocked ? await this.compiler.stored(abs, input.key) : undefined);
      let compiled: CgoDiagnostic[] | null = null;
      if (entry) {
        diagnostics.push(...annotate((compiled = reposition(entry, prep.file))));
      } else if (opts.compile === 'run' && !input.blocked) {
        const result = await this.compiler.compile(abs, input.key, input.preambleInput, input.firstLines, opts.signal);
        if (!result) return { file: abs, diagnostics, importsC: true, compileStale: true, ...(dependents ? { dependents } : {}) };
        diagnostics.push(...annotate((compiled = result.diagnostics)));
      } else {
        compileStale = !input.blocked;
        // Keep showing the last compiler findings, moved with the text, until the new run lands.
        const last = this.compiler.last(abs);
        if (last && !input.blocked) diagnostics.push(...annotate(reposition(last, prep.file)));
      }
      // `cgo/c-field-unknown` (engine/cfields.ts): field selectors on C structs, once the preamble compiled.
      const fields = await checkCFields({
        model: prep.file,
        text: prep.text,
        goVersion: prep.goVersion,
        fingerprint: tc.fingerprint,
        preambleInput: input.preambleInput,
        compiled,
        cgoFiles: prep.pkg.cgoFiles,
        mode: opts.compile === 'run' ? 'run' : 'cached',
        indexes: this.cIndexes,
        signal: opts.signal,
      });
      diagnostics.push(...fields.diagnostics);
      if (fields.stale) compileStale = true;
      diagnostics.push(
        ...this.packageChecks(
          prep,
          prep.pkg,
          tc,
          input.ldflags.map((l) => l.flag),
        ),
      );
      // Library lookups run on open/save and on compiler runs (debounced, so after a directive edit); the
      // result is cached per package by the link flags, so an unchanged LDFLAGS line costs nothing.
      if (!input.blocked) {
        const fallback = { file: prep.pkg.cgoFiles[0] ?? abs, range: await this.importRangeOf(prep.pkg.cgoFiles[0] ?? abs, prep.file) };
        const libs =
          opts.libraries || opts.compile === 'run'
            ? await this.compiler.libraries(prep.pkg, tc, input.ldflags, fallback, opts.signal)
            : (this.compiler.cachedLibraries(prep.pkg.dir, input.ldflags, tc) ?? []);
        diagnostics.push(...libs.filter((d) => d.file === abs));
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
    // ---- cgo off: can the package still build without its cgo files? (engine/cgooff.ts, issue 11 item 2) ----
    if (prep.file.importsC && !prep.ctx.cgoEnabled) {
      const loadPackage = async (dir: string) => {
        const out: { file: GoFile; text: string }[] = [];
        for (const f of this.files.packageFiles(dir)) {
          const text = await this.getText(f);
          const file = text === null ? null : await this.model(f, text);
          if (file && text !== null) out.push({ file, text });
        }
        return out;
      };
      await applyCgoOff(diagnostics, {
        file: prep.file,
        text: prep.text,
        ctx: prep.ctx,
        ...(tc.cgo.rule ? { rule: tc.cgo.rule } : {}),
        refresh: opts.compile === 'run' || !!opts.libraries,
        loadPackage,
      });
    }
    // ---- end cgo off ----
    return { file: abs, diagnostics: dedupe(diagnostics), importsC: prep.file.importsC, compileStale, ...(dependents ? { dependents } : {}) };
  }

  /** The `import "C"` range of a package file (its cached model; `current` when it is that file). */
  private async importRangeOf(file: string, current: GoFile): Promise<Range> {
    const m = file === current.path ? current : await this.files.model(file);
    return (m?.cImports[0] ?? current.cImports[0])!.pathRange;
  }

  /** The registered checks that need the package (checks/registry.ts): the object format, the Windows runtime DLLs. */
  private packageChecks(prep: PrepResult, pkg: PackageFlags, tc: ToolchainModel, ldflags: string[]): CgoDiagnostic[] {
    const dir = path.dirname(prep.file.path);
    const input = {
      file: prep.file,
      text: prep.text,
      ctx: prep.ctx,
      goVersion: prep.goVersion,
      toolchain: tc,
      included: prep.included,
      directives: prep.directives,
      hasCxxFiles: () => this.files.hasCxxFiles(dir),
      pkg,
      ldflags,
    };
    return runPackageChecks(input, this.guard);
  }

  private canCompile(prep: PrepResult, tc: ToolchainModel): boolean {
    // A `#cgo` line the go command refuses, in any file of the package, stops the build before any compile.
    if (!prep.included || !prep.pkg || prep.pkg.rejectedFiles.length > 0) return false;
    if (!tc.cgo.enabled || !tc.cc || !tc.cc.path) return false;
    if (tc.cc.family === 'msvc-cl' || tc.cc.family === 'clang-cl') return false;
    return prep.file.cImports.some((i) => i.preamble !== null) || prep.file.cRefs.length > 0;
  }

  private async compileInput(prep: PrepResult, pkg: PackageFlags, tc: ToolchainModel, opts: { signal?: AbortSignal | undefined }) {
    let pc: PkgConfigResult = { cflags: [], libs: [], diagnostics: [], blocked: false };
    if (pkg.pkgConfig.some((o) => !o.flag.startsWith('--'))) pc = await this.compiler.pkgConfig(pkg, tc, prep.goVersion, opts.signal);
    return preambleJob({ file: prep.file, text: prep.text, goVersion: prep.goVersion }, pkg, tc, pc);
  }

  /** Runs one check; a check that throws becomes a log line and reports nothing. */
  private readonly guard: Guard = (what, f) => this.safely(what, f, []);

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
    for (const f of this.files.packageFiles(abs)) {
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
    return runTargetChecks({ file: prep.file, verdicts }, this.guard);
  }

  // ---- fixes ----------------------------------------------------------------------------------------------

  /** Fixes for the given diagnostics of a file (those the client sent back with a code-action request). */
  async fixes(
    file: string,
    diagnostics: CgoDiagnostic[],
    opts: { canCreateFiles: boolean; fixAll: boolean; workspaceFolders?: string[]; vscodeSettings?: boolean },
  ): Promise<Fix[]> {
    const abs = path.resolve(file);
    const text = await this.getText(abs);
    if (text === null || (!abs.endsWith('.go') && path.basename(abs) !== 'go.mod')) return [];
    // go.mod has no Go model; its diagnostics only have environment fixes.
    const model = abs.endsWith('.go') ? await this.model(abs, text) : emptyModel(abs, false);
    if (!model) return [];
    const toolchain = await this.toolchain(abs).catch(() => null);
    const ctx = {
      file: model,
      text,
      toolchain,
      canCreateFiles: opts.canCreateFiles,
      vscodeSettings: opts.vscodeSettings === true,
      ...(opts.workspaceFolders ? { workspaceFolders: opts.workspaceFolders } : {}),
    };
    const out: Fix[] = [];
    // The client's copy of a diagnostic (its data above all) is not trusted: each fix is derived from the
    // server's own diagnostic with the same code and range (issue 12 item 11); unknown ones get no fix.
    const own = diagnostics.length > 0 ? (await this.analyze(abs, { compile: 'cached' })).diagnostics : [];
    for (const d of trustedDiagnostics(diagnostics, own)) out.push(...(await fixesFor({ ...d, file: abs }, ctx)));
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
  /**
   * The hover at `pos`. `until` (a `performance.now()` time) is the budget for everything it waits for (the
   * toolchain probe, pkg-config, the C compiler): past it the hover answers with what is known and says what is
   * pending; the work goes on and is cached for the next one. A caller that already spent part of the budget
   * (the C-index hover) passes what is left.
   */
  async hover(file: string, pos: Position, until = performance.now() + HOVER_DEADLINE_MS): Promise<string | null> {
    const left = () => Math.max(0, until - performance.now());
    const abs = path.resolve(file);
    const model = await this.modelAt(abs, pos);
    if (!model || (!model.importsC && model.exports.length === 0)) return null;
    for (const imp of model.cImports) {
      // On the spec, or anywhere on a one-line `import "C"` (the keyword included).
      if (containsPosition(imp.specRange, pos) || (!imp.parenthesized && pos.line === imp.specRange.start.line)) {
        const tc = await withDeadline(this.toolchain(abs), left());
        if (tc === PENDING) return PENDING_TOOLCHAIN;
        let md = renderReport(tc, 'markdown');
        if (this.settings.targets.length > 0) {
          const verdicts = await withDeadline(
            this.targetMatrix(path.dirname(abs), this.settings.targets).catch(() => []),
            left(),
          );
          if (verdicts === PENDING) md += '\n\n_The target matrix (a compiler probe per target) has not answered yet; hover again in a moment._';
          else if (verdicts.length > 0) md += '\n\n**Targets**\n\n' + verdicts.map((v) => `- ${v.ok ? '✓' : '✗'} \`${v.target}\` ${v.summary}`).join('\n');
        }
        return md;
      }
    }
    const ref = model.cRefs.find((r) => containsPosition(r.range, pos));
    if (ref && CGO_BUILTINS.has(ref.name)) return builtinHover(ref.name);
    if (!hasHoverTarget(model, pos)) return null; // nothing to say here: no need to wait for the toolchain
    // A hover answers within a second whatever a tool does: it says what is pending instead of waiting.
    const ready = await withDeadline(this.toolchain(abs), left());
    if (ready === PENDING) return PENDING_TOOLCHAIN;
    const prep = await this.prepare(abs);
    if (!prep || !prep.toolchain) return null;
    const tc = prep.toolchain;
    let cppflags: string[] | null = null;
    let cflags: string[] = [];
    if (prep.included && prep.pkg && prep.pkg.rejectedFiles.length === 0 && tc.cc?.path) {
      const input = await withDeadline(this.compileInput(prep, prep.pkg, tc, {}), left());
      if (input === PENDING) return "_pkg-config has not answered yet; the package's flags are pending — hover again in a moment._";
      cppflags = input.preambleInput.cppflags;
      cflags = input.preambleInput.cflags;
    }
    const entry = this.compiler.last(abs);
    const pkg = prep.pkg;
    const md = await withDeadline(
      hoverAt(pos, {
        file: prep.file,
        tc,
        build: prep.ctx,
        goVersion: prep.goVersion,
        cppflags,
        cflags,
        kinds: entry?.kinds,
        timeoutMs: this.settings.compilerTimeoutMs,
        pkgConfig: async (args) => {
          // The package's pkg-config answer when these are its arguments (as the build runs it), else these alone.
          const same = pkg && JSON.stringify(flagsOf(pkg, 'pkgConfig')) === JSON.stringify(args);
          const origin = { flag: '', file: abs, range: prep.file.cImports[0]!.pathRange, directiveRange: prep.file.cImports[0]!.pathRange };
          const probePkg = same ? pkg : assemblePackage(path.dirname(abs), []);
          if (!same) probePkg.pkgConfig = args.map((flag) => ({ ...origin, flag }));
          const r = await this.compiler.pkgConfig(probePkg, tc, prep.goVersion);
          const err = r.diagnostics.find((d) => d.severity === 'error');
          return { cflags: r.cflags, libs: r.libs, ...(err ? { error: err.message.split('\n')[0]! } : {}) };
        },
      }),
      left(),
    );
    return md === PENDING ? '_The C compiler has not answered in time (a large header, or a hung compiler); hover again in a moment._' : md;
  }

  /**
   * What the C name index (compiler/cindex.ts) needs to preprocess this file's preambles the way cgo compiles
   * them: the compiler argv, the effective flags (env, `#cgo` lines, pkg-config, all allow-list-checked), the
   * preambles with their Go lines, and the toolchain identity. Null when the file cannot be compiled (no
   * import "C", cgo off, no compiler, a rejected flag, the file not built for this target).
   */
  async cCompileContext(file: string): Promise<CCompileContext | null> {
    const abs = path.resolve(file);
    const prep = await this.prepare(abs);
    const tc = prep?.toolchain;
    if (!prep || !tc || !prep.pkg || !prep.file.importsC || !this.canCompile(prep, tc)) return null;
    // The index sees what the preamble compile sees: the package's merged flags.
    const input = await this.compileInput(prep, prep.pkg, tc, {});
    if (input.blocked) return null;
    return { ...indexInputOf(input.preambleInput, prep.goVersion, tc.fingerprint), goFile: abs };
  }
}

/** How long a hover waits in all for the toolchain probe, pkg-config, the C index and the C compiler. */
export const HOVER_DEADLINE_MS = 800;
const PENDING: unique symbol = Symbol('pending');
const PENDING_TOOLCHAIN = '_The toolchain probe (`go env`, the C compiler) has not answered yet; the report is pending — hover again in a moment._';

/** The value of `p`, or PENDING when it takes longer than `ms` (`p` goes on; its result is cached by its owner). */
async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | typeof PENDING> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof PENDING>((resolve) => (timer = setTimeout(() => resolve(PENDING), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The input of the C name index for one .go file (see Engine.cCompileContext). */
export type CCompileContext = CIndexInput;

function builtinHover(name: string): string {
  const docs: Record<string, string> = {
    CString:
      '```go\nfunc C.CString(string) *C.char\n```\ncgo builtin: copies a Go string into C memory allocated with malloc. The caller must `C.free` it (include `<stdlib.h>`).',
    CBytes: '```go\nfunc C.CBytes([]byte) unsafe.Pointer\n```\ncgo builtin: copies a Go byte slice into C memory allocated with malloc; free it with `C.free`.',
    GoString: '```go\nfunc C.GoString(*C.char) string\n```\ncgo builtin: copies a NUL-terminated C string into a Go string.',
    GoStringN: '```go\nfunc C.GoStringN(*C.char, C.int) string\n```\ncgo builtin: copies n bytes of C memory into a Go string.',
    GoBytes: '```go\nfunc C.GoBytes(unsafe.Pointer, C.int) []byte\n```\ncgo builtin: copies n bytes of C memory into a Go byte slice.',
    malloc:
      '```go\nfunc C.malloc(C.size_t) unsafe.Pointer\n```\ncgo builtin: calls C malloc via `_CMalloc`, which crashes the program instead of returning nil when memory is exhausted.',
  };
  return docs[name] ?? '';
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
