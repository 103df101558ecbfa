// The job scheduler: concurrency and supersession (kills the process group). It caches nothing: the compile
// service's cache is tested in test/engine (keystrokes start no subprocess, headers invalidate).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { preambleJob } from '../../server/src/compiler/preamble.js';
import { CompileScheduler, compileConcurrency } from '../../server/src/compiler/scheduler.js';
import { CompileService } from '../../server/src/engine/compileservice.js';
import { nullLogger } from '../../server/src/core/types.js';
import { fakeCC, inputFromGo } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cgols-sched-'));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('compilers at once follow the cores: two on one or two, one fewer than the cores above that, eight at most', () => {
  expect([1, 2, 3, 4, 6, 8, 9, 16, 64].map(compileConcurrency)).toEqual([2, 2, 2, 3, 5, 7, 8, 8, 8]);
  expect(compileConcurrency(Number.NaN)).toBe(2);
  // The compile service (and so the workspace scan and `cgo-ls check`, which feed it that many analyses) uses it.
  expect(new CompileService({ log: nullLogger, timeoutMs: () => 1000, cores: 2 }).concurrency).toBe(2);
  expect(new CompileService({ log: nullLogger, timeoutMs: () => 1000, cores: 8 }).concurrency).toBe(7);
});

test('bounded concurrency', async () => {
  const s = new CompileScheduler({ concurrency: 2 });
  let running = 0;
  let peak = 0;
  const job = () => ({
    run: async () => {
      running++;
      peak = Math.max(peak, running);
      await delay(50);
      running--;
      return 1;
    },
  });
  const outs = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => s.schedule(k, job())));
  expect(outs.every((o) => o.status === 'done')).toBe(true);
  expect(peak).toBe(2);
  expect(s.stats.maxRunning).toBe(2);
});

test('a queued job superseded before it starts never runs', async () => {
  const s = new CompileScheduler({ concurrency: 1 });
  let ran = 0;
  const blocker = s.schedule('x', {
    run: async () => {
      await delay(100);
      return 0;
    },
  });
  const first = s.schedule('k', {
    run: async () => {
      ran++;
      return 1;
    },
  });
  const second = s.schedule('k', {
    run: async () => {
      ran++;
      return 2;
    },
  });
  expect(await first).toEqual({ status: 'superseded' });
  expect(await second).toEqual({ status: 'done', result: 2 });
  await blocker;
  expect(ran).toBe(1);
});

test('a failing job resolves as failed (never rejects)', async () => {
  const s = new CompileScheduler();
  expect(
    await s.schedule('k', {
      run: async () => {
        throw new Error('nope');
      },
    }),
  ).toEqual({ status: 'failed', error: 'nope' });
  expect(
    await s.schedule('k', {
      run: () => {
        throw new Error('sync');
      },
    }),
  ).toEqual({ status: 'failed', error: 'sync' });
});

describe.skipIf(process.platform === 'win32')('with compiler processes', () => {
  test('superseding a running compile aborts it and kills its process group', async () => {
    const pidfile = path.join(tmp, 'pids');
    const s = new CompileScheduler();
    const src = 'package main\n\n// static int one(void) { return 1; }\nimport "C"\n\nfunc main() { _ = C.one() }\n';
    const file = path.join(tmp, 'main.go');
    writeFileSync(file, src);
    const input = inputFromGo(file, src, { cc: [fakeCC('hang.sh')], env: { ...process.env, FAKECC_PIDFILE: pidfile, FAKECC_ONLY_REAL: '1' } });
    const first = s.schedule(file, preambleJob(input, 60_000));
    for (let i = 0; i < 100 && !existsSync(pidfile); i++) await delay(50);
    await delay(200);
    const pids = readFileSync(pidfile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(pids.every(alive)).toBe(true);
    const second = s.schedule(file, { run: async () => 'newer' as never });
    expect(await first).toEqual({ status: 'superseded' });
    expect((await second).status).toBe('done');
    for (let i = 0; i < 60 && pids.some(alive); i++) await delay(50);
    expect(pids.filter(alive)).toEqual([]);
  });
});
