// The reaper: a small process that cleans up after cgo-ls and, in the server, starts its subprocesses for it.
// cgo-ls (util/proc.ts) starts it once, in its own session, with an IPC channel (node's advanced serialization).
//
// Clean-up: cgo-ls registers every run it starts itself (`{t:'+', pid, tag}` when a child starts, `{t:'-', pid}` when
// its group is gone); the runs this process starts are registered here as they start. When the channel closes —
// cgo-ls exited, crashed or was SIGKILLed — it kills every group still registered and every process whose
// environment carries cgo-ls's run tag (descendants that left their group with setsid), then exits.
//
// Spawning (`{t:'run', id, file, args, cwd, env, input, maxOutput}`): node forks the whole process to start a child
// (libuv uses fork on Linux), and a fork of the server — its heap, the grammars' wasm memory, its threads — held
// its event loop 10–60 ms per compiler run. This process is small, so it forks cheaply, and its forks never hold
// the server's thread. It answers `{t:'done', id, …}` when the child has exited and its pipes have closed (or
// `abandoned` after a kill, when something outside the group holds them). Timeouts, cancellation and the tag scan
// stay in cgo-ls; `{t:'kill', id}` asks this process to kill a run's group. Only this process kills the groups of
// the runs it started, and only while it still tracks them: cgo-ls does not know when the child is reaped here, and
// after that its pid may name another process group (pid_max is often 32768). The argv cgo-ls sends is already
// wrapped (setpriv's parent-death signal then names this process, which dies with cgo-ls).
//
// Argument: the tag prefix (`<pid>.<random>`). It imports only node: modules, util/collect.ts and util/procscan.ts
// (its bundle, dist/reaper.js, is copied as-is into the VS Code extension) and reads the real OS itself: the one
// exception to core/host.ts (test/engine/layering.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { collectChild, PIPE_GRACE_MS, type Collected } from './collect.js';
import { taggedPidsSync } from './procscan.js';

const token = process.argv[2] ?? '';
/** Every process group that may still be alive: cgo-ls's own runs and this process's. */
const groups = new Set<number>();

interface RunRequest {
  t: 'run';
  id: number;
  file: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  input: string;
  maxOutput: number;
}
type Message = { t: '+'; pid: number; tag?: string } | { t: '-'; pid: number } | RunRequest | { t: 'kill'; id: number };

interface HostedRun {
  child: ChildProcess;
  /** The child has exited and been reaped: its pid may name another process group from now on. */
  exited?: boolean;
  grace?: NodeJS.Timeout;
  finish: (abandoned: boolean, collected?: Collected) => void;
}
const runs = new Map<number, HostedRun>();

function send(m: Record<string, unknown>): void {
  // A send on a closed channel fails through the callback (without one it would be an unhandled 'error').
  const gone = (e: Error | null) => {
    if (e) reap(); // cgo-ls is gone
  };
  try {
    process.send?.(m, undefined, {}, gone);
  } catch {
    reap();
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function startRun(m: RunRequest): void {
  let child: ChildProcess;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true, shell: false });
  } catch (e) {
    // A synchronous spawn failure (an invalid argument): report it as node would through 'error'.
    send({ t: 'done', id: m.id, exitCode: null, signal: null, stdout: '', stderr: '', spawnError: (e as Error).message });
    return;
  }
  const r: HostedRun = { child, finish: () => undefined };
  runs.set(m.id, r);
  if (child.pid !== undefined) groups.add(child.pid);
  let finished = false;
  r.finish = (abandoned, c) => {
    if (finished) return;
    finished = true;
    if (r.grace) clearTimeout(r.grace);
    runs.delete(m.id);
    if (abandoned) for (const st of [child.stdin, child.stdout, child.stderr]) st?.destroy();
    send({ t: 'done', id: m.id, abandoned, ...(c ?? { exitCode: null, signal: null, stdout: '', stderr: '' }) });
  };
  // The leader may exit while its group lives on (a compiler that forked): the group is killed as the leader is
  // reaped, in the same turn, and never by this pid again (it may name another process group from then on).
  child.on('exit', () => {
    r.exited = true;
    if (child.pid !== undefined) {
      killGroup(child.pid);
      groups.delete(child.pid);
    }
  });
  void collectChild(child, m.input, m.maxOutput).then((c) => r.finish(false, c));
}

function killRun(id: number): void {
  const r = runs.get(id);
  if (!r) return;
  const pid = r.child.pid;
  if (pid !== undefined && !r.exited) killGroup(pid);
  else if (pid === undefined) r.child.kill('SIGKILL');
  // Whatever still holds the pipes (a setsid grandchild without the tag), the run ends shortly.
  r.grace ??= setTimeout(() => r.finish(true), PIPE_GRACE_MS);
}

function onMessage(m: Message): void {
  if (!m || typeof m !== 'object') return;
  if (m.t === '+') groups.add(m.pid);
  else if (m.t === '-') groups.delete(m.pid);
  else if (m.t === 'run') startRun(m);
  else if (m.t === 'kill') killRun(m.id);
}

function killTagged(): void {
  if (process.platform !== 'linux' || !/^\d+\.[0-9a-f]+$/.test(token)) return;
  for (const pid of taggedPidsSync(`${token}.`, true)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

let reaping = false;
function reap(): void {
  if (reaping) return;
  reaping = true;
  for (const pid of groups) killGroup(pid);
  for (const r of runs.values()) {
    try {
      r.child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  // Twice: a process may fork between the scan and the kill.
  killTagged();
  killTagged();
  process.exit(0);
}

process.on('message', onMessage);
process.on('disconnect', reap);
// Started without a channel (by hand): nothing to serve, nobody to outlive.
if (!process.send) process.exit(0);
// Signals meant for cgo-ls's group never reach this session; if one does, clean up the same way.
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, reap);
