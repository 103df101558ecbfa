// Process helpers for the bench: every process the bench starts is registered here and killed (with its
// whole tree) on exit, error or Ctrl-C; descendants of a process are found through /proc; short subprocess
// runs are timed from the outside.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Live processes started by the bench (pid → label). */
const live = new Map();

/** Children of `pid` (all its threads), from /proc/<pid>/task/<tid>/children. Linux only; [] elsewhere. */
export function childrenOf(pid) {
  const out = [];
  let tasks;
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (s) for (const c of s.split(/\s+/)) out.push(Number(c));
    } catch {
      /* thread gone */
    }
  }
  return out;
}

/** Every descendant of `pid` (breadth-first). */
export function descendantsOf(pid) {
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift();
    for (const c of childrenOf(p)) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function comm(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** /proc/<pid>/status fields in kB (VmHWM, VmRSS …), or null. */
export function procStatus(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const out = {};
    for (const m of text.matchAll(/^(Vm\w+|Threads):\s+(\d+)/gm)) out[m[1]] = Number(m[2]);
    return out;
  } catch {
    return null;
  }
}

/** User+system CPU seconds of a live process (from /proc/<pid>/stat; children not included). */
export function cpuSeconds(pid) {
  const ticks = 100; // clock ticks, 100 Hz on Linux
  const read = (p) => {
    const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    // fields[11] = utime, fields[12] = stime, fields[13] = cutime, fields[14] = cstime
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { self: (Number(f[11]) + Number(f[12])) / ticks, children: (Number(f[13]) + Number(f[14])) / ticks };
  };
  try {
    const own = read(pid);
    // A live child's time (and that of the children it has waited for) is not in cutime yet: the server's reaper
    // starts its compilers and lives as long as it does.
    let live = 0;
    let liveSelf = 0;
    for (const c of childrenOf(pid)) {
      try {
        const t = read(c);
        live += t.self + t.children;
        liveSelf += t.self;
      } catch {
        /* exited */
      }
    }
    // liveSelf: the live children's own time (the server's reaper: its spawning), apart from what they waited for.
    return { self: own.self, children: own.children + live, liveSelf };
  } catch {
    return null;
  }
}

/**
 * Polls the process table every `intervalMs` for new descendants of `pid`. A subprocess shorter than the
 * interval can be missed, so this is a lower bound; the bench pairs it with an in-process spawn trace and,
 * when strace is installed, with strace.
 */
export class DescendantSampler {
  constructor(pid, intervalMs = 2) {
    this.pid = pid;
    this.seen = new Map();
    this.timer = null;
    this.intervalMs = intervalMs;
    this.baseline = new Set(descendantsOf(pid));
  }
  start() {
    this.baseline = new Set(descendantsOf(this.pid));
    this.seen.clear();
    this.timer = setInterval(() => {
      for (const d of descendantsOf(this.pid)) if (!this.baseline.has(d) && !this.seen.has(d)) this.seen.set(d, comm(d));
    }, this.intervalMs);
    return this;
  }
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return [...this.seen.entries()].map(([pid, name]) => ({ pid, name }));
  }
}

/**
 * Starts a long-lived process in its own process group and registers it for cleanup. Returns the
 * ChildProcess; `stop(child)` (or the exit hooks) ends it with its whole tree.
 */
export function startProcess(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { ...opts, stdio: opts.stdio ?? 'pipe', detached: process.platform !== 'win32' });
  live.set(child.pid, `${cmd} ${args.join(' ')}`);
  child.once('exit', () => live.delete(child.pid));
  return child;
}

/** Kills a process, its process group and every descendant (compilers run in process groups of their own). */
export function killTree(pid, signal = 'SIGKILL') {
  const all = [...descendantsOf(pid).reverse(), pid];
  for (const p of all) {
    for (const target of [-p, p]) {
      try {
        process.kill(target, signal);
      } catch {
        /* already gone, or not a group leader */
      }
    }
  }
}

/** Ends a registered process: SIGTERM to the tree, SIGKILL after `graceMs`. Resolves when it exited. */
export async function stop(child, graceMs = 2000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    // The leader is gone; its group may still hold children. (No /proc walk: its pid may already be reused.)
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* no such group */
      }
      live.delete(child.pid);
    }
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  killTree(child.pid, 'SIGTERM');
  const t = setTimeout(() => killTree(child.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
  killTree(child.pid, 'SIGKILL'); // any compiler that outlived it
  live.delete(child.pid);
}

/** Kills the given pids (a descendant snapshot taken while their parent was alive) and their groups. */
export function killPids(pids) {
  for (const p of pids) {
    for (const target of [-p, p]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

/** Kills everything still registered (used by the exit hooks). */
export function killAll() {
  for (const pid of [...live.keys()]) {
    killTree(pid, 'SIGKILL');
    live.delete(pid);
  }
}

let hooksInstalled = false;
/** Kill every registered process tree when the bench exits for any reason. */
export function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * Runs a short command to completion and times it from the outside (spawn → exit, ms). Registered for
 * cleanup like everything else; killed after `timeoutMs`.
 */
export function timeRun(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    let child;
    try {
      child = startProcess(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    } catch (e) {
      resolve({ ms: NaN, code: null, stdout: '', stderr: String(e), error: String(e) });
      return;
    }
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => killTree(child.pid), opts.timeoutMs ?? 600_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ms: NaN, code: null, stdout, stderr, error: String(e) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
