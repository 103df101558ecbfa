// cgo/preamble-detached says what the build will really do (issue 11, item 1): an error exactly when a C name the
// file uses resolves only through the detached comment (go build fails), a warning naming the lost #cgo flags or
// the uncompiled C text when the build still works. Every case is built with the real go command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../server/src/checks/source.js';
import { parseGoVersion } from '../../server/src/core/goversion.js';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { serverMain } from '../helpers/lsp-client.js';
import { hasGcc, hasGo } from '../gomodel/helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-detached-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '1', GOPROXY: 'off', LC_ALL: 'C' };

function module(name: string, text: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/x\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'a.go'), text);
  return dir;
}

function goBuild(dir: string): { ok: boolean; output: string } {
  const r = spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

const pkg = (comment: string, body: string) => `package x\n\n${comment}\n\nimport "C"\n\n${body}\n`;

const cases: { name: string; text: string; builds: boolean; mentions: string[] }[] = [
  // The reproduction of the issue: only cgo built-ins are used, go build passes.
  { name: 'builtins', text: pkg('// #include <stdlib.h>', 'var A C.char\nvar B C.size_t\nvar N C.int'), builds: true, mentions: ['built-ins'] },
  {
    name: 'builtin-funcs',
    text: pkg('// #include <stdlib.h>', 'func F() *C.char { p := C.malloc(4); _ = p; return C.CString("x") }\nvar S = C.sizeof_int\nvar P = C.NULL'),
    builds: true,
    mentions: ['built-ins'],
  },
  { name: 'flags-only', text: pkg('// #cgo CFLAGS: -Wall -DX=1', 'var N C.int'), builds: true, mentions: ['#cgo CFLAGS: -Wall -DX=1'] },
  { name: 'struct-pointer', text: pkg('// struct foo { int a; };', 'var P *C.struct_foo'), builds: true, mentions: ['built-ins'] },
  {
    name: 'needs-free',
    text: pkg('// #include <stdlib.h>', 'func F() { C.free(nil) }'),
    builds: false,
    mentions: ['C.free', 'could not determine what C.free refers to'],
  },
  {
    name: 'needs-own-func',
    text: pkg('// static int one(void) { return 1; }', 'var N C.int\nfunc F() C.int { return C.one() }'),
    builds: false,
    mentions: ['C.one'],
  },
  { name: 'struct-field', text: pkg('// struct foo { int a; };', 'func F(s C.struct_foo) C.int { return s.a }'), builds: false, mentions: ['C.struct_foo'] },
  { name: 'fixed-width', text: pkg('// #include <stdint.h>', 'var N C.int32_t'), builds: false, mentions: ['C.int32_t'] },
  {
    name: 'group-doc',
    text: 'package x\n\n// #include <stdlib.h>\nimport (\n\t"C"\n\t"unsafe"\n)\n\nfunc F(p unsafe.Pointer) { C.free(p) }\n',
    builds: false,
    mentions: ['2 specs', 'C.free'],
  },
];

describe.skipIf(!hasGo() || !hasGcc())('cgo/preamble-detached against go build', () => {
  const v = parseGoVersion(spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env }).stdout.trim())!;
  for (const c of cases) {
    it(`${c.name}: ${c.builds ? 'go build passes → a warning' : 'go build fails → an error'}`, async () => {
      const dir = module(c.name, c.text);
      const build = goBuild(dir);
      expect(build.ok, build.output).toBe(c.builds);
      const ds = checkSource(await parseGoFile(path.join(dir, 'a.go'), c.text), { goVersion: v, text: c.text }).filter(
        (d) => d.code === 'cgo/preamble-detached',
      );
      expect(ds).toHaveLength(1);
      const d = ds[0]!;
      expect(d.severity).toBe(c.builds ? 'warning' : 'error');
      for (const m of c.mentions) expect(d.message).toContain(m);
      if (!c.builds) {
        // The toolchain reports the first unresolvable name at its use: that use is a related location.
        const m = /a\.go:(\d+):(\d+): (could not determine what C\.(\w+) refers to|.*C\.struct_foo.*|.*undefined.*)/.exec(build.output);
        expect(m, build.output).not.toBeNull();
        expect(d.related?.map((r) => r.range.start.line + 1)).toContain(Number(m![1]));
      }
    });
  }

  it('the reproduction of issue 11: `cgo-ls check` exits 0 when go build passes, 1 when it fails', () => {
    const ok = module('cli-ok', cases[0]!.text);
    const r = spawnSync(process.execPath, [serverMain, 'check', ok], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toMatch(/warning cgo\/preamble-detached/);
    expect(r.status).toBe(0);
    const bad = module('cli-bad', cases[4]!.text);
    const r2 = spawnSync(process.execPath, [serverMain, 'check', bad], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r2.stdout).toMatch(/error cgo\/preamble-detached/);
    expect(r2.status).toBe(1);
  }, 60_000);
});
