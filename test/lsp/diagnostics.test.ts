// Protocol tests: the BUILT server over stdio, driven like an editor.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'modules');

describe('published diagnostics for static problems', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = new LspClient();
    await client.initialize(path.join(fixtures, 'static'));
  });
  afterAll(async () => client.shutdown());

  it('advertises full sync, hover and the cgo commands', async () => {
    const c = new LspClient();
    try {
      const res = await c.initialize(path.join(fixtures, 'static'));
      expect(res.serverInfo.name).toBe('cgo-ls');
      expect(res.capabilities.textDocumentSync.change).toBe(1);
      expect(res.capabilities.hoverProvider).toBe(true);
      expect(res.capabilities.executeCommandProvider.commands).toEqual(expect.arrayContaining(['cgo.refresh', 'cgo.showToolchainReport']));
    } finally {
      await c.shutdown();
    }
  });

  it('flags a preamble detached by a blank line on the comment, with source, code, href and data', async () => {
    const uri = client.open(path.join(fixtures, 'static', 'detached.go'));
    // The open document's publish carries its version (the workspace scan may publish the file unversioned first).
    const pub = await client.waitForDiagnostics(uri, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'cgo/preamble-detached'));
    const d = pub.diagnostics.find((x) => x.code === 'cgo/preamble-detached');
    expect(d.source).toBe('cgo');
    expect(d.range.start.line).toBe(2); // the `// #include <stdio.h>` comment
    expect(d.message).toMatch(/blank line/i);
    expect(d.codeDescription.href).toMatch(/protocol\.md#cgopreamble-detached$/);
    expect(d.data.code).toBe('cgo/preamble-detached');
    expect(pub.version).toBe(1);
  });

  it('leaves a renamed import "C" to gopls (same range, same words) and still offers its fix there', async () => {
    const uri = client.open(path.join(fixtures, 'static', 'renamed.go'));
    // The file is analysed (the Engine's check reports renamed-import), but with besideGopls (the default) the
    // editor gets only gopls's `cannot rename import "C"`.
    const pub = await client.waitForDiagnostics(uri, () => true);
    await client.settle(300);
    expect(
      client
        .published(uri)
        .flatMap((p) => p.diagnostics)
        .filter((d) => d.code === 'cgo/renamed-import'),
    ).toEqual([]);
    expect(pub.uri).toBe(uri);
    const range = { start: { line: 3, character: 7 }, end: { line: 3, character: 8 } };
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
    expect(actions.map((a: any) => a.title).join('\n')).toMatch(/import "C"/);
  });

  it('publishes the renamed import "C" with the toolchain wording when cgo.besideGopls is false', async () => {
    const c = new LspClient();
    try {
      await c.initialize(path.join(fixtures, 'static'), { initializationOptions: { besideGopls: false } });
      const uri = c.open(path.join(fixtures, 'static', 'renamed.go'));
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/renamed-import'));
      const d = pub.diagnostics.find((x) => x.code === 'cgo/renamed-import');
      expect(d.range.start.line).toBe(3);
      expect(d.message).toContain('cannot rename import "C"');
    } finally {
      await c.shutdown();
    }
  });

  it("the hover on a diagnostic's range shows the whole message, the catalogue's explanation and the protocol.md link", async () => {
    const uri = client.open(path.join(fixtures, 'static', 'flags.go'));
    const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/flag-not-allowed'));
    const d = pub.diagnostics.find((x) => x.code === 'cgo/flag-not-allowed');
    const h = await client.request('textDocument/hover', {
      textDocument: { uri },
      position: { line: d.range.start.line, character: d.range.start.character + 1 },
    });
    const md = String(h?.contents?.value ?? '');
    const [cause, fix] = d.message.split('\n');
    expect(md).toContain(`**${cause}** (\`cgo/flag-not-allowed\`)`);
    expect(md).toContain(`- ${fix}`);
    expect(md).toMatch(/allow-list/i); // the catalogue's explanation of the code
    expect(md).toMatch(/\[cgo\/flag-not-allowed in protocol\.md\]\(file:.*protocol\.md#cgoflag-not-allowed\)/);
  });

  it('flags a disallowed compiler flag with the Go version wording and the allow regexp', async () => {
    const uri = client.open(path.join(fixtures, 'static', 'flags.go'));
    const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/flag-not-allowed'));
    const d = pub.diagnostics.find((x) => x.code === 'cgo/flag-not-allowed');
    expect(d.range.start.line).toBe(2);
    expect(d.message).toContain('invalid flag in #cgo CFLAGS: -fplugin=evil.so');
    expect(d.data.envVar).toBe('CGO_CFLAGS_ALLOW');
  });

  it('flags a misspelled #cgo verb', async () => {
    const uri = client.open(path.join(fixtures, 'static', 'verb.go'));
    const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/directive-verb'));
    const d = pub.diagnostics.find((x) => x.code === 'cgo/directive-verb');
    expect(d.range.start.line).toBe(2);
    expect(d.message).toContain('invalid #cgo verb');
    expect(d.message).toContain('CFLAGS');
  });

  it('flags //export problems: definitions in the preamble and the wrong name', async () => {
    const uri = client.open(path.join(fixtures, 'static', 'export.go'));
    const pub = await client.waitForDiagnostics(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'cgo/export-name') && p.diagnostics.some((d) => d.code === 'cgo/export-preamble-definition'),
    );
    const name = pub.diagnostics.find((x) => x.code === 'cgo/export-name');
    expect(name.range.start.line).toBe(9);
    expect(name.message).toContain('export comment has wrong name "bumpFromC", want "Bump"');
    const defs = pub.diagnostics
      .filter((x) => x.code === 'cgo/export-preamble-definition')
      .map((x) => x.range.start.line)
      .sort();
    expect(defs).toEqual([4, 5]);
  });

  it('flags C.errno', async () => {
    const uri = client.open(path.join(fixtures, 'static', 'errno.go'));
    const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/misuse'));
    const d = pub.diagnostics.find((x) => x.code === 'cgo/misuse');
    expect(d.range.start.line).toBe(5);
    expect(d.message).toContain('cannot refer to errno directly');
  });

  it('re-publishes for the newest version only when edits arrive quickly', async () => {
    const file = path.join(fixtures, 'static', 'renamed.go');
    const uri = client.open(file, undefined, 1);
    await client.waitForDiagnostics(uri, (p) => p.version === 1);
    const fixed = (await import('node:fs')).readFileSync(file, 'utf8').replace('import c "C"', 'import "C"').replace(/c\./g, 'C.');
    client.change(uri, fixed.replace('Abs', 'Abs2'), 2);
    client.change(uri, fixed, 3);
    const pub = await client.waitForDiagnostics(uri, (p) => p.version === 3);
    expect(pub.diagnostics.filter((d) => d.code === 'cgo/renamed-import')).toEqual([]);
    await client.settle(500);
    const last = client.published(uri).at(-1)!;
    expect(last.version).toBe(3);
  });
});

describe('healthy cgo code', () => {
  it('publishes no diagnostic for ${SRCDIR} includes, static inline helpers, //export in another file, windows-only files and !cgo fallbacks', async () => {
    const client = new LspClient();
    try {
      // The machine's login shell is not under test (a fresh HOME's login PATH may lack Go: cgo/env-drift, rightly).
      await client.initialize(path.join(fixtures, 'healthy'), { initializationOptions: { checkShellEnv: false } });
      const names = ['box.go', 'export.go', 'fallback_nocgo.go', 'only_windows.go'];
      const uris = names.map((n) => client.open(path.join(fixtures, 'healthy', n)));
      for (const uri of uris) await client.waitForDiagnostics(uri);
      await client.settle(1500);
      for (const uri of uris) expect({ uri, diagnostics: client.published(uri).at(-1)!.diagnostics }).toEqual({ uri, diagnostics: [] });
    } finally {
      await client.shutdown();
    }
  });
});

describe('robustness', () => {
  it('survives junk JSON-RPC, unknown methods, unknown URIs and bad settings, and still answers', async () => {
    const client = new LspClient();
    try {
      await client.initialize(path.join(fixtures, 'static'), { initializationOptions: { notASetting: 1, debounceMs: 'soon' } });
      client.sendBytes('Content-Length: 10\r\n\r\n{not json}');
      client.sendRaw({ jsonrpc: '2.0', id: 999, method: 'cgo/noSuchMethod', params: {} });
      client.notify('textDocument/didChange', { textDocument: { uri: 'file:///nope/never-opened.go', version: 3 }, contentChanges: [{ text: 'x' }] });
      client.notify('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'go', version: 1, text: 'package x\nimport "C"\n' } });
      const hover = await client.request('textDocument/hover', { textDocument: { uri: 'file:///nope/x.go' }, position: { line: 0, character: 0 } });
      expect(hover).toBeNull();
      const logs = client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => n.params.message as string);
      expect(logs.some((m) => m.includes('unknown setting cgo.notASetting'))).toBe(true);
      expect(logs.some((m) => m.includes('cgo.debounceMs must be'))).toBe(true);
      expect(client.proc.exitCode).toBeNull();
    } finally {
      await client.shutdown();
    }
  });
});
