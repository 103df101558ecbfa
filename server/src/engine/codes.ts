import type { CodeInfo } from '../core/codes.js';

/** Codes the engine itself emits (joins between stages). */
export const codes: CodeInfo[] = [
  {
    code: 'cgo/target-unbuildable',
    severity: 'warning',
    title: 'The package cannot be built for a configured target',
    cause:
      'One of the `cgo.targets` (or `cgo-ls check --targets`) needs cgo for this file, and either no C compiler for that target is installed (e.g. no x86_64-w64-mingw32-gcc for windows/amd64, no Apple clang for darwin) or the configured CC targets another OS/arch; and CGO_ENABLED=0 is no way out because there is no `//go:build !cgo` fallback (or only a stub that fails at run time).',
    fix: 'Install the cross compiler and build with `CGO_ENABLED=1 CC=<cross-cc>`, or add a pure-Go file with `//go:build !cgo` so the package also builds without cgo.',
    example: '// cgo.targets = ["windows/amd64"], no mingw-w64 installed\n// #include <stdlib.h>\nimport "C"',
  },
];
