// renderReport / exitCodeFor on real probes, and readLoginShellEnv with a real bash login shell.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeToolchain, readLoginShellEnv } from '../../server/src/toolchain/probe.js';
import { exitCodeFor, renderReport } from '../../server/src/toolchain/report.js';
import { parseEnvLines, parseEnvNul } from '../../server/src/toolchain/shellenv.js';
import { FIXTURES, sandboxesPerTest } from './helpers.js';

const box = sandboxesPerTest();

describe('renderReport', () => {
  it('text: flutter-doctor style sections, each problem followed by its fix, values with provenance', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, GOOS: 'windows', CGO_ENABLED: '1' } });
    const text = renderReport(m, 'text');
    expect(text).toMatch(/^\[✓\] Go toolchain — go1\.26\.8 at \/usr\/local\/go\/bin\/go$/m);
    expect(text).toMatch(/^\[✗\] C compiler — \/usr\/bin\/gcc, gcc debian /m);
    expect(text).toContain('    • reason: CGO_ENABLED=1 is set explicitly (from the environment)');
    expect(text).toContain('    • GOOS = windows (from the environment)');
    // Each problem: the cause with its code, the fix on the next line, then the details (provenance, Go's words).
    expect(text).toContain(
      [
        '    ✗ CC gcc targets linux/amd64, not windows/amd64: builds fail [cgo/cc-wrong-target]',
        '      Fix: set CC=x86_64-w64-mingw32-gcc (environment, cgo.env setting, or `go env -w CC=x86_64-w64-mingw32-gcc`) and CXX=x86_64-w64-mingw32-g++',
        '      CC=gcc (toolchain default) is /usr/bin/gcc (',
      ].join('\n'),
    );
    expect(text).toContain("\n      go build: `gcc: error: unrecognized command-line option '-mthreads'; did you mean '-pthread'?`\n");
    expect(text).toContain('! Found 1 error(s)');
    expect(exitCodeFor(m)).toBe(1);
  });

  it('text: problems of every section are shown (go env file under Go toolchain, WSL under Environment)', async () => {
    const b = box();
    mkdirSync(b.env.GOENV!); // a directory where the go env file should be
    const winbin = path.join(b.root, 'winbin');
    mkdirSync(winbin);
    // FAKE Windows compiler reached through WSL's PATH (a shell script named gcc.exe).
    writeFileSync(path.join(winbin, 'gcc.exe'), '#!/bin/sh\necho "gcc.exe (x86_64-posix-seh-rev0, Built by MinGW-W64 project) 13.2.0"\n', { mode: 0o755 });
    const m = await probeToolchain(b.ws, { env: { ...b.env, WSL_DISTRO_NAME: 'Ubuntu', CC: path.join(winbin, 'gcc.exe') } });
    const text = renderReport(m, 'text');
    const goSection = text.slice(text.indexOf('[!] Go toolchain'), text.indexOf('] Module'));
    expect(goSection).toContain(
      '    ! the go env file is not a readable file: values set with `go env -w` are not in effect [cgo/goenv-unreadable]\n      Fix: point GOENV at a file',
    );
    expect(text).toMatch(/^\[✗\] Environment — WSL$/m);
    expect(text.slice(text.indexOf('] Environment'))).toContain(
      "    ✗ CC is a Windows compiler (gcc.exe) reached through WSL's PATH [cgo/wsl-windows-toolchain]\n      Fix: install the Linux toolchain inside WSL",
    );
    // Every problem counted in the summary is printed.
    for (const p of m.problems) expect(text).toContain(`[${p.code}]`);
  });

  it('text: a healthy toolchain says so and exits 0', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: b.env });
    const text = renderReport(m, 'text');
    expect(text.split('\n').filter((l) => l.startsWith('['))).toEqual([
      expect.stringMatching(/^\[✓\] Go toolchain/),
      expect.stringMatching(/^\[✓\] Module/),
      expect.stringMatching(/^\[✓\] cgo — CGO_ENABLED=1 for linux\/amd64$/),
      expect.stringMatching(/^\[✓\] C compiler/),
      expect.stringMatching(/^\[✓\] pkg-config — \/usr\/bin\/pkg-config /),
    ]);
    expect(text).toContain('• No issues found.');
    expect(exitCodeFor(m)).toBe(0);
  });

  it('markdown: compact hover with version, target, CGO_ENABLED reason, CC identity, flags and pkg-config', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, CGO_CFLAGS: '-O1 -I/opt/x' } });
    const md = renderReport(m, 'markdown');
    expect(md.split('\n')[0]).toBe('**cgo** enabled · `linux/amd64` · go1.26.8 (`/usr/local/go/bin/go`)');
    expect(md).toContain('- `CGO_ENABLED=1`: default for the native platform linux/amd64');
    expect(md).toMatch(/- CC `gcc` \(toolchain default\) → `\/usr\/bin\/gcc`, gcc debian [\d.]+, target `x86_64-linux-gnu`/);
    expect(md).toContain('CGO_CFLAGS `-O1 -I/opt/x` (from the environment)');
    expect(md).toMatch(/- pkg-config: `\/usr\/bin\/pkg-config` \d/);
    expect(md.split('\n').length).toBeLessThanOrEqual(10);
  });

  it('markdown: problems keep code spans and escape <placeholders>', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, CC: 'nosuchcc' } });
    const md = renderReport(m, 'markdown');
    expect(md).toContain('`cgo: C compiler "nosuchcc" not found: exec: "nosuchcc": executable file not found in $PATH`');
    expect(md).toContain('\\<compiler on PATH or absolute path\\>');
    // The cause in bold, then the fix and the details on lines of their own (a trailing backslash breaks the line).
    expect(md).toContain('✗ **C compiler "nosuchcc" not found: cgo builds fail** (`cgo/cc-not-found`)\\\nFix: install it or set CC=\\<compiler on PATH');
    expect(md).toMatch(
      /\(or in the cgo\.env setting\)\\\ngo build: `cgo: C compiler "nosuchcc" not found: [^`]*` \(after `# runtime\/cgo`\)\\\nCC=nosuchcc \(from the environment\)\.$/,
    );
    expect(md).toContain('- CC `nosuchcc` (from the environment) → **not found**');
  });

  it('json: the model, with the child environment cut down to relevant keys', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, {
      env: { ...b.env, AWS_SECRET_ACCESS_KEY: 'hunter2', GOPRIVATE: 'corp.example', PKG_CONFIG_PATH: '/opt/pc', GOPROXY: 'https://me:s3cret@proxy.corp,off' },
    });
    const json = renderReport(m, 'json');
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('corp.example');
    expect(json).not.toContain('s3cret');
    expect(json).toContain('https://***@proxy.corp,off');
    const parsed = JSON.parse(json) as typeof m;
    expect(parsed.childEnv.PKG_CONFIG_PATH).toBe('/opt/pc');
    expect(parsed.childEnv.LC_ALL).toBe('C');
    expect(parsed.cc?.path).toBe('/usr/bin/gcc');
    expect(parsed.fingerprint).toBe(m.fingerprint);
    expect(parsed.go.env?.GOVERSION).toBe('go1.26.8');
  });
});

describe('readLoginShellEnv', () => {
  it("reads a bash login shell's environment (multi-line values intact, start-up noise ignored)", async () => {
    const b = box();
    writeFileSync(
      path.join(b.home, '.bash_profile'),
      'echo "welcome to the machine"\nexport CC=/opt/cross/bin/gcc\nexport MULTI="line1\nline2"\nexport PATH="/opt/cross/bin:$PATH"\n',
    );
    const env = await readLoginShellEnv('/bin/bash', 10_000, { env: { HOME: b.home, PATH: '/usr/bin:/bin' } });
    expect(env).not.toBeNull();
    expect(env!.CC).toBe('/opt/cross/bin/gcc');
    expect(env!.MULTI).toBe('line1\nline2');
    expect(env!.PATH!.startsWith('/opt/cross/bin:')).toBe(true);
    expect(Object.keys(env!)).not.toContain('welcome to the machine');
  });

  it('returns null when the shell hangs (timeout) or does not exist', async () => {
    const started = Date.now();
    expect(await readLoginShellEnv(path.join(FIXTURES, 'fake-bin-slowshell/slowsh'), 500)).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readLoginShellEnv('/nonexistent/shell', 2_000)).toBeNull();
    expect(await readLoginShellEnv('', 2_000)).toBeNull();
  });

  it('drift end to end: a login shell that adds a compiler directory', async () => {
    const b = box();
    const bin = path.join(b.root, 'crossbin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pkg-config'), '#!/bin/sh\n# FAKE pkg-config that only the login shell finds\necho 0.29.2\n', { mode: 0o755 });
    writeFileSync(path.join(b.home, '.bash_profile'), `export PATH="${bin}:$PATH"\n`);
    const shellEnv = await readLoginShellEnv('/bin/bash', 10_000, { env: { ...b.env } as NodeJS.ProcessEnv });
    const m = await probeToolchain(b.ws, { env: b.env, shellEnv });
    const p = m.problems.find((x) => x.code === 'cgo/env-drift');
    expect(p?.message).toContain(`pkg-config: editor → /usr/bin/pkg-config; login shell → ${bin}/pkg-config`);
  });

  it('parsers', () => {
    expect(parseEnvNul('A=1\0B=x\ny\0=bad\0')).toEqual({ A: '1', B: 'x\ny' });
    expect(parseEnvLines('A=1\nB=x\ny\nC=\n')).toEqual({ A: '1', B: 'x\ny', C: '' });
  });
});
