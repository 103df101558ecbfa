// Live updates without a restart: the GOENV file, headers and go.mod change on disk while the server runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../helpers/lsp-client.js';
import { removeTree, tempHome } from '../helpers/home.js';

let dir: string;
let home: string;
let goenv: string;
let client: LspClient;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-watch-'));
  home = tempHome('cgo-ls-watch-home-');
  goenv = path.join(home, 'goenv');
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/watch\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'a.go'), 'package watch\n\n// #include "later.h"\nimport "C"\n\nfunc A() int { return int(C.LATER) }\n');
  env = { ...process.env, HOME: home, GOENV: goenv, GOTOOLCHAIN: 'local' };
  delete env['CC'];
  client = new LspClient({ env });
  // workspace scope: go.mod and closed cgo files get diagnostics too.
  await client.initialize(dir, { client: 'neovim', initializationOptions: { checkShellEnv: false, debounceMs: 50 } });
});
afterAll(async () => {
  await client.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  removeTree(home);
});

const uriOf = (name: string) => pathToFileURL(path.join(dir, name)).toString();
const has = (code: string) => (p: { diagnostics: { code: string }[] }) => p.diagnostics.some((d) => d.code === code);
const hasNot = (code: string) => (p: { diagnostics: { code: string }[] }) => !p.diagnostics.some((d) => d.code === code);

describe('watching', () => {
  it('reports a missing header, then clears it when the header is created on disk (no save, no reopen)', async () => {
    const uri = client.open(path.join(dir, 'a.go'));
    await client.waitForDiagnostics(uri, has('cgo/header-not-found'));
    fs.writeFileSync(path.join(dir, 'later.h'), '#define LATER 7\n');
    const pub = await client.waitForDiagnostics(uri, hasNot('cgo/header-not-found'), 20_000);
    expect(pub.diagnostics).toEqual([]);
  });

  it('follows go env -w CC=… into the GOENV file and back with go env -u', async () => {
    const uri = uriOf('a.go');
    execFileSync('go', ['env', '-w', 'CC=zz-missing-cc'], { env, cwd: dir });
    const pub = await client.waitForDiagnostics(uri, has('cgo/cc-not-found'), 20_000);
    const d = pub.diagnostics.find((x) => x.code === 'cgo/cc-not-found');
    expect(d.message).toContain('zz-missing-cc');
    expect(d.message).toMatch(/go env -w|GOENV|env file/i);
    execFileSync('go', ['env', '-u', 'CC'], { env, cwd: dir });
    await client.waitForDiagnostics(uri, hasNot('cgo/cc-not-found'), 20_000);
  });

  it('follows an edit of the go line in go.mod', async () => {
    const mod = uriOf('go.mod');
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/watch\n\ngo 1.99\n');
    const pub = await client.waitForDiagnostics(mod, (p) => p.diagnostics.some((d) => d.range.start.line === 2), 20_000);
    expect(pub.diagnostics[0].message).toContain('1.99');
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/watch\n\ngo 1.21\n');
    await client.waitForDiagnostics(mod, (p) => p.diagnostics.length === 0, 20_000);
  });

  it('clears the diagnostics of a cgo file deleted on disk', async () => {
    fs.writeFileSync(path.join(dir, 'b.go'), 'package watch\n\n// #include <nope_b.h>\nimport "C"\n');
    const uri = uriOf('b.go');
    await client.waitForDiagnostics(uri, has('cgo/header-not-found'), 20_000);
    fs.rmSync(path.join(dir, 'b.go'));
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0, 20_000);
  });

  it('clears the diagnostics of the cgo files of a directory moved out of the workspace (one event for the directory)', async () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'c.go'), 'package sub\n\n// #include <nope_c.h>\nimport "C"\n');
    const uri = uriOf('sub/c.go');
    await client.waitForDiagnostics(uri, has('cgo/header-not-found'), 20_000);
    const before = client.published(uri).length;
    fs.renameSync(sub, path.join(home, 'sub-moved-away'));
    await client.waitFor(
      () =>
        client
          .published(uri)
          .slice(before)
          .find((p) => p.diagnostics.length === 0),
      20_000,
      'a cleared publish after the move',
    );
  });
});
