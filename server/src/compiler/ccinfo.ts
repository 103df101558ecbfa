// Facts about a C compiler that do not change while its binary does not change: a fingerprint, which
// diagnostics options it accepts, whether it is clang (cmd/cgo checks `__clang__`), and its include and
// library search directories. Each is computed once per compiler fingerprint and cached (failed or
// timed-out probes are not cached).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rememberedLookup } from '../util/lookups.js';
import { run, type RunResult } from '../util/proc.js';
import { goQuote } from '../core/goquote.js';
import { hostIsWindows } from '../core/host.js';
import { binaryStamp, factCache, toolKey } from '../toolchain/diskcache.js';

export interface ProbeOpts {
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** What the toolchain probe identified the compiler as (a hint for how to probe its features, never a verdict). */
  family?: string;
  /** The first line of its `--version`, when the toolchain probe has it (a GCC release ≥ 11 needs no feature probe). */
  banner?: string;
}

/**
 * The features of a compiler whose `--version` banner proves them without a run: GCC's own banner
 * (`gcc (Debian 12.2.0-14) 12.2.0`, `x86_64-w64-mingw32-gcc (GCC) 13.1.0`) from release 11 on, which accepts
 * `-fdiagnostics-column-unit=byte` and is not clang. Null for anything else (the probe asks the compiler).
 */
export function featuresFromBanner(family: string | undefined, banner: string | undefined): CompilerFeatures | null {
  if (family !== 'gcc' || !banner) return null;
  const m = /^\S*(?:gcc|g\+\+|cc)(?:-\d+)?(?:\.exe)? \([^)]*\) (\d+)\.\d+(?:\.\d+)?\b/.exec(banner.trim());
  if (!m || Number(m[1]) < 11) return null;
  return { columnUnitByte: true, isClang: false };
}

/** Resolve a program name the way exec.LookPath does (PATH from `env`; PATHEXT on Windows). */
export function lookPath(prog: string, env: NodeJS.ProcessEnv): string | null {
  if (!prog) return null;
  const isWin = hostIsWindows();
  const exts = isWin ? (env.PATHEXT ?? env.Pathext ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  const tryFile = (p: string): string | null => {
    const cands = isWin && path.extname(p) === '' ? [p, ...exts.map((e) => p + e.toLowerCase()), ...exts.map((e) => p + e)] : [p];
    for (const c of cands) {
      try {
        const st = statSync(c);
        if (st.isFile()) return c;
      } catch {
        /* next */
      }
    }
    return null;
  };
  if (prog.includes('/') || (isWin && prog.includes('\\'))) return tryFile(path.resolve(prog));
  const PATH = env.PATH ?? env.Path ?? '';
  // Remembered for a second (util/lookups.ts): every compile asks for its compiler's fingerprint.
  return rememberedLookup(`cc\0${prog}\0${PATH}\0${exts.join(';')}`, () => {
    for (const dir of PATH.split(path.delimiter)) {
      if (!dir) continue;
      const r = tryFile(path.join(dir, prog));
      if (r) return r;
    }
    return null;
  });
}

/** Stable identity of a compiler command: argv + resolved binary + its size and mtime. */
export function compilerFingerprint(cc: string[], env: NodeJS.ProcessEnv): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(cc));
  const p = lookPath(cc[0] ?? '', env);
  h.update('\0' + (p ?? 'not-found'));
  if (p) {
    try {
      const st = statSync(p);
      h.update(`\0${st.size}\0${st.mtimeMs}`);
    } catch {
      /* vanished */
    }
  }
  return h.digest('hex').slice(0, 32);
}

/** cmd/cgo's gccMachine(): the flags it adds for the target architecture. */
export function gccMachine(goarch: string, goos: string, env: NodeJS.ProcessEnv = {}): string[] {
  switch (goarch) {
    case 'amd64':
      return goos === 'darwin' ? ['-arch', 'x86_64', '-m64'] : ['-m64'];
    case 'arm64':
      return goos === 'darwin' ? ['-arch', 'arm64'] : [];
    case '386':
      return ['-m32'];
    case 'arm':
      return ['-marm'];
    case 's390':
      return ['-m31'];
    case 's390x':
      return ['-m64'];
    case 'mips64':
    case 'mips64le': {
      const f = env.GOMIPS64 || 'hardfloat';
      return f === 'softfloat' ? ['-mabi=64', '-msoft-float'] : ['-mabi=64', '-mhard-float'];
    }
    case 'mips':
    case 'mipsle': {
      const f = env.GOMIPS || 'hardfloat';
      return f === 'softfloat' ? ['-mabi=32', '-msoft-float'] : ['-mabi=32', '-mfp32', '-mhard-float', '-mno-odd-spreg'];
    }
    case 'loong64':
      return ['-mabi=lp64d'];
    default:
      return [];
  }
}

/** Environment for compiler runs: untranslated messages (parsable), TERM=dumb like cmd/go's cCompilerEnv. */
export function compilerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...env };
  delete e.LC_ALL;
  e.LC_MESSAGES = 'C';
  e.TERM = 'dumb';
  return e;
}

/**
 * The disk-cache key of a fact about compiler `cc` (see toolchain/diskcache.ts): its argv, the resolved binary's
 * stamp and the variables a compiler driver reads; null when the disk cache is off or the binary cannot be stamped.
 */
async function diskKey(cc: string[], env: NodeJS.ProcessEnv, extra: unknown): Promise<unknown> {
  if (!factCache().enabled) return null;
  const p = lookPath(cc[0] ?? '', env);
  const stamp = p ? await binaryStamp(p) : null;
  if (!stamp) return null;
  return { argv: cc, tool: toolKey(stamp, compilerEnv(env), 'compiler', hostIsWindows() ? 'windows' : 'linux'), extra };
}

export interface CompilerFeatures {
  /** Accepts `-fdiagnostics-column-unit=byte` (gcc ≥ 11). Without it gcc < 11 and clang report byte columns anyway. */
  columnUnitByte: boolean;
  /** `__clang__` is predefined (cmd/cgo's test, so zig cc counts as clang). */
  isClang: boolean;
  /** `__GNUC__.__GNUC_MINOR__` when defined. */
  gnuc?: string;
}

export interface FeatureProbeResult {
  features: CompilerFeatures | null;
  /** A probe that timed out / was canceled / could not start (features is null then). */
  failed?: { run: RunResult; reason: 'timeout' | 'canceled' | 'spawn' };
}

const featureCache = new Map<string, CompilerFeatures>();

function flagAccepted(r: RunResult): boolean {
  if (r.timedOut || r.canceled || r.spawnError) return false;
  if (r.exitCode !== 0) return false;
  return !/unrecognized|unknown argument|unknown option|unsupported option|invalid argument/i.test(r.stderr);
}

/**
 * One probe per key at a time: later askers join the running one. A probe that was canceled by its starter's
 * signal answers nothing for the others: an asker whose own signal is live runs it again.
 */
function shared<T>(inFlight: Map<string, { p: Promise<T>; signal?: AbortSignal }>, key: string, opts: ProbeOpts, start: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key);
  if (running) return running.p.then((r) => (running.signal?.aborted && !opts.signal?.aborted ? start() : r));
  const p = start().finally(() => {
    if (inFlight.get(key)?.p === p) inFlight.delete(key);
  });
  inFlight.set(key, { p, signal: opts.signal });
  return p;
}

const featuresInFlight = new Map<string, { p: Promise<FeatureProbeResult>; signal?: AbortSignal }>();

/** Probe (or return the cached) features of a compiler; concurrent askers share one probe. Never throws. */
export function compilerFeatures(cc: string[], opts: ProbeOpts): Promise<FeatureProbeResult> {
  const fp = compilerFingerprint(cc, opts.env);
  const cached = featureCache.get(fp);
  if (cached) return Promise.resolve({ features: cached });
  // One wrapper word at most (`ccache gcc` prints gcc's banner, but the features asked are the wrapper's command line's).
  const known = cc.length === 1 ? featuresFromBanner(opts.family, opts.banner) : null;
  if (known) {
    featureCache.set(fp, known);
    return Promise.resolve({ features: known });
  }
  return shared(featuresInFlight, fp, opts, () => probeFeatures(cc, fp, opts));
}

async function probeFeatures(cc: string[], fp: string, opts: ProbeOpts): Promise<FeatureProbeResult> {
  const key = await diskKey(cc, opts.env, 'features');
  const stored = key === null ? undefined : await factCache().get<CompilerFeatures>('cc-features', key);
  if (stored && typeof stored.columnUnitByte === 'boolean' && typeof stored.isClang === 'boolean') {
    featureCache.set(fp, stored);
    return { features: stored };
  }
  const env = compilerEnv(opts.env);
  const ro = { env, cwd: opts.cwd, timeoutMs: opts.timeoutMs, signal: opts.signal, input: '', maxOutput: 1 << 20 };
  const [prog, ...pre] = cc;
  if (!prog) return { features: null };
  const failure = (r: RunResult): FeatureProbeResult | null => {
    if (r.timedOut) return { features: null, failed: { run: r, reason: 'timeout' } };
    if (r.canceled) return { features: null, failed: { run: r, reason: 'canceled' } };
    if (r.spawnError) return { features: null, failed: { run: r, reason: 'spawn' } };
    return null;
  };
  const columnArgs = [...pre, '-fdiagnostics-column-unit=byte', '-E', '-dM', '-xc', '-'];
  const defsArgs = [...pre, '-E', '-dM', '-xc', '-'];
  try {
    // One run asks both questions: the macros (`-E -dM`) with the column-unit flag. A compiler that rejects the flag
    // (gcc < 11, clang) says so and predefines nothing, and the macros are asked again without it. A clang-family
    // compiler (identified by the toolchain probe) gets both runs side by side at once.
    let col: RunResult;
    let defs: RunResult;
    if (opts.family === 'clang' || opts.family === 'zig') {
      [col, defs] = await Promise.all([run(prog, columnArgs, ro), run(prog, defsArgs, ro)]);
    } else {
      col = await run(prog, columnArgs, ro);
      defs = col;
    }
    const colFailed = failure(col);
    if (colFailed) return colFailed;
    if (!flagAccepted(col) && defs === col) defs = await run(prog, defsArgs, ro);
    const defsFailed = failure(defs);
    if (defsFailed) return defsFailed;
    const gnucMajor = /#define __GNUC__ (\d+)/.exec(defs.stdout)?.[1];
    const gnucMinor = /#define __GNUC_MINOR__ (\d+)/.exec(defs.stdout)?.[1];
    const features: CompilerFeatures = {
      columnUnitByte: flagAccepted(col),
      isClang: /#define __clang__\b/.test(defs.stdout),
      gnuc: gnucMajor ? `${gnucMajor}.${gnucMinor ?? 0}` : undefined,
    };
    featureCache.set(fp, features);
    if (key !== null) factCache().setLater('cc-features', key, features);
    return { features };
  } catch {
    return { features: null };
  }
}

const includeDirCache = new Map<string, string[]>();

/**
 * The compiler's built-in `#include <…>` search directories (from `cc -E -v -xc -`), for the given machine
 * flags. Cached per fingerprint + machine flags. Returns [] when the compiler does not print them.
 */
const includeDirsInFlight = new Map<string, { p: Promise<string[]>; signal?: AbortSignal }>();

export function systemIncludeDirs(cc: string[], machine: string[], opts: ProbeOpts): Promise<string[]> {
  const key = compilerFingerprint(cc, opts.env) + JSON.stringify(machine);
  const c = includeDirCache.get(key);
  if (c) return Promise.resolve(c);
  return shared(includeDirsInFlight, key, opts, () => probeIncludeDirs(cc, machine, key, opts));
}

async function probeIncludeDirs(cc: string[], machine: string[], key: string, opts: ProbeOpts): Promise<string[]> {
  const [prog, ...pre] = cc;
  if (!prog) return [];
  const dk = await diskKey(cc, opts.env, { includeDirs: machine });
  const stored = dk === null ? undefined : await factCache().get<string[]>('cc-include-dirs', dk);
  if (Array.isArray(stored) && stored.every((d) => typeof d === 'string')) {
    includeDirCache.set(key, stored);
    return stored;
  }
  try {
    const r = await run(prog, [...pre, ...machine, '-E', '-v', '-xc', '-'], {
      env: compilerEnv(opts.env),
      cwd: opts.cwd,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      input: '',
      maxOutput: 1 << 20,
    });
    if (r.timedOut || r.canceled || r.spawnError) return [];
    const dirs = parseIncludeSearchList(r.stderr);
    includeDirCache.set(key, dirs);
    if (dk !== null) factCache().setLater('cc-include-dirs', dk, dirs);
    return dirs;
  } catch {
    return [];
  }
}

/** Parse the `#include "..." search starts here:` / `#include <...> search starts here:` block of `-v` output. */
export function parseIncludeSearchList(stderr: string): string[] {
  const dirs: string[] = [];
  let inList = false;
  for (const raw of stderr.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^#include [<"].*search starts here:/.test(line)) {
      inList = true;
      continue;
    }
    if (/^End of search list\./.test(line)) break;
    if (inList && /^\s/.test(line)) {
      const d = line.trim().replace(/ \(framework directory\)$/, '');
      if (d) dirs.push(path.normalize(d));
    }
  }
  return dirs;
}

const libDirCache = new Map<string, string[] | null>();

/**
 * The linker search directories the compiler driver passes (`cc -print-search-dirs` → `libraries: =a:b`).
 * null when the compiler does not support -print-search-dirs (the caller falls back to a trial link).
 */
export async function librarySearchDirs(cc: string[], machine: string[], opts: ProbeOpts): Promise<string[] | null> {
  const key = compilerFingerprint(cc, opts.env) + JSON.stringify(machine);
  if (libDirCache.has(key)) return libDirCache.get(key)!;
  const [prog, ...pre] = cc;
  if (!prog) return null;
  const dk = await diskKey(cc, opts.env, { libraryDirs: machine });
  const stored = dk === null ? undefined : await factCache().get<{ dirs: string[] | null }>('cc-library-dirs', dk);
  if (stored && (stored.dirs === null || Array.isArray(stored.dirs))) {
    libDirCache.set(key, stored.dirs);
    return stored.dirs;
  }
  try {
    const r = await run(prog, [...pre, ...machine, '-print-search-dirs'], {
      env: compilerEnv(opts.env),
      cwd: opts.cwd,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      input: '',
      maxOutput: 1 << 20,
    });
    if (r.timedOut || r.canceled || r.spawnError) return null;
    const dirs = parseLibrarySearchDirs(r.stdout);
    libDirCache.set(key, dirs);
    if (dk !== null) factCache().setLater('cc-library-dirs', dk, { dirs });
    return dirs;
  } catch {
    return null;
  }
}

/** Parse `libraries: =/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/lib/...` (the list separator is the platform's). */
export function parseLibrarySearchDirs(stdout: string): string[] | null {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith('libraries:'));
  if (!line) return null;
  let v = line.slice('libraries:'.length).trim();
  if (v.startsWith('=')) v = v.slice(1);
  // mingw gcc on Windows uses ';' (drive letters contain ':'); elsewhere ':'.
  const sep = /^[A-Za-z]:[\\/]/.test(v) || v.includes(';') ? ';' : ':';
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of v.split(sep)) {
    if (!d) continue;
    const n = path.normalize(d);
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

/** os.devNull, exported so tests and callers agree. */
export const DEV_NULL = os.devNull;

/** Test hook: forget cached compiler facts. */
export function clearCompilerCaches(): void {
  featureCache.clear();
  includeDirCache.clear();
  libDirCache.clear();
}

export { goQuote };
