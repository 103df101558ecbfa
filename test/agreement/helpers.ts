// Helpers of the real-module agreement test: a private module cache, a temporary module that requires the
// pinned versions, the real `go build` (package plus a linked program) and the built `cgo-ls check`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverMain } from '../helpers/lsp-client.js';
import type { RealPackage } from './real-packages.js';

/** Downloads are cached here, never in the repository: $XDG_CACHE_HOME/cgo-ls-test or ~/.cache/cgo-ls-test. */
export function cacheRoot(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'cgo-ls-test');
}

/** The environment of every go and cgo-ls run: the private module cache, -mod=mod, the local toolchain only. */
export function goEnv(): NodeJS.ProcessEnv {
  const root = cacheRoot();
  return { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOMODCACHE: path.join(root, 'gomod'), GOPATH: path.join(root, 'gopath'), LC_ALL: 'C' };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const live = new Set<ChildProcess>();

/** Runs a program in its own process group; on timeout (or killAll) the whole group is killed, compilers included. */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? goEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => killGroup(child), opts.timeoutMs);
    const done = (code: number | null, extra = '') => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, stdout, stderr: stderr + extra, ms: performance.now() - t0 });
    };
    child.on('error', (e) => done(null, String(e)));
    child.on('close', (code, signal) => done(code, signal ? `\n(killed by ${signal} after ${opts.timeoutMs} ms)` : ''));
  });
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Kills every process group this module started that is still running (a timed-out hook leaves none behind). */
export function killAll(): void {
  for (const c of live) killGroup(c);
}

/** Runs `fn` over `items` with at most `n` at a time, keeping the order of the results. */
export async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** A temporary module requiring every pinned version, with one `main` program per package (prog<i>/main.go). */
export function writeAppModule(dir: string, pkgs: RealPackage[]): void {
  const mods = new Map<string, string>();
  for (const p of pkgs) mods.set(p.module, p.version);
  const req = [...mods].map(([m, v]) => `\t${m} ${v}`).join('\n');
  fs.writeFileSync(path.join(dir, 'go.mod'), `module example.com/cgolsagree\n\ngo 1.26\n\nrequire (\n${req}\n)\n`);
  pkgs.forEach((p, i) => {
    fs.mkdirSync(path.join(dir, `prog${i}`), { recursive: true });
    fs.writeFileSync(path.join(dir, `prog${i}`, 'main.go'), `package main\n\nimport _ "${p.pkg}"\n\nfunc main() {}\n`);
  });
}

export interface GoLocation {
  file: string; // absolute
  line: number; // 1-based
  text: string;
}

/**
 * The Go-file locations of the errors in `go build` output: `<file>.go:<line>[:<col>]: <error>` and the
 * `In file included from <file>.go:<line>` that leads to an error in a header. Warnings and notes are not errors.
 */
export function goErrorLocations(output: string, cwd: string): GoLocation[] {
  const out: GoLocation[] = [];
  let pending: GoLocation | null = null;
  for (const line of output.split('\n')) {
    const inc = /^In file included from ([^\s:]+\.go):(\d+)[:,]$/.exec(line);
    if (inc) {
      pending = { file: path.resolve(cwd, inc[1]!), line: Number(inc[2]), text: line };
      continue;
    }
    if (/^\s+from /.test(line)) continue;
    const m = /^([^\s:]+\.go):(\d+):(?:\d+:)? (.*)$/.exec(line);
    if (m && !/^(warning|note):/.test(m[3]!)) out.push({ file: path.resolve(cwd, m[1]!), line: Number(m[2]), text: m[3]! });
    if (pending && /: (fatal )?error: /.test(line) && !/\.go:\d/.test(line)) {
      out.push({ ...pending, text: line });
      pending = null;
    } else if (!/: (note|warning): /.test(line)) pending = null;
  }
  return out;
}

export interface CheckDiag {
  file: string; // absolute
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

/** The built `cgo-ls check --format json` over the given files. */
export async function cgoLsCheck(files: string[], cwd: string): Promise<{ run: Run; diags: CheckDiag[] }> {
  const r = await run(process.execPath, [serverMain, 'check', '--format', 'json', ...files], { cwd, timeoutMs: 900_000 });
  let diags: CheckDiag[] = [];
  try {
    diags = (JSON.parse(r.stdout || '[]') as CheckDiag[]).map((d) => ({ ...d, file: path.resolve(cwd, d.file) }));
  } catch {
    throw new Error(`cgo-ls check printed no JSON (exit ${r.code}): ${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
  }
  return { run: r, diags };
}

/** The first line of each diagnostic, as `file:line: code: message` (relative to `dir`), for failure messages. */
export function brief(diags: CheckDiag[], dir: string): string[] {
  return diags.map((d) => `${path.relative(dir, d.file)}:${d.line}: ${d.severity} ${d.code}: ${d.message.split('\n')[0]}`);
}
