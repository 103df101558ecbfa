// cgo/tests-excluded (checks/testsexcluded.ts): a _test.go file constrained to cgo while the configuration has
// CGO_ENABLED=0. Unit cases on parsed files, then the engine with the real toolchain, held to `go list -test`
// (the file must be in IgnoredGoFiles exactly when the warning is published).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE, testsExcludedDiagnostics } from '../../server/src/checks/testsexcluded.js';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import type { BuildContext } from '../../server/src/gomodel/types.js';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { describeWith, findExecutable, tool } from '../helpers/tools.js';

const ctx = (goos: string, cgoEnabled: boolean): BuildContext => ({
  goos,
  goarch: 'amd64',
  cgoEnabled,
  goMinor: 26,
  compiler: 'gc',
  buildTags: [],
  toolTags: ['amd64.v1'],
});

async function diags(name: string, text: string, c: BuildContext, rule?: string) {
  const file = await parseGoFile(`/m/p/${name}`, text);
  return testsExcludedDiagnostics({ file, ctx: c, ...(rule ? { rule } : {}) });
}

/** Every diagnostic: a first line ≤ 100 characters, a second line starting `Fix: `, data.code = code. */
function expectShape(d: { message: string; code: string; data?: { code: string } }) {
  const lines = d.message.split('\n');
  expect(lines[0]!.length).toBeLessThanOrEqual(100);
  expect(lines[1]).toMatch(/^Fix: /);
  expect(d.data?.code).toBe(d.code);
}

describe('cgo/tests-excluded', () => {
  it('warns on the //go:build line of a cgo-only test file when cgo is off, naming why', async () => {
    const d = await diags('sum_cgo_test.go', '//go:build cgo\n\npackage p\n', ctx('linux', false), 'no-default-cc');
    expect(d.map((x) => [x.code, x.severity, x.range.start.line])).toEqual([[CODE, 'warning', 0]]);
    expect(d[0]!.message.split('\n')[0]).toBe('go test skips sum_cgo_test.go: CGO_ENABLED=0 (no C compiler on PATH) and it needs cgo');
    expect(d[0]!.data).toMatchObject({ code: CODE, constraint: '//go:build cgo', goos: 'linux', rule: 'no-default-cc' });
    expectShape(d[0]!);
  });

  it('uses the // +build line that excludes the file when there is no //go:build', async () => {
    const d = await diags('x_test.go', '// Copyright\n\n// +build linux\n// +build cgo\n\npackage p\n', ctx('linux', false));
    expect(d.map((x) => [x.range.start.line, x.data?.['constraint']])).toEqual([[3, '// +build cgo']]);
  });

  it('keeps the first line within 100 characters for long file names', async () => {
    const d = await diags(`${'very_long_name_'.repeat(8)}test.go`, '//go:build cgo\n\npackage p\n', ctx('windows', false), 'cross-compiling');
    expect(d).toHaveLength(1);
    expectShape(d[0]!);
  });

  it('says nothing when cgo is on, for !cgo tests, for files excluded for another reason, non-test files and cgo in tests', async () => {
    expect(await diags('a_test.go', '//go:build cgo\n\npackage p\n', ctx('linux', true))).toEqual([]);
    expect(await diags('a_test.go', '//go:build !cgo\n\npackage p\n', ctx('linux', false))).toEqual([]);
    // linux && cgo on windows: excluded whatever CGO_ENABLED is.
    expect(await diags('a_test.go', '//go:build linux && cgo\n\npackage p\n', ctx('windows', false))).toEqual([]);
    expect(await diags('a.go', '//go:build cgo\n\npackage p\n', ctx('linux', false))).toEqual([]);
    // import "C" in a test is cgo/test-file's business (go test fails outright).
    expect(await diags('c_test.go', '//go:build cgo\n\npackage p\n\nimport "C"\n', ctx('linux', false))).toEqual([]);
  });
});

const GO = tool('go', findExecutable('go'), 'apt-get install -y golang-go (or a Go release on PATH)');
const fixture = path.resolve(import.meta.dirname, '..', 'fixtures', 'modules', 'matrix', 'fallback');
const testFile = path.join(fixture, 'sum_cgo_test.go');

describeWith(GO, 'cgo/tests-excluded in the engine, against go list -test', () => {
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false', ...extra };
    for (const k of ['GOOS', 'GOARCH', 'CGO_ENABLED'] as const) if (!(k in extra)) delete e[k];
    return e;
  };
  const ignored = (e: NodeJS.ProcessEnv) =>
    (JSON.parse(execFileSync('go', ['list', '-e', '-json=IgnoredGoFiles', '.'], { cwd: fixture, env: e, encoding: 'utf8' })) as { IgnoredGoFiles?: string[] })
      .IgnoredGoFiles ?? [];

  for (const [name, extra, why] of [
    ['CGO_ENABLED=0', { CGO_ENABLED: '0' }, 'set explicitly'],
    ['GOOS=windows (cross-compiling)', { GOOS: 'windows', GOARCH: 'amd64' }, 'cross-compiling for windows/amd64'],
    ['cgo on (CGO_ENABLED=1)', { CGO_ENABLED: '1' }, null],
  ] as const) {
    it(`${name}: published exactly when go list ignores the file`, async () => {
      const e = env(extra);
      const engine = new Engine({ env: e, settings: { ...defaultSettings, checkShellEnv: false } });
      const a = await engine.analyze(testFile, { compile: 'none' });
      const mine = a.diagnostics.filter((d) => d.code === CODE);
      expect(mine.length > 0).toBe(ignored(e).includes('sum_cgo_test.go'));
      if (why) {
        expect(mine).toHaveLength(1);
        expect(mine[0]!.range.start.line).toBe(0);
        expect(mine[0]!.message.split('\n')[0]).toContain(why);
        expectShape(mine[0]!);
      } else expect(mine).toEqual([]);
    });
  }
});
