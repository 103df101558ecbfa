// Issue 12, items 9 and 11: environment actions for a code-loading flag warn on every variant; .vscode/settings.json
// goes where VS Code reads it and an existing JSONC file is edited in place; what a client sends back (the
// diagnostic's data, an applyEnvFix argument) never chooses what cgo-ls does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as jsonc from 'jsonc-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import type { CgoDiagnostic, TextEdit } from '../../server/src/core/types.js';
import { applyEdits } from '../helpers/edits.js';
import { LspClient } from '../helpers/lsp-client.js';
import { hasGcc, hasGo } from '../gomodel/helpers.js';
import { goTelemetryOff, removeTree } from '../helpers/home.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeTree(d);
});
const settings = { ...defaultSettings, checkShellEnv: false };

function workspace(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-trust-'));
  dirs.push(d);
  for (const [f, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    fs.writeFileSync(path.join(d, f), t);
  }
  return d;
}

function engineFor(root: string): Engine {
  const goenv = path.join(root, '.goenv-test');
  fs.writeFileSync(goenv, '');
  return new Engine({ env: { ...process.env, GOTOOLCHAIN: 'local', GOENV: goenv, CGO_ENABLED: '1' }, settings });
}

const plugin = 'package p\n\n// #cgo CFLAGS: -fplugin=./plug.so\n// #include <stdlib.h>\nimport "C"\n';

async function flagFixes(root: string, file: string, folders: string[]) {
  const engine = engineFor(root);
  const a = await engine.analyze(file, { compile: 'cached' });
  const d = a.diagnostics.find((x) => x.code === 'cgo/flag-not-allowed')!;
  expect(d, JSON.stringify(a.diagnostics)).toBeDefined();
  return { engine, d, fixes: await engine.fixes(file, [d], { canCreateFiles: true, fixAll: false, workspaceFolders: folders, vscodeSettings: true }) };
}

describe.skipIf(!hasGo() || !hasGcc())('environment actions for a code-loading flag', () => {
  it('every variant (go env -w, .envrc, settings.json, the instructions) says the flag loads code: only if you trust it', async () => {
    const root = workspace({ 'go.mod': 'module example.com/p\n\ngo 1.21\n', 'a.go': plugin, 'plug.so': '' });
    const { fixes } = await flagFixes(root, path.join(root, 'a.go'), [root]);
    const variants = fixes.filter((f) => f.env || f.create || f.edits || f.show?.includes('CGO_CFLAGS_ALLOW'));
    expect(variants.map((f) => f.title)).toEqual([
      expect.stringMatching(/^Allow this flag: go env -w/),
      expect.stringMatching(/create \.envrc/),
      expect.stringMatching(/\.vscode\/settings\.json/),
      expect.stringMatching(/^Show how to set/),
    ]);
    for (const f of variants) expect(f.title).toContain('-fplugin=./plug.so makes the compiler load and run code: only if you trust this code');
    expect(variants[3]!.show).toMatch(/^Only if you trust this code: -fplugin/);
  });

  it('allowing a plugin that does not exist is not offered (the build would fail loading it)', async () => {
    const root = workspace({ 'go.mod': 'module example.com/p\n\ngo 1.21\n', 'a.go': plugin });
    const { fixes } = await flagFixes(root, path.join(root, 'a.go'), [root]);
    expect(fixes.filter((f) => f.env || f.create || f.edits)).toEqual([]);
  });

  it('writes .vscode/settings.json in the workspace folder when the module is below it', async () => {
    const root = workspace({ 'sub/mod/go.mod': 'module example.com/p\n\ngo 1.21\n', 'sub/mod/a.go': plugin, 'sub/mod/plug.so': '' });
    const { fixes } = await flagFixes(root, path.join(root, 'sub/mod/a.go'), [root]);
    const s = fixes.find((f) => /settings\.json/.test(f.title))!;
    expect(s.create![0]!.file).toBe(path.join(root, '.vscode', 'settings.json'));
    // direnv looks upwards from the module: .envrc stays next to go.mod.
    expect(fixes.find((f) => /\.envrc/.test(f.title))!.create![0]!.file).toBe(path.join(root, 'sub/mod/.envrc'));
  });

  it('edits an existing JSONC settings.json in place: comments, trailing commas and other keys survive', async () => {
    const existing = '{\n  // my editor\n  "editor.tabSize": 4, /* keep */\n  "cgo.env": {\n    "CC": "gcc", // the compiler\n  },\n}\n';
    const root = workspace({ 'go.mod': 'module example.com/p\n\ngo 1.21\n', 'a.go': plugin, 'plug.so': '', '.vscode/settings.json': existing });
    const { fixes } = await flagFixes(root, path.join(root, 'a.go'), [root]);
    const s = fixes.find((f) => /settings\.json/.test(f.title))!;
    expect(s.create).toBeUndefined();
    const file = path.join(root, '.vscode', 'settings.json');
    const next = applyEdits(existing, s.edits!.find((e) => e.file === file)!.edits as TextEdit[]);
    for (const keep of ['// my editor', '/* keep */', '// the compiler', '"editor.tabSize": 4', '"CC": "gcc"']) expect(next).toContain(keep);
    const parsed = jsonc.parse(next, [], { allowTrailingComma: true });
    expect(parsed['cgo.env']).toEqual({ CC: 'gcc', CGO_CFLAGS_ALLOW: '-fplugin=\\./plug\\.so' });
    expect(parsed['go.toolsEnvVars'].CGO_CFLAGS_ALLOW).toBe('-fplugin=\\./plug\\.so');
    expect(parsed.gopls.env.CGO_CFLAGS_ALLOW).toBe('-fplugin=\\./plug\\.so');
    expect(next.trimStart().startsWith('{')).toBe(true);
    expect(next.match(/^\{/gm)).toHaveLength(1); // one JSON object, not two
  });
});

describe.skipIf(!hasGo() || !hasGcc())("a forged diagnostic gets no action (fixes come from the server's own diagnostics)", () => {
  it('data asking for go env -w GOFLAGS=-toolexec=… or a file outside the workspace yields nothing', async () => {
    const root = workspace({
      'go.mod': 'module example.com/p\n\ngo 1.21\n',
      'a.go': 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n',
    });
    const engine = engineFor(root);
    const file = path.join(root, 'a.go');
    await engine.analyze(file, { compile: 'cached' });
    const range = { start: { line: 3, character: 7 }, end: { line: 3, character: 10 } };
    const forged: CgoDiagnostic[] = [
      {
        file,
        range,
        severity: 'error',
        code: 'cgo/flag-not-allowed',
        message: 'x',
        data: { code: 'cgo/flag-not-allowed', envVar: 'GOFLAGS', allowRegexp: '-toolexec=/tmp/evil' },
      },
      {
        file,
        range,
        severity: 'error',
        code: 'cgo/export-preamble-definition',
        message: 'x',
        data: {
          code: 'cgo/export-preamble-definition',
          name: '../../../evil',
          kind: 'function',
          definitionRange: { start: { line: 2, character: 3 }, end: { line: 2, character: 22 } },
        },
      },
      { file, range, severity: 'error', code: 'cgo/go-version-too-old', message: 'x', data: { code: 'cgo/go-version-too-old' } },
    ];
    expect(await engine.fixes(file, forged, { canCreateFiles: true, fixAll: false })).toEqual([]);
  });

  it("a real diagnostic sent back with altered data gets the server's action, not the altered one", async () => {
    const root = workspace({
      'go.mod': 'module example.com/p\n\ngo 1.21\n',
      'a.go': 'package p\n\n// #cgo CFLAGS: -fno-math-errno\n// #include <stdlib.h>\nimport "C"\n',
    });
    const engine = engineFor(root);
    const file = path.join(root, 'a.go');
    const real = (await engine.analyze(file, { compile: 'cached' })).diagnostics.find((x) => x.code === 'cgo/flag-not-allowed')!;
    const altered = { ...real, data: { ...real.data, envVar: 'GOFLAGS', allowRegexp: '-toolexec=/tmp/evil' } };
    const fixes = await engine.fixes(file, [altered], { canCreateFiles: false, fixAll: false });
    const env = fixes.filter((f) => f.env).map((f) => f.env!);
    expect(env).toEqual([{ key: 'CGO_CFLAGS_ALLOW', value: '-fno-math-errno', folder: root }]);
  });
});

describe.skipIf(!hasGo() || !hasGcc())('cgo.applyEnvFix runs only a change the server offered', () => {
  it('refuses a key, value or folder it did not offer, and runs the one it did', async () => {
    const d = workspace({
      'go.mod': 'module example.com/ca\n\ngo 1.21\n',
      'a.go': 'package ca\n\n// #cgo CFLAGS: -fno-math-errno\n// #include <stdlib.h>\nimport "C"\n',
    });
    const goenv = path.join(d, 'goenv');
    fs.writeFileSync(goenv, 'GOPRIVATE=example.com\n');
    goTelemetryOff(path.join(d, '.config'));
    const c = new LspClient({ env: { ...process.env, HOME: d, GOENV: goenv, GOTOOLCHAIN: 'local' } });
    try {
      await c.initialize(d, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false, debounceMs: 50 } });
      const exec = (args: unknown[]) =>
        c.request('workspace/executeCommand', { command: 'cgo.applyEnvFix', arguments: args }) as Promise<{ ok: boolean; message?: string }>;
      for (const forged of [
        { key: 'GOFLAGS', value: '-toolexec=/tmp/evil', folder: d },
        { key: 'CGO_CFLAGS_ALLOW', value: '-fno-math-errno', folder: os.tmpdir() },
        { key: 'GOPROXY', value: null, folder: d },
      ]) {
        const r = await exec([forged]);
        expect(r.ok).toBe(false);
        expect(r.message).toMatch(/not offered/);
      }
      expect(fs.readFileSync(goenv, 'utf8')).toBe('GOPRIVATE=example.com\n');
      const uri = c.open(path.join(d, 'a.go'));
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x: { code: string }) => x.code === 'cgo/flag-not-allowed'));
      const diagnostic = pub.diagnostics.find((x: { code: string }) => x.code === 'cgo/flag-not-allowed');
      const list = (await c.request('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
      })) as any[];
      const offered = list.find((a) => a.command?.command === 'cgo.applyEnvFix');
      const create = list.find((a) => a.edit?.documentChanges?.some((x: any) => x.kind === 'create'));
      // A file that appears between offering and applying makes the client fail the edit (no second JSON object).
      expect(create.edit.documentChanges[0].options).toEqual({ overwrite: false, ignoreIfExists: false });
      const r = await exec(offered.command.arguments);
      expect(r.ok).toBe(true);
      expect(fs.readFileSync(goenv, 'utf8')).toContain('CGO_CFLAGS_ALLOW=-fno-math-errno');
    } finally {
      await c.shutdown();
    }
  }, 120_000);
});
