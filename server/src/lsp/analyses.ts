// Analysing files and publishing their diagnostics: debounce, supersession (a newer analysis of a file aborts the
// older one and kills its compiler), stale-result dropping by generation and document version, and what was
// published last per file (the diagnostics hover explains them; the ones left to gopls keep their code actions).
import path from 'node:path';
import type { CgoDiagnostic, Position, Range } from '../core/types.js';
import { pathToUri, uriToPath } from '../core/uri.js';
import type { ServerContext } from './context.js';
import { diagnosticCaps, diagnosticsAt, linesTouch, SAID_BY_GOPLS, toLspDiagnostic } from './convert.js';

interface FileState {
  /** Aborts the running compiler job for this file. */
  abort?: AbortController;
  timer?: NodeJS.Timeout;
  /** Monotonic generation: a result is published only if no newer analysis started since. */
  generation: number;
  published: boolean;
}

export class Analyses {
  private readonly files = new Map<string, FileState>();
  /** Diagnostics left out of the last publish of a file because gopls says the same (see publish). */
  private readonly withheld = new Map<string, CgoDiagnostic[]>();
  /** The engine's diagnostics of each file's last publish (withheld ones included): the hover explains them. */
  private readonly shown = new Map<string, CgoDiagnostic[]>();
  /** Closed files whose diagnostics the workspace scan owns. */
  readonly tracked = new Set<string>();

  constructor(private readonly ctx: ServerContext) {}

  /** The diagnostics of the file's last publish whose range contains `pos`. */
  at(file: string, pos: Position): CgoDiagnostic[] {
    return diagnosticsAt(this.shown.get(file) ?? [], pos);
  }

  /** Diagnostics left to gopls in the file's last publish, on the lines of `range`. */
  withheldOn(file: string, range: Range): CgoDiagnostic[] {
    return (this.withheld.get(file) ?? []).filter((d) => linesTouch(d.range, range));
  }

  /** True when the file's last publish was not empty. */
  published(file: string): boolean {
    return this.files.get(file)?.published === true;
  }

  private state(file: string): FileState {
    let s = this.files.get(file);
    if (!s) {
      s = { generation: 0, published: false };
      this.files.set(file, s);
    }
    return s;
  }

  /** Publishes a file's diagnostics; the promise settles when the message is written (never rejects). */
  publish(uri: string, file: string, diagnostics: CgoDiagnostic[], version?: number): Promise<void> {
    const mine = diagnostics.filter((d) => path.resolve(d.file) === file);
    // Beside gopls, a diagnostic gopls publishes at the same range in the same words is left out (issue 13, "said
    // twice"); it is kept here so its code actions are still offered on that range.
    const hide = this.ctx.settings().besideGopls ? mine.filter((d) => SAID_BY_GOPLS.has(d.code)) : [];
    this.shown.set(file, mine);
    if (hide.length > 0) this.withheld.set(file, hide);
    else this.withheld.delete(file);
    const lsp = mine.filter((d) => !hide.includes(d)).map((d) => toLspDiagnostic(d, diagnosticCaps(this.ctx.caps())));
    this.state(file).published = lsp.length > 0;
    return Promise.resolve(this.ctx.connection.sendDiagnostics({ uri, diagnostics: lsp, ...(version !== undefined ? { version } : {}) })).catch(
      () => undefined,
    );
  }

  /** Publishes nothing for a file (its diagnostics vanish in the editor). */
  clear(uri: string): void {
    void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * Analyse one file and publish. `mode` decides whether the compiler may run now; a newer call for the
   * same file aborts the older one, and a result whose generation or document version moved on is dropped.
   */
  async analyze(uri: string, mode: 'run' | 'cached', libraries = false): Promise<void> {
    const { engine, documents } = this.ctx;
    const file = uriToPath(uri);
    if (!file) return;
    const st = this.state(file);
    const generation = ++st.generation;
    st.abort?.abort();
    const abort = new AbortController();
    st.abort = abort;
    const version = documents.get(uri)?.version;
    const settings = this.ctx.settings();
    const compile = mode === 'run' || settings.compileOnChange ? mode : 'cached';
    // Static checks never wait for the toolchain probe: until it answers they run with a provisional context.
    const result = await engine.analyze(file, { compile, signal: abort.signal, libraries, waitForToolchain: false });
    if (st.generation !== generation || abort.signal.aborted) return; // superseded
    if (this.files.get(file) !== st) return; // the file was deleted (and forgotten) while it was analysed
    if (version !== undefined && documents.get(uri)?.version !== version) return; // stale text
    const written = this.publish(uri, file, result.diagnostics, version);
    if (result.toolchainPending) {
      // The static results are out; analyse again, fully, once the probe answers (unless a newer analysis started
      // meanwhile). The returned promise settles after that, so a caller that awaits it (a refresh, the scan)
      // waits for the complete result.
      await engine.toolchain(file).catch(() => undefined);
      if (st.generation === generation && this.files.get(file) === st) await this.analyze(uri, mode, libraries);
      return;
    }
    // An edit to this file's `#cgo` lines changes what the package's other preambles are compiled with.
    for (const dep of result.dependents ?? []) {
      if (engine.isOpen(dep) || this.tracked.has(dep)) void this.analyze(pathToUri(dep), 'cached');
    }
    if (result.compileStale && mode === 'cached' && this.ctx.settings().compileOnChange) this.scheduleCompile(uri, file);
    // An open cgo file's C index is built once in the background, so the first `C.` completion is served from memory.
    // It starts once the publish is written: its `cc -E` spawn holds the main thread while node forks (tens of ms),
    // which would otherwise come before the diagnostics reach the editor.
    if (mode === 'run' && result.importsC && engine.isOpen(file)) {
      void written.then(() => setImmediate(() => engine.isOpen(file) && engine.cIndexes.prefetch(file)));
    }
    // A toolchain probed for the first time brings files to watch (GOENV file, go.env, the compilers).
    this.afterAnalysis();
  }

  /** Called after each analysis (the workspace updates the toolchain files it watches). */
  afterAnalysis: () => void = () => undefined;

  /** Analyse now, logging a failure instead of rejecting. */
  run(uri: string, mode: 'run' | 'cached', libraries = false): Promise<void> {
    return this.analyze(uri, mode, libraries).catch((e) => this.ctx.log.error(`analysis failed: ${String(e)}`));
  }

  private scheduleCompile(uri: string, file: string): void {
    const st = this.state(file);
    if (st.timer) clearTimeout(st.timer);
    st.timer = setTimeout(() => {
      st.timer = undefined;
      void this.run(uri, 'run');
    }, this.ctx.settings().debounceMs);
  }

  /** Re-analyses every open and tracked file; the promises settle when each analysis has finished. */
  reanalyzeAll(): Promise<void>[] {
    return this.reanalyzeWhere(null);
  }

  /** Every open or tracked file in `dir` or below is analysed again (its toolchain model gained problems). */
  reanalyzeBelow(dir: string): Promise<void>[] {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    return this.reanalyzeWhere((f) => f.startsWith(prefix));
  }

  /** wanted null: every file. */
  private reanalyzeWhere(wanted: ((file: string) => boolean) | null): Promise<void>[] {
    const runs: Promise<void>[] = [];
    for (const doc of this.ctx.documents.all()) {
      const f = wanted && uriToPath(doc.uri);
      if (!wanted || (f && wanted(f))) runs.push(this.run(doc.uri, 'run', true));
    }
    for (const f of this.tracked) if (!this.ctx.engine.isOpen(f) && (!wanted || wanted(f))) runs.push(this.run(pathToUri(f), 'run', true));
    return runs;
  }

  /** Stops the file's analysis in flight and its pending compile, and forgets its state (closed or deleted). */
  stop(file: string): void {
    const st = this.files.get(file);
    st?.abort?.abort(); // an analysis in flight must not publish for a file that is closed or gone
    if (st?.timer) clearTimeout(st.timer);
    this.files.delete(file);
  }

  /** A deleted file: stopped and everything remembered about it dropped. */
  forget(file: string): void {
    this.stop(file);
    this.shown.delete(file);
    this.withheld.delete(file);
  }

  /** Shutdown: every analysis stopped. */
  stopAll(): void {
    for (const f of [...this.files.keys()]) this.stop(f);
  }
}
