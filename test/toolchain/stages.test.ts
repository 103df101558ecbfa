// Which processes the toolchain probe runs before it answers: in the editor (onLateProblems set) the model waits
// only for what the first compiled diagnostic needs (go env, CC's identity); the C++ compiler and pkg-config are
// asked after it answered, and fill the model in. check/doctor (no onLateProblems) wait for everything. `go version`
// runs only when `go env -json` does not say the version. Counting wrappers (test fakes that log, then run the real
// tool) show what ran.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeToolchain, versionLineFromEnv } from '../../server/src/toolchain/probe.js';
import type { ToolchainModel } from '../../server/src/toolchain/types.js';
import { REAL_GO, SYSTEM_PATH, sandboxesPerTest, type Sandbox } from './helpers.js';

const box = sandboxesPerTest();

/** A directory of counting wrappers (test fakes): each logs `<name> <args>`, then runs the real tool. */
function countingTools(b: Sandbox, tools: Record<string, string>): { dir: string; calls: () => string[] } {
  const dir = path.join(b.root, 'counting');
  const log = path.join(b.root, 'calls.log');
  mkdirSync(dir, { recursive: true });
  for (const [name, real] of Object.entries(tools)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n# COUNTING WRAPPER (test fake)\necho "${name} $*" >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  // `go env -json` runs the C compiler too (GOGCCFLAGS): only the probe's own questions are counted.
  const asked = (l: string) => / (--version|-dumpmachine)$/.test(l);
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(asked) : []) };
}

/** FAKE C++ compiler (test fake): a gcc that says it targets aarch64 (what an unmatched cross g++ says). */
function aarch64Cxx(dir: string): string {
  const fake = path.join(dir, 'fake-cxx');
  writeFileSync(
    fake,
    '#!/bin/sh\n# FAKE aarch64 g++ (test fake)\ncase "$1" in\n  --version) echo "aarch64-linux-gnu-g++ (Debian 12.2.0-14) 12.2.0"; echo "Copyright (C) 2022 Free Software Foundation, Inc." ;;\n  -dumpmachine) echo aarch64-linux-gnu ;;\n  *) exit 1 ;;\nesac\n',
    { mode: 0o755 },
  );
  return fake;
}

describe('the C++ compiler and pkg-config are not part of the first answer in the editor', () => {
  it('the model answers after CC alone; g++ and pkg-config are asked afterwards and fill in the same model', async () => {
    const b = box();
    const t = countingTools(b, { gcc: '/usr/bin/gcc', 'g++': '/usr/bin/g++', 'pkg-config': '/usr/bin/pkg-config' });
    const env = { ...b.env, PATH: `${t.dir}:${SYSTEM_PATH}` };
    let late: Promise<ToolchainModel['problems']> | null = null;
    const m = await probeToolchain(b.ws, { env, cache: null, onLateProblems: (p) => (late = p) });
    // The first answer: CC identified, the C++ compiler and pkg-config located but not yet run.
    expect(t.calls().sort()).toEqual(['gcc --version', 'gcc -dumpmachine']);
    expect(m.cc).toMatchObject({ family: 'gcc', target: 'x86_64-linux-gnu' });
    expect(m.cxx).toMatchObject({ argv: ['g++'], path: path.join(t.dir, 'g++') });
    expect(m.cxx!.version).toBeUndefined();
    expect(m.pkgConfig.path).toBe(path.join(t.dir, 'pkg-config'));
    expect(m.pkgConfig.version).toBeUndefined();
    expect(late, 'the C++ compiler and pkg-config are handed over for later').not.toBeNull();

    expect(await late!).toEqual([]);
    expect(t.calls().sort()).toEqual(['g++ --version', 'g++ -dumpmachine', 'gcc --version', 'gcc -dumpmachine', 'pkg-config --version']);
    expect(m.cxx).toMatchObject({ family: 'gcc', target: 'x86_64-linux-gnu', flavor: 'debian' });
    expect(m.cxx!.version).toMatch(/^\d+\.\d+/);
    expect(m.pkgConfig.version).toMatch(/^\d/);

    // check and doctor wait for everything; the fingerprint (the compile caches' key) is the same either way.
    const cli = await probeToolchain(b.ws, { env, cache: null });
    expect(cli.cxx).toMatchObject({ family: 'gcc', version: m.cxx!.version, target: m.cxx!.target });
    expect(cli.pkgConfig.version).toBe(m.pkgConfig.version);
    expect(cli.fingerprint).toBe(m.fingerprint);
  });

  it('a problem with the C++ compiler comes through onLateProblems in the editor, and in the model for check/doctor', async () => {
    const b = box();
    const fake = aarch64Cxx(b.root);
    const env = { ...b.env, CXX: fake };
    let late: Promise<ToolchainModel['problems']> | null = null;
    const m = await probeToolchain(b.ws, { env, cache: null, onLateProblems: (p) => (late = p) });
    expect(m.problems.map((p) => p.code)).not.toContain('cgo/cc-wrong-target');
    const problems = await late!;
    expect(problems.map((p) => p.code)).toEqual(['cgo/cc-wrong-target']);
    expect(problems[0]!.data).toMatchObject({ variable: 'CXX', onlyIfCxxUsed: true, target: 'aarch64-linux-gnu' });
    expect(problems[0]!.severity).toBe('warning');

    const cli = await probeToolchain(b.ws, { env, cache: null });
    const inModel = cli.problems.filter((p) => p.code === 'cgo/cc-wrong-target');
    expect(inModel.map((p) => p.message)).toEqual([problems[0]!.message]);
  });
});

describe('late problems come one source at a time', () => {
  it("the C++ compiler's problem does not wait for a login shell that has not answered", async () => {
    const b = box();
    const fake = aarch64Cxx(b.root);
    let answer!: (env: Record<string, string>) => void;
    const shellEnv = new Promise<Record<string, string>>((r) => (answer = r));
    const batches: Promise<ToolchainModel['problems']>[] = [];
    await probeToolchain(b.ws, { env: { ...b.env, CXX: fake }, cache: null, shellEnv, onLateProblems: (p) => void batches.push(p) });
    expect(batches).toHaveLength(2);
    // The shell is still silent, yet the C++ batch settles.
    const settled = await Promise.race([Promise.any(batches).then((p) => p.map((x) => x.code)), new Promise((r) => setTimeout(() => r('none'), 20_000))]);
    expect(settled).toEqual(['cgo/cc-wrong-target']);
    answer({ ...b.env, CXX: fake } as Record<string, string>);
    expect((await Promise.all(batches)).flat().map((p) => p.code)).toEqual(['cgo/cc-wrong-target']);
  });
});

describe('go version runs only when go env -json does not say the version', () => {
  it('a go with GOVERSION: only `go env -json` runs, and the `go version` line is the one go prints', async () => {
    const b = box();
    // A counting wrapper around the real go, in a GOROOT-like directory with a VERSION file (read for candidates).
    const root = path.join(b.root, 'shimroot');
    const log = path.join(b.root, 'go.log');
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'VERSION'), readFileSync('/usr/local/go/VERSION', 'utf8'));
    writeFileSync(path.join(root, 'bin', 'go'), `#!/bin/sh\n# COUNTING GO WRAPPER (test fake)\necho "$*" >> '${log}'\nexec ${REAL_GO} "$@"\n`, { mode: 0o755 });
    const env = { ...b.env, PATH: `${path.join(root, 'bin')}:${SYSTEM_PATH}` };
    const m = await probeToolchain(b.ws, { env, cache: null });
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toContain('env -json');
    expect(calls).not.toContain('version');
    const real = execFileSync(REAL_GO, ['version'], { env: { ...b.env, GOTOOLCHAIN: 'local' }, encoding: 'utf8' }).trim();
    expect(m.go.versionOutput).toBe(real);
    expect(m.go.version?.minor).toBe(26);
  });

  it('a go whose `go env -json` has no GOVERSION (before Go 1.16): `go version` is asked', async () => {
    const b = box();
    const envJson = JSON.parse(execFileSync(REAL_GO, ['env', '-json'], { cwd: b.ws, env: { ...b.env, GOTOOLCHAIN: 'local' }, encoding: 'utf8' })) as Record<
      string,
      string
    >;
    delete envJson.GOVERSION;
    const dir = path.join(b.root, 'oldgo', 'bin');
    const log = path.join(b.root, 'go.log');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(b.root, 'env.json'), JSON.stringify(envJson));
    writeFileSync(
      path.join(dir, 'go'),
      `#!/bin/sh\n# FAKE go 1.15 (test fake): go env -json without GOVERSION\necho "$*" >> '${log}'\ncase "$1" in\n  env) cat '${path.join(b.root, 'env.json')}' ;;\n  version) echo "go version go1.15.15 linux/amd64" ;;\n  *) exit 2 ;;\nesac\n`,
      { mode: 0o755 },
    );
    const m = await probeToolchain(b.ws, { env: { ...b.env, PATH: `${dir}:${SYSTEM_PATH}` }, cache: null });
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toContain('env -json');
    expect(calls).toContain('version');
    expect(m.go.versionOutput).toBe('go version go1.15.15 linux/amd64');
    expect(m.go.version).toMatchObject({ minor: 15, patch: 15 });
  });

  it('versionLineFromEnv: the line from GOVERSION and GOHOSTOS/GOHOSTARCH, nothing for an absent or odd GOVERSION', () => {
    const env = (v: Record<string, unknown>) => JSON.stringify({ GOHOSTOS: 'linux', GOHOSTARCH: 'amd64', ...v });
    expect(versionLineFromEnv(env({ GOVERSION: 'go1.26.8' }))).toBe('go version go1.26.8 linux/amd64');
    expect(versionLineFromEnv(env({ GOVERSION: 'go1.21.0 X:loopvar' }))).toBe('go version go1.21.0 X:loopvar linux/amd64');
    expect(versionLineFromEnv(env({}))).toBeUndefined();
    expect(versionLineFromEnv(env({ GOVERSION: '' }))).toBeUndefined();
    expect(versionLineFromEnv(env({ GOVERSION: 'devel go1.27-abcdef Tue Jan 1 00:00:00 2026 +0000' }))).toBeUndefined();
    expect(versionLineFromEnv(env({ GOVERSION: 42 }))).toBeUndefined();
    expect(versionLineFromEnv(JSON.stringify({ GOVERSION: 'go1.26.8' }))).toBeUndefined();
    expect(versionLineFromEnv('not json')).toBeUndefined();
  });
});
