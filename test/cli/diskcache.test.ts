// The second `cgo-ls check` on the same machine runs fewer subprocesses: the toolchain facts and the preamble's
// compile result come from the disk cache (CGO_LS_CACHE_DIR, a temp dir here), the result only while every header
// it read, and every place a missing header was looked for, is unchanged. Counted two ways, never timed: the SPY C compiler of the hardening tests (a
// test fake that logs each call and runs the real gcc), and the bench's spawn trace (scripts/bench/spawn-trace.mjs,
// preloaded with --import), which records every subprocess the CLI starts, go included.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';
import { baseEnv, cleanupTemps, realGcc, realGo, Spies, tempDir, writeTree } from '../hardening/helpers.js';

const traceHook = pathToFileURL(path.join(repoRoot, 'scripts', 'bench', 'spawn-trace.mjs')).toString();
const have = realGcc !== null && realGo !== null;

afterAll(() => cleanupTemps());

interface Spawned {
  /** The program run (after util/proc's setpriv/prlimit wrapper) and its arguments. */
  argv: string[];
}

function check(dir: string, env: NodeJS.ProcessEnv, trace: string): { status: number | null; stdout: string; spawned: Spawned[] } {
  fs.rmSync(trace, { force: true });
  const r = spawnSync(process.execPath, ['--import', traceHook, serverMain, 'check', '--format', 'json', dir], {
    env: { ...env, CGO_LS_BENCH_TRACE: trace },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const spawned: Spawned[] = [];
  if (fs.existsSync(trace)) {
    for (const line of fs.readFileSync(trace, 'utf8').split('\n')) {
      if (!line) continue;
      const rec = JSON.parse(line) as { event: string; command: string; args: string[] };
      if (rec.event !== 'spawn') continue;
      const all = [rec.command, ...rec.args];
      // util/proc runs `setpriv … -- prlimit … -- <program> <args>` on Linux.
      const last = all.lastIndexOf('--');
      spawned.push({ argv: /setpriv$/.test(rec.command) && last >= 0 ? all.slice(last + 1) : all });
    }
  }
  return { status: r.status, stdout: r.stdout, spawned };
}

const isProbe = (s: Spawned) => {
  const a = s.argv.slice(1).join(' ');
  return /(^|\s)(env -json|version|--version|-dumpmachine|-E -v|-E -dM|-fdiagnostics-format=json -fsyntax-only|-fdiagnostics-column-unit=byte -fsyntax-only)(\s|$)/.test(
    a,
  );
};

describe.skipIf(!have && process.env['CI'] !== 'true')('cgo-ls check with the disk cache', () => {
  it('the second run starts fewer subprocesses: no go env, go version, compiler identity or feature probe', () => {
    expect(have, 'gcc and go are needed').toBe(true);
    const mod = tempDir('cache-mod');
    writeTree(mod, {
      'go.mod': 'module example.com/m\n\ngo 1.22\n',
      'main.go': 'package main\n\n/*\n#include <stdio.h>\n#include "missing-header.h"\n*/\nimport "C"\n\nfunc main() { C.puts(nil) }\n',
    });
    const spies = new Spies('cache-spy');
    const cache = tempDir('cache-dir');
    const traceDir = tempDir('cache-trace');
    const env = baseEnv({ CC: spies.cc, CGO_LS_CACHE_DIR: cache });

    const cold = check(mod, env, path.join(traceDir, 'cold.jsonl'));
    const coldCC = spies.ccCalls().map((c) => c.args.join(' '));
    spies.reset();
    const warm = check(mod, env, path.join(traceDir, 'warm.jsonl'));
    const warmCC = spies.ccCalls().map((c) => c.args.join(' '));
    spies.reset();

    expect(cold.status).toBe(1);
    expect(warm.status).toBe(1);
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
    expect(JSON.parse(cold.stdout).map((d: { code: string }) => d.code)).toContain('cgo/header-not-found');

    // The cold run asked every tool about itself; the warm one asked none.
    expect(cold.spawned.filter(isProbe).length, cold.spawned.map((s) => s.argv.join(' ')).join('\n')).toBeGreaterThanOrEqual(6);
    expect(warm.spawned.filter(isProbe).map((s) => s.argv.join(' '))).toEqual([]);
    expect(warm.spawned.length).toBeLessThan(cold.spawned.length);
    expect(coldCC).toEqual(expect.arrayContaining(['--version', '-dumpmachine']));
    expect(warmCC.filter((a) => a === '--version' || a === '-dumpmachine' || / -E -v /.test(` ${a} `))).toEqual([]);
    // The preamble's compile result is stored too (its headers unchanged): the warm run starts no compiler at all.
    expect(coldCC.filter((a) => / -fsyntax-only | -c /.test(` ${a} `)).length).toBeGreaterThan(0);
    expect(warmCC).toEqual([]);

    // Control: with the cache off, the identity probes and the compile are back (the counts above are not an accident
    // of the set-up).
    const off = check(mod, { ...env, CGO_LS_CACHE_DIR: 'off' }, path.join(traceDir, 'off.jsonl'));
    expect(off.spawned.filter(isProbe).length).toBe(cold.spawned.filter(isProbe).length);
    expect(spies.ccCalls().filter((c) => / -fsyntax-only | -c /.test(` ${c.args.join(' ')} `)).length).toBeGreaterThan(0);
    expect(spies.ccCalls().map((c) => c.args.join(' '))).toEqual(expect.arrayContaining(['--version', '-dumpmachine']));
    spies.reset();

    // The missing header appears: the stored result looked for it there, so it is not reused, and the new one says so.
    writeTree(mod, { 'missing-header.h': '#define MISSING_HEADER 1\n' });
    const appeared = check(mod, env, path.join(traceDir, 'appeared.jsonl'));
    const appearedCC = spies.ccCalls().map((c) => c.args.join(' '));
    spies.reset();
    expect(appeared.status).toBe(0);
    expect(appearedCC.length).toBeGreaterThan(0);
    // … and that result is stored in turn; a change of an included header invalidates it the same way.
    expect(check(mod, env, path.join(traceDir, 'again.jsonl')).status).toBe(0);
    expect(spies.ccCalls()).toEqual([]);
    writeTree(mod, { 'missing-header.h': '#define MISSING_HEADER 1\nint broken = ;\n' });
    const edited = check(mod, env, path.join(traceDir, 'edited.jsonl'));
    expect(spies.ccCalls().length).toBeGreaterThan(0);
    spies.reset();
    expect(edited.status).toBe(1);
    expect(JSON.parse(edited.stdout).map((d: { code: string }) => d.code)).toContain('cgo/c-error');
  });
});
