// The login shell's environment: what `go build` in a terminal sees, as opposed to the editor (a GUI-launched editor
// often has a minimal PATH, microsoft/vscode#108003). Read once with `$SHELL -lic …`, compared where it matters.
import { run } from '../util/proc.js';

const BEGIN = '__CGO_LS_ENV_BEGIN__';
const END = '__CGO_LS_ENV_END__';

/** Parses `env -0` output (NUL-separated NAME=value records; values may contain newlines). */
export function parseEnvNul(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rec of text.split('\0')) {
    const i = rec.indexOf('=');
    if (i <= 0) continue;
    out[rec.slice(0, i)] = rec.slice(i + 1);
  }
  return out;
}

/**
 * Parses plain `env` output. A line that does not start with `NAME=` continues the previous value (a value with a
 * newline); that is ambiguous in general, which is why `env -0` is preferred.
 */
export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) {
      out[m[1]!] = m[2]!;
      last = m[1]!;
    } else if (last !== null && line !== '') {
      out[last] += '\n' + line;
    }
  }
  return out;
}

/**
 * Runs `<shell> -lic '<print markers; env -0 || env>'` (argument array, no extra shell) with a timeout, and returns
 * the environment the login shell ends up with, or null when the shell could not be run, timed out, or printed
 * nothing usable. Start-up noise (motd, prompts) outside the markers is ignored.
 */
export async function readLoginShellEnv(
  shell: string,
  timeoutMs: number,
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<Record<string, string> | null> {
  if (!shell) return null;
  const script = `printf '%s' '${BEGIN}'; env -0 2>/dev/null || env; printf '%s' '${END}'`;
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env), TERM: 'dumb' };
  let r;
  try {
    r = await run(shell, ['-lic', script], { env, timeoutMs, signal: opts.signal, maxOutput: 8 * 1024 * 1024 });
  } catch {
    return null;
  }
  if (r.spawnError || r.timedOut || r.canceled) return null;
  const b = r.stdout.lastIndexOf(BEGIN);
  const e = r.stdout.lastIndexOf(END);
  if (b < 0 || e < b) return null;
  const body = r.stdout.slice(b + BEGIN.length, e);
  const parsed = body.includes('\0') ? parseEnvNul(body) : parseEnvLines(body);
  return Object.keys(parsed).length > 0 ? parsed : null;
}
