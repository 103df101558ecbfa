// Tests that need a tool this machine may lack (Neovim, Helix, tmux, gopls, MinGW-w64, wine, clang, python3 …).
// Without the tool, the tests are skipped and ONE line says which tool is missing and the command that installs
// it. Under CI=true nothing is skipped: CI installs everything (.ci/run), so a missing tool fails the tests with
// the same line instead.
//
//   const nvim = tool('Neovim 0.10', findExecutable(process.env.CGO_E2E_NVIM010 ?? ''), '.ci/editors.sh');
//   describeWith(nvim, 'Neovim 0.10 end to end', () => { … nvim.path … });
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';

export interface Tool {
  /** What a person calls it, e.g. "Neovim 0.10" or "x86_64-w64-mingw32-gcc". */
  name: string;
  /** Absolute path of the executable (or other file) when found; null when missing. */
  path: string | null;
  /** The command that installs it, as a person would type it. */
  install: string;
}

/** True under CI (CI=true or CI=1): nothing may be skipped there. */
export const inCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** The first `name` on PATH (or `name` itself when it is a path to an executable file), or null. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (!name) return null;
  const isExe = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/') || name.includes(path.sep)) return isExe(name) ? path.resolve(name) : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExe(p)) return p;
  }
  return null;
}

/** Runs `argv` and returns its stdout when it exits 0 (e.g. a version probe), else null. */
export function probeOutput(argv: string[], env: NodeJS.ProcessEnv = process.env): string | null {
  const [cmd, ...args] = argv;
  if (!cmd) return null;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 20_000 });
  return r.status === 0 ? r.stdout : null;
}

export function tool(name: string, found: string | null, install: string): Tool {
  return { name, path: found, install };
}

/** The one line that says what is missing and how to install it. */
export function missingLine(t: Tool): string {
  return `${t.name} not found — install it with: ${t.install}`;
}

const announced = new Set<string>();

/**
 * Whether tests needing `tools` may run. Outside CI a missing tool prints one line (once per tool and file) and
 * the caller skips; under CI it returns true so the tests run and fail through `assertTools`.
 */
export function canRun(...tools: Tool[]): boolean {
  const missing = tools.filter((t) => t.path === null);
  if (missing.length === 0 || inCI) return true;
  for (const t of missing) {
    const line = `skipped: ${missingLine(t)}`;
    if (!announced.has(line)) {
      announced.add(line);
      process.stdout.write(`${line}\n`);
    }
  }
  return false;
}

/** Throws the one-line reason when a tool is missing (what CI sees instead of a skip). */
export function assertTools(...tools: Tool[]): void {
  const missing = tools.filter((t) => t.path === null);
  if (missing.length > 0) throw new Error(missing.map((t) => `${missingLine(t)} (CI=true: nothing may be skipped)`).join('\n'));
}

/**
 * `describe` that needs tools: skipped with one line when a tool is missing (outside CI); under CI a missing
 * tool turns the block into one failing test that names the tool and the install command.
 */
export function describeWith(tools: Tool | Tool[], name: string, body: () => void): void {
  const list = Array.isArray(tools) ? tools : [tools];
  if (!canRun(...list)) {
    describe.skip(name, body);
    return;
  }
  if (list.some((t) => t.path === null)) {
    describe(name, () => {
      it('has the tools it needs', () => assertTools(...list));
    });
    return;
  }
  describe(name, body);
}

/** `it` that needs tools (same rules as describeWith). */
export function itWith(tools: Tool | Tool[], name: string, fn: () => unknown, timeout?: number): void {
  const list = Array.isArray(tools) ? tools : [tools];
  if (!canRun(...list)) {
    it.skip(name, fn as () => void);
    return;
  }
  it(
    name,
    async () => {
      assertTools(...list);
      await fn();
    },
    timeout,
  );
}
