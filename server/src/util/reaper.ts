// The reaper: a tiny process that outlives cgo-ls only to clean up after it. cgo-ls (util/proc.ts) starts it
// once, in its own session, and writes one line per run to its stdin: `+<pgid> <tag>` when a child starts,
// `-<pgid>` when its group is gone. When the pipe closes — cgo-ls exited, crashed or was SIGKILLed — it kills
// every group still registered and every process whose environment carries cgo-ls's run tag (descendants that
// left their group with setsid), then exits. It starts nothing. Argument: the tag prefix (`<pid>.<random>`).
import fs from 'node:fs';

const token = process.argv[2] ?? '';
const groups = new Set<number>();
let pending = '';

function onLine(line: string): void {
  const m = /^([+-])(\d+)/.exec(line);
  if (!m) return;
  const pid = Number(m[2]);
  if (m[1] === '+') groups.add(pid);
  else groups.delete(pid);
}

function killTagged(): void {
  // The reaper is a standalone script (copied as-is into the VS Code bundle): it imports only node:fs, so it reads
  // the real OS itself — the one exception to core/host.ts (test/engine/layering.test.ts).
  if (process.platform !== 'linux' || !/^\d+\.[0-9a-f]+$/.test(token)) return;
  const needle = Buffer.from(`\0CGO_LS_RUN=${token}.`);
  const first = needle.subarray(1);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${e}/environ`);
      if (env.indexOf(needle) >= 0 || env.subarray(0, first.length).equals(first)) process.kill(Number(e), 'SIGKILL');
    } catch {
      /* exited or not ours */
    }
  }
}

function reap(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  // Twice: a process may fork between the scan and the kill.
  killTagged();
  killTagged();
  process.exit(0);
}

process.stdin.on('data', (chunk: Buffer) => {
  pending += chunk.toString('latin1');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const l of lines) onLine(l);
});
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
// Signals meant for cgo-ls's group never reach this session; if one does, clean up the same way.
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, reap);
