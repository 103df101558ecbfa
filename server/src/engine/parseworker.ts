// The server's big parses in a worker thread (engine/parsethread.ts): C name indexes of a preprocessed header
// set and the models of big .go files, so that the event loop is never held by them. Used by the LSP server,
// where a held event loop is a frozen editor; `cgo-ls check` and `doctor` build models on their own thread.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { CIndex, ParseOptions } from '../compiler/cindex.js';
import { modelPart } from '../gomodel/model.js';
import type { GoFile } from '../gomodel/types.js';
import type { ParseJob } from './parsethread.js';

export interface ParseWorkerOptions {
  /** The worker script (default: ./parsethread.js next to this module; tests pass a fault-injection one). */
  url?: URL;
  /** One job longer than this ends the worker and fails the job (default: per kind, below). */
  timeoutMs?: number;
  /** The worker ends after this long without a job (the tree-sitter heap it grew is given back). */
  idleMs?: number;
  resourceLimits?: ResourceLimits;
  /** What the worker is for, in log lines and errors ("C index", "model"). */
  name?: string;
  log?: (message: string) => void;
}

/** A parse of the preprocessor's output gets this long in the worker (real header sets take well under a second). */
export const CINDEX_PARSE_TIMEOUT_MS = 60_000;
/** A model build gets this long (its Go parse has a 3 s budget of its own; go-gl's 1 MB file takes ≈ 0.5 s). */
export const MODEL_PARSE_TIMEOUT_MS = 20_000;
/** An idle worker is ended after this long. */
export const PARSE_WORKER_IDLE_MS = 30_000;
/** The worker's JavaScript heap limits: a runaway parse ends the worker (a failed job), never the server. */
export const PARSE_WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 };

type JobBody = ParseJob extends infer J ? (J extends ParseJob ? Omit<J, 'id'> : never) : never;
interface Job {
  body: JobBody;
  resolve: (result: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Runs parse jobs in a worker thread, one at a time in the order given (a newer model job for a file replaces one
 * still queued for it). A job that throws, crashes or outlives the worker's resource limits or its timeout rejects
 * (the caller falls back as it sees fit); the worker is started again for the next job. The thread ends when idle
 * (PARSE_WORKER_IDLE_MS) and `close()` ends it for good. Until then it keeps the process alive, whatever `unref`
 * says: its stdout and stderr are read, and node keeps a read stdio stream's port referenced. So whoever makes one
 * closes it when done (the server at shutdown, `cgo-ls check` after its report: `Engine.close`).
 */
export class ParseWorker {
  private worker: Worker | null = null;
  private current: (Job & { id: number; timer: NodeJS.Timeout }) | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly url: URL;
  private readonly name: string;
  /** Workers started, and jobs sent to them (tests read these). */
  started = 0;
  jobsSent = 0;

  constructor(private readonly opts: ParseWorkerOptions = {}) {
    this.url = opts.url ?? new URL('./parsethread.js', import.meta.url);
    this.name = opts.name ?? 'parse';
  }

  /** Whether the worker script exists (not when running from the TypeScript sources: parses stay on this thread). */
  static available(url: URL = new URL('./parsethread.js', import.meta.url)): boolean {
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

  /** The C name index of a preprocessor output (compiler/cindex.ts parsePreprocessed). */
  parse(out: string, opts: ParseOptions): Promise<CIndex> {
    return this.submit({ kind: 'cindex', out, opts }) as Promise<CIndex>;
  }

  /** The model of a .go file (gomodel/model.ts parseGoFile); only the part the model reads is sent. */
  model(path: string, text: string): Promise<GoFile> {
    const part = modelPart(text);
    return this.submit({ kind: 'model', path, text: part.text, totalLength: part.totalLength }) as Promise<GoFile>;
  }

  /** Ends the worker and fails every job (server shutdown); later jobs reject. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const err = new Error(`the ${this.name} worker is closed`);
    for (const j of this.queue.splice(0)) j.reject(err);
    this.finish(err);
    await this.stop();
  }

  private submit(body: JobBody): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`the ${this.name} worker is closed`));
    // Typing in a big file asks for a model per keystroke, faster than they are built: a model job still queued
    // for the same file is replaced by the newer one, and settles with its result (the analysis of the older text
    // is superseded anyway, and its result dropped as stale), so the queue never holds more than one per file.
    const replaced: Job[] = [];
    if (body.kind === 'model') {
      for (let i = this.queue.length - 1; i >= 0; i--) {
        const q = this.queue[i]!;
        if (q.body.kind === 'model' && q.body.path === body.path) replaced.push(...this.queue.splice(i, 1));
      }
    }
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({
        body,
        resolve: (r) => {
          resolve(r);
          for (const j of replaced) j.resolve(r);
        },
        reject: (e) => {
          reject(e);
          for (const j of replaced) j.reject(e);
        },
      });
      this.pump();
    });
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
    const timeoutMs = this.opts.timeoutMs ?? (job.body.kind === 'model' ? MODEL_PARSE_TIMEOUT_MS : CINDEX_PARSE_TIMEOUT_MS);
    const timer = setTimeout(() => {
      this.opts.log?.(`${this.name} worker: a job took over ${timeoutMs} ms; the worker is ended`);
      this.finish(new Error(`the parse took over ${timeoutMs} ms`));
      void this.stop();
      this.pump();
    }, timeoutMs);
    this.current = { ...job, id, timer };
    this.jobsSent++;
    w.postMessage({ id, ...job.body } satisfies ParseJob);
  }

  private start(): Worker {
    const w = new Worker(this.url, {
      resourceLimits: this.opts.resourceLimits ?? PARSE_WORKER_LIMITS,
      stdout: true, // the worker's console output is not the LSP stream
      stderr: true,
    });
    this.started++;
    w.stdout.resume();
    w.stderr.resume(); // read and dropped, so a chatty worker never buffers without bound
    w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      if (!this.current || m.id !== this.current.id) return;
      const job = this.current;
      this.current = null;
      clearTimeout(job.timer);
      // Its users run after the event loop has turned once: the result's structured clone has just held this thread
      // (≈ 30 ms for go-gl's model, ≈ 50 ms for its C index), and a request read meanwhile (a hover) answers first.
      if (m.result !== undefined && m.error === undefined) setImmediate(() => job.resolve(m.result));
      else job.reject(new Error(m.error ?? `the ${this.name} worker answered nothing`));
      this.afterJob();
    });
    w.on('error', (e) => {
      if (this.worker !== w) return;
      this.opts.log?.(`${this.name} worker failed: ${e.message}`);
      this.worker = null;
      this.finish(e);
      this.pump();
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.finish(new Error(`the ${this.name} worker exited (code ${code})`));
      this.pump();
    });
    this.worker = w;
    return w;
  }

  private afterJob(): void {
    if (this.queue.length > 0) return this.pump();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.opts.idleMs ?? PARSE_WORKER_IDLE_MS);
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
