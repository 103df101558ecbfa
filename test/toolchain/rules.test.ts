// The pure rules: quoted.Split and the CC checks, compiler identification from real banners, the CGO_ENABLED
// decision order, GOTOOLCHAIN selection and go.mod directives.
import { describe, expect, it } from 'vitest';
import { parseGoVersion } from '../../server/src/core/goversion.js';
import {
  cgoSupported,
  classifyCompiler,
  defaultCC,
  defaultCXX,
  quotedSplit,
  targetFromArgs,
  tripleToGo,
  validateCompilerEnv,
} from '../../server/src/toolchain/compiler.js';
import {
  cgocheckFromGodebug,
  decideCgoEnabled,
  parseGoToolchain,
  parseModDirectives,
  selectToolchain,
  type CgoDecisionInput,
} from '../../server/src/toolchain/rules.js';
import { codes } from '../../server/src/toolchain/codes.js';

describe('quoted.Split and the BuildInit CC checks', () => {
  it('splits like cmd/internal/quoted', () => {
    expect(quotedSplit('zig cc')).toEqual({ ok: true, args: ['zig', 'cc'] });
    expect(quotedSplit(' "C:\\Program Files\\LLVM\\bin\\clang.exe"\t--target=x86_64-w64-windows-gnu ')).toEqual({
      ok: true,
      args: ['C:\\Program Files\\LLVM\\bin\\clang.exe', '--target=x86_64-w64-windows-gnu'],
    });
    // A quote is special only at the start of a field, and there are no escapes.
    expect(quotedSplit('-DX="a b"')).toEqual({ ok: true, args: ['-DX="a', 'b"'] });
    expect(quotedSplit("'a\\' b")).toEqual({ ok: true, args: ['a\\', 'b'] });
    expect(quotedSplit('""')).toEqual({ ok: true, args: [''] });
    expect(quotedSplit('"gcc')).toEqual({ ok: false, error: 'unterminated " string' });
    expect(quotedSplit("gcc 'x")).toEqual({ ok: false, error: "unterminated ' string" });
    expect(quotedSplit('  ')).toEqual({ ok: true, args: [] });
  });

  it("validateCompilerEnv gives the go command's messages (unix and windows path rules)", () => {
    expect(validateCompilerEnv('CC', '"gcc', 'linux')).toBe('go: CC environment variable could not be parsed: unterminated " string');
    expect(validateCompilerEnv('CXX', './x/g++', 'linux')).toBe('go: CXX environment variable is relative; must be absolute path: ./x/g++');
    expect(validateCompilerEnv('CC', 'gcc -m64', 'linux')).toBeNull();
    expect(validateCompilerEnv('CC', '/usr/bin/gcc', 'linux')).toBeNull();
    expect(validateCompilerEnv('CC', '"C:\\Program Files\\LLVM\\bin\\clang.exe" --target=x', 'windows')).toBeNull();
    expect(validateCompilerEnv('CC', 'mingw\\bin\\gcc.exe', 'windows')).toBe(
      'go: CC environment variable is relative; must be absolute path: mingw\\bin\\gcc.exe',
    );
    // Unquoted, the first word is C:\Program: absolute, so BuildInit accepts it and LookPath fails later (go#41400).
    expect(validateCompilerEnv('CC', 'C:\\Program Files\\LLVM\\bin\\clang.exe', 'windows')).toBeNull();
  });

  it('DefaultCC / DefaultCXX by target OS', () => {
    expect(['darwin', 'ios', 'freebsd', 'openbsd'].map(defaultCC)).toEqual(['clang', 'clang', 'clang', 'clang']);
    expect(['linux', 'windows', 'netbsd', 'android'].map(defaultCC)).toEqual(['gcc', 'gcc', 'gcc', 'gcc']);
    expect(defaultCXX('darwin')).toBe('clang++');
    expect(defaultCXX('windows')).toBe('g++');
  });

  it('CgoSupported', () => {
    expect(cgoSupported('linux', 'amd64')).toBe(true);
    expect(cgoSupported('windows', 'arm64')).toBe(true);
    expect(cgoSupported('linux', 'ppc64')).toBe(false);
    expect(cgoSupported('js', 'wasm')).toBe(false);
  });
});

describe('compiler identification', () => {
  const v = (stdout: string, stderr = '') => ({ stdout, stderr });
  const d = (stdout: string, exitCode = 0) => ({ stdout, stderr: '', exitCode });

  it('Debian gcc', () => {
    expect(
      classifyCompiler(['gcc'], v('gcc (Debian 12.2.0-14+deb12u1) 12.2.0\nCopyright (C) 2022 Free Software Foundation, Inc.\n'), d('x86_64-linux-gnu\n')),
    ).toEqual({
      family: 'gcc',
      flavor: 'debian',
      version: '12.2.0',
      target: 'x86_64-linux-gnu',
      banner: 'gcc (Debian 12.2.0-14+deb12u1) 12.2.0',
    });
  });

  it('MinGW-w64 (Debian cross, MSYS2)', () => {
    expect(classifyCompiler(['x86_64-w64-mingw32-gcc'], v('x86_64-w64-mingw32-gcc (GCC) 12-win32\n'), d('x86_64-w64-mingw32\n'))).toMatchObject({
      family: 'gcc',
      flavor: 'mingw-w64',
      version: '12-win32',
    });
    expect(classifyCompiler(['gcc.exe'], v('gcc.exe (Rev3, Built by MSYS2 project) 13.2.0\n'), d('x86_64-w64-mingw32\r\n'))).toMatchObject({
      family: 'gcc',
      flavor: 'mingw-w64',
      version: '13.2.0',
      target: 'x86_64-w64-mingw32',
    });
  });

  it('MSVC cl: banner on stderr, no -dumpmachine', () => {
    const cl = v(
      'cl : Command line error D8003 : missing source filename\n',
      'Microsoft (R) C/C++ Optimizing Compiler Version 19.38.33130 for x86\nCopyright (C) Microsoft Corporation.  All rights reserved.\n',
    );
    expect(classifyCompiler(['cl'], cl, d('', 2))).toMatchObject({ family: 'msvc-cl', version: '19.38.33130', target: 'i686-pc-windows-msvc' });
  });

  it('clang variants: clang-cl, MSVC-target clang, llvm-mingw, Apple, zig', () => {
    const msvcClang = v('clang version 17.0.3\nTarget: x86_64-pc-windows-msvc\nThread model: posix\n');
    expect(classifyCompiler(['clang-cl.exe'], msvcClang, d('', 1))).toMatchObject({ family: 'clang-cl', target: 'x86_64-pc-windows-msvc' });
    expect(classifyCompiler(['clang'], msvcClang, d('x86_64-pc-windows-msvc'))).toMatchObject({ family: 'clang', flavor: 'msvc-target' });
    expect(
      classifyCompiler(
        ['aarch64-w64-mingw32-clang'],
        v('clang version 18.1.8 (https://github.com/llvm/llvm-project.git 3b5b5c1e)\nTarget: aarch64-w64-windows-gnu\n'),
        d('aarch64-w64-windows-gnu'),
      ),
    ).toMatchObject({
      family: 'clang',
      flavor: 'llvm-mingw',
      version: '18.1.8',
    });
    expect(
      classifyCompiler(['clang'], v('Apple clang version 15.0.0 (clang-1500.3.9.4)\nTarget: arm64-apple-darwin23.4.0\n'), d('arm64-apple-darwin23.4.0')),
    ).toMatchObject({
      family: 'clang',
      flavor: 'apple',
      version: '15.0.0',
    });
    expect(
      classifyCompiler(['zig', 'cc', '-target', 'aarch64-linux-musl'], v('clang version 18.1.6 (https://github.com/ziglang/zig-bootstrap 98bc6bf)\n'), null),
    ).toMatchObject({
      family: 'zig',
      target: 'aarch64-linux-musl',
    });
  });

  it('Cygwin and 32-bit MinGW', () => {
    expect(classifyCompiler(['gcc'], v('gcc (GCC) 11.4.0\n'), d('x86_64-pc-cygwin'))).toMatchObject({ flavor: 'cygwin' });
    expect(classifyCompiler(['gcc'], v('gcc (GCC) 13.2.0\n'), d('x86_64-pc-msys'))).toMatchObject({ flavor: 'msys' });
    expect(classifyCompiler(['gcc'], v('gcc.exe (MinGW.org GCC-6.3.0-1) 6.3.0\n'), d('mingw32'))).toMatchObject({ flavor: 'mingw32', version: '6.3.0' });
  });

  it('unknown output stays unknown', () => {
    expect(classifyCompiler(['tcc'], v('tcc version 0.9.27 (x86_64 Linux)\n'), d('', 1)).family).toBe('unknown');
  });

  it('triples to GOOS/GOARCH', () => {
    expect(tripleToGo('x86_64-linux-gnu')).toEqual({ os: 'linux', arch: 'amd64' });
    expect(tripleToGo('x86_64-w64-mingw32')).toEqual({ os: 'windows', arch: 'amd64' });
    expect(tripleToGo('i686-w64-mingw32')).toEqual({ os: 'windows', arch: '386' });
    expect(tripleToGo('mingw32')).toEqual({ os: 'windows', arch: '386' });
    expect(tripleToGo('aarch64-w64-windows-gnu')).toEqual({ os: 'windows', arch: 'arm64' });
    expect(tripleToGo('arm64-apple-darwin23.4.0')).toEqual({ os: 'darwin', arch: 'arm64' });
    expect(tripleToGo('x86_64-pc-cygwin')).toEqual({ os: 'windows', arch: 'amd64' });
    expect(tripleToGo('aarch64-linux-android21')).toEqual({ os: 'android', arch: 'arm64' });
    expect(tripleToGo('powerpc64le-linux-gnu')).toEqual({ os: 'linux', arch: 'ppc64le' });
    expect(targetFromArgs(['--target=x86_64-w64-windows-gnu'])).toBe('x86_64-w64-windows-gnu');
    expect(targetFromArgs(['-O2'])).toBeUndefined();
  });
});

describe('CGO_ENABLED decision order (§4.1)', () => {
  const go126 = parseGoVersion('go1.26.8');
  const go119 = parseGoVersion('go1.19.8');
  const base: CgoDecisionInput = {
    cgoEnabled: null,
    goos: 'linux',
    goarch: 'amd64',
    hostGoos: 'linux',
    hostGoarch: 'amd64',
    goVersion: go126,
    processCC: '',
    defaultCC: 'gcc',
    defaultCCFound: true,
  };

  it('explicit 0/1 wins over everything, other values are ignored', () => {
    expect(decideCgoEnabled({ ...base, cgoEnabled: { value: '1', source: 'goenv-file', file: '/e' }, goos: 'windows', defaultCCFound: false })).toMatchObject({
      enabled: true,
      rule: 'explicit',
      source: 'goenv-file',
    });
    const yes = decideCgoEnabled({ ...base, cgoEnabled: { value: 'yes', source: 'process-env' } });
    expect(yes).toMatchObject({ enabled: true, rule: 'default' });
    expect(yes.reason).toContain('CGO_ENABLED=yes (from the environment) is ignored');
  });

  it('cross-compiling → 0, before the compiler check', () => {
    expect(decideCgoEnabled({ ...base, goos: 'windows' })).toMatchObject({ enabled: false, rule: 'cross-compiling' });
    expect(decideCgoEnabled({ ...base, goarch: 'arm64' })).toMatchObject({ enabled: false, rule: 'cross-compiling' });
  });

  it('unsupported platform → 0', () => {
    expect(decideCgoEnabled({ ...base, goos: 'plan9', hostGoos: 'plan9', goarch: 'amd64' })).toMatchObject({ enabled: false, rule: 'unsupported' });
  });

  it('Go 1.20+: CC unset in the process env and DefaultCC missing → 0; CC set, or Go 1.19 → 1', () => {
    expect(decideCgoEnabled({ ...base, defaultCCFound: false })).toMatchObject({ enabled: false, rule: 'no-default-cc' });
    expect(decideCgoEnabled({ ...base, defaultCCFound: false, processCC: 'nosuchcc' })).toMatchObject({ enabled: true, rule: 'default' });
    expect(decideCgoEnabled({ ...base, defaultCCFound: false, goVersion: go119 })).toMatchObject({ enabled: true, rule: 'default' });
    const f = decideCgoEnabled({ ...base, defaultCCFound: false, fileCC: { value: '/usr/bin/gcc', source: 'goenv-file', file: '/h/env' } });
    expect(f.reason).toContain('CC=/usr/bin/gcc (from go env -w, /h/env) does not prevent this');
  });

  it('a toolchain built with a fixed CGO_ENABLED: the reported value wins and is explained', () => {
    const d = decideCgoEnabled({ ...base, reported: '0' });
    expect(d).toMatchObject({ enabled: false, rule: 'toolchain-built' });
    expect(decideCgoEnabled({ ...base, reported: '1' })).toMatchObject({ enabled: true, rule: 'default' });
  });
});

describe('GOTOOLCHAIN selection', () => {
  const running = parseGoVersion('go1.26.8')!;
  const gt = (value: string) => ({ value, source: 'process-env' as const });
  const go = (value: string, line = 2) => ({ value, line });

  it('parses the forms', () => {
    expect(parseGoToolchain('auto')).toEqual({ name: 'local', mode: 'auto' });
    expect(parseGoToolchain('path')).toEqual({ name: 'local', mode: 'path' });
    expect(parseGoToolchain('go1.22.12+auto')).toEqual({ name: 'go1.22.12', mode: 'auto' });
    expect(parseGoToolchain('go1.22.12')).toEqual({ name: 'go1.22.12', mode: 'pinned' });
  });

  it("local: a newer go line is an error with the go command's message; the toolchain line is ignored", () => {
    expect(selectToolchain({ running, gotoolchain: gt('local'), goLine: go('1.99'), fileName: 'go.mod' })).toMatchObject({
      action: 'error',
      line: 2,
      message: 'go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)',
    });
    expect(selectToolchain({ running, gotoolchain: gt('local'), goLine: go('1.26.8'), fileName: 'go.mod' }).action).toBe('ok');
    expect(selectToolchain({ running, gotoolchain: gt('local'), goLine: go('1.26'), fileName: 'go.mod' }).action).toBe('ok');
    expect(selectToolchain({ running, gotoolchain: gt('local'), goLine: go('1.22'), toolchainLine: go('go1.99.1', 4), fileName: 'go.mod' }).action).toBe('ok');
    expect(selectToolchain({ running, gotoolchain: gt('local'), goLine: go('1.27rc1'), fileName: 'go.work' }).message).toBe(
      'go: go.work requires go >= 1.27rc1 (running go 1.26.8; GOTOOLCHAIN=local)',
    );
  });

  it('auto / path: switch to the go line (go1.99.0) or a newer toolchain line', () => {
    expect(selectToolchain({ running, gotoolchain: gt('auto'), goLine: go('1.99'), fileName: 'go.mod' })).toEqual({
      action: 'switch',
      how: 'download',
      toolchain: 'go1.99.0',
      cause: 'go-line',
      line: 2,
    });
    expect(selectToolchain({ running, gotoolchain: gt('path'), goLine: go('1.22'), toolchainLine: go('go1.99.1', 4), fileName: 'go.mod' })).toEqual({
      action: 'switch',
      how: 'path',
      toolchain: 'go1.99.1',
      cause: 'toolchain-line',
      line: 4,
    });
    expect(selectToolchain({ running, gotoolchain: gt('auto'), goLine: go('1.22'), toolchainLine: go('default', 4), fileName: 'go.mod' }).action).toBe('ok');
  });

  it('a pinned name runs that toolchain, and fails when it is older than the go line', () => {
    expect(selectToolchain({ running, gotoolchain: gt('go1.22.12'), goLine: go('1.22'), fileName: 'go.mod' })).toMatchObject({
      action: 'switch',
      how: 'pinned',
      toolchain: 'go1.22.12',
    });
    expect(selectToolchain({ running, gotoolchain: gt('go1.22.12'), goLine: go('1.24'), fileName: 'go.mod' }).message).toBe(
      'go: go.mod requires go >= 1.24 (running go 1.22.12; GOTOOLCHAIN=go1.22.12)',
    );
    expect(selectToolchain({ running, gotoolchain: gt('go1.24.0+auto'), goLine: go('1.22'), fileName: 'go.mod' })).toMatchObject({
      action: 'switch',
      how: 'pinned',
      toolchain: 'go1.24.0',
    });
  });

  it('before Go 1.21 there is no switching; 1.20.8+ refuse go >= 1.22', () => {
    expect(selectToolchain({ running: parseGoVersion('go1.19.8')!, gotoolchain: gt('auto'), goLine: go('1.99'), fileName: 'go.mod' }).action).toBe('ok');
    expect(selectToolchain({ running: parseGoVersion('go1.20.8')!, gotoolchain: gt('auto'), goLine: go('1.22'), fileName: 'go.mod' }).action).toBe('error');
  });
});

describe('go.mod directives and GODEBUG', () => {
  it('finds go, toolchain and godebug lines (0-based), in blocks too, ignoring comments', () => {
    const d = parseModDirectives(
      '// c\nmodule example.com/m // x\n\ngo 1.22.0\ntoolchain go1.24.1\n\ngodebug (\n\tpanicnil=1 // why\n\tcgocheck=0\n)\ngodebug asynctimerchan=1\n',
    );
    expect(d.module).toBe('example.com/m');
    expect(d.go).toEqual({ value: '1.22.0', line: 3 });
    expect(d.toolchain).toEqual({ value: 'go1.24.1', line: 4 });
    expect(d.godebug).toEqual([
      { key: 'panicnil', value: '1', line: 7 },
      { key: 'cgocheck', value: '0', line: 8 },
      { key: 'asynctimerchan', value: '1', line: 10 },
    ]);
  });

  it('cgocheck from GODEBUG (last wins)', () => {
    expect(cgocheckFromGodebug('cgocheck=0')).toBe('0');
    expect(cgocheckFromGodebug('cgocheck=0,http2client=0,cgocheck=1')).toBe('1');
    expect(cgocheckFromGodebug('madvdontneed=1')).toBeUndefined();
  });
});

describe('code catalogue', () => {
  it('every code is cgo/<kebab>, unique, with cause and fix', () => {
    const names = codes.map((c) => c.code);
    expect(new Set(names).size).toBe(names.length);
    for (const c of codes) {
      expect(c.code).toMatch(/^cgo\/[a-z0-9]+(-[a-z0-9.]+)*$/);
      expect(c.cause.length).toBeGreaterThan(20);
      expect(c.fix.length).toBeGreaterThan(10);
    }
    for (const required of [
      'cgo/cc-not-found',
      'cgo/disabled',
      'cgo/cc-invalid-env',
      'cgo/cc-wrong-target',
      'cgo/msvc-compiler',
      'cgo/cygwin-compiler',
      'cgo/mingw32-for-amd64',
      'cgo/go-shadowed',
      'cgo/goroot-mismatch',
      'cgo/go-not-found',
      'cgo/go-version-too-old',
      'cgo/cgocheck-off',
      'cgo/env-drift',
      'cgo/gopath-mode',
      'cgo/pkg-config-missing',
    ]) {
      expect(names).toContain(required);
    }
  });
});
