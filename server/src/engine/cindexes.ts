// The session's C name indexes (compiler/cindex.ts): one per .go file and preamble, built with the package's merged
// flags. The engine owns them so the editor features (engine/cintel.ts, through the LSP adapter) and the checks that
// need C struct members (engine/cfields.ts, in `Engine.analyze` and so in `cgo-ls check`) read the same index;
// `cgo.refresh` clears them, a changed header drops the indexes that read it.
import { CIndexStore, indexKey, preambleSignature, type CIndex, type CIndexInput, type ParseOptions } from '../compiler/cindex.js';
import type { GoFile } from '../gomodel/types.js';
import { ParseWorker } from './parseworker.js';

export interface CIndexesOptions {
  timeoutMs: () => number;
  log?: (message: string) => void;
  text: (file: string) => Promise<string | null>;
  model: (file: string, text?: string) => Promise<GoFile | null>;
  /** The index input of a file (Engine.cCompileContext), or null when the file is not compiled. */
  input: (file: string) => Promise<CIndexInput | null>;
  /** The parse's worker thread (default: one with the default options when its script exists; null: this thread). */
  worker?: ParseWorker | null;
}

export class CIndexes {
  readonly store: CIndexStore;
  /** Per file: the text up to the last `import "C"` line when its index was last looked up through the model. */
  private readonly prefixes = new Map<string, string>();
  /** Inputs whose build failed (the preprocessor's error): not retried until a header changes or a refresh. */
  private readonly failed = new Set<string>();
  /** Per file: the last text byPrefix looked at and whether it had no other `import "C"` below the prefix. */
  private readonly belowChecked = new Map<string, { text: string; prefix: string; clean: boolean }>();
  /** preambleSignature of each model (a generated preamble is thousands of lines: computed once per model). */
  private readonly sigs = new WeakMap<GoFile, string>();
  /** Builds started by `background`, by file, until they settle. */
  private readonly inflight = new Map<string, Promise<CIndex | null>>();

  /** Where the preprocessor's output is parsed; null: on the main thread (running from the sources). */
  readonly worker: ParseWorker | null;

  constructor(private readonly opts: CIndexesOptions) {
    this.worker =
      opts.worker !== undefined ? opts.worker : ParseWorker.available() ? new ParseWorker({ name: 'C index', ...(opts.log ? { log: opts.log } : {}) }) : null;
    const worker = this.worker;
    this.store = new CIndexStore({
      timeoutMs: opts.timeoutMs,
      ...(opts.log ? { log: opts.log } : {}),
      ...(worker ? { parse: (out: string, o: ParseOptions) => worker.parse(out, o) } : {}),
    });
  }

  /** Server shutdown: the worker thread ends (a build in flight then fails). */
  close(): Promise<void> {
    return this.worker?.close() ?? Promise.resolve();
  }

  /**
   * The keystroke path: when the text up to the last `import "C"` is what it was, the preambles are too, and the
   * file's last index is served without parsing the Go file (the edit's own analysis parses it concurrently).
   */
  byPrefix(file: string, text: string): CIndex | null {
    const prefix = this.prefixes.get(file);
    const last = this.store.lastFor(file);
    if (prefix === undefined || !last) return null;
    // Hovers come every few ms on one text: the scans below are done once per text (a generated file is MBs).
    const seen = this.belowChecked.get(file);
    let clean: boolean;
    if (seen && seen.text === text && seen.prefix === prefix) clean = seen.clean;
    else {
      // Not after another import "C" below the prefix.
      clean = text.startsWith(prefix) && !/^\s*(import\s*\(?\s*)?(\w+\s+)?"C"/m.test(text.slice(prefix.length));
      this.belowChecked.set(file, { text, prefix, clean });
    }
    if (!clean) return null;
    return this.store.current(file, last.preambleSig) ?? null;
  }

  /** The preambleSignature of a model's preambles (cached per model). */
  private signatureOf(model: GoFile): string {
    let sig = this.sigs.get(model);
    if (sig === undefined) {
      sig = preambleSignature(model.cImports.flatMap((i) => (i.preamble ? [i.preamble] : [])));
      this.sigs.set(model, sig);
    }
    return sig;
  }

  /**
   * Starts building the file's index unless a build started here is still running (a request that does not wait
   * for it, on a file whose preamble is big: the input and its key are computed once, not per request).
   */
  background(file: string): void {
    if (this.inflight.has(file)) return;
    const p = this.indexFor(file, 'build')
      .catch(() => null)
      .finally(() => this.inflight.delete(file));
    this.inflight.set(file, p);
  }

  /**
   * The file's index. `build`: start the preprocessor when no index matches the preamble (the first request of
   * a file, or after an edit inside the preamble); `peek`: only what is in memory.
   */
  async indexFor(file: string, mode: 'build' | 'peek', signal?: AbortSignal): Promise<CIndex | null> {
    const text = await this.opts.text(file);
    const fast = text !== null ? this.byPrefix(file, text) : null;
    if (fast) return fast;
    const model = await this.opts.model(file);
    if (!model?.importsC) return null;
    const lastImport = model.cImports[model.cImports.length - 1];
    if (text !== null && lastImport) {
      const end = lastImport.specRange.end.line;
      let off = 0;
      for (let i = 0; i < end && off >= 0; i++) {
        off = text.indexOf('\n', off);
        if (off >= 0) off++;
      }
      const eol = off < 0 ? -1 : text.indexOf('\n', off);
      const stop = eol < 0 ? text.length : eol + 1;
      const had = this.prefixes.get(file);
      if (had === undefined || had.length !== stop || !text.startsWith(had)) this.prefixes.set(file, text.slice(0, stop));
    }
    const sig = this.signatureOf(model);
    const current = this.store.current(file, sig);
    if (current) return current;
    if (mode === 'peek') return null;
    const input = await this.opts.input(file);
    if (!input) return null;
    return this.store.get(input, signal);
  }

  /** The index of exactly this input: in memory only (`peek`: no file, no process), or built (`build`). */
  async forInput(input: CIndexInput, mode: 'build' | 'peek', signal?: AbortSignal): Promise<CIndex | null> {
    if (mode === 'peek') {
      const idx = this.store.peek(input);
      return idx && !idx.error ? idx : null;
    }
    const key = indexKey(input);
    if (this.failed.has(key)) return null;
    const idx = await this.store.get(input, signal).catch(() => null);
    if ((!idx || idx.error) && !signal?.aborted) {
      this.failed.add(key);
      if (this.failed.size > 256) this.failed.clear();
    }
    return idx && !idx.error ? idx : null;
  }

  /** Whether building the index of this input failed (a caller on the keystroke path then stops asking for it). */
  hasFailed(input: CIndexInput): boolean {
    return this.failed.has(indexKey(input));
  }

  /**
   * Builds the file's index in the background when none exists yet (an open cgo file after its first compiled
   * analysis), so that its first `C.` completion is served from memory. Once per file; failures are only logged.
   */
  prefetch(file: string): void {
    if (this.store.lastFor(file)) return;
    void this.opts
      .input(file)
      .then((input) => {
        if (!input) return;
        const key = indexKey(input);
        if (this.failed.has(key) || !this.store.prefetch(input)) return;
        // A build that fails (a missing header stops `cc -E`) is remembered like a failed request, so the next
        // compiled analysis of the file does not start the preprocessor again until a header changes.
        void this.store
          .get(input)
          .then((idx) => {
            if (!idx || idx.error) this.failed.add(key);
          })
          .catch(() => this.failed.add(key));
      })
      .catch(() => undefined);
  }

  /** The last index built for a .go file (completionItem/resolve: never starts anything). */
  lastFor(file: string): CIndex | null {
    return this.store.lastFor(file) ?? null;
  }

  /** A file changed on disk: a header drops the indexes that read it, a .go file its prefix. */
  changed(file: string): void {
    if (file.endsWith('.go')) {
      this.prefixes.delete(file);
      this.belowChecked.delete(file);
    } else {
      this.store.invalidateFile(file);
      this.failed.clear();
    }
  }

  /** `cgo.refresh`: every index goes. */
  clear(): void {
    this.prefixes.clear();
    this.belowChecked.clear();
    this.failed.clear();
    this.store.clear();
  }
}
