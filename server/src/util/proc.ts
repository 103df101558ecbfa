// The one way cgo-ls starts a subprocess. Argument arrays only (never a shell), a timeout on every run,
// cancellation through an AbortSignal, bounded output, and the whole process group killed on timeout or
// cancel so a compiler's children (cc1, as, ld) never outlive the run.
//
// Nothing a child does may outlive cgo-ls or hold it up:
// - every child runs in its own process group, tagged with CGO_LS_RUN=<token>.<n> in its environment (a
//   descendant that escaped the group with setsid still carries it, and is found through /proc);
// - every live group is killed on shutdown, exit and SIGTERM/SIGINT/SIGHUP (`killAllRuns`, `installExitGuards`);
// - a reaper process (util/reaper.ts) holds an IPC channel to this process: when cgo-ls dies in any way, SIGKILL
//   included, the channel closes and the reaper kills every group still registered and every tagged process;
//   the direct child also gets the kernel's parent-death signal (`setpriv --pdeathsig KILL`);
// - in the language server the reaper also does the spawning (`useSpawnHost`): a fork of the big server process
//   held its event loop per run, the reaper's fork does not; everything else above stays here;
// - each child's data segment is bounded (`prlimit --data`), so `#include "/dev/zero"` ends in
//   "out of memory" instead of eating the machine;
// - a timeout or cancel ends the wait even when a process outside the group still holds the pipes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { host, hostIsWindows } from '../core/host.js';
import { collectChild, PIPE_GRACE_MS, type Collected } from './collect.js';
import { pidMatches, procPids, RUN_TAG_VAR, tagMatcher } from './procscan.js';
import { rememberedLookup } from './lookups.js';

export interface RunOptions {
  cwd?: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  /** Milliseconds before the process group is killed. Required: no subprocess runs without one. */
  timeoutMs: number;
  input?: string;
  signal?: AbortSignal;
  /** Bytes of stdout/stderr kept each; the rest is dropped (a compiler printing megabytes stays harmless). */
  maxOutput?: number;
  /** Bytes of data segment (heap) the child and its descendants may each use; default 512 MiB, null: unbounded. */
  maxMemoryBytes?: number | null;
  /**
   * A lower CPU priority for the child (a nice value, 1–19; its descendants inherit it), for work nobody is
   * waiting for (the login shell read in the background) so that it does not slow down what someone is.
   */
  priority?: number;
}

export interface RunResult {
  command: string;
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  canceled: boolean;
  /** The signal that ended the process when it did not exit by itself (e.g. SIGSEGV for a crash). */
  signal?: string;
  /** The executable could not be started (ENOENT, EACCES …). */
  spawnError?: string;
  /** The run failed with an allocation failure while the memory bound applied (`maxMemoryBytes`). */
  memoryLimited?: boolean;
  /** The memory bound in bytes, when one applied. */
  memoryLimitBytes?: number;
  durationMs: number;
}

/** Counts every subprocess started; the bench and tests read it to prove "no subprocess on this path". */
export const processStats = { started: 0 };

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
/** cc1 on a real preamble needs tens of MB; Go's runtime works with far less than this (RLIMIT_DATA ignores its reservations). */
export const DEFAULT_MAX_MEMORY = 512 << 20;

/** The environment variable that tags every process cgo-ls starts (and whatever those start). */
export { RUN_TAG_VAR };
const TOKEN = `${process.pid}.${randomBytes(4).toString('hex')}`;
let seq = 0;

/** Every run started here whose process group may still be alive: its child, by pid (= pgid on POSIX). */
const live = new Map<number, ChildProcess>();

/** Runs whose process group has not been reaped yet, here or by the reaper (tests and the stress script read this). */
export function liveRunCount(): number {
  return live.size + hosted.size;
}

/**
 * Resolves once no run has been live for `quietLooks` looks in a row, `stepMs` apart, or after `maxMs`: work nothing
 * waits for yields the cores to what something does wait for (a compile, a workspace scan).
 */
export async function whenRunsIdle({ maxMs, stepMs, quietLooks }: { maxMs: number; stepMs: number; quietLooks: number }): Promise<void> {
  const until = Date.now() + maxMs;
  let quiet = 0;
  while (Date.now() < until && quiet < quietLooks) {
    await new Promise((r) => setTimeout(r, stepMs));
    quiet = liveRunCount() === 0 ? quiet + 1 : 0;
  }
}

const isLinux = host().platform === 'linux';

/** A trusted util-linux helper by absolute path (never looked up through a PATH the workspace may control). */
function systemTool(name: string): string | null {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch {
      /* next */
    }
  }
  return null;
}
let wrappers: { setpriv: string | null; prlimit: string | null; nice: string | null } | undefined;
/** For tests and the stress script: which guards apply on this machine. */
export function guards(): { pdeathsig: boolean; memoryLimit: boolean; reaper: boolean; tagScan: boolean } {
  wrappers ??= isLinux
    ? { setpriv: systemTool('setpriv'), prlimit: systemTool('prlimit'), nice: systemTool('nice') }
    : { setpriv: null, prlimit: null, nice: hostIsWindows() ? null : systemTool('nice') };
  return { pdeathsig: wrappers.setpriv !== null, memoryLimit: wrappers.prlimit !== null, reaper: !hostIsWindows(), tagScan: isLinux };
}

/**
 * The argv that runs `resolved args` under the parent-death signal, the memory bound and a lower priority (`nice`,
 * set before the program starts: setting it on the pid after spawn would race with what the child runs first),
 * where available.
 */
function wrap(
  resolved: string,
  args: string[],
  maxMemory: number | null,
  priority: number,
): { file: string; args: string[]; memoryLimit?: number; niced: boolean } {
  guards();
  const w = wrappers!;
  let file = resolved;
  let argv = args;
  let memoryLimit: number | undefined;
  if (w.prlimit && maxMemory !== null && maxMemory > 0) {
    argv = [`--data=${maxMemory}`, '--', file, ...argv];
    file = w.prlimit;
    memoryLimit = maxMemory;
  }
  const niced = w.nice !== null && priority > 0;
  if (niced) {
    argv = ['-n', String(priority), file, ...argv];
    file = w.nice!;
  }
  if (w.setpriv) {
    argv = ['--pdeathsig', 'KILL', '--', file, ...argv];
    file = w.setpriv;
  }
  return { file, args: argv, memoryLimit, niced };
}

// ---- the reaper and spawn host -------------------------------------------------------------------------------

let reaper: ChildProcess | null | undefined;
let reaperStarts = 0;
const MAX_REAPER_STARTS = 4;
/**
 * The reaper's script, next to the file holding this code: dist/reaper.js beside the bundle's chunks (an entry
 * point of scripts/build-bundle.mjs), dist/util/reaper.js beside tsc's proc.js.
 */
export const REAPER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reaper.js');
let reaperScript = REAPER_SCRIPT;

/** Runs handed to the reaper (`useSpawnHost`), by request id, until it answers `done` or is lost. */
interface HostedRun {
  settle: (r: Collected | 'lost') => void;
}
const hosted = new Map<number, HostedRun>();
let hostSeq = 0;
let viaHost = false;

function reaperMessage(m: Record<string, unknown>): boolean {
  const r = reaper;
  if (!r || !r.connected) return false;
  try {
    r.send(m);
    return true;
  } catch {
    return false;
  }
}

function reaperSend(m: { t: '+'; pid: number; tag: string } | { t: '-'; pid: number }): void {
  if (hostIsWindows()) return;
  prestartReaper(); // started with the first run when nothing started it before (check, doctor)
  reaperMessage(m); // the reaper is gone: the other guards still apply
}

/** The reaper is gone (crashed, killed): the runs it held are started again by this process (`run`). */
function reaperLost(child: ChildProcess): void {
  if (reaper !== child) return;
  // Started again with the next run, a few times at most (a reaper that cannot live must not be forked per run).
  reaper = ++reaperStarts < MAX_REAPER_STARTS ? undefined : null;
  for (const [id, h] of hosted) {
    hosted.delete(id);
    h.settle('lost');
  }
}

function onReaperMessage(m: unknown): void {
  if (!m || typeof m !== 'object') return;
  const msg = m as { t?: string; id?: number } & Partial<Collected> & { abandoned?: boolean };
  const h = typeof msg.id === 'number' ? hosted.get(msg.id) : undefined;
  if (!h) return; // abandoned here already
  if (msg.t === 'done') {
    hosted.delete(msg.id!);
    h.settle({
      exitCode: msg.exitCode ?? null,
      signal: msg.signal ?? null,
      stdout: typeof msg.stdout === 'string' ? msg.stdout : '',
      stderr: typeof msg.stderr === 'string' ? msg.stderr : '',
      ...(typeof msg.spawnError === 'string' ? { spawnError: msg.spawnError } : {}),
    });
  }
}

function startReaper(): void {
  reaper = null;
  if (!fs.existsSync(reaperScript)) return;
  try {
    // Its own session, so a signal to cgo-ls's process group (an editor killing it) does not take it along.
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '' };
    if (process.versions['electron']) env['ELECTRON_RUN_AS_NODE'] = '1';
    const child = spawn(process.execPath, [reaperScript, TOKEN], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      detached: true,
      env,
      windowsHide: true,
    });
    child.on('error', () => reaperLost(child));
    child.on('disconnect', () => reaperLost(child));
    child.on('exit', () => reaperLost(child));
    child.on('message', onReaperMessage);
    // Neither the process nor its channel may keep cgo-ls alive (`cgo-ls check` ends when its work ends); a run in
    // flight holds the loop with its timeout.
    child.unref();
    child.channel?.unref();
    reaper = child;
  } catch {
    reaper = null;
  }
}

/**
 * Starts the reaper now rather than with the first run (the server, at start-up). Node forks the whole process to
 * spawn one, which costs more the bigger the process is (≈ 8 ms at start-up against 40–70 ms once the grammars are
 * loaded, traced), and the reaper's own start (a node) then overlaps the server's module loading instead of the
 * cold start's first compiler runs.
 */
export function prestartReaper(): void {
  if (!hostIsWindows() && reaper === undefined) startReaper();
}

/**
 * Every later run is started by the reaper (the language server, at start-up): a spawn forks the calling process,
 * and a fork of the server held its event loop 10–60 ms per compiler run, where the reaper's costs its own thread a
 * few. Not on Windows (no reaper there), and while the reaper is not running a run starts here as before. `false`
 * goes back to starting them here (tests).
 */
export function useSpawnHost(on = true, script?: string): void {
  if (script !== undefined && reaper === undefined) reaperScript = script; // tests running from source: the built script
  viaHost = on && !hostIsWindows();
  if (viaHost) prestartReaper();
}

/** The reaper's pid (tests), or null when none runs. */
export function reaperPid(): number | null {
  return reaper?.pid ?? null;
}

// ---- killing --------------------------------------------------------------------------------------------------

function killGroupSync(pid: number, child: ChildProcess): void {
  try {
    if (!hostIsWindows()) process.kill(-pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** The longest stretch of the tag scan on this thread before it lets other work run. */
const SCAN_SLICE_MS = 2;

/**
 * Processes whose environment carries the tag (`<tag>` exactly, or every run of this process when `prefix`):
 * descendants that left the process group (setsid) are still found. Linux only; elsewhere none. The reads are
 * synchronous (util/procscan.ts) and the scan yields to the event loop every SCAN_SLICE_MS.
 */
export async function taggedProcesses(tag: string, prefix = false): Promise<number[]> {
  if (!isLinux) return [];
  const matches = tagMatcher(tag, prefix);
  const out: number[] = [];
  let start = performance.now();
  for (const pid of procPids()) {
    if (pidMatches(pid, matches)) out.push(pid);
    if (performance.now() - start >= SCAN_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
  return out;
}

async function killTagged(tag: string, prefix = false): Promise<void> {
  for (const pid of await taggedProcesses(tag, prefix)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/**
 * Kills every live run now (synchronously: safe in an 'exit' handler). Descendants that left their group are
 * killed by the reaper when this process is gone, or by `killAllRunsAndWait`.
 */
export function killAllRuns(): number {
  for (const [pid, child] of live) killGroupSync(pid, child);
  // The runs the reaper has started: it kills them (and every group it holds when this process is gone, should the
  // message not leave in time).
  for (const id of hosted.keys()) reaperMessage({ t: 'kill', id });
  return live.size + hosted.size;
}

/** Kills every live run and every process tagged by this server, and waits until the scan is done. */
export async function killAllRunsAndWait(): Promise<number> {
  const n = killAllRuns();
  await killTagged(TOKEN + '.', true);
  return n;
}

let guardsInstalled = false;
/**
 * On exit and on SIGTERM/SIGINT/SIGHUP: kill every live run, then exit (128 + signal number, as a shell would
 * report it). `onSignal` runs first (e.g. to flush a log line).
 */
export function installExitGuards(onSignal?: (signal: NodeJS.Signals) => void): void {
  if (guardsInstalled) return;
  guardsInstalled = true;
  process.on('exit', () => {
    killAllRuns();
  });
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    try {
      process.on(sig, () => {
        try {
          onSignal?.(sig);
        } catch {
          /* exiting anyway */
        }
        killAllRuns();
        process.exit(128 + (numbers[sig] ?? 0));
      });
    } catch {
      /* the platform has no such signal */
    }
  }
}

/**
 * Resolves a bare command name through PATH the way Go's os/exec does since Go 1.19: entries that are empty or
 * relative (".", "bin") are never used, so a `gcc` or `pkg-config` shipped inside an untrusted package
 * directory (the cwd of our runs) cannot be picked up. Names with a separator are used as given.
 */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = host().platform): string | null {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (command.includes('/') || (platform === 'win32' && command.includes('\\'))) return command;
  const pathKey = Object.keys(env).find((k) => (platform === 'win32' ? k.toUpperCase() === 'PATH' : k === 'PATH'));
  const pathValue = pathKey ? (env[pathKey] ?? '') : '';
  const exts =
    platform === 'win32'
      ? p.extname(command)
        ? ['']
        : (env[Object.keys(env).find((k) => k.toUpperCase() === 'PATHEXT') ?? 'PATHEXT'] ?? '.com;.exe;.bat;.cmd').split(';').filter(Boolean)
      : [''];
  // Remembered for a second (util/lookups.ts): tests inject another platform, whose answers are not the host's.
  if (platform !== host().platform) return searchPath(command, pathValue, exts, platform);
  return rememberedLookup(`run\0${command}\0${pathValue}\0${exts.join(';')}`, () => searchPath(command, pathValue, exts, platform));
}

function searchPath(command: string, pathValue: string, exts: string[], platform: NodeJS.Platform): string | null {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const dirs = pathValue.split(platform === 'win32' ? ';' : ':');
  for (const raw of dirs) {
    const dir = platform === 'win32' ? raw.replace(/^"(.*)"$/, '$1') : raw;
    if (dir === '' || !p.isAbsolute(dir)) continue; // Go: exec.ErrDot — never run what a relative PATH entry finds
    for (const ext of exts) {
      const candidate = p.join(dir, command + ext);
      try {
        const st = fs.statSync(candidate);
        if (!st.isFile()) continue;
        if (platform !== 'win32') fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        /* next */
      }
    }
  }
  return null;
}

/** The result of a run that could not start. */
export function spawnFailure(command: string, args: string[], message: string): RunResult {
  return { command, args, exitCode: null, stdout: '', stderr: '', timedOut: false, canceled: false, spawnError: message, durationMs: 0 };
}

let closed = false;
/**
 * After shutdown: every later `run` returns at once as canceled, starting nothing (an analysis still in flight
 * cannot start its next stage's compiler after the editor said goodbye).
 */
export function refuseNewRuns(): void {
  closed = true;
}

/**
 * Starts `file args` and waits until it has exited and its pipes have closed. node's own child_process, not a
 * wrapper library: the one used before (execa) cost ~100 ms to load on the first run and twice node's CPU per
 * spawn (13 against 7 ms measured on the 2-core bench VM), which the cold start and a 200-package scan both pay.
 */
function collect(
  file: string,
  args: string[],
  o: { cwd?: string; env: NodeJS.ProcessEnv; input: string; maxOutput: number; detached: boolean },
): { child: ChildProcess; done: Promise<Collected> } {
  const child = spawn(file, args, {
    cwd: o.cwd,
    env: o.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: o.detached,
    windowsHide: true,
    shell: false,
  });
  return { child, done: collectChild(child, o.input, o.maxOutput) };
}

/**
 * `collect`, started by the reaper (`useSpawnHost`); `kill` asks the reaper to kill the run's group. Settles 'lost' if
 * the reaper dies first.
 */
function collectViaHost(
  file: string,
  args: string[],
  o: { cwd?: string; env: NodeJS.ProcessEnv; input: string; maxOutput: number },
): { done: Promise<Collected | 'lost'>; kill: () => void; forget: () => void } | null {
  prestartReaper(); // again after a lost reaper (a few times at most)
  const id = ++hostSeq;
  let settle!: (r: Collected | 'lost') => void;
  const done = new Promise<Collected | 'lost'>((resolve) => (settle = resolve));
  hosted.set(id, { settle });
  if (!reaperMessage({ t: 'run', id, file, args, cwd: o.cwd, env: o.env, input: o.input, maxOutput: o.maxOutput })) {
    hosted.delete(id);
    return null;
  }
  return {
    done,
    kill: () => void reaperMessage({ t: 'kill', id }),
    forget: () => void hosted.delete(id),
  };
}

export async function run(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return runOnce(command, args, opts, viaHost);
}

async function runOnce(command: string, args: string[], opts: RunOptions, hostAllowed: boolean): Promise<RunResult> {
  const started = Date.now();
  if (closed) return { command, args, exitCode: null, stdout: '', stderr: '', timedOut: false, canceled: true, durationMs: 0 };
  const resolved = resolveCommand(command, opts.env);
  if (resolved === null) {
    return spawnFailure(command, args, `exec: "${command}": executable file not found in ${hostIsWindows() ? '%PATH%' : '$PATH'}`);
  }
  if (opts.signal?.aborted) {
    return { command, args, exitCode: null, stdout: '', stderr: '', timedOut: false, canceled: true, durationMs: 0 };
  }
  const isWindows = hostIsWindows();
  // The wrappers (setpriv, prlimit) would turn a missing or non-executable program into their own exit 127/126;
  // check first, so callers still see a spawn error as they would without them.
  if (!isWindows) {
    try {
      const st = fs.statSync(resolved);
      if (!st.isFile()) return spawnFailure(command, args, `spawn ${resolved} EACCES`);
      fs.accessSync(resolved, fs.constants.X_OK);
    } catch (e) {
      return spawnFailure(command, args, `spawn ${resolved} ${(e as NodeJS.ErrnoException).code ?? 'ENOENT'}`);
    }
  }
  processStats.started++;
  const tag = `${TOKEN}.${++seq}`;
  const priority = opts.priority ? Math.min(19, Math.max(0, opts.priority)) : 0;
  const w = isWindows
    ? { file: resolved, args, niced: false, memoryLimit: undefined }
    : wrap(resolved, args, opts.maxMemoryBytes === undefined ? DEFAULT_MAX_MEMORY : opts.maxMemoryBytes, priority);
  const childOpts = {
    cwd: opts.cwd,
    env: { ...opts.env, [RUN_TAG_VAR]: tag },
    input: opts.input ?? '',
    maxOutput: opts.maxOutput ?? DEFAULT_MAX_OUTPUT,
  };
  let pid: number | undefined;
  // A run the reaper started is killed by the reaper, which kills its group only while it still tracks the child. This
  // process never kills it by pid: once the reaper has reaped the child, its pid may already name another process
  // group (pid_max is often 32768, and a busy machine wraps it in minutes).
  const hostedRun = hostAllowed && !isWindows ? collectViaHost(w.file, w.args, childOpts) : null;
  let direct: { child: ChildProcess; done: Promise<Collected> } | null = null;
  let done: Promise<Collected | 'lost'>;
  if (hostedRun) done = hostedRun.done;
  else {
    // A new process group on POSIX so that a timeout or cancel can kill the compiler's children too.
    direct = collect(w.file, w.args, { ...childOpts, detached: !isWindows });
    done = direct.done;
    pid = direct.child.pid;
    // The leader may exit while its group lives on (a compiler that forked): the group is killed as node reaps the
    // leader, in the same turn, and never by this pid again: from then on it may name another process group
    // (pid_max is often 32768, and a busy machine wraps it in minutes).
    direct.child.once('exit', () => {
      if (pid === undefined) return;
      if (!isWindows) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* group already empty */
        }
      }
      live.delete(pid);
      reaperSend({ t: '-', pid });
      pid = undefined;
    });
    if (pid !== undefined && priority > 0 && !w.niced) {
      // No `nice` to start it with (Windows): lower it now; what the child runs in its first moments runs at normal priority.
      try {
        os.setPriority(pid, priority);
      } catch {
        /* not permitted or already gone: it runs at normal priority */
      }
    }
    if (pid !== undefined) {
      live.set(pid, direct.child);
      reaperSend({ t: '+', pid, tag });
    }
  }
  let timedOut = false;
  let canceled = false;
  let abandon: (() => void) | null = null;
  const abandoned = new Promise<'abandoned'>((resolve) => {
    abandon = () => resolve('abandoned');
  });
  let graceTimer: NodeJS.Timeout | undefined;
  const killTree = () => {
    if (direct) {
      if (pid !== undefined) killGroupSync(pid, direct.child);
    } else hostedRun?.kill();
    void killTagged(tag).catch(() => undefined);
    // Whatever still holds the pipes (a setsid grandchild without the tag), the wait ends shortly.
    graceTimer ??= setTimeout(() => abandon?.(), PIPE_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, opts.timeoutMs);
  const onAbort = () => {
    canceled = true;
    killTree();
  };
  if (opts.signal) {
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  try {
    const r = await Promise.race([done, abandoned]);
    if (r === 'lost') {
      /* below, once the group is killed */
    } else if (r === 'abandoned') {
      if (direct) for (const st of [direct.child.stdin, direct.child.stdout, direct.child.stderr]) st?.destroy();
      hostedRun?.forget();
      return { command, args, exitCode: null, stdout: '', stderr: '', timedOut, canceled, durationMs: Date.now() - started };
    } else {
      const { stdout, stderr } = r;
      // A wrapper that could not exec the program (exec format error …) reports it as exit 126/127.
      const wrapperExec =
        w.file !== resolved && (r.exitCode === 126 || r.exitCode === 127) ? /^(?:setpriv|prlimit): failed to execute [^\n]*|^nice: [^\n]*/m.exec(stderr) : null;
      const spawnError = wrapperExec ? wrapperExec[0] : r.spawnError;
      const memoryLimited =
        w.memoryLimit !== undefined &&
        r.exitCode !== 0 &&
        /out of memory|virtual memory exhausted|Cannot allocate memory|std::bad_alloc/.test(stderr.slice(-4096));
      return {
        command,
        args,
        exitCode: wrapperExec ? null : r.exitCode,
        stdout,
        stderr,
        timedOut,
        canceled,
        ...(r.signal && !timedOut && !canceled ? { signal: r.signal } : {}),
        spawnError,
        ...(memoryLimited ? { memoryLimited: true } : {}),
        ...(w.memoryLimit !== undefined ? { memoryLimitBytes: w.memoryLimit } : {}),
        durationMs: Date.now() - started,
      };
    }
  } finally {
    clearTimeout(timer);
    if (graceTimer) clearTimeout(graceTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    // Abandoned with the leader still running (its pipes held elsewhere): kill its group now.
    if (pid !== undefined) {
      killGroupSync(pid, direct!.child);
      live.delete(pid);
      reaperSend({ t: '-', pid });
    }
  }
  // The reaper died with the run in flight: its child died with it (the parent-death signal), and whatever is left of
  // the run is found by its tag. Run it again here, in what is left of its time, unless it was already being killed.
  void killTagged(tag).catch(() => undefined);
  if (timedOut || canceled) return { command, args, exitCode: null, stdout: '', stderr: '', timedOut, canceled, durationMs: Date.now() - started };
  return runOnce(command, args, { ...opts, timeoutMs: Math.max(1, opts.timeoutMs - (Date.now() - started)) }, false);
}
