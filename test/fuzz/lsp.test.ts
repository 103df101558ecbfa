// Fuzzing the LSP input of the real server (built, over stdio): malformed JSON-RPC framing, non-JSON, valid JSON
// with wrong shapes, unknown methods, huge params, out-of-order notifications, unknown and non-file URIs. The
// server must never exit, must still answer textDocument/hover afterwards, and its memory must stay bounded.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';
import { baseEnv, rssKb, settleBounded } from '../hardening/helpers.js';
import { params, timeoutFor } from './common.js';

const root = path.join(repoRoot, 'test', 'fixtures', 'modules', 'healthy');
const boxFile = path.join(root, 'box.go');
const RSS_LIMIT_KB = 1.5 * 1024 * 1024;

/** A JSON value of arbitrary shape (what a confused client might send as params). */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const uriArb = fc.oneof(
  fc.constantFrom(
    'file:///nonexistent/x.go',
    'untitled:Untitled-1',
    'http://example.com/a.go',
    'file:///',
    'file://host/share/a.go',
    'git:/a.go?%7B%7D',
    '',
    'file:///%00.go',
    'file:///tmp/../../etc/passwd',
    'file:///tmp/a%2Fb.go',
  ),
  fc.webUrl(),
  fc.string({ maxLength: 20 }),
);
const position = fc.record({ line: fc.oneof(fc.nat(), fc.integer(), fc.constant(2 ** 31)), character: fc.oneof(fc.nat(), fc.integer()) });
const methods = [
  'textDocument/didOpen',
  'textDocument/didChange',
  'textDocument/didClose',
  'textDocument/didSave',
  'textDocument/hover',
  'textDocument/codeAction',
  'workspace/executeCommand',
  'workspace/didChangeConfiguration',
  'workspace/didChangeWatchedFiles',
  'cgo/toolchain',
  '$/cancelRequest',
  '$/setTrace',
  'nope/unknown',
  'initialize',
  'shutdownx',
];

/** One hostile message: a wrong-shape request/notification, or raw bytes. */
const hostile = fc.oneof(
  // valid method, arbitrary params
  fc.record({ kind: fc.constant('json' as const), method: fc.constantFrom(...methods), params: anyJson, request: fc.boolean() }),
  // plausible shapes with bad URIs / positions / versions
  fc.record({
    kind: fc.constant('json' as const),
    method: fc.constantFrom('textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/hover', 'textDocument/codeAction'),
    params: fc.record({
      textDocument: fc.record({
        uri: uriArb,
        version: fc.oneof(fc.integer(), fc.constant(null)),
        text: fc.string({ maxLength: 200 }),
        languageId: fc.constant('go'),
      }),
      position,
      contentChanges: fc.array(fc.record({ text: fc.string({ maxLength: 100 }) }), { maxLength: 2 }),
      range: fc.record({ start: position, end: position }),
      context: fc.record({ diagnostics: fc.array(anyJson, { maxLength: 2 }), only: fc.option(fc.array(fc.string(), { maxLength: 2 })) }),
    }),
    request: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('json' as const),
    method: fc.constant('workspace/executeCommand'),
    params: fc.record({
      command: fc.constantFrom('cgo.refresh', 'cgo.showToolchainReport', 'cgo.applyEnvFix', 'cgo.showFixInstructions', 'x'),
      arguments: fc.array(anyJson, { maxLength: 2 }),
    }),
    request: fc.constant(true),
  }),
);

type Hostile = { kind: 'json'; method: string; params: unknown; request: boolean };

describe('fuzz: hostile LSP input to the real server', () => {
  let c: LspClient;
  let boxUri: string;
  let rssBefore: number;
  beforeAll(async () => {
    c = new LspClient({ env: baseEnv() });
    await c.initialize(root, { initializationOptions: { checkShellEnv: false, diagnosticsScope: 'openFiles' } });
    boxUri = c.open(boxFile);
    await c.waitForDiagnostics(boxUri, () => true, 30_000);
    rssBefore = rssKb(c.proc.pid!) ?? 0;
  });
  afterAll(async () => {
    await c.shutdown();
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  });

  /** Liveness: the process runs and answers a hover on import "C" of an open, valid document. */
  async function alive(what: string): Promise<void> {
    expect(c.proc.exitCode, `server exited after ${what}; stderr: ${c.stderr.slice(-2000)}`).toBeNull();
    const res = await c.request('textDocument/hover', { textDocument: { uri: boxUri }, position: { line: 5, character: 8 } }, 30_000).catch((e: Error) => {
      throw new Error(`no hover answer after ${what}: ${e.message}`);
    });
    expect(res === null || typeof res === 'object').toBe(true);
  }

  it('out-of-order and duplicate notifications: didChange before didOpen, didClose twice, didSave of an unknown file', async () => {
    const uri = 'file:///nonexistent/dir/ooo.go';
    c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'package x\nimport "C"\n' }] });
    c.notify('textDocument/didClose', { textDocument: { uri } });
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: 'package x\n\n// #include <stdio.h>\n\nimport "C"\n' } });
    c.notify('textDocument/didClose', { textDocument: { uri } });
    c.notify('textDocument/didClose', { textDocument: { uri } });
    c.notify('textDocument/didSave', { textDocument: { uri: 'file:///nonexistent/other.go' } });
    c.notify('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'go', version: 1, text: 'package x\nimport "C"\n' } });
    c.notify('textDocument/didOpen', { textDocument: { uri: 'https://example.com/a.go', languageId: 'go', version: 1, text: 'package x\nimport "C"\n' } });
    await c.request('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 1, character: 8 } }).catch(() => null);
    await alive('out-of-order notifications');
  });

  it(
    'random hostile JSON-RPC messages (wrong shapes, unknown methods, bad URIs and positions) never kill the server; hover still answers; RSS bounded',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 8 }), async (msgs: Hostile[]) => {
          for (const m of msgs) {
            if (m.request) void c.request(m.method, m.params, 60_000).catch(() => undefined);
            else c.notify(m.method, m.params);
          }
          await alive(JSON.stringify(msgs).slice(0, 300));
        }),
        params(60),
      );
      await settleBounded(c, 500, 5_000);
      const rss = rssKb(c.proc.pid!)!;
      expect(rss, `RSS ${rss} kB (was ${rssBefore} kB)`).toBeLessThan(RSS_LIMIT_KB);
    },
    timeoutFor(60, 2_000, 60_000),
  );

  it('a 5 MB didOpen and a 5 MB didChange are taken, the server answers afterwards and RSS stays bounded', async () => {
    const uri = 'file:///nonexistent/huge/huge.go';
    const big = `package huge\n\n// #include <stdlib.h>\nimport "C"\n\n${'// filler comment line for a very large file\n'.repeat(Math.ceil((5 * 1024 * 1024) / 46))}`;
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: big } });
    c.change(uri, big.replace('filler', 'FILLER'), 2);
    const t0 = Date.now();
    await alive('5 MB didOpen/didChange');
    const rss = rssKb(c.proc.pid!)!;
    expect(rss, `RSS ${rss} kB after 5 MB documents`).toBeLessThan(RSS_LIMIT_KB);
    c.notify('textDocument/didClose', { textDocument: { uri } });
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 120_000);

  // Each framing error gets a fresh server (a lost frame boundary is per stream). After the junk, one
  // well-formed request must be answered: a server that stays alive but never reads again is the worst outcome
  // (the editor neither gets answers nor restarts it).
  const junkFrames: [string, string][] = [
    ['a JSON string body', 'Content-Length: 5\r\n\r\n".#<"'],
    ['a non-JSON body', 'Content-Length: 3\r\n\r\nabc'],
    ['a truncated JSON body', 'Content-Length: 5\r\n\r\n{"a":'],
    ['an empty header block', '\r\n\r\n'],
    ['a header line without a colon', 'garbage without headers\r\n\r\n'],
    ['a negative Content-Length', 'Content-Length: -1\r\n\r\n'],
    ['a non-numeric Content-Length', 'Content-Length: abc\r\n\r\n{}'],
    ['no Content-Length header', 'Content-Type: application/json\r\n\r\n{}'],
    ['a lying Content-Length completed by padding', `Content-Length: 100\r\n\r\n{"jsonrpc":"2.0"}${' '.repeat(83)}`],
    ['an unknown charset', 'Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{}'],
  ];
  for (const [what, junk] of junkFrames) {
    it(`bad framing (${what}): the server does not exit and answers the next well-formed request`, async () => {
      const d = new LspClient({ env: baseEnv() });
      try {
        await d.initialize(root, { initializationOptions: { checkShellEnv: false, diagnosticsScope: 'openFiles' } });
        d.sendBytes(junk);
        await new Promise((r) => setTimeout(r, 300));
        expect(d.proc.exitCode).toBeNull();
        const res = await d.request('cgo/toolchain', { uri: `file://${boxFile}` }, 10_000);
        expect(res).not.toBeUndefined();
        expect(d.proc.exitCode).toBeNull();
      } finally {
        // A disposable server that may be wedged: no shutdown handshake, just end it.
        if (d.proc.exitCode === null && d.proc.signalCode === null) d.proc.kill('SIGKILL');
      }
    }, 30_000);
  }
});
