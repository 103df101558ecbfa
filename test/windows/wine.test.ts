// The pseudo-success trap end to end: predict, build with Go 1.19 + MinGW-w64, read the PE imports, watch the .exe
// die under wine for want of libstdc++-6.dll, apply the code action's edit, rebuild, watch it run.
// Go 1.19 because bookworm's wine 8.0 lacks bcryptprimitives.dll, which the Windows runtime of recent Go needs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/tools.js';
import type { TextEdit } from '../../server/src/core/types.js';
import { range } from '../../server/src/core/types.js';
import { classifyCompiler } from '../../server/src/toolchain/compiler.js';
import type { CompilerInfo, ToolchainModel } from '../../server/src/toolchain/types.js';
import { run, type RunResult } from '../../server/src/util/proc.js';
import { doctorBinaryReport, runtimeDllDiagnostics, staticFlagsDirective, WINDOWS_RUNTIME_DLL } from '../../server/src/windows/check.js';
import { locateMingwRuntime, predictRuntimeDlls } from '../../server/src/windows/dlls.js';
import {
  APT_HINT,
  baseEnv,
  copyDir,
  fixtures,
  GO_119,
  GO119,
  goBuildWindows,
  importCLine,
  importsOf,
  MINGW,
  MINGW_GCC,
  requireTool,
  tmpDir,
  which,
  WINE,
  cleanupTmp,
} from './helpers.js';

afterAll(cleanupTmp);

function findWine(): string {
  const w = which('wine64') ?? which('wine') ?? (fs.existsSync('/usr/lib/wine/wine64') ? '/usr/lib/wine/wine64' : null);
  if (!w) throw new Error(`wine is not installed (looked for wine64, wine, /usr/lib/wine/wine64). ${APT_HINT}`);
  return w;
}

const prefix = tmpDir('wineprefix');
let wine = '';

async function underWine(exe: string): Promise<RunResult> {
  // err+module keeps the loader's "Library … not found" line; everything else is silenced.
  const env = baseEnv({ WINEPREFIX: prefix, WINEDEBUG: '-all,err+module', DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
  return run(wine, [exe], { cwd: path.dirname(exe), env, timeoutMs: 150_000 });
}

async function mingwCompilerInfo(): Promise<CompilerInfo> {
  const p = requireTool(MINGW_GCC);
  const env = baseEnv();
  const v = await run(p, ['--version'], { env, timeoutMs: 30_000 });
  const dm = await run(p, ['-dumpmachine'], { env, timeoutMs: 30_000 });
  return { argv: [MINGW_GCC], source: 'process-env', path: p, mtimeMs: fs.statSync(p).mtimeMs, ...classifyCompiler([MINGW_GCC], v, dm) };
}

function hasCxxFiles(dir: string): boolean {
  return fs.readdirSync(dir).some((f) => /\.(cc|cpp|cxx)$/.test(f));
}

/** `#cgo [windows] LDFLAGS:` flags of a file (what the Go model extracts; enough for this fixture). */
function directiveLdflags(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/^\/\/\s*#cgo\s+(?:windows\s+)?LDFLAGS:(.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
}

function applyEdit(file: string, edit: TextEdit): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const { line, character } = edit.range.start;
  expect(edit.range.end).toEqual(edit.range.start); // an insertion
  lines[line] = lines[line]!.slice(0, character) + edit.newText + lines[line]!.slice(character);
  fs.writeFileSync(file, lines.join('\n'));
}

let cc: CompilerInfo;
let toolchain: Pick<ToolchainModel, 'goos' | 'goarch' | 'cc' | 'childEnv' | 'values'>;

beforeAll(() => {
  wine = findWine();
  if (!fs.existsSync(GO_119)) throw new Error(`${GO_119} is not installed. ${APT_HINT}`);
});

describeWith([MINGW, WINE, GO119], 'wine round trip: libstdc++-6.dll', () => {
  const dir = tmpDir('wine-cxx');
  copyDir(path.join(fixtures, 'cxx'), dir);
  const mainGo = path.join(dir, 'main.go');
  const exe = path.join(dir, 'app.exe');
  let diagData: Record<string, unknown> = {};

  it('predicts, builds, and the .exe fails under wine with STATUS_DLL_NOT_FOUND', async () => {
    cc = await mingwCompilerInfo();
    expect(cc).toMatchObject({ family: 'gcc', flavor: 'mingw-w64', target: 'x86_64-w64-mingw32' });
    toolchain = { goos: 'windows', goarch: 'amd64', cc, childEnv: baseEnv(), values: {} };
    const line = importCLine(mainGo);
    const importRange = range(line, 0, line, 'import "C"'.length);
    const hasCxx = hasCxxFiles(dir);
    expect(hasCxx).toBe(true);

    // (a) prediction
    const runtime = locateMingwRuntime(cc);
    const p = predictRuntimeDlls({ hasCxx, ldflags: directiveLdflags(mainGo), cc, goarch: 'amd64', runtime });
    expect(p.dlls).toEqual(['libstdc++-6.dll', 'libgcc_s_seh-1.dll']);
    const diags = runtimeDllDiagnostics({ file: mainGo, importRange, toolchain, hasCxx, ldflags: directiveLdflags(mainGo) });
    expect(diags.map((d) => d.code)).toEqual([WINDOWS_RUNTIME_DLL]);
    expect(diags[0]!.range).toEqual(importRange);
    diagData = diags[0]!.data as Record<string, unknown>;
    expect(diagData.dlls).toEqual(p.dlls);

    // (b) the real build imports exactly those
    const b = await goBuildWindows({ go: GO_119, dir, out: exe });
    expect(b.exitCode, b.stderr).toBe(0);
    expect(importsOf(exe).nonSystem.sort()).toEqual([...p.dlls].sort());

    // (c) and it dies at start-up
    const r = await underWine(exe);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Library libstdc\+\+-6\.dll \(which is needed by .*app\.exe.*\) not found/);
    expect(r.stderr).toContain('c0000135');
    expect(r.stdout).not.toContain('hello from c++');

    // doctor agrees: the DLLs are only in the toolchain folder
    const doc = doctorBinaryReport(exe, { toolchainBinDir: diagData.toolchainBinDir as string, PATH: '' });
    expect(doc.exitCode).toBe(1);
    expect(doc.json.missing.sort()).toEqual(['libgcc_s_seh-1.dll', 'libstdc++-6.dll']);
  }, 170_000);

  it('fix 2: shipping the DLLs the diagnostic names next to the .exe makes it start', async () => {
    const shipped = tmpDir('wine-shipped');
    fs.copyFileSync(exe, path.join(shipped, 'app.exe'));
    for (const f of Object.values(diagData.dllPaths as Record<string, string>)) fs.copyFileSync(f, path.join(shipped, path.basename(f)));
    expect(doctorBinaryReport(path.join(shipped, 'app.exe'), { PATH: '' }).exitCode).toBe(0);
    const r = await underWine(path.join(shipped, 'app.exe'));
    expect(r.stdout.trim(), r.stderr).toBe('hello from c++, caught');
    expect(r.exitCode).toBe(0);
  }, 170_000);

  it('fix 1: the code action inserts the static flags; the rebuilt .exe has no runtime DLL and runs', async () => {
    const fixed = tmpDir('wine-fixed');
    copyDir(path.join(fixtures, 'cxx'), fixed);
    const file = path.join(fixed, 'main.go');
    const line = importCLine(file);
    // The code action's edit: a `#cgo windows LDFLAGS:` line at the end of the preamble (just above import "C").
    applyEdit(file, { range: range(line, 0, line, 0), newText: staticFlagsDirective(diagData.staticFlags as string[]) });
    expect(fs.readFileSync(file, 'utf8')).toContain('// #include "greet.h"\n// #cgo windows LDFLAGS: -static-libgcc -static-libstdc++\nimport "C"');

    const ldflags = directiveLdflags(file);
    expect(ldflags).toEqual(['-static-libgcc', '-static-libstdc++']);
    const l2 = importCLine(file);
    expect(predictRuntimeDlls({ hasCxx: true, ldflags, cc, goarch: 'amd64', runtime: locateMingwRuntime(cc) }).dlls).toEqual([]);
    expect(runtimeDllDiagnostics({ file, importRange: range(l2, 0, l2, 10), toolchain, hasCxx: true, ldflags })).toEqual([]);

    const out = path.join(fixed, 'app.exe');
    const b = await goBuildWindows({ go: GO_119, dir: fixed, out });
    expect(b.exitCode, b.stderr).toBe(0);
    expect(importsOf(out).nonSystem).toEqual([]);
    expect(importsOf(out).imports.map((d) => d.toLowerCase())).not.toContain('libstdc++-6.dll');
    const r = await underWine(out);
    expect(r.stdout.trim(), r.stderr).toBe('hello from c++, caught');
    expect(r.exitCode).toBe(0);
  }, 170_000);
});

describeWith([MINGW, WINE, GO119], 'host gcc as CC for GOOS=windows', () => {
  it("reproduces `unrecognized command-line option '-mthreads'`", async () => {
    const dir = tmpDir('mthreads');
    copyDir(path.join(fixtures, 'c'), dir);
    requireTool('gcc');
    const r = await goBuildWindows({ go: GO_119, dir, out: path.join(dir, 'x.exe'), cc: 'gcc', cxx: 'g++' });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('# runtime/cgo');
    expect(r.stderr).toMatch(/gcc: error: unrecognized command-line option ['‘]-mthreads['’]; did you mean ['‘]-pthread['’]\?/);
  }, 120_000);
});
