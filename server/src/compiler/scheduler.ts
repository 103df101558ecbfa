// A small job scheduler for compiler runs: bounded concurrency, per-key supersession (a new job for a key
// aborts the previous one, whose process group util/proc.ts then kills), and an LRU result cache whose
// entries are only valid while the files they depend on (headers read by the compile, paths where a
// missing header would appear) keep the same size/mtime/existence. Debouncing is the engine's job.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

export interface JobSpec<T> {
  /** Cache key (content hash of inputs); omit to never cache. */
  cacheKey?: string;
  /** The work. Must honour the signal (pass it to run()). */
  run: (signal: AbortSignal) => Promise<T>;
  /** Files whose change invalidates a cached result (stamped right after the job finished). */
  dependsOn?: (result: T) => string[];
  /** Whether a result may be cached (e.g. not when it timed out or was canceled). Default: always. */
  cacheable?: (result: T) => boolean;
}

export type JobOutcome<T> =
  | { status: 'done'; result: T; cached: boolean }
  /** A newer job for the same key replaced this one (or the scheduler was disposed). */
  | { status: 'superseded' }
  | { status: 'failed'; error: string };

interface Stamp {
  path: string;
  /** `${size}:${mtimeMs}` or 'missing'. */
  stamp: string;
}

interface CacheEntry {
  value: unknown;
  stamps: Stamp[];
}

interface Pending {
  key: string;
  controller: AbortController;
  start: () => void;
}

export interface SchedulerOptions {
  /** Maximum jobs running at once (default 2). */
  concurrency?: number;
  /** Maximum cached results (default 200). */
  cacheSize?: number;
}

function stampOf(p: string): string {
  try {
    const st = statSync(p);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** sha256 over the JSON of the given parts: a convenience for cache keys. */
export function hashKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class CompileScheduler {
  readonly concurrency: number;
  readonly cacheSize: number;
  private running = 0;
  private queue: Pending[] = [];
  private current = new Map<string, AbortController>();
  private cache = new Map<string, CacheEntry>();
  private disposed = false;
  /** Counters for tests and the bench. */
  readonly stats = { started: 0, cacheHits: 0, superseded: 0, maxRunning: 0 };

  constructor(opts: SchedulerOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
    this.cacheSize = Math.max(0, Math.floor(opts.cacheSize ?? 200));
  }

  /** A cached result that is still valid, or undefined. */
  lookup<T>(cacheKey: string): T | undefined {
    const e = this.cache.get(cacheKey);
    if (!e) return undefined;
    for (const s of e.stamps) {
      if (stampOf(s.path) !== s.stamp) {
        this.cache.delete(cacheKey);
        return undefined;
      }
    }
    // LRU: move to the back.
    this.cache.delete(cacheKey);
    this.cache.set(cacheKey, e);
    return e.value as T;
  }

  /**
   * Run a job for `key` (typically the file path). Any earlier job for the same key is aborted and resolves
   * as superseded. Resolves (never rejects) with the outcome.
   */
  schedule<T>(key: string, job: JobSpec<T>): Promise<JobOutcome<T>> {
    if (this.disposed) return Promise.resolve({ status: 'superseded' });
    const prev = this.current.get(key);
    if (prev) {
      prev.abort();
      this.stats.superseded++;
    }
    if (job.cacheKey !== undefined) {
      const hit = this.lookup<T>(job.cacheKey);
      if (hit !== undefined) {
        this.stats.cacheHits++;
        if (prev) this.current.delete(key);
        return Promise.resolve({ status: 'done', result: hit, cached: true });
      }
    }
    const controller = new AbortController();
    this.current.set(key, controller);
    return new Promise<JobOutcome<T>>((resolve) => {
      const finish = (o: JobOutcome<T>) => {
        if (this.current.get(key) === controller) this.current.delete(key);
        resolve(o);
      };
      const start = () => {
        if (controller.signal.aborted) {
          finish({ status: 'superseded' });
          this.pump();
          return;
        }
        this.running++;
        this.stats.started++;
        this.stats.maxRunning = Math.max(this.stats.maxRunning, this.running);
        let p: Promise<T>;
        try {
          p = job.run(controller.signal);
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          (result) => {
            if (controller.signal.aborted) return finish({ status: 'superseded' });
            if (job.cacheKey !== undefined && this.cacheSize > 0 && (job.cacheable?.(result) ?? true)) {
              let files: string[] = [];
              try {
                files = job.dependsOn?.(result) ?? [];
              } catch {
                files = [];
              }
              this.store(job.cacheKey, result, files);
            }
            finish({ status: 'done', result, cached: false });
          },
          (e: unknown) => {
            if (controller.signal.aborted) return finish({ status: 'superseded' });
            finish({ status: 'failed', error: e instanceof Error ? e.message : String(e) });
          },
        ).finally(() => {
          this.running--;
          this.pump();
        });
      };
      // A job aborted while still queued resolves right away.
      controller.signal.addEventListener(
        'abort',
        () => {
          const i = this.queue.findIndex((q) => q.controller === controller);
          if (i >= 0) {
            this.queue.splice(i, 1);
            finish({ status: 'superseded' });
          }
        },
        { once: true },
      );
      this.queue.push({ key, controller, start });
      this.pump();
    });
  }

  /** Abort the job for `key`, if any. */
  cancel(key: string): void {
    const c = this.current.get(key);
    if (c) {
      c.abort();
      this.current.delete(key);
    }
  }

  /** Abort everything and refuse new jobs. */
  dispose(): void {
    this.disposed = true;
    for (const c of this.current.values()) c.abort();
    this.current.clear();
    this.queue = [];
  }

  clearCache(): void {
    this.cache.clear();
  }

  get cachedCount(): number {
    return this.cache.size;
  }

  get runningCount(): number {
    return this.running;
  }

  private store(cacheKey: string, value: unknown, files: string[]): void {
    const stamps = [...new Set(files)].map((p) => ({ path: p, stamp: stampOf(p) }));
    this.cache.delete(cacheKey);
    this.cache.set(cacheKey, { value, stamps });
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      next.start();
    }
  }
}
