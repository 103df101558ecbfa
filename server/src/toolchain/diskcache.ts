// A persistent cache of toolchain facts (what `go version`, `cc --version`, `cc -dumpmachine`, the compiler feature
// probes, `cc -E -v` … answered), so that a second start on the same machine runs none of those subprocesses again.
//
// Every entry is keyed by what decides the answer: the resolved binary (its path, real path, size and mtime), the
// arguments, and the environment variables the tool reads; a workspace file that matters is part of the key by its
// content, never by its name. Each entry is its own file `<dir>/facts-v1/<kind>-<hash>.json`, written to a temporary
// file and renamed into place, so concurrent servers never see half an entry and never lose each other's entries.
// A file that does not parse or whose key differs is ignored (logged) and rewritten. A directory that cannot be
// written turns the cache off for the process (logged once): the probes simply run.
//
// Where: `CGO_LS_CACHE_DIR` when set (`off` disables the cache), else the user cache directory (`env-paths`:
// ~/.cache/cgo-ls on Linux, ~/Library/Caches/cgo-ls on macOS, %LOCALAPPDATA%\cgo-ls\Cache on Windows).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, promises as fsp, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { hostIsWindows } from '../core/host.js';
import type { Logger } from '../core/types.js';
import { openRegularSync, readTextFileSync } from '../util/files.js';
import { cacheDirFromEnv } from './cachedir.js';
import type { Env, GoOS } from './platform.js';

export { CACHE_DIR_ENV, cacheDirFromEnv } from './cachedir.js';

/** The format of the entries; a change of shape bumps it (old entries are then never read). */
export const FACTS_FORMAT = 1;
const SUBDIR = `facts-v${FACTS_FORMAT}`;

/** What identifies an executable for the cache: where it is, what it really is, and its size and mtime. */
export interface BinaryStamp {
  path: string;
  real: string;
  size: number;
  mtimeMs: number;
  /** It starts with `#!`: a script whose answers may depend on any variable (the whole environment is keyed). */
  script: boolean;
}

/**
 * The stamp of an executable, or null when it cannot be read (nothing is cached for it then). Synchronous inside (a
 * realpath, a stat and a two-byte read of a regular file): five threadpool hops per binary were most of a warm
 * probe's latency while the main thread was busy with the first parses (see nodePlatform in platform.ts).
 */
export async function binaryStamp(file: string): Promise<BinaryStamp | null> {
  let real: string;
  try {
    real = realpathSync.native(file);
  } catch {
    return null;
  }
  const open = openRegularSync(real);
  if (!open) return null;
  try {
    const buf = Buffer.alloc(2);
    const script = readSync(open.fd, buf, 0, 2, 0) === 2 && buf.toString('latin1') === '#!';
    return { path: file, real, size: open.stats.size, mtimeMs: open.stats.mtimeMs, script };
  } catch {
    return null;
  } finally {
    closeSync(open.fd);
  }
}

/** A text file as part of a key: its path and the hash of its content (null content when it cannot be read). */
export async function contentStamp(file: string | null | undefined): Promise<{ path: string; sha256: string | null } | null> {
  if (!file) return null;
  try {
    return {
      path: file,
      sha256: createHash('sha256')
        .update(await fsp.readFile(file))
        .digest('hex'),
    };
  } catch {
    return { path: file, sha256: null };
  }
}

/** Variables a C compiler driver reads (search paths, SDKs, wrappers such as ccache and zig). */
const COMPILER_VARS =
  /^(PATH|PATHEXT|COMPILER_PATH|GCC_EXEC_PREFIX|CPATH|C_INCLUDE_PATH|CPLUS_INCLUDE_PATH|OBJC_INCLUDE_PATH|LIBRARY_PATH|SDKROOT|DEVELOPER_DIR|MACOSX_DEPLOYMENT_TARGET|IPHONEOS_DEPLOYMENT_TARGET|LANG|LC_[A-Z]+|CCACHE_[A-Z_]+|ZIG_[A-Z_]+|INCLUDE|LIB|TMPDIR|TEMP|TMP)$/i;
/** Variables the go command's configuration reads (cmd/go/internal/cfg and the CC/CGO_ENABLED defaults). */
const GO_VARS =
  /^(GO[A-Z0-9_]*|CGO_[A-Z_]+|CC|CXX|FC|AR|PKG_CONFIG|GCCGO|PATH|PATHEXT|HOME|USERPROFILE|XDG_CONFIG_HOME|XDG_CACHE_HOME|APPDATA|LOCALAPPDATA|HOME|home)$/i;

export type EnvScope = 'compiler' | 'go' | 'all';

/** The variables of `env` that can change a tool's answer, sorted (names upper-cased on Windows). */
export function envKey(env: Env, scope: EnvScope, os: GoOS): Array<[string, string]> {
  // `go env` runs the C compiler too (GOGCCFLAGS), so what a compiler reads counts for it as well.
  const keep =
    scope === 'compiler' ? (k: string) => COMPILER_VARS.test(k) : scope === 'go' ? (k: string) => GO_VARS.test(k) || COMPILER_VARS.test(k) : () => true;
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    // cgo-ls's own variables (the cache's location, the id util/proc gives each run, the bench's trace file) change
    // nothing a tool answers.
    if (/^CGO_LS_/i.test(k)) continue;
    if (!keep(k)) continue;
    out.push([os === 'windows' ? k.toUpperCase() : k, v]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The key part of a tool: its stamp and, for a script, the whole environment. */
export function toolKey(stamp: BinaryStamp, env: Env, scope: EnvScope, os: GoOS): unknown {
  return { bin: stamp, env: envKey(env, stamp.script ? 'all' : scope, os) };
}

interface Entry {
  format: number;
  kind: string;
  key: unknown;
  value: unknown;
  /** When it was written (ms since the epoch). */
  written?: number;
}

export interface FactCacheStats {
  hits: number;
  misses: number;
  writes: number;
  corrupt: number;
}

/** Entries larger than this are not read (none is: a compile result with its header stamps is a few KiB). */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export class FactCache {
  private readonly dir: string | null;
  private disabledWhy: string | null = null;
  private madeDir = false;
  private log: Pick<Logger, 'warn' | 'info'> | undefined;
  /** Entries written before this time are not trusted (`cgo.refresh` asked for every tool to be asked again). */
  private notBefore = 0;
  readonly stats: FactCacheStats = { hits: 0, misses: 0, writes: 0, corrupt: 0 };

  private pruned = false;
  private readonly maxEntries: number;
  /** Stores not yet on disk (file → value): a get() in the meantime answers from here. */
  private readonly writing = new Map<string, unknown>();
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * `dir` null: a cache that never hits and never writes. Past `maxEntries` files (every PATH or compiler ever
   * used adds some), the first store of a process removes the least recently written half.
   */
  constructor(dir: string | null, log?: Pick<Logger, 'warn' | 'info'>, maxEntries = 2000, subdir = SUBDIR) {
    this.dir = dir === null ? null : path.join(dir, subdir);
    this.log = log;
    this.maxEntries = maxEntries;
  }

  get enabled(): boolean {
    return this.dir !== null && this.disabledWhy === null;
  }

  /** Where the entries are (null when disabled). */
  get location(): string | null {
    return this.enabled ? this.dir : null;
  }

  setLogger(log: Pick<Logger, 'warn' | 'info'> | undefined): void {
    this.log = log;
  }

  private fileOf(kind: string, keyText: string): string {
    const h = createHash('sha256').update(kind).update('\0').update(keyText).digest('hex').slice(0, 40);
    return path.join(this.dir!, `${kind.replace(/[^a-z0-9-]/gi, '_')}-${h}.json`);
  }

  /** The stored value for (kind, key), or undefined. Never throws. */
  async get<T>(kind: string, key: unknown): Promise<T | undefined> {
    if (!this.enabled) return undefined;
    const keyText = JSON.stringify(key);
    const file = this.fileOf(kind, keyText);
    if (this.writing.has(file)) {
      this.stats.hits++;
      return this.writing.get(file) as T;
    }
    // Read synchronously: an entry is a small file of ours, and an asynchronous read is four threadpool round trips,
    // each waiting for a main thread busy with the first parses (one took 55 ms on an editor's second start).
    const text = readTextFileSync(file, MAX_ENTRY_BYTES);
    if (text === null) {
      this.stats.misses++;
      return undefined;
    }
    try {
      const e = JSON.parse(text) as Entry;
      if (e && e.format === FACTS_FORMAT && e.kind === kind && JSON.stringify(e.key) === keyText && 'value' in e) {
        if ((e.written ?? 0) < this.notBefore) {
          this.stats.misses++;
          return undefined;
        }
        this.stats.hits++;
        return e.value as T;
      }
      throw new Error('the entry is of another format or key');
    } catch (err) {
      this.stats.corrupt++;
      this.stats.misses++;
      this.log?.info(`disk cache: ignoring ${file} (${err instanceof Error ? err.message : String(err)}); it will be rewritten`);
      return undefined;
    }
  }

  /** Stores a value (temporary file + rename: readers see the old entry or the new one, never a mix). Never throws. */
  async set(kind: string, key: unknown, value: unknown): Promise<void> {
    if (!this.enabled) return;
    const keyText = JSON.stringify(key);
    const file = this.fileOf(kind, keyText);
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (!this.madeDir) {
        await fsp.mkdir(this.dir!, { recursive: true });
        this.madeDir = true;
      }
      const entry: Entry = { format: FACTS_FORMAT, kind, key, value, written: Date.now() };
      await fsp.writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
      try {
        await fsp.rename(tmp, file);
      } catch {
        // Windows refuses to replace a file another process has open: another server wrote (or reads) the same
        // entry, which holds the same answer. Not a reason to stop caching.
        await fsp.rm(tmp, { force: true }).catch(() => undefined);
        return;
      }
      this.stats.writes++;
      if (!this.pruned) {
        this.pruned = true;
        await this.prune();
      }
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      this.disable(`${this.dir} is not writable (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /**
   * The cached answer for (kind, key), else `compute()`'s, stored when it says so (a timeout or cancellation is
   * never stored). A null key means "not cacheable": compute runs, nothing is stored.
   */
  async memo<T>(kind: string, key: unknown, compute: () => Promise<{ value: T; store: boolean }>): Promise<T> {
    if (key === null || !this.enabled) return (await compute()).value;
    const hit = await this.get<T>(kind, key);
    if (hit !== undefined) return hit;
    const r = await compute();
    if (r.store) this.setLater(kind, key, r.value);
    return r.value;
  }

  /**
   * Stores a value without making the caller wait: the answer is known, and the write (a directory, a temporary
   * file, a rename, the first store's prune) took ≈ 40 ms on the cold start's path. Until it is on disk, get()
   * answers from memory; flush() waits for it (a CLI run, before it exits).
   */
  setLater(kind: string, key: unknown, value: unknown): void {
    if (!this.enabled) return;
    const file = this.fileOf(kind, JSON.stringify(key));
    this.writing.set(file, value);
    const w = this.set(kind, key, value).finally(() => {
      this.inFlight.delete(w);
      if (this.writing.get(file) === value) this.writing.delete(file);
    });
    this.inFlight.add(w);
  }

  /** Waits for the stores in flight (never throws). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * From now on, answers stored before this moment are misses (and are overwritten): what a wrapper script runs can
   * change without the script changing, and `cgo.refresh` is how a user says so.
   */
  distrustOlderEntries(): void {
    this.notBefore = Date.now();
    this.writing.clear();
  }

  /** Keeps the directory bounded (see the constructor). Never throws; a file another server removed is skipped. */
  private async prune(): Promise<void> {
    try {
      const names = (await fsp.readdir(this.dir!)).filter((n) => n.endsWith('.json'));
      if (names.length <= this.maxEntries) return;
      const dated = await Promise.all(
        names.map(async (n) => ({
          n,
          t: await fsp.stat(path.join(this.dir!, n)).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        })),
      );
      dated.sort((a, b) => a.t - b.t);
      for (const { n } of dated.slice(0, names.length - Math.floor(this.maxEntries / 2))) await fsp.rm(path.join(this.dir!, n), { force: true });
    } catch {
      /* another server pruned it, or it went away */
    }
  }

  private disable(why: string): void {
    if (this.disabledWhy !== null) return;
    this.disabledWhy = why;
    this.log?.warn(`disk cache off for this run: ${why}`);
  }
}

let shared: FactCache | null = null;
let sharedLog: Pick<Logger, 'warn' | 'info'> | undefined;

/** The process's cache, from CGO_LS_CACHE_DIR / the user cache directory (created on first use). */
export function factCache(): FactCache {
  if (!shared) {
    // The cache's location is a property of the cgo-ls process, not of a probe's (editor-modified) environment.
    const env = process.env;
    const os: GoOS = hostIsWindows() ? 'windows' : 'linux';
    shared = new FactCache(cacheDirFromEnv(env, os), sharedLog);
  }
  return shared;
}

let sharedCompile: FactCache | null = null;

/** The format of stored compiler results (engine/compileservice.ts); a change of shape bumps it. */
export const COMPILE_RESULTS_FORMAT = 1;

/**
 * The process's cache of compiler results (beside the facts, in a directory of its own so that many results never
 * push the tool facts out): each preamble or C source result by file, content key and the cgo-ls build, reused only
 * while every header it read is unchanged.
 */
export function compileCache(): FactCache {
  if (!sharedCompile) {
    const os: GoOS = hostIsWindows() ? 'windows' : 'linux';
    sharedCompile = new FactCache(cacheDirFromEnv(process.env, os), sharedLog, 4000, `compile-v${COMPILE_RESULTS_FORMAT}`);
  }
  return sharedCompile;
}

/** Where the shared caches log (the server's log; the CLI's stderr). */
export function setFactCacheLogger(log: Pick<Logger, 'warn' | 'info'>): void {
  sharedLog = log;
  shared?.setLogger(log);
  sharedCompile?.setLogger(log);
}

/** Tests: replace the shared cache (null: build it again from the environment on next use). */
export function setFactCacheForTests(c: FactCache | null, compile: FactCache | null = null): void {
  shared = c;
  sharedCompile = compile;
}
