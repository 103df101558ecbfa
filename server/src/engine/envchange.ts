// The one environment change cgo-ls makes: `go env -w KEY=VALUE` / `go env -u KEY`, run only when the user
// picks the action. The go command rewrites the GOENV file in place; on a full disk it is left cut short and
// the user's GOFLAGS/GOPRIVATE/GOPROXY are gone. So, around every change:
//  1. the previous content of the GOENV file is kept (bytes, in memory; whether it existed);
//  2. after the go command, the file is read again and verified: every other key is unchanged, the key is
//     set (-w) or gone (-u), and the go command said it succeeded;
//  3. on any failure the previous bytes are written back and read back to prove it (byte-identical), or a file
//     that did not exist before is removed;
//  4. the user is told what happened (the go command's output, "restored", or — if even that failed — where the
//     previous content can be found: the server log).
// The go command runs with the environment the toolchain model uses for compilers, minus the values that came
// from the GOENV file or $GOROOT/go.env: passing those as OS variables makes `go env -w` warn that the OS
// environment overrides them ("does not override conflicting OS environment variable"), which is not true.
import { promises as fsp, constants as fsc } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/types.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { run as defaultRun, type RunOptions, type RunResult } from '../util/proc.js';
import type { EnvChange } from './fixes.js';

export interface EnvChangeResult {
  ok: boolean;
  /** What the user is shown. */
  output: string;
  /** The GOENV file was put back after a failure (byte-identical, read back). */
  restored?: boolean;
  /** The GOENV file could not be put back: its previous content went to the log. */
  restoreFailed?: boolean;
}

export interface EnvChangeDeps {
  run?: (command: string, args: string[], opts: RunOptions) => Promise<RunResult>;
  log?: Logger;
  timeoutMs?: number;
}

/** The most of a GOENV file that is kept (real ones are a few hundred bytes). */
export const MAX_GOENV_BYTES = 1 << 20;

/** `KEY=VALUE` lines of a GOENV file, as the go command reads them (later lines win). */
export function parseGoEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const i = line.indexOf('=');
    if (i <= 0 || line.trimStart().startsWith('#')) continue;
    out.set(line.slice(0, i).trim(), line.slice(i + 1));
  }
  return out;
}

/** Reads a regular file (bounded), or null when it does not exist; throws on anything else. */
async function readGoEnv(file: string): Promise<Buffer | null> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  if (st.size > MAX_GOENV_BYTES) throw new Error(`${file} is larger than ${MAX_GOENV_BYTES} bytes`);
  const fh = await fsp.open(file, fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0));
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** What is wrong with `after` as the result of `change` applied to `before` (null: nothing). */
export function verifyGoEnvChange(before: Buffer | null, after: Buffer | null, change: Pick<EnvChange, 'key' | 'value'>): string | null {
  const b = parseGoEnvFile(before?.toString('utf8') ?? '');
  const a = parseGoEnvFile(after?.toString('utf8') ?? '');
  const lost: string[] = [];
  const changed: string[] = [];
  for (const [k, v] of b) {
    if (k === change.key) continue;
    if (!a.has(k)) lost.push(k);
    else if (a.get(k) !== v) changed.push(k);
  }
  const added = [...a.keys()].filter((k) => k !== change.key && !b.has(k));
  const problems: string[] = [];
  if (lost.length > 0) problems.push(`lost ${lost.join(', ')}`);
  if (changed.length > 0) problems.push(`changed ${changed.join(', ')}`);
  if (added.length > 0) problems.push(`gained ${added.join(', ')}`);
  if (change.value !== null && !a.has(change.key)) problems.push(`${change.key} is not set`);
  if (change.value === null && a.has(change.key)) problems.push(`${change.key} is still set`);
  return problems.length > 0 ? problems.join('; ') : null;
}

/** The environment for `go env -w/-u`: the compilers' environment without values injected from GOENV / go.env. */
export function envForGoEnvWrite(tc: ToolchainModel): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...tc.childEnv, GOTOOLCHAIN: 'local' };
  for (const [k, v] of Object.entries(tc.values)) {
    if ((v.source === 'goenv-file' || v.source === 'goroot-go.env') && env[k] === v.value) delete env[k];
  }
  return env;
}

/** Puts `before` back (or removes a file that did not exist) and proves it by reading it back. */
async function restore(file: string, before: Buffer | null): Promise<{ ok: boolean; error?: string }> {
  try {
    if (before === null) {
      await fsp.rm(file, { force: true });
      return (await readGoEnv(file)) === null ? { ok: true } : { ok: false, error: 'the file is still there' };
    }
    // In place, truncating first: on a full disk the old bytes fit in the blocks the truncation frees (a temp
    // file and rename would need room for a second copy).
    await fsp.writeFile(file, before);
    const back = await readGoEnv(file);
    return back !== null && back.equals(before) ? { ok: true } : { ok: false, error: 'the content read back differs' };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function applyEnvChange(change: EnvChange, tc: ToolchainModel, deps: EnvChangeDeps = {}): Promise<EnvChangeResult> {
  const runFn = deps.run ?? defaultRun;
  const go = tc.go.path ?? 'go';
  const args = change.value === null ? ['env', '-u', change.key] : ['env', '-w', `${change.key}=${change.value}`];
  const what = `go ${args.join(' ')}`;
  const file = tc.envFile?.path && tc.envFile.path !== 'off' && path.isAbsolute(tc.envFile.path) ? tc.envFile.path : null;

  // 1. Keep the previous content.
  let before: Buffer | null = null;
  if (file) {
    try {
      before = await readGoEnv(file);
    } catch (e) {
      return { ok: false, output: `${what} was not run: the GOENV file ${file} cannot be backed up first (${e instanceof Error ? e.message : String(e)}).` };
    }
  }

  const res = await runFn(go, args, { cwd: change.folder, env: envForGoEnvWrite(tc), timeoutMs: deps.timeoutMs ?? 15_000 });
  const output = (res.stdout + res.stderr).trim();
  let failure: string | null = null;
  if (res.spawnError) failure = res.spawnError;
  else if (res.timedOut) failure = `${what} did not finish in time and was stopped`;
  else if (res.exitCode !== 0) failure = output || `${what} failed with exit code ${res.exitCode}${res.signal ? ` (${res.signal})` : ''}`;

  // 2. Verify.
  if (file) {
    let after: Buffer | null = null;
    let readError: string | null = null;
    try {
      after = await readGoEnv(file);
    } catch (e) {
      readError = e instanceof Error ? e.message : String(e);
    }
    const wrong = readError ?? verifyGoEnvChange(before, after, change);
    const unchanged = readError === null && ((before === null && after === null) || (before !== null && after !== null && before.equals(after)));
    if (failure === null && wrong !== null) failure = `${what} reported success, but the GOENV file ${file} is not as expected (${wrong})`;
    else if (failure !== null && wrong !== null && !unchanged) failure += `\nThe GOENV file ${file} was damaged (${wrong}).`;

    // 3. Restore on failure (only when the file moved: an untouched file is left alone).
    if (failure !== null && !unchanged) {
      const r = await restore(file, before);
      if (r.ok) {
        return {
          ok: false,
          restored: true,
          output: `${failure}\nThe GOENV file ${file} was restored to its previous content${before ? ` (${before.length} bytes)` : ' (it did not exist)'}; nothing changed.`,
        };
      }
      deps.log?.error(`GOENV file ${file} could not be restored (${r.error}); its previous content was:\n${before?.toString('utf8') ?? '(no file)'}`);
      return {
        ok: false,
        restoreFailed: true,
        output: `${failure}\nThe GOENV file ${file} could NOT be restored (${r.error}). Its previous content is in the cgo-ls log (Output panel / :LspLog); copy it back by hand.`,
      };
    }
  }
  // 4. Tell the user.
  if (failure !== null) return { ok: false, output: failure };
  return { ok: true, output: output || `${what}: done` };
}
