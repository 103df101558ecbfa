// No downloads: a go.mod that asks for a Go release that does not exist locally (`go 1.99`, `toolchain
// go1.99.1`) is reported, and no probe ever lets the go command switch or fetch a toolchain. A SPY `go`
// (fault-injection wrapper: logs its argv and GOTOOLCHAIN/GOPROXY, then execs the real go) stands first on PATH;
// GOMODCACHE and GOPATH point at private temp dirs that must stay free of toolchains.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, cleanupTemps, realGo, runCheck, startServer, stopServer, tempDir, uriOf, writeScript, writeTree, type LspClient } from './helpers.js';

function listAll(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) out.push(...listAll(p));
  }
  return out;
}

describe.skipIf(realGo === null)('a go.mod needing an unavailable Go release never triggers a download', () => {
  let root: string;
  let spyDir: string;
  let spyLog: string;
  let gopath: string;
  let modcache: string;
  let goenvFile: string;

  beforeAll(() => {
    root = tempDir('net');
    writeTree(root, {
      'gonew/go.mod': 'module example.com/gonew\n\ngo 1.99\n',
      'gonew/a.go': 'package gonew\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n',
      'toolchainnew/go.mod': 'module example.com/toolchainnew\n\ngo 1.22\n\ntoolchain go1.99.1\n',
      'toolchainnew/a.go': 'package toolchainnew\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n',
    });
    spyDir = tempDir('net-spy');
    spyLog = path.join(spyDir, 'go.log');
    writeScript(
      path.join(spyDir, 'go'),
      `#!/bin/sh\n# SPY go (test fake, network tests): records GOTOOLCHAIN/GOPROXY and argv, then runs the real go.\necho "GOTOOLCHAIN=\${GOTOOLCHAIN-<unset>} GOPROXY=\${GOPROXY-<unset>} $*" >> '${spyLog}'\nexec '${realGo}' "$@"\n`,
    );
    gopath = tempDir('net-gopath');
    modcache = tempDir('net-modcache');
    goenvFile = path.join(tempDir('net-goenv'), 'env'); // empty: no `go env -w` values of the machine
    fs.writeFileSync(goenvFile, '');
  });
  afterAll(() => cleanupTemps());

  const env = (gotoolchain: string) =>
    baseEnv({
      PATH: `${spyDir}:${process.env['PATH']}`,
      GOTOOLCHAIN: gotoolchain,
      GOPROXY: 'off',
      GOPATH: gopath,
      GOMODCACHE: modcache,
      GOENV: goenvFile,
      GOFLAGS: undefined,
    });

  function assertNoDownload(): void {
    const calls = fs.existsSync(spyLog) ? fs.readFileSync(spyLog, 'utf8').trim().split('\n') : [];
    expect(calls.length, 'the spy go was never run: the test would prove nothing').toBeGreaterThan(0);
    for (const c of calls) expect(c, 'a go command ran without GOTOOLCHAIN=local').toMatch(/^GOTOOLCHAIN=local /);
    expect(calls.filter((c) => /\b(mod download|get|install)\b/.test(c))).toEqual([]);
    const fetched = [...listAll(modcache), ...listAll(gopath)].filter((p) => /toolchain|go1\.99/.test(p));
    expect(fetched, 'a toolchain appeared in the private module cache').toEqual([]);
  }

  it('GOTOOLCHAIN=local: cgo-ls check reports cgo/go-version-too-old on go 1.99 and downloads nothing', () => {
    fs.rmSync(spyLog, { force: true });
    const r = runCheck(['gonew', 'toolchainnew'], env('local'), root);
    const d = r.diagnostics.find((x) => x.code === 'cgo/go-version-too-old');
    expect(d, r.stdout + r.stderr).toBeDefined();
    expect(d.file).toMatch(/gonew[/\\]go\.mod$/);
    expect(d.line).toBe(3);
    expect(d.message).toMatch(/1\.99/);
    assertNoDownload();
  });

  it('GOTOOLCHAIN=auto: cgo-ls check says the go command would switch (cgo/toolchain-switch) for go 1.99 and toolchain go1.99.1, and downloads nothing', () => {
    fs.rmSync(spyLog, { force: true });
    const r = runCheck(['gonew', 'toolchainnew'], env('auto'), root);
    const sw = r.diagnostics.filter((x) => x.code === 'cgo/toolchain-switch' || x.code === 'cgo/go-version-too-old');
    expect(sw.map((x) => x.file).sort(), r.stdout + r.stderr).toEqual([
      expect.stringMatching(/gonew[/\\]go\.mod$/),
      expect.stringMatching(/toolchainnew[/\\]go\.mod$/),
    ]);
    expect(sw.find((x) => /toolchainnew/.test(x.file)).message).toMatch(/go1\.99\.1/);
    assertNoDownload();
  });

  for (const gotoolchain of ['local', 'auto']) {
    it(`the language server publishes the go.mod diagnostic with GOTOOLCHAIN=${gotoolchain} GOPROXY=off, and downloads nothing`, async () => {
      fs.rmSync(spyLog, { force: true });
      let c: LspClient | undefined;
      try {
        c = await startServer(root, env(gotoolchain));
        c.open(path.join(root, 'gonew', 'a.go'));
        const want = gotoolchain === 'local' ? 'cgo/go-version-too-old' : 'cgo/toolchain-switch';
        const pub = await c.waitForDiagnostics(uriOf(path.join(root, 'gonew', 'go.mod')), (p) => p.diagnostics.some((d) => d.code === want), 60_000);
        expect(pub.diagnostics.find((d) => d.code === want).range.start.line).toBe(2);
        if (gotoolchain === 'auto') {
          await c.waitForDiagnostics(uriOf(path.join(root, 'toolchainnew', 'go.mod')), (p) => p.diagnostics.some((d) => d.code === want), 60_000);
        }
        // A hover on import "C" probes nothing new but must answer; then everything the server ran is checked.
        await c.request('textDocument/hover', { textDocument: { uri: uriOf(path.join(root, 'gonew', 'a.go')) }, position: { line: 3, character: 8 } });
        await c.settle(800);
        assertNoDownload();
        expect(c.proc.exitCode).toBeNull();
      } finally {
        await stopServer(c);
      }
    });
  }
});
