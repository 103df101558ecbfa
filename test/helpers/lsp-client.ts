// A small LSP client for protocol tests: spawns the BUILT server (`node dist/main.js --stdio`), speaks
// Content-Length framed JSON-RPC, records every notification, and lets tests wait for diagnostics.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import capabilitiesJson from '../fixtures/client-capabilities.json' with { type: 'json' };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const serverMain = path.join(repoRoot, 'dist', 'main.js');

export interface LspMessage {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: any[];
}

/** The initialize capabilities of VS Code, Helix and Neovim 0.11 (shared with the bench as data). */
export const clientCapabilities = capabilitiesJson as Record<'vscode' | 'helix' | 'neovim', Record<string, unknown>>;

/** What each of those clients sends as `clientInfo` (the server offers `.vscode/settings.json` to VS Code only). */
export const clientInfos: Record<keyof typeof clientCapabilities, { name: string; version: string }> = {
  vscode: { name: 'Visual Studio Code', version: '1.95.0' },
  helix: { name: 'helix', version: '25.07.1' },
  neovim: { name: 'Neovim', version: '0.11.0' },
};

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number | string, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly notifications: LspMessage[] = [];
  readonly serverRequests: LspMessage[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  /** Answers the server's workspace/configuration requests with this (per item). */
  configuration: unknown = {};

  /** `command`: another language server to drive (e.g. gopls beside cgo-ls); by default the built cgo-ls. */
  constructor(opts: { env?: NodeJS.ProcessEnv; cwd?: string; args?: string[]; command?: string[] } = {}) {
    if (!opts.command && !fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run npm run build`);
    const [cmd, ...cmdArgs] = opts.command ?? [process.execPath, serverMain, ...(opts.args ?? ['--stdio'])];
    this.proc = spawn(cmd!, cmdArgs, {
      cwd: opts.cwd ?? repoRoot,
      env: opts.env ?? process.env,
      stdio: 'pipe',
    });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // The server may exit while we still answer one of its requests; that is not a test failure by itself.
    this.proc.stdin.on('error', () => undefined);
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const header = this.buf.subarray(0, sep).toString();
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error(`bad header ${header}`);
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const body = this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(sep + 4 + len);
      this.onMessage(JSON.parse(body) as LspMessage);
    }
  }

  private onMessage(msg: LspMessage): void {
    if (msg.method !== undefined && msg.id !== undefined && msg.id !== null) {
      this.serverRequests.push(msg);
      let result: unknown = null;
      if (msg.method === 'workspace/configuration') result = (msg.params.items as unknown[]).map(() => this.configuration);
      this.sendRaw({ jsonrpc: '2.0', id: msg.id, result });
    } else if (msg.method !== undefined) {
      this.notifications.push(msg);
    } else if (msg.id !== undefined && msg.id !== null) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
        else p.resolve(msg.result);
      }
    }
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  sendRaw(msg: unknown): void {
    if (!this.proc.stdin.writable) return;
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  /** Writes bytes as they are (for junk-input tests). */
  sendBytes(bytes: string | Buffer): void {
    this.proc.stdin.write(bytes);
  }

  request<T = any>(method: string, params: unknown, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(t);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      this.sendRaw({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.sendRaw({ jsonrpc: '2.0', method, params });
  }

  async initialize(rootDir: string, opts: { client?: keyof typeof clientCapabilities; initializationOptions?: unknown } = {}): Promise<any> {
    const rootUri = pathToFileURL(rootDir).toString();
    const res = await this.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(rootDir) }],
      capabilities: clientCapabilities[opts.client ?? 'vscode'],
      clientInfo: clientInfos[opts.client ?? 'vscode'],
      initializationOptions: opts.initializationOptions ?? {},
    });
    this.notify('initialized', {});
    return res;
  }

  open(file: string, text?: string, version = 1): string {
    const uri = pathToFileURL(file).toString();
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text: text ?? fs.readFileSync(file, 'utf8') } });
    return uri;
  }

  change(uri: string, text: string, version: number): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Every publishDiagnostics for a URI, oldest first. */
  published(uri: string): PublishedDiagnostics[] {
    return this.notifications
      .filter((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri)
      .map((n) => n.params as PublishedDiagnostics);
  }

  /** Waits until `pred` holds (checked on every incoming message and every 50 ms). */
  async waitFor<T>(pred: () => T | undefined | false | null, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits for a publish for `uri` that satisfies `pred` (default: any publish at all). */
  waitForDiagnostics(uri: string, pred: (p: PublishedDiagnostics) => boolean = () => true, timeoutMs = 30_000): Promise<PublishedDiagnostics> {
    return this.waitFor(() => [...this.published(uri)].reverse().find(pred), timeoutMs, `diagnostics for ${uri}`);
  }

  /** Waits until no message arrived for `quietMs`. */
  async settle(quietMs = 800): Promise<void> {
    let last = this.notifications.length;
    for (;;) {
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.notifications.length === last) return;
      last = this.notifications.length;
    }
  }

  async shutdown(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    try {
      await this.request('shutdown', null, 5_000);
      this.notify('exit', null);
    } catch {
      /* fall through to kill */
    }
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        r();
      }, 3_000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}
