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
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; priority?: number } = {},
): Promise<Record<string, string> | null> {
  if (!shell) return null;
  const script = `printf '%s' '${BEGIN}'; env -0 2>/dev/null || env; printf '%s' '${END}'`;
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env), TERM: 'dumb' };
  let r;
  try {
    r = await run(shell, ['-lic', script], { env, timeoutMs, signal: opts.signal, maxOutput: 8 * 1024 * 1024, priority: opts.priority });
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

// ---- Windows: the environment a newly started program would get -------------------------------------------
// On Windows there is no login shell to ask. A program gets the user and system environment from the registry
// when it starts; a PATH or CC changed afterwards (an installer, `setx`, the System Properties dialog) is invisible
// to the running editor until it is restarted. Comparing with the registry shows exactly that.

export const REG_SYSTEM_ENV = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment';
export const REG_USER_ENV = 'HKCU\\Environment';

export interface RegValue {
  type: string;
  value: string;
}

/** Parses `reg query <key>` output: lines of `    NAME    REG_SZ|REG_EXPAND_SZ    value` under the key name. */
export function parseRegQuery(output: string): Record<string, RegValue> {
  const out: Record<string, RegValue> = {};
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s{2,}(\S(?:.*?\S)?)\s{2,}(REG_[A-Z_]+)(?:\s{2,}(.*))?$/.exec(line);
    if (!m) continue;
    out[m[1]!] = { type: m[2]!, value: (m[3] ?? '').trimEnd() };
  }
  return out;
}

/** Expands %NAME% (case-insensitive) the way Windows expands REG_EXPAND_SZ values; unknown names stay as written. */
export function expandWindowsVars(value: string, env: Record<string, string | undefined>): string {
  const lookup = (name: string) => {
    const k = Object.keys(env).find((x) => x.toUpperCase() === name.toUpperCase());
    return k === undefined ? undefined : env[k];
  };
  return value.replace(/%([^%;]+)%/g, (whole, name: string) => lookup(name) ?? whole);
}

/**
 * The environment a new process would start with: the system variables, then the user variables over them,
 * except Path, which is system Path followed by user Path (as Windows builds it). REG_EXPAND_SZ values are expanded
 * against the process environment (SystemRoot, USERPROFILE …) and the variables read.
 */
export function composeRegistryEnv(
  system: Record<string, RegValue>,
  user: Record<string, RegValue>,
  base: Record<string, string | undefined>,
): Record<string, string> {
  const raw: Record<string, RegValue> = { ...system };
  for (const [k, v] of Object.entries(user)) {
    const existing = Object.keys(raw).find((x) => x.toUpperCase() === k.toUpperCase());
    if (k.toUpperCase() === 'PATH' && existing) {
      raw[existing] = { type: 'REG_EXPAND_SZ', value: `${raw[existing]!.value};${v.value}` };
    } else {
      if (existing && existing !== k) delete raw[existing];
      raw[k] = v;
    }
  }
  const scope: Record<string, string | undefined> = { ...base };
  for (const [k, v] of Object.entries(raw)) if (v.type === 'REG_SZ') scope[k] = v.value;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = v.type === 'REG_EXPAND_SZ' ? expandWindowsVars(v.value, scope) : v.value;
  return out;
}

/** Reads the registry environment with `reg query` (argument arrays, a timeout); null when it cannot be read. */
export async function readWindowsRegistryEnv(
  timeoutMs: number,
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; priority?: number } = {},
): Promise<Record<string, string> | null> {
  const env = opts.env ?? process.env;
  const q = (key: string) => run('reg', ['query', key], { env, timeoutMs, signal: opts.signal, maxOutput: 1024 * 1024 }).catch(() => null);
  const [sys, usr] = await Promise.all([q(REG_SYSTEM_ENV), q(REG_USER_ENV)]);
  if (!sys || sys.exitCode !== 0) return null;
  const user = usr && usr.exitCode === 0 ? parseRegQuery(usr.stdout) : {};
  return composeRegistryEnv(parseRegQuery(sys.stdout), user, env);
}
