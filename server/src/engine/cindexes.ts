// The session's C name indexes (compiler/cindex.ts): one per .go file and preamble, built with the package's merged
// flags. The engine owns them so the editor features (engine/cintel.ts, through the LSP adapter) and the checks that
// need C struct members (engine/cfields.ts, in `Engine.analyze` and so in `cgo-ls check`) read the same index;
// `cgo.refresh` clears them, a changed header drops the indexes that read it.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { CIndexStore, indexKey, preambleSignature, type CIndex, type CIndexInput, type ParseOptions } from '../compiler/cindex.js';
import type { GoFile } from '../gomodel/types.js';
import type { CIndexJob } from './cindexworker.js';

export interface CIndexWorkerOptions {
  /** The worker script (default: ./cindexworker.js next to this module; tests pass a fault-injection one). */
  url?: URL;
  /** One parse longer than this ends the worker and fails the index. */
  timeoutMs?: number;
  /** The worker ends after this long without a job (the tree-sitter heap it grew is given back). */
  idleMs?: number;
  resourceLimits?: ResourceLimits;
  log?: (message: string) => void;
}

/** A parse of the preprocessor's output gets this long in the worker (real header sets take well under a second). */
export const CINDEX_PARSE_TIMEOUT_MS = 60_000;
/** An idle worker is ended after this long. */
export const CINDEX_WORKER_IDLE_MS = 30_000;
/** The worker's JavaScript heap limits: a runaway parse ends the worker (a failed index), never the server. */
export const CINDEX_WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 };

interface Job {
  out: string;
  opts: ParseOptions;
  resolve: (idx: CIndex) => void;
  reject: (e: Error) => void;
}

/**
 * Parses C index inputs in a worker thread (engine/cindexworker.ts), one at a time, so that the server's event
 * loop is never held by a big header set. A parse that throws, crashes or outlives the worker's resource limits
 * or `timeoutMs` rejects (buildCIndex then returns a failed index, as a failed parse on the main thread did); the
 * worker is started again for the next job. The thread never keeps the process alive (unref), ends when idle,
 * and `close()` (server shutdown) ends it for good.
 */
export class CIndexWorker {
  private worker: Worker | null = null;
  private current: (Job & { id: number; timer: NodeJS.Timeout }) | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly url: URL;
  /** Workers started (tests read it). */
  started = 0;

  constructor(private readonly opts: CIndexWorkerOptions = {}) {
    this.url = opts.url ?? new URL('./cindexworker.js', import.meta.url);
  }

  /** Whether the worker script exists (not when running from the TypeScript sources: the parse stays on this thread). */
  static available(url: URL = new URL('./cindexworker.js', import.meta.url)): boolean {
    try {
      return fs.statSync(fileURLToPath(url)).isFile();
    } catch {
      return false;
    }
  }

  /** Whether a worker thread is running now. */
  get running(): boolean {
    return this.worker !== null;
  }

  parse(out: string, opts: ParseOptions): Promise<CIndex> {
    if (this.closed) return Promise.reject(new Error('the C index worker is closed'));
    return new Promise<CIndex>((resolve, reject) => {
      this.queue.push({ out, opts, resolve, reject });
      this.pump();
    });
  }

  /** Ends the worker and fails every job (server shutdown); later parses reject. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const err = new Error('the C index worker is closed');
    for (const j of this.queue.splice(0)) j.reject(err);
    this.finish(err);
    await this.stop();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || this.closed) return;
    const job = this.queue.shift()!;
    clearTimeout(this.idleTimer);
    let w: Worker;
    try {
      w = this.worker ?? this.start();
    } catch (e) {
      job.reject(e instanceof Error ? e : new Error(String(e)));
      this.pump();
      return;
    }
    const id = this.nextId++;
    const timeoutMs = this.opts.timeoutMs ?? CINDEX_PARSE_TIMEOUT_MS;
    const timer = setTimeout(() => {
      this.opts.log?.(`C index worker: a parse took over ${timeoutMs} ms; the worker is ended`);
      this.finish(new Error(`the parse took over ${timeoutMs} ms`));
      void this.stop();
      this.pump();
    }, timeoutMs);
    this.current = { ...job, id, timer };
    w.postMessage({ id, out: job.out, opts: job.opts } satisfies CIndexJob);
  }

  private start(): Worker {
    const w = new Worker(this.url, {
      resourceLimits: this.opts.resourceLimits ?? CINDEX_WORKER_LIMITS,
      stdout: true, // the worker's console output is not the LSP stream
      stderr: true,
    });
    this.started++;
    w.stdout.resume();
    w.stderr.resume(); // read and dropped, so a chatty worker never buffers without bound
    w.unref();
    w.on('message', (m: { id: number; idx?: CIndex; error?: string }) => {
      if (!this.current || m.id !== this.current.id) return;
      const job = this.current;
      this.current = null;
      clearTimeout(job.timer);
      if (m.idx) job.resolve(m.idx);
      else job.reject(new Error(m.error ?? 'the C index worker answered nothing'));
      this.afterJob();
    });
    w.on('error', (e) => {
      if (this.worker !== w) return;
      this.opts.log?.(`C index worker failed: ${e.message}`);
      this.worker = null;
      this.finish(e);
      this.pump();
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.finish(new Error(`the C index worker exited (code ${code})`));
      this.pump();
    });
    this.worker = w;
    return w;
  }

  private afterJob(): void {
    if (this.queue.length > 0) return this.pump();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.opts.idleMs ?? CINDEX_WORKER_IDLE_MS);
    this.idleTimer.unref();
  }

  /** Rejects the job in the worker now, if any. */
  private finish(e: Error): void {
    const job = this.current;
    if (!job) return;
    this.current = null;
    clearTimeout(job.timer);
    job.reject(e);
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate().catch(() => undefined);
  }
}

export interface CIndexesOptions {
  timeoutMs: () => number;
  log?: (message: string) => void;
  text: (file: string) => Promise<string | null>;
  model: (file: string, text?: string) => Promise<GoFile | null>;
  /** The index input of a file (Engine.cCompileContext), or null when the file is not compiled. */
  input: (file: string) => Promise<CIndexInput | null>;
  /** The parse's worker thread (default: one with the default options when its script exists; null: this thread). */
  worker?: CIndexWorker | null;
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
  readonly worker: CIndexWorker | null;

  constructor(private readonly opts: CIndexesOptions) {
    this.worker = opts.worker !== undefined ? opts.worker : CIndexWorker.available() ? new CIndexWorker(opts.log ? { log: opts.log } : {}) : null;
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
