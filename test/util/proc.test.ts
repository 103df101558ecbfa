import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_MAX_MEMORY,
  guards,
  killAllRuns,
  liveRunCount,
  processStats,
  reaperPid,
  resolveCommand,
  run,
  RUN_TAG_VAR,
  useSpawnHost,
} from '../../server/src/util/proc.js';

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

// ---- issue 12: nothing a child does may outlive the run or hold up the wait ----------------------------------

/** Pids of live processes whose command line contains `marker` (the test's own fakes only). */
function withMarker(marker: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (cmd.includes(marker) && !/\) Z /.test(stat)) out.push(Number(e));
    } catch {
      /* exited */
    }
  }
  return out;
}
function killAll(pids: number[]): void {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
const linux = process.platform === 'linux';
const gcc = (() => {
  for (const d of (process.env['PATH'] ?? '').split(':')) if (d && fs.existsSync(path.join(d, 'gcc'))) return path.join(d, 'gcc');
  return null;
})();

/** Running from source, the reaper is the built one (`npm test` builds first). */
const BUILT_REAPER = path.resolve('dist/util/reaper.js');

// Every behaviour holds both where this process spawns the child (check, doctor, Windows) and where the reaper does
// (the language server: util/reaper.ts).
for (const mode of ['spawned here', 'spawned by the reaper'] as const) {
  describe(`run (${mode})`, () => {
    beforeAll(() => useSpawnHost(mode === 'spawned by the reaper', BUILT_REAPER));
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

    it('keeps the first maxOutput bytes of each stream and lets the tool finish (exit code kept, nothing killed)', async () => {
      const r = await run('sh', ['-c', 'i=0; while [ $i -lt 2000 ]; do echo 0123456789abcdefghijklmnopqrstuvwxyz; echo err >&2; i=$((i+1)); done; exit 3'], {
        env: process.env,
        timeoutMs: 20_000,
        maxOutput: 1000,
      });
      expect(r.exitCode).toBe(3);
      expect(r.signal).toBeUndefined();
      expect(r.stdout.length).toBe(1000);
      expect(r.stdout.startsWith('0123456789abcdefghijklmnopqrstuvwxyz\n')).toBe(true);
      expect(r.stderr.length).toBe(1000);
    });

    it('feeds the input to stdin, and a child that never reads it is no failure', async () => {
      expect((await run('cat', [], { env: process.env, timeoutMs: 5_000, input: 'héllo\n' })).stdout).toBe('héllo\n');
      const r = await run('true', [], { env: process.env, timeoutMs: 5_000, input: 'x'.repeat(1 << 20) });
      expect(r.exitCode).toBe(0);
      expect(r.spawnError).toBeUndefined();
    });

    it.skipIf(process.platform !== 'linux')('runs background work below normal CPU priority when asked, and its children inherit it', async () => {
      const r = await run('sh', ['-c', 'nice; sh -c nice'], { env: process.env, timeoutMs: 5_000, priority: 10 });
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(['10', '10']);
      const normal = await run('sh', ['-c', 'nice'], { env: process.env, timeoutMs: 5_000 });
      expect(normal.stdout.trim()).toBe(String(os.getPriority()));
    });
  });

  describe.skipIf(!linux)(`run (${mode}): timeouts and escaped descendants (FAULT-INJECTION: sh scripts that leave setsid grandchildren)`, () => {
    beforeAll(() => useSpawnHost(mode === 'spawned by the reaper', BUILT_REAPER));
    it('a timeout ends the wait even when a setsid grandchild without the run tag holds the pipes', async () => {
      const marker = `cgo-ls-escapee-${process.pid}-a`;
      try {
        // `env -u CGO_LS_RUN` hides the grandchild from the tag scan too: only the wait's own grace ends it.
        const r = await run('sh', ['-c', `env -u ${RUN_TAG_VAR} setsid sh -c 'sleep 20; : ${marker}' & sleep 20`], { env: process.env, timeoutMs: 300 });
        expect(r.timedOut).toBe(true);
        expect(r.exitCode).toBeNull();
        expect(liveRunCount()).toBe(0);
      } finally {
        killAll(withMarker(marker));
      }
    });

    it('a setsid grandchild that keeps the run tag is killed at the timeout (process table)', async () => {
      const marker = `cgo-ls-escapee-${process.pid}-b`;
      try {
        const r = await run('sh', ['-c', `setsid sh -c 'sleep 60; : ${marker}' & sleep 60`], { env: process.env, timeoutMs: 500 });
        expect(r.timedOut).toBe(true);
        const gone = await (async () => {
          for (let i = 0; i < 40 && withMarker(marker).length > 0; i++) await new Promise((res) => setTimeout(res, 50));
          return withMarker(marker).length === 0;
        })();
        expect(gone, `left behind: ${withMarker(marker).join(', ')}`).toBe(true);
      } finally {
        killAll(withMarker(marker));
      }
    });

    it('every process a run starts carries the run tag in its environment', async () => {
      const r = await run('sh', ['-c', `echo "$${RUN_TAG_VAR}"`], { env: process.env, timeoutMs: 5_000 });
      expect(r.stdout.trim()).toMatch(/^\d+\.[0-9a-f]+\.\d+$/);
    });

    it('killAllRuns kills the process group of a run in flight (what shutdown, exit and signals call)', async () => {
      const marker = `cgo-ls-live-${process.pid}`;
      const p = run('sh', ['-c', `sh -c 'sleep 60; : ${marker}' & wait`], { env: process.env, timeoutMs: 60_000 });
      let settled: unknown = null;
      void p.then((r) => (settled = r));
      // Under load the first run of a test process (starting the reaper, setpriv and prlimit) can take seconds (a CI run once saw none after 20 s): wait up to 40 s,
      // and say what the run did if it ended before its grandchild was seen.
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline && settled === null && withMarker(marker).length === 0) await new Promise((res) => setTimeout(res, 20));
      expect(settled, 'the run ended before its grandchild was seen').toBeNull();
      expect(withMarker(marker).length).toBeGreaterThan(0);
      expect(killAllRuns()).toBeGreaterThan(0);
      const r = await p;
      expect(r.exitCode === null || r.signal !== undefined).toBe(true);
      expect(withMarker(marker)).toEqual([]);
    });
  });

  describe.skipIf(!linux || !gcc || !guards().memoryLimit)(`run (${mode}): memory bound (real gcc; prlimit from util-linux)`, () => {
    beforeAll(() => useSpawnHost(mode === 'spawned by the reaper', BUILT_REAPER));
    it('#include "/dev/zero" ends in "out of memory" under the bound instead of growing without limit', async () => {
      const limit = 128 << 20;
      const r = await run(gcc!, ['-fsyntax-only', '-xc', '-'], { env: process.env, timeoutMs: 60_000, input: '#include "/dev/zero"\n', maxMemoryBytes: limit });
      expect(r.timedOut).toBe(false);
      expect(r.exitCode).not.toBe(0);
      expect(r.memoryLimited).toBe(true);
      expect(r.memoryLimitBytes).toBe(limit);
      expect(r.stderr).toMatch(/out of memory/);
    });

    it('a normal compile is not affected by the default bound', async () => {
      const r = await run(gcc!, ['-fsyntax-only', '-xc', '-'], {
        env: process.env,
        timeoutMs: 60_000,
        input: '#include <stdio.h>\nint main(void){return 0;}\n',
      });
      expect(r.exitCode).toBe(0);
      expect(r.memoryLimited).toBeUndefined();
      expect(r.memoryLimitBytes).toBe(DEFAULT_MAX_MEMORY);
    });
  });
}

describe.skipIf(!linux)('run: the reaper as spawn host (the language server)', () => {
  beforeAll(() => useSpawnHost(true, BUILT_REAPER));

  it('starts the child from the reaper, not from this process (no fork of a big server per run)', async () => {
    const r = await run('sh', ['-c', 'echo $PPID'], { env: process.env, timeoutMs: 20_000 });
    expect(reaperPid()).not.toBeNull();
    expect(Number(r.stdout.trim())).toBe(reaperPid());
    useSpawnHost(false);
    try {
      const here = await run('sh', ['-c', 'echo $PPID'], { env: process.env, timeoutMs: 20_000 });
      expect(Number(here.stdout.trim())).toBe(process.pid);
    } finally {
      useSpawnHost(true);
    }
  });

  it('killAllRuns kills a run the reaper has started, even one it has only just been sent', async () => {
    await run('true', [], { env: process.env, timeoutMs: 20_000 }); // the reaper is up
    const p = run('sh', ['-c', 'sleep 30'], { env: process.env, timeoutMs: 40_000 });
    // run() has sent the request synchronously: the reaper may not even have started the child yet.
    expect(liveRunCount()).toBe(1);
    expect(killAllRuns()).toBe(1);
    const r = await p;
    expect(r.durationMs).toBeLessThan(20_000);
    expect(r.exitCode === null || r.signal !== undefined).toBe(true);
    expect(liveRunCount()).toBe(0);
  });

  it('never kills a run the reaper started by its pid from this process (once reaped there, the pid may name another group)', async () => {
    await run('true', [], { env: process.env, timeoutMs: 20_000 }); // the reaper is up
    const kill = vi.spyOn(process, 'kill');
    try {
      const done = await run('sh', ['-c', 'echo ok'], { env: process.env, timeoutMs: 20_000 });
      const hung = await run('sh', ['-c', 'sleep 30'], { env: process.env, timeoutMs: 300 });
      expect(done.stdout).toBe('ok\n');
      expect(hung.timedOut).toBe(true);
      // The tag scan may kill by pid what it has just found carrying the run's tag; no process group is killed here.
      expect(kill.mock.calls.filter(([pid]) => typeof pid === 'number' && pid < 0)).toEqual([]);
    } finally {
      kill.mockRestore();
    }
  });

  it('a run whose reaper dies (SIGKILL) is run again here and gives the real result; the next run has a new reaper', async () => {
    const marker = `cgo-ls-lost-${process.pid}`;
    await run('true', [], { env: process.env, timeoutMs: 20_000 }); // the reaper is up
    const first = reaperPid()!;
    const p = run('sh', ['-c', `sleep 1; echo done; : ${marker}`], { env: process.env, timeoutMs: 30_000 });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && withMarker(marker).length === 0) await new Promise((res) => setTimeout(res, 20));
    const hosted = withMarker(marker);
    expect(hosted.length).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    const r = await p;
    expect(r.stdout).toBe('done\n');
    expect(r.exitCode).toBe(0);
    // The hosted child died with its reaper (parent-death signal), not left running beside the rerun.
    for (const pid of hosted) expect(withMarker(marker)).not.toContain(pid);
    const next = await run('sh', ['-c', 'echo $PPID'], { env: process.env, timeoutMs: 20_000 });
    expect(reaperPid()).not.toBeNull();
    expect(reaperPid()).not.toBe(first);
    expect(Number(next.stdout.trim())).toBe(reaperPid());
  });
});

if (process.env['CI'] === 'true' && linux && !guards().memoryLimit) {
  throw new Error('CI: prlimit (util-linux) is required for the memory-bound tests: apt-get install util-linux');
}
