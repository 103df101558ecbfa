// Issue 12, items 8 and 12: `go env -w` around a GOENV file. With the real go on a real full file system (a
// 64 KiB tmpfs mounted by the test; where mounting is not allowed, a FAULT-INJECTION FAKE go that truncates the
// file the way Go does on ENOSPC stands in), the GOENV file is byte-identical afterwards and the user is told.
// And `go env -w` does not print the spurious "does not override conflicting OS environment variable" for a value
// that only the GOENV file sets.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyEnvChange, envForGoEnvWrite, parseGoEnvFile, verifyGoEnvChange } from '../../server/src/engine/envchange.js';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { baseEnv, cleanupTemps, realGo, tempDir, writeScript, writeTree } from './helpers.js';

// Real servers and compilers on a shared 2-core machine: generous per-test time (no timing asserts here).
vi.setConfig({ testTimeout: 120000 });

if (process.env['CI'] === 'true' && !realGo) throw new Error('CI: goenv.test.ts needs go');

const ORIGINAL =
  'GOFLAGS=-mod=mod\nGOPRIVATE=example.com/*\nGOPROXY=https://proxy.golang.org,direct\n' +
  Array.from({ length: 80 }, (_, i) => `GOX${i}=${'v'.repeat(60)}\n`).join('');

const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  cleanupTemps();
});

/** A full 64 KiB tmpfs holding a GOENV file, or null when this machine does not let the test mount one. */
function fullDisk(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = tempDir('fulldisk');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (r.status !== 0) return null;
  mounts.push(dir);
  fs.writeFileSync(path.join(dir, 'env'), ORIGINAL);
  try {
    fs.writeFileSync(path.join(dir, 'fill'), Buffer.alloc(128 * 1024));
  } catch {
    /* full: what we want */
  }
  return dir;
}

function engineFor(folder: string, env: NodeJS.ProcessEnv): Engine {
  return new Engine({ env, settings: { ...defaultSettings, checkShellEnv: false } });
}

describe('verifyGoEnvChange', () => {
  const before = Buffer.from('A=1\nB=2\n');
  it('accepts the key set and everything else unchanged', () => {
    expect(verifyGoEnvChange(before, Buffer.from('A=1\nB=2\nC=3\n'), { key: 'C', value: '3' })).toBeNull();
    expect(verifyGoEnvChange(before, Buffer.from('A=1\n'), { key: 'B', value: null })).toBeNull();
  });
  it('names lost and changed keys (a file cut short)', () => {
    expect(verifyGoEnvChange(before, Buffer.from('A=1\nB'), { key: 'C', value: '3' })).toMatch(/lost B; C is not set/);
    expect(verifyGoEnvChange(before, Buffer.from('A=9\nB=2\nC=3\n'), { key: 'C', value: '3' })).toMatch(/changed A/);
  });
  it('parses the GOENV format (later lines win, no key without =)', () => {
    expect([...parseGoEnvFile('A=1\nA=2\n=x\nnoeq\nB=a=b\n')]).toEqual([
      ['A', '2'],
      ['B', 'a=b'],
    ]);
  });
});

describe.skipIf(!realGo)('go env -w on a full disk', () => {
  it('the GOENV file is byte-identical afterwards, and the user is told it was restored', async () => {
    const disk = fullDisk();
    let goenv: string;
    let env: NodeJS.ProcessEnv;
    let how: string;
    if (disk) {
      goenv = path.join(disk, 'env');
      env = baseEnv({ GOENV: goenv });
      how = 'real go, full tmpfs';
    } else {
      // FAULT-INJECTION FAKE go: answers the probe with the real go, but for `env -w` does what go does on
      // ENOSPC: the file cut to 4096 bytes, "no space left on device", exit 1.
      const d = tempDir('fakego');
      goenv = path.join(d, 'env');
      fs.writeFileSync(goenv, ORIGINAL);
      writeScript(
        path.join(d, 'bin', 'go'),
        `#!/bin/sh\n# FAULT-INJECTION FAKE go (goenv.test.ts): env -w fails like a full disk.\nif [ "$1" = env ] && [ "$2" = -w ]; then truncate -s 4096 "$GOENV"; echo "go: writing go env config: write $GOENV: no space left on device" >&2; exit 1; fi\nexec '${realGo}' "$@"\n`,
      );
      env = baseEnv({ GOENV: goenv, PATH: `${path.join(d, 'bin')}:${process.env['PATH']}` });
      how = 'fake go';
    }
    if (!disk) console.log('goenv.test.ts: cannot mount a tmpfs here (needs root); the full disk is simulated by a FAULT-INJECTION FAKE go');
    const folder = tempDir('goenv-mod');
    writeTree(folder, { 'go.mod': 'module example.com/g\n\ngo 1.22\n' });
    const engine = engineFor(folder, env);
    const res = await engine.applyEnvChange({ key: 'GOPRIVATE', value: 'a'.repeat(3000), folder });
    expect(res.ok, how).toBe(false);
    expect(res.output).toMatch(/no space left on device/);
    expect(res.output).toMatch(/was restored to its previous content/);
    expect(fs.readFileSync(goenv, 'utf8')).toBe(ORIGINAL);
    expect(Buffer.compare(fs.readFileSync(goenv), Buffer.from(ORIGINAL))).toBe(0);
  });

  it('a successful go env -w is verified and reported as done; -u removes the key', async () => {
    const d = tempDir('goenv-ok');
    const goenv = path.join(d, 'env');
    fs.writeFileSync(goenv, 'GOFLAGS=-mod=mod\n');
    const folder = tempDir('goenv-ok-mod');
    writeTree(folder, { 'go.mod': 'module example.com/g\n\ngo 1.22\n' });
    const engine = engineFor(folder, baseEnv({ GOENV: goenv }));
    const w = await engine.applyEnvChange({ key: 'CGO_ENABLED', value: '1', folder });
    expect(w.ok, w.output).toBe(true);
    expect(parseGoEnvFile(fs.readFileSync(goenv, 'utf8')).get('CGO_ENABLED')).toBe('1');
    expect(parseGoEnvFile(fs.readFileSync(goenv, 'utf8')).get('GOFLAGS')).toBe('-mod=mod');
    const u = await engine.applyEnvChange({ key: 'CGO_ENABLED', value: null, folder });
    expect(u.ok, u.output).toBe(true);
    expect(parseGoEnvFile(fs.readFileSync(goenv, 'utf8')).has('CGO_ENABLED')).toBe(false);
  });

  it('a go that reports success but damages the file (FAULT-INJECTION FAKE go) is caught and the file restored', async () => {
    const d = tempDir('goenv-liar');
    const goenv = path.join(d, 'env');
    fs.writeFileSync(goenv, ORIGINAL);
    writeScript(
      path.join(d, 'bin', 'go'),
      `#!/bin/sh\n# FAULT-INJECTION FAKE go (goenv.test.ts): env -w cuts the file and says nothing.\nif [ "$1" = env ] && [ "$2" = -w ]; then truncate -s 100 "$GOENV"; exit 0; fi\nexec '${realGo}' "$@"\n`,
    );
    const folder = tempDir('goenv-liar-mod');
    writeTree(folder, { 'go.mod': 'module example.com/g\n\ngo 1.22\n' });
    const engine = engineFor(folder, baseEnv({ GOENV: goenv, PATH: `${path.join(d, 'bin')}:${process.env['PATH']}` }));
    const res = await engine.applyEnvChange({ key: 'CGO_ENABLED', value: '1', folder });
    expect(res.ok).toBe(false);
    expect(res.output).toMatch(/reported success, but the GOENV file .* is not as expected \(lost /);
    expect(fs.readFileSync(goenv, 'utf8')).toBe(ORIGINAL);
  });

  it('CC set only in the GOENV file: go env -w CC=… prints no "does not override conflicting OS environment variable"', async () => {
    const d = tempDir('goenv-spurious');
    const goenv = path.join(d, 'env');
    fs.writeFileSync(goenv, 'GOFLAGS=-mod=mod\nCC=gcc\n');
    const folder = tempDir('goenv-spurious-mod');
    writeTree(folder, { 'go.mod': 'module example.com/g\n\ngo 1.22\n' });
    const env = baseEnv({ GOENV: goenv });
    const engine = engineFor(folder, env);
    const tc = await engine.toolchain(folder);
    // The compilers get the GOENV file's CC (as the go command would give it to them) …
    expect(tc.childEnv['CC']).toBe('gcc');
    // … but go env -w must not see the file's values as OS variables.
    expect(envForGoEnvWrite(tc)['CC']).toBeUndefined();
    const res = await engine.applyEnvChange({ key: 'CC', value: 'cc', folder });
    expect(res.ok, res.output).toBe(true);
    expect(res.output).not.toMatch(/does not override conflicting OS environment variable/);
    // Control: the same command with the file's CC injected into the environment does warn (the old behaviour).
    const control = spawnSync(realGo!, ['env', '-w', 'CC=gcc'], { env: { ...env, CC: 'cc', GOTOOLCHAIN: 'local' }, cwd: folder, encoding: 'utf8' });
    expect(control.stderr + control.stdout).toMatch(/does not override conflicting OS environment variable/);
  });

  it('applyEnvChange leaves a GOENV that is not a regular file alone and says why', async () => {
    const d = tempDir('goenv-dir');
    const tc = { go: { path: realGo, candidates: [], version: null }, envFile: { path: d, exists: true }, values: {}, childEnv: baseEnv() } as any;
    const res = await applyEnvChange({ key: 'CGO_ENABLED', value: '1', folder: d }, tc);
    expect(res.ok).toBe(false);
    expect(res.output).toMatch(/was not run: the GOENV file .* cannot be backed up first \(.*not a regular file\)/);
    expect(fs.statSync(d).isDirectory()).toBe(true);
  });
});
