// Real cgo code from the module proxy: github.com/mattn/go-sqlite3 must be clean with gcc present, and report
// exactly what the go command says when the C compiler is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverMain } from '../helpers/lsp-client.js';

const VERSION = 'v1.14.53';
let sqliteDir: string;
let app: string;
const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

beforeAll(() => {
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-sqlite-'));
  fs.writeFileSync(path.join(app, 'go.mod'), 'module example.com/app\n\ngo 1.21\n');
  fs.writeFileSync(path.join(app, 'main.go'), 'package main\n\nimport _ "github.com/mattn/go-sqlite3"\n\nfunc main() {}\n');
  execFileSync('go', ['get', `github.com/mattn/go-sqlite3@${VERSION}`], { cwd: app, env: goEnv, stdio: 'pipe' });
  const out = execFileSync('go', ['list', '-m', '-json', 'github.com/mattn/go-sqlite3'], { cwd: app, env: goEnv, encoding: 'utf8' });
  sqliteDir = JSON.parse(out).Dir;
}, 300_000);

function check(args: string[], withShell: NodeJS.ProcessEnv) {
  // Without SHELL: the machine's login shell (a fresh HOME's PATH may lack Go: cgo/env-drift) is not under test.
  const env = { ...withShell };
  delete env['SHELL'];
  const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', ...args], { cwd: app, env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, diags: JSON.parse(r.stdout || '[]') as { file: string; code: string; severity: string; message: string }[], stderr: r.stderr };
}

describe('github.com/mattn/go-sqlite3 ' + VERSION, () => {
  it('has no error and no warning with gcc present (and the real go build agrees it builds)', () => {
    execFileSync('go', ['build', '-o', os.devNull, '.'], { cwd: app, env: goEnv, stdio: 'pipe' });
    const r = check([sqliteDir], { ...process.env, GOTOOLCHAIN: 'local' });
    expect(r.diags.filter((d) => d.severity === 'error' || d.severity === 'warning')).toEqual([]);
    expect(r.code).toBe(0);
  }, 400_000); // the first go build compiles the SQLite amalgamation (about a minute on two cores)

  it('reports the go command\'s own "C compiler not found" message when CC points nowhere', () => {
    const env = { ...process.env, GOTOOLCHAIN: 'local', CC: '/nonexistent/gcc' };
    const build = spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: app, env: { ...env, GOFLAGS: '-mod=mod' }, encoding: 'utf8' });
    expect(build.status).not.toBe(0);
    const goLine = build.stderr.split('\n').find((l) => l.startsWith('cgo: C compiler'))!;
    expect(goLine).toBeDefined();
    const r = check([sqliteDir], env);
    const cc = r.diags.filter((d) => d.code === 'cgo/cc-not-found');
    expect(cc.length).toBeGreaterThan(0);
    for (const d of cc) expect(d.message).toContain(goLine);
    expect(r.code).toBe(1);
  });

  it('says CGO_ENABLED=0 would build the run-time stub when no C compiler is on PATH', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-onlygo-'));
    fs.symlinkSync(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim() + '/bin/go', path.join(bin, 'go'));
    const env = { ...process.env, PATH: bin, GOTOOLCHAIN: 'local' };
    delete env['CC'];
    const r = spawnSync(process.execPath, [serverMain, 'check', '--targets', 'linux/amd64', sqliteDir], { cwd: app, env, encoding: 'utf8', timeout: 180_000 });
    expect(r.stdout).toMatch(/ cgo\/disabled: /);
    expect(r.stdout).toContain('cgo is off: no C compiler "gcc" on PATH');
    expect(r.stdout).toMatch(/✗ linux\/amd64 .*static_mock\.go, a stub that fails at run time/);
  });
});
