// What a started child printed and how it ended: the one definition shared by util/proc.ts (children this process
// starts) and util/reaper.ts (children the reaper starts for the server). It imports nothing (the reaper's bundle is
// standalone) and takes the child by shape, so only proc.ts and the reaper import child_process.
import type { Readable, Writable } from 'node:stream';

/** After a kill, how long a run's pipes may still be held (by a setsid grandchild) before the wait abandons them. */
export const PIPE_GRACE_MS = 250;

/** How a child ended and what it printed (each stream capped at `maxOutput` bytes). */
export interface Collected {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child could not be started (node's spawn error message, e.g. `spawn /usr/bin/gcc EACCES`). */
  spawnError?: string;
}

/** The parts of a node ChildProcess started with three pipes that `collectChild` uses. */
export interface PipedChild {
  pid?: number;
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  on(event: 'error', listener: (e: Error) => void): unknown;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

/**
 * Feeds `input` to the child, keeps the first `maxOutput` bytes of stdout and stderr, and settles once it has exited
 * and its pipes have closed (or at once when it could not be started).
 */
export function collectChild(child: PipedChild, input: string, maxOutput: number): Promise<Collected> {
  return new Promise<Collected>((resolve) => {
    const kept: [Buffer[], Buffer[]] = [[], []];
    const sizes = [0, 0];
    let spawnError: string | undefined;
    // Past `maxOutput` a stream is still read (the child must not block on a full pipe) but dropped; the run's
    // timeout bounds a tool that prints without end.
    const keep = (i: 0 | 1) => (chunk: Buffer) => {
      const room = maxOutput - sizes[i]!;
      if (room <= 0) return;
      kept[i].push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      sizes[i]! += Math.min(chunk.length, room);
    };
    const finish = (code: number | null, signal: NodeJS.Signals | null) =>
      resolve({
        exitCode: spawnError ? null : code,
        signal: spawnError ? null : signal,
        stdout: Buffer.concat(kept[0]).toString('utf8'),
        stderr: Buffer.concat(kept[1]).toString('utf8'),
        ...(spawnError ? { spawnError } : {}),
      });
    child.stdout!.on('data', keep(0));
    child.stderr!.on('data', keep(1));
    // A child that exits without reading its input closes the pipe: EPIPE on stdin is not a failure.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(input);
    child.on('error', (e) => {
      spawnError ??= e.message;
      // No 'close' follows a failed spawn on every platform: settle here too (resolve is idempotent).
      if (child.pid === undefined) finish(null, null);
    });
    child.on('close', finish);
  });
}
