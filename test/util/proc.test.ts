import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStats, resolveCommand, run } from '../../server/src/util/proc.js';

function dirWith(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-proc-'));
  fs.writeFileSync(path.join(d, name), '#!/bin/sh\necho planted\n', { mode: 0o755 });
  return d;
}

describe('resolveCommand (Go os/exec LookPath rules)', () => {
  it('never resolves through empty or relative PATH entries (exec.ErrDot)', () => {
    const pkg = dirWith('gcc');
    const cwd = process.cwd();
    try {
      process.chdir(pkg);
      for (const PATH of ['', '.', 'bin', `:/nonexistent`, `.:/nonexistent`]) expect(resolveCommand('gcc', { PATH }, 'linux'), PATH).toBeNull();
    } finally {
      process.chdir(cwd);
    }
  });

  it('finds an executable in an absolute PATH entry, and uses names with a slash as given', () => {
    const d = dirWith('mycc');
    expect(resolveCommand('mycc', { PATH: `/nonexistent:${d}` }, 'linux')).toBe(path.join(d, 'mycc'));
    expect(resolveCommand('./relative/cc', { PATH: '' }, 'linux')).toBe('./relative/cc');
  });

  it('skips files that are not executable', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-proc-'));
    fs.writeFileSync(path.join(d, 'cc'), 'x', { mode: 0o644 });
    // root may execute anything with any x bit; with none at all access(X_OK) fails even for root.
    expect(resolveCommand('cc', { PATH: d }, 'linux')).toBeNull();
  });
});

describe('run', () => {
  it('refuses a planted tool found only through "." in PATH, without starting anything', async () => {
    const pkg = dirWith('pkg-config');
    const before = processStats.started;
    const r = await run('pkg-config', ['--version'], { cwd: pkg, env: { PATH: '.' }, timeoutMs: 5_000 });
    expect(r.spawnError).toBe('exec: "pkg-config": executable file not found in $PATH');
    expect(processStats.started).toBe(before);
  });

  it('kills a hung process group at the timeout', async () => {
    const r = await run('sh', ['-c', 'sleep 30 & sleep 30'], { env: process.env, timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(5_000);
  });
});
