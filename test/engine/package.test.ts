// The package is the unit: cmd/go applies the #cgo lines of every file of a package to every preamble of the
// package. Each case is checked against the real `go build` / `go run` first (the oracle), then against the
// engine and `cgo-ls check`. Fixture: test/fixtures/modules/splitflags (copied to a temporary directory, where
// the static library of the -L/-l case is built with the real gcc and ar).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { processStats } from '../../server/src/util/proc.js';
import { CAUSE_MAX, FIX_PREFIX, splitMessage } from '../../server/src/core/message.js';

const fixture = path.resolve(import.meta.dirname, '..', 'fixtures', 'modules', 'splitflags');
const main = path.resolve(import.meta.dirname, '..', '..', 'dist', 'main.js');
const settings = { ...defaultSettings, checkShellEnv: false };
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-split-'));
  fs.cpSync(fixture, dir, { recursive: true });
  const obj = path.join(dir, 'foo.o');
  execFileSync('gcc', ['-c', '-x', 'c', path.join(dir, 'ldflags', 'src', 'foo.c.txt'), '-o', obj]);
  execFileSync('ar', ['rcs', path.join(dir, 'ldflags', 'lib', 'libcgolsfoo.a'), obj]);
  fs.rmSync(obj);
  env = { ...process.env, PKG_CONFIG_PATH: path.join(dir, 'pkgcfg', 'pc'), GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  delete env['SHELL']; // cgo-ls check reads no login shell: the machine's login PATH (cgo/env-drift) is not under test
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const go = (args: string[]) => spawnSync('go', args, { cwd: dir, env, encoding: 'utf8' });
const errors = (ds: { severity: string }[]) => ds.filter((d) => d.severity === 'error');

describe('flags written in one file apply to the preambles of the others', () => {
  it('the oracle: go build passes for -D/-I, pkg-config and -L split across files, and the program links and runs', () => {
    const b = go(['build', './cflags', './pkgcfg', './ldflags']);
    expect(b.status, b.stderr).toBe(0);
    const r = go(['run', './app']);
    expect(r.stdout.trim(), r.stderr).toBe('42 7 42');
  }, 300_000); // a cold go build cache compiles the runtime/cgo packages

  for (const pkg of ['cflags', 'pkgcfg', 'ldflags']) {
    it(`${pkg}: no error in any file of the package (engine, compiler and library lookup included)`, async () => {
      const engine = new Engine({ env, settings });
      for (const f of fs.readdirSync(path.join(dir, pkg)).filter((n) => n.endsWith('.go'))) {
        const res = await engine.analyze(path.join(dir, pkg, f), { compile: 'run', libraries: true });
        expect(errors(res.diagnostics), `${pkg}/${f}`).toEqual([]);
      }
    });
  }

  it('cgo-ls check agrees: exit 0 on the three packages that build', () => {
    const r = spawnSync(process.execPath, [main, 'check', '--format', 'json', 'cflags', 'pkgcfg', 'ldflags'], { cwd: dir, env, encoding: 'utf8' });
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.status).toBe(0);
  });
});

describe("a broken flag in one file that breaks another file's preamble", () => {
  it('the oracle: go build fails in use.go on the header the mistyped -I of flags.go does not find', () => {
    const b = go(['build', './broken']);
    expect(b.status).not.toBe(0);
    expect(b.stderr).toMatch(/use\.go:3:\d+: fatal error: bar\.h: No such file or directory/);
  });

  it('is reported where go build reports it, naming the flags.go line whose -I applied', async () => {
    const engine = new Engine({ env, settings });
    const res = await engine.analyze(path.join(dir, 'broken', 'use.go'), { compile: 'run' });
    const d = res.diagnostics.find((x) => x.code === 'cgo/header-not-found');
    expect(d?.range.start.line).toBe(2);
    expect(d?.message).toContain('flags.go:4: -I' + path.join(dir, 'broken', 'incl'));
    expect(d?.data?.['foreignFlags']).toEqual([{ file: path.join(dir, 'broken', 'flags.go'), line: 3, flags: ['-I' + path.join(dir, 'broken', 'incl')] }]);
    expect(d?.related?.[0]?.file).toBe(path.join(dir, 'broken', 'flags.go'));
    // flags.go itself is fine.
    expect(errors((await engine.analyze(path.join(dir, 'broken', 'flags.go'), { compile: 'run' })).diagnostics)).toEqual([]);
  });
});

describe('editing one file re-analyses its siblings', () => {
  it('an unsaved edit to flags.go (dropping -DHAVE_FOO) makes use.go stale, and its next compile sees the #error', async () => {
    const engine = new Engine({ env, settings });
    const flags = path.join(dir, 'cflags', 'flags.go');
    const use = path.join(dir, 'cflags', 'use.go');
    expect(errors((await engine.analyze(use, { compile: 'run' })).diagnostics)).toEqual([]);
    expect((await engine.analyze(flags, { compile: 'run' })).dependents).toBeUndefined();
    engine.setDocument(flags, fs.readFileSync(flags, 'utf8').replace('-DHAVE_FOO=1 ', ''), 2);
    const edited = await engine.analyze(flags, { compile: 'cached' });
    expect(edited.dependents).toEqual([use]);
    const stale = await engine.analyze(use, { compile: 'cached' });
    expect(stale.compileStale).toBe(true);
    const run = await engine.analyze(use, { compile: 'run' });
    const err = run.diagnostics.find((d) => d.code === 'cgo/c-error');
    expect(err?.message).toContain('HAVE_FOO is not defined');
    expect(err?.message).toContain('flags.go:3');
  });
});

describe('the keystroke invariant', () => {
  it('an edit outside the preamble reads no file, stats no file and starts no subprocess', async () => {
    const engine = new Engine({ env, settings });
    const use = path.join(dir, 'cflags', 'use.go');
    const text = fs.readFileSync(use, 'utf8');
    engine.setDocument(use, text, 1);
    expect(errors((await engine.analyze(use, { compile: 'run', libraries: true })).diagnostics)).toEqual([]);
    const spies = [
      vi.spyOn(fs, 'readFileSync'),
      vi.spyOn(fs, 'readdirSync'),
      vi.spyOn(fs, 'statSync'),
      vi.spyOn(fs, 'existsSync'),
      vi.spyOn(fs, 'openSync'),
      vi.spyOn(fs.promises, 'readFile'),
      vi.spyOn(fs.promises, 'stat'),
      vi.spyOn(fs.promises, 'readdir'),
    ];
    const started = processStats.started;
    const store = { ...engine.files.stats };
    try {
      engine.setDocument(use, text + '\n// a comment typed at the end\nfunc Bar() int { return Foo() }\n', 2);
      const res = await engine.analyze(use, { compile: 'cached' });
      expect(errors(res.diagnostics)).toEqual([]);
      expect(res.compileStale).toBe(false);
      expect(spies.map((s) => s.mock.calls.length)).toEqual(spies.map(() => 0));
      expect(processStats.started - started).toBe(0);
      expect(engine.files.stats).toEqual(store);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});

describe('package-level compiler answers agree with go build (issue 11 items 3 and 6)', () => {
  const mkpkg = (files: Record<string, string>) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-pkgcase-'));
    fs.writeFileSync(path.join(d, 'go.mod'), 'module example.com/c\n\ngo 1.22\n');
    for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(d, n), t);
    return d;
  };
  const build = (d: string) => spawnSync('go', ['build', '.'], { cwd: d, env: { ...process.env, GOTOOLCHAIN: 'local' }, encoding: 'utf8' });

  it('a missing pkg-config package is one diagnostic on its #cgo line, not one header-not-found per #include in the package', async () => {
    const d = mkpkg({
      'a.go': 'package c\n\n// #cgo pkg-config: cgols-no-such-sdl\n// #include <cgols_sdl/SDL.h>\nimport "C"\n',
      'b.go': 'package c\n\n// #include <cgols_sdl/SDL_video.h>\n// #include <cgols_sdl/SDL_audio.h>\nimport "C"\n\nfunc V() { C.SDL_Init(0) }\n',
    });
    try {
      const b = build(d);
      expect(b.status).not.toBe(0);
      expect(b.stderr).toContain('cgols-no-such-sdl');
      expect(b.stderr).not.toMatch(/No such file or directory/); // the build stops at pkg-config
      const engine = new Engine({ env: process.env, settings });
      const all = [];
      for (const f of ['a.go', 'b.go']) all.push(...(await engine.analyze(path.join(d, f), { compile: 'run', libraries: true })).diagnostics);
      expect(errors(all).map((x) => `${path.basename(x.file)}:${x.range.start.line + 1} ${x.code}`)).toEqual(['a.go:3 cgo/pkg-config-package-not-found']);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a flag pkg-config prints that the go command refuses: one cgo/flag-not-allowed on the #cgo pkg-config line, in the one shape', async () => {
    const d = mkpkg({ 'a.go': 'package c\n\n// #cgo pkg-config: cgolsevil\nimport "C"\n' });
    fs.mkdirSync(path.join(d, 'pc'));
    fs.writeFileSync(path.join(d, 'pc', 'cgolsevil.pc'), 'Name: cgolsevil\nDescription: x\nVersion: 1.0\nCflags: -fplugin=evil.so\nLibs:\n');
    const pcEnv = { ...process.env, GOTOOLCHAIN: 'local', PKG_CONFIG_PATH: path.join(d, 'pc') };
    try {
      const b = spawnSync('go', ['build', '.'], { cwd: d, env: pcEnv, encoding: 'utf8' });
      expect(b.status).not.toBe(0);
      const goSays = /invalid flag in pkg-config --cflags: -fplugin=evil\.so[^\n]*/.exec(b.stderr)?.[0];
      expect(goSays, b.stderr).toBeDefined();
      const engine = new Engine({ env: pcEnv, settings });
      const res = await engine.analyze(path.join(d, 'a.go'), { compile: 'run', libraries: true });
      expect(errors(res.diagnostics).map((x) => `${x.range.start.line + 1} ${x.code}`)).toEqual(['3 cgo/flag-not-allowed']);
      const f = res.diagnostics.find((x) => x.code === 'cgo/flag-not-allowed')!;
      expect(f.data).toMatchObject({ arg: '-fplugin=evil.so', envVar: 'CGO_CFLAGS_ALLOW', fromPkgConfig: true });
      const m = splitMessage(f.message);
      expect(m.cause).toBe('invalid flag in pkg-config --cflags: -fplugin=evil.so');
      expect(m.cause.length).toBeLessThanOrEqual(CAUSE_MAX);
      expect(f.message.split('\n')[1]).toBe(`${FIX_PREFIX}if you trust the .pc file, allow the flag with CGO_CFLAGS_ALLOW`);
      // The go command's full text (with its link) and where the flag comes from follow.
      expect(m.details).toEqual([goSays, 'The flag comes from pkg-config output and the go command refuses it.']);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a missing -l is reported on the #cgo line that applies on this target, not on an earlier line for another GOOS', async () => {
    const other = process.platform === 'win32' ? 'linux' : 'windows';
    // A program, so that go build links (a library package's -l is only used when a program links it).
    const d = mkpkg({
      'a.go': `package main\n\n// #cgo ${other} LDFLAGS: -lcgolsnosuch\n// #cgo ${process.platform === 'win32' ? 'windows' : process.platform} LDFLAGS: -lcgolsnosuch\nimport "C"\n\nfunc main() {}\n`,
    });
    try {
      const b = build(d);
      expect(b.status).not.toBe(0);
      expect(b.stderr).toContain('-lcgolsnosuch');
      const engine = new Engine({ env: process.env, settings });
      const res = await engine.analyze(path.join(d, 'a.go'), { compile: 'run', libraries: true });
      expect(errors(res.diagnostics).map((x) => `${x.range.start.line + 1} ${x.code}`)).toEqual(['4 cgo/library-not-found']);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
