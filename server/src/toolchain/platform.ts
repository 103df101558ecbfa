// The operating system as the go command sees it: GOOS-style names, an environment that is case-insensitive on
// Windows, and the few file-system questions LookPath and the GOENV logic ask. Everything is injectable so that
// Windows and macOS behaviour can be tested on Linux with made-up data.
import { accessSync, constants as fsConstants, realpathSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { goQuote } from '../core/goquote.js';
import { host } from '../core/host.js';

/** GOOS names (what `go env GOHOSTOS` prints). */
export type GoOS =
  'linux' | 'darwin' | 'windows' | 'freebsd' | 'openbsd' | 'netbsd' | 'dragonfly' | 'solaris' | 'illumos' | 'aix' | 'android' | 'ios' | 'plan9' | (string & {});

export type Env = Record<string, string | undefined>;

/** Result of a stat: either the facts LookPath needs, or the errno of the failure (`ENOENT`, `ENOTDIR` …). */
export type StatResult =
  { ok: true; isFile: boolean; isDirectory: boolean; mode: number; mtimeMs: number; dev: number; ino: number } | { ok: false; code: string };

export interface Platform {
  os: GoOS;
  /** GOARCH naming: amd64, arm64, 386 … */
  arch: string;
  /** The environment; on windows lookups must be case-insensitive (use `makeEnv`). */
  env: Env;
  /** Current directory (Go's LookPath resolves `.` entries against it). */
  cwd: string;
  /** os.Stat (follows symlinks). */
  stat(p: string): Promise<StatResult>;
  /** unix.Eaccess(p, X_OK) on unix; on windows every regular file counts. */
  isExecutableFile(p: string): Promise<boolean>;
  exists(p: string): Promise<boolean>;
  /** File contents, or null when unreadable. */
  readFile(p: string): Promise<string | null>;
  /** Symlink-resolved absolute path, or null. */
  realpath(p: string): Promise<string | null>;
  /** Modification time in ms, or null. */
  mtimeMs(p: string): Promise<number | null>;
}

export function goosOf(nodePlatform: NodeJS.Platform): GoOS {
  switch (nodePlatform) {
    case 'win32':
      return 'windows';
    case 'sunos':
      return 'solaris';
    default:
      return nodePlatform;
  }
}

export function goarchOf(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
    case 'x32':
      return '386';
    case 'ppc64':
      // Node reports ppc64 for both endiannesses; Go supports cgo on ppc64le only.
      return host().platform === 'aix' ? 'ppc64' : 'ppc64le';
    case 'loong64':
      return 'loong64';
    default:
      return nodeArch; // arm64, arm, riscv64, s390x, mips, mipsel …
  }
}

/** The GOOS and GOARCH of the machine cgo-ls runs on (core/host.ts reads Node's process.platform). */
export function hostTarget(): { goos: GoOS; goarch: string } {
  return { goos: goosOf(host().platform), goarch: goarchOf(host().arch) };
}

/** path.win32 for windows, path.posix elsewhere. */
export function pathFor(os: GoOS): path.PlatformPath {
  return os === 'windows' ? path.win32 : path.posix;
}

/** An environment object; on windows keys are looked up, set and deleted case-insensitively (like the OS). */
export function makeEnv(record: Env, os: GoOS): Env {
  if (os !== 'windows') return { ...record };
  const store: Record<string, string | undefined> = {};
  const find = (key: string): string | undefined => {
    const lower = key.toLowerCase();
    return Object.keys(store).find((k) => k.toLowerCase() === lower);
  };
  for (const [k, v] of Object.entries(record)) {
    const existing = find(k);
    if (existing !== undefined) delete store[existing];
    store[k] = v;
  }
  return new Proxy(store, {
    get(target, prop) {
      if (typeof prop !== 'string') return undefined;
      const k = find(prop);
      return k === undefined ? undefined : target[k];
    },
    set(target, prop, value) {
      if (typeof prop !== 'string') return false;
      const k = find(prop);
      if (k !== undefined && k !== prop) delete target[k];
      target[prop] = value as string | undefined;
      return true;
    },
    has(_target, prop) {
      return typeof prop === 'string' && find(prop) !== undefined;
    },
    deleteProperty(target, prop) {
      if (typeof prop !== 'string') return true;
      const k = find(prop);
      if (k !== undefined) delete target[k];
      return true;
    },
    getOwnPropertyDescriptor(target, prop) {
      if (typeof prop !== 'string') return undefined;
      const k = find(prop);
      return k === undefined ? undefined : { value: target[k], writable: true, enumerable: true, configurable: true };
    },
    ownKeys(target) {
      return Reflect.ownKeys(target);
    },
  });
}

/** Case-correct lookup (case-insensitive on windows even for plain objects). */
export function envGet(env: Env, key: string, os: GoOS): string | undefined {
  if (os !== 'windows') return env[key];
  const direct = env[key];
  if (direct !== undefined) return direct;
  const lower = key.toLowerCase();
  for (const k of Object.keys(env)) if (k.toLowerCase() === lower) return env[k];
  return undefined;
}

/** `base` with `overrides` applied (override keys replace base keys case-insensitively on windows). */
export function mergeEnv(base: Env, overrides: Env | undefined, os: GoOS): Env {
  const out = makeEnv(base, os);
  if (overrides) for (const [k, v] of Object.entries(overrides)) out[k] = v;
  return out;
}

/** Copy into a plain object suitable for a child process (drops undefined). */
export function plainEnv(env: Env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const k of Object.keys(env)) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function nodePlatform(env: Env = process.env, cwd = process.cwd()): Platform {
  const os = goosOf(host().platform);
  return {
    os,
    arch: goarchOf(host().arch),
    env: makeEnv(env, os),
    cwd,
    // The metadata questions are answered synchronously (wrapped in a promise): a stat of a local path takes
    // microseconds, while each awaited fs promise is a hop through libuv's threadpool and back to a main thread busy
    // with the first parses — a warm toolchain probe is ~100 of them (every PATH entry for go, gcc, g++, clang,
    // pkg-config …), and on an editor's second start they, not the work, made the probe take ~170 ms. util/proc.ts
    // and util/lookups.ts search PATH with statSync too. File contents (readFile) stay asynchronous.
    stat: async (p) => statNow(p),
    async isExecutableFile(p) {
      if (os === 'windows') {
        const st = statNow(p);
        return st.ok && st.isFile;
      }
      try {
        accessSync(p, fsConstants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    exists: async (p) => statNow(p).ok,
    async readFile(p) {
      try {
        return await readFile(p, 'utf8');
      } catch {
        return null;
      }
    },
    async realpath(p) {
      try {
        return realpathSync.native(p);
      } catch {
        return null;
      }
    },
    async mtimeMs(p) {
      const st = statNow(p);
      return st.ok ? st.mtimeMs : null;
    },
  };
}

/** Platform.stat for the real file system. */
function statNow(p: string): StatResult {
  let s: Stats | undefined;
  try {
    s = statSync(p, { throwIfNoEntry: false });
  } catch (e) {
    return { ok: false, code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  if (!s) return { ok: false, code: 'ENOENT' };
  return { ok: true, isFile: s.isFile(), isDirectory: s.isDirectory(), mode: s.mode, mtimeMs: s.mtimeMs, dev: s.dev, ino: s.ino };
}

/** A copy of `platform` that sees a different environment (same OS and file system). */
export function withEnv(platform: Platform, env: Env): Platform {
  return { ...platform, env: makeEnv(env, platform.os) };
}

// ---------------------------------------------------------------------------------------------------------------
// LookPath, as os/exec implements it (lp_unix.go / lp_windows.go, Go 1.19+ with the ErrDot rule and the 1.25
// validateLookPath check).

export type LookPathResult =
  | { ok: true; path: string }
  | {
      ok: false;
      /** The error text exactly as Go prints it: `exec: "gcc": executable file not found in $PATH`. */
      error: string;
      /** Why: not-found, errdot (found only relative to the current directory), stat, is-dir, permission. */
      kind: 'not-found' | 'errdot' | 'stat' | 'is-dir' | 'permission' | 'invalid';
      /** For errdot: where the relative match was. */
      path?: string;
    };

const ERRDOT = 'cannot run executable found relative to current directory';

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EISDIR: 'is a directory',
};

function notFoundText(os: GoOS): string {
  return os === 'windows'
    ? 'executable file not found in %PATH%'
    : os === 'plan9'
      ? 'executable file not found in $path'
      : 'executable file not found in $PATH';
}

function execError(name: string, msg: string): string {
  return `exec: ${goQuote(name)}: ${msg}`;
}

/** filepath.SplitList: unix splits on ':'; windows on ';' outside double quotes, then removes the quotes. */
export function splitPathList(value: string, os: GoOS): string[] {
  if (value === '') return [];
  if (os !== 'windows') return value.split(os === 'plan9' ? '\0' : ':');
  const list: string[] = [];
  let start = 0;
  let quo = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quo = !quo;
    else if (c === ';' && !quo) {
      list.push(value.slice(start, i));
      start = i + 1;
    }
  }
  list.push(value.slice(start));
  return list.map((s) => s.replaceAll('"', ''));
}

/** PATHEXT as Go's pathExt() reads it (lower-cased, dot added, empty entries skipped; default .com;.exe;.bat;.cmd). */
export function pathExts(env: Env): string[] {
  const x = envGet(env, 'PATHEXT', 'windows');
  if (!x) return ['.com', '.exe', '.bat', '.cmd'];
  const exts: string[] = [];
  for (let e of x.toLowerCase().split(';')) {
    if (e === '') continue;
    if (e[0] !== '.') e = '.' + e;
    exts.push(e);
  }
  return exts;
}

async function unixFindExecutable(p: string, platform: Platform): Promise<string | null> {
  const st = await platform.stat(p);
  if (!st.ok) return `stat ${p}: ${ERRNO_TEXT[st.code] ?? st.code}`;
  if (st.isDirectory) return 'is a directory';
  if (await platform.isExecutableFile(p)) return null;
  return 'permission denied';
}

async function winChkStat(p: string, platform: Platform): Promise<string | null> {
  const st = await platform.stat(p);
  if (!st.ok) {
    return st.code === 'ENOENT' ? `CreateFile ${p}: The system cannot find the file specified.` : `CreateFile ${p}: ${ERRNO_TEXT[st.code] ?? st.code}`;
  }
  if (st.isDirectory) return 'permission denied';
  return null;
}

function winHasExt(file: string): boolean {
  const i = file.lastIndexOf('.');
  if (i < 0) return false;
  let j = -1;
  for (const sep of [':', '\\', '/']) j = Math.max(j, file.lastIndexOf(sep));
  return j < i;
}

async function winFindExecutable(file: string, exts: string[], platform: Platform): Promise<{ path: string } | { err: string; notFound: boolean }> {
  if (exts.length === 0) {
    const e = await winChkStat(file, platform);
    return e === null ? { path: file } : { err: e, notFound: false };
  }
  if (winHasExt(file) && (await winChkStat(file, platform)) === null) return { path: file };
  for (const e of exts) {
    const f = file + e;
    if ((await winChkStat(f, platform)) === null) return { path: f };
  }
  if (winHasExt(file)) return { err: 'file does not exist', notFound: false };
  return { err: notFoundText('windows'), notFound: true };
}

async function sameFile(a: string, b: string, platform: Platform): Promise<boolean> {
  const [sa, sb] = await Promise.all([platform.stat(a), platform.stat(b)]);
  if (!sa.ok || !sb.ok) return false;
  if (sa.ino !== 0 || sb.ino !== 0) return sa.dev === sb.dev && sa.ino === sb.ino;
  const [ra, rb] = await Promise.all([platform.realpath(a), platform.realpath(b)]);
  return ra !== null && ra === rb;
}

/**
 * exec.LookPath(name) as Go implements it on `platform.os`, using `platform.env` (PATH / %PATH%, PATHEXT,
 * NoDefaultCurrentDirectoryInExePath). Modern Go (1.19+) refuses matches relative to the current directory
 * ("." or an empty PATH entry on unix, the implicit current directory on windows) with ErrDot.
 */
export async function lookPath(name: string, platform: Platform): Promise<LookPathResult> {
  const os = platform.os;
  const p = pathFor(os);
  if (name === '' || name === '.' || name === '..') {
    return { ok: false, error: execError(name, notFoundText(os)), kind: 'invalid' };
  }
  if (os !== 'windows') {
    if (name.includes('/')) {
      const err = await unixFindExecutable(name, platform);
      if (err === null) return { ok: true, path: name };
      return {
        ok: false,
        error: execError(name, err),
        kind: err.startsWith('stat ') ? 'stat' : err === 'is a directory' ? 'is-dir' : 'permission',
      };
    }
    const pathVar = envGet(platform.env, os === 'plan9' ? 'path' : 'PATH', os) ?? '';
    for (let dir of splitPathList(pathVar, os)) {
      if (dir === '') dir = '.';
      const candidate = p.join(dir, name);
      const full = p.isAbsolute(candidate) ? candidate : p.resolve(platform.cwd, candidate);
      if ((await unixFindExecutable(full, platform)) === null) {
        if (!p.isAbsolute(candidate)) {
          return { ok: false, error: execError(name, ERRDOT), kind: 'errdot', path: candidate };
        }
        return { ok: true, path: candidate };
      }
    }
    return { ok: false, error: execError(name, notFoundText(os)), kind: 'not-found' };
  }

  // windows
  const exts = pathExts(platform.env);
  const abs = (f: string) => (p.isAbsolute(f) ? f : p.resolve(platform.cwd, f));
  if (/[:\\/]/.test(name)) {
    const r = await winFindExecutableAt(name, exts, platform, abs);
    if ('path' in r) return { ok: true, path: r.path };
    return { ok: false, error: execError(name, r.err), kind: r.notFound ? 'not-found' : 'stat' };
  }
  let dotf: string | null = null;
  if (envGet(platform.env, 'NoDefaultCurrentDirectoryInExePath', os) === undefined) {
    const r = await winFindExecutableAt(p.join('.', name), exts, platform, abs);
    if ('path' in r) dotf = r.path;
  }
  const pathVar = envGet(platform.env, 'path', os) ?? '';
  for (const dir of splitPathList(pathVar, os)) {
    if (dir === '') continue;
    const r = await winFindExecutableAt(p.join(dir, name), exts, platform, abs);
    if (!('path' in r)) continue;
    const f = r.path;
    if (dotf !== null) {
      if (!(await sameFile(abs(dotf), abs(f), platform))) {
        return { ok: false, error: execError(name, ERRDOT), kind: 'errdot', path: dotf };
      }
    }
    if (!p.isAbsolute(f)) {
      if (dotf === null) dotf = f;
      continue;
    }
    return { ok: true, path: f };
  }
  if (dotf !== null) return { ok: false, error: execError(name, ERRDOT), kind: 'errdot', path: dotf };
  return { ok: false, error: execError(name, notFoundText(os)), kind: 'not-found' };
}

/** winFindExecutable on a path that may be relative (stat resolves it against platform.cwd, the result keeps it). */
async function winFindExecutableAt(
  file: string,
  exts: string[],
  platform: Platform,
  abs: (f: string) => string,
): Promise<{ path: string } | { err: string; notFound: boolean }> {
  const shim: Platform = { ...platform, stat: (q) => platform.stat(abs(q)) };
  return winFindExecutable(file, exts, shim);
}

/**
 * Every executable `name` on PATH in order (each PATH entry once), as the shell would find them; the first one is
 * what LookPath returns (entries relative to the current directory are skipped: Go refuses them).
 */
export async function lookPathAll(name: string, platform: Platform): Promise<string[]> {
  const os = platform.os;
  const p = pathFor(os);
  const out: string[] = [];
  const seen = new Set<string>();
  const pathVar = envGet(platform.env, os === 'plan9' ? 'path' : 'PATH', os) ?? '';
  const exts = os === 'windows' ? pathExts(platform.env) : [];
  for (const dir of splitPathList(pathVar, os)) {
    if (dir === '' || !p.isAbsolute(dir)) continue;
    const key = os === 'windows' ? dir.toLowerCase() : dir;
    if (seen.has(key)) continue;
    seen.add(key);
    const candidate = p.join(dir, name);
    if (os === 'windows') {
      const r = await winFindExecutable(candidate, exts, platform);
      if ('path' in r) out.push(r.path);
    } else if ((await unixFindExecutable(candidate, platform)) === null) {
      out.push(candidate);
    }
  }
  return out;
}

/** The executable name of a command on `os` (`go` → `go.exe` on windows). */
export function exeName(base: string, os: GoOS): string {
  return os === 'windows' ? `${base}.exe` : base;
}

export { goQuote };
