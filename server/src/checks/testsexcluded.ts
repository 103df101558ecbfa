// `cgo/tests-excluded` (issue 18): a `_test.go` file whose build constraint needs cgo (`//go:build cgo`) while the
// workspace's configuration has CGO_ENABLED=0. `go test` and `go vet` then pass without compiling it: the tests that
// exercise the C side never ran, and nothing says so. Pure: the file's model and the build context decide
// (go/build's own rules, gomodel/build.ts), so it runs on every keystroke.
import { makeDiagnostic } from '../core/message.js';
import path from 'node:path';
import type { CgoDiagnostic, Range } from '../core/types.js';
import type { BuildContext, GoFile } from '../gomodel/types.js';
import { isFileIncluded } from '../gomodel/preamble.js';

import { defineCheck, type CodeRow } from './check.js';

export const CODE = 'cgo/tests-excluded' as const;

export type TestsExcludedCode = typeof CODE;

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/tests-excluded': { constraint: string; goos: string; goarch: string; cgoEnabled: false; rule?: string };
  }
}

export const codes: CodeRow<TestsExcludedCode>[] = [
  {
    code: CODE,
    severity: 'warning',
    title: 'CGO_ENABLED=0 silently leaves this test file out of go test and go vet',
    cause:
      "The file is a `_test.go` file whose build constraint needs cgo (`//go:build cgo`, or `// +build cgo`), and the workspace's configuration has CGO_ENABLED=0 (set explicitly, cross-compiling, or no C compiler on PATH). go/build then lists it in `IgnoredGoFiles`: `go test` compiles and passes without it, so the tests that exercise the C implementation never run (`go list -test -json` shows it missing from `TestGoFiles`). The toolchain prints nothing about it. Reported on the constraint line; `cgo-ls check --matrix` shows the same per target and CGO_ENABLED value.",
    fix: 'Run the tests with cgo on (CGO_ENABLED=1 and a C compiler; in CI, a job with CGO_ENABLED=1 next to the CGO_ENABLED=0 one), or drop the constraint if the test does not need cgo.',
    example: '//go:build cgo\n\npackage foo // foo_cgo_test.go, with CGO_ENABLED=0',
  },
];

/** Cheap pre-filter on a path and its text: a test file that mentions cgo (false positives only cost a parse). */
export function mayBeCgoConstrainedTest(file: string, text: string): boolean {
  return file.endsWith('_test.go') && text.includes('cgo');
}

export interface TestsExcludedInput {
  file: GoFile;
  /** The workspace's current build configuration. */
  ctx: BuildContext;
  /** Which rule turned cgo off (the toolchain model's `cgo.rule`), if known. */
  rule?: string;
}

/** Why cgo is off in a few words, from the toolchain's CGO_ENABLED rule (shared with engine/cgooff.ts). */
export function whyOff(rule: string | undefined, ctx: Pick<BuildContext, 'goos' | 'goarch'>): string | null {
  const short: Record<string, string> = {
    explicit: 'set explicitly',
    'cross-compiling': `cross-compiling for ${ctx.goos}/${ctx.goarch}`,
    'no-default-cc': 'no C compiler on PATH',
    unsupported: `cgo unsupported on ${ctx.goos}/${ctx.goarch}`,
  };
  return rule ? (short[rule] ?? null) : null;
}

/** The diagnostic on the constraint line that leaves this test file out, or none. */
export function testsExcludedDiagnostics(input: TestsExcludedInput): CgoDiagnostic[] {
  const { file, ctx } = input;
  if (!file.build.isTest || ctx.cgoEnabled || file.importsC) return [];
  if (isFileIncluded(file, ctx).included || !isFileIncluded(file, { ...ctx, cgoEnabled: true }).included) return [];
  let line: { text: string; range: Range } | null = null;
  if (file.build.goBuild) line = { text: `//go:build ${file.build.goBuild.expr}`, range: file.build.goBuild.range };
  else {
    for (const pb of file.build.plusBuild) {
      const one = { ...file, build: { ...file.build, plusBuild: [pb] } } as GoFile;
      if (!isFileIncluded(one, ctx).included) {
        line = { text: `// +build ${pb.expr}`, range: pb.range };
        break;
      }
    }
  }
  if (!line) return [];
  const name = path.basename(file.path);
  const why = whyOff(input.rule, ctx);
  const off = `CGO_ENABLED=0${why ? ` (${why})` : ''}`;
  let cause = `go test skips ${name}: ${off} and it needs cgo`;
  if (cause.length > 100) cause = `go test skips this file: ${off.length > 60 ? 'CGO_ENABLED=0' : off} and it needs cgo`;
  const diagnostic = makeDiagnostic({
    file: file.path,
    range: line.range,
    severity: 'warning',
    code: CODE,
    cause,
    fix: 'run the tests with CGO_ENABLED=1 and a C compiler (in CI, add a CGO_ENABLED=1 job), or drop the cgo constraint if the test does not need cgo',
    details: [
      `go/build lists ${name} in IgnoredGoFiles because of \`${line.text}\` (${ctx.goos}/${ctx.goarch}, CGO_ENABLED=0): \`go test\` and \`go vet\` pass without compiling it, so the tests that exercise the C side never run.`,
    ],
    data: { constraint: line.text, goos: ctx.goos, goarch: ctx.goarch, cgoEnabled: false, ...(input.rule ? { rule: input.rule } : {}) },
  });
  return [diagnostic];
}

/** Runs on `_test.go` files that mention cgo, with the real CGO_ENABLED decision (it waits for the toolchain). */
export const check = defineCheck<TestsExcludedCode>({
  name: 'tests-excluded',
  codes,
  runner: { needs: 'test-file', wants: mayBeCgoConstrainedTest, run: testsExcludedDiagnostics },
});
