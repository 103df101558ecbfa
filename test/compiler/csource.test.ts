// The package's own C sources, compiled with the package's merged #cgo flags as go build compiles them; each
// case is checked against the real `go build` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { cSourceIncluded } from '../../server/src/compiler/csource.js';
import { expectShape } from './helpers.js';

const main = path.resolve(import.meta.dirname, '..', '..', 'dist', 'main.js');
const settings = { ...defaultSettings, checkShellEnv: false };
const env = { ...process.env, GOTOOLCHAIN: 'local' };
let dir: string;

const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const goBuild = (pkg: string) => spawnSync('go', ['build', pkg], { cwd: dir, env, encoding: 'utf8' });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-csrc-'));
  write('go.mod', 'module example.com/cs\n\ngo 1.22\n');
  write('esc/esc.go', 'package esc\n\n// int esc(void);\nimport "C"\n\nfunc E() int { return int(C.esc()) }\n');
  write('esc/escape.c', '#include <cgols_missing_escape.h>\nint esc(void) { return 1; }\n');
  // The -I and -D that ok.c needs are written in ok.go's #cgo line: go build applies them to the package's C files.
  write('ok/ok.go', 'package ok\n\n// #cgo CFLAGS: -I${SRCDIR}/inc -DOKV=3\n// int okf(void);\nimport "C"\n\nfunc O() int { return int(C.okf()) }\n');
  write('ok/ok.c', '#include "okh.h"\nint okf(void) { return OKH + OKV; }\n');
  write('ok/inc/okh.h', '#define OKH 4\n');
  // Not built on this target: go/build skips it, so must cgo-ls.
  write('ok/broken_windows.c', '#include <windows.h>\nthis is not C\n');
  write('ok/tagged.c', '//go:build ignore\n\nthis is not C either\n');
  write('bad/bad.go', 'package bad\n\n// int twice(int);\nimport "C"\n\nfunc T() int { return int(C.twice(2)) }\n');
  write('bad/bad.c', 'int twice(int x) { return x * 2 }\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('C sources of a cgo package', () => {
  it("the oracle: go build fails in escape.c and bad.c, and builds ok (whose C file needs ok.go's flags)", () => {
    expect(goBuild('./esc').stderr).toMatch(/escape\.c:1:10: fatal error: cgols_missing_escape\.h/);
    expect(goBuild('./bad').stderr).toMatch(/bad\.c:1:\d+: error: expected .;. before/);
    const ok = goBuild('./ok');
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('a missing header in escape.c is reported on escape.c line 1, as go build reports it', async () => {
    const engine = new Engine({ env, settings });
    const res = await engine.analyze(path.join(dir, 'esc', 'escape.c'), { compile: 'run' });
    expect(res.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code}`)).toEqual([
      '1:10 error cgo/header-not-found',
    ]);
    const m = expectShape(res.diagnostics[0]!.message);
    expect(m.cause).toBe('cgols_missing_escape.h not found (included from escape.c)');
    expect(m.fix).toMatch(/^install the development files that provide cgols_missing_escape\.h, or add its directory/);
    // go build's own line, verbatim.
    expect(m.details).toEqual(['escape.c:1: fatal error: cgols_missing_escape.h: No such file or directory']);
  });

  it('a C syntax error in bad.c is a cgo/c-error on its line', async () => {
    const engine = new Engine({ env, settings });
    const res = await engine.analyze(path.join(dir, 'bad', 'bad.c'), { compile: 'run' });
    expect(res.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1} ${d.code}`)).toEqual(['1 cgo/c-error']);
    const m = expectShape(res.diagnostics.find((d) => d.severity === 'error')!.message);
    expect(m.cause).toMatch(/^C error: expected .;. before/);
    expect(m.fix).toMatch(/fix the C code or the flags/);
    expect(m.details[0]).toMatch(/^bad\.c:1: error: expected .;. before/);
  });

  it("ok.c is clean: the package's -I and -D from ok.go apply; files the target does not build are not compiled", async () => {
    const engine = new Engine({ env, settings });
    for (const f of ['ok.c', 'broken_windows.c', 'tagged.c']) {
      expect((await engine.analyze(path.join(dir, 'ok', f), { compile: 'run' })).diagnostics, f).toEqual([]);
    }
  });

  it("go/build's constraints on C files: file-name GOOS/GOARCH and a leading //go:build line", () => {
    const ctx = { goos: 'linux', goarch: 'amd64', cgoEnabled: true, goMinor: 26, compiler: 'gc', buildTags: [], toolTags: [] };
    expect(cSourceIncluded('/p/a_windows.c', '', ctx)).toBe(false);
    expect(cSourceIncluded('/p/a_linux_amd64.c', '', ctx)).toBe(true);
    expect(cSourceIncluded('/p/a.c', '// Copyright\n\n//go:build windows\n\nint x;\n', ctx)).toBe(false);
    expect(cSourceIncluded('/p/a.c', 'int x;\n//go:build windows\n', ctx)).toBe(true); // after code: not a constraint
    expect(cSourceIncluded('/p/_a.c', '', ctx)).toBe(false);
  });

  it("cgo-ls check reports the C files' errors and exits 1 exactly because of them", () => {
    const r = spawnSync(process.execPath, [main, 'check', '--format', 'json', '.'], { cwd: dir, env, encoding: 'utf8' });
    const diags = JSON.parse(r.stdout) as { file: string; line: number; code: string; severity: string }[];
    expect(
      diags
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.file}:${d.line} ${d.code}`)
        .sort(),
    ).toEqual(['bad/bad.c:1 cgo/c-error', 'esc/escape.c:1 cgo/header-not-found']);
    expect(r.status).toBe(1);
  });
});
