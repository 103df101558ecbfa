// The server adapts to what each client says it supports (capabilities replayed from VS Code, Helix, Neovim).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientCapabilities, LspClient } from '../helpers/lsp-client.js';

let client: LspClient | undefined;
afterEach(async () => {
  await client?.shutdown();
  client = undefined;
});

function module(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-caps-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/caps\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'a.go'), 'package caps\n\n// #include <stdio.h>\n\nimport "C"\n');
  return dir;
}

async function start(caps: keyof typeof clientCapabilities | 'minimal') {
  const dir = module();
  client = new LspClient();
  if (caps === 'minimal') {
    const rootUri = 'file://' + dir;
    await client.request('initialize', { processId: null, rootUri, capabilities: {} });
    client.notify('initialized', {});
  } else {
    await client.initialize(dir, { client: caps });
  }
  // The workspace scan publishes the closed cgo file.
  await client.waitFor(
    () => client!.notifications.find((n) => n.method === 'textDocument/publishDiagnostics' && n.params.diagnostics.length > 0),
    20_000,
    'a publish',
  );
  await client.settle(300);
  return client;
}

const requested = (c: LspClient, method: string) => c.serverRequests.filter((r) => r.method === method);
const registered = (c: LspClient, method: string) =>
  requested(c, 'client/registerCapability').some((r) => r.params.registrations.some((x: { method: string }) => x.method === method));

describe('client capabilities', () => {
  it('VS Code: registers file watching and configuration dynamically, reports progress, sends codeDescription', async () => {
    const c = await start('vscode');
    expect(registered(c, 'workspace/didChangeWatchedFiles')).toBe(true);
    expect(registered(c, 'workspace/didChangeConfiguration')).toBe(true);
    expect(requested(c, 'window/workDoneProgress/create').length).toBeGreaterThan(0);
    expect(c.notifications.some((n) => n.method === '$/progress' && n.params.value.kind === 'end')).toBe(true);
    const d = c.notifications.find((n) => n.method === 'textDocument/publishDiagnostics' && n.params.diagnostics.length > 0)!.params.diagnostics[0];
    expect(d.codeDescription.href).toMatch(/protocol\.md#/);
    expect(requested(c, 'workspace/configuration').length).toBeGreaterThan(0);
    // Watching the toolchain's own files must not feed back into re-probes (a quiet server stays quiet).
    await c.settle(1500);
    const logs = c.notifications.filter((n) => n.method === 'window/logMessage').map((n) => n.params.message as string);
    expect(logs.filter((m) => m.includes('re-probing'))).toEqual([]);
  });

  it('Helix: no dynamic configuration registration (not supported), no codeDescription (not advertised)', async () => {
    const c = await start('helix');
    expect(registered(c, 'workspace/didChangeConfiguration')).toBe(false);
    const d = c.notifications.find((n) => n.method === 'textDocument/publishDiagnostics' && n.params.diagnostics.length > 0)!.params.diagnostics[0];
    expect(d.codeDescription).toBeUndefined();
    expect(d.data.code).toBe(d.code);
  });

  it('Neovim: no dynamic watcher registration (dynamicRegistration false), progress advertised and used', async () => {
    const c = await start('neovim');
    expect(registered(c, 'workspace/didChangeWatchedFiles')).toBe(false);
    expect(requested(c, 'window/workDoneProgress/create').length).toBeGreaterThan(0);
  });

  it('a client without window.workDoneProgress gets no progress and no requests it did not advertise', async () => {
    const c = await start('minimal');
    expect(requested(c, 'window/workDoneProgress/create')).toEqual([]);
    expect(c.notifications.filter((n) => n.method === '$/progress')).toEqual([]);
    expect(requested(c, 'client/registerCapability')).toEqual([]);
    expect(requested(c, 'workspace/configuration')).toEqual([]);
  });
});
