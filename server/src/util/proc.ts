// The one way cgo-ls starts a subprocess. Argument arrays only (never a shell), a timeout on every run,
// cancellation through an AbortSignal, bounded output, and the whole process group killed on timeout or
// cancel so a compiler's children (cc1, as, ld) never outlive the run.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

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
  durationMs: number;
}

/** Counts every subprocess started; the bench and tests read it to prove "no subprocess on this path". */
export const processStats = { started: 0 };

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Resolves a bare command name through PATH the way Go's os/exec does since Go 1.19: entries that are empty or
 * relative (".", "bin") are never used, so a `gcc` or `pkg-config` shipped inside an untrusted package
 * directory (the cwd of our runs) cannot be picked up. Names with a separator are used as given.
 */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (command.includes('/') || (platform === 'win32' && command.includes('\\'))) return command;
  const pathKey = Object.keys(env).find((k) => (platform === 'win32' ? k.toUpperCase() === 'PATH' : k === 'PATH'));
  const dirs = (pathKey ? (env[pathKey] ?? '') : '').split(platform === 'win32' ? ';' : ':');
  const exts =
    platform === 'win32'
      ? p.extname(command)
        ? ['']
        : (env[Object.keys(env).find((k) => k.toUpperCase() === 'PATHEXT') ?? 'PATHEXT'] ?? '.com;.exe;.bat;.cmd').split(';').filter(Boolean)
      : [''];
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

export async function run(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const resolved = resolveCommand(command, opts.env);
  if (resolved === null) {
    return spawnFailure(command, args, `exec: "${command}": executable file not found in ${process.platform === 'win32' ? '%PATH%' : '$PATH'}`);
  }
  processStats.started++;
  const isWindows = process.platform === 'win32';
  const child = execa(resolved, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    input: opts.input ?? '',
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    maxBuffer: opts.maxOutput ?? DEFAULT_MAX_OUTPUT,
    windowsHide: true,
    // A new process group on POSIX so that a timeout or cancel can kill the compiler's children too.
    detached: !isWindows,
    cleanup: true,
    shell: false,
  });
  let timedOut = false;
  let canceled = false;
  const killGroup = () => {
    const pid = child.pid;
    if (pid === undefined) return;
    try {
      if (!isWindows) process.kill(-pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, opts.timeoutMs);
  const onAbort = () => {
    canceled = true;
    killGroup();
  };
  if (opts.signal) {
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  try {
    const r = await child;
    const spawnError =
      r.failed && r.exitCode === undefined && !timedOut && !canceled && r.signal === undefined
        ? (r.cause instanceof Error ? r.cause.message : r.shortMessage)
        : undefined;
    return {
      command,
      args,
      exitCode: r.exitCode ?? null,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
      timedOut,
      canceled,
      ...(r.signal && !timedOut && !canceled ? { signal: r.signal } : {}),
      spawnError,
      durationMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    // The leader may have exited while its group lives on (a compiler that forked): kill the group anyway.
    if (!isWindows && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* group already empty */
      }
    }
  }
}
