// The check registry (checks/registry.ts) is the one list of checks: the catalogue, the fix docs, the fix dispatch
// and the static checks the engine runs all come from it, so adding a check is one module plus one registry line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, checkOf, FIX_DOCS, fixFnOf, registeredCodes, runFileChecks } from '../../server/src/checks/registry.js';
import { Engine } from '../../server/src/engine/engine.js';
import { FIX_DOCS as ENGINE_FIX_DOCS } from '../../server/src/engine/fixes.js';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { NEWEST_KNOWN } from '../../server/src/core/goversion.js';
import type { CgoDiagnostic } from '../../server/src/core/types.js';

const src = path.resolve(import.meta.dirname, '..', '..', 'server', 'src');
const filesIn = (dir: string): string[] =>
  fs
    .readdirSync(path.join(src, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesIn(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

describe('check registry', () => {
  it("the catalogue (Engine.codes(), protocol.md) is exactly the registered checks' codes, each owned by one check", () => {
    const registered = CHECKS.flatMap((c) => c.codes.map((r) => r.code));
    expect(Engine.codes().map((c) => c.code)).toEqual(registered);
    expect(registeredCodes().map((c) => c.code)).toEqual(registered);
    expect(new Set(registered).size).toBe(registered.length);
    for (const code of registered) expect(CHECKS.filter((c) => c.codes.some((r) => r.code === code)).length, code).toBe(1);
  });

  it('every code with fixes documents them, and every documented code has a fix function', () => {
    for (const c of CHECKS) {
      for (const [code, f] of Object.entries(c.fixes ?? {})) {
        expect(
          c.codes.some((r) => r.code === code),
          `${c.name} fixes ${code}, which it does not own`,
        ).toBe(true);
        expect(f?.docs.length, code).toBeGreaterThan(0);
        for (const line of f?.docs ?? []) expect(line.trim().length, code).toBeGreaterThan(10);
        expect(typeof fixFnOf(code), code).toBe('function');
      }
    }
    for (const code of Object.keys(FIX_DOCS)) expect(typeof fixFnOf(code), code).toBe('function');
    expect(ENGINE_FIX_DOCS).toBe(FIX_DOCS);
  });

  it('codes without documented fixes get no fix function', () => {
    for (const { code } of registeredCodes()) if (!FIX_DOCS[code]) expect(fixFnOf(code), code).toBeUndefined();
  });

  it('every check module under server/src/checks is registered (a module without its registry line fails here)', () => {
    const modules = filesIn('checks').filter((f) => /export const check = defineCheck/.test(fs.readFileSync(path.join(src, f), 'utf8')));
    const registry = fs.readFileSync(path.join(src, 'checks', 'registry.ts'), 'utf8');
    for (const m of modules) expect(registry, m).toContain(`from './${path.basename(m, '.ts')}.js'`);
    expect(modules.length).toBe(CHECKS.length);
  });

  it('every code the server source emits is owned by a registered check', () => {
    const notCodes = new Set(['cgo/toolchain']); // the custom request, not a diagnostic
    const unowned: string[] = [];
    for (const f of filesIn('.')) {
      for (const m of fs.readFileSync(path.join(src, f), 'utf8').matchAll(/code: ['"`](cgo\/[a-z0-9-]+)['"`]/g)) {
        if (!notCodes.has(m[1]!) && !checkOf(m[1]!)) unowned.push(`${f}: ${m[1]}`);
      }
    }
    expect(unowned).toEqual([]);
  });

  it('a stage-produced code names the files that produce it, and they exist', () => {
    for (const c of CHECKS) {
      if (c.runner.needs !== 'stage') continue;
      const files = [...c.runner.producedBy.matchAll(/[a-z]+\/[a-z]+\.ts/g)].map((m) => m[0]);
      expect(files.length, c.name).toBeGreaterThan(0);
      for (const f of files) expect(fs.existsSync(path.join(src, f)), `${c.name}: ${f}`).toBe(true);
    }
  });

  it('fixes are dispatched through the registry: engine/fixes.ts has no per-code switch', () => {
    const text = fs.readFileSync(path.join(src, 'engine', 'fixes.ts'), 'utf8');
    expect(text).not.toMatch(/case ['"]cgo\//);
    expect(text).not.toMatch(/['"]cgo\/[a-z-]+['"]/);
  });

  it('runs the static checks in registry order, each through the guard: one that fails leaves the others reporting', async () => {
    const text = 'package p\n\n// #include <stdio.h>\n\nimport "C"\n';
    const file = await parseGoFile('/tmp/p/a.go', text);
    const ctx = { goos: 'linux', goarch: 'amd64', cgoEnabled: true, goMinor: NEWEST_KNOWN.minor, compiler: 'gc' as const, buildTags: [], toolTags: [] };
    const fromDirectives = { code: 'cgo/directive-verb', file: file.path } as CgoDiagnostic;
    const directives = {
      diagnostics: [fromDirectives],
      flags: { CPPFLAGS: [], CFLAGS: [], CXXFLAGS: [], FFLAGS: [], LDFLAGS: [], pkgConfig: [] },
      rejected: false,
      directives: [],
    };
    const input = { file, text, ctx, goVersion: NEWEST_KNOWN, toolchain: null, included: true, directives, hasCxxFiles: () => false };
    const ran: string[] = [];
    const all = runFileChecks(input, (what, f) => (ran.push(what), f()));
    expect(ran).toEqual(['source check', 'directives check']); // the toolchain check waits for the toolchain model
    expect(all.map((d) => d.code)).toEqual(['cgo/preamble-detached', 'cgo/directive-verb']);
    const guarded = runFileChecks(input, (what, f): CgoDiagnostic[] => {
      try {
        if (what === 'source check') throw new Error('a broken check');
        return f();
      } catch {
        return [];
      }
    });
    expect(guarded).toEqual([fromDirectives]);
  });
});
