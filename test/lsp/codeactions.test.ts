// Code actions end to end: request the actions for a published diagnostic, apply the returned edit (or run the
// returned command), let the server re-analyse, and check the diagnostic is gone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';
import { applyEdits, type Edit } from '../helpers/edits.js';
import { removeTree, tempHome } from '../helpers/home.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'modules', 'fixes');

/** Applies a WorkspaceEdit on disk (changes or documentChanges with create), returns the touched files. */
function applyWorkspaceEdit(edit: any): string[] {
  const touched: string[] = [];
  const editFile = (uri: string, edits: Edit[]) => {
    const file = fileURLToPath(uri);
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    fs.writeFileSync(file, applyEdits(before, edits));
    touched.push(file);
  };
  if (edit.changes) for (const [uri, edits] of Object.entries(edit.changes)) editFile(uri, edits as Edit[]);
  for (const dc of edit.documentChanges ?? []) {
    if (dc.kind === 'create') {
      const file = fileURLToPath(dc.uri);
      if (!fs.existsSync(file)) fs.writeFileSync(file, '');
    } else if (dc.textDocument) editFile(dc.textDocument.uri, dc.edits);
  }
  return touched;
}

let dir: string;
let home: string;
let client: LspClient;
const versions = new Map<string, number>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-fixes-'));
  fs.cpSync(fixture, dir, { recursive: true });
  home = tempHome();
  // A private GOENV so that `go env -w` fixes never touch the developer's own settings.
  const env = { ...process.env, HOME: home, GOENV: path.join(home, 'goenv'), XDG_CONFIG_HOME: path.join(home, '.config') };
  delete env['CGO_CFLAGS_ALLOW'];
  client = new LspClient({ env });
  // besideGopls false: these tests take each action from its published diagnostic (renamed-import included).
  await client.initialize(dir, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false, besideGopls: false } });
});
afterAll(async () => {
  await client.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  removeTree(home);
});

async function diagnosticFor(name: string, code: string) {
  const file = path.join(dir, name);
  const uri = pathToFileURL(file).toString();
  if (!versions.has(uri)) {
    client.open(file, undefined, 1);
    versions.set(uri, 1);
  }
  const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === code));
  return { file, uri, diagnostic: pub.diagnostics.find((d) => d.code === code) };
}

async function actionsFor(uri: string, diagnostic: any, only?: string[]) {
  return (await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], ...(only ? { only } : {}) },
  })) as any[];
}

/** Applies an action's edit on disk, tells the server (didChange), and waits until `code` is gone. */
async function applyAndExpectGone(uri: string, file: string, action: any, code: string) {
  expect(action, `an action for ${code}`).toBeDefined();
  applyWorkspaceEdit(action.edit);
  const v = versions.get(uri)! + 1;
  versions.set(uri, v);
  client.change(uri, fs.readFileSync(file, 'utf8'), v);
  const pub = await client.waitForDiagnostics(uri, (p) => p.version === v && !p.diagnostics.some((d) => d.code === code), 30_000);
  return pub;
}

describe('source fixes', () => {
  it('removes the blank line that detaches a preamble, and the later unresolved names go too', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('detached.go', 'cgo/preamble-detached');
    const actions = await actionsFor(uri, diagnostic);
    const fix = actions.find((a) => a.isPreferred && a.kind === 'quickfix');
    expect(fix.title).toMatch(/blank line/);
    expect(fix.diagnostics[0].code).toBe('cgo/preamble-detached');
    const pub = await applyAndExpectGone(uri, file, fix, 'cgo/preamble-detached');
    await client.waitForDiagnostics(uri, (p) => p.version === pub.version && !p.diagnostics.some((d) => d.code === 'cgo/unresolved-name'));
    expect(fs.readFileSync(file, 'utf8')).toContain('puts("hello"); }\nimport "C"');
  });

  it('gives "C" its own import when the comment documents a group of imports', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('groupdoc.go', 'cgo/preamble-detached');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/preamble-detached');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('// #include <stdlib.h>\nimport "C"\n');
    expect(text).toMatch(/import \(\n\t"unsafe"\n\)/);
    execFileSync('gofmt', ['-e', '-l', file], { stdio: 'pipe' }); // still valid Go
  });

  it('un-renames import "C" and rewrites c.X to C.X', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('renamed.go', 'cgo/renamed-import');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/renamed-import');
    expect(fs.readFileSync(file, 'utf8')).toContain('import "C"\n\nfunc Abs(x int) int { return int(C.abs(C.int(x))) }');
  });

  it('fixes the //export name to the function name', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('exportname.go', 'cgo/export-name');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/export-name');
    expect(fs.readFileSync(file, 'utf8')).toContain('//export Bump\nfunc Bump(');
  });

  it('turns "// export X" into a real //export', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('exportspace.go', 'cgo/export-ignored');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/export-ignored');
    expect(fs.readFileSync(file, 'utf8')).toContain('//export Twice\n');
  });

  it('makes a preamble definition in an exporting file static inline, and offers to move it to a .c file', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('exportdef.go', 'cgo/export-preamble-definition');
    const actions = await actionsFor(uri, diagnostic);
    const move = actions.find((a) => /Move helper to/.test(a.title));
    expect(move.edit.documentChanges[0]).toMatchObject({ kind: 'create' });
    const created = move.edit.documentChanges[1].edits[0].newText as string;
    expect(created).toContain('#include <stdint.h>');
    expect(created).toContain('int32_t helper(int32_t v) { return v * 3; }');
    const fix = actions.find((a) => a.isPreferred);
    expect(fix.title).toMatch(/static inline/);
    await applyAndExpectGone(uri, file, fix, 'cgo/export-preamble-definition');
    expect(fs.readFileSync(file, 'utf8')).toContain('static inline int32_t helper(');
  });

  it('rewrites a spaced #cgo condition', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('condition.go', 'cgo/condition-spacing');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/condition-spacing');
    expect(fs.readFileSync(file, 'utf8')).toMatch(/#cgo linux(&&|,)arm64 LDFLAGS/);
  });

  it('corrects a misspelt #cgo verb', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('verb/verb.go', 'cgo/directive-verb');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/directive-verb');
    expect(fs.readFileSync(file, 'utf8')).toContain('// #cgo CFLAGS: -O2');
  });

  it('replaces a quoted -D string macro by a #define in the preamble', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('macro/macro.go', 'cgo/unsafe-argument');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/unsafe-argument');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('#define GREETING "hello"');
    expect(text).not.toContain('-DGREETING');
  });

  it('adds the missing #include for a well-known C function', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('include.go', 'cgo/unresolved-name');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    expect(fix.title).toContain('#include <stdlib.h>');
    await applyAndExpectGone(uri, file, fix, 'cgo/unresolved-name');
    expect(fs.readFileSync(file, 'utf8')).toContain('// #include <stdio.h>\n// #include <stdlib.h>\nimport "C"');
  });

  it('corrects a misspelt builtin (C.Cstring → C.CString)', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('typo.go', 'cgo/unresolved-name');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    expect(fix.title).toBe('Change C.Cstring to C.CString');
    await applyAndExpectGone(uri, file, fix, 'cgo/unresolved-name');
  });
});

describe('more source fixes', () => {
  it('joins a preamble split by a blank line, so the lost #cgo line reaches cgo', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('split.go', 'cgo/preamble-split');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    const pub = await applyAndExpectGone(uri, file, fix, 'cgo/preamble-split');
    expect(fs.readFileSync(file, 'utf8')).toContain('// #cgo CFLAGS: -DSPLIT_VALUE=3\n//\n// #include <stdlib.h>');
    await client.waitForDiagnostics(uri, (p) => p.version === pub.version && !p.diagnostics.some((d) => d.code === 'cgo/unresolved-name'));
  });

  it('removes the blank line between //export and its function', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('exportadj.go', 'cgo/export-ignored');
    const fix = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred);
    await applyAndExpectGone(uri, file, fix, 'cgo/export-ignored');
    expect(fs.readFileSync(file, 'utf8')).toContain('//export Adj\nfunc Adj(');
  });

  it('moves a variable defined in an exporting preamble into a new .c file and leaves an extern declaration', async () => {
    const { uri, file, diagnostic } = await diagnosticFor('exportmove.go', 'cgo/export-preamble-definition');
    const move = (await actionsFor(uri, diagnostic)).find((a) => /^Move total to /.test(a.title));
    await applyAndExpectGone(uri, file, move, 'cgo/export-preamble-definition');
    expect(fs.readFileSync(file, 'utf8')).toContain('extern int32_t total;');
    const created = fs.readFileSync(path.join(dir, 'exportmove_total.c'), 'utf8');
    expect(created).toBe('#include <stdint.h>\n\nint32_t total = 5;\n');
  });
});

describe('environment fixes', () => {
  it('allows a rejected flag with go env -w CGO_CFLAGS_ALLOW when the user picks it, and the diagnostic goes', async () => {
    const { uri, diagnostic } = await diagnosticFor('flag/flag.go', 'cgo/flag-not-allowed');
    const action = (await actionsFor(uri, diagnostic)).find((a) => a.command?.command === 'cgo.applyEnvFix');
    expect(action.title).toContain('CGO_CFLAGS_ALLOW');
    expect(action.edit).toBeUndefined();
    const res = await client.request('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments });
    expect(res.ok).toBe(true);
    const goenv = fs.readFileSync(path.join(home, 'goenv'), 'utf8');
    expect(goenv).toMatch(/^CGO_CFLAGS_ALLOW=-fno-math-errno/m);
    const shown = execFileSync('go', ['env', 'CGO_CFLAGS_ALLOW'], {
      env: { ...process.env, HOME: home, GOENV: path.join(home, 'goenv'), GOTOOLCHAIN: 'local' },
      encoding: 'utf8',
    });
    expect(shown.trim()).toMatch(/^-fno-math-errno/);
    await client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'cgo/flag-not-allowed'));
    const messages = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params.message as string);
    expect(messages.length).toBeGreaterThan(0);
  });
});

describe('fix all', () => {
  it('applies every safe source fix of a file in one source.fixAll.cgo action', async () => {
    const file = path.join(dir, 'many.go');
    fs.writeFileSync(file, 'package fixes\n\n// #include <stdio.h>\n\nimport "C"\n\n// export Many\nfunc Many() { C.puts(nil) }\n');
    const uri = pathToFileURL(file).toString();
    client.open(file, undefined, 1);
    versions.set(uri, 1);
    await client.waitForDiagnostics(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'cgo/preamble-detached') && p.diagnostics.some((d) => d.code === 'cgo/export-ignored'),
    );
    const actions = (await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as any[];
    const all = actions.find((a) => a.kind === 'source.fixAll.cgo');
    expect(all).toBeDefined();
    applyWorkspaceEdit(all.edit);
    client.change(uri, fs.readFileSync(file, 'utf8'), 2);
    const pub = await client.waitForDiagnostics(uri, (p) => p.version === 2);
    expect(pub.diagnostics.map((d) => d.code).filter((c) => ['cgo/preamble-detached', 'cgo/export-ignored'].includes(c))).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('package fixes\n\n// #include <stdio.h>\nimport "C"\n\n//export Many\nfunc Many() { C.puts(nil) }\n');
  });
});

describe('toolchain environment fixes', () => {
  let xdir: string;
  let xhome: string;
  let x: LspClient;
  beforeAll(async () => {
    xdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cross-'));
    fs.writeFileSync(path.join(xdir, 'go.mod'), 'module example.com/cross\n\ngo 1.21\n');
    fs.writeFileSync(
      path.join(xdir, 'w.go'),
      'package cross\n\n// #include <windows.h>\nimport "C"\n\nfunc Tick() uint32 { return uint32(C.GetTickCount()) }\n',
    );
    xhome = tempHome();
    // Cross-compiling for windows from linux: cgo is off by default, and the host gcc is the wrong compiler.
    const env = { ...process.env, HOME: xhome, GOENV: path.join(xhome, 'goenv'), GOOS: 'windows', GOARCH: 'amd64' };
    delete env['CC'];
    delete env['CGO_ENABLED'];
    x = new LspClient({ env });
    await x.initialize(xdir, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false } });
  });
  afterAll(async () => {
    await x.shutdown();
    fs.rmSync(xdir, { recursive: true, force: true });
    removeTree(xhome);
  });

  it('offers CGO_ENABLED=1 and the MinGW-w64 CC when cgo is off for a windows cross build, and both clear the problems', async () => {
    const file = path.join(xdir, 'w.go');
    const uri = x.open(file);
    const pub = await x.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/disabled'));
    const disabled = pub.diagnostics.find((d) => d.code === 'cgo/disabled');
    const actions = (await x.request('textDocument/codeAction', {
      textDocument: { uri },
      range: disabled.range,
      context: { diagnostics: [disabled] },
    })) as any[];
    const enable = actions.find((a) => a.command?.arguments?.[0]?.key === 'CGO_ENABLED');
    const cc = actions.find((a) => a.command?.arguments?.[0]?.key === 'CC');
    expect(cc.command.arguments[0].value).toBe('x86_64-w64-mingw32-gcc');
    expect(actions.some((a) => a.command?.command === 'cgo.showFixInstructions' && /go\.toolsEnvVars/.test(a.command.arguments[0]))).toBe(true);
    expect(actions.some((a) => /\.envrc/.test(a.title) && a.edit?.documentChanges?.[0]?.kind === 'create')).toBe(true);
    for (const a of [cc, enable]) {
      const res = await x.request('workspace/executeCommand', { command: a.command.command, arguments: a.command.arguments });
      expect(res.ok, res.output).toBe(true);
    }
    // With mingw-w64 on PATH (installed by .ci/run) the file now compiles for windows: no toolchain problem left.
    const after = await x.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'cgo/disabled' || d.code === 'cgo/cc-wrong-target'));
    expect(after.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });
});

describe('more environment fixes', () => {
  const sessions: { client: LspClient; dirs: string[] }[] = [];
  afterAll(async () => {
    for (const s of sessions) {
      await s.client.shutdown();
      for (const d of s.dirs) removeTree(d);
    }
  });

  async function session(files: Record<string, string>, extraEnv: Record<string, string>, goenvText = '') {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-envfix-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
      fs.writeFileSync(path.join(d, name), text);
    }
    const h = tempHome();
    fs.writeFileSync(path.join(h, 'goenv'), goenvText);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: h, GOENV: path.join(h, 'goenv'), ...extraEnv };
    delete env['CC'];
    for (const [k, v] of Object.entries(extraEnv)) env[k] = v;
    const c = new LspClient({ env });
    await c.initialize(d, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false } });
    sessions.push({ client: c, dirs: [d, h] });
    return { c, d, h };
  }

  async function pick(c: LspClient, uri: string, code: string, match: (a: any) => boolean) {
    const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === code));
    const diagnostic = pub.diagnostics.find((x) => x.code === code);
    const actions = (await c.request('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as any[];
    const action = actions.find(match);
    expect(action, JSON.stringify(actions.map((a) => a.title))).toBeDefined();
    return action;
  }

  it('removes a CC written by go env -w that does not exist (go env -u CC)', async () => {
    const { c, d, h } = await session(
      { 'go.mod': 'module example.com/e\n\ngo 1.21\n', 'a.go': 'package e\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n' },
      {},
      'CC=zz-no-such-cc\n',
    );
    const uri = c.open(path.join(d, 'a.go'));
    const action = await pick(c, uri, 'cgo/cc-not-found', (a) => a.command?.arguments?.[0]?.key === 'CC' && a.command.arguments[0].value === null);
    expect(action.isPreferred).toBe(true);
    const res = await c.request('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments });
    expect(res.ok, res.output).toBe(true);
    expect(fs.readFileSync(path.join(h, 'goenv'), 'utf8')).not.toContain('CC=');
    await c.waitForDiagnostics(uri, (p) => !p.diagnostics.some((x) => x.code === 'cgo/cc-not-found'));
  });

  it('lets the go command fetch the Go release go.mod asks for (go env -w GOTOOLCHAIN=auto), without downloading anything itself', async () => {
    const { c, d, h } = await session(
      { 'go.mod': 'module example.com/e\n\ngo 1.99\n', 'a.go': 'package e\n\n// #include <stdlib.h>\nimport "C"\n' },
      { GOTOOLCHAIN: '', GOPROXY: 'off' },
    );
    const mod = c.open(path.join(d, 'go.mod'));
    const action = await pick(c, mod, 'cgo/go-version-too-old', (a) => a.command?.arguments?.[0]?.key === 'GOTOOLCHAIN');
    const res = await c.request('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments });
    expect(res.ok, res.output).toBe(true);
    expect(fs.readFileSync(path.join(h, 'goenv'), 'utf8')).toMatch(/^GOTOOLCHAIN=auto$/m);
    await c.waitForDiagnostics(mod, (p) => !p.diagnostics.some((x) => x.code === 'cgo/go-version-too-old'));
  });

  it('links the MinGW runtime statically for a C++ package cross-built for windows', async () => {
    const cxx = path.join(repoRoot, 'test', 'fixtures', 'windows', 'cxx');
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(cxx)) files[f] = fs.readFileSync(path.join(cxx, f), 'utf8');
    const { c, d } = await session(files, { GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '1', CC: 'x86_64-w64-mingw32-gcc', CXX: 'x86_64-w64-mingw32-g++' });
    const file = path.join(d, 'main.go');
    const uri = c.open(file);
    const action = await pick(c, uri, 'cgo/windows-runtime-dll', (a) => a.isPreferred && a.edit);
    expect(action.title).toContain('-static-libstdc++');
    applyWorkspaceEdit(action.edit);
    c.change(uri, fs.readFileSync(file, 'utf8'), 2);
    await c.waitForDiagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some((x) => x.code === 'cgo/windows-runtime-dll'));
    expect(fs.readFileSync(file, 'utf8')).toMatch(/#cgo windows LDFLAGS: -static-libgcc -static-libstdc\+\+/);
  });
});
