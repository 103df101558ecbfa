import type { CodeInfo } from '../core/codes.js';

/** Codes the engine itself emits (joins between stages). */
export const codes: CodeInfo[] = [
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
