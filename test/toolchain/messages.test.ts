// Issue 13, "Messages": every toolchain problem (and the Windows/object-format checks) has the one shape — a cause
// that reads alone in ≤ CAUSE_MAX characters and was not cut, "Fix: …" on line 2, then details that keep the
// go command's own words and where each value came from. test/engine/messages.test.ts covers what the examples
// raise; this table produces every code the corpus cannot (fake toolchains, WSL, MSVC, drift, go.mod problems)
// through the real probe, with the same set-ups as the other toolchain tests, and where the go command itself
// prints the quoted message, runs it to compare.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectFormatDiagnostics, codes as objCodes } from '../../server/src/checks/objformat.js';
import { CAUSE_MAX, FIX_PREFIX, splitMessage } from '../../server/src/core/message.js';
import { range } from '../../server/src/core/types.js';
import { codes as toolchainCodes, probeToolchain, type ProbeOptions } from '../../server/src/toolchain/probe.js';
import type { CompilerInfo, ToolchainModel } from '../../server/src/toolchain/types.js';
import { codes as windowsCodes, runtimeDllDiagnostics } from '../../server/src/windows/check.js';
import {
  binDir,
  FIXTURES,
  GO122,
  GO122_ROOT,
  HAVE_GO122,
  HAVE_MINGW,
  REAL_GO,
  runGo,
  SYSTEM_PATH,
  writeCgoMain,
  type Sandbox,
  sandboxesPerTest,
  brokenPlatform,
} from './helpers.js';

const box = sandboxesPerTest();

/** A detail line: the exact text, or a pattern one line must match. */
type Line = string | RegExp;

interface Case {
  name: string;
  code: string;
  skip?: boolean;
  /** Produces the messages of `code` (the first one matching `pick` is checked in detail); `b` is a fresh sandbox. */
  produce: (b: Sandbox) => Promise<{ messages: { code: string; message: string; data?: Record<string, unknown> }[]; also?: () => void }>;
  pick?: (p: { data?: Record<string, unknown> }) => boolean;
  cause: string;
  fix: string | RegExp;
  details: Line[];
}

const probe = async (dir: string, opts: ProbeOptions) => {
  const m: ToolchainModel = await probeToolchain(dir, opts);
  return { messages: m.problems };
};
const win = (b: Sandbox, cc: string, extra: NodeJS.ProcessEnv = {}) =>
  probe(b.ws, { env: { ...b.env, GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '1', CC: cc, CXX: 'x86_64-w64-mingw32-g++', ...extra } });
const isCC = (p: { data?: Record<string, unknown> }) => p.data?.['variable'] === 'CC';
const isCXX = (p: { data?: Record<string, unknown> }) => p.data?.['variable'] === 'CXX';

/** FAKE Windows programs (shell scripts named *.exe) that print what a MinGW gcc.exe would. */
function fakeWinBin(root: string, names: string[]): string {
  const dir = path.join(root, 'winbin');
  fs.mkdirSync(dir, { recursive: true });
  for (const n of names)
    fs.writeFileSync(path.join(dir, n), '#!/bin/sh\necho "gcc.exe (x86_64-posix-seh-rev0, Built by MinGW-W64 project) 13.2.0"\n', { mode: 0o755 });
  return dir;
}

/** The shape every message must have, whatever the code. */
function shapeProblems(message: string): string[] {
  const out: string[] = [];
  const lines = message.split('\n');
  const { cause, fix, details } = splitMessage(message);
  if (cause.length > CAUSE_MAX) out.push(`cause is ${cause.length} characters`);
  if (cause.endsWith('…') && (details[0] ?? '').startsWith(cause.slice(0, -1))) out.push('cause was cut');
  if (cause.trim() === '' || cause !== cause.trim()) out.push('cause is empty or padded');
  if (/Fix:/.test(cause)) out.push('cause holds the fix');
  if (/^[\w.-]+\.(go|c|h|mod):\s/.test(cause)) out.push('cause opens with a file name');
  if (!(lines[1] ?? '').startsWith(FIX_PREFIX) || fix === undefined || fix.trim().length < 4) out.push('line 2 is not "Fix: …"');
  if (details.some((d) => d.trim() === '')) out.push('an empty detail line');
  return out;
}

const VERBATIM_GOMOD = "go: go.mod file not found in current directory or any parent directory; see 'go help modules'";
const VERBATIM_PATTERN = 'pattern ./...: directory prefix . does not contain main module or its selected dependencies';
const CFLAGS_PANIC = 'panic: could not parse environment variable CGO_CFLAGS with value "-O2 \\"-DX": unterminated " string';
const CGOCHECK2 = 'cgocheck > 1 mode is no longer supported at runtime. Use GOEXPERIMENT=cgocheck2 at build time instead.';

const cases: Case[] = [
  {
    name: 'no go on PATH',
    code: 'cgo/go-not-found',
    produce: (b) => probe(b.ws, { env: { ...b.env, PATH: '/usr/bin:/bin' } }),
    cause: 'no go command on PATH',
    fix: 'install Go and add its bin directory to PATH, or start the editor from a shell that has it, or set PATH in the cgo.env setting',
    details: ['No go command found: exec: "go": executable file not found in $PATH', 'PATH (from the environment) is "/usr/bin:/bin".'],
  },
  {
    name: 'go env -json times out (fake hanging go)',
    code: 'cgo/go-env-failed',
    produce: (b) => probe(b.ws, { env: { ...b.env, PATH: `${path.join(FIXTURES, 'fake-bin-hanging-go')}:${SYSTEM_PATH}` }, timeoutMs: 400 }),
    cause: '`go env -json` timed out: cgo-ls cannot read the Go settings',
    fix: /^run `go env` in \/tmp\/\S+\/ws and fix what it reports$/,
    details: [/^The go command failed: \S+fake-bin-hanging-go\/go env -json: timed out after \d+ ms$/],
  },
  {
    name: 'the probe itself fails (platform hooks throw)',
    code: 'cgo/go-env-failed',
    produce: async (b) => {
      const broken = brokenPlatform(b.ws);
      return probe(b.ws, { env: b.env, platform: broken });
    },
    cause: 'cgo-ls could not probe the Go toolchain (an internal error)',
    fix: /^run `go env` in \S+; if it works, report this error to cgo-ls$/,
    details: ['cgo-ls could not probe the Go toolchain: disk on fire'],
  },
  {
    name: 'a go wrapper first on PATH (fake)',
    code: 'cgo/go-shadowed',
    produce: (b) => probe(b.ws, { env: { ...b.env, PATH: `${path.join(FIXTURES, 'fake-bin-gowrapper')}:${SYSTEM_PATH}`, CGO_LS_TEST_REAL_GO: REAL_GO } }),
    cause: 'the first go on PATH is a wrapper or shim, not $GOROOT/bin/go: what runs may differ',
    fix: 'put /usr/local/go/bin first on PATH, or remove the wrapper',
    details: [
      `The first go on PATH, ${path.join(FIXTURES, 'fake-bin-gowrapper')}/go, is not $GOROOT/bin/go (GOROOT=/usr/local/go, go1.26.8): what runs may differ from a terminal.`,
      /^go commands on PATH in order: \S+fake-bin-gowrapper\/go \(go1\.26\.8\), \/usr\/local\/go\/bin\/go \(go1\.26\.8\)\.$/,
      'bash/zsh: `export PATH="/usr/local/go/bin:$PATH"`',
    ],
  },
  {
    name: 'Go 1.22.12 first on PATH shadows Go 1.26.8',
    code: 'cgo/go-shadowed',
    skip: !HAVE_GO122,
    produce: (b) => probe(b.ws, { env: { ...b.env, PATH: `${binDir(b.root, 'old', { go: GO122 })}:${SYSTEM_PATH}` } }),
    cause: 'the first go on PATH (go1.22.12) shadows another go (go1.26.8) later on PATH',
    fix: /^if you meant \/usr\/local\/go\/bin\/go \(go1\.26\.8\), put \/usr\/local\/go\/bin first on PATH, or delete \/tmp\/\S+\/old\/go if it is a leftover$/,
    details: [/\/old\/go \(go1\.22\.12\) shadows \/usr\/local\/go\/bin\/go \(go1\.26\.8\) on PATH; cgo-ls and the go command use the first one\.$/],
  },
  {
    name: 'GOROOT that does not exist',
    code: 'cgo/goroot-mismatch',
    produce: async (b) => {
      const env = { ...b.env, GOROOT: '/nonexistent/go' };
      const r = await probe(b.ws, { env });
      return { ...r, also: () => expect(runGo(REAL_GO, ['env', 'GOROOT'], b.ws, env).stderr).toContain('go: cannot find GOROOT directory: /nonexistent/go') };
    },
    cause: 'GOROOT /nonexistent/go does not exist',
    fix: 'unset GOROOT (the go command finds its own installation)',
    details: ['go build: `go: cannot find GOROOT directory: /nonexistent/go`', 'GOROOT=/nonexistent/go (from the environment).'],
  },
  {
    name: 'GOROOT of another version',
    code: 'cgo/goroot-mismatch',
    skip: !HAVE_GO122,
    produce: (b) => probe(b.ws, { env: { ...b.env, GOROOT: GO122_ROOT } }),
    cause: 'GOROOT holds go1.22.12, but the go command on PATH is go1.26.8: builds fail',
    fix: `unset GOROOT or put ${path.join(GO122_ROOT, 'bin')} first on PATH`,
    details: [
      'go build: `compile: version "go1.22.12" does not match go tool version "go1.26.8"`',
      `GOROOT=${GO122_ROOT} (from the environment) holds go1.22.12; the go command on PATH is ${REAL_GO}.`,
    ],
  },
  {
    name: 'go 1.99 with GOTOOLCHAIN=local',
    code: 'cgo/go-version-too-old',
    produce: async (b) => {
      fs.writeFileSync(path.join(b.ws, 'go.mod'), 'module example.com/m\n\n// needs the future\ngo 1.99\n');
      const r = await probe(b.ws, { env: b.env });
      return {
        ...r,
        also: () =>
          expect(runGo(REAL_GO, ['list', '-m'], b.ws, b.env).stderr).toContain('go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)'),
      };
    },
    cause: 'go.mod line 4 requires go >= 1.99, but the go command runs go1.26.8',
    fix: /^install Go 1\.99 or newer and put it first on PATH, or set GOTOOLCHAIN=auto .* to let the go command download it, or lower the go line$/,
    details: [
      'go build: `go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)`',
      'go.mod line 4 requires go >= 1.99, but GOTOOLCHAIN=local (from /usr/local/go/go.env) runs go1.26.8.',
    ],
  },
  {
    name: 'go 1.99 with GOTOOLCHAIN=auto: a download',
    code: 'cgo/toolchain-switch',
    produce: (b) => {
      fs.writeFileSync(path.join(b.ws, 'go.mod'), 'module example.com/m\n\ngo 1.99\n');
      return probe(b.ws, { env: { ...b.env, GOTOOLCHAIN: 'auto' } });
    },
    cause: 'go.mod line 3 makes the go command switch to go1.99.0 (local: go1.26.8)',
    fix: /^install go1\.99\.0 and put it first on PATH, or set GOTOOLCHAIN=local in the environment .* to build with go1\.26\.8$/,
    details: [
      'go.mod line 3 (go 1.99) is newer than the local go1.26.8, and GOTOOLCHAIN=auto (from the environment) lets the go command switch to go1.99.0.',
      'The go command downloads it first (`go: downloading go1.99.0 (linux/amd64)`); with GOPROXY=off that fails: `go: download go1.99.0 for linux/amd64: toolchain not available`.',
      'cgo-ls probed the local toolchain; the rules of go1.99.0 apply to builds.',
    ],
  },
  {
    name: 'go 1.99 with GOTOOLCHAIN=path: must be on PATH',
    code: 'cgo/toolchain-switch',
    produce: async (b) => {
      fs.writeFileSync(path.join(b.ws, 'go.mod'), 'module example.com/m\n\ngo 1.99\n');
      const env = { ...b.env, GOTOOLCHAIN: 'path' };
      const r = await probe(b.ws, { env });
      return { ...r, also: () => expect(runGo(REAL_GO, ['list', '-m'], b.ws, env).stderr).toContain('go: cannot find "go1.99.0" in PATH') };
    },
    cause: 'go.mod line 3 makes the go command switch to go1.99.0 (local: go1.26.8)',
    fix: /^install go1\.99\.0 and put it first on PATH, or .*GOTOOLCHAIN=local/,
    details: ['It must be on PATH as go1.99.0, else: `go: cannot find "go1.99.0" in PATH`.'],
  },
  {
    name: 'GOTOOLCHAIN pins another toolchain',
    code: 'cgo/toolchain-switch',
    produce: (b) => probe(b.ws, { env: { ...b.env, GOTOOLCHAIN: 'go1.22.12', GOMODCACHE: path.dirname(path.dirname(GO122_ROOT)) } }),
    cause: 'GOTOOLCHAIN makes the go command run go1.22.12, not the local go1.26.8 cgo-ls probed',
    fix: /^install go1\.22\.12 and put it first on PATH, or set GOTOOLCHAIN=local .* to build with go1\.26\.8$/,
    details: [
      'GOTOOLCHAIN=go1.22.12 (from the environment) makes the go command run go1.22.12 instead of the local go1.26.8.',
      HAVE_GO122 ? `It is already downloaded (${GO122}).` : /^The go command downloads it first/,
    ],
  },
  {
    name: 'godebug cgocheck in go.mod',
    code: 'cgo/godebug-cgocheck-gomod',
    produce: async (b) => {
      fs.writeFileSync(path.join(b.ws, 'go.mod'), 'module example.com/m\n\ngo 1.22\n\ngodebug cgocheck=0\n');
      const r = await probe(b.ws, { env: b.env });
      return { ...r, also: () => expect(runGo(REAL_GO, ['list', '-m'], b.ws, b.env).stderr).toContain('go.mod:5: unknown godebug "cgocheck"') };
    },
    cause: 'go.mod line 5: the go command rejects `godebug cgocheck` (a runtime GODEBUG only)',
    fix: "remove the line; set GODEBUG=cgocheck=0 in the program's environment if you really need it",
    details: [
      'go build: `go: errors parsing go.mod:` / `go.mod:5: unknown godebug "cgocheck"`',
      'go.mod line 5 says `godebug cgocheck=0`; cgocheck is a runtime GODEBUG, not a go.mod setting.',
    ],
  },
  {
    name: 'GODEBUG=cgocheck=0',
    code: 'cgo/cgocheck-off',
    produce: (b) => probe(b.ws, { env: { ...b.env, GODEBUG: 'http2client=0,cgocheck=0' } }),
    cause: "GODEBUG cgocheck=0 turns off the runtime's cgo pointer checks",
    fix: 'remove cgocheck=0 from GODEBUG except when measuring performance',
    details: ['GODEBUG=http2client=0,cgocheck=0 (from the environment): Go pointers passed to C incorrectly are no longer reported.'],
  },
  {
    name: 'GODEBUG=cgocheck=2',
    code: 'cgo/cgocheck2-removed',
    produce: async (b) => {
      const env = { ...b.env, GODEBUG: 'cgocheck=2' };
      const r = await probe(b.ws, { env });
      return { ...r, also: () => expect(runGo(REAL_GO, ['version'], b.ws, env).stderr).toContain(`fatal error: ${CGOCHECK2}`) };
    },
    cause: 'GODEBUG cgocheck=2 makes Go 1.21+ programs throw at start-up',
    fix: 'remove cgocheck=2 from GODEBUG and build with GOEXPERIMENT=cgocheck2',
    details: [`Every Go program, the go command included: \`fatal error: ${CGOCHECK2}\``, 'GODEBUG=cgocheck=2 (from the environment).'],
  },
  {
    name: 'no go.mod anywhere',
    code: 'cgo/gopath-mode',
    produce: async (b) => {
      fs.rmSync(path.join(b.ws, 'go.mod'));
      const r = await probe(b.ws, { env: b.env });
      fs.writeFileSync(path.join(b.ws, 'main.go'), 'package main\n\nfunc main() {}\n');
      return {
        ...r,
        also: () => {
          expect(runGo(REAL_GO, ['build', '-o', '/dev/null'], b.ws, b.env).stderr).toContain(VERBATIM_GOMOD);
          expect(runGo(REAL_GO, ['build', './...'], b.ws, b.env).stderr).toContain(VERBATIM_PATTERN);
        },
      };
    },
    cause: 'no go.mod in this folder or any parent: the go command cannot build here',
    fix: 'run `go mod init <module path>`',
    details: [`go build: \`${VERBATIM_GOMOD}\``, `go build ./...: \`${VERBATIM_PATTERN}\``, /^No go\.mod in \/tmp\/\S+\/ws or any parent\.$/],
  },
  {
    name: 'GO111MODULE=auto without go.mod',
    code: 'cgo/gopath-mode',
    produce: (b) => {
      fs.rmSync(path.join(b.ws, 'go.mod'));
      return probe(b.ws, { env: { ...b.env, GO111MODULE: 'auto' } });
    },
    cause: 'GO111MODULE=auto and no go.mod here or above: the go command uses GOPATH mode',
    fix: 'run `go mod init <module path>` in the folder',
    details: [/^GO111MODULE=auto \(from the environment\) and no go\.mod in \/tmp\/\S+\/ws or above\.$/],
  },
  {
    name: 'GO111MODULE=off outside GOPATH/src',
    code: 'cgo/gopath-mode',
    produce: (b) => probe(b.ws, { env: { ...b.env, GO111MODULE: 'off' } }),
    cause: 'GO111MODULE=off: the go command works in GOPATH mode and ignores go.mod; imports will not resolve',
    fix: /^set GO111MODULE=on in the environment the editor is started from \(or in the cgo\.env setting\) or unset it$/,
    details: [
      /^GO111MODULE=off \(from the environment\): the go command works in GOPATH mode and ignores \/tmp\/\S+\/ws\/go\.mod\.$/,
      /^\/tmp\/\S+\/ws is not under GOPATH\/src \(\/tmp\/\S+\/gopath\), so its imports will not resolve\.$/,
    ],
  },
  {
    name: 'no gcc on PATH: Go 1.20+ turns cgo off',
    code: 'cgo/disabled',
    produce: async (b) => {
      const env = { ...b.env, PATH: binDir(b.root, 'onlygo', { go: REAL_GO }) };
      const r = await probe(b.ws, { env });
      writeCgoMain(b.ws);
      return {
        ...r,
        also: () =>
          expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, { ...env, CGO_ENABLED: '1' }).stderr).toContain(
            'cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH',
          ),
      };
    },
    cause: 'cgo is off: no C compiler "gcc" on PATH',
    fix: 'install gcc and put it on PATH, or set CC in the environment (not only with go env -w) together with CGO_ENABLED=1',
    details: [
      'cgo is disabled (CGO_ENABLED=0): CC is not set in the environment and the default C compiler "gcc" is not on PATH, so Go 1.20+ turns cgo off.',
      'Files that import "C" will be excluded from the build.',
      'With CGO_ENABLED=1 the build fails with `cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`.',
    ],
  },
  {
    name: 'CGO_ENABLED=0 in the editor settings',
    code: 'cgo/disabled',
    produce: (b) => probe(b.ws, { env: b.env, editorEnv: { CGO_ENABLED: '0' } }),
    cause: 'cgo is off: CGO_ENABLED=0 is set explicitly',
    fix: "if you want cgo, change CGO_ENABLED in the editor's cgo.env setting to 1",
    details: [
      'cgo is disabled (CGO_ENABLED=0): CGO_ENABLED=0 is set explicitly (from the editor settings (cgo.env)).',
      'Files that import "C" will be excluded from the build.',
    ],
  },
  {
    name: 'GOOS=windows without CGO_ENABLED',
    code: 'cgo/disabled',
    produce: (b) => probe(b.ws, { env: { ...b.env, GOOS: 'windows' } }),
    cause: 'cgo is off: cross-compiling to windows/amd64 needs CGO_ENABLED=1',
    fix: 'set CGO_ENABLED=1 and a C cross compiler for windows/amd64, e.g. CC=x86_64-w64-mingw32-gcc',
    details: [/^cgo is disabled \(CGO_ENABLED=0\): cross-compiling \(GOOS\/GOARCH windows\/amd64 differs from the host linux\/amd64\)/],
  },
  {
    name: 'CC that does not exist',
    code: 'cgo/cc-not-found',
    produce: async (b) => {
      const env = { ...b.env, CC: 'nosuchcc' };
      const r = await probe(b.ws, { env });
      writeCgoMain(b.ws);
      return {
        ...r,
        also: () =>
          expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain(
            'cgo: C compiler "nosuchcc" not found: exec: "nosuchcc": executable file not found in $PATH',
          ),
      };
    },
    pick: isCC,
    cause: 'C compiler "nosuchcc" not found: cgo builds fail',
    fix: 'install it or set CC=<compiler on PATH or absolute path> in the environment the editor is started from (or in the cgo.env setting)',
    details: [
      'go build: `cgo: C compiler "nosuchcc" not found: exec: "nosuchcc": executable file not found in $PATH` (after `# runtime/cgo`)',
      'CC=nosuchcc (from the environment).',
    ],
  },
  {
    name: 'CXX that does not exist',
    code: 'cgo/cc-not-found',
    produce: (b) => probe(b.ws, { env: { ...b.env, CXX: 'nosuchcxx' } }),
    pick: isCXX,
    cause: 'C++ compiler "nosuchcxx" not found (only packages with C++ files use it)',
    fix: /^install it or set CXX=<compiler on PATH or absolute path> /,
    details: ['go build: `exec: "nosuchcxx": executable file not found in $PATH`', 'CXX=nosuchcxx (from the environment).'],
  },
  {
    name: 'CC with an unterminated quote',
    code: 'cgo/cc-invalid-env',
    produce: async (b) => {
      const env = { ...b.env, CC: '"gcc' };
      const r = await probe(b.ws, { env });
      writeCgoMain(b.ws);
      return {
        ...r,
        also: () =>
          expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain(
            'go: CC environment variable could not be parsed: unterminated " string',
          ),
      };
    },
    cause: 'the go command rejects CC before any build: its quotes cannot be parsed (unterminated " string)',
    fix: /^set CC="\/absolute\/path\/to\/cc --option" .*; quotes are only recognised around whole words and have no escapes$/,
    details: ['go build: `go: CC environment variable could not be parsed: unterminated " string`', 'CC="gcc (from the environment).'],
  },
  {
    name: 'relative CC',
    code: 'cgo/cc-invalid-env',
    produce: (b) => probe(b.ws, { env: { ...b.env, CC: './x/gcc' } }),
    cause: 'the go command rejects CC before any build: it is a relative path, not absolute or bare',
    fix: /^set CC=/,
    details: ['go build: `go: CC environment variable is relative; must be absolute path: ./x/gcc`', 'CC=./x/gcc (from the environment).'],
  },
  {
    name: 'CC of spaces only',
    code: 'cgo/cc-invalid-env',
    produce: async (b) => {
      const env = { ...b.env, CC: '   ' };
      const r = await probe(b.ws, { env });
      writeCgoMain(b.ws);
      return {
        ...r,
        also: () =>
          expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain('panic: runtime error: index out of range [0] with length 0'),
      };
    },
    cause: 'CC contains only spaces: the go command has no CC program to run',
    fix: /^set CC=/,
    details: [
      'CC="   " contains only spaces, so the go command has no CC program to run.',
      'go build of a cgo package (Go 1.26.8) panics: `panic: runtime error: index out of range [0] with length 0`',
    ],
  },
  {
    name: 'CGO_CFLAGS that cannot be split',
    code: 'cgo/cc-invalid-env',
    produce: async (b) => {
      const env = { ...b.env, CGO_CFLAGS: '-O2 "-DX' };
      const r = await probe(b.ws, { env });
      writeCgoMain(b.ws);
      return { ...r, also: () => expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain(CFLAGS_PANIC) };
    },
    cause: 'CGO_CFLAGS cannot be split into flags (unterminated " string): the go command panics',
    fix: /^set CGO_CFLAGS=<flags> .*; quote only whole words$/,
    details: [`go build: \`${CFLAGS_PANIC}\``, 'CGO_CFLAGS=-O2 "-DX (from the environment).'],
  },
  {
    name: 'host gcc for GOOS=windows',
    code: 'cgo/cc-wrong-target',
    produce: (b) => probe(b.ws, { env: { ...b.env, GOOS: 'windows', CGO_ENABLED: '1' } }),
    pick: isCC,
    cause: 'CC gcc targets linux/amd64, not windows/amd64: builds fail',
    fix: 'set CC=x86_64-w64-mingw32-gcc (environment, cgo.env setting, or `go env -w CC=x86_64-w64-mingw32-gcc`) and CXX=x86_64-w64-mingw32-g++',
    details: [
      /^CC=gcc \(toolchain default\) is \/usr\/bin\/gcc \(".*"\), which targets x86_64-linux-gnu \(linux\/amd64\), but GOOS\/GOARCH is windows\/amd64 with cgo enabled\.$/,
      "go build: `gcc: error: unrecognized command-line option '-mthreads'; did you mean '-pthread'?`",
    ],
  },
  {
    name: 'Apple clang (fake) for linux',
    code: 'cgo/cc-wrong-target',
    produce: (b) => probe(b.ws, { env: { ...b.env, CC: path.join(FIXTURES, 'fake-bin-apple/clang') } }),
    pick: isCC,
    cause: 'CC clang targets darwin/arm64, not linux/amd64: builds fail',
    fix: /^set CC=<cross compiler> .* \(a linux\/amd64 cross compiler\)$/,
    details: [
      /which targets arm64-apple-darwin23\.4\.0 \(darwin\/arm64\), but GOOS\/GOARCH is linux\/amd64 with cgo enabled\.$/,
      'The build fails with compile or link errors from the wrong C library and object format.',
    ],
  },
  {
    name: 'host gcc for GOARCH=arm64',
    code: 'cgo/cc-wrong-target',
    produce: (b) => probe(b.ws, { env: { ...b.env, GOARCH: 'arm64', CGO_ENABLED: '1', CC: 'gcc' } }),
    pick: isCC,
    cause: 'CC gcc targets amd64, but GOARCH=arm64: builds fail',
    fix: /^set CC=<linux\/arm64 compiler> /,
    details: [/^CC=gcc \(from the environment\) is \/usr\/bin\/gcc .*, which targets x86_64-linux-gnu \(amd64\), but GOARCH=arm64\.$/],
  },
  {
    name: 'x86_64 CXX for GOARCH=386 (multilib)',
    code: 'cgo/cc-wrong-target',
    skip: !HAVE_MINGW,
    produce: (b) => win(b, path.join(FIXTURES, 'fake-bin-i686-mingw/i686-w64-mingw32-gcc'), { GOARCH: '386' }),
    pick: isCXX,
    cause: 'CXX x86_64-w64-mingw32-g++ targets amd64, but GOARCH=386: -m32 needs its multilib support',
    fix: /^set CXX=<windows\/386 compiler> .* or install the compiler's multilib support \(e\.g\. gcc-multilib\)$/,
    details: [
      /which targets x86_64-w64-mingw32 \(amd64\), but GOARCH=386: the go command passes -m32, which works only if the compiler's multilib support \(e\.g\. gcc-multilib\) is installed\.$/,
      'Only packages with C++ files use CXX.',
    ],
  },
  {
    name: 'MSVC cl (fake)',
    code: 'cgo/msvc-compiler',
    produce: (b) => win(b, path.join(FIXTURES, 'fake-bin-msvc/cl')),
    cause: 'CC cl is an MSVC-style compiler; cgo needs a MinGW GCC or clang',
    fix: /^install MinGW-w64 gcc \(MSYS2 ucrt64, winlibs\) or llvm-mingw clang and set CC=gcc /,
    details: [
      /, an MSVC-style compiler targeting x86_64-pc-windows-msvc\.$/,
      "cgo only works with GCC-compatible drivers that target MinGW; builds fail with errors like `cl : Command line error D8021 : invalid numeric argument '/Werror'`.",
    ],
  },
  {
    name: 'clang-cl (fake)',
    code: 'cgo/msvc-compiler',
    produce: (b) => win(b, path.join(FIXTURES, 'fake-bin-clang-cl/clang-cl')),
    cause: 'CC clang-cl is an MSVC-style compiler; cgo needs a MinGW GCC or clang',
    fix: /^install MinGW-w64 gcc/,
    details: [/errors like `clang: error: unsupported option '-mthreads' for target 'x86_64-pc-windows-msvc'`\.$/],
  },
  {
    name: 'Cygwin gcc (fake)',
    code: 'cgo/cygwin-compiler',
    produce: (b) => win(b, path.join(FIXTURES, 'fake-bin-cygwin/gcc')),
    cause: 'CC gcc targets the Cygwin runtime, not native Windows: runtime/cgo fails',
    fix: /^use a MinGW-w64 compiler \(target x86_64-w64-mingw32, e\.g\. MSYS2's \/ucrt64\/bin\/gcc\) first on PATH, or set CC=x86_64-w64-mingw32-gcc /,
    details: [
      /, which targets x86_64-pc-cygwin \(the Cygwin runtime\), not native Windows\.$/,
      "go build: runtime/cgo fails with `error: implicit declaration of function '_beginthread'`",
    ],
  },
  {
    name: '32-bit MinGW for amd64 (fake)',
    code: 'cgo/mingw32-for-amd64',
    produce: (b) => win(b, path.join(FIXTURES, 'fake-bin-i686-mingw/i686-w64-mingw32-gcc')),
    cause: 'CC i686-w64-mingw32-gcc is a 32-bit MinGW compiler, but GOARCH=amd64: builds fail',
    fix: /^install 64-bit MinGW-w64 \(x86_64-w64-mingw32\) and set CC=x86_64-w64-mingw32-gcc .*, or build with GOARCH=386$/,
    details: [/, a 32-bit MinGW compiler \(target i686-w64-mingw32\)\.$/, 'go build: `cc1.exe: sorry, unimplemented: 64-bit mode not compiled in`'],
  },
  {
    name: 'a compiler that cannot be run (bad interpreter)',
    code: 'cgo/cc-probe-failed',
    produce: (b) => {
      const dir = path.join(b.root, 'brokencc');
      fs.mkdirSync(dir);
      // FAKE compiler whose interpreter does not exist: the probe cannot run `--version`.
      fs.writeFileSync(path.join(dir, 'brokencc'), '#!/nonexistent/interpreter\n', { mode: 0o755 });
      return probe(b.ws, { env: { ...b.env, CC: path.join(dir, 'brokencc') } });
    },
    cause: 'C compiler "brokencc" could not be queried with --version',
    fix: /^run `\/tmp\/\S+\/brokencc --version` in a terminal$/,
    details: [/^CC=\/tmp\/\S+\/brokencc \(from the environment\) at \/tmp\/\S+\/brokencc could not be queried: \/tmp\/\S+\/brokencc --version: .+\.$/],
  },
  {
    name: 'PKG_CONFIG that does not exist',
    code: 'cgo/pkg-config-missing',
    produce: (b) => probe(b.ws, { env: { ...b.env, PKG_CONFIG: 'nosuchpc --static' } }),
    cause: 'pkg-config program "nosuchpc" not found: `#cgo pkg-config:` lines fail',
    fix: /^install pkg-config \(pkgconf\) and put it on PATH, or set PKG_CONFIG=\/absolute\/path\/to\/pkg-config /,
    details: [
      'PKG_CONFIG=nosuchpc --static (from the environment): exec: "nosuchpc": executable file not found in $PATH.',
      'A `#cgo pkg-config:` directive fails with `<package>: exec: "nosuchpc": executable file not found in $PATH`.',
    ],
  },
  {
    name: 'editor vs login shell',
    code: 'cgo/env-drift',
    produce: (b) =>
      probe(b.ws, { env: { ...b.env, PATH: binDir(b.root, 'onlygo', { go: REAL_GO }) }, shellEnv: { ...b.env, PATH: SYSTEM_PATH } as Record<string, string> }),
    cause: "the editor's environment and your login shell differ for cgo (PATH)",
    fix: "start the editor from the login shell, or copy PATH into the editor's cgo.env setting",
    details: [
      "The editor's environment and your login shell would build cgo differently (a terminal `go build` may work while the editor fails, or the reverse):",
      /^CGO_ENABLED: the editor gets 0 \(.*\); the login shell gets 1 \(.*\)$/,
      'C compiler: the editor runs CC=gcc → not found; the login shell runs CC=gcc → /usr/bin/gcc',
      'Variables that differ: PATH.',
    ],
  },
  {
    name: 'editor vs the registry (Windows)',
    code: 'cgo/env-drift',
    produce: (b) =>
      probe(b.ws, { env: b.env, shellEnv: { ...b.env, CC: 'zz-newly-installed-cc' } as Record<string, string>, shellEnvSource: 'windows-registry' }),
    cause: 'the environment changed since the editor started: cgo differs (CC)',
    fix: "restart the editor (and the terminal or launcher it was started from) so it picks up the new environment, or set CC in the editor's cgo.env setting",
    details: [
      /^The user\/system environment in the registry/,
      'C compiler: the editor runs CC=gcc → /usr/bin/gcc; a newly started program runs CC=zz-newly-installed-cc → not found',
    ],
  },
  {
    name: 'WSL: CC is a Windows gcc.exe (fake)',
    code: 'cgo/wsl-windows-toolchain',
    produce: (b) => probe(b.ws, { env: { ...b.env, WSL_DISTRO_NAME: 'Ubuntu', CC: path.join(fakeWinBin(b.root, ['gcc.exe']), 'gcc.exe'), CGO_ENABLED: '1' } }),
    pick: (p) => p.data?.['program'] === 'CC',
    cause: "CC is a Windows compiler (gcc.exe) reached through WSL's PATH",
    fix: 'install the Linux toolchain inside WSL (e.g. `sudo apt install golang gcc`, or Go from go.dev/dl with /usr/local/go/bin first on PATH)',
    details: [
      /^CC resolves to \/tmp\/\S+\/winbin\/gcc\.exe, a Windows compiler: it cannot build Linux objects for cgo\.$/,
      'To keep Windows programs off the Linux PATH, set `appendWindowsPath = false` under [interop] in /etc/wsl.conf.',
    ],
  },
  {
    name: 'WSL: CXX is a Windows g++.exe (fake)',
    code: 'cgo/wsl-windows-toolchain',
    produce: (b) => probe(b.ws, { env: { ...b.env, WSL_DISTRO_NAME: 'Ubuntu', CXX: path.join(fakeWinBin(b.root, ['g++.exe']), 'g++.exe') } }),
    pick: (p) => p.data?.['program'] === 'CXX',
    cause: "CXX is a Windows compiler (g++.exe) reached through WSL's PATH",
    fix: /^install the Linux toolchain inside WSL/,
    details: [/^CXX resolves to \/tmp\/\S+\/winbin\/g\+\+\.exe, a Windows compiler/],
  },
  {
    name: 'WSL: only a Windows go.exe on PATH (fake)',
    code: 'cgo/wsl-windows-toolchain',
    produce: (b) => probe(b.ws, { env: { ...b.env, WSL_DISTRO_NAME: 'Ubuntu', PATH: `${fakeWinBin(b.root, ['go.exe'])}:/usr/bin:/bin` } }),
    pick: (p) => p.data?.['program'] === 'go.exe',
    cause: 'only a Windows go.exe is on PATH; inside WSL the go command must be the Linux one',
    fix: /^install the Linux toolchain inside WSL/,
    details: [/^The Windows go\.exe on PATH: \/tmp\/\S+\/winbin\/go\.exe\.$/],
  },
  {
    name: 'WSL: CC not installed, only its .exe (fake)',
    code: 'cgo/wsl-windows-toolchain',
    produce: (b) => {
      const dir = fakeWinBin(b.root, ['zzcc.exe']);
      return probe(b.ws, { env: { ...b.env, WSL_DISTRO_NAME: 'Ubuntu', CC: 'zzcc', PATH: `${dir}:${SYSTEM_PATH}` } });
    },
    pick: (p) => p.data?.['program'] === 'CC',
    cause: 'CC "zzcc" is not installed in WSL; only a Windows .exe of it is on PATH',
    fix: /^install the Linux toolchain inside WSL/,
    details: [/^CC zzcc is not installed in WSL; only the Windows zzcc\.exe \(\/tmp\/\S+\/winbin\/zzcc\.exe\) is on PATH, which cannot build Linux objects\.$/],
  },
  {
    name: 'GOENV is a directory',
    code: 'cgo/goenv-unreadable',
    produce: (b) => {
      fs.mkdirSync(b.env.GOENV!);
      return probe(b.ws, { env: b.env });
    },
    cause: 'the go env file is not a readable file: values set with `go env -w` are not in effect',
    fix: 'point GOENV at a file (or unset it), or remove what is at that path',
    details: [/^The go env file \/tmp\/\S+\/home\/goenv \(from GOENV\) is not a readable file, and the go command silently ignores it\.$/],
  },
  {
    name: 'C++ with MinGW-w64: runtime DLLs (constructed compiler)',
    code: 'cgo/windows-runtime-dll',
    produce: async () => {
      const cc: CompilerInfo = {
        argv: ['x86_64-w64-mingw32-gcc'],
        source: 'process-env',
        path: '/nonexistent/bin/x86_64-w64-mingw32-gcc',
        family: 'gcc',
        flavor: 'mingw-w64',
        target: 'x86_64-w64-mingw32',
        version: '12-win32',
        banner: 'x86_64-w64-mingw32-gcc (GCC) 12-win32',
      };
      const d = runtimeDllDiagnostics({
        file: '/ws/main.go',
        importRange: range(4, 0, 4, 10),
        toolchain: { goos: 'windows', goarch: 'amd64', cc, childEnv: {}, values: {} },
        hasCxx: true,
        ldflags: [],
      });
      return { messages: d.map((x) => ({ code: x.code, message: x.message, data: x.data })) };
    },
    cause: 'the windows/amd64 .exe needs libstdc++-6.dll, libgcc_s_seh-1.dll to start (MinGW-w64 runtime)',
    fix: 'add `#cgo windows LDFLAGS: -static-libgcc -static-libstdc++` to link the runtime into the .exe, or ship libstdc++-6.dll, libgcc_s_seh-1.dll next to the .exe',
    details: [
      '`go build` succeeds, but the program fails to start where they are not found ("The code execution cannot proceed because libstdc++-6.dll was not found", exit status 0xc0000135 STATUS_DLL_NOT_FOUND).',
      'The windows/amd64 .exe will import libstdc++-6.dll, libgcc_s_seh-1.dll from the MinGW-w64 runtime.',
      "Ship the DLLs from the toolchain's bin folder.",
    ],
  },
  {
    name: '-Wa,-mbig-obj from CGO_CFLAGS',
    code: 'cgo/windows-big-obj',
    produce: async () => {
      const d = objectFormatDiagnostics({
        file: '/x/a.go',
        importRange: range(4, 7, 4, 10),
        flags: [{ flag: '-Wa,-mbig-obj' }],
        goos: 'windows',
        cc: { path: '/usr/bin/x86_64-w64-mingw32-gcc' },
      });
      return { messages: d.map((x) => ({ code: x.code, message: x.message, data: x.data })) };
    },
    cause: '-Wa,-mbig-obj in CGO_CFLAGS makes big-obj COFF objects, which cgo cannot read',
    fix: 'drop -Wa,-mbig-obj from the cgo flags (CGO_CFLAGS)',
    details: ['go build: "cgo: cannot parse …_cgo_.o as ELF, Mach-O, PE or XCOFF"', '-Wa,-mbig-obj (from CGO_CFLAGS) makes the assembler write big-obj COFF.'],
  },
  {
    name: "w64devkit's big-obj default",
    code: 'cgo/windows-big-obj',
    produce: async () => {
      const d = objectFormatDiagnostics({
        file: '/x/a.go',
        importRange: range(4, 7, 4, 10),
        flags: [],
        goos: 'windows',
        cc: { path: 'C:/w64devkit/bin/gcc.exe' },
      });
      return { messages: d.map((x) => ({ code: x.code, message: x.message, data: x.data })) };
    },
    cause: "w64devkit's C compiler writes big-obj COFF by default, which cgo cannot read",
    fix: 'add -Wa,-mno-big-obj to CGO_CFLAGS, or use MSYS2 UCRT64, WinLibs or llvm-mingw',
    details: ["The C compiler C:/w64devkit/bin/gcc.exe is w64devkit's, which writes big-obj COFF by default."],
  },
];

function matches(line: string, want: Line): boolean {
  return typeof want === 'string' ? line === want : want.test(line);
}

describe('toolchain, Windows and object-format messages: cause ≤ 100 characters, "Fix: …", details', () => {
  for (const c of cases) {
    it.skipIf(c.skip ?? false)(
      `${c.code}: ${c.name}`,
      async () => {
        const b = box();
        const { messages, also } = await c.produce(b);
        // Every message the set-up produced has the shape, not only the one under test.
        expect(messages.flatMap((m) => shapeProblems(m.message).map((p) => `${m.code}: ${p}\n${m.message}`))).toEqual([]);
        const mine = messages.filter((m) => m.code === c.code && (c.pick ? c.pick(m) : true));
        expect(mine.length, `no ${c.code} among ${messages.map((m) => m.code).join(', ')}`).toBeGreaterThan(0);
        const { cause, fix, details } = splitMessage(mine[0]!.message);
        expect(cause).toBe(c.cause);
        if (typeof c.fix === 'string') expect(fix).toBe(c.fix);
        else expect(fix).toMatch(c.fix);
        for (const want of c.details)
          expect(
            details.some((d) => matches(d, want)),
            `no detail line ${String(want)} in:\n${details.join('\n')}`,
          ).toBe(true);
        also?.();
      },
      60_000,
    );
  }

  it('the table covers every toolchain, Windows and object-format code', () => {
    const all = [...toolchainCodes, ...windowsCodes, ...objCodes].map((c) => c.code);
    expect(all.filter((code) => !cases.some((c) => c.code === code && !c.skip))).toEqual([]);
  });
});
