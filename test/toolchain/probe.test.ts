// probeToolchain against the real tools on this machine (Go 1.26.8, gcc, pkg-config, x86_64-w64-mingw32-gcc, and
// Go 1.22.12 from the module cache). Where the go command itself prints a message, the test runs the go command
// too and checks that the probe quotes it verbatim.
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inModuleCache, probeToolchain } from '../../server/src/toolchain/probe.js';
import { exitCodeFor, renderReport } from '../../server/src/toolchain/report.js';
import type { ToolchainModel } from '../../server/src/toolchain/types.js';
import {
  binDir,
  FIXTURES,
  GO122,
  GO122_ROOT,
  HAVE_GO122,
  HAVE_MINGW,
  REAL_GO,
  REAL_GOROOT,
  runGo,
  SYSTEM_PATH,
  writeCgoMain,
  type Sandbox,
  sandboxesPerTest,
  brokenPlatform,
} from './helpers.js';

const box = sandboxesPerTest();

const codesOf = (m: ToolchainModel) => m.problems.map((p) => p.code);
/** Codes of problems about CC (not CXX). */
const ccCodesOf = (m: ToolchainModel) => m.problems.filter((p) => p.data?.['variable'] !== 'CXX').map((p) => p.code);
const errorsOf = (m: ToolchainModel) => m.problems.filter((p) => p.severity === 'error');
const find = (m: ToolchainModel, code: string) => {
  const p = m.problems.find((x) => x.code === code);
  if (!p) throw new Error(`no ${code} in ${JSON.stringify(m.problems, null, 2)}`);
  return p;
};

describe('healthy linux/amd64 toolchain', () => {
  it('finds go 1.26.8, gcc, pkg-config with provenance and no error problems', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: b.env });
    expect(errorsOf(m)).toEqual([]);
    expect(exitCodeFor(m)).toBe(0);
    expect(m.go.path).toBe(REAL_GO);
    expect(m.go.version?.minor).toBe(26);
    expect(m.go.goroot).toBe(REAL_GOROOT);
    expect(m.go.winnerIsGoroot).toBe(true);
    expect(m.go.versionOutput).toMatch(/^go version go1\.26\.8 linux\/amd64/);
    expect(m.goos).toBe('linux');
    expect(m.goarch).toBe('amd64');
    expect(m.cgo).toMatchObject({ enabled: true, rule: 'default', source: 'default' });
    expect(m.values.CGO_ENABLED).toEqual({ value: '1', source: 'default' });
    expect(m.values.CC).toEqual({ value: 'gcc', source: 'default' });
    expect(m.cc).toMatchObject({ argv: ['gcc'], path: '/usr/bin/gcc', family: 'gcc', target: 'x86_64-linux-gnu', flavor: 'debian' });
    expect(m.cc!.version).toMatch(/^\d+\.\d+/);
    expect(m.cxx).toMatchObject({ argv: ['g++'], family: 'gcc' });
    expect(m.pkgConfig.path).toBe('/usr/bin/pkg-config');
    expect(m.pkgConfig.version).toMatch(/^\d/);
    expect(m.envFlags).toEqual({ CPPFLAGS: [], CFLAGS: ['-O2', '-g'], CXXFLAGS: ['-O2', '-g'], LDFLAGS: ['-O2', '-g'] });
    expect(m.childEnv.LC_ALL).toBe('C');
    expect(m.childEnv.TERM).toBe('dumb');
    expect(m.module).toMatchObject({ mode: 'module', goMod: path.join(b.ws, 'go.mod'), goLine: { value: '1.22', line: 2 } });
    // GOROOT/go.env of this install sets GOTOOLCHAIN=local.
    expect(m.values.GOTOOLCHAIN).toEqual({ value: 'local', source: 'goroot-go.env', file: path.join(REAL_GOROOT, 'go.env') });
    expect(m.envFile).toEqual({ path: b.env.GOENV, exists: false });
    // The same inputs give the same fingerprint; a different CGO_CFLAGS gives another.
    const again = await probeToolchain(b.ws, { env: b.env });
    expect(again.fingerprint).toBe(m.fingerprint);
    const flags = await probeToolchain(b.ws, { env: { ...b.env, CGO_CFLAGS: '-O0 "-DX=a b"' } });
    expect(flags.fingerprint).not.toBe(m.fingerprint);
    expect(flags.envFlags.CFLAGS).toEqual(['-O0', '-DX=a b']);
    expect(flags.values.CGO_CFLAGS).toEqual({ value: '-O0 "-DX=a b"', source: 'process-env' });
  });

  it('tags editor overrides as editor-settings', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: b.env, editorEnv: { CGO_CFLAGS: '-O1' } });
    expect(m.values.CGO_CFLAGS).toEqual({ value: '-O1', source: 'editor-settings' });
    expect(m.childEnv.CGO_CFLAGS).toBe('-O1');
  });
});

describe('CGO_ENABLED decisions', () => {
  it('turns cgo off when CC is unset and gcc is not on PATH (Go 1.20+ auto-disable), as go env reports', async () => {
    const b = box();
    const onlyGo = binDir(b.root, 'onlygo', { go: REAL_GO });
    const env = { ...b.env, PATH: onlyGo };
    const m = await probeToolchain(b.ws, { env });
    expect(runGo(REAL_GO, ['env', 'CGO_ENABLED'], b.ws, env).stdout.trim()).toBe('0');
    expect(m.cgo).toMatchObject({ enabled: false, rule: 'no-default-cc', source: 'computed' });
    expect(m.cgo.reason).toContain('default C compiler "gcc" is not on PATH');
    const p = find(m, 'cgo/disabled');
    expect(p.severity).toBe('warning');
    expect(p.message).toContain('Files that import "C" will be excluded');
    expect(p.message).toContain('install gcc');
    // The compiler problem is not reported on top: cgo is off.
    expect(codesOf(m)).not.toContain('cgo/cc-not-found');
    expect(m.pkgConfig.path).toBeNull();
  });

  it('go env -w CC does not prevent the auto-disable (only the CC environment variable counts)', async () => {
    const b = box();
    const onlyGo = binDir(b.root, 'onlygo', { go: REAL_GO });
    const env: NodeJS.ProcessEnv = { ...b.env, PATH: onlyGo };
    const w = runGo(REAL_GO, ['env', '-w', 'CC=/usr/bin/gcc'], b.ws, env);
    expect(w.code).toBe(0);
    expect(runGo(REAL_GO, ['env', 'CGO_ENABLED'], b.ws, env).stdout.trim()).toBe('0');
    const m = await probeToolchain(b.ws, { env });
    expect(m.values.CC).toEqual({ value: '/usr/bin/gcc', source: 'goenv-file', file: env.GOENV });
    expect(m.cgo.enabled).toBe(false);
    expect(m.cgo.rule).toBe('no-default-cc');
    expect(m.cgo.reason).toContain(`CC=/usr/bin/gcc (from go env -w, ${env.GOENV}) does not prevent this`);
    // With CC in the *environment* the auto-disable is skipped.
    const withEnvCC = await probeToolchain(b.ws, { env: { ...env, CC: '/usr/bin/gcc' } });
    expect(withEnvCC.cgo.enabled).toBe(true);
    expect(errorsOf(withEnvCC)).toEqual([]);
  });

  it.skipIf(!HAVE_GO122)('Go 1.22.12 applies the same auto-disable and is reported as 1.22', async () => {
    const b = box();
    const onlyGo = binDir(b.root, 'onlygo122', { go: GO122 });
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: onlyGo } });
    expect(m.go.version).toMatchObject({ minor: 22, patch: 12 });
    expect(m.go.goroot).toBe(GO122_ROOT);
    expect(m.cgo).toMatchObject({ enabled: false, rule: 'no-default-cc' });
  });

  it('CGO_ENABLED=0 is explicit, with its source (environment or editor)', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, CGO_ENABLED: '0' } });
    expect(m.cgo).toMatchObject({ enabled: false, rule: 'explicit', source: 'process-env' });
    const p = find(m, 'cgo/disabled');
    expect(p.severity).toBe('information');
    expect(p.message).toContain('CGO_ENABLED=0 is set explicitly (from the environment)');
    const e = await probeToolchain(b.ws, { env: b.env, editorEnv: { CGO_ENABLED: '0' } });
    expect(e.cgo).toMatchObject({ enabled: false, source: 'editor-settings' });
    expect(find(e, 'cgo/disabled').message).toContain("change CGO_ENABLED in the editor's cgo.env setting");
  });

  it('CGO_ENABLED from go env -w is found with the file path', async () => {
    const b = box();
    expect(runGo(REAL_GO, ['env', '-w', 'CGO_ENABLED=0'], b.ws, b.env).code).toBe(0);
    const m = await probeToolchain(b.ws, { env: b.env });
    expect(m.values.CGO_ENABLED).toEqual({ value: '0', source: 'goenv-file', file: b.env.GOENV });
    expect(find(m, 'cgo/disabled').message).toContain('go env -w CGO_ENABLED=1');
  });
});

describe('CC resolution', () => {
  it('CC=nosuchcc: cgo stays on and the probe quotes the exact cgo failure', async () => {
    const b = box();
    const env = { ...b.env, CC: 'nosuchcc' };
    const m = await probeToolchain(b.ws, { env });
    expect(m.cgo.enabled).toBe(true);
    const p = find(m, 'cgo/cc-not-found');
    expect(p.severity).toBe('error');
    const expected = 'cgo: C compiler "nosuchcc" not found: exec: "nosuchcc": executable file not found in $PATH';
    expect(p.message).toContain(expected);
    expect(p.message).toContain('CC=nosuchcc (from the environment)');
    expect(exitCodeFor(m)).toBe(1);
    // The real go command prints the same line.
    writeCgoMain(b.ws);
    const build = runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, { ...env, GOTOOLCHAIN: 'local' });
    expect(build.stderr).toContain(expected);
  });

  it('absolute CC that does not exist gives the stat message', async () => {
    const b = box();
    const env = { ...b.env, CC: '/nonexistent/gcc' };
    const m = await probeToolchain(b.ws, { env });
    const expected = 'cgo: C compiler "/nonexistent/gcc" not found: exec: "/nonexistent/gcc": stat /nonexistent/gcc: no such file or directory';
    expect(find(m, 'cgo/cc-not-found').message).toContain(expected);
    writeCgoMain(b.ws);
    expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain(expected);
  });

  it('CC with a quoted program path containing a space ("zig cc"-like)', async () => {
    const b = box();
    const spaced = binDir(b.root, 'my tools', { zig: path.join(FIXTURES, 'fake-bin-zig/zig') });
    const m = await probeToolchain(b.ws, { env: { ...b.env, CC: `"${spaced}/zig" cc` } });
    expect(m.cc).toMatchObject({ argv: [`${spaced}/zig`, 'cc'], path: `${spaced}/zig`, family: 'zig', target: 'x86_64-unknown-linux-gnu' });
    expect(errorsOf(m)).toEqual([]);
    // zig's own -target decides the target.
    const win = await probeToolchain(b.ws, {
      env: { ...b.env, CC: `"${spaced}/zig" cc -target x86_64-windows-gnu`, GOOS: 'windows', CGO_ENABLED: '1' },
    });
    expect(win.cc?.target).toBe('x86_64-windows-gnu');
    expect(ccCodesOf(win)).not.toContain('cgo/cc-wrong-target');
    // CXX is still the host g++: a warning about CXX (only C++ files need it), not an error.
    const cxx = win.problems.find((p) => p.code === 'cgo/cc-wrong-target');
    expect(cxx).toMatchObject({ severity: 'warning', data: { variable: 'CXX', onlyIfCxxUsed: true } });
    expect(cxx!.message).toContain('CXX=x86_64-w64-mingw32-g++');
    // Unquoted, the first word is a path fragment: go's LookPath fails on it.
    const unquoted = await probeToolchain(b.ws, { env: { ...b.env, CC: `${spaced}/zig cc` } });
    const first = `${b.root}/my`;
    expect(find(unquoted, 'cgo/cc-not-found').message).toContain(`exec: "${first}": stat ${first}: no such file or directory`);
  });

  it("unparsable and relative CC are rejected with the go command's messages", async () => {
    const b = box();
    writeCgoMain(b.ws);
    for (const [cc, msg] of [
      ['"gcc', 'go: CC environment variable could not be parsed: unterminated " string'],
      ['./x/gcc', 'go: CC environment variable is relative; must be absolute path: ./x/gcc'],
    ] as const) {
      const env = { ...b.env, CC: cc };
      const m = await probeToolchain(b.ws, { env });
      const p = find(m, 'cgo/cc-invalid-env');
      expect(p.message).toContain(msg);
      expect(p.severity).toBe('error');
      expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain(msg);
    }
  });

  it('CC from go env -w: provenance is the GOENV file, in the report too', async () => {
    const b = box();
    expect(runGo(REAL_GO, ['env', '-w', 'CC=x86_64-linux-gnu-gcc'], b.ws, b.env).code).toBe(0);
    const m = await probeToolchain(b.ws, { env: b.env });
    expect(m.envFile).toEqual({ path: b.env.GOENV, exists: true });
    expect(m.values.CC).toEqual({ value: 'x86_64-linux-gnu-gcc', source: 'goenv-file', file: b.env.GOENV });
    expect(m.cc?.source).toBe('goenv-file');
    expect(m.childEnv.CC).toBe('x86_64-linux-gnu-gcc');
    expect(renderReport(m, 'text')).toContain(`CC = x86_64-linux-gnu-gcc (from go env -w, ${b.env.GOENV})`);
  });

  it('finds the GOENV file under $HOME/.config when GOENV is unset', async () => {
    const b = box();
    const env = { ...b.env };
    delete env.GOENV;
    expect(runGo(REAL_GO, ['env', '-w', 'CXX=clang++'], b.ws, env).code).toBe(0);
    const file = path.join(b.home, '.config/go/env');
    expect(existsSync(file)).toBe(true);
    const m = await probeToolchain(b.ws, { env });
    expect(m.values.CXX).toEqual({ value: 'clang++', source: 'goenv-file', file });
    const xdg = path.join(b.root, 'xdg');
    const m2 = await probeToolchain(b.ws, { env: { ...env, XDG_CONFIG_HOME: xdg } });
    expect(m2.envFile?.path).toBe(path.join(xdg, 'go/env'));
    expect(m2.values.CXX.source).toBe('default');
  });
});

describe('cross-compiling to windows', () => {
  it('GOOS=windows without CGO_ENABLED: cgo is off (cross-compiling)', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, GOOS: 'windows' } });
    expect(m.goos).toBe('windows');
    expect(m.values.GOOS).toEqual({ value: 'windows', source: 'process-env' });
    expect(m.cgo).toMatchObject({ enabled: false, rule: 'cross-compiling' });
    expect(find(m, 'cgo/disabled').message).toContain('CC=x86_64-w64-mingw32-gcc');
  });

  it('GOOS=windows CGO_ENABLED=1 with the host gcc: wrong target, with the -mthreads failure the build shows', async () => {
    const b = box();
    const env = { ...b.env, GOOS: 'windows', CGO_ENABLED: '1' };
    const m = await probeToolchain(b.ws, { env });
    const p = find(m, 'cgo/cc-wrong-target');
    expect(p.severity).toBe('error');
    expect(p.message).toContain("gcc: error: unrecognized command-line option '-mthreads'; did you mean '-pthread'?");
    expect(p.message).toContain('CC=x86_64-w64-mingw32-gcc');
    expect(p.message).toContain('CC=gcc (toolchain default)');
    writeCgoMain(b.ws);
    const build = runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, { ...env, LC_ALL: 'C' });
    expect(build.stderr).toContain("gcc: error: unrecognized command-line option '-mthreads'; did you mean '-pthread'?");
  });

  it.skipIf(!HAVE_MINGW)('GOOS=windows CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc is healthy', async () => {
    const b = box();
    const env = { ...b.env, GOOS: 'windows', CGO_ENABLED: '1', CC: 'x86_64-w64-mingw32-gcc', CXX: 'x86_64-w64-mingw32-g++' };
    const m = await probeToolchain(b.ws, { env });
    expect(errorsOf(m)).toEqual([]);
    expect(m.cc).toMatchObject({ family: 'gcc', flavor: 'mingw-w64', target: 'x86_64-w64-mingw32' });
    writeCgoMain(b.ws);
    expect(runGo(REAL_GO, ['build', '-o', path.join(b.root, 'm.exe'), '.'], b.ws, env).code).toBe(0);
  });
});

describe('compilers that cannot run here (FAKE executables printing the real banners)', () => {
  const win = (b: Sandbox, cc: string, extra: NodeJS.ProcessEnv = {}) =>
    probeToolchain(b.ws, { env: { ...b.env, GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '1', CC: cc, CXX: 'x86_64-w64-mingw32-g++', ...extra } });

  it('MSVC cl → cgo/msvc-compiler', async () => {
    const b = box();
    const m = await win(b, path.join(FIXTURES, 'fake-bin-msvc/cl'));
    expect(m.cc).toMatchObject({ family: 'msvc-cl', version: '19.38.33130', target: 'x86_64-pc-windows-msvc' });
    const p = find(m, 'cgo/msvc-compiler');
    expect(p.message).toContain("cl : Command line error D8021 : invalid numeric argument '/Werror'");
    expect(p.message).toContain('MinGW-w64');
  });

  it('clang-cl → cgo/msvc-compiler', async () => {
    const b = box();
    const m = await win(b, path.join(FIXTURES, 'fake-bin-clang-cl/clang-cl'));
    expect(m.cc).toMatchObject({ family: 'clang-cl', version: '17.0.6', target: 'x86_64-pc-windows-msvc' });
    expect(find(m, 'cgo/msvc-compiler').message).toContain("unsupported option '-mthreads' for target 'x86_64-pc-windows-msvc'");
  });

  it('Cygwin gcc → cgo/cygwin-compiler', async () => {
    const b = box();
    const m = await win(b, path.join(FIXTURES, 'fake-bin-cygwin/gcc'));
    expect(m.cc).toMatchObject({ family: 'gcc', flavor: 'cygwin', target: 'x86_64-pc-cygwin', version: '11.4.0' });
    expect(find(m, 'cgo/cygwin-compiler').message).toContain('_beginthread');
    expect(codesOf(m)).not.toContain('cgo/cc-wrong-target');
  });

  it('32-bit MinGW for amd64 → cgo/mingw32-for-amd64 (mingw.org and i686-w64-mingw32)', async () => {
    const b = box();
    for (const cc of ['fake-bin-mingw32/gcc', 'fake-bin-i686-mingw/i686-w64-mingw32-gcc']) {
      const m = await win(b, path.join(FIXTURES, cc));
      expect(m.cc?.family).toBe('gcc');
      expect(find(m, 'cgo/mingw32-for-amd64').message).toContain('cc1.exe: sorry, unimplemented: 64-bit mode not compiled in');
    }
    // For GOARCH=386 the same compiler is right.
    const m386 = await win(b, path.join(FIXTURES, 'fake-bin-i686-mingw/i686-w64-mingw32-gcc'), { GOARCH: '386' });
    expect(errorsOf(m386).map((p) => p.code)).not.toContain('cgo/mingw32-for-amd64');
    expect(ccCodesOf(m386)).not.toContain('cgo/cc-wrong-target');
    // …while the x86_64 CXX given by the helper now needs multilib for -m32: a warning.
    expect(m386.problems.find((p) => p.code === 'cgo/cc-wrong-target')).toMatchObject({ severity: 'warning', data: { variable: 'CXX' } });
  });

  it('llvm-mingw clang targeting windows-gnu is accepted', async () => {
    const b = box();
    const m = await win(b, path.join(FIXTURES, 'fake-bin-llvm-mingw/x86_64-w64-mingw32-clang'));
    expect(m.cc).toMatchObject({ family: 'clang', flavor: 'llvm-mingw', target: 'x86_64-w64-windows-gnu', version: '18.1.8' });
    expect(m.problems.filter((p) => p.code.startsWith('cgo/cc-') || p.code === 'cgo/msvc-compiler')).toEqual([]);
  });

  it('Apple clang: right for GOOS=darwin, wrong target for the linux build', async () => {
    const b = box();
    const apple = path.join(FIXTURES, 'fake-bin-apple/clang');
    const darwin = await probeToolchain(b.ws, { env: { ...b.env, GOOS: 'darwin', GOARCH: 'arm64', CGO_ENABLED: '1', CC: apple } });
    expect(darwin.cc).toMatchObject({ family: 'clang', flavor: 'apple', version: '15.0.0', target: 'arm64-apple-darwin23.4.0' });
    // (CXX defaults to clang++ for darwin; a host clang++ on PATH is rightly a wrong-target CXX, so look at CC.)
    expect(darwin.problems.filter((p) => p.code === 'cgo/cc-wrong-target' && p.data?.['variable'] === 'CC')).toEqual([]);
    const linux = await probeToolchain(b.ws, { env: { ...b.env, CC: apple } });
    expect(find(linux, 'cgo/cc-wrong-target').message).toContain('arm64-apple-darwin23.4.0 (darwin/arm64)');
  });
});

describe('which go runs', () => {
  it('a fake go wrapper first on PATH shadows $GOROOT/bin/go', async () => {
    const b = box();
    const wrapperDir = path.join(FIXTURES, 'fake-bin-gowrapper');
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: `${wrapperDir}:${SYSTEM_PATH}`, CGO_LS_TEST_REAL_GO: REAL_GO } });
    expect(m.go.path).toBe(path.join(wrapperDir, 'go'));
    expect(m.go.candidates).toEqual([path.join(wrapperDir, 'go'), REAL_GO]);
    expect(m.go.version?.minor).toBe(26);
    expect(m.go.winnerIsGoroot).toBe(false);
    const p = find(m, 'cgo/go-shadowed');
    expect(p.message).toContain(`${wrapperDir}/go, is not $GOROOT/bin/go`);
    expect(p.message).toContain('put /usr/local/go/bin first on PATH');
  });

  it.skipIf(!HAVE_GO122)('Go 1.22.12 first on PATH shadows Go 1.26.8', async () => {
    const b = box();
    const dir = binDir(b.root, 'old', { go: GO122 });
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: `${dir}:${SYSTEM_PATH}` } });
    expect(m.go.version).toMatchObject({ minor: 22, patch: 12 });
    expect(m.go.winnerIsGoroot).toBe(true);
    const p = find(m, 'cgo/go-shadowed');
    expect(p.message).toContain('(go1.22.12) shadows /usr/local/go/bin/go (go1.26.8)');
  });

  it('no go on PATH → cgo/go-not-found, and the model is still built', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: '/usr/bin:/bin' } });
    expect(m.go.path).toBeNull();
    expect(find(m, 'cgo/go-not-found').message).toContain('exec: "go": executable file not found in $PATH');
    expect(m.cc?.path).toBe('/usr/bin/gcc');
    expect(m.cgo.enabled).toBe(true);
  });

  it('GOROOT pointing to a missing directory or to another version', async () => {
    const b = box();
    const missing = await probeToolchain(b.ws, { env: { ...b.env, GOROOT: '/nonexistent/go' } });
    expect(find(missing, 'cgo/goroot-mismatch').message).toContain('go: cannot find GOROOT directory: /nonexistent/go');
    if (HAVE_GO122) {
      const env = { ...b.env, GOROOT: GO122_ROOT };
      const other = await probeToolchain(b.ws, { env });
      const p = find(other, 'cgo/goroot-mismatch');
      expect(p.message).toContain('compile: version "go1.22.12" does not match go tool version "go1.26.8"');
      writeFileSync(path.join(b.ws, 'main.go'), 'package main\n\nfunc main() {}\n');
      expect(runGo(REAL_GO, ['build', '-o', '/dev/null', '.'], b.ws, env).stderr).toContain(
        'compile: version "go1.22.12" does not match go tool version "go1.26.8"',
      );
    }
  });
});

describe('go.mod and GOTOOLCHAIN', () => {
  it("go 1.99 with GOTOOLCHAIN=local → too-old with the line, the go command's message, and no download", async () => {
    const b = box({ goMod: 'module example.com/m\n\n// needs the future\ngo 1.99\n' });
    const m = await probeToolchain(b.ws, { env: b.env });
    const p = find(m, 'cgo/go-version-too-old');
    expect(p.target).toBe('go.mod');
    expect(p.goModLine).toBe(3);
    expect(p.goModFile).toBe(path.join(b.ws, 'go.mod'));
    const expected = 'go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)';
    expect(p.message).toContain(expected);
    expect(p.message).toContain('go.mod line 4');
    expect(runGo(REAL_GO, ['list', '-m'], b.ws, b.env).stderr).toContain(expected);
    expect(existsSync(path.join(b.env.GOMODCACHE!, 'cache/download/golang.org/toolchain'))).toBe(false);
  });

  it('GOTOOLCHAIN=auto from the environment: the probe still runs local and never downloads', async () => {
    const b = box({ goMod: 'module example.com/m\n\ngo 1.99\n' });
    const env = { ...b.env, GOTOOLCHAIN: 'auto' };
    const m = await probeToolchain(b.ws, { env });
    expect(m.go.version?.minor).toBe(26);
    const p = find(m, 'cgo/toolchain-switch');
    expect(p.severity).toBe('warning');
    expect(p.goModLine).toBe(2);
    expect(p.message).toContain('go: downloading go1.99.0 (linux/amd64)');
    expect(p.message).toContain('go: download go1.99.0 for linux/amd64: toolchain not available');
    expect(m.module?.selection).toEqual({ action: 'switch', how: 'download', toolchain: 'go1.99.0' });
    // Nothing was fetched or even locked in the (empty, private) module cache.
    const tc = path.join(b.env.GOMODCACHE!, 'cache/download/golang.org/toolchain');
    expect(existsSync(tc) ? readdirSync(path.join(tc, '@v')) : []).toEqual([]);
    // The real go command with auto does try (and fails offline): the probe's prediction matches.
    expect(runGo(REAL_GO, ['list', '-m'], b.ws, env).stderr).toContain('go: download go1.99.0 for linux/amd64: toolchain not available');
  });

  it('go.work decides in workspace mode; the file is named relative to the folder like the go command does', async () => {
    const b = box({ goMod: null });
    writeFileSync(path.join(b.ws, 'go.work'), 'go 1.99\n\nuse ./a\n');
    const a = path.join(b.ws, 'a');
    mkdirSync(a);
    writeFileSync(path.join(a, 'go.mod'), 'module example.com/a\n\ngo 1.22\n');
    const m = await probeToolchain(a, { env: b.env });
    expect(m.module).toMatchObject({ mode: 'workspace', goWork: path.join(b.ws, 'go.work'), goMod: path.join(a, 'go.mod') });
    const p = find(m, 'cgo/go-version-too-old');
    expect(p).toMatchObject({ goModFile: path.join(b.ws, 'go.work'), goModLine: 0 });
    const expected = 'go: ../go.work requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)';
    expect(p.message).toContain(expected);
    expect(runGo(REAL_GO, ['list', '-m'], a, b.env).stderr).toContain(expected);
  });

  it.skipIf(!HAVE_GO122)('Go 1.22.12 on a go 1.24 module fails; Go 1.26.8 does not', async () => {
    const b = box({ goMod: 'module example.com/m\n\ngo 1.24\n' });
    const dir = binDir(b.root, 'old', { go: GO122 });
    const env = { ...b.env, PATH: `${dir}:/usr/bin:/bin`, GOTOOLCHAIN: 'local' };
    const old = await probeToolchain(b.ws, { env });
    const expected = 'go: go.mod requires go >= 1.24 (running go 1.22.12; GOTOOLCHAIN=local)';
    expect(find(old, 'cgo/go-version-too-old').message).toContain(expected);
    expect(runGo(GO122, ['list', '-m'], b.ws, env).stderr).toContain(expected);
    const cur = await probeToolchain(b.ws, { env: b.env });
    expect(codesOf(cur)).not.toContain('cgo/go-version-too-old');
  });

  it('GOTOOLCHAIN=go1.22.12 pins another toolchain: reported as a switch (already downloaded here)', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, GOTOOLCHAIN: 'go1.22.12', GOMODCACHE: path.dirname(path.dirname(GO122_ROOT)) } });
    const p = find(m, 'cgo/toolchain-switch');
    expect(p.message).toContain('GOTOOLCHAIN=go1.22.12 (from the environment) makes the go command run go1.22.12 instead of the local go1.26.8');
    if (HAVE_GO122) expect(p.message).toContain(`already downloaded (${GO122})`);
    expect(m.go.version?.minor).toBe(26);
  });

  it('godebug cgocheck in go.mod is rejected by the go command; GODEBUG=cgocheck=0 is a warning', async () => {
    const b = box({ goMod: 'module example.com/m\n\ngo 1.22\n\ngodebug cgocheck=0\n' });
    const m = await probeToolchain(b.ws, { env: { ...b.env, GODEBUG: 'http2client=0,cgocheck=0' } });
    const g = find(m, 'cgo/godebug-cgocheck-gomod');
    expect(g.goModLine).toBe(4);
    expect(g.message).toContain('go.mod:5: unknown godebug "cgocheck"');
    expect(runGo(REAL_GO, ['list', '-m'], b.ws, b.env).stderr).toContain('go.mod:5: unknown godebug "cgocheck"');
    expect(find(m, 'cgo/cgocheck-off').message).toContain('GODEBUG=http2client=0,cgocheck=0 (from the environment)');
    const two = await probeToolchain(b.ws, { env: { ...b.env, GODEBUG: 'cgocheck=2' } });
    expect(find(two, 'cgo/cgocheck2-removed').message).toContain('GOEXPERIMENT=cgocheck2');
  });

  it('GOPATH mode and missing go.mod', async () => {
    const b = box({ goMod: null });
    const none = await probeToolchain(b.ws, { env: b.env });
    expect(none.module?.mode).toBe('none');
    expect(find(none, 'cgo/gopath-mode').severity).toBe('information');
    const auto = await probeToolchain(b.ws, { env: { ...b.env, GO111MODULE: 'auto' } });
    expect(auto.module?.mode).toBe('gopath');
    expect(find(auto, 'cgo/gopath-mode').severity).toBe('warning');
    const src = path.join(b.env.GOPATH!, 'src/example.com/m');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    const off = await probeToolchain(src, { env: { ...b.env, GO111MODULE: 'off' } });
    const p = find(off, 'cgo/gopath-mode');
    expect(p.message).toContain('GO111MODULE=off (from the environment)');
    expect(p.message).toContain(`ignores ${path.join(src, 'go.mod')}`);
    expect(p.message).not.toContain('not under GOPATH/src');
  });

  it('a go.mod-less dependency in the module cache is not told to run go mod init (the cache is read-only)', async () => {
    const b = box({ goMod: null });
    const modcache = path.join(b.root, 'modcache');
    const dep = path.join(modcache, 'github.com', 'h2non', 'bimg@v1.1.9');
    mkdirSync(dep, { recursive: true });
    writeFileSync(path.join(dep, 'vips.go'), 'package bimg\n\n// #include <stdlib.h>\nimport "C"\n');
    const env = { ...b.env, GOMODCACHE: modcache };
    // The go command itself has no module there (it builds the folder only as a dependency of one that requires it).
    expect(runGo(REAL_GO, ['env', 'GOMOD'], dep, env).stdout.trim()).toBe('/dev/null');
    const m = await probeToolchain(dep, { env });
    expect(m.module?.mode).toBe('none');
    expect(codesOf(m)).not.toContain('cgo/gopath-mode');
    expect(codesOf(await probeToolchain(dep, { env: { ...env, GO111MODULE: 'auto' } }))).not.toContain('cgo/gopath-mode');
    // The same folder outside the module cache still gets the advice.
    const elsewhere = await probeToolchain(dep, { env: { ...env, GOMODCACHE: path.join(b.root, 'other-cache') } });
    expect(codesOf(elsewhere)).toContain('cgo/gopath-mode');
  });
});

describe('inModuleCache', () => {
  it('is true for folders inside a name@version segment below the module cache, on Linux and Windows paths', () => {
    expect(inModuleCache('/home/u/go/pkg/mod/github.com/h2non/bimg@v1.1.9', '/home/u/go/pkg/mod', 'linux')).toBe(true);
    expect(inModuleCache('/home/u/go/pkg/mod/golang.org/x/sys@v0.0.0-20200930185726-fdedc70b468f/unix', '/home/u/go/pkg/mod', 'linux')).toBe(true);
    expect(inModuleCache('/home/u/go/pkg/mod/cache/download/github.com/h2non/bimg/@v', '/home/u/go/pkg/mod', 'linux')).toBe(false);
    expect(inModuleCache('/home/u/go/pkg/mod', '/home/u/go/pkg/mod', 'linux')).toBe(false);
    expect(inModuleCache('/home/u/src/bimg@v1.1.9', '/home/u/go/pkg/mod', 'linux')).toBe(false);
    expect(inModuleCache('/home/u/go/pkg/mod/x@v1', null, 'linux')).toBe(false);
    expect(inModuleCache('C:\\Users\\u\\go\\pkg\\mod\\github.com\\h2non\\bimg@v1.1.9', 'c:\\users\\u\\go\\pkg\\mod', 'windows')).toBe(true);
    expect(inModuleCache('D:\\work\\bimg@v1.1.9', 'C:\\Users\\u\\go\\pkg\\mod', 'windows')).toBe(false);
  });
});

describe('pkg-config', () => {
  it('a missing PKG_CONFIG is reported only for files that use #cgo pkg-config', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, PKG_CONFIG: 'nosuchpc --static', PKG_CONFIG_PATH: '/opt/x/lib/pkgconfig' } });
    expect(m.pkgConfig).toMatchObject({ argv: ['nosuchpc', '--static'], path: null, pkgConfigPath: '/opt/x/lib/pkgconfig', source: 'process-env' });
    const p = find(m, 'cgo/pkg-config-missing');
    expect(p.data).toMatchObject({ onlyIfPkgConfigUsed: true });
    expect(p.message).toContain('exec: "nosuchpc": executable file not found in $PATH');
  });
});

describe('editor vs login shell', () => {
  it("reports drift only when it changes cgo's outcome", async () => {
    const b = box();
    const onlyGo = binDir(b.root, 'onlygo', { go: REAL_GO });
    // The editor was started with a minimal PATH (no gcc); the login shell has the full one.
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: onlyGo }, shellEnv: { ...b.env, PATH: SYSTEM_PATH } as Record<string, string> });
    const p = find(m, 'cgo/env-drift');
    expect(p.message).toContain('CGO_ENABLED: the editor gets 0');
    expect(p.message).toContain('the login shell runs CC=gcc → /usr/bin/gcc');
    expect(p.data).toMatchObject({ variables: ['PATH'] });
    // A different but irrelevant variable is not drift.
    const same = await probeToolchain(b.ws, {
      env: b.env,
      shellEnv: { ...b.env, EDITOR: 'vim', PATH: `${SYSTEM_PATH}:/nonexistent` } as Record<string, string>,
    });
    expect(codesOf(same)).not.toContain('cgo/env-drift');
  });

  it('answers without waiting for a login shell that has not answered, and hands the drift over later', async () => {
    const b = box();
    const onlyGo = binDir(b.root, 'onlygo', { go: REAL_GO });
    let answer!: (env: Record<string, string>) => void;
    const shellEnv = new Promise<Record<string, string>>((r) => (answer = r));
    let late: Promise<ToolchainModel['problems']> | null = null;
    // The shell never answers until the model is back: with the old await, this would never resolve.
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: onlyGo }, shellEnv, onLateProblems: (p) => (late = p) });
    expect(codesOf(m)).not.toContain('cgo/env-drift');
    expect(late).not.toBeNull();
    answer({ ...b.env, PATH: SYSTEM_PATH } as Record<string, string>);
    const problems = await late!;
    expect(problems.map((p) => p.code)).toEqual(['cgo/env-drift']);
    expect(problems[0]!.message).toContain('CGO_ENABLED: the editor gets 0');
    expect(codesOf(m)).not.toContain('cgo/env-drift'); // the model itself is not mutated
  });

  it('checks drift inline when the login shell has already answered, even with a late-problems callback', async () => {
    const b = box();
    const onlyGo = binDir(b.root, 'onlygo', { go: REAL_GO });
    let called = false;
    const m = await probeToolchain(b.ws, {
      env: { ...b.env, PATH: onlyGo },
      shellEnv: Promise.resolve({ ...b.env, PATH: SYSTEM_PATH } as Record<string, string>),
      onLateProblems: () => (called = true),
    });
    expect(codesOf(m)).toContain('cgo/env-drift');
    expect(called).toBe(false);
  });
});

describe('robustness', () => {
  it('a hanging go command times out into a problem', async () => {
    const b = box();
    const started = Date.now();
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: `${path.join(FIXTURES, 'fake-bin-hanging-go')}:${SYSTEM_PATH}` }, timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(m.go.version).toBeNull();
    expect(find(m, 'cgo/go-env-failed').message).toMatch(/env -json: timed out after \d+ ms/);
    // The rest of the model is still there.
    expect(m.cc?.path).toBe('/usr/bin/gcc');
  });

  it('the fingerprint follows the compiler binary (mtime)', async () => {
    const b = box();
    const dir = path.join(b.root, 'cc');
    mkdirSync(dir);
    const cc = path.join(dir, 'mycc');
    writeFileSync(cc, '#!/bin/sh\n# FAKE compiler wrapper for the fingerprint test\nexec gcc "$@"\n', { mode: 0o755 });
    utimesSync(cc, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const env = { ...b.env, CC: cc };
    const m1 = await probeToolchain(b.ws, { env });
    expect(m1.cc).toMatchObject({ path: cc, family: 'gcc' });
    utimesSync(cc, new Date(2021, 0, 1), new Date(2021, 0, 1));
    const m2 = await probeToolchain(b.ws, { env });
    expect(m2.fingerprint).not.toBe(m1.fingerprint);
  });

  it('never throws, even when the platform hooks do', async () => {
    const b = box();
    const broken = brokenPlatform(b.ws);
    const m = await probeToolchain(b.ws, { env: b.env, platform: broken });
    expect(m.problems[0]?.message).toContain('disk on fire');
    expect(exitCodeFor(m)).toBe(1);
  });

  it('an already-aborted signal does not throw', async () => {
    const b = box();
    const ac = new AbortController();
    ac.abort();
    const m = await probeToolchain(b.ws, { env: b.env, signal: ac.signal });
    expect(m.folder).toBe(b.ws);
    expect(codesOf(m)).toContain('cgo/go-env-failed');
  });
});
