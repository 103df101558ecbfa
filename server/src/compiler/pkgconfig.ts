// pkg-config probing the way cmd/go runs it (`pkg-config --cflags <opts> -- <pkgs>`, then `--libs`), plus
// per-package existence/version, the exact failure text the go command prints, and install hints that are
// only given when the OS / package manager is detected and the package is in a small verified table.
import { readFileSync } from 'node:fs';
import type { CgoDiagnostic, Range } from '../core/types.js';
import { makeDiagnostic, short } from '../core/message.js';
import { run, type RunResult } from '../util/proc.js';
import { host } from '../core/host.js';

export interface PkgConfigOptions {
  /** `$PKG_CONFIG` split (first field is the program), default ['pkg-config']. */
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** `--foo` options from `#cgo pkg-config:` (already allow-list checked). */
  options?: string[];
  /** cmd/go's splitPkgConfigOutput; throws an Error with Go's message on bad output. Defaults to a local port. */
  split?: (out: string) => string[];
  /** Go version, for the failure display format (brackets from 1.24 on). */
  goVersion?: { minor: number; patch: number };
}

export interface PkgConfigPackage {
  name: string;
  exists: boolean;
  version?: string;
}

export interface PkgConfigError {
  kind: 'not-found' | 'failed' | 'split' | 'timeout' | 'spawn' | 'canceled';
  /** pkg-config's stderr (or the spawn / split error). */
  stderr: string;
  exitCode: number | null;
  /** What `go build` prints for this failure, verbatim modulo the `# <importpath>` header. */
  display: string;
  /** Packages pkg-config reported missing (requested ones and missing `Requires:` dependencies). */
  missing: string[];
  /** The command that failed. */
  commandLine: string[];
}

export interface PkgConfigProbe {
  ok: boolean;
  packages: PkgConfigPackage[];
  cflags: string[];
  libs: string[];
  cflagsRaw: string;
  libsRaw: string;
  error?: PkgConfigError;
  durationMs: number;
}

/** Port of cmd/go's splitPkgConfigOutput (exec.go). Throws Error with Go's exact messages. */
export function splitPkgConfigOutputLocal(out: string): string[] {
  out = out.trim();
  if (out.length === 0) return [];
  const flags: string[] = [];
  let flag = '';
  let didQuote = false;
  let escaped = false;
  let quote = '';
  for (const c of out) {
    if (escaped) {
      if (quote === '"') {
        if (!['$', '`', '"', '\\', '\n'].includes(c)) {
          flag += '\\' + c;
          escaped = false;
          continue;
        }
      }
      if (c !== '\n') flag += c;
      escaped = false;
      continue;
    }
    if (quote !== '' && c === quote) {
      quote = '';
      continue;
    }
    if (quote === "'") {
      flag += c;
      continue;
    }
    if (quote === '"' && c !== '`' && c !== '$' && c !== '\\') {
      flag += c;
      continue;
    }
    switch (c) {
      case '|':
      case '&':
      case ';':
      case '<':
      case '>':
      case '(':
      case ')':
      case '$':
      case '`':
        throw new Error(`unexpected shell character '${c}' in pkgconf output`);
      case '\\':
        escaped = true;
        continue;
      case '"':
      case "'":
        quote = c;
        didQuote = true;
        continue;
      case ' ':
      case '\t':
      case '\n':
        if (flag.length > 0 || didQuote) flags.push(flag);
        flag = '';
        didQuote = false;
        continue;
    }
    flag += c;
  }
  if (quote !== '') throw new Error('unterminated quoted string in pkgconf output');
  if (escaped) throw new Error('broken character escaping in pkgconf output');
  if (flag.length > 0 || didQuote) flags.push(flag);
  return flags;
}

/** Packages pkg-config / pkgconf say are missing, from its stderr. */
export function missingFromStderr(stderr: string): string[] {
  const out = new Set<string>();
  for (const m of stderr.matchAll(/Package '([^']+)'(?:, required by '[^']*',)? not found/g)) out.add(m[1]!);
  for (const m of stderr.matchAll(/No package '([^']+)' found/g)) out.add(m[1]!);
  for (const m of stderr.matchAll(/Package ([^\s']+) was not found in the pkg-config search path/g)) out.add(m[1]!);
  return [...out];
}

function displayFor(
  verb: '--cflags' | '--libs',
  prog: string,
  options: string[],
  pkgs: string[],
  r: RunResult,
  goVersion?: { minor: number; patch: number },
): string {
  const desc = `${prog} ${verb} ${options.join(' ')} -- ${pkgs.join(' ')}`;
  const out = (r.stdout + r.stderr).replace(/\n+$/, '');
  if (!goVersion || goVersion.minor >= 24) return `# [${desc}]\n${out}`;
  return `# ${desc}\n${out}\n${prog}: exit status ${r.exitCode ?? 1}`;
}

/** Run pkg-config like cmd/go does. Never throws. */
export async function probePkgConfig(pkgs: string[], opts: PkgConfigOptions): Promise<PkgConfigProbe> {
  const started = Date.now();
  const argv = opts.argv.length > 0 ? opts.argv : ['pkg-config'];
  const [prog, ...pre] = argv as [string, ...string[]];
  const options = opts.options ?? [];
  const split = opts.split ?? splitPkgConfigOutputLocal;
  const ro = { env: opts.env, cwd: opts.cwd, timeoutMs: opts.timeoutMs, signal: opts.signal, maxOutput: 1 << 20 };
  const base: PkgConfigProbe = { ok: false, packages: [], cflags: [], libs: [], cflagsRaw: '', libsRaw: '', durationMs: 0 };
  if (pkgs.length === 0) return { ...base, ok: true, durationMs: Date.now() - started };
  try {
    const cflagsArgs = [...pre, '--cflags', ...options, '--', ...pkgs];
    const libsArgs = [...pre, '--libs', ...options, '--', ...pkgs];
    const [cf, lb, ...vers] = await Promise.all([
      run(prog, cflagsArgs, ro),
      run(prog, libsArgs, ro),
      ...pkgs.map((p) => run(prog, [...pre, '--modversion', ...options, '--', p], ro)),
    ]);
    const packages: PkgConfigPackage[] = pkgs.map((name, i) => {
      const v = vers[i]!;
      const exists = v.exitCode === 0 && !v.timedOut && !v.spawnError;
      return exists ? { name, exists, version: v.stdout.trim().split('\n')[0] } : { name, exists };
    });
    const durationMs = () => Date.now() - started;
    for (const [r, args] of [
      [cf, cflagsArgs],
      [lb, libsArgs],
    ] as const) {
      const commandLine = [prog, ...args];
      if (r.timedOut || r.canceled || r.spawnError) {
        const kind = r.timedOut ? 'timeout' : r.canceled ? 'canceled' : 'spawn';
        const text =
          kind === 'spawn'
            ? `${prog}: exec: "${prog}": ${/ENOENT/.test(r.spawnError ?? '') ? 'executable file not found in $PATH' : r.spawnError}`
            : kind === 'timeout'
              ? `${commandLine.join(' ')} did not finish within ${opts.timeoutMs} ms`
              : 'canceled';
        const desc = `${prog} ${args === cflagsArgs ? '--cflags' : '--libs'} ${options.join(' ')} -- ${pkgs.join(' ')}`;
        return {
          ...base,
          packages: kind === 'spawn' ? pkgs.map((name) => ({ name, exists: false })) : packages,
          error: { kind, stderr: text, exitCode: r.exitCode, display: kind === 'spawn' ? `# [${desc}]\n${text}` : text, missing: [], commandLine },
          durationMs: durationMs(),
        };
      }
      if (r.exitCode !== 0) {
        const missing = [...new Set([...packages.filter((p) => !p.exists).map((p) => p.name), ...missingFromStderr(r.stderr)])];
        return {
          ...base,
          packages,
          error: {
            kind: missing.length > 0 ? 'not-found' : 'failed',
            stderr: r.stderr,
            exitCode: r.exitCode,
            display: displayFor(args === cflagsArgs ? '--cflags' : '--libs', prog, options, pkgs, r, opts.goVersion),
            missing,
            commandLine,
          },
          durationMs: durationMs(),
        };
      }
    }
    let cflags: string[];
    let libs: string[];
    try {
      cflags = split(cf.stdout);
      libs = split(lb.stdout);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return {
        ...base,
        packages,
        cflagsRaw: cf.stdout,
        libsRaw: lb.stdout,
        error: { kind: 'split', stderr: msg, exitCode: 0, display: msg, missing: [], commandLine: [prog, ...cflagsArgs] },
        durationMs: durationMs(),
      };
    }
    return { ok: true, packages, cflags, libs, cflagsRaw: cf.stdout, libsRaw: lb.stdout, durationMs: durationMs() };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      error: { kind: 'failed', stderr: msg, exitCode: null, display: msg, missing: [], commandLine: argv },
      durationMs: Date.now() - started,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Install hints

export type PackageManager = 'apt' | 'dnf' | 'pacman' | 'apk' | 'brew' | 'msys2';

export interface OsInfo {
  platform: NodeJS.Platform;
  /** /etc/os-release ID (lower case), e.g. debian, ubuntu, fedora, arch, alpine. */
  id?: string;
  /** /etc/os-release ID_LIKE words. */
  idLike?: string[];
  /** MSYS2 environment (MSYSTEM) on Windows, e.g. UCRT64, MINGW64. */
  msystem?: string;
}

/** Parse the text of /etc/os-release. */
export function parseOsRelease(text: string): { id?: string; idLike?: string[] } {
  const get = (k: string) => {
    const m = new RegExp(`^${k}=(.*)$`, 'm').exec(text);
    return m
      ? m[1]!
          .trim()
          .replace(/^["']|["']$/g, '')
          .toLowerCase()
      : undefined;
  };
  const id = get('ID');
  const like = get('ID_LIKE');
  return { id, idLike: like ? like.split(/\s+/).filter(Boolean) : undefined };
}

let osCache: OsInfo | null = null;

/** Detect the OS (reads /etc/os-release on Linux once). */
export function detectOs(env: NodeJS.ProcessEnv = process.env): OsInfo {
  if (osCache && osCache.platform !== 'win32') return osCache;
  const info: OsInfo = { platform: host().platform };
  if (host().platform === 'linux') {
    for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
      try {
        Object.assign(info, parseOsRelease(readFileSync(f, 'utf8')));
        break;
      } catch {
        /* next */
      }
    }
  } else if (host().platform === 'win32' && env.MSYSTEM) {
    info.msystem = env.MSYSTEM;
  }
  osCache = info;
  return info;
}

export function packageManagerFor(os: OsInfo): PackageManager | null {
  if (os.platform === 'darwin') return 'brew';
  if (os.platform === 'win32') return os.msystem ? 'msys2' : null;
  if (os.platform !== 'linux') return null;
  const ids = [os.id ?? '', ...(os.idLike ?? [])];
  if (ids.some((i) => i === 'debian' || i === 'ubuntu')) return 'apt';
  if (ids.some((i) => ['fedora', 'rhel', 'centos', 'rocky', 'almalinux'].includes(i))) return 'dnf';
  if (ids.some((i) => i === 'arch' || i === 'manjaro')) return 'pacman';
  if (ids.includes('alpine')) return 'apk';
  return null;
}

// pkg-config module (or 'libc') → [apt, dnf, pacman, apk, brew, msys2 (without the mingw-w64-<arch>- prefix)]
type Row = [string | null, string | null, string | null, string | null, string | null, string | null];
const PACKAGES: Record<string, Row> = {
  sqlite3: ['libsqlite3-dev', 'sqlite-devel', 'sqlite', 'sqlite-dev', 'sqlite', 'sqlite3'],
  zlib: ['zlib1g-dev', 'zlib-devel', 'zlib', 'zlib-dev', 'zlib', 'zlib'],
  openssl: ['libssl-dev', 'openssl-devel', 'openssl', 'openssl-dev', 'openssl@3', 'openssl'],
  libcurl: ['libcurl4-openssl-dev', 'libcurl-devel', 'curl', 'curl-dev', 'curl', 'curl'],
  libpng: ['libpng-dev', 'libpng-devel', 'libpng', 'libpng-dev', 'libpng', 'libpng'],
  libjpeg: ['libjpeg-dev', 'libjpeg-turbo-devel', 'libjpeg-turbo', 'libjpeg-turbo-dev', 'jpeg-turbo', 'libjpeg-turbo'],
  'gtk+-3.0': ['libgtk-3-dev', 'gtk3-devel', 'gtk3', 'gtk+3.0-dev', 'gtk+3', 'gtk3'],
  'glib-2.0': ['libglib2.0-dev', 'glib2-devel', 'glib2', 'glib-dev', 'glib', 'glib2'],
  x11: ['libx11-dev', 'libX11-devel', 'libx11', 'libx11-dev', null, null],
  gl: ['libgl-dev', 'mesa-libGL-devel', 'mesa', 'mesa-dev', null, null],
  sdl2: ['libsdl2-dev', 'SDL2-devel', 'sdl2', 'sdl2-dev', 'sdl2', 'SDL2'],
  'libusb-1.0': ['libusb-1.0-0-dev', 'libusb1-devel', 'libusb', 'libusb-dev', 'libusb', 'libusb'],
  libffi: ['libffi-dev', 'libffi-devel', 'libffi', 'libffi-dev', 'libffi', 'libffi'],
  libpcap: ['libpcap-dev', 'libpcap-devel', 'libpcap', 'libpcap-dev', 'libpcap', null],
  alsa: ['libasound2-dev', 'alsa-lib-devel', 'alsa-lib', 'alsa-lib-dev', null, null],
  'portaudio-2.0': ['portaudio19-dev', 'portaudio-devel', 'portaudio', 'portaudio-dev', 'portaudio', 'portaudio'],
  libczmq: ['libczmq-dev', 'czmq-devel', 'czmq', 'czmq-dev', 'czmq', null],
  libzmq: ['libzmq3-dev', 'zeromq-devel', 'zeromq', 'zeromq-dev', 'zeromq', 'zeromq'],
  'libxml-2.0': ['libxml2-dev', 'libxml2-devel', 'libxml2', 'libxml2-dev', 'libxml2', 'libxml2'],
  'yaml-0.1': ['libyaml-dev', 'libyaml-devel', 'libyaml', 'yaml-dev', 'libyaml', null],
  libsystemd: ['libsystemd-dev', 'systemd-devel', 'systemd-libs', null, null, null],
  libudev: ['libudev-dev', 'systemd-devel', 'systemd-libs', 'eudev-dev', null, null],
  gpgme: ['libgpgme-dev', 'gpgme-devel', 'gpgme', 'gpgme-dev', 'gpgme', null],
  'webkit2gtk-4.1': ['libwebkit2gtk-4.1-dev', 'webkit2gtk4.1-devel', 'webkit2gtk-4.1', 'webkit2gtk4.1-dev', null, null],
  libc: ['libc6-dev', 'glibc-devel', null, 'musl-dev', null, null],
};

/** `-l<name>` → pkg-config module of the table above. */
export const LIB_PACKAGES: Record<string, string> = {
  sqlite3: 'sqlite3',
  z: 'zlib',
  ssl: 'openssl',
  crypto: 'openssl',
  curl: 'libcurl',
  png: 'libpng',
  png16: 'libpng',
  jpeg: 'libjpeg',
  X11: 'x11',
  GL: 'gl',
  SDL2: 'sdl2',
  'usb-1.0': 'libusb-1.0',
  ffi: 'libffi',
  pcap: 'libpcap',
  asound: 'alsa',
  portaudio: 'portaudio-2.0',
  czmq: 'libczmq',
  zmq: 'libzmq',
  xml2: 'libxml-2.0',
  yaml: 'yaml-0.1',
  systemd: 'libsystemd',
  udev: 'libudev',
  gpgme: 'gpgme',
};

const MANAGERS: PackageManager[] = ['apt', 'dnf', 'pacman', 'apk', 'brew', 'msys2'];

export interface InstallHint {
  manager: PackageManager;
  package: string;
  /** A command the user can run. */
  command: string;
}

/**
 * An install command for a pkg-config module (or 'libc') on the detected OS; null when the package manager
 * is unknown or the package is not in the table (never guessed).
 */
export function packageManagerHint(pkg: string, os: OsInfo = detectOs()): InstallHint | null {
  const row = PACKAGES[pkg];
  const mgr = packageManagerFor(os);
  if (!row || !mgr) return null;
  const name = row[MANAGERS.indexOf(mgr)];
  if (!name) return null;
  switch (mgr) {
    case 'apt':
      return { manager: mgr, package: name, command: `sudo apt install ${name}` };
    case 'dnf':
      return { manager: mgr, package: name, command: `sudo dnf install ${name}` };
    case 'pacman':
      return { manager: mgr, package: name, command: `sudo pacman -S ${name}` };
    case 'apk':
      return { manager: mgr, package: name, command: `apk add ${name}` };
    case 'brew':
      return { manager: mgr, package: name, command: `brew install ${name}` };
    case 'msys2': {
      const prefix: Record<string, string> = { UCRT64: 'mingw-w64-ucrt-x86_64-', MINGW64: 'mingw-w64-x86_64-', CLANG64: 'mingw-w64-clang-x86_64-' };
      const p = prefix[os.msystem ?? ''];
      if (!p) return null;
      return { manager: mgr, package: p + name, command: `pacman -S ${p + name}` };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Diagnostics

export interface PkgConfigDiagnosticInput {
  /** The .go file holding the `#cgo pkg-config:` directive. */
  file: string;
  probe: PkgConfigProbe;
  /** Range of a package name in the directive (falls back to `fallbackRange` when undefined). */
  rangeOf: (pkg: string) => Range | undefined;
  fallbackRange: Range;
  os?: OsInfo;
}

/** Diagnostics for a failed pkg-config probe (empty when it succeeded or was canceled). Never throws. */
export function pkgConfigDiagnostic(input: PkgConfigDiagnosticInput): CgoDiagnostic[] {
  const { probe, file } = input;
  const err = probe.error;
  if (!err || err.kind === 'canceled') return [];
  const out: CgoDiagnostic[] = [];
  if (err.kind === 'not-found') {
    const requested = new Set(probe.packages.map((p) => p.name));
    const missing = err.missing.length > 0 ? err.missing : probe.packages.filter((p) => !p.exists).map((p) => p.name);
    const direct = missing.filter((m) => requested.has(m));
    const deps = missing.filter((m) => !requested.has(m));
    const targets = direct.length > 0 ? direct : probe.packages.filter((p) => !p.exists).map((p) => p.name);
    for (const pkg of targets.length > 0 ? targets : [missing[0] ?? probe.packages[0]?.name ?? '']) {
      const hint = packageManagerHint(pkg, input.os);
      out.push(
        makeDiagnostic({
          file,
          range: input.rangeOf(pkg) ?? input.fallbackRange,
          severity: 'error',
          code: 'cgo/pkg-config-package-not-found',
          cause: `pkg-config cannot find package '${short(pkg)}', so the build fails`,
          fix:
            `${hint ? `install its development files (\`${hint.command}\`)` : 'install the development package that provides ' + pkg + '.pc'}` +
            ` or add the directory containing ${pkg}.pc to PKG_CONFIG_PATH`,
          details: [deps.length > 0 && `It also needs ${deps.map((d) => `'${d}'`).join(', ')}, which is missing.`, err.display],
          data: { package: pkg, missing, installCommand: hint?.command, commandLine: err.commandLine },
        }),
      );
    }
    // A missing Requires: dependency of a package that exists.
    if (targets.length === 0 || direct.length === 0) {
      for (const d of deps) {
        if (out.some((o) => (o.data as { package?: string }).package === d)) continue;
        const owner = probe.packages.find((p) => p.exists)?.name;
        out.push(
          makeDiagnostic({
            file,
            range: (owner && input.rangeOf(owner)) || input.fallbackRange,
            severity: 'error',
            code: 'cgo/pkg-config-package-not-found',
            cause: `pkg-config cannot find '${short(d, 30)}', required by ${owner ? `'${short(owner, 30)}'` : 'a requested package'}`,
            fix: `install the development package that provides ${d}.pc or add its directory to PKG_CONFIG_PATH`,
            details: err.display,
            data: { package: d, missing },
          }),
        );
      }
    }
    return out;
  }
  const first = probe.packages[0]?.name;
  const fix =
    err.kind === 'spawn'
      ? 'install pkg-config (pkgconf) and make sure it is on the PATH the editor sees, or set PKG_CONFIG to its absolute path'
      : err.kind === 'timeout'
        ? 'check the PKG_CONFIG program, or raise cgo.compilerTimeoutMs if it is just slow'
        : err.kind === 'split'
          ? 'fix the quotes or escapes in the .pc file'
          : 'check the .pc files on PKG_CONFIG_PATH';
  const cause =
    err.kind === 'spawn'
      ? 'pkg-config could not be run, so the build fails'
      : err.kind === 'timeout'
        ? 'pkg-config did not finish in time'
        : err.kind === 'split'
          ? 'pkg-config printed flags the go command cannot split'
          : `pkg-config failed${first ? ` for '${short(first, 40)}'` : ''}, so the build fails`;
  out.push(
    makeDiagnostic({
      file,
      range: (first && input.rangeOf(first)) || input.fallbackRange,
      severity: 'error',
      code: 'cgo/pkg-config-failed',
      cause,
      fix,
      details: err.display,
      data: { kind: err.kind, commandLine: err.commandLine },
    }),
  );
  return out;
}
