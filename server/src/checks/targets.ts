// `cgo/target-unbuildable`: the package cannot be built for one of the configured extra targets (`cgo.targets`,
// `cgo-ls check --targets`). The verdicts come from engine/targets.ts (the target matrix, computed on compiler runs
// and reused on keystrokes); this check turns those about the file into diagnostics on its `import "C"`.
import path from 'node:path';
import { CAUSE_MAX, makeDiagnostic } from '../core/message.js';
import type { CgoDiagnostic } from '../core/types.js';
import { defineCheck, type CodeRow, type TargetsInput } from './check.js';

export type TargetsCode = 'cgo/target-unbuildable';

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/target-unbuildable': { target: string; compiler: string[]; nocgo: string };
  }
}

export const codes: CodeRow<TargetsCode>[] = [
  {
    code: 'cgo/target-unbuildable',
    severity: 'warning',
    title: 'The package cannot be built for a configured target',
    cause:
      'One of the `cgo.targets` (or `cgo-ls check --targets`) cannot be built, judged as `GOOS=<t> GOARCH=<a> go build` does it in this environment: CGO_ENABLED is the explicit setting if there is one, else the current decision for the host target and 0 for a cross target. With cgo on it fails on a package-load error (`C source files not allowed when not using cgo or SWIG: x.c` when no cgo file applies to the target, `build constraints exclude all Go files in <dir>`), on `undefined: X` where X is only declared in files the target excludes, or for want of a C compiler for the target (or a CC that targets another OS/arch). With cgo off it fails when every file is excluded, when the remaining files use names only the cgo files declare, when exported names vanish (every program using them fails), or builds only a stub that fails at run time. The verdict also says what the other CGO_ENABLED setting would do. Severity: warning (the current configuration is judged by the other codes).',
    fix: 'Install the cross compiler and build with `CGO_ENABLED=1 CC=<cross-cc>`, or add a pure-Go file with `//go:build !cgo` so the package also builds without cgo.',
    example: '// cgo.targets = ["windows/amd64"], no mingw-w64 installed\n// #include <stdlib.h>\nimport "C"',
  },
];

function run({ file, verdicts }: TargetsInput): CgoDiagnostic[] {
  const imp = file.cImports[0];
  if (!imp) return [];
  const base = path.basename(file.path);
  const out: CgoDiagnostic[] = [];
  for (const v of verdicts) {
    if (v.ok || !v.cgoFiles.includes(base)) continue;
    // The verdict's summary on the first line when it fits, else in the details (never cut).
    const whole = `cannot build for ${v.target}: ${v.summary}`;
    const fits = whole.length <= CAUSE_MAX;
    out.push(
      makeDiagnostic({
        file: file.path,
        range: imp.pathRange,
        severity: 'warning',
        code: 'cgo/target-unbuildable',
        cause: fits ? whole : `cannot build for ${v.target}`,
        fix: v.compiler.ok
          ? 'add a //go:build !cgo fallback'
          : `install a C compiler for ${v.target} and set CC${v.nocgo.verdict === 'fallback' ? '' : ', or add a //go:build !cgo fallback'}`,
        details: [fits ? undefined : v.summary],
        data: { target: v.target, compiler: v.compiler.argv, nocgo: v.nocgo.verdict },
      }),
    );
  }
  return out;
}

export const check = defineCheck<TargetsCode>({ name: 'targets', codes, runner: { needs: 'targets', run } });
