// What each editor is offered and shown, through the real server with each client's capabilities and clientInfo:
// file-creating fixes for every client that lists `create` in resourceOperations (Neovim does not also set
// documentChanges), `.vscode/settings.json` for VS Code only, workspace commands run bare (Helix's
// `:lsp-workspace-command`) showing their result, and the #include hover when a #cgo flag is rejected.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LspClient, type clientCapabilities } from '../helpers/lsp-client.js';

const clients: LspClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  while (clients.length) await clients.pop()!.shutdown();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tempModule(files: Record<string, string>): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-editor-')));
  dirs.push(d);
  fs.writeFileSync(path.join(d, 'go.mod'), 'module example.com/ed\n\ngo 1.21\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(d, name), text);
  return d;
}

async function session(files: Record<string, string>, client: keyof typeof clientCapabilities) {
  const d = tempModule(files);
  const c = new LspClient();
  clients.push(c);
  await c.initialize(d, { client, initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false, debounceMs: 0 } });
  return { c, d };
}

async function titlesFor(c: LspClient, uri: string, code: string): Promise<any[]> {
  const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === code));
  const diag = pub.diagnostics.find((x) => x.code === code);
  return c.request('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
}

const exporting = 'package ed\n\n// #include <stdio.h>\n// void say(void) { puts("hi"); }\nimport "C"\n\n//export GoDone\nfunc GoDone() {}\n';
const badFlag = 'package ed\n\n// #cgo CFLAGS: -fno-math-errno\n// #include <stdio.h>\nimport "C"\n';

describe('per editor', () => {
  it('Neovim (resourceOperations create, no documentChanges) gets the fix that moves a definition to a new .c file', async () => {
    const { c, d } = await session({ 'a.go': exporting }, 'neovim');
    const uri = c.open(path.join(d, 'a.go'));
    const actions = await titlesFor(c, uri, 'cgo/export-preamble-definition');
    const move = actions.find((a) => /^Move say to a_say\.c/.test(a.title));
    expect(move, JSON.stringify(actions.map((a) => a.title))).toBeDefined();
    expect(move.edit.documentChanges[0]).toMatchObject({ kind: 'create', uri: expect.stringMatching(/\/a_say\.c$/) });
  });

  it('a client without resourceOperations gets no file-creating fix', async () => {
    const d = tempModule({ 'a.go': exporting });
    const bare = new LspClient();
    clients.push(bare);
    const rootUri = `file://${d}`;
    await bare.request('initialize', {
      processId: null,
      rootUri,
      capabilities: { workspace: { workspaceEdit: { documentChanges: true } } },
      initializationOptions: { checkShellEnv: false, diagnosticsScope: 'openFiles' },
    });
    bare.notify('initialized', {});
    const uri = bare.open(path.join(d, 'a.go'));
    const actions = await titlesFor(bare, uri, 'cgo/export-preamble-definition');
    expect(actions.map((a) => a.title)).toContain('Make the definition static inline (each C file then gets its own copy)');
    expect(actions.filter((a) => /^Move /.test(a.title))).toEqual([]);
  });

  it('.vscode/settings.json is offered to VS Code only; .envrc to every client that creates files', async () => {
    const seen: Record<string, string[]> = {};
    for (const client of ['vscode', 'helix', 'neovim'] as const) {
      const { c, d } = await session({ 'a.go': badFlag }, client);
      const uri = c.open(path.join(d, 'a.go'));
      seen[client] = (await titlesFor(c, uri, 'cgo/flag-not-allowed')).map((a) => a.title);
    }
    expect(seen.vscode!.some((t) => t.includes('.vscode/settings.json'))).toBe(true);
    for (const client of ['helix', 'neovim']) {
      expect(
        seen[client]!.some((t) => t.includes('.vscode')),
        client,
      ).toBe(false);
      expect(
        seen[client]!.some((t) => t.includes('create .envrc')),
        client,
      ).toBe(true);
    }
  });

  it('cgo.showToolchainReport run bare (Helix) opens the report with window/showDocument; with a uri it only returns it', async () => {
    const { c, d } = await session({ 'a.go': badFlag }, 'helix');
    const uri = c.open(path.join(d, 'a.go'));
    await c.waitForDiagnostics(uri);
    const withArg = await c.request('workspace/executeCommand', { command: 'cgo.showToolchainReport', arguments: [uri] });
    expect(withArg.report).toContain('CGO_ENABLED');
    expect(c.serverRequests.filter((r) => r.method === 'window/showDocument')).toEqual([]);
    const bare = await c.request('workspace/executeCommand', { command: 'cgo.showToolchainReport', arguments: [] });
    expect(bare.ok).toBe(true);
    const show = c.serverRequests.find((r) => r.method === 'window/showDocument');
    expect(show?.params.takeFocus).toBe(true);
    const file = fileURLToPath(show!.params.uri);
    expect(path.basename(file)).toBe('cgo-toolchain-report.txt');
    expect(fs.readFileSync(file, 'utf8')).toBe(bare.report + '\n');
    await c.shutdown();
    expect(fs.existsSync(file), 'the report file is removed at shutdown').toBe(false);
  });

  it('cgo.refresh run bare says what it found in one line; with an argument the client shows the outcome', async () => {
    const { c, d } = await session({ 'a.go': badFlag }, 'helix');
    const uri = c.open(path.join(d, 'a.go'));
    await c.waitForDiagnostics(uri);
    const messages = () => c.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params.message as string);
    await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [uri] });
    expect(messages().filter((m) => m.includes('re-probed'))).toEqual([]);
    await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [] });
    const line = messages().find((m) => m.includes('re-probed'));
    expect(line).toMatch(/^cgo-ls: toolchain re-probed: go1\.\d+\.\d+, CC \/\S+gcc, CGO_ENABLED=1; \d+ file\(s\) re-checked$/);
  });

  it('hover on a standard #include resolves it even when a #cgo flag of the preamble is rejected', async () => {
    const { c, d } = await session({ 'a.go': badFlag }, 'vscode');
    const uri = c.open(path.join(d, 'a.go'));
    await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'cgo/flag-not-allowed'));
    // A hover does not wait for the toolchain probe (it says so while it is pending): ask again until it answers.
    let h = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } });
    for (let i = 0; i < 60 && /has not answered|pending/i.test(h?.contents?.value ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 500));
      h = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } });
    }
    expect(h.contents.value).toMatch(/Resolves to `\/usr\/include\/stdio\.h`/);
    expect(h.contents.value).not.toContain('no C compiler');
  });
});
