// Preloaded into the server by the bench (`node --import <this> dist/main.js --stdio`) when
// CGO_LS_BENCH_TRACE names a file: appends one JSON line per subprocess the server starts (command, args,
// start and end as epoch milliseconds with sub-ms precision, exit code). It wraps child_process.spawn, which
// util/proc.ts uses; the server's own code is not changed. Nothing is written to stdout.
// The server's subprocesses are started by its reaper (util/reaper.ts, the spawn host): when the server starts the
// reaper, this file is preloaded into it too, with the same trace file, so its spawns are recorded as well (the
// reaper's own start is recorded as the server's spawn of `node …/reaper.js`).
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const out = process.env.CGO_LS_BENCH_TRACE;
if (out) {
  const now = () => performance.timeOrigin + performance.now();
  const write = (rec) => {
    try {
      fs.appendFileSync(out, JSON.stringify(rec) + '\n');
    } catch {
      /* the bench went away */
    }
  };
  const inReaper = process.env.CGO_LS_BENCH_TRACE_ROLE === 'reaper';
  if (!inReaper) write({ event: 'process-start', pid: process.pid, t: performance.timeOrigin, loaded: now() });
  const original = childProcess.spawn;
  childProcess.spawn = function tracedSpawn(command, args, options) {
    const start = now();
    const argv = Array.isArray(args) ? args : [];
    const call = [...arguments];
    if (!inReaper && command === process.execPath && /reaper\.js$/.test(argv[0] ?? '')) {
      call[1] = ['--import', import.meta.url, ...argv];
      call[2] = { ...options, env: { ...options?.env, CGO_LS_BENCH_TRACE: out, CGO_LS_BENCH_TRACE_ROLE: 'reaper' } };
    }
    const child = original.apply(this, call);
    child.once('exit', (code, signal) => write({ event: 'spawn', command, args: argv.slice(0, 40), start, end: now(), code, signal, pid: child.pid }));
    child.once('error', (e) => write({ event: 'spawn', command, args: argv.slice(0, 40), start, end: now(), error: String(e) }));
    return child;
  };
  syncBuiltinESMExports();
}
