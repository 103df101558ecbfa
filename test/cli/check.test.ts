// `cgo-ls check` and `cgo-ls doctor` as a user runs them: the built binary, real toolchain.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';
import { PARSE_WORKER_IDLE_MS } from '../../server/src/engine/parseworker.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'modules');

/** The CLI without SHELL: the machine's login shell (a fresh HOME's PATH may lack Go: cgo/env-drift) is not under test. */
const noShell = (() => {
  const e = { ...process.env };
  delete e['SHELL'];
  return e;
})();

function cli(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [serverMain, ...args], { cwd, env: noShell, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cgo-ls check', () => {
  it('prints compiler-style lines for each static problem and exits 1', () => {
    const r = cli(['check', '.'], path.join(fixtures, 'static'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^detached\.go:3:1: error cgo\/preamble-detached: /m);
    expect(r.stdout).toMatch(/^renamed\.go:4:10: error cgo\/renamed-import: cannot rename import "C"/m);
    expect(r.stdout).toMatch(/^flags\.go:3:\d+: error cgo\/flag-not-allowed: invalid flag in #cgo CFLAGS: -fplugin=evil\.so/m);
    expect(r.stdout).toMatch(/cgo file\(s\) checked, \d+ error\(s\)/);
  });

  it('exits 0 and prints no diagnostic on a healthy module', () => {
    const r = cli(['check', path.join(fixtures, 'healthy')]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^cgo-ls: \d+ cgo file\(s\) checked, 0 error\(s\), 0 warning\(s\)$/)]);
    expect(r.code).toBe(0);
  });

  it('reports compiler-backed problems on the right Go lines', () => {
    const r = cli(['check', '--format', 'json', path.join(fixtures, 'compiler')]);
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.stdout) as { file: string; line: number; code: string; message: string }[];
    const at = (file: string, code: string) => diags.filter((d) => d.file.endsWith(file) && d.code === code).map((d) => d.line);
    expect(at('header.go', 'cgo/header-not-found')).toEqual([5]);
    expect(at('names.go', 'cgo/unresolved-name')).toEqual([10]);
    expect(diags.find((d) => d.code === 'cgo/unresolved-name')!.message).toContain('could not determine what C.free refers to');
    expect(diags.find((d) => d.code === 'cgo/unresolved-name')!.message).toContain('stdlib.h');
    expect(diags.some((d) => d.file.endsWith('pkgconfig.go') && d.line === 3 && d.message.includes('no-such-library-1.0'))).toBe(true);
    expect(diags.some((d) => d.file.endsWith('libs.go') && d.line === 3 && d.code === 'cgo/library-not-found')).toBe(true);
  });

  it('writes SARIF 2.1.0 with one rule per reported code', () => {
    const r = cli(['check', '--format=sarif', path.join(fixtures, 'static')]);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('cgo-ls');
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain('cgo/preamble-detached');
    for (const res of run.results) {
      expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
  });

  it('rejects an unknown format with exit 2', () => {
    const r = cli(['check', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be text, json, sarif, codequality or markdown');
  });

  it('says so when a path does not exist', () => {
    const r = cli(['check', 'no/such/dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no/such/dir: no such file or directory');
  });

  it(
    "ends right after its report when the C field check built a C index in a worker thread, not after the worker's idle time",
    async () => {
      // C.struct field selectors make the C field check build the package's C index, parsed in a worker thread. An idle
      // worker ends only after PARSE_WORKER_IDLE_MS, and it kept the process alive until then (its stdio is read).
      const child = spawn(process.execPath, [serverMain, 'check', '.'], {
        cwd: path.join(fixtures, 'cfields', 'members'),
        env: { ...noShell, CGO_LS_CACHE_DIR: 'off' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let reported = 0;
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (!reported && /cgo file\(s\) checked/.test(out)) reported = performance.now();
      });
      child.stderr.resume();
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const lingered = performance.now() - reported;
      expect(out).toMatch(/c-field-unknown/); // the C field check ran (and with it the C index)
      expect(reported).toBeGreaterThan(0);
      expect(code).toBe(1);
      expect(lingered, `exited ${Math.round(lingered)} ms after its report`).toBeLessThan(PARSE_WORKER_IDLE_MS / 2);
    },
    2 * PARSE_WORKER_IDLE_MS,
  );
});

describe('the login shell', () => {
  // Fault injection: SHELL is a script standing in for a login shell. It records that it ran, and its environment
  // has a CGO_CFLAGS the CLI's lacks (a drift cgo/env-drift reports).
  function recordingShell(): { env: NodeJS.ProcessEnv; ran: string; cleanup: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cli-shell-'));
    const ran = path.join(dir, 'ran');
    const shell = path.join(dir, 'recording-login-shell');
    fs.writeFileSync(
      shell,
      [
        '#!/bin/sh',
        '# fault injection: a login shell that records each run (called as: SHELL -lic SCRIPT)',
        `echo run >> '${ran}'`,
        'CGO_CFLAGS=-DFROM_LOGIN_SHELL; export CGO_CFLAGS',
        'exec /bin/sh -c "$2"',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env: NodeJS.ProcessEnv = { ...noShell, SHELL: shell };
    delete env['CGO_CFLAGS'];
    return { env, ran, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }

  it('check does not run it: it judges the environment it runs in, as go build from there would', () => {
    const { env, ran, cleanup } = recordingShell();
    try {
      const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', path.join(fixtures, 'healthy')], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
      expect(fs.existsSync(ran)).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('doctor still reads it once and reports the drift', () => {
    const { env, ran, cleanup } = recordingShell();
    try {
      const r = spawnSync(process.execPath, [serverMain, 'doctor', path.join(fixtures, 'healthy')], { env, encoding: 'utf8', timeout: 120_000 });
      expect(fs.readFileSync(ran, 'utf8')).toBe('run\n');
      // CGO_CFLAGS is listed in every report; only the drift finding quotes the shell's value.
      expect(r.stdout).toContain('cgo/env-drift');
      expect(r.stdout).toContain('login shell "-DFROM_LOGIN_SHELL"');
    } finally {
      cleanup();
    }
  });
});

describe('cgo-ls doctor and --version', () => {
  it('prints the toolchain report with ✓ lines for a healthy setup and exits 0', () => {
    const r = cli(['doctor', path.join(fixtures, 'healthy')]);
    expect(r.stdout).toContain('✓');
    expect(r.stdout).toMatch(/go1\.\d+/);
    expect(r.stdout).toMatch(/CGO_ENABLED/);
    expect(r.code).toBe(0);
  });

  it('prints JSON with --json', () => {
    const r = cli(['doctor', '--json', path.join(fixtures, 'healthy')]);
    const model = JSON.parse(r.stdout);
    expect(model.cgo.enabled).toBe(true);
  });

  it('prints the package version', () => {
    const out = execFileSync(process.execPath, [serverMain, '--version'], { encoding: 'utf8' });
    expect(out).toMatch(/^cgo-ls \d+\.\d+\.\d+\n$/);
  });
});

describe('Windows: runtime DLLs', () => {
  const cxx = path.join(repoRoot, 'test', 'fixtures', 'windows', 'cxx');
  const env = {
    ...process.env,
    GOOS: 'windows',
    GOARCH: 'amd64',
    CGO_ENABLED: '1',
    CC: 'x86_64-w64-mingw32-gcc',
    CXX: 'x86_64-w64-mingw32-g++',
    GOTOOLCHAIN: 'local',
  };

  it('check predicts libstdc++-6.dll for a C++ package cross-built with MinGW-w64, with both fixes in the message', () => {
    const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', '.'], { cwd: cxx, env, encoding: 'utf8', timeout: 120_000 });
    const diags = JSON.parse(r.stdout) as { code: string; message: string; data: { dlls: string[] } }[];
    const d = diags.find((x) => x.code === 'cgo/windows-runtime-dll');
    expect(d?.data.dlls).toContain('libstdc++-6.dll');
    expect(d?.message).toContain('-static-libstdc++');
    expect(d?.message).toMatch(/next to the \.exe|PATH/);
  });

  it('doctor --binary lists the DLLs a real built .exe imports and which ones Windows will not find', () => {
    const exe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-exe-')), 'app.exe');
    execFileSync('go', ['build', '-o', exe, '.'], { cwd: cxx, env: { ...env, GOFLAGS: '-mod=mod' }, stdio: 'pipe' });
    const r = spawnSync(process.execPath, [serverMain, 'doctor', '--binary', exe, '--json'], { cwd: cxx, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.missing).toEqual(expect.arrayContaining(['libstdc++-6.dll']));
    expect(report.dlls.find((x: { name: string }) => x.name.toLowerCase() === 'kernel32.dll').status).toBe('system');
  });
});
