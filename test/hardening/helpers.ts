// Helpers for the hardening tests: temp modules, the spy/fault-injection fakes from
// test/fixtures/hardening/bin, the CLI, the process table (/proc) and resident memory.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, repoRoot, serverMain } from '../helpers/lsp-client.js';

export const hardeningFixtures = path.join(repoRoot, 'test', 'fixtures', 'hardening');

/** The real tools (absolute paths), or null when missing. */
export function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p.startsWith('/') ? p : null;
}
export const realGcc = which('gcc');
export const realGo = which('go');
export const realPkgConfig = which('pkg-config');

/** A fresh temp directory, removed by `cleanupTemps()`. */
const temps: string[] = [];
export function tempDir(prefix: string): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `cgo-ls-${prefix}-`)));
  temps.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of temps.splice(0)) {
    try {
      fs.chmodSync(d, 0o755);
    } catch {
      /* ignore */
    }
    fs.rmSync(d, { recursive: true, force: true });
  }
}

/** Writes files (relative path → text) below `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
}

/** Writes an executable shell script (a fault-injection fake; the caller says so in its body). */
export function writeScript(file: string, body: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body.startsWith('#!') ? body : `#!/bin/sh\n${body}`);
  fs.chmodSync(file, 0o755);
  return file;
}

export interface SpyCall {
  /** The working directory of the call. */
  cwd: string;
  args: string[];
}

/** The spy tools (copies of test/fixtures/hardening/bin in a temp dir; they log next to themselves). */
export class Spies {
  readonly dir: string;
  readonly cc: string;
  readonly pkgConfig: string;
  constructor(prefix = 'spy') {
    this.dir = tempDir(prefix);
    for (const f of fs.readdirSync(path.join(hardeningFixtures, 'bin'))) {
      fs.copyFileSync(path.join(hardeningFixtures, 'bin', f), path.join(this.dir, f));
      fs.chmodSync(path.join(this.dir, f), 0o755);
    }
    this.cc = path.join(this.dir, 'spy-cc');
    this.pkgConfig = path.join(this.dir, 'spy-pkg-config');
    // The spy runs the real gcc found on this machine (the fixture defaults to /usr/bin/gcc).
    if (realGcc) fs.writeFileSync(this.cc, fs.readFileSync(this.cc, 'utf8').replace('${SPY_REAL_CC:-/usr/bin/gcc}', `\${SPY_REAL_CC:-${realGcc}}`));
  }
  private calls(log: string): SpyCall[] {
    const f = path.join(this.dir, log);
    if (!fs.existsSync(f)) return [];
    const out: SpyCall[] = [];
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (line.startsWith('@@CALL@@')) out.push({ cwd: line.slice('@@CALL@@ '.length), args: [] });
      else if (out.length > 0 && line !== '') out[out.length - 1]!.args.push(line);
    }
    return out;
  }
  ccCalls(): SpyCall[] {
    return this.calls('spy-cc.log');
  }
  pkgConfigCalls(): SpyCall[] {
    return this.calls('spy-pkg-config.log');
  }
  reset(): void {
    for (const f of ['spy-cc.log', 'spy-pkg-config.log']) fs.rmSync(path.join(this.dir, f), { force: true });
  }
}

/** The environment of a test server/CLI: the real one minus things that make runs slow or user-dependent. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['SHELL']; // no login-shell probe
  for (const k of Object.keys(env)) if (k.startsWith('CGO_') || k === 'CC' || k === 'CXX' || k === 'PKG_CONFIG' || k === 'GOFLAGS') delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface CheckResult {
  status: number | null;
  stdout: string;
  stderr: string;
  diagnostics: any[];
}

/** Runs `node dist/main.js check --format json <paths>` and parses its output. */
export function runCheck(paths: string[], env: NodeJS.ProcessEnv, cwd = repoRoot, timeoutMs = 60_000): CheckResult {
  const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', ...paths], {
    env,
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  let diagnostics: any[] = [];
  try {
    const parsed = JSON.parse(r.stdout);
    diagnostics = Array.isArray(parsed) ? parsed : (parsed.diagnostics ?? []);
  } catch {
    diagnostics = [];
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, diagnostics };
}

// ---- processes -------------------------------------------------------------------------------------------

/** Parent pid of every process, from /proc. */
function ppidTable(): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces and parentheses: split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(e), Number(rest[1]));
    } catch {
      /* exited */
    }
  }
  return out;
}

/**
 * Every live descendant of `pid` (children, grandchildren …), with its command line. The server's reaper
 * (dist/reaper.js beside the bundle, dist/util/reaper.js beside tsc's output: started once, it lives as long as
 * the server to kill leftovers if the server dies) is not a leftover and is left out unless `includeReaper`.
 */
export function descendants(pid: number, opts: { includeReaper?: boolean } = {}): { pid: number; cmd: string }[] {
  const table = ppidTable();
  const out: { pid: number; cmd: string }[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, parent] of table) {
      if (parent !== p) continue;
      let cmd = '';
      try {
        cmd = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        const state = fs.readFileSync(`/proc/${child}/stat`, 'utf8');
        if (/\) Z /.test(state)) cmd += ' <zombie>';
      } catch {
        continue;
      }
      queue.push(child);
      if (!opts.includeReaper && /[\\/](?:util[\\/])?reaper\.js\b/.test(cmd)) continue;
      out.push({ pid: child, cmd });
    }
  }
  return out;
}

/** Processes whose command line contains `marker` (to find a detached fake that escaped its parent). */
export function processesMatching(marker: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(marker)) out.push({ pid: Number(e), cmd });
    } catch {
      /* exited */
    }
  }
  return out;
}

/** Kills the given pids (cleanup after a failed assertion; only processes this test created). */
export function killPids(pids: number[]): void {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Resident set size of a process in KiB (VmRSS), or null when it is gone. */
export function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export async function waitUntil(pred: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return pred();
}

// ---- LSP -------------------------------------------------------------------------------------------------

/** Starts the built server with `env`, initialises it on `root` and returns the client. */
export async function startServer(
  root: string,
  env: NodeJS.ProcessEnv,
  initializationOptions: Record<string, unknown> = {},
  client: 'vscode' | 'helix' | 'neovim' = 'vscode',
): Promise<LspClient> {
  const c = new LspClient({ env });
  await c.initialize(root, { client, initializationOptions: { checkShellEnv: false, ...initializationOptions } });
  return c;
}

/** Asserts-free liveness probe: a hover request answered (any result) within `timeoutMs`. */
export async function hoverAt(c: LspClient, uri: string, line: number, character: number, timeoutMs = 10_000): Promise<{ result: any; ms: number }> {
  const t0 = performance.now();
  const result = await c.request('textDocument/hover', { textDocument: { uri }, position: { line, character } }, timeoutMs);
  return { result, ms: performance.now() - t0 };
}

/** A hover asked again (bounded) while it says the toolchain probe is still pending. */
export async function hoverWhenReady(c: LspClient, uri: string, line: number, character: number): Promise<{ result: any; ms: number }> {
  for (let i = 0; ; i++) {
    const h = await hoverAt(c, uri, line, character);
    if (!/has not answered (yet|in time)/.test(String(h.result?.contents?.value ?? '')) || i >= 60) return h;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** The `window/logMessage` texts seen so far. */
export function logMessages(c: LspClient): string[] {
  return c.notifications.filter((n) => n.method === 'window/logMessage' || n.method === 'window/showMessage').map((n) => String(n.params?.message ?? ''));
}

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

/**
 * Waits until no message arrived for `quietMs`, but at most `maxMs` (LspClient.settle never returns while the
 * server keeps publishing, which would turn an unrelated bug into a timeout).
 */
export async function settleBounded(c: LspClient, quietMs = 800, maxMs = 8_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = c.notifications.length;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    if (c.notifications.length === last) return;
    last = c.notifications.length;
  }
}

/** Shuts a client down and makes sure its process is gone (SIGKILL as a last resort). */
export async function stopServer(c: LspClient | undefined): Promise<void> {
  if (!c) return;
  await c.shutdown().catch(() => undefined);
  if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
}

/** `go list -e -compiled` on a directory: Go's own verdict on its #cgo flags (the oracle). */
export function goListError(dir: string, env: NodeJS.ProcessEnv): string {
  const out = execFileSync(realGo ?? 'go', ['list', '-e', '-compiled', '-json=ImportPath,Error,DepsErrors', '.'], {
    cwd: dir,
    env: { ...env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const j = JSON.parse(out) as { Error?: { Err: string } };
  return j.Error?.Err ?? '';
}

export { LspClient, repoRoot, serverMain, spawn };
