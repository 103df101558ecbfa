// Issue 11, items 2 and 7: with cgo off, `cgo-ls check` fails exactly when `go build` of the package (or of a
// program that uses it) fails, with the error on the line that matters; and the target matrix's verdict for a
// target is what `GOOS=<t> GOARCH=<a> go build` does. Every case runs the real go command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverMain } from '../helpers/lsp-client.js';
import { hasGcc, hasGo } from '../gomodel/helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cgooff-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const baseEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', LC_ALL: 'C' };

function module(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'p'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.21\n');
  for (const [f, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), t);
  }
  return dir;
}

function go(dir: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  const r = spawnSync('go', args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

interface Diag {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
}
function check(dir: string, args: string[], env: NodeJS.ProcessEnv): { code: number | null; diags: Diag[]; stdout: string } {
  const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  const parsed = JSON.parse(r.stdout || '[]');
  return { code: r.status, diags: Array.isArray(parsed) ? parsed : parsed.diagnostics, stdout: r.stdout };
}

const cgoFile = (body: string) => `package p\n\n// #include <stdlib.h>\nimport "C"\n\n${body}\n`;
const user = 'package main\n\nimport "example.com/m/p"\n\nfunc main() { p.F() }\n';

describe.skipIf(!hasGo() || !hasGcc())('CGO_ENABLED=0: check fails exactly when the build (or a program using the package) fails', () => {
  const env = { ...baseEnv, CGO_ENABLED: '0' };
  const cases: { name: string; files: Record<string, string>; pkgBuilds: boolean; programBuilds: boolean; errorLine?: { file: string; line: number } }[] = [
    {
      name: 'all-cgo',
      files: { 'p/a.go': cgoFile('func F() { C.free(nil) }'), 'cmd/main.go': user },
      pkgBuilds: false,
      programBuilds: false,
      errorLine: { file: 'a.go', line: 4 },
    },
    {
      name: 'undefined',
      files: {
        'p/a.go': cgoFile('func helper() int { return int(C.int(1)) }'),
        'p/b.go': 'package p\n\nfunc F() int {\n\treturn helper()\n}\n',
        'cmd/main.go': user,
      },
      pkgBuilds: false,
      programBuilds: false,
      errorLine: { file: 'a.go', line: 6 },
    },
    {
      name: 'exports-lost',
      files: { 'p/a.go': cgoFile('func F() { C.free(nil) }'), 'p/b.go': 'package p\n\nfunc g() {}\n', 'cmd/main.go': user },
      pkgBuilds: true,
      programBuilds: false,
      errorLine: { file: 'a.go', line: 4 },
    },
    {
      // Some exported API is left: a program using only that builds, so this is a warning naming what is lost.
      name: 'partial-exports',
      files: { 'p/a.go': cgoFile('func F() { C.free(nil) }'), 'p/b.go': 'package p\n\nfunc G() {}\n', 'cmd/main.go': user.replace('p.F()', 'p.G()') },
      pkgBuilds: true,
      programBuilds: true,
    },
    {
      name: 'fallback',
      files: { 'p/a.go': cgoFile('func F() { C.free(nil) }'), 'p/a_nocgo.go': '//go:build !cgo\n\npackage p\n\nfunc F() {}\n', 'cmd/main.go': user },
      pkgBuilds: true,
      programBuilds: true,
    },
    {
      name: 'unused-helper',
      files: { 'p/a.go': cgoFile('func helper() { C.free(nil) }'), 'p/b.go': 'package p\n\nfunc F() {}\n', 'cmd/main.go': user },
      pkgBuilds: true,
      programBuilds: true,
    },
    {
      name: 'local-shadow',
      files: {
        'p/a.go': cgoFile('func size() int { return int(C.int(1)) }'),
        'p/b.go': 'package p\n\nfunc F() int {\n\tsize := 3\n\treturn size\n}\n',
        'p/a_nocgo.go': '//go:build !cgo\n\npackage p\n',
        'cmd/main.go': user,
      },
      pkgBuilds: true,
      programBuilds: true,
    },
    {
      name: 'main-lost',
      files: {
        'p/a.go': 'package p\n\nfunc F() {}\n',
        'cmd/main.go': 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() { C.free(nil); helper() }\n',
        'cmd/b.go': 'package main\n\nfunc helper() {}\n',
      },
      pkgBuilds: true,
      programBuilds: false,
      errorLine: { file: 'main.go', line: 6 },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: go build ${c.pkgBuilds ? 'passes' : 'fails'}, a program using it ${c.programBuilds ? 'builds' : 'fails'} → check exits ${c.programBuilds ? 0 : 1}`, () => {
      const dir = module(c.name, c.files);
      const pkg = go(dir, ['build', '-o', os.devNull, './p'], env);
      expect(pkg.ok, pkg.out).toBe(c.pkgBuilds);
      const prog = go(dir, ['build', '-o', os.devNull, './cmd'], env);
      expect(prog.ok, prog.out).toBe(c.programBuilds);
      const r = check(dir, ['.'], env);
      const errors = r.diags.filter((d) => d.severity === 'error');
      expect(r.code, JSON.stringify(r.diags, null, 1)).toBe(c.programBuilds ? 0 : 1);
      if (c.errorLine) {
        const e = errors.find((d) => d.code === 'cgo/disabled' && path.basename(d.file) === c.errorLine!.file);
        expect(e, JSON.stringify(r.diags, null, 1)).toBeDefined();
        expect(e!.line).toBe(c.errorLine.line);
        expect(e!.message).toMatch(/cgo is off: CGO_ENABLED=0 is set explicitly/);
        expect(e!.message).toMatch(/turn cgo on .*\/\/go:build !cgo/);
      } else {
        expect(errors).toEqual([]);
      }
      // The go command's own words are in the message.
      if (c.name === 'partial-exports')
        expect(r.diags.find((d) => d.code === 'cgo/disabled')?.message).toMatch(/loses F\nFix: .*\nA program that uses it fails/);
      if (c.name === 'all-cgo') expect(errors[0]!.message).toContain('build constraints exclude all Go files in');
      if (c.name === 'undefined') {
        expect(pkg.out).toContain('undefined: helper');
        expect(errors[0]!.message).toContain('undefined: helper');
      }
      if (c.name === 'main-lost') {
        expect(prog.out).toContain('function main is undeclared in the main package');
        expect(errors[0]!.message).toContain('function main is undeclared in the main package');
      }
    }, 120_000);
  }
});

describe.skipIf(!hasGo() || !hasGcc())('target verdicts are what GOOS=<t> GOARCH=<a> go build does', () => {
  const env = { ...baseEnv };
  delete (env as Record<string, string | undefined>)['CGO_ENABLED'];
  const linuxOnly = {
    'p/a_linux.go': 'package p\n\n// int one(void);\nimport "C"\n\nfunc One() int { return int(C.one()) }\n',
    'p/one.c': 'int one(void) { return 1; }\n',
  };
  const cases: { name: string; files: Record<string, string>; target: string; extraEnv?: Record<string, string>; builds: boolean; says: RegExp }[] = [
    { name: 'excluded-all', files: linuxOnly, target: 'windows/amd64', builds: false, says: /build constraints exclude all Go files/ },
    {
      name: 'c-files',
      files: { ...linuxOnly, 'p/doc.go': 'package p\n' },
      target: 'windows/amd64',
      extraEnv: { CGO_ENABLED: '1' },
      builds: false,
      says: /C source files not allowed when not using cgo or SWIG: one\.c/,
    },
    { name: 'c-files-ignored', files: { ...linuxOnly, 'p/doc.go': 'package p\n' }, target: 'windows/amd64', builds: true, says: /no cgo files/ },
    { name: 'host', files: linuxOnly, target: 'linux/amd64', builds: true, says: /compiler ✓/ },
    {
      name: 'cross-undefined',
      files: { 'p/a_linux.go': linuxOnly['p/a_linux.go'], 'p/one.c': linuxOnly['p/one.c'], 'p/b.go': 'package p\n\nfunc Two() int { return One() + 1 }\n' },
      target: 'windows/amd64',
      builds: false,
      says: /undefined: One/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.target} ${c.builds ? 'builds' : 'fails'}${c.extraEnv ? ` with ${JSON.stringify(c.extraEnv)}` : ''}`, () => {
      const dir = module(`t-${c.name}`, c.files);
      const [goos, goarch] = c.target.split('/') as [string, string];
      const e = { ...env, ...(c.extraEnv ?? {}) };
      const b = go(dir, ['build', '-o', os.devNull, './p'], { ...e, GOOS: goos, GOARCH: goarch });
      expect(b.ok, b.out).toBe(c.builds);
      const r = check(dir, ['--targets', c.target, './p'], e);
      const parsed = JSON.parse(r.stdout);
      const v = parsed.targets[0].verdicts[0];
      expect(v.ok, v.summary).toBe(c.builds);
      expect(v.summary).toMatch(c.says);
      if (!c.builds && /exclude all|not allowed/.test(c.says.source)) expect(b.out).toMatch(c.says);
    }, 120_000);
  }
});
