// Which MinGW-w64 runtime DLLs will a cgo binary import, where do they live, and where would Windows look for them?
//
// Observed with Debian bookworm's gcc-mingw-w64 12 (x86_64-w64-mingw32-gcc/g++, "-win32" and "-posix" thread-model
// alternatives) and `go build` (1.19 and 1.26), objdump -p / parsePeImports of the results:
//   * C only (cgo with .c files or a C preamble):           KERNEL32.dll msvcrt.dll              (both models)
//   * C++ (a .cpp file in the package, so g++ links):       + libgcc_s_seh-1.dll libstdc++-6.dll  (both models)
//   * C++ with -static-libgcc:                             + libstdc++-6.dll
//   * C++ with -static-libstdc++:                          + libgcc_s_seh-1.dll  (posix: + libwinpthread-1.dll)
//   * C++ with -static-libgcc -static-libstdc++:           nothing more (win32)  /  + libwinpthread-1.dll (posix)
//   * C++ with -static:                                    nothing more (both models)
//   * posix model: libstdc++-6.dll and libgcc_s_seh-1.dll themselves import libwinpthread-1.dll.
//   * `-lfoo` against an import library imports its DLL only when a symbol from it is referenced.
// runtime/cgo never adds -static-libgcc (cgo-rules.md §9.2), and `go build` succeeds either way: the failure is at
// start-up (STATUS_DLL_NOT_FOUND, 0xc0000135).
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../util/proc.js';
import { importLibraryDlls, readPeImportsFile, isPeError } from './pe.js';
import { hostIsWindows } from '../core/host.js';

/** DLLs every Windows installation has (and KnownDLLs); a binary importing only these starts anywhere. */
export const KNOWN_SYSTEM_DLLS: readonly string[] = [
  'kernel32.dll',
  'kernelbase.dll',
  'ntdll.dll',
  'msvcrt.dll',
  'ucrtbase.dll',
  'user32.dll',
  'gdi32.dll',
  'gdiplus.dll',
  'advapi32.dll',
  'shell32.dll',
  'shlwapi.dll',
  'ole32.dll',
  'oleaut32.dll',
  'comctl32.dll',
  'comdlg32.dll',
  'ws2_32.dll',
  'wsock32.dll',
  'mswsock.dll',
  'iphlpapi.dll',
  'dnsapi.dll',
  'winhttp.dll',
  'wininet.dll',
  'crypt32.dll',
  'bcrypt.dll',
  'bcryptprimitives.dll',
  'ncrypt.dll',
  'secur32.dll',
  'sspicli.dll',
  'rpcrt4.dll',
  'setupapi.dll',
  'cfgmgr32.dll',
  'version.dll',
  'winmm.dll',
  'imm32.dll',
  'uxtheme.dll',
  'dwmapi.dll',
  'opengl32.dll',
  'glu32.dll',
  'd3d9.dll',
  'd3d11.dll',
  'd3d12.dll',
  'dxgi.dll',
  'd2d1.dll',
  'dwrite.dll',
  'psapi.dll',
  'userenv.dll',
  'netapi32.dll',
  'powrprof.dll',
  'dbghelp.dll',
  'wintrust.dll',
  'winspool.drv',
  'hid.dll',
  'mpr.dll',
  'shcore.dll',
  'msimg32.dll',
  'usp10.dll',
  'wtsapi32.dll',
  'credui.dll',
  'normaliz.dll',
  'msvcp_win.dll',
  'combase.dll',
  'avrt.dll',
  'mfplat.dll',
  'ntdsapi.dll',
  'wldap32.dll',
  'dbgeng.dll',
  'oleacc.dll',
  'propsys.dll',
  'virtdisk.dll',
  'fwpuclnt.dll',
  'mscoree.dll',
];
const SYSTEM_SET = new Set(KNOWN_SYSTEM_DLLS);

/** A DLL Windows itself provides: the list above, and the API-set contracts (api-ms-win-*, ext-ms-win-*). */
export function isSystemDll(name: string): boolean {
  const n = name.toLowerCase();
  return SYSTEM_SET.has(n) || /^(api|ext)-ms-win-[a-z0-9-]+\.dll$/.test(n);
}

export type ThreadModel = 'posix' | 'win32' | 'mcf' | 'single' | 'unknown';

/** What cgo-ls knows about a MinGW-w64 toolchain's runtime DLLs. */
export interface MingwRuntime {
  /** Folders that hold the toolchain's runtime DLLs, best first. */
  dllDirs: string[];
  /** The linker's library search folders (for `-lfoo`). */
  libraryDirs: string[];
  threadModel: ThreadModel;
  /** Lower-case DLL name → absolute path, for the runtime DLLs that were found. */
  found: Record<string, string>;
  /** Lower-case DLL name → the lower-case DLLs it imports itself (non-system only). */
  dllImports: Record<string, string[]>;
}

export interface PredictInput {
  /** The package has C++ files (.cc/.cpp/.cxx), so `go build` links with $CXX. */
  hasCxx: boolean;
  /** Every linker flag the link sees: CGO_LDFLAGS, `#cgo LDFLAGS` of the package (and its cgo deps), pkg-config --libs. */
  ldflags: string[];
  cc: { family: string; flavor?: string; target?: string; banner?: string };
  goarch: string;
  /** From probeMingwRuntime / locateMingwRuntime: thread model, library folders, where the DLLs are. */
  runtime?: MingwRuntime | null;
  /** Overrides runtime.threadModel. */
  threadModel?: ThreadModel;
  /** Extra library folders searched after `-L` ones (runtime.libraryDirs are appended). */
  libraryDirs?: string[];
}

export interface LibraryImport {
  /** The flag as written (`-lfoo`, `-l:foo.dll.a`, `path/libfoo.dll.a`). */
  flag: string;
  /** The file the linker would use. */
  file: string;
  /** Non-system DLLs it imports. */
  dlls: string[];
}

export interface RuntimeDllPrediction {
  /** False when the model does not cover this target/toolchain (then `dlls` is empty and `reason` says why). */
  applies: boolean;
  reason: string;
  /** Non-system DLLs the binary itself will import, lower-case, runtime DLLs first. */
  dlls: string[];
  /** Further non-system DLLs those need at load time (libwinpthread-1.dll for a posix-model libstdc++-6.dll). */
  transitive: string[];
  /** Flags that remove the toolchain runtime DLLs (only those not already present); [] when none are needed. */
  staticFlags: string[];
  /** DLLs that come from `-l` import libraries (static flags do not remove these). */
  fromLibraries: LibraryImport[];
  threadModel: ThreadModel;
}

/** The libgcc DLL name for an architecture (SEH on x86-64, DWARF-2 on i686 unless the toolchain ships sjlj). */
export function libgccDllFor(goarch: string, runtime?: MingwRuntime | null): string | null {
  if (goarch === 'amd64') return 'libgcc_s_seh-1.dll';
  if (goarch === '386') {
    if (runtime?.found['libgcc_s_sjlj-1.dll'] && !runtime.found['libgcc_s_dw2-1.dll']) return 'libgcc_s_sjlj-1.dll';
    return 'libgcc_s_dw2-1.dll';
  }
  return null;
}

/** A GCC MinGW-w64 driver (Debian's x86_64-w64-mingw32-gcc, MSYS2, winlibs, …). TDM-GCC links its runtime statically. */
export function isMingwGcc(cc: { family: string; flavor?: string; target?: string; banner?: string }): boolean {
  if (cc.family !== 'gcc') return false;
  if (cc.banner && /tdm/i.test(cc.banner)) return false;
  return cc.flavor === 'mingw-w64' || /-w64-(mingw32|windows-gnu)$/.test(cc.target ?? '');
}

function has(flags: string[], ...names: string[]): boolean {
  return flags.some((f) => names.includes(f));
}

export function predictRuntimeDlls(input: PredictInput): RuntimeDllPrediction {
  const threadModel = input.threadModel ?? input.runtime?.threadModel ?? 'unknown';
  const empty = (reason: string, applies = false): RuntimeDllPrediction => ({
    applies,
    reason,
    dlls: [],
    transitive: [],
    staticFlags: [],
    fromLibraries: [],
    threadModel,
  });
  try {
    if (!isMingwGcc(input.cc)) return empty('the C compiler is not a MinGW-w64 GCC (llvm-mingw, MSVC and TDM-GCC are not modelled)');
    const libgcc = libgccDllFor(input.goarch, input.runtime);
    if (!libgcc) return empty(`no verified runtime model for GCC MinGW-w64 on windows/${input.goarch}`);
    const flags = Array.isArray(input.ldflags) ? input.ldflags.filter((f) => typeof f === 'string') : [];
    const fullStatic = has(flags, '-static', '--static');
    const staticLibgcc = fullStatic || has(flags, '-static-libgcc');
    const staticLibstdcxx = fullStatic || has(flags, '-static-libstdc++');
    const posix = threadModel === 'posix' || threadModel === 'mcf';

    const dlls: string[] = [];
    const add = (d: string) => {
      const k = d.toLowerCase();
      if (!isSystemDll(k) && !dlls.includes(k)) dlls.push(k);
    };
    let reason = 'C only: GCC links libgcc statically, so no runtime DLL is imported';
    if (input.hasCxx) {
      if (!staticLibstdcxx) add('libstdc++-6.dll');
      if (!staticLibgcc) add(libgcc);
      if (staticLibstdcxx && !fullStatic && posix) add('libwinpthread-1.dll');
      reason = dlls.length === 0 ? 'C++ with the runtime linked statically' : `C++: g++ links ${dlls.join(', ')} dynamically (thread model ${threadModel})`;
    }
    const runtimeCount = dlls.length;

    const fromLibraries = resolveLibraryImports(flags, [...(input.libraryDirs ?? []), ...(input.runtime?.libraryDirs ?? [])], fullStatic);
    for (const l of fromLibraries) for (const d of l.dlls) add(d);

    const staticFlags: string[] = [];
    if (runtimeCount > 0) {
      // posix thread model: -static-libstdc++ pulls libwinpthread in directly, and -Wl,-Bstatic -lwinpthread does not
      // replace it (observed); only -static removes it.
      const wanted = input.hasCxx ? (posix ? ['-static'] : ['-static-libgcc', '-static-libstdc++']) : ['-static-libgcc'];
      for (const f of wanted) if (!flags.includes(f)) staticFlags.push(f);
    }

    const transitive: string[] = [];
    const imports = input.runtime?.dllImports ?? {};
    const queue = [...dlls];
    for (let i = 0; i < queue.length && i < 256; i++) {
      for (const dep of imports[queue[i]!] ?? []) {
        const k = dep.toLowerCase();
        if (isSystemDll(k) || dlls.includes(k) || transitive.includes(k)) continue;
        transitive.push(k);
        queue.push(k);
      }
    }
    return { applies: true, reason, dlls, transitive, staticFlags, fromLibraries, threadModel };
  } catch (e) {
    return empty(`prediction failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `-L` folders in flag order (`-Lx` and `-L x`). */
export function libraryDirsFromFlags(flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f === '-L' && i + 1 < flags.length) out.push(flags[++i]!);
    else if (f.startsWith('-L') && f.length > 2) out.push(f.slice(2));
  }
  return out;
}

/** The file names GNU ld tries for `-lname` in each folder, in order (ld docs, "direct linking to a dll"). */
export function libraryCandidates(name: string, staticOnly: boolean): string[] {
  if (name.startsWith(':')) return [name.slice(1)];
  if (staticOnly) return [`lib${name}.a`, `${name}.lib`];
  return [`lib${name}.dll.a`, `${name}.dll.a`, `lib${name}.a`, `${name}.lib`, `lib${name}.lib`, `lib${name}.dll`, `${name}.dll`];
}

const implibCache = new Map<string, { key: string; dlls: string[] }>();

/** The DLLs a library file makes a binary import (an import library's DLL, a DLL itself, or none for a static lib). */
export function libraryFileDlls(file: string): string[] {
  try {
    const st = fs.statSync(file);
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = implibCache.get(file);
    if (hit && hit.key === key) return hit.dlls;
    let dlls: string[] = [];
    if (/\.dll$/i.test(file)) dlls = [path.basename(file)];
    else if (st.size <= 256 * 1024 * 1024) {
      const r = importLibraryDlls(fs.readFileSync(file));
      dlls = 'error' in r ? [] : r.dlls;
    }
    implibCache.set(file, { key, dlls });
    return dlls;
  } catch {
    return [];
  }
}

/** Resolve `-lfoo` (and direct `.dll.a`/`.dll` inputs) the way ld would, and read which DLLs they import. */
export function resolveLibraryImports(flags: string[], extraDirs: string[], staticOnly: boolean): LibraryImport[] {
  const dirs = [...libraryDirsFromFlags(flags), ...extraDirs];
  const out: LibraryImport[] = [];
  for (let i = 0; i < flags.length && i < 10_000; i++) {
    const f = flags[i]!;
    let name: string | null = null;
    let flag = f;
    if (f === '-l' && i + 1 < flags.length) {
      name = flags[++i]!;
      flag = `-l ${name}`;
    } else if (f.startsWith('-l') && f.length > 2) name = f.slice(2);
    let file: string | null = null;
    if (name !== null) {
      for (const dir of dirs) {
        const hit = findFile(dir, libraryCandidates(name, staticOnly));
        if (hit) {
          file = hit;
          break;
        }
      }
    } else if (!f.startsWith('-') && /\.(dll\.a|dll|lib)$/i.test(f) && path.isAbsolute(f)) {
      file = fs.existsSync(f) ? f : null;
    }
    if (!file) continue;
    const dlls = libraryFileDlls(file)
      .map((d) => d.toLowerCase())
      .filter((d) => !isSystemDll(d));
    if (dlls.length > 0) out.push({ flag, file, dlls });
  }
  return out;
}

/** The first of `names` present in `dir` (case-insensitive, as on Windows), as an absolute path. */
function findFile(dir: string, names: string[]): string | null {
  const entries = listDir(dir);
  if (!entries) return null;
  for (const n of names) {
    const hit = entries.get(n.toLowerCase());
    if (hit) return path.join(dir, hit);
  }
  return null;
}

function listDir(dir: string): Map<string, string> | null {
  try {
    const m = new Map<string, string>();
    for (const e of fs.readdirSync(dir)) if (!m.has(e.toLowerCase())) m.set(e.toLowerCase(), e);
    return m;
  } catch {
    return null;
  }
}

/** Which of `dirs` holds `name` (compared case-insensitively, as Windows does), or null. */
export function findDll(name: string, dirs: string[]): string | null {
  for (const d of dirs) {
    if (typeof d !== 'string' || d === '') continue;
    if (findFile(d, [name])) return d;
  }
  return null;
}

/** Like findDll, but the file's absolute path as spelled on disk. */
export function findDllPath(name: string, dirs: string[]): string | null {
  for (const d of dirs) {
    if (typeof d !== 'string' || d === '') continue;
    const hit = findFile(d, [name]);
    if (hit) return hit;
  }
  return null;
}

export type SearchDirKind = 'app' | 'system' | 'windows' | 'cwd' | 'path' | 'toolchain';

export interface SearchDir {
  dir: string;
  kind: SearchDirKind;
  /** False for folders the Windows loader does not search (the toolchain folder when it is not on PATH). */
  searchedByLoader: boolean;
}

export interface SearchDirsInput {
  /** The folder of the .exe. */
  binaryDir: string;
  /** Where the toolchain keeps its runtime DLLs (MSYS2: C:\msys64\ucrt64\bin). Reported, not searched, unless on PATH. */
  toolchainBinDir?: string;
  /** PATH with Windows semantics: `;`-separated, entries may be quoted, empty entries are skipped. */
  PATH?: string;
  /** [System32, System, Windows] (defaults: none off Windows; %SystemRoot% based on Windows). */
  systemDirs?: string[];
  /** The current directory of the process that starts the .exe. */
  cwd?: string;
}

/** Split a Windows PATH value: `;` separators, `"…"` quoting, empty entries dropped. */
export function splitWindowsPath(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ';' && !quoted) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function normDir(d: string): string {
  return d
    .replace(/[\\/]+$/, '')
    .replace(/\//g, '\\')
    .toLowerCase();
}

function defaultSystemDirs(): string[] {
  if (!hostIsWindows()) return [];
  const root = process.env.SystemRoot ?? process.env.windir ?? 'C:\\Windows';
  return [path.win32.join(root, 'System32'), path.win32.join(root, 'System'), root];
}

/**
 * The folders the Windows loader searches for a desktop application's implicit imports, in order (SafeDllSearchMode,
 * the default): the application folder, System32, System, the Windows folder, the current folder, then PATH. KnownDLLs
 * come before all of them but are system DLLs. The toolchain folder is appended (searchedByLoader=false) unless PATH
 * has it.
 */
export function dllSearchDirs(input: SearchDirsInput): SearchDir[] {
  const out: SearchDir[] = [];
  const seen = new Set<string>();
  const push = (dir: string | undefined, kind: SearchDirKind, searchedByLoader = true) => {
    if (typeof dir !== 'string' || dir === '') return;
    const k = normDir(dir);
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ dir, kind, searchedByLoader });
  };
  push(input.binaryDir, 'app');
  const sys = input.systemDirs ?? defaultSystemDirs();
  sys.forEach((d, i) => push(d, i === sys.length - 1 && sys.length > 1 ? 'windows' : 'system'));
  push(input.cwd, 'cwd');
  for (const p of splitWindowsPath(input.PATH ?? '')) push(p, 'path');
  push(input.toolchainBinDir, 'toolchain', false);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Finding the toolchain's runtime DLLs

const RUNTIME_DLLS = ['libstdc++-6.dll', 'libgcc_s_seh-1.dll', 'libgcc_s_dw2-1.dll', 'libgcc_s_sjlj-1.dll', 'libwinpthread-1.dll'];

function targetOf(cc: { path: string | null; target?: string }): string | null {
  if (cc.target) return cc.target;
  const base = path.basename(cc.path ?? '').replace(/\.exe$/i, '');
  const m = /^(.*-w64-mingw32)-/.exec(base);
  return m ? m[1]! : null;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function completeRuntime(dllDirs: string[], libraryDirs: string[], threadModel: ThreadModel): MingwRuntime {
  const found: Record<string, string> = {};
  const dllImports: Record<string, string[]> = {};
  const pending = [...RUNTIME_DLLS];
  for (let i = 0; i < pending.length && i < 32; i++) {
    const name = pending[i]!;
    if (found[name]) continue;
    const dir = findDll(name, dllDirs);
    if (!dir) continue;
    const file = findFile(dir, [name])!;
    found[name] = file;
    const r = readPeImportsFile(file);
    if (isPeError(r)) continue;
    dllImports[name] = r.imports.map((d) => d.toLowerCase()).filter((d) => !isSystemDll(d));
    for (const d of dllImports[name]!) if (!pending.includes(d)) pending.push(d);
  }
  let model = threadModel;
  if (model === 'unknown') {
    // The thread model shows in the runtime itself: a posix-model libstdc++/libgcc_s imports libwinpthread-1.dll.
    const cxx = dllImports['libstdc++-6.dll'] ?? dllImports['libgcc_s_seh-1.dll'] ?? dllImports['libgcc_s_dw2-1.dll'];
    if (cxx) model = cxx.includes('libwinpthread-1.dll') ? 'posix' : 'win32';
  }
  return { dllDirs, libraryDirs, threadModel: model, found, dllImports };
}

const locateCache = new Map<string, MingwRuntime | null>();

/**
 * Find a GCC MinGW-w64 toolchain's runtime DLLs from the compiler's path alone (no subprocess): the compiler's own
 * folder (MSYS2, winlibs: DLLs sit next to gcc.exe), then `<prefix>/lib/gcc/<target>/<version>` (Debian:
 * /usr/lib/gcc/x86_64-w64-mingw32/12-win32) and `<prefix>/<target>/{lib,bin}` (libwinpthread-1.dll). The thread model is
 * read from the DLLs. Cached per compiler path and mtime. Returns null when the compiler path is unknown.
 */
export function locateMingwRuntime(cc: { path: string | null; target?: string; version?: string; mtimeMs?: number }): MingwRuntime | null {
  try {
    if (!cc.path) return null;
    const key = `${cc.path}\0${cc.mtimeMs ?? ''}\0${cc.version ?? ''}\0${cc.target ?? ''}`;
    if (locateCache.has(key)) return locateCache.get(key)!;
    const real = realpath(cc.path);
    const binDirs = [...new Set([path.dirname(real), path.dirname(cc.path)])];
    const prefix = path.dirname(path.dirname(real));
    const target = targetOf(cc) ?? 'x86_64-w64-mingw32';
    const gccLib = path.join(prefix, 'lib', 'gcc', target);
    let versions: string[] = [];
    try {
      versions = fs.readdirSync(gccLib).filter((v) => isDir(path.join(gccLib, v)));
    } catch {
      versions = [];
    }
    const suffix = /-(posix|win32|mcf)$/.exec(path.basename(real).replace(/\.exe$/i, ''))?.[1];
    const rank = (v: string) => (v === cc.version ? 0 : suffix && v.endsWith(`-${suffix}`) ? 1 : 2);
    versions.sort((a, b) => rank(a) - rank(b) || b.localeCompare(a, 'en', { numeric: true }));
    if (cc.version && versions.includes(cc.version)) versions = [cc.version];
    else if (suffix && versions.some((v) => v.endsWith(`-${suffix}`))) versions = versions.filter((v) => v.endsWith(`-${suffix}`));
    const gccDirs = versions.slice(0, 1).map((v) => path.join(gccLib, v));
    const dllDirs = [...binDirs, ...gccDirs, path.join(prefix, target, 'bin'), path.join(prefix, target, 'lib'), path.join(prefix, 'bin')].filter(isDir);
    const libraryDirs = [...gccDirs, path.join(prefix, target, 'lib'), path.join(prefix, 'lib')].filter(isDir);
    const model: ThreadModel = suffix === 'posix' ? 'posix' : suffix === 'win32' ? 'win32' : suffix === 'mcf' ? 'mcf' : 'unknown';
    const rt = completeRuntime([...new Set(dllDirs)], [...new Set(libraryDirs)], model);
    locateCache.set(key, rt);
    return rt;
  } catch {
    return null;
  }
}

/**
 * Ask the compiler itself: `-v` (Thread model: …), `-print-search-dirs` (library folders) and `-print-file-name=` for
 * each runtime DLL. More exact than locateMingwRuntime; costs three short subprocesses. Never throws.
 */
export async function probeMingwRuntime(
  cc: { argv: string[]; path: string | null },
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<MingwRuntime | { error: string }> {
  try {
    const [argv0, ...pre] = cc.argv;
    const exe = cc.path ?? argv0;
    if (!exe) return { error: 'no compiler' };
    const o = { env, timeoutMs: opts.timeoutMs ?? 10_000, signal: opts.signal };
    const v = await run(exe, [...pre, '-v'], o);
    if (v.spawnError) return { error: `cannot run ${exe}: ${v.spawnError}` };
    const tm = /^Thread model:\s*(\S+)/m.exec(`${v.stderr}\n${v.stdout}`)?.[1];
    const threadModel: ThreadModel = tm === 'posix' || tm === 'win32' || tm === 'mcf' || tm === 'single' ? tm : 'unknown';
    const sd = await run(exe, [...pre, '-print-search-dirs'], o);
    const libLine = /^libraries:\s*=?(.*)$/m.exec(sd.stdout)?.[1] ?? '';
    const sep = libLine.includes(';') ? ';' : path.delimiter;
    const libraryDirs = [
      ...new Set(
        libLine
          .split(sep)
          .filter((d) => d !== '')
          .map((d) => path.resolve(d))
          .filter(isDir),
      ),
    ];
    // MSYS2 / winlibs keep the runtime DLLs next to gcc.exe; Debian keeps them in the gcc library folders.
    const dllDirs: string[] = cc.path ? [path.dirname(realpath(cc.path)), path.dirname(cc.path)] : [];
    for (const name of RUNTIME_DLLS) {
      const r = await run(exe, [...pre, `-print-file-name=${name}`], o);
      const p = r.stdout.trim();
      // gcc echoes the bare name when it does not find the file.
      if (r.exitCode === 0 && p !== name && path.isAbsolute(p) && fs.existsSync(p)) dllDirs.push(path.normalize(path.dirname(p)));
    }
    return completeRuntime([...new Set(dllDirs.filter(isDir))], libraryDirs, threadModel);
  } catch (e) {
    return { error: `probe failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
