// Fault injection with fake compilers: hangs, floods, silence, garbage, absence.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { clearCompilerCaches } from '../../server/src/compiler/ccinfo.js';
import { compilePreamble, MAX_COMPILER_DIAGNOSTICS } from '../../server/src/compiler/preamble.js';
import { expectShape, fakeCC, inputFromGo } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cgols-fault-'));

const SRC = 'package main\n\n// #include <stdio.h>\n// static int one(void) { return 1; }\nimport "C"\n\nfunc main() { _ = C.one() }\n';
const GOFILE = path.join(tmp, 'main.go');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms = 3000): Promise<number[]> {
  const end = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}

function pidsFrom(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

describe.skipIf(process.platform === 'win32')('fake compilers', () => {
  test('a hanging compiler: one timeout diagnostic naming the command, no process left behind', async () => {
    clearCompilerCaches();
    const pidfile = path.join(tmp, 'hang-pids');
    const cc = fakeCC('hang.sh');
    const started = Date.now();
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: [cc], env: { ...process.env, FAKECC_PIDFILE: pidfile, FAKECC_ONLY_REAL: '1' } }), {
      timeoutMs: 1500,
    });
    const took = Date.now() - started;
    expect(took).toBeLessThan(1500 + 1000);
    expect(r.timedOut).toBe(true);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d.code).toBe('cgo/compiler-timeout');
    expect(d.range.start.line).toBe(4); // the import "C" line
    const m = expectShape(d.message);
    expect(m.cause).toBe('The C compiler did not finish within 1500 ms, so this preamble was not checked');
    expect(m.fix).toContain('cgo.compilerTimeoutMs');
    expect(m.details).toContainEqual(expect.stringMatching(new RegExp(`^Command: .*${cc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
    expect(d.data!.commandLine as string[]).toEqual(expect.arrayContaining([cc]));
    const pids = pidsFrom(pidfile);
    expect(pids.length).toBeGreaterThanOrEqual(2); // the shell and its sleep child, at least one run
    expect(await waitGone(pids)).toEqual([]);
    const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
    for (const pid of pids) expect(ps).not.toMatch(new RegExp(`^\\s*${pid}\\s`, 'm'));
  });

  test('a compiler that hangs even on the feature probe times out too, bounded by the same budget', async () => {
    clearCompilerCaches();
    const pidfile = path.join(tmp, 'hang-pids-2');
    const cc = fakeCC('hang.sh');
    const started = Date.now();
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: [cc], env: { ...process.env, FAKECC_PIDFILE: pidfile } }), { timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(1000 + 1000);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cgo/compiler-timeout']);
    expect(await waitGone(pidsFrom(pidfile))).toEqual([]);
  });

  test('a compiler printing megabytes: bounded diagnostics, no crash', async () => {
    clearCompilerCaches();
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: [fakeCC('spew.sh')] }), { timeoutMs: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.length).toBeLessThanOrEqual(MAX_COMPILER_DIAGNOSTICS);
    const last = expectShape(r.diagnostics[r.diagnostics.length - 1]!.message);
    expect(last.details[last.details.length - 1]).toMatch(/^\(\d+ more compiler messages not shown\)$/);
    for (const d of r.diagnostics) expectShape(d.message);
  });

  test('a compiler that exits without output → cgo/cc-broken with cmd/cgo wording', async () => {
    clearCompilerCaches();
    const cc = fakeCC('silent.sh');
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: [cc] }), { timeoutMs: 10_000 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cgo/cc-broken']);
    const m = expectShape(r.diagnostics[0]!.message);
    expect(m.cause).toBe(`cgo: ${path.basename(cc)} produced no output`);
    expect(m.fix).toBe('point CC at gcc or clang (MSVC cl.exe is not supported)');
    expect(m.details[0]).toBe(`cgo: ${cc} produced no output`);
    expect(r.kinds.one).toBe('unknown');
  });

  test('a compiler with non-gcc output → "did not produce error at completed:1"', async () => {
    clearCompilerCaches();
    const cc = fakeCC('notgcc.sh');
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: [cc] }), { timeoutMs: 10_000 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cgo/cc-broken']);
    const m = expectShape(r.diagnostics[0]!.message);
    expect(m.cause).toBe(`cgo: ${path.basename(cc)} did not produce error at completed:1`);
    expect(m.details[0]).toBe(`cgo: ${cc} did not produce error at completed:1`);
    expect(m.detailText).toContain('this is not a C compiler');
  });

  test('a failing compiler whose output is no diagnostic, with no C name to probe → cgo/cc-broken showing its output', async () => {
    clearCompilerCaches();
    const cc = fakeCC('notgcc.sh');
    const src = 'package main\n\n// static int one(void) { return 1; }\nimport "C"\n\nfunc main() {}\n';
    const r = await compilePreamble(inputFromGo(GOFILE, src, { cc: [cc] }), { timeoutMs: 10_000 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cgo/cc-broken']);
    const m = expectShape(r.diagnostics[0]!.message);
    expect(m.cause).toBe(`The C compiler ${path.basename(cc)} failed (exit status 1) without a diagnostic we can place`);
    expect(m.fix).toBe(`check that \`${cc}\` is a working gcc- or clang-compatible compiler`);
    expect(m.detailText).toBe("The compiler's output:\nfakecc: this is not a C compiler");
  });

  test('no C compiler at all → cgo/cc-broken saying so', async () => {
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: [] }), { timeoutMs: 10_000 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cgo/cc-broken']);
    const m = expectShape(r.diagnostics[0]!.message);
    expect(m.cause).toBe('No C compiler is set, so the preamble cannot be checked');
    expect(m.fix).toBe('install gcc or clang, or set CC');
  });

  test('a compiler that does not exist → cgo/cc-broken, no throw', async () => {
    clearCompilerCaches();
    const r = await compilePreamble(inputFromGo(GOFILE, SRC, { cc: ['/nonexistent/cc-xyz'] }), { timeoutMs: 10_000 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cgo/cc-broken']);
    const m = expectShape(r.diagnostics[0]!.message);
    expect(m.cause).toBe('The C compiler cc-xyz could not be started (not found)');
    expect(m.fix).toBe('install /nonexistent/cc-xyz or set CC to a working gcc/clang');
    expect(m.details).toContainEqual(expect.stringMatching(/^Command: \/nonexistent\/cc-xyz /));
  });

  test('an aborted signal returns canceled and kills the group', async () => {
    clearCompilerCaches();
    const pidfile = path.join(tmp, 'hang-pids-3');
    const ac = new AbortController();
    const p = compilePreamble(inputFromGo(GOFILE, SRC, { cc: [fakeCC('hang.sh')], env: { ...process.env, FAKECC_PIDFILE: pidfile, FAKECC_ONLY_REAL: '1' } }), {
      timeoutMs: 30_000,
      signal: ac.signal,
    });
    await new Promise((r) => setTimeout(r, 500));
    ac.abort();
    const r = await p;
    expect(r.canceled).toBe(true);
    expect(r.diagnostics).toEqual([]);
    const pids = pidsFrom(pidfile);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(await waitGone(pids)).toEqual([]);
  });
});
