// Diagnostic codes the toolchain stage emits (ToolchainProblem.code). Messages quote the toolchain verbatim.
import type { CodeInfo } from '../core/codes.js';

export const TOOLCHAIN_CODES = {
  goNotFound: 'cgo/go-not-found',
  goEnvFailed: 'cgo/go-env-failed',
  goShadowed: 'cgo/go-shadowed',
  gorootMismatch: 'cgo/goroot-mismatch',
  goVersionTooOld: 'cgo/go-version-too-old',
  toolchainSwitch: 'cgo/toolchain-switch',
  disabled: 'cgo/disabled',
  ccNotFound: 'cgo/cc-not-found',
  ccInvalidEnv: 'cgo/cc-invalid-env',
  ccWrongTarget: 'cgo/cc-wrong-target',
  ccProbeFailed: 'cgo/cc-probe-failed',
  msvcCompiler: 'cgo/msvc-compiler',
  cygwinCompiler: 'cgo/cygwin-compiler',
  mingw32ForAmd64: 'cgo/mingw32-for-amd64',
  cgocheckOff: 'cgo/cgocheck-off',
  cgocheck2Removed: 'cgo/cgocheck2-removed',
  godebugCgocheckGomod: 'cgo/godebug-cgocheck-gomod',
  envDrift: 'cgo/env-drift',
  gopathMode: 'cgo/gopath-mode',
  pkgConfigMissing: 'cgo/pkg-config-missing',
} as const;

export type ToolchainCode = (typeof TOOLCHAIN_CODES)[keyof typeof TOOLCHAIN_CODES] | 'cgo/wsl-windows-toolchain' | 'cgo/goenv-unreadable';

/** Registered, with payloads and fixes, by checks/toolchain.ts. */
export const codes: (CodeInfo & { code: ToolchainCode })[] = [
  {
    code: 'cgo/go-not-found',
    severity: 'error',
    title: 'No go command on PATH',
    cause: 'LookPath("go") fails for the PATH the editor passes to cgo-ls: `exec: "go": executable file not found in $PATH` (`%PATH%` on Windows).',
    fix: 'Install Go and put its bin directory on PATH, or start the editor from a shell whose PATH has it, or set PATH in the cgo.env setting.',
  },
  {
    code: 'cgo/go-env-failed',
    severity: 'error',
    title: '`go env -json` failed',
    cause: 'The go command exited with an error (the message is quoted), e.g. `go: parsing $GOFLAGS: …`, or timed out.',
    fix: 'Fix what the go command complains about; run `go env` in a terminal in the same folder to see it.',
  },
  {
    code: 'cgo/go-shadowed',
    severity: 'warning',
    title: 'The go on PATH is not the toolchain it reports, or shadows another go',
    cause: 'More than one `go` is on PATH with different versions, or the first one is a wrapper/shim that is not $GOROOT/bin/go.',
    fix: 'Reorder PATH so the intended go comes first, or remove the stale one. The message (and `data.pathFix`) gives the line for bash/zsh, or on Windows for cmd.exe, PowerShell and the user environment in the registry (which new programs get; it comes after the system Path).',
  },
  {
    code: 'cgo/goroot-mismatch',
    severity: 'error',
    title: 'GOROOT points to a missing directory or another Go version',
    cause:
      'GOROOT is set explicitly. Missing: `go: cannot find GOROOT directory: <dir>`. Another version: `compile: version "go1.22.12" does not match go tool version "go1.26.8"`.',
    fix: 'Unset GOROOT (the go command finds its own), or point it at the matching installation.',
  },
  {
    code: 'cgo/go-version-too-old',
    severity: 'error',
    title: 'go.mod/go.work needs a newer Go than the toolchain that would run',
    cause:
      'The `go` line is newer than the running toolchain and GOTOOLCHAIN does not allow switching: `go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)`.',
    fix: 'Install that Go version, set GOTOOLCHAIN=auto (downloads it), or lower the go line.',
    example: 'module example.com/m\n\ngo 1.99\n',
  },
  {
    code: 'cgo/toolchain-switch',
    severity: 'information',
    title: 'The go command switches to another toolchain for this module',
    cause:
      'GOTOOLCHAIN=<name>, or a go/toolchain line newer than the local go with GOTOOLCHAIN=…+auto/+path. That toolchain\'s cgo rules apply; it may need a download (`go: downloading go1.99.0 (linux/amd64)`) or fail (`go: download go1.99.0 for linux/amd64: toolchain not available`, `go: cannot find "go1.99.1" in PATH`).',
    fix: 'Install the toolchain (`go install golang.org/dl/go1.X.Y@latest`) or allow the download; or pin GOTOOLCHAIN=local.',
  },
  {
    code: 'cgo/disabled',
    severity: 'warning',
    title: 'cgo is disabled: files that import "C" will be excluded',
    cause:
      'Effective CGO_ENABLED=0: set explicitly, cross-compiling, or (Go 1.20+) CC unset in the environment and the default C compiler not on PATH (`go env -w CC` does not prevent this). Severity: **error** when the package then cannot build, or every program that uses it fails — every file excluded (`build constraints exclude all Go files in <dir>`, on `import "C"`), a name only this cgo file declares used by another file (`undefined: X`, on the declaration, the uses as related locations), `func main` only in a cgo file (`function main is undeclared in the main package`), or no exported name left outside the cgo files (on `import "C"`); otherwise **warning** (naming the exported names a program can no longer use, if any), or **information** when CGO_ENABLED=0 is set explicitly and the package still builds (a `//go:build !cgo` fallback, or nothing else needs the cgo file).',
    fix: 'Install gcc/clang (Windows: MinGW-w64 or llvm-mingw) on PATH, or set CC in the environment and CGO_ENABLED=1; or add a `//go:build !cgo` file that declares the same names so the package also builds without cgo.',
  },
  {
    code: 'cgo/cc-not-found',
    severity: 'error',
    title: 'The C compiler cgo would run is not found',
    cause:
      'CGO_ENABLED=1 and LookPath of the first word of CC fails: `cgo: C compiler "<cc>" not found: exec: "<cc>": executable file not found in $PATH` (`%PATH%` on Windows; `stat <p>: no such file or directory` for absolute paths), after `# runtime/cgo`.',
    fix: 'Install the compiler or put it on PATH, or fix CC where it is set.',
  },
  {
    code: 'cgo/cc-invalid-env',
    severity: 'error',
    title: 'CC/CXX/FC or CGO_*FLAGS cannot be used by the go command',
    cause:
      '`go: CC environment variable could not be parsed: unterminated " string` / `go: CC environment variable is relative; must be absolute path: ./mycc` / `could not parse environment variable CGO_CFLAGS with value …`.',
    fix: 'Quote only whole words (quotes are recognised only at the start of a word, with no escapes); use an absolute path or a bare name.',
  },
  {
    code: 'cgo/cc-wrong-target',
    severity: 'error',
    title: 'The C compiler targets another OS/architecture than GOOS/GOARCH',
    cause: "E.g. GOOS=windows with the host gcc: `gcc: error: unrecognized command-line option '-mthreads'; did you mean '-pthread'?`.",
    fix: 'Use a cross compiler for the target, e.g. `CC=x86_64-w64-mingw32-gcc` (and `CXX=x86_64-w64-mingw32-g++`) for windows/amd64, or zig cc with a -target.',
  },
  {
    code: 'cgo/cc-probe-failed',
    severity: 'warning',
    title: 'The C compiler could not be queried',
    cause: '`<cc> --version` failed to start or timed out.',
    fix: 'Run the compiler by hand; a broken install or a very slow wrapper also breaks cgo.',
  },
  {
    code: 'cgo/msvc-compiler',
    severity: 'error',
    title: 'MSVC-style compilers cannot be used with cgo',
    cause:
      "CC is `cl`, `clang-cl` or a clang targeting *-windows-msvc. cgo needs a GCC-compatible driver: `cl : Command line error D8021 : invalid numeric argument '/Werror'` (#64695); `clang: error: unsupported option '-mthreads' for target 'x86_64-pc-windows-msvc'` (#80290).",
    fix: 'Use MinGW-w64 gcc (MSYS2, winlibs) or llvm-mingw clang.',
  },
  {
    code: 'cgo/cygwin-compiler',
    severity: 'error',
    title: 'Cygwin/MSYS gcc targets the Cygwin runtime, not Windows',
    cause:
      "The compiler's target is *-pc-cygwin or *-pc-msys: `runtime/cgo: gcc_libinit_windows.c: error: implicit declaration of function '_beginthread'` (#59490).",
    fix: "Use a MinGW-w64 gcc (e.g. MSYS2's mingw-w64-ucrt-x86_64-gcc in /ucrt64/bin) first on PATH.",
  },
  {
    code: 'cgo/mingw32-for-amd64',
    severity: 'error',
    title: '32-bit MinGW cannot build 64-bit Go',
    cause: 'The compiler targets i686/mingw32 while GOARCH=amd64: `cc1.exe: sorry, unimplemented: 64-bit mode not compiled in` (#29679).',
    fix: 'Install 64-bit MinGW-w64 (x86_64-w64-mingw32), or build with GOARCH=386.',
  },
  {
    code: 'cgo/cgocheck-off',
    severity: 'warning',
    title: 'cgo pointer checks are turned off',
    cause: 'GODEBUG contains cgocheck=0: the runtime no longer reports Go pointers passed to C incorrectly.',
    fix: 'Remove cgocheck=0 from GODEBUG unless you are measuring performance; fix the pointer passing instead (runtime.Pinner, C memory).',
  },
  {
    code: 'cgo/cgocheck2-removed',
    severity: 'warning',
    title: 'GODEBUG=cgocheck=2 no longer works (Go 1.21+)',
    cause: 'Programs throw at start-up: `cgocheck > 1 mode is no longer supported at runtime. Use GOEXPERIMENT=cgocheck2 at build time instead.`',
    fix: 'Build with GOEXPERIMENT=cgocheck2 instead.',
  },
  {
    code: 'cgo/godebug-cgocheck-gomod',
    severity: 'error',
    title: '`godebug cgocheck=…` is not allowed in go.mod',
    cause: 'cgocheck is a runtime GODEBUG, not a go.mod godebug setting: `go: errors parsing go.mod:` / `go.mod:5: unknown godebug "cgocheck"`.',
    fix: 'Remove the line; set GODEBUG=cgocheck=… in the environment of the program instead.',
    example: 'module example.com/m\n\ngo 1.22\n\ngodebug cgocheck=0\n',
  },
  {
    code: 'cgo/env-drift',
    severity: 'warning',
    title: 'The editor and the login shell would build cgo differently',
    cause:
      "PATH, CC, CXX, CGO_*, PKG_CONFIG or PKG_CONFIG_PATH differ between the editor's environment and the login shell in a way that changes the C compiler, pkg-config or CGO_ENABLED. The login shell is read in the background (at most 10 s in the editor, 5 s for `doctor`): the editor publishes every other diagnostic first and adds this one when the shell answers. `cgo-ls check` does not read it: it judges the environment it runs in, which is the one `go build` run from the same place gets.",
    fix: 'Start the editor from the shell, or copy the values into the cgo.env setting, or use `go env -w` for go variables.',
  },
  {
    code: 'cgo/gopath-mode',
    severity: 'warning',
    title: 'The folder is not built in module mode',
    cause:
      'GO111MODULE=off, or GO111MODULE=auto without a go.mod (GOPATH mode), or no go.mod at all (`go: go.mod file not found in current directory or any parent directory`). Not for a dependency in the module cache (a `name@version` folder under GOMODCACHE), which the go command builds for the module that requires it.',
    fix: 'Run `go mod init <module path>` and unset GO111MODULE.',
  },
  {
    code: 'cgo/pkg-config-missing',
    severity: 'warning',
    title: 'pkg-config is not found',
    cause:
      'A `#cgo pkg-config:` directive runs $PKG_CONFIG (default pkg-config): `<pkg>: exec: "pkg-config": executable file not found in $PATH`. Only matters where such a directive is used (data.onlyIfPkgConfigUsed).',
    fix: 'Install pkg-config (pkgconf; Windows: MSYS2 mingw-w64-x86_64-pkgconf) and put it on PATH, or set PKG_CONFIG.',
  },
  {
    code: 'cgo/wsl-windows-toolchain',
    severity: 'error',
    title: 'A Windows go.exe or gcc.exe is used from WSL',
    cause:
      "Inside WSL, PATH usually includes the Windows PATH (/mnt/c/...). A Windows `go.exe` or `gcc.exe` found there builds with Windows' environment and produces Windows objects, so cgo for Linux fails or the wrong toolchain silently wins.",
    fix: 'Install Go and gcc inside WSL (apt, or Go from go.dev/dl with /usr/local/go/bin first on PATH); optionally set `appendWindowsPath = false` under [interop] in /etc/wsl.conf.',
    example: '# PATH=/mnt/c/Program Files/Go/bin:... inside WSL\n// #include <stdio.h>\nimport "C"',
  },
  {
    code: 'cgo/goenv-unreadable',
    severity: 'warning',
    title: 'The go env file cannot be read',
    cause:
      'GOENV (or the default ~/.config/go/env location) names something that is not a readable file, such as a directory. The go command ignores it without a word, so every value set with `go env -w` (CC, CGO_ENABLED, CGO_CFLAGS_ALLOW …) silently stops applying.',
    fix: 'Point GOENV at a file (or unset it so the default is used), or remove what is at that path; then re-run `go env -w` for the values you need.',
    example: 'GOENV=/tmp  # a directory',
  },
];
