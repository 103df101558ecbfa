// Can the linker find each `-l<name>`? Look in the `-L` dirs and the compiler driver's library search dirs
// (`cc -print-search-dirs`, cached per compiler fingerprint); anything not found there is confirmed with a
// tiny trial link (the linker has default dirs the driver does not print, e.g. /usr/local/lib), which is
// also the fallback when the compiler has no -print-search-dirs.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CgoDiagnostic, Range } from '../core/types.js';
import { makeDiagnostic, short } from '../core/message.js';
import { run } from '../util/proc.js';
import { compilerEnv, DEV_NULL, gccMachine, librarySearchDirs } from './ccinfo.js';
import { LIB_PACKAGES, packageManagerHint, type OsInfo } from './pkgconfig.js';

export interface LibraryCheckOptions {
  /** CC argv, resolved. */
  cc: string[];
  goos: string;
  goarch: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Confirm "not found in the listed dirs" with a trial link (default true). */
  confirmWithLink?: boolean;
}

export interface LibraryCheck {
  /** The name after -l (for `-l:libx.a`, the `:libx.a` form). */
  name: string;
  /** The flag as given (`-lfoo`, or `-l foo`). */
  flag: string;
  /** Index of the flag in the ldflags array (so callers can map it to a directive argument). */
  index: number;
  status: 'found' | 'missing' | 'unknown';
  /** The file found, when found by the directory search. */
  path?: string;
  /** Directories searched, in order (-L dirs first). */
  searched: string[];
  /** How the status was decided. */
  method: 'search-dirs' | 'trial-link';
  /** Linker output of the trial link when it failed. */
  linkerOutput?: string;
}

export interface LibraryCheckResult {
  libs: LibraryCheck[];
  missing: LibraryCheck[];
  timedOut: boolean;
  durationMs: number;
}

/** File names the linker accepts for -l<name> on the target OS, in its preference order. */
export function libraryFileNames(name: string, goos: string): string[] {
  if (name.startsWith(':')) return [name.slice(1)];
  switch (goos) {
    case 'windows':
      return [`lib${name}.dll.a`, `${name}.dll.a`, `lib${name}.a`, `${name}.lib`, `lib${name}.lib`, `lib${name}.dll`, `${name}.dll`];
    case 'darwin':
    case 'ios':
      return [`lib${name}.tbd`, `lib${name}.dylib`, `lib${name}.so`, `lib${name}.a`];
    default:
      return [`lib${name}.so`, `lib${name}.a`];
  }
}

/** Extract `-l` names and `-L` dirs from linker flags (both `-lx` and `-l x` forms). */
export function parseLinkerFlags(ldflags: string[], cwd: string): { libs: { name: string; flag: string; index: number }[]; dirs: string[] } {
  const libs: { name: string; flag: string; index: number }[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < ldflags.length; i++) {
    const f = ldflags[i]!;
    if (f === '-l' || f === '-L') {
      const v = ldflags[i + 1];
      if (v === undefined) continue;
      if (f === '-l') libs.push({ name: v, flag: `-l ${v}`, index: i });
      else dirs.push(path.resolve(cwd, v));
      i++;
    } else if (f.startsWith('-l') && f.length > 2) {
      libs.push({ name: f.slice(2), flag: f, index: i });
    } else if (f.startsWith('-L') && f.length > 2) {
      dirs.push(path.resolve(cwd, f.slice(2)));
    } else if (f.startsWith('-Wl,')) {
      // -Wl,-L/dir and -Wl,-lfoo (rare but legal)
      for (const part of f.slice(4).split(',')) {
        if (part.startsWith('-L') && part.length > 2) dirs.push(path.resolve(cwd, part.slice(2)));
        else if (part.startsWith('-l') && part.length > 2) libs.push({ name: part.slice(2), flag: f, index: i });
      }
    }
  }
  return { libs, dirs };
}

function findIn(dirs: string[], names: string[]): string | undefined {
  for (const d of dirs) {
    for (const n of names) {
      const p = path.join(d, n);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

/** Check every -l in `ldflags`. Never throws. */
export async function checkLibraries(ldflags: string[], opts: LibraryCheckOptions): Promise<LibraryCheckResult> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const result: LibraryCheckResult = { libs: [], missing: [], timedOut: false, durationMs: 0 };
  try {
    const { libs, dirs } = parseLinkerFlags(ldflags, opts.cwd);
    if (libs.length === 0) return { ...result, durationMs: Date.now() - started };
    const machine = gccMachine(opts.goarch, opts.goos, opts.env);
    const probe = { env: opts.env, cwd: opts.cwd, timeoutMs: remaining(), signal: opts.signal };
    const sysDirs = opts.cc.length > 0 ? await librarySearchDirs(opts.cc, machine, probe) : null;
    const searched = [...dirs, ...(sysDirs ?? [])];
    const seen = new Map<string, LibraryCheck>();
    for (const l of libs) {
      const prev = seen.get(l.name);
      if (prev) {
        result.libs.push({ ...prev, flag: l.flag, index: l.index });
        continue;
      }
      const found = sysDirs ? findIn(searched, libraryFileNames(l.name, opts.goos)) : undefined;
      let check: LibraryCheck;
      if (found) {
        check = { ...l, status: 'found', path: found, searched, method: 'search-dirs' };
      } else if (opts.confirmWithLink === false && sysDirs) {
        check = { ...l, status: 'missing', searched, method: 'search-dirs' };
      } else {
        check = await trialLink(l, dirs, machine, searched, opts, remaining());
        if (check.status === 'unknown' && /timed out/.test(check.linkerOutput ?? '')) result.timedOut = true;
      }
      seen.set(l.name, check);
      result.libs.push(check);
    }
    result.missing = result.libs.filter((l) => l.status === 'missing');
    return { ...result, durationMs: Date.now() - started };
  } catch {
    return { ...result, durationMs: Date.now() - started };
  }
}

async function trialLink(
  l: { name: string; flag: string; index: number },
  dirs: string[],
  machine: string[],
  searched: string[],
  opts: LibraryCheckOptions,
  timeoutMs: number,
): Promise<LibraryCheck> {
  const [prog, ...pre] = opts.cc;
  const base = { ...l, searched, method: 'trial-link' as const };
  if (!prog) return { ...base, status: 'unknown', linkerOutput: 'no C compiler' };
  const r = await run(prog, [...pre, ...machine, ...dirs.map((d) => '-L' + d), '-xc', '-', '-o', DEV_NULL, '-xnone', '-l' + l.name], {
    env: compilerEnv(opts.env),
    cwd: opts.cwd,
    timeoutMs,
    signal: opts.signal,
    input: 'int main(void) { return 0; }\n',
    maxOutput: 1 << 20,
  });
  if (r.timedOut) return { ...base, status: 'unknown', linkerOutput: `trial link timed out after ${timeoutMs} ms` };
  if (r.canceled || r.spawnError) return { ...base, status: 'unknown', linkerOutput: r.spawnError ?? 'canceled' };
  if (r.exitCode === 0) return { ...base, status: 'found' };
  const out = r.stderr + r.stdout;
  const esc = l.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`cannot find -l${esc}|library not found for -l${esc}|unable to find library -l${esc}`).test(out)) {
    return { ...base, status: 'missing', linkerOutput: out.trim() };
  }
  return { ...base, status: 'unknown', linkerOutput: out.trim() };
}

export interface LibraryDiagnosticInput {
  file: string;
  check: LibraryCheck;
  range: Range;
  os?: OsInfo;
}

/** The diagnostic for a missing library (null when it is not missing). */
export function libraryDiagnostic(input: LibraryDiagnosticInput): CgoDiagnostic | null {
  const { check } = input;
  if (check.status !== 'missing') return null;
  const pkg = LIB_PACKAGES[check.name];
  const hint = pkg ? packageManagerHint(pkg, input.os) : null;
  const shown = check.searched.slice(0, 12);
  const more = check.searched.length > shown.length ? ` (+${check.searched.length - shown.length} more)` : '';
  return makeDiagnostic({
    file: input.file,
    range: input.range,
    severity: 'error',
    code: 'cgo/library-not-found',
    cause: `The linker will fail: cannot find -l${short(check.name)}`,
    fix:
      `${hint ? `install the library's development files (\`${hint.command}\`)` : `install the development package of lib${check.name}`}` +
      `, or add its directory with \`#cgo LDFLAGS: -L<dir>\` (or CGO_LDFLAGS)`,
    details: `No ${libraryFileNames(check.name, 'linux').join(' / ')} or platform equivalent in ${shown.length > 0 ? shown.join(', ') + more : 'the linker search path'}.`,
    data: { library: check.name, searched: check.searched, installCommand: hint?.command, method: check.method },
  });
}
