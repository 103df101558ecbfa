// A small job scheduler for compiler runs: bounded concurrency and per-key supersession (a new job for a key
// aborts the previous one, whose process group util/proc.ts then kills). It caches nothing: the results' one cache
// is the compile service's (engine/compileservice.ts), keyed by content and moved with the text. Debouncing is the
// engine's job.

export interface JobSpec<T> {
  /** The work. Must honour the signal (pass it to run()). */
  run: (signal: AbortSignal) => Promise<T>;
}

export type JobOutcome<T> =
  | { status: 'done'; result: T }
  /** A newer job for the same key replaced this one (or the scheduler was disposed). */
  | { status: 'superseded' }
  | { status: 'failed'; error: string };

interface Pending {
  key: string;
  controller: AbortController;
  start: () => void;
}

/**
 * How many compiler runs at once on a machine with `cores` CPUs: two on one or two cores (measured there: a third
 * only makes each slower), otherwise one core left for the server itself, and at most eight (cc1 on a big header
 * takes hundreds of MB). A 2-vCPU machine gets 2, a 4-core laptop 3, an 8-core one 7.
 */
export function compileConcurrency(cores: number): number {
  const n = Number.isFinite(cores) ? Math.floor(cores) : 2;
  return n <= 2 ? 2 : Math.min(8, n - 1);
}

export interface SchedulerOptions {
  /** Maximum jobs running at once (default 2). */
  concurrency?: number;
}

export class CompileScheduler {
  readonly concurrency: number;
  private running = 0;
  private queue: Pending[] = [];
  private current = new Map<string, AbortController>();
  private disposed = false;
  /** Counters for tests and the bench. */
  readonly stats = { started: 0, superseded: 0, maxRunning: 0 };

  constructor(opts: SchedulerOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
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
            finish({ status: 'done', result });
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

  get runningCount(): number {
    return this.running;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      next.start();
    }
  }
}
