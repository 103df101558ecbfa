// Cross-checks against the real go command (go1.26.8 local, go1.22.12 via GOTOOLCHAIN) on fixture modules in
// test/fixtures/cgorules/<name>: Cgo*FLAGS from `go list -json`, package-load errors from `go list -e -json`, and
// flag rejections from `go list -e -compiled -json` (which runs the security checks).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directiveFlags, mergeFlags, parseDirectives } from '../../server/src/cgorules/directives.js';
import { checkDirectives } from '../../server/src/checks/directives.js';
import type { GoVersion } from '../../server/src/core/goversion.js';
import { toolchainWords } from '../helpers/messages.js';
import { GO, fixturesDir, goEnv, goList, gv, have122, haveGo, linuxAmd64, preamblesFromSource } from './helpers.js';

const V126 = gv(26, 8);
const V122 = gv(22, 12);

function ours(name: string, goVersion: GoVersion, env: Record<string, string> = {}) {
  const dir = path.join(fixturesDir, name);
  const file = path.join(dir, 'main.go');
  const preambles = preamblesFromSource(fs.readFileSync(file, 'utf8'));
  const build = { ...linuxAmd64, goMinor: goVersion.minor };
  const res = checkDirectives({ file, preambles, build, srcDir: dir, goVersion, env, pathStyle: 'posix' });
  const parsed = preambles.map((p) => parseDirectives(p, { build, srcDir: dir, goVersion, pathStyle: 'posix' }));
  return { dir, file, res, flags: mergeFlags(parsed.map((p) => directiveFlags(p.directives))) };
}

const cause = toolchainWords;

describe.skipIf(!haveGo)('directiveFlags = go list -json Cgo*FLAGS', () => {
  for (const name of ['conds', 'paths', 'twoimports', 'nocolon', 'iatfoo', 'pushstate', 'objfile', 'fplugin', 'pcoption']) {
    it(name, () => {
      const { dir, flags } = ours(name, V126);
      const p = goList(dir, []);
      expect(p.Dir).toBe(dir);
      expect({
        CFLAGS: flags.CFLAGS,
        CPPFLAGS: flags.CPPFLAGS,
        CXXFLAGS: flags.CXXFLAGS,
        FFLAGS: flags.FFLAGS,
        LDFLAGS: flags.LDFLAGS,
        pkgConfig: flags.pkgConfig,
      }).toEqual({
        CFLAGS: p.CgoCFLAGS ?? [],
        CPPFLAGS: p.CgoCPPFLAGS ?? [],
        CXXFLAGS: p.CgoCXXFLAGS ?? [],
        FFLAGS: p.CgoFFLAGS ?? [],
        LDFLAGS: p.CgoLDFLAGS ?? [],
        pkgConfig: p.CgoPkgConfig ?? [],
      });
    });
  }
  it('the conds fixture exercises what it should', () => {
    const { flags } = ours('conds', V126);
    expect(flags.CFLAGS).toContain('-DSPACEDAND=1'); // `linux && arm64` applies on linux/amd64
    expect(flags.CFLAGS).not.toContain('-DPARENS=1');
    expect(flags.CFLAGS).toEqual(expect.arrayContaining(['-DNOSPACE=1', '-DBLOCK=1', '-DQ=a b', '-DS=x y', '-DE=a b', '-DX=a:b', '-DSPACECOLON']));
  });
});

describe.skipIf(!haveGo)('package-load errors = go list -e -json .Error.Err', () => {
  const cases: [string, string][] = [
    ['nocolon', 'cgo/directive-syntax'],
    ['badverb', 'cgo/directive-verb'],
    ['strmacro', 'cgo/unsafe-argument'],
    ['bracedvar', 'cgo/unsafe-argument'],
    ['unclosed', 'cgo/directive-syntax'],
    ['semicolon', 'cgo/unsafe-argument'],
  ];
  for (const [name, code] of cases) {
    for (const [tc, v] of [
      ['local', V126],
      ['go1.22.12', V122],
    ] as const) {
      it.skipIf(tc !== 'local' && !have122)(`${name} (${tc})`, () => {
        const { dir, res } = ours(name, v);
        const p = goList(dir, [], tc);
        const errs = res.diagnostics.filter((d) => d.severity === 'error');
        expect(errs.length).toBeGreaterThan(0);
        expect(errs[0]!.code).toBe(code);
        // cmd/go names the file relative to the package dir or absolutely, depending on its module index cache
        expect(cause(errs[0]!.message)).toBe(p.Error?.Err.replace(dir + path.sep, ''));
        expect(res.rejected).toBe(true);
      });
    }
  }
});

describe.skipIf(!haveGo)('flag rejections = go list -e -compiled -json .Error.Err', () => {
  const cases: [string, string | null, string | null][] = [
    // fixture, code on 1.26, code on 1.22
    ['fplugin', 'cgo/flag-not-allowed', 'cgo/flag-not-allowed'],
    ['includefoo', 'cgo/flag-missing-arg', 'cgo/flag-missing-arg'],
    ['dmissing', 'cgo/flag-missing-arg', 'cgo/flag-missing-arg'],
    ['rsp', 'cgo/flag-not-allowed', 'cgo/flag-not-allowed'],
    ['objfile', 'cgo/flag-not-allowed', 'cgo/flag-not-allowed'],
    ['so1', 'cgo/flag-not-allowed', 'cgo/flag-not-allowed'],
    ['pushstate', null, 'cgo/flag-not-allowed'],
    ['iatfoo', null, null],
    ['pcname', 'cgo/pkg-config-name', 'cgo/pkg-config-name'],
    ['pcoption', 'cgo/pkg-config-option', null],
  ];
  for (const [name, code126, code122] of cases) {
    for (const [tc, v, code] of [
      ['local', V126, code126],
      ['go1.22.12', V122, code122],
    ] as const) {
      it.skipIf(tc !== 'local' && !have122)(`${name} (${tc})`, () => {
        const { dir, res } = ours(name, v);
        const p = goList(dir, ['-compiled'], tc);
        const errs = res.diagnostics.filter((d) => d.severity === 'error');
        if (code === null) {
          expect(errs).toEqual([]);
          expect(res.rejected).toBe(false);
          expect(p.Error?.Err ?? '').not.toMatch(/invalid flag|invalid pkg-config/);
          return;
        }
        expect(errs[0]?.code).toBe(code);
        expect(cause(errs[0]!.message)).toBe(p.Error?.Err);
        expect(res.rejected).toBe(true);
      });
    }
  }
  it('CGO_CFLAGS_ALLOW lets -fplugin through; a bad ALLOW regexp fails like cmd/go', () => {
    const ok = ours('fplugin', V126, { CGO_CFLAGS_ALLOW: '-fplugin=.*' });
    expect(ok.res.diagnostics.filter((d) => d.code.startsWith('cgo/flag'))).toEqual([]);
    const p = goList(ok.dir, ['-compiled'], 'local', { CGO_CFLAGS_ALLOW: '-fplugin=.*' });
    expect(p.Error?.Err ?? '').not.toMatch(/invalid flag/);

    const bad = ours('fplugin', V126, { CGO_CFLAGS_ALLOW: '(' });
    const d = bad.res.diagnostics.find((x) => x.code === 'cgo/flag-override-invalid')!;
    expect(bad.res.rejected).toBe(true);
    // cmd/go reports it on the first cgo package it builds (runtime/cgo on 1.20+), so compare with go build
    const r = spawnSync(GO, ['build', '-o', os.devNull, '.'], {
      cwd: bad.dir,
      env: goEnv('local', { CGO_CFLAGS_ALLOW: '(' }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(cause(d.message));
  });
  it('the suggested CGO_*_ALLOW value makes the real toolchain accept the flag', () => {
    for (const name of ['fplugin', 'objfile', 'so1', 'rsp']) {
      const { dir, res } = ours(name, V126);
      const d = res.diagnostics.find((x) => x.code === 'cgo/flag-not-allowed')!;
      const envVar = d.data!['envVar'] as string;
      const allowRegexp = d.data!['allowRegexp'] as string;
      const p = goList(dir, ['-compiled'], 'local', { [envVar]: allowRegexp });
      expect(p.Error?.Err ?? '', name).not.toMatch(/invalid flag/);
      expect(ours(name, V126, { [envVar]: allowRegexp }).res.diagnostics.filter((x) => x.code === 'cgo/flag-not-allowed')).toEqual([]);
    }
  });
});

describe.skipIf(!haveGo)('#cgo noescape by version', () => {
  it.skipIf(!have122)("1.22: cmd/cgo's fatal message", () => {
    const { dir, res } = ours('noescape', V122);
    const p = goList(dir, ['-compiled'], 'go1.22.12');
    const d = res.diagnostics.find((x) => x.code === 'cgo/noescape-version')!;
    expect(p.Error?.Err).toContain(cause(d.message));
    expect(cause(d.message)).toBe('cgo: #cgo noescape disabled until Go 1.23');
  });
  it('1.26: supported', () => {
    const { dir, res } = ours('noescape', V126);
    expect(res.diagnostics).toEqual([]);
    expect(goList(dir, ['-compiled']).Error).toBeUndefined();
  });
});
