import type { CodeInfo } from '../core/codes.js';

/** Codes the engine itself emits (joins between stages). */
export const codes: CodeInfo[] = [
  {
    code: 'cgo/pkg-config-not-found',
    severity: 'error',
    title: 'pkg-config is not installed',
    cause:
      'A `#cgo pkg-config:` line needs the pkg-config program (the go command runs `$PKG_CONFIG`, default `pkg-config`), and it is not on PATH. The go command fails with `exec: "pkg-config": executable file not found in $PATH`.',
    fix: 'Install pkg-config or pkgconf (apt install pkg-config, brew install pkgconf, MSYS2: pacman -S mingw-w64-ucrt-x86_64-pkgconf), or set PKG_CONFIG to its absolute path.',
    example: '// #cgo pkg-config: sqlite3\nimport "C"',
  },
];
