// Shared set-up for the toolchain tests: hermetic environments (own HOME, GOENV, GOPATH; real GOCACHE) and
// throw-away workspaces, so the developer's own go env file or shell never leaks into a result.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { goTelemetryOff, removeTree } from '../helpers/home.js';

export const REAL_GO = '/usr/local/go/bin/go';
export const REAL_GOROOT = '/usr/local/go';
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/toolchain');
/** Go 1.22.12, downloaded once into the real module cache by `GOTOOLCHAIN=go1.22.12 go version`. */
export const GO122_ROOT = path.join(homedir(), 'go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64');
export const GO122 = path.join(GO122_ROOT, 'bin/go');
export const HAVE_GO122 = existsSync(GO122);
export const HAVE_MINGW = (() => {
  try {
    execFileSync('x86_64-w64-mingw32-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const REAL_GOCACHE = (() => {
  try {
    return execFileSync(REAL_GO, ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
  } catch {
    return path.join(homedir(), '.cache/go-build');
  }
})();

export interface Sandbox {
  root: string;
  home: string;
  /** A workspace folder (module example.com/m unless told otherwise). */
  ws: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** System PATH without any user directories: real go first, then the usual system dirs. */
export const SYSTEM_PATH = ['/usr/local/go/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');

export function sandbox(opts: { goMod?: string | null; env?: NodeJS.ProcessEnv } = {}): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'cgo-ls-tc-'));
  const home = path.join(root, 'home');
  const ws = path.join(root, 'ws');
  mkdirSync(home, { recursive: true });
  mkdirSync(ws, { recursive: true });
  goTelemetryOff(path.join(home, '.config'));
  if (opts.goMod !== null) writeFileSync(path.join(ws, 'go.mod'), opts.goMod ?? 'module example.com/m\n\ngo 1.22\n');
  const env: NodeJS.ProcessEnv = {
    PATH: SYSTEM_PATH,
    HOME: home,
    GOENV: path.join(home, 'goenv'),
    GOPATH: path.join(root, 'gopath'),
    GOMODCACHE: path.join(root, 'gopath', 'pkg', 'mod'),
    GOCACHE: REAL_GOCACHE,
    GOFLAGS: '',
    GOPROXY: 'off',
    GOTELEMETRY: 'off',
    LANG: 'C',
    ...opts.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return { root, home, ws, env, cleanup: () => removeTree(root) };
}

/** A directory containing symlinks `name -> target` for each entry. */
export function binDir(root: string, name: string, links: Record<string, string>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [n, target] of Object.entries(links)) symlinkSync(target, path.join(dir, n));
  return dir;
}

/** Runs the real go (or another) and returns {code, stdout, stderr} — to compare our messages with the tool's. */
export function runGo(goBin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(goBin, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

export function writeCgoMain(dir: string): void {
  writeFileSync(path.join(dir, 'main.go'), 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() { _ = C.size_t(0) }\n');
}

/** `box()` for a test file: each call makes a sandbox, and every sandbox is removed after its test. */
export function sandboxesPerTest(): (opts?: Parameters<typeof sandbox>[0]) => Sandbox {
  const boxes: Sandbox[] = [];
  afterEach(() => {
    while (boxes.length) boxes.pop()!.cleanup();
  });
  return (opts) => {
    const b = sandbox(opts);
    boxes.push(b);
    return b;
  };
}

/** Platform hooks that fail or find nothing (the probe must still not throw). */
export function brokenPlatform(cwd: string) {
  return {
    os: 'linux',
    arch: 'amd64',
    env: {},
    cwd,
    stat: () => Promise.reject(new Error('disk on fire')),
    isExecutableFile: () => Promise.reject(new Error('disk on fire')),
    exists: () => Promise.resolve(false),
    readFile: () => Promise.resolve(null),
    realpath: () => Promise.resolve(null),
    mtimeMs: () => Promise.resolve(null),
  };
}
