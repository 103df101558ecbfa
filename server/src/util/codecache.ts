// V8's code cache for the bundle (Node 20 has no `module.enableCompileCache`): the entry (`boot.ts`, dist/main.js)
// compiles dist/main.cjs as one `vm.Script`, handing V8 the bytes it produced the last time, so a start skips
// parsing and compiling ~1.2 MiB of JavaScript (and, for the functions the last run had compiled by the time the
// cache was written, their lazy compiles too).
//
// A cache file is `<cacheDir>/v8-code/main-<mode>-<key>.bin`: an 8-byte magic, the SHA-256 of the payload, then
// the payload (`script.createCachedData()`). The key names everything that decides whether the bytes fit: the
// bundle's build id (a hash of its content, set by the build), its size and mtime (a bundle edited by hand), Node's
// and V8's versions, the architecture and node's own options; the mode (the server, `check`, `doctor`) because each
// compiles other functions and runs under other V8 flags, which V8 checks. V8 itself checks only the source's length,
// the flags and its version, so the key and the checksum are what keep foreign or damaged bytes out. A file is
// written (to a temporary name, then renamed) only when there was none or V8 rejected it, and the oldest files beyond
// a few per mode are removed then. Any failure reading or writing the cache means a plain compile: never an error.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { readRegularFileSync } from './files.js';

const MAGIC = Buffer.from('CGOLSV8\0', 'latin1');
const HEADER = MAGIC.length + 32;
/** Larger files are not read (the server's cache is ≈ 1 MiB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Files kept per mode (several installed versions, e.g. the npm package and the VS Code extension's copy). */
export const KEEP_PER_MODE = 4;

/** The kind of run a cache is for (its functions, and the V8 flags: `check` and `doctor` run with --liftoff-only). */
export type CodeCacheMode = 'server' | 'check' | 'doctor';

export interface CodeCacheKeyParts {
  buildId: string;
  size: number;
  mtimeMs: number;
  mode: CodeCacheMode;
  /** process.version, process.versions.v8, process.arch. */
  runtime: string;
  /** node's options that can change V8's flags (process.execArgv, NODE_OPTIONS). */
  options: string;
}

/** The cache file for `parts` under `cacheDir` (`<cacheDir>/v8-code/main-<mode>-<hash>.bin`). */
export function codeCacheFile(cacheDir: string, parts: CodeCacheKeyParts): string {
  const h = createHash('sha256')
    .update(JSON.stringify([parts.buildId, parts.size, parts.mtimeMs, parts.runtime, parts.options]))
    .digest('hex')
    .slice(0, 24);
  return path.join(cacheDir, 'v8-code', `main-${parts.mode}-${h}.bin`);
}

/** The payload of a cache file whose magic and checksum hold, else undefined (missing, short, damaged). */
export function readCodeCache(file: string): Buffer | undefined {
  // A regular file of a sane size only: a FIFO or a device put in its place must not hold up the start.
  const buf = readRegularFileSync(file, MAX_FILE_BYTES);
  if (!buf || buf.length <= HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = buf.subarray(HEADER);
  const sum = createHash('sha256').update(payload).digest();
  return sum.equals(buf.subarray(MAGIC.length, HEADER)) ? payload : undefined;
}

/**
 * Writes `payload` with its header to `file` atomically (a temporary file renamed into place, so a concurrent
 * reader sees the old file or the new one), then removes the oldest files of the same mode beyond KEEP_PER_MODE.
 * Returns false (and writes nothing) when the directory cannot be written.
 */
export function writeCodeCache(file: string, payload: Buffer): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([MAGIC, createHash('sha256').update(payload).digest(), payload]));
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    return false;
  }
  pruneCodeCache(path.dirname(file), path.basename(file));
  return true;
}

/** Removes the oldest `main-<mode>-*.bin` files of `keep`'s mode beyond KEEP_PER_MODE (never `keep` itself). */
export function pruneCodeCache(dir: string, keep: string): void {
  const mode = /^main-([a-z]+)-/.exec(keep)?.[1];
  if (!mode) return;
  try {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`main-${mode}-`) && f.endsWith('.bin') && f !== keep)
      .map((f) => {
        try {
          return { f, t: fs.statSync(path.join(dir, f)).mtimeMs };
        } catch {
          return null;
        }
      })
      .filter((x): x is { f: string; t: number } => x !== null)
      .sort((a, b) => b.t - a.t);
    for (const { f } of files.slice(KEEP_PER_MODE - 1)) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    // a directory that cannot be listed keeps its files
  }
}

export interface LoadedBundle {
  /** What happened to the cache: used, none (no file, or the cache is off), rejected by V8. */
  cache: 'used' | 'none' | 'rejected';
  /** Writes the cache now if there was none or V8 rejected it (returns whether it wrote); a no-op after the first call. */
  save: () => boolean;
}

/**
 * Compiles `file` (a CommonJS bundle) as one script with the cached data in `cacheFile` (null: no cache), runs it
 * as a module, and returns how the cache fared and a `save` to call once the process has run long enough for the
 * cache to hold what a start compiles. The source is read as latin1: the build emits ASCII only (checked there). The
 * script must not use import(): Node 20 loses a vm.Script's import() callback when the script comes from the code
 * cache (the build rewrites or refuses every import() in main.cjs).
 */
export function loadBundle(file: string, cacheFile: string | null, require: NodeJS.Require): LoadedBundle {
  const source = fs.readFileSync(file, 'latin1');
  const cachedData = cacheFile ? readCodeCache(cacheFile) : undefined;
  // The wrapper opens on a line of its own and lineOffset -1 takes it back out: stack traces keep the bundle's lines.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData ? { cachedData } : {}),
  });
  const cache: LoadedBundle['cache'] = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  let pending: vm.Script | null = cacheFile && cache !== 'used' ? script : null;
  const save = () => {
    const s = pending;
    pending = null;
    if (!s || !cacheFile) return false;
    try {
      // A directory that cannot be written costs no createCachedData (≈ 10–20 ms at every exit otherwise).
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.accessSync(path.dirname(cacheFile), fs.constants.W_OK);
      return writeCodeCache(cacheFile, s.createCachedData());
    } catch {
      return false;
    }
  };
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, path.dirname(file));
  return { cache, save };
}
