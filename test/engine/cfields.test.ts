// `cgo/c-field-unknown` (issue 11 item 5) held to the real `go build`: on every package of
// test/fixtures/modules/cfields, the selectors cgo-ls flags are exactly those go build rejects with "x.f undefined
// (type … has no field or method f)", at the same line and column, and the details carry go build's own words.
// Packages that build get nothing. The Go-side reading (which names have a certain C type) is checked on its own
// against shadowing, scopes and inference; the C name index behind it is the session's (refresh, header changes).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { cFieldAccesses, cFieldDiagnostics } from '../../server/src/engine/cfields.js';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { splitMessage } from '../../server/src/core/message.js';
import type { CgoDiagnostic } from '../../server/src/core/types.js';
import { serverMain } from '../helpers/lsp-client.js';
import { findExecutable, itWith, tool } from '../helpers/tools.js';

const fixture = path.resolve(import.meta.dirname, '..', 'fixtures', 'modules', 'cfields');
const CODE = 'cgo/c-field-unknown';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cfields-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function goEnv(toolchain = 'local'): NodeJS.ProcessEnv {
  const goenv = path.join(work, 'goenv');
  if (!fs.existsSync(goenv)) fs.writeFileSync(goenv, '');
  return { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '1', LC_ALL: 'C', GOENV: goenv };
}

interface FieldError {
  file: string;
  line: number;
  col: number;
  text: string;
}

/** `go build` of one package: whether it built, and its "has no field or method" errors. */
function goBuild(dir: string, toolchain = 'local'): { ok: boolean; fieldErrors: FieldError[]; output: string } {
  const r = spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env: goEnv(toolchain), encoding: 'utf8', timeout: 180_000 });
  const output = `${r.stdout}${r.stderr}`;
  const fieldErrors: FieldError[] = [];
  for (const l of output.split('\n')) {
    const m = /^(?:\.\/)?([^\s:]+\.go):(\d+):(\d+): (.* has no field or method .*)$/.exec(l);
    if (m) fieldErrors.push({ file: m[1]!, line: Number(m[2]), col: Number(m[3]), text: m[4]! });
  }
  return { ok: r.status === 0, fieldErrors, output };
}

function newEngine(): Engine {
  return new Engine({ env: goEnv(), settings: { ...defaultSettings, checkShellEnv: false } });
}

async function ours(engine: Engine, dir: string): Promise<{ file: string; d: CgoDiagnostic }[]> {
  const out: { file: string; d: CgoDiagnostic }[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.go'))
    .sort()) {
    const a = await engine.analyze(path.join(dir, f), { compile: 'run' });
    for (const d of a.diagnostics) if (d.code === CODE) out.push({ file: f, d });
  }
  return out;
}

const PACKAGES: { pkg: string; builds: boolean }[] = [
  { pkg: 'tpacket/missing', builds: false },
  { pkg: 'tpacket/included', builds: true },
  { pkg: 'members', builds: false },
  { pkg: 'locals', builds: false },
  { pkg: 'silent', builds: true },
];

describe('cgo/c-field-unknown agrees with go build', () => {
  const engine = newEngine();
  for (const { pkg, builds } of PACKAGES) {
    it(
      `${pkg}: ${builds ? 'go build passes and cgo-ls says nothing' : 'cgo-ls flags exactly the selectors go build rejects, in its words'}`,
      { timeout: 240_000 },
      async () => {
        const dir = path.join(fixture, pkg);
        const go = goBuild(dir);
        expect(go.ok, go.output).toBe(builds);
        const mine = await ours(engine, dir);
        const summary = JSON.stringify({ go: go.output, ours: mine.map((m) => [m.file, m.d.range.start, m.d.message]) }, null, 1);
        if (builds) {
          expect(mine, summary).toEqual([]);
          return;
        }
        // Every error of these packages is a field error (the packages hold nothing else that fails).
        expect(go.fieldErrors.length, summary).toBeGreaterThan(0);
        const goAt = go.fieldErrors.map((e) => `${e.file}:${e.line}:${e.col}`).sort();
        const ourAt = mine.map((m) => `${m.file}:${m.d.range.start.line + 1}:${m.d.range.start.character + 1}`).sort();
        expect(ourAt, summary).toEqual(goAt);
        for (const e of go.fieldErrors) {
          const m = mine.find((x) => x.file === e.file && x.d.range.start.line + 1 === e.line && x.d.range.start.character + 1 === e.col)!;
          const { cause, fix, details } = splitMessage(m.d.message);
          expect(details[0], summary).toBe(`go build: ${e.text}`);
          expect(cause.length).toBeLessThanOrEqual(100);
          expect(fix, summary).toBeTruthy();
          expect(m.d.severity).toBe('error');
        }
      },
    );
  }

  it('names the reason and the way out for each kind of missing field', { timeout: 120_000 }, async () => {
    const mine = await ours(engine, path.join(fixture, 'members'));
    const byField = new Map(mine.map((m) => [String(m.d.data?.['field']), m.d]));
    expect(byField.get('nosuch')?.data?.['reason']).toBe('none');
    expect(byField.get('type_')?.data?.['reason']).toBe('none');
    expect(splitMessage(byField.get('type_')!.message).fix).toContain('k._type');
    expect(byField.get('flags')?.data?.['reason']).toBe('bitfield');
    expect(byField.get('size')?.data?.['reason']).toBe('incomplete');
    expect(splitMessage(byField.get('size')!.message).fix).toBe('include the header that defines struct opaque');
    expect(byField.get('data')?.data?.['reason']).toBe('flexible');
    expect(byField.get('i')?.data?.['reason']).toBe('union');
    const tp = await ours(engine, path.join(fixture, 'tpacket', 'missing'));
    expect(tp.map((m) => splitMessage(m.d.message).fix)).toEqual(['include the header that defines struct tpacket_stats']);
  });
});

describe('cgo-ls check', () => {
  it('reports the issue 11 reproduction and exits 1; with the header it exits 0', { timeout: 180_000 }, () => {
    const run = (pkg: string) =>
      spawnSync(process.execPath, [serverMain, 'check', '.'], { cwd: path.join(fixture, pkg), env: goEnv(), encoding: 'utf8', timeout: 150_000 });
    const missing = run('tpacket/missing');
    expect(missing.status, missing.stdout + missing.stderr).toBe(1);
    expect(missing.stdout).toMatch(/missing\.go:12:18: error cgo\/c-field-unknown: s\.tp_packets undefined/);
    expect(missing.stdout).toContain('go build: s.tp_packets undefined (type _Ctype_struct_tpacket_stats has no field or method tp_packets)');
    const included = run('tpacket/included');
    expect(included.status, included.stdout + included.stderr).toBe(0);
    expect(included.stdout).not.toContain(CODE);
  });
});

// Older go commands word two cases differently (the type of a typedef or union, the case hint); the same C index
// read with their version must give their words. Each toolchain is one GOTOOLCHAIN download already in the module
// cache, as test/cgorules uses.
const modcache = (spawnSync('go', ['env', 'GOMODCACHE'], { env: goEnv(), encoding: 'utf8' }).stdout ?? '').trim();
for (const [version, minor] of [
  ['go1.22.12', 22],
  ['go1.20.14', 20],
] as const) {
  const goBin = findExecutable(path.join(modcache, 'golang.org', `toolchain@v0.0.1-${version}.linux-amd64`, 'bin', 'go'));
  const t = tool(version, goBin, `GOTOOLCHAIN=${version} go version (downloads it into the module cache)`);
  itWith(
    t,
    `${version}: the details carry that go command's words`,
    async () => {
      const copy = path.join(work, version);
      fs.cpSync(fixture, copy, { recursive: true });
      fs.writeFileSync(path.join(copy, 'go.mod'), 'module example.com/cfields\n\ngo 1.20\n');
      const engine = newEngine();
      for (const pkg of ['members', 'locals', 'tpacket/missing']) {
        const dir = path.join(copy, pkg);
        const go = goBuild(dir, version);
        expect(go.ok).toBe(false);
        expect(go.fieldErrors.length, go.output).toBeGreaterThan(0);
        for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.go'))) {
          const file = path.join(dir, f);
          await engine.analyze(file, { compile: 'run' });
          const idx = engine.cIndexes.lastFor(file);
          expect(idx).not.toBeNull();
          const text = fs.readFileSync(file, 'utf8');
          const model = await parseGoFile(file, text);
          const ds = cFieldDiagnostics(file, await cFieldAccesses(model, text), idx!, minor, { soleCgoFile: true });
          const got = ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}: ${splitMessage(d.message).details[0]}`).sort();
          const want = go.fieldErrors
            .filter((e) => e.file === f)
            .map((e) => `${e.line}:${e.col}: go build: ${e.text}`)
            .sort();
          expect(got.length, go.output).toBe(want.length);
          // Word for word, except where cgo-ls writes "…" for what it cannot know (a union's size: `[8]byte`).
          got.forEach((g, i) => expect(want[i], go.output).toMatch(new RegExp(`^${g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '.+')}$`)));
          expect(got.filter((g) => g.includes('…')).length, 'only the union of members.go is not known word for word').toBeLessThanOrEqual(1);
        }
      }
    },
    300_000,
  );
}

describe('which names have a certain C type (the Go side)', () => {
  const accesses = async (body: string) => {
    const text = `package p\n\n// struct s { int a; };\nimport "C"\n\n${body}\n`;
    const model = await parseGoFile('/tmp/p/p.go', text);
    return (await cFieldAccesses(model, text)).map((a) => a.expr);
  };

  it('parameters, results, var declarations and C composite literals', async () => {
    expect(await accesses('func f(x C.struct_s, y *C.struct_s) (r C.struct_s) { _ = x.a; _ = y.a; _ = r.a; return }')).toEqual(['x.a', 'y.a', 'r.a']);
    expect(
      await accesses('func f() { var v C.struct_s; w := C.struct_s{}; p := &C.struct_s{}; a, q := 1, C.struct_s{}; _, _, _, _, _ = v.a, w.a, p.a, q.a, a }'),
    ).toEqual(['v.a', 'w.a', 'p.a', 'q.a']);
    expect(await accesses('var g C.struct_s\n\nfunc f() int { return int(g.a) }')).toEqual(['g.a']);
  });

  it('stays silent where the type is not certain', async () => {
    // inferred from a call, a conversion, new(): not read
    expect(await accesses('func f() { x := C.make(); y := (*C.struct_s)(nil); z := new(C.struct_s); _, _, _ = x.a, y.a, z.a }')).toEqual([]);
    // shadowed in an inner block, declared twice, a parameter of a closure used outside it
    expect(await accesses('func f(x C.struct_s) { { x := T{}; _ = x.a } }')).toEqual([]);
    expect(await accesses('func f() { var x C.struct_s; if true { x := 1; _ = x }; _ = x.a }')).toEqual([]);
    expect(await accesses('func f() { g := func(x C.struct_s) {}; _ = g; _ = x.a }')).toEqual([]);
    // a package-level C variable shadowed by a Go-typed parameter
    expect(await accesses('var g C.struct_s\n\nfunc f(g T) int { return g.a }')).toEqual([]);
    // used before its declaration in the same block (another x is meant)
    expect(await accesses('func f() { _ = x.a; x := C.struct_s{}; _ = x }')).toEqual([]);
    // double pointers, method values and Go types
    expect(await accesses('func f(x **C.struct_s, t T) { _ = x.a; _ = t.String }')).toEqual([]);
  });

  it('says nothing about a file with a syntax error (the build stops there)', async () => {
    expect(await accesses('func f(x C.struct_s) { _ = x.a; if { }')).toEqual([]);
  });
});

describe('the session owns the C name index', () => {
  function module(header: string): { dir: string; file: string; header: string } {
    const dir = fs.mkdtempSync(path.join(work, 'hdr-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/hdr\n\ngo 1.21\n');
    fs.writeFileSync(path.join(dir, 'defs.h'), header);
    const file = path.join(dir, 'hdr.go');
    fs.writeFileSync(file, 'package hdr\n\n// #include "defs.h"\nimport "C"\n\nfunc F(s C.struct_rec) int { return int(s.a) + int(s.b) }\n');
    return { dir, file, header: path.join(dir, 'defs.h') };
  }
  const fieldErrors = async (engine: Engine, file: string, compile: 'run' | 'cached' = 'run') =>
    (await engine.analyze(file, { compile })).diagnostics.filter((d) => d.code === CODE).map((d) => String(d.data?.['field']));

  it('a header change reaches the check through applyChanges, and go build agrees before and after', { timeout: 120_000 }, async () => {
    const m = module('struct rec { int a; };\n');
    const engine = newEngine();
    expect(await fieldErrors(engine, m.file)).toEqual(['b']);
    expect(goBuild(m.dir).fieldErrors.map((e) => e.text)).toEqual(['s.b undefined (type _Ctype_struct_rec has no field or method b)']);
    fs.writeFileSync(m.header, 'struct rec { int a; long b; };\n');
    engine.applyChanges([{ file: m.header, kind: 'changed' }]);
    expect(await fieldErrors(engine, m.file)).toEqual([]);
    expect(goBuild(m.dir).ok).toBe(true);
  });

  it('an edit outside the preamble is checked against the index in memory (the keystroke path)', { timeout: 120_000 }, async () => {
    const m = module('struct rec { int a; int b; };\n');
    const engine = newEngine();
    expect(await fieldErrors(engine, m.file)).toEqual([]);
    const text = fs.readFileSync(m.file, 'utf8').replace('int(s.b)', 'int(s.c)');
    engine.setDocument(m.file, text, 2);
    expect(await fieldErrors(engine, m.file, 'cached')).toEqual(['c']);
  });

  it("a struct only declared in one preamble but defined in another file's is complete for the build: silence", { timeout: 120_000 }, async () => {
    const m = module('struct rec;\n');
    fs.writeFileSync(
      path.join(m.dir, 'def.go'),
      'package hdr\n\n// struct rec { int a; int b; };\nimport "C"\n\nfunc G(r *C.struct_rec) int { return int(r.a) }\n',
    );
    expect(goBuild(m.dir).ok).toBe(true);
    const engine = newEngine();
    expect(await fieldErrors(engine, m.file)).toEqual([]);
    fs.rmSync(path.join(m.dir, 'def.go'));
    const alone = newEngine();
    expect(await fieldErrors(alone, m.file)).toEqual(['a', 'b']);
    expect(goBuild(m.dir).fieldErrors.length).toBe(2);
  });

  it('cgo.refresh clears it', { timeout: 120_000 }, async () => {
    const m = module('struct rec { int a; int b; };\n');
    const engine = newEngine();
    await engine.analyze(m.file, { compile: 'run' });
    expect(engine.cIndexes.lastFor(m.file)).not.toBeNull();
    engine.refresh();
    expect(engine.cIndexes.lastFor(m.file)).toBeNull();
  });
});
