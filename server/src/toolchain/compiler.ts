// The C compiler as cmd/go and cmd/cgo pick it (CC/CXX resolution, quoted.Split, the BuildInit checks) and what a
// compiler says about itself (`--version`, `-dumpmachine`): family, flavour, version, target triple.
import type { CompilerInfo } from './types.js';
import { pathFor, type GoOS } from './platform.js';
import { quotedSplit as splitEnvValue } from '../cgorules/split.js';

/**
 * cmd/internal/quoted.Split: fields separated by space/tab/CR/LF; a quote (' or ") is only special at the start of a
 * field and runs to the next identical quote, with no escapes. Unterminated → `unterminated " string`.
 */
export function quotedSplit(s: string): { ok: true; args: string[] } | { ok: false; error: string } {
  const r = splitEnvValue(s);
  return r.error === null ? { ok: true, args: r.fields } : { ok: false, error: r.error };
}

/**
 * The check BuildInit runs on CC, CXX and FC before any build (`cmd/go/internal/work/init.go`): the value must
 * split, and its first word must be absolute or a bare name. Returns the go command's exact message, or null.
 */
export function validateCompilerEnv(key: string, value: string, os: GoOS): string | null {
  const r = quotedSplit(value);
  if (!r.ok) return `go: ${key} environment variable could not be parsed: ${r.error}`;
  if (r.args.length === 0) return null;
  const p = pathFor(os);
  const first = r.args[0]!;
  if (!p.isAbsolute(first) && first !== p.basename(first)) {
    return `go: ${key} environment variable is relative; must be absolute path: ${first}`;
  }
  return null;
}

const CLANG_OS = new Set(['darwin', 'ios', 'freebsd', 'openbsd']);

/** Upstream DefaultCC (Go 1.21+): clang for darwin, ios, freebsd, openbsd targets; gcc otherwise. */
export function defaultCC(goos: string): string {
  return CLANG_OS.has(goos) ? 'clang' : 'gcc';
}

export function defaultCXX(goos: string): string {
  return CLANG_OS.has(goos) ? 'clang++' : 'g++';
}

/** internal/platform.CgoSupported (Go 1.26 zosarch.go). */
const CGO_SUPPORTED = new Set([
  'aix/ppc64',
  'android/386',
  'android/amd64',
  'android/arm',
  'android/arm64',
  'darwin/amd64',
  'darwin/arm64',
  'dragonfly/amd64',
  'freebsd/386',
  'freebsd/amd64',
  'freebsd/arm',
  'freebsd/arm64',
  'freebsd/riscv64',
  'illumos/amd64',
  'ios/amd64',
  'ios/arm64',
  'linux/386',
  'linux/amd64',
  'linux/arm',
  'linux/arm64',
  'linux/loong64',
  'linux/mips',
  'linux/mips64',
  'linux/mips64le',
  'linux/mipsle',
  'linux/ppc64le',
  'linux/riscv64',
  'linux/s390x',
  'linux/sparc64',
  'netbsd/386',
  'netbsd/amd64',
  'netbsd/arm',
  'netbsd/arm64',
  'openbsd/386',
  'openbsd/amd64',
  'openbsd/arm',
  'openbsd/arm64',
  'openbsd/mips64',
  'openbsd/riscv64',
  'solaris/amd64',
  'windows/386',
  'windows/amd64',
  'windows/arm64',
]);

export function cgoSupported(goos: string, goarch: string): boolean {
  return CGO_SUPPORTED.has(`${goos}/${goarch}`);
}

/** A target triple in Go terms. `os`/`arch` are null when the triple does not say. */
export function tripleToGo(triple: string): { os: string | null; arch: string | null } {
  const t = triple.trim().toLowerCase();
  if (t === 'mingw32') return { os: 'windows', arch: '386' }; // mingw.org's 32-bit-only GCC
  const first = t.split('-')[0] ?? '';
  let arch: string | null = null;
  if (/^(x86_64|amd64|x64)$/.test(first)) arch = 'amd64';
  else if (/^i[3-6]86$|^x86$/.test(first)) arch = '386';
  else if (/^(aarch64|arm64|arm64e)$/.test(first)) arch = 'arm64';
  else if (/^(arm|armv\d.*|thumb.*)$/.test(first)) arch = 'arm';
  else if (/^riscv64/.test(first)) arch = 'riscv64';
  else if (/^(powerpc64le|ppc64le)$/.test(first)) arch = 'ppc64le';
  else if (/^(powerpc64|ppc64)$/.test(first)) arch = 'ppc64';
  else if (first === 's390x') arch = 's390x';
  else if (/^loongarch64$/.test(first)) arch = 'loong64';
  else if (/^mips64el$/.test(first)) arch = 'mips64le';
  else if (/^mips64$/.test(first)) arch = 'mips64';
  else if (/^mipsel$/.test(first)) arch = 'mipsle';
  else if (/^mips$/.test(first)) arch = 'mips';
  else if (/^wasm/.test(first)) arch = 'wasm';
  let os: string | null = null;
  if (/android/.test(t)) os = 'android';
  else if (/mingw|windows|cygwin|msys|win32/.test(t)) os = 'windows';
  else if (/-ios|ios\d/.test(t)) os = 'ios';
  else if (/darwin|macos|apple/.test(t)) os = 'darwin';
  else if (/linux/.test(t)) os = 'linux';
  else if (/freebsd/.test(t)) os = 'freebsd';
  else if (/openbsd/.test(t)) os = 'openbsd';
  else if (/netbsd/.test(t)) os = 'netbsd';
  else if (/dragonfly/.test(t)) os = 'dragonfly';
  else if (/illumos/.test(t)) os = 'illumos';
  else if (/solaris/.test(t)) os = 'solaris';
  else if (/aix/.test(t)) os = 'aix';
  else if (/wasi/.test(t)) os = 'wasip1';
  return { os, arch };
}

/** `--target=x` / `-target x` / `--target x` in CC's own arguments (zig cc, clang). */
export function targetFromArgs(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--?target=(.+)$/.exec(a);
    if (m) return m[1];
    if ((a === '-target' || a === '--target') && i + 1 < args.length) return args[i + 1];
  }
  return undefined;
}

export type CompilerIdentity = Pick<CompilerInfo, 'family' | 'flavor' | 'version' | 'target' | 'banner'>;

/**
 * Identity from the outputs of `<cc> --version` and `<cc> -dumpmachine` (stdout and stderr each; MSVC cl prints its
 * banner on stderr and rejects both options).
 */
export function classifyCompiler(
  argv: string[],
  versionOut: { stdout: string; stderr: string },
  dumpmachineOut: { stdout: string; stderr: string; exitCode: number | null } | null,
): CompilerIdentity {
  const exe = (argv[0] ?? '')
    .replace(/^.*[\\/]/, '')
    .toLowerCase()
    .replace(/\.exe$/, '');
  const text = `${versionOut.stdout}\n${versionOut.stderr}`;
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const banner = lines[0];
  const targetLine = /^Target:\s*(\S+)/m.exec(text)?.[1];
  let dumped: string | undefined;
  if (dumpmachineOut && dumpmachineOut.exitCode === 0) {
    const first = dumpmachineOut.stdout
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '');
    if (first && /^[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)*$/.test(first)) dumped = first;
  }
  const argTarget = targetFromArgs(argv.slice(1));
  const target = argTarget ?? dumped ?? targetLine;

  const msvc = /Microsoft \(R\) C\/C\+\+ Optimizing Compiler Version (\S+)(?: for (\S+))?/.exec(text);
  if (msvc) {
    const hostArch = (msvc[2] ?? '').toLowerCase();
    const msvcTarget =
      hostArch === 'x86'
        ? 'i686-pc-windows-msvc'
        : hostArch === 'arm64'
          ? 'aarch64-pc-windows-msvc'
          : hostArch === 'arm'
            ? 'armv7-pc-windows-msvc'
            : 'x86_64-pc-windows-msvc';
    return { family: 'msvc-cl', flavor: 'msvc', version: msvc[1], target: msvcTarget, banner: lines.find((l) => l.startsWith('Microsoft')) ?? banner };
  }

  const clangVersion = /(?:^|\s)clang version (\S+)/m.exec(text)?.[1];
  const appleClang = /Apple (?:LLVM|clang) version (\S+)/.exec(text)?.[1];
  const flavorForTarget = (t: string | undefined): string | undefined => {
    if (!t) return undefined;
    if (/-windows-msvc/.test(t)) return 'msvc-target';
    if (/-w64-windows-gnu|-w64-mingw32/.test(t)) return 'llvm-mingw';
    return undefined;
  };

  if (exe === 'zig' || /ziglang|zig-bootstrap/.test(text)) {
    return { family: 'zig', flavor: 'zig', version: clangVersion, target, banner };
  }
  if (exe === 'clang-cl') {
    return { family: 'clang-cl', flavor: 'msvc-target', version: clangVersion, target: target ?? 'x86_64-pc-windows-msvc', banner };
  }
  if (appleClang) return { family: 'clang', flavor: 'apple', version: appleClang, target, banner };
  if (clangVersion) return { family: 'clang', flavor: flavorForTarget(target), version: clangVersion, target, banner };

  const looksGcc = /\(GCC\)|Free Software Foundation|\bgcc\b|\bg\+\+|MinGW|mingw/i.test(text) || /gcc|g\+\+/.test(exe);
  if (looksGcc && banner) {
    const last = banner.split(/\s+/).pop() ?? '';
    const version = /^\d/.test(last) ? last : /(\d+\.\d+(?:\.\d+)?)/.exec(banner)?.[1];
    let flavor: string | undefined;
    const t = (target ?? '').toLowerCase();
    if (/-cygwin$/.test(t)) flavor = 'cygwin';
    else if (/-msys$/.test(t)) flavor = 'msys';
    else if (t === 'mingw32' || /^i[3-6]86-pc-mingw32$/.test(t) || /MinGW\.org/.test(banner)) flavor = 'mingw32';
    else if (/-w64-mingw32$/.test(t)) flavor = 'mingw-w64';
    else if (/Debian|Ubuntu/.test(banner)) flavor = 'debian';
    else if (/tdm/i.test(banner)) flavor = 'tdm';
    return { family: 'gcc', flavor, version, target, banner };
  }
  return { family: 'unknown', version: undefined, target, banner };
}

/** The Debian GNU triple of a Linux GOARCH (`x86_64-linux-gnu`): the prefix of its cross gcc and g++. */
export function linuxGnuTriple(goarch: string): string | null {
  const triples: Record<string, string> = {
    amd64: 'x86_64-linux-gnu',
    arm64: 'aarch64-linux-gnu',
    arm: 'arm-linux-gnueabihf',
    '386': 'i686-linux-gnu',
    riscv64: 'riscv64-linux-gnu',
    ppc64le: 'powerpc64le-linux-gnu',
    s390x: 's390x-linux-gnu',
    loong64: 'loongarch64-linux-gnu',
    mips64le: 'mips64el-linux-gnuabi64',
  };
  return triples[goarch] ?? null;
}

/** The MinGW-w64 compiler name for a Windows GOARCH (what to suggest for cross builds). */
export function mingwCCFor(goarch: string): string {
  switch (goarch) {
    case '386':
      return 'i686-w64-mingw32-gcc';
    case 'arm64':
      return 'aarch64-w64-mingw32-clang';
    default:
      return 'x86_64-w64-mingw32-gcc';
  }
}
