// Issue 12, items 10 and 12: the LSP lifecycle over stdio. Requests before `initialize` and after `shutdown` are
// refused as the specification asks; an absurd Content-Length is refused and the stream resynchronises; the exit
// code is 0 after a clean shutdown even with publishes in flight; concurrent cgo.refresh share one re-probe.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { gate } from '../../server/src/lsp/connect.js';
import { MAX_BODY } from '../../server/src/lsp/framing.js';
import { FramingGuard } from '../../server/src/lsp/framing.js';
import { baseEnv, cleanupTemps, realGcc, realGo, startServer, tempDir, writeScript, writeTree } from '../hardening/helpers.js';
import { LspClient } from '../helpers/lsp-client.js';

// Real servers and compilers on a shared 2-core machine: generous per-test time (no timing asserts here).
vi.setConfig({ testTimeout: 240000 });

const haveTools = realGcc !== null && realGo !== null;
if (process.env['CI'] === 'true' && !haveTools) throw new Error('CI: lifecycle.test.ts needs gcc and go');

const GOOD = 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n';

function module(prefix: string, n = 1): string {
  const root = tempDir(prefix);
  const files: Record<string, string> = { 'go.mod': 'module example.com/life\n\ngo 1.22\n' };
  for (let i = 0; i < n; i++) files[`p${i}/a.go`] = GOOD.replace('package p', `package p${i}`);
  writeTree(root, files);
  return root;
}

function exitOf(c: LspClient, ms = 15_000): Promise<number | null> {
  return new Promise((resolve) => {
    if (c.proc.exitCode !== null) return resolve(c.proc.exitCode);
    const t = setTimeout(() => resolve(null), ms);
    c.proc.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe('gate (lifecycle rules, pure)', () => {
  it('answers requests before initialize with ServerNotInitialized (-32002) and drops notifications', () => {
    expect(gate('new', { id: 1, method: 'textDocument/hover' })).toMatchObject({ pass: false, error: { code: -32002 } });
    expect(gate('new', { method: 'textDocument/didOpen' })).toEqual({ pass: false });
    expect(gate('new', { id: 1, method: 'initialize' })).toEqual({ pass: true, next: 'initializing' });
    expect(gate('new', { method: 'exit' })).toMatchObject({ pass: true });
  });
  it('passes everything while running, and moves to shutdown on the shutdown request', () => {
    expect(gate('initializing', { method: 'initialized' })).toEqual({ pass: true, next: 'running' });
    expect(gate('running', { id: 2, method: 'textDocument/hover' })).toEqual({ pass: true, next: 'running' });
    expect(gate('running', { id: 3, method: 'shutdown' })).toEqual({ pass: true, next: 'shutdown' });
  });
  it('refuses requests after shutdown with InvalidRequest (-32600), drops notifications, lets exit and responses through', () => {
    expect(gate('shutdown', { id: 4, method: 'textDocument/hover' })).toMatchObject({ pass: false, error: { code: -32600 } });
    expect(gate('shutdown', { method: 'textDocument/didChange' })).toEqual({ pass: false });
    expect(gate('shutdown', { method: 'exit' })).toMatchObject({ pass: true });
    expect(gate('shutdown', { id: 7, result: null })).toMatchObject({ pass: true });
  });
});

describe('FramingGuard: an absurd Content-Length', () => {
  it('is refused, and the message after it comes through', async () => {
    const drops: string[] = [];
    const g = new FramingGuard((w) => drops.push(w));
    let out = '';
    g.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const body = '{"jsonrpc":"2.0","id":9,"method":"ok"}';
    const good = `Content-Length: ${body.length}\r\n\r\n${body}`;
    await new Promise<void>((resolve) => {
      g.on('end', () => resolve());
      g.write(Buffer.from('Content-Length: 99999999999\r\n\r\n' + good, 'latin1'));
      g.end();
    });
    expect(out).toBe(good);
    expect(drops.join('\n')).toMatch(/exceeds the \d+ byte limit/);
    expect(MAX_BODY).toBeLessThan(99999999999);
  });
});

describe.skipIf(!haveTools)('the server over stdio', () => {
  afterAll(() => cleanupTemps());

  it('a request before initialize gets ServerNotInitialized, and initialize still works afterwards', async () => {
    const root = module('preinit');
    const c = new LspClient({ env: baseEnv() });
    try {
      const err = await c.request('textDocument/hover', { textDocument: { uri: 'file:///x.go' }, position: { line: 0, character: 0 } }, 10_000).catch((e) => e);
      expect(err.code).toBe(-32002);
      c.notify('textDocument/didOpen', { textDocument: { uri: 'file:///nowhere/x.go', languageId: 'go', version: 1, text: GOOD } });
      const init = await c.initialize(root, { initializationOptions: { checkShellEnv: false } });
      expect(init.serverInfo.name).toBe('cgo-ls');
      await c.settle(500);
      expect(c.published('file:///nowhere/x.go')).toEqual([]);
    } finally {
      await c.shutdown();
    }
  });

  it('after shutdown a request gets InvalidRequest, and exit ends the server with code 0', async () => {
    const root = module('postshut');
    const c = await startServer(root, baseEnv());
    const uri = c.open(path.join(root, 'p0', 'a.go'));
    await c.request('shutdown', null, 10_000);
    const err = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 8 } }, 10_000).catch((e) => e);
    expect(err.code).toBe(-32600);
    c.notify('exit', null);
    expect(await exitOf(c)).toBe(0);
  });

  it('an absurd Content-Length (99999999999) is refused and the next request is answered', async () => {
    const root = module('clen');
    const c = await startServer(root, baseEnv());
    try {
      c.sendBytes('Content-Length: 99999999999\r\n\r\n{"jsonrpc":"2.0","id":424242,"method":"x"}');
      const res = await c.request('workspace/executeCommand', { command: 'cgo.showFixInstructions', arguments: ['still here'] }, 15_000);
      expect(res).toEqual({ ok: true, message: 'still here' });
    } finally {
      await c.shutdown();
    }
  });

  it('exit code 0 after shutdown+exit even while 20 files are being analysed and published', async () => {
    const root = module('inflight', 20);
    for (let round = 0; round < 3; round++) {
      const c = await startServer(root, baseEnv(), { diagnosticsScope: 'workspace' });
      for (let i = 0; i < 20; i++) c.open(path.join(root, `p${i}`, 'a.go'));
      await new Promise((r) => setTimeout(r, 50 * round));
      await c.request('shutdown', null, 15_000);
      c.notify('exit', null);
      expect(await exitOf(c), `round ${round}; stderr: ${c.stderr.slice(-500)}`).toBe(0);
    }
  });

  it('300 concurrent cgo.refresh share one re-probe (SPY go: logs each call, then runs the real go)', async () => {
    const root = module('refresh');
    const spyDir = tempDir('spygo');
    const log = path.join(spyDir, 'calls.log');
    writeScript(
      path.join(spyDir, 'go'),
      `#!/bin/sh\n# SPY go (lifecycle.test.ts): logs the call, then runs the real go.\necho "$*" >> '${log}'\nexec '${realGo}' "$@"\n`,
    );
    const env = baseEnv({ PATH: `${spyDir}:${process.env['PATH']}` });
    const c = await startServer(root, env, { diagnosticsScope: 'openFiles' });
    const calls = () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('env')).length
        : 0;
    try {
      const uri = c.open(path.join(root, 'p0', 'a.go'));
      await c.waitForDiagnostics(uri, () => true, 60_000);
      const r1 = calls();
      await c.request('workspace/executeCommand', { command: 'cgo.refresh' }, 60_000);
      const one = calls() - r1;
      expect(one, 'one refresh re-ran no go env at all').toBeGreaterThan(0);
      const r2 = calls();
      const all = await Promise.all(Array.from({ length: 300 }, () => c.request('workspace/executeCommand', { command: 'cgo.refresh' }, 120_000)));
      expect(all.every((x) => x.ok === true)).toBe(true);
      // 300 at once cost no more than one refresh alone (they join the one in flight).
      expect(calls() - r2).toBeGreaterThan(0);
      expect(calls() - r2).toBeLessThanOrEqual(one);
    } finally {
      await c.shutdown();
    }
  });
});
