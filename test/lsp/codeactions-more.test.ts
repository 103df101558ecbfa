// The remaining code actions of protocol.md, end to end through the server: request, apply or execute, check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';
import { applyEdits } from '../helpers/edits.js';
import { removeTree, tempHome } from '../helpers/home.js';

const sessions: { c: LspClient; dirs: string[] }[] = [];
afterAll(async () => {
  for (const s of sessions) {
    await s.c.shutdown();
    for (const d of s.dirs) removeTree(d);
  }
});

async function session(files: Record<string, string>, env: Record<string, string | undefined> = {}) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-ca-'));
  fs.writeFileSync(path.join(d, 'go.mod'), 'module example.com/ca\n\ngo 1.21\n');
  for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(d, n), t);
  const h = tempHome();
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: h, GOENV: path.join(h, 'goenv') };
  delete e['CC'];
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete e[k];
    else e[k] = v;
  const c = new LspClient({ env: e });
  await c.initialize(d, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false, debounceMs: 50 } });
  sessions.push({ c, dirs: [d, h] });
  return { c, d, h };
}

async function actions(c: LspClient, uri: string, code: string) {
  const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === code));
  const diagnostic = pub.diagnostics.find((x) => x.code === code);
  const list = (await c.request('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as any[];
  return { diagnostic, list, version: pub.version as number | undefined };
}

async function applyEdit(c: LspClient, uri: string, file: string, action: any, version: number) {
  const changes = action.edit.changes?.[uri] ?? action.edit.documentChanges?.find((x: any) => x.textDocument?.uri === uri)?.edits;
  const text = applyEdits(fs.readFileSync(file, 'utf8'), changes);
  fs.writeFileSync(file, text);
  c.change(uri, text, version);
  return text;
}

async function execute(c: LspClient, action: any) {
  return c.request('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments });
}

describe('more code actions', () => {
  it('cgo/condition-invalid: rewrites goos/goarch as goos,goarch', async () => {
    const { c, d } = await session({ 'a.go': 'package ca\n\n// #cgo linux/amd64 CFLAGS: -DX=1\n// #include <stdlib.h>\nimport "C"\n' });
    const file = path.join(d, 'a.go');
    const uri = c.open(file);
    const { list } = await actions(c, uri, 'cgo/condition-invalid');
    const fix = list.find((a) => a.isPreferred);
    const text = await applyEdit(c, uri, file, fix, 2);
    expect(text).toContain('// #cgo linux,amd64 CFLAGS: -DX=1');
    await c.waitForDiagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some((x) => x.code === 'cgo/condition-invalid'));
  });

  it('cgo/c-warning: adds the #include for an implicitly declared function', async () => {
    const { c, d } = await session({ 'a.go': 'package ca\n\n// static void f(void) { puts("x"); }\nimport "C"\n' });
    const file = path.join(d, 'a.go');
    const uri = c.open(file);
    const { list } = await actions(c, uri, 'cgo/c-warning');
    const fix = list.find((a) => a.isPreferred);
    expect(fix.title).toBe('Add #include <stdio.h> to the preamble');
    await applyEdit(c, uri, file, fix, 2);
    await c.waitForDiagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some((x) => x.code === 'cgo/c-warning'), 30_000);
  });

  it('cgo/export-name: the alternative renames the function to the exported name', async () => {
    const { c, d } = await session({ 'a.go': 'package ca\n\n// #include <stdint.h>\nimport "C"\n\n//export Renamed\nfunc Original() {}\n' });
    const file = path.join(d, 'a.go');
    const uri = c.open(file);
    const { list } = await actions(c, uri, 'cgo/export-name');
    const alt = list.find((a) => a.title === 'Rename the function to Renamed');
    const text = await applyEdit(c, uri, file, alt, 2);
    expect(text).toContain('//export Renamed\nfunc Renamed() {}');
    await c.waitForDiagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some((x) => x.code === 'cgo/export-name'));
  });

  it('cgo/flag-not-allowed: offers a project .envrc and .vscode/settings.json, and shows the line for each shell and editor', async () => {
    const { c, d } = await session({ 'a.go': 'package ca\n\n// #cgo CFLAGS: -fno-math-errno\n// #include <stdlib.h>\nimport "C"\n' });
    const uri = c.open(path.join(d, 'a.go'));
    const { list } = await actions(c, uri, 'cgo/flag-not-allowed');
    const envrc = list.find((a) => /create \.envrc/.test(a.title));
    expect(envrc.edit.documentChanges[0]).toMatchObject({ kind: 'create', uri: expect.stringMatching(/\/\.envrc$/) });
    expect(envrc.edit.documentChanges[1].edits[0].newText).toContain("export CGO_CFLAGS_ALLOW='-fno-math-errno'");
    const vscode = list.find((a) => /\.vscode\/settings\.json/.test(a.title));
    const json = JSON.parse(vscode.edit.documentChanges[1].edits[0].newText);
    expect(json['go.toolsEnvVars'].CGO_CFLAGS_ALLOW).toBe('-fno-math-errno');
    expect(json['cgo.env'].CGO_CFLAGS_ALLOW).toBe('-fno-math-errno');
    const show = list.find((a) => a.command?.command === 'cgo.showFixInstructions');
    const res = await execute(c, show);
    expect(res.ok).toBe(true);
    const msg = await c.waitFor(() => c.notifications.find((n) => n.method === 'window/showMessage' && /fish/.test(n.params.message)));
    expect(msg!.params.message).toContain('$env:CGO_CFLAGS_ALLOW');
  });

  it('cgo/msvc-compiler: switches CC to MinGW-w64 with go env -w (FAKE cl.exe: MSVC cannot run here)', async () => {
    const cl = path.join(repoRoot, 'test', 'fixtures', 'toolchain', 'fake-bin-msvc', 'cl');
    const { c, d } = await session({ 'a.go': 'package ca\n\n// #include <stdlib.h>\nimport "C"\n' }, { GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '1' });
    // CC comes from the GOENV file here, so that go env -w can replace it (an OS variable would win).
    const goenv = path.join(sessions.at(-1)!.dirs[1]!, 'goenv');
    fs.writeFileSync(goenv, `CC=${cl}\n`);
    await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [] });
    const uri = c.open(path.join(d, 'a.go'));
    const { list } = await actions(c, uri, 'cgo/msvc-compiler');
    const fix = list.find((a) => a.command?.arguments?.[0]?.key === 'CC' && a.command.arguments[0].value === 'x86_64-w64-mingw32-gcc');
    const res = await execute(c, fix);
    expect(res.ok, res.output).toBe(true);
    await c.waitForDiagnostics(uri, (p) => !p.diagnostics.some((x) => x.code === 'cgo/msvc-compiler'), 30_000);
  });

  it('cgo/pkg-config-package-not-found and cgo/library-not-found: show the install command for this OS', async () => {
    // Two packages: in one package a failed pkg-config stops the build before any library is looked up.
    const { c, d } = await session(
      { 'a.go': 'package ca\n\n// #cgo pkg-config: sqlite3\n// #include <stdlib.h>\nimport "C"\n' },
      { PKG_CONFIG_LIBDIR: '/nonexistent-pkgconfig-dir', PKG_CONFIG_PATH: undefined },
    );
    const a = c.open(path.join(d, 'a.go'));
    const pc = (await actions(c, a, 'cgo/pkg-config-package-not-found')).list.find((x) => x.command?.command === 'cgo.showFixInstructions');
    expect(pc.title).toMatch(/^Install: .*sqlite3/);
    fs.mkdirSync(path.join(d, 'lib'));
    fs.writeFileSync(path.join(d, 'lib', 'b.go'), 'package lib\n\n// #cgo LDFLAGS: -lczmq\n// #include <stdlib.h>\nimport "C"\n');
    const b = c.open(path.join(d, 'lib', 'b.go'));
    const lib = (await actions(c, b, 'cgo/library-not-found')).list.find((x) => x.command?.command === 'cgo.showFixInstructions');
    expect(lib.title).toMatch(/^Install: .*czmq/);
    expect((await execute(c, lib)).message).toContain('cgo-ls never runs package managers');
  });
});

describe('target matrix in the server', () => {
  it('warns on import "C" when a configured target has no C compiler and no !cgo fallback', async () => {
    const { c, d } = await session({ 'a.go': 'package ca\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n' });
    await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [] });
    c.notify('workspace/didChangeConfiguration', { settings: { cgo: { targets: ['darwin/arm64'], checkShellEnv: false, diagnosticsScope: 'openFiles' } } });
    const uri = c.open(path.join(d, 'a.go'));
    const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'cgo/target-unbuildable'));
    const w = pub.diagnostics.find((x) => x.code === 'cgo/target-unbuildable');
    expect(w.message).toContain('darwin/arm64');
    expect(w.message).toMatch(/!cgo/);
    expect(w.range.start.line).toBe(3);
  });
});
