// How many compiler runs the facts about a compiler cost before the first preamble compile, and when the include
// search directories are asked: the feature probe is one run for a gcc that takes -fdiagnostics-column-unit=byte
// (two otherwise), and `-E -v` runs beside the preamble compile, not after it. Counting wrappers and fakes are
// test fakes around the real gcc and clang.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearCompilerCaches, compilerFeatures, featuresFromBanner } from '../../server/src/compiler/ccinfo.js';
import { execFileSync } from 'node:child_process';
import { compilePreamble } from '../../server/src/compiler/preamble.js';
import { hasProgram, inputFromGo } from './helpers.js';

const HAS_GCC = hasProgram('gcc');
const HAS_CLANG = hasProgram('clang');
if (!HAS_GCC) console.log('SKIP: gcc not installed; the feature-probe and -E -v tests against gcc are skipped');
if (!HAS_CLANG) console.log('SKIP: clang not installed; the clang feature-probe test is skipped');
if (process.env['CI'] === 'true' && (!HAS_GCC || !HAS_CLANG)) throw new Error('CI=true: gcc and clang must be installed for these tests');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cgols-ccstages-'));
let n = 0;

/** A counting wrapper (test fake) around `real`, with `pre` shell lines run before it; returns its path and its calls. */
function wrapper(real: string, pre = ''): { cc: string; calls: () => string[] } {
  const cc = path.join(tmp, `cc${++n}`);
  const log = `${cc}.log`;
  writeFileSync(cc, `#!/bin/sh\n# COUNTING COMPILER WRAPPER (test fake)\necho "$*" >> '${log}'\n${pre}exec ${real} "$@"\n`, { mode: 0o755 });
  return { cc, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

const opts = () => ({ env: { ...process.env }, cwd: tmp, timeoutMs: 20_000 });

describe.skipIf(!HAS_GCC)('compiler features with gcc', () => {
  it('a gcc that takes -fdiagnostics-column-unit=byte: one run answers both questions', async () => {
    clearCompilerCaches();
    const w = wrapper('gcc');
    const r = await compilerFeatures([w.cc], opts());
    expect(r.features).toMatchObject({ columnUnitByte: true, isClang: false });
    expect(r.features!.gnuc).toMatch(/^\d+\.\d+$/);
    expect(w.calls()).toEqual(['-fdiagnostics-column-unit=byte -E -dM -xc -']);
  });

  it('a gcc that rejects the flag (what gcc 10 says): the macros are asked again without it', async () => {
    clearCompilerCaches();
    // FAKE gcc 10 (test fake): rejects -fdiagnostics-column-unit=byte the way gcc < 11 does.
    const w = wrapper(
      'gcc',
      `case "$*" in *-fdiagnostics-column-unit=byte*) echo "gcc: error: unrecognized command-line option '-fdiagnostics-column-unit=byte'" >&2; exit 1 ;; esac\n`,
    );
    const r = await compilerFeatures([w.cc], opts());
    expect(r.features).toMatchObject({ columnUnitByte: false, isClang: false });
    expect(r.features!.gnuc).toMatch(/^\d+\.\d+$/);
    expect(w.calls()).toEqual(['-fdiagnostics-column-unit=byte -E -dM -xc -', '-E -dM -xc -']);
  });
});

describe('compiler features proven by the --version banner', () => {
  it('a GCC release from 11 on needs no probe; older releases, other families and unknown banners do', () => {
    const gcc11 = { columnUnitByte: true, isClang: false };
    expect(featuresFromBanner('gcc', 'gcc (Debian 12.2.0-14+deb12u1) 12.2.0')).toEqual(gcc11);
    expect(featuresFromBanner('gcc', 'gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0')).toEqual(gcc11);
    expect(featuresFromBanner('gcc', 'x86_64-w64-mingw32-gcc (GCC) 13.1.0')).toEqual(gcc11);
    expect(featuresFromBanner('gcc', 'cc (Debian 12.2.0-14) 12.2.0')).toEqual(gcc11);
    expect(featuresFromBanner('gcc', 'gcc-12 (Debian 12.2.0-14) 12.2.0')).toEqual(gcc11);
    expect(featuresFromBanner('gcc', 'gcc (Debian 10.2.1-6) 10.2.1')).toBeNull();
    expect(featuresFromBanner('gcc', 'x86_64-w64-mingw32-gcc (GCC) 12-win32')).toBeNull();
    expect(featuresFromBanner('gcc', 'my-wrapper 12.0')).toBeNull();
    expect(featuresFromBanner('clang', 'clang version 16.0.6')).toBeNull();
    expect(featuresFromBanner('gcc', undefined)).toBeNull();
  });

  it.skipIf(!HAS_GCC)("this machine's gcc: its banner spares the run, and says what the probe finds", async () => {
    clearCompilerCaches();
    const probed = await compilerFeatures([wrapper('gcc').cc], opts());
    clearCompilerCaches();
    const banner = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
    const major = Number(/(\d+)\.\d+(?:\.\d+)?\s*$/.exec(banner)?.[1] ?? 0);
    const w = wrapper('gcc');
    const r = await compilerFeatures([w.cc], { ...opts(), family: 'gcc', banner });
    if (major >= 11) {
      expect(w.calls()).toEqual([]);
      expect(r.features).toEqual({ columnUnitByte: probed.features!.columnUnitByte, isClang: probed.features!.isClang });
    } else {
      expect(w.calls().length).toBeGreaterThan(0);
    }
    // A command line with a wrapper word (`ccache gcc`) is probed: its banner is the compiler's, not the command's.
    clearCompilerCaches();
    const w2 = wrapper('gcc');
    await compilerFeatures([w2.cc, '-m64'], { ...opts(), family: 'gcc', banner });
    expect(w2.calls().length).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAS_CLANG)('compiler features with clang', () => {
  it('clang: the flag is rejected, __clang__ is found, with or without the family hint', async () => {
    clearCompilerCaches();
    const hinted = wrapper('clang');
    const a = await compilerFeatures([hinted.cc], { ...opts(), family: 'clang' });
    expect(a.features).toMatchObject({ columnUnitByte: false, isClang: true });
    expect(hinted.calls().sort()).toEqual(['-E -dM -xc -', '-fdiagnostics-column-unit=byte -E -dM -xc -']);
    const plain = wrapper('clang');
    const b = await compilerFeatures([plain.cc], opts());
    expect(b.features).toEqual(a.features);
  });
});

describe.skipIf(!HAS_GCC)('the include search directories are asked beside the preamble compile', () => {
  it('-E -v runs while the preamble compile runs, and the missing header lists its directories', async () => {
    clearCompilerCaches();
    const started = path.join(tmp, 'ev-started');
    // FAKE gate (test fake): the preamble compile (-fsyntax-only) waits, up to 10 s, for the -E -v run to have
    // started, and fails if it never does: asked after the compile, -E -v would never start in time.
    const w = wrapper(
      'gcc',
      `case "$*" in *" -E -v "*) : > '${started}' ;; esac\ncase "$*" in *-fsyntax-only*) i=0; while [ ! -e '${started}' ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; [ -e '${started}' ] || { echo "FAKE: -E -v was not asked beside the compile" >&2; exit 99; } ;; esac\n`,
    );
    const file = path.join(tmp, 'missing.go');
    const src = 'package main\n\n// #include <nosuch_beside.h>\nimport "C"\n\nfunc main() {}\n';
    writeFileSync(file, src);
    const r = await compilePreamble(inputFromGo(file, src, { cc: [w.cc] }), { timeoutMs: 30_000 });
    const d = r.diagnostics.find((x) => x.code === 'cgo/header-not-found');
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    expect(d!.data!['searchedDirs']).toContain('/usr/include');
    expect(w.calls().filter((c) => / -E -v /.test(c))).toHaveLength(1);
  });
});
