// A minimal stdio LSP client for the bench (the ideas of test/helpers/lsp-client.ts, in plain JS): spawns a
// server in its own process group, frames JSON-RPC, timestamps every incoming message with performance.now(),
// answers the server's requests, and waits for conditions without polling delays (every message wakes the
// waiters).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { descendantsOf, killPids, startProcess, stop } from './procs.mjs';
import clientCapabilities from '../../test/fixtures/client-capabilities.json' with { type: 'json' };

/** VS Code's client capabilities (workDoneProgress on, so the server reports `$/progress`); shared with the tests. */
export const capabilities = clientCapabilities.vscode;

export const uriOf = (file) => pathToFileURL(file).toString();

export class LspClient {
  /**
   * @param {string} cmd  executable
   * @param {string[]} args
   * @param {{env?: NodeJS.ProcessEnv, cwd?: string, configuration?: unknown}} opts
   */
  constructor(cmd, args, opts = {}) {
    this.spawnedAt = performance.now();
    this.proc = startProcess(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd });
    this.pid = this.proc.pid;
    this.buf = Buffer.alloc(0);
    this.nextId = 1;
    this.pending = new Map();
    /** Every notification from the server: { t, method, params }. */
    this.notifications = [];
    this.serverRequests = [];
    this.waiters = new Set();
    this.stderr = '';
    this.exited = false;
    this.configuration = opts.configuration ?? null;
    this.proc.stdout.on('data', (d) => this.onData(d));
    this.proc.stderr.on('data', (d) => {
      if (this.stderr.length < 200_000) this.stderr += d.toString();
    });
    this.proc.stdin.on('error', () => undefined);
    this.proc.once('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  onData(d) {
    const t = performance.now();
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) break;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString());
      if (!m) throw new Error('bad LSP header from server');
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) break;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8'));
      this.buf = this.buf.subarray(sep + 4 + len);
      this.onMessage(msg, t);
    }
    this.wake();
  }

  onMessage(msg, t) {
    if (msg.method !== undefined && msg.id !== undefined && msg.id !== null) {
      this.serverRequests.push({ t, ...msg });
      let result = null;
      if (msg.method === 'workspace/configuration') result = (msg.params?.items ?? []).map(() => this.configuration);
      this.send({ jsonrpc: '2.0', id: msg.id, result });
    } else if (msg.method !== undefined) {
      this.notifications.push({ t, method: msg.method, params: msg.params });
    } else if (msg.id !== undefined && msg.id !== null) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        p(msg, t);
      }
    }
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  send(msg) {
    if (this.exited || !this.proc.stdin.writable) return;
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  /** Sends a request; resolves { result, error, ms } (ms: send → response arrival). */
  request(method, params, timeoutMs = 60_000) {
    const id = this.nextId++;
    const sent = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (msg, t) => {
        clearTimeout(timer);
        resolve({ result: msg.result, error: msg.error, ms: t - sent, t });
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, params });
    return performance.now();
  }

  async initialize(rootDir, initializationOptions = {}) {
    const rootUri = uriOf(rootDir);
    const res = await this.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'cgo-ls-bench' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(rootDir) }],
      capabilities,
      initializationOptions,
    });
    this.notify('initialized', {});
    return res;
  }

  open(file, text, version = 1, languageId = 'go') {
    const uri = uriOf(file);
    const t = this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text: text ?? fs.readFileSync(file, 'utf8') } });
    return { uri, t };
  }

  change(uri, text, version) {
    return this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** publishDiagnostics notifications, optionally for one URI and after time `since`. */
  published(uri, since = -Infinity) {
    return this.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.t >= since && (uri === undefined || n.params.uri === uri));
  }

  logMessages() {
    return this.notifications.filter((n) => n.method === 'window/logMessage');
  }

  /** Resolves the first truthy value of `pred()`, re-checked on every message; rejects on timeout or exit. */
  waitFor(pred, timeoutMs = 60_000, what = 'condition') {
    return new Promise((resolve, reject) => {
      const check = () => {
        let v;
        try {
          v = pred();
        } catch (e) {
          done();
          reject(e);
          return;
        }
        if (v) {
          done();
          resolve(v);
        } else if (this.exited) {
          done();
          reject(new Error(`server exited while waiting for ${what}; stderr: ${this.stderr.slice(-1500)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until no notification arrived for `quietMs`. */
  async settle(quietMs = 500, maxMs = 60_000) {
    const end = performance.now() + maxMs;
    let last = this.notifications.length;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.notifications.length === last) return;
      last = this.notifications.length;
    }
  }

  /** shutdown + exit, then the process tree is killed whatever happened. */
  async close() {
    const kids = this.exited ? [] : descendantsOf(this.pid);
    try {
      if (!this.exited) {
        await this.request('shutdown', null, 3_000);
        this.notify('exit', null);
        await Promise.race([new Promise((r) => this.proc.once('exit', r)), new Promise((r) => setTimeout(r, 2_000))]);
      }
    } catch {
      /* killed below */
    }
    await stop(this.proc, 1_000);
    killPids(kids.filter((p) => fs.existsSync(`/proc/${p}`)));
  }
}
