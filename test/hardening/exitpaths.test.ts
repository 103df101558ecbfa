// Issue 12, item 2: no compiler outlives the server, on any exit path. The real server over stdio, a compile in
// flight, then: shutdown+exit, exit, SIGTERM, SIGINT, SIGHUP, stdin closed, SIGKILL. Afterwards the process table
// (/proc) must hold none of the processes that were the server's descendants (the compiler, its children, a setsid
// grandchild, the reaper), and the exit code must be the one the path promises.
//
// The hung compile is a FAULT-INJECTION FAKE C compiler (probes go to the real gcc; the preamble compile and the
// name probe start a child, a setsid grandchild and then sleep). The `/dev/zero` case uses the real gcc.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  baseEnv,
  cleanupTemps,
  descendants,
  killPids,
  realGcc,
  realGo,
  rssKb,
  startServer,
  tempDir,
  waitUntil,
  writeScript,
  writeTree,
  type LspClient,
} from './helpers.js';
import { CAUSE_MAX, splitMessage } from '../../server/src/core/message.js';
import { serverMain } from '../helpers/lsp-client.js';

// Real servers and compilers on a shared 2-core machine: generous per-test time (no timing asserts here).
vi.setConfig({ testTimeout: 180000 });

const haveTools = realGcc !== null && realGo !== null && process.platform === 'linux';
if (process.env['CI'] === 'true' && !haveTools) throw new Error('CI: exitpaths.test.ts needs gcc and go on Linux');

const FILE = 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n';

function hungCC(dir: string): string {
  return writeScript(
    path.join(dir, 'hung-cc'),
    `#!/bin/sh
# FAULT-INJECTION FAKE C COMPILER (exitpaths.test.ts): real gcc for probes; for the preamble compile and cgo's
# name probe it starts a child, a setsid grandchild (out of the process group), and hangs.
for a in "$@"; do
  case "$a" in
    -fmessage-length=0|-gdwarf-2)
      sleep 300 &
      setsid sleep 301 &
      sleep 302
      exit 0
      ;;
  esac
done
exec '${realGcc}' "$@"
`,
  );
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

interface Started {
  c: LspClient;
  /** Every descendant of the server while the compile hangs (the reaper included). */
  before: { pid: number; cmd: string }[];
}

async function startWithHungCompile(cc: string, marker: RegExp): Promise<Started> {
  const root = tempDir('exit');
  writeTree(root, { 'go.mod': 'module example.com/exit\n\ngo 1.22\n', 'p/a.go': FILE });
  const c = await startServer(root, baseEnv({ CC: cc }), { compilerTimeoutMs: 600_000, diagnosticsScope: 'openFiles' });
  c.open(path.join(root, 'p', 'a.go'));
  const ok = await waitUntil(() => descendants(c.proc.pid!).some((d) => marker.test(d.cmd)), 60_000, 100);
  expect(ok, `the compile never started; stderr: ${c.stderr.slice(-1000)}`).toBe(true);
  await new Promise((r) => setTimeout(r, 300)); // let the fake start its setsid grandchild
  return { c, before: descendants(c.proc.pid!, { includeReaper: true }) };
}

function exited(c: LspClient, ms = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve({ code: c.proc.exitCode, signal: c.proc.signalCode });
    const t = setTimeout(() => resolve({ code: null, signal: null }), ms);
    c.proc.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal });
    });
  });
}

async function leftAfter(s: Started): Promise<{ pid: number; cmd: string }[]> {
  await waitUntil(() => s.before.every((d) => !alive(d.pid)), 10_000, 100);
  return s.before.filter((d) => alive(d.pid));
}

const PATHS: { name: string; act: (c: LspClient) => Promise<void>; code: number | null; signal?: NodeJS.Signals }[] = [
  {
    name: 'shutdown then exit',
    act: async (c) => {
      await c.request('shutdown', null, 10_000);
      c.notify('exit', null);
    },
    code: 0,
  },
  { name: 'exit without shutdown', act: async (c) => c.notify('exit', null), code: 1 },
  { name: 'SIGTERM', act: async (c) => void c.proc.kill('SIGTERM'), code: 143 },
  { name: 'SIGINT', act: async (c) => void c.proc.kill('SIGINT'), code: 130 },
  { name: 'SIGHUP', act: async (c) => void c.proc.kill('SIGHUP'), code: 129 },
  { name: 'stdin closed (no shutdown)', act: async (c) => void c.proc.stdin.end(), code: 1 },
  {
    name: 'stdin closed after shutdown',
    act: async (c) => {
      await c.request('shutdown', null, 10_000);
      c.proc.stdin.end();
    },
    code: 0,
  },
  { name: 'SIGKILL (the reaper and the parent-death signal clean up)', act: async (c) => void c.proc.kill('SIGKILL'), code: null, signal: 'SIGKILL' },
];

describe.skipIf(!haveTools)('no process outlives the server (process table; FAULT-INJECTION hung compiler)', () => {
  afterAll(() => cleanupTemps());

  for (const p of PATHS) {
    it(`${p.name}: the server exits (${p.signal ?? `code ${p.code}`}) and every descendant is gone`, async () => {
      const cc = hungCC(tempDir('hungcc'));
      const s = await startWithHungCompile(cc, /sleep 30[0-2]/);
      try {
        expect(
          s.before.some((d) => /sleep 301/.test(d.cmd)),
          'the setsid grandchild did not start',
        ).toBe(true);
        expect(
          s.before.some((d) => /reaper\.js/.test(d.cmd)),
          'the reaper is not running',
        ).toBe(true);
        await p.act(s.c);
        const how = await exited(s.c);
        if (p.signal) expect(how.signal).toBe(p.signal);
        else expect(how.code).toBe(p.code);
        const left = await leftAfter(s);
        expect(left, `left behind after ${p.name}`).toEqual([]);
      } finally {
        killPids(s.before.map((d) => d.pid).filter(alive));
        if (s.c.proc.exitCode === null && s.c.proc.signalCode === null) s.c.proc.kill('SIGKILL');
      }
    });
  }

  it('#include "/dev/zero" (real gcc): cc1 stays under the memory bound, and is gone after shutdown+exit', async () => {
    const root = tempDir('zero');
    writeTree(root, { 'go.mod': 'module example.com/zero\n\ngo 1.22\n', 'p/a.go': 'package p\n\n// #include "/dev/zero"\nimport "C"\n' });
    const c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
    let before: { pid: number; cmd: string }[] = [];
    try {
      c.open(path.join(root, 'p', 'a.go'));
      const ok = await waitUntil(() => descendants(c.proc.pid!).some((d) => /cc1/.test(d.cmd)), 60_000, 50);
      expect(ok, 'cc1 never started').toBe(true);
      // Sample cc1's resident memory for a while: it must stay under the bound (512 MiB by default).
      let peakKb = 0;
      for (let i = 0; i < 30; i++) {
        for (const d of descendants(c.proc.pid!)) if (/cc1/.test(d.cmd)) peakKb = Math.max(peakKb, rssKb(d.pid) ?? 0);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(peakKb).toBeGreaterThan(0);
      expect(peakKb).toBeLessThanOrEqual(512 * 1024);
      before = descendants(c.proc.pid!, { includeReaper: true });
      await c.request('shutdown', null, 10_000);
      c.notify('exit', null);
      const how = await exited(c);
      expect(how.code).toBe(0);
      await waitUntil(() => before.every((d) => !alive(d.pid)), 10_000, 100);
      expect(before.filter((d) => alive(d.pid))).toEqual([]);
    } finally {
      killPids(before.map((d) => d.pid).filter(alive));
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    }
  });

  it('#include "/dev/zero" (real gcc) left to run: cgo/cc-broken says the compiler ran out of memory', async () => {
    const root = tempDir('zero2');
    writeTree(root, { 'go.mod': 'module example.com/zero\n\ngo 1.22\n', 'p/a.go': 'package p\n\n// #include "/dev/zero"\nimport "C"\n' });
    const c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
    try {
      const uri = c.open(path.join(root, 'p', 'a.go'));
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d: any) => d.code === 'cgo/cc-broken'), 90_000);
      const d = pub.diagnostics.find((x: any) => x.code === 'cgo/cc-broken');
      const m = splitMessage(d.message);
      expect(m.cause).toBe('The C compiler ran out of memory, so the preamble was not checked');
      expect(m.cause.length).toBeLessThanOrEqual(CAUSE_MAX);
      expect(m.fix).toMatch(/^look for an #include of a device or huge file/);
      expect(m.details[0]).toBe('cgo-ls allows 512 MiB per compiler run.');
      expect(d.data.memoryLimitBytes).toBe(512 << 20);
    } finally {
      await c.shutdown();
    }
  });

  it('the server starts its reaper at start-up, before any subprocess, and the reaper goes with it (SIGKILL)', async () => {
    const server = spawn(process.execPath, [serverMain, '--stdio'], { env: baseEnv(), stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      // Nothing is sent: no initialize, no probe, no compiler. The reaper is the one descendant.
      const found = await waitUntil(() => descendants(server.pid!, { includeReaper: true }).some((d) => /reaper\.js/.test(d.cmd)), 20_000);
      const all = descendants(server.pid!, { includeReaper: true });
      expect(found, JSON.stringify(all)).toBe(true);
      expect(all.filter((d) => !/reaper\.js/.test(d.cmd))).toEqual([]);
      const reaper = all.find((d) => /reaper\.js/.test(d.cmd))!;
      server.kill('SIGKILL');
      expect(await waitUntil(() => !alive(reaper.pid), 10_000, 100)).toBe(true);
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
  });
});
