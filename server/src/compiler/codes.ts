// Catalogue of the diagnostic codes the compiler stage emits.
import type { CodeInfo } from '../core/codes.js';

export type CompilerCode =
  | 'cgo/header-not-found'
  | 'cgo/c-error'
  | 'cgo/c-warning'
  | 'cgo/cxx-in-c-preamble'
  | 'cgo/unresolved-name'
  | 'cgo/cc-broken'
  | 'cgo/cc-rejected-flag'
  | 'cgo/compiler-timeout'
  | 'cgo/pkg-config-package-not-found'
  | 'cgo/pkg-config-failed'
  | 'cgo/library-not-found';

/** Registered, with payloads and fixes, by checks/compiler.ts. */
export const codes: (CodeInfo & { code: CompilerCode })[] = [
  {
    code: 'cgo/header-not-found',
    severity: 'error',
    title: 'A header included by the preamble does not exist on the include path',
    cause:
      "The C compiler cannot find an #include of the preamble (or of a header it includes). gcc: `fatal error: foo.h: No such file or directory`; clang: `fatal error: 'foo.h' file not found`.",
    fix: 'Install the development package that provides the header (the message names the command when the OS is known), or add its directory with `#cgo CFLAGS: -I${SRCDIR}/dir` / CGO_CFLAGS.',
    example: '// #include <nosuch.h>\nimport "C"',
    gopls: { says: 'a go list error on the package clause quoting the compiler, and `undefined: C.x` at every use', sameRange: false, sameWords: false },
  },
  {
    code: 'cgo/c-error',
    severity: 'error',
    title: 'The C compiler reports an error in the preamble or in a C source of the package',
    cause:
      "Compiling the preamble as cgo does fails, or compiling one of the package's own C sources with the package's #cgo flags fails (go build: `escape.c:1: error: …`); the compiler message is shown verbatim, placed on the .go (or .c) line (errors inside included headers are placed on the #include line).",
    fix: 'Fix the C code; the message says what the compiler expected.',
    example: '// int f(void) { return 1 }\nimport "C"',
  },
  {
    code: 'cgo/c-warning',
    severity: 'warning',
    title: 'The C compiler warns about the preamble',
    cause: "A warning `go build` prints when it compiles the preamble (with the user's flags), e.g. `implicit declaration of function 'puts'`.",
    fix: 'Usually a missing #include (the message names the header for well-known functions) or a real bug in the C code.',
    example: '// void f(void) { puts("x"); }\nimport "C"',
  },
  {
    code: 'cgo/cxx-in-c-preamble',
    severity: 'error',
    title: 'C++ in a cgo preamble',
    cause:
      'The preamble includes a C++ header (<iostream>, <string>, <cstdio> …) or uses C++ syntax (class, namespace, extern "C", std::); cgo compiles the preamble as C (-xc).',
    fix: 'Move the C++ code to a .cpp file in the package, expose it through a C header with extern "C" declarations (guarded by #ifdef __cplusplus) and include only that header in the preamble.',
    example: '// #include <iostream>\nimport "C"',
  },
  {
    code: 'cgo/unresolved-name',
    severity: 'error',
    title: 'cgo cannot determine what a C.name refers to',
    cause:
      "The name is not declared by the preamble (cmd/cgo's probe program fails for it). Go ≤1.23: `could not determine kind of name for C.x`; Go ≥1.24: `could not determine what C.x refers to`. Reported at the first use.",
    fix: 'Add the #include that declares it (named for well-known libc/POSIX/Win32 symbols), fix the spelling (a near miss such as C.CString is suggested), or wrap a function-like macro in a C function.',
    example: '// #include <stdio.h>\nimport "C"\n\nfunc f() { C.free(nil) }',
    gopls: {
      says: "`undefined: C.x` at the use, and cmd/cgo's `could not determine …` in a go list error on the package clause; cgo-ls gives the cause and the fix instead of the symptom",
      sameRange: true,
      sameWords: false,
    },
  },
  {
    code: 'cgo/cc-broken',
    severity: 'error',
    title: 'The C compiler does not behave like gcc/clang',
    cause:
      'cmd/cgo needs a GCC-compatible driver. It fails with `cgo: <cc> did not produce error at completed:1` (or `<cc> produced no output`) when the probe output is not what gcc/clang print; also reported when the compiler cannot be started.',
    fix: 'Point CC at gcc or clang (MinGW-w64 / llvm-mingw on Windows; MSVC cl.exe is not supported).',
  },
  {
    code: 'cgo/cc-rejected-flag',
    severity: 'error',
    title: 'The C compiler rejects a flag',
    cause:
      "e.g. `gcc: error: unrecognized command-line option '-m64'` (cgo adds -m64/-m32/-marm for GOARCH: the compiler does not target that architecture) or a flag from CGO_CFLAGS, #cgo CFLAGS or pkg-config.",
    fix: 'For an architecture flag: set CC to a compiler for the target GOOS/GOARCH. Otherwise remove the flag.',
  },
  {
    code: 'cgo/compiler-timeout',
    severity: 'warning',
    title: 'The C compiler did not finish in time',
    cause:
      'Checking the preamble took longer than cgo.compilerTimeoutMs; the compiler was killed (with its whole process group). The message names the command.',
    fix: 'Raise cgo.compilerTimeoutMs if the compiler is just slow; check CC if it hangs.',
  },
  {
    code: 'cgo/pkg-config-package-not-found',
    severity: 'error',
    title: 'pkg-config cannot find a package named in #cgo pkg-config',
    cause:
      "The go command runs `pkg-config --cflags -- <pkgs>` and fails, printing `# [pkg-config --cflags  -- <pkgs>]` and pkg-config's `Package foo was not found in the pkg-config search path…`.",
    fix: "Install the package's development files (the command is named when the OS is known) or add the directory of its .pc file to PKG_CONFIG_PATH.",
    example: '// #cgo pkg-config: nosuchpkg\nimport "C"',
  },
  {
    code: 'cgo/pkg-config-failed',
    severity: 'error',
    title: 'pkg-config cannot be run or fails',
    cause:
      'pkg-config is not on PATH (`exec: "pkg-config": executable file not found in $PATH`), times out, fails for another reason, or prints flags the go command cannot split.',
    fix: 'Install pkg-config (pkgconf) on the PATH the editor sees, or set PKG_CONFIG; fix the .pc file.',
  },
  {
    code: 'cgo/library-not-found',
    severity: 'error',
    title: 'The linker will not find a -l library',
    cause:
      "No lib<name>.so/.a (.dylib/.tbd on macOS, .dll.a/.lib on Windows) in the -L directories or the compiler's library search path, confirmed by a trial link; the build fails with `cannot find -l<name>`.",
    fix: "Install the library's development package, or add its directory with `#cgo LDFLAGS: -L<dir>` / CGO_LDFLAGS.",
    example: '// #cgo LDFLAGS: -lnosuchlib\nimport "C"',
  },
];
