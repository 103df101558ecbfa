// Every code action is proven (issue 11): on every fixture module (test/fixtures/modules/* and the agreement
// test's test/fixtures/compiler/*), every action cgo-ls offers that changes source or the go environment is
// applied to a copy of the file's package, and then
//   - the real `go build` (which links the package's cgo objects, and a program for package main) reports no
//     error that it did not report before the fix, and
//   - cgo-ls no longer reports the diagnostic the action was offered for.
// Each diagnostic's file is built alone with the package's non-Go files (the fixture modules gather unrelated
// broken files, and one broken file hides the others from go build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import type { Fix } from '../../server/src/engine/fixes.js';
import type { CgoDiagnostic, TextEdit } from '../../server/src/core/types.js';
import { applyEdits } from '../helpers/edits.js';
import { hasGcc, hasGo } from '../gomodel/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures');
const roots = [path.join(fixtures, 'modules'), path.join(fixtures, 'compiler')];
const modules = roots.flatMap((r) =>
  fs
    .readdirSync(r)
    .map((d) => path.join(r, d))
    .filter((d) => fs.existsSync(path.join(d, 'go.mod'))),
);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-proven-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const settings = { ...defaultSettings, checkShellEnv: false };
let seq = 0;

/** The module copied with one .go file kept (`keep`, relative to the module): the others are separate problems. */
function copyPackage(moduleDir: string, keep: string): { dir: string; goenv: string } {
  const dir = path.join(work, `p${seq++}`);
  fs.cpSync(moduleDir, dir, {
    recursive: true,
    filter: (src) => !(src.endsWith('.go') && fs.statSync(src).isFile() && path.relative(moduleDir, src) !== keep),
  });
  const goenv = path.join(dir, '..', `${path.basename(dir)}.goenv`);
  fs.writeFileSync(goenv, '');
  return { dir, goenv };
}

function env(goenv: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', LC_ALL: 'C', GOENV: goenv };
  delete e['CGO_ENABLED'];
  delete e['CGO_CFLAGS_ALLOW'];
  return e;
}

/**
 * go build's error lines, positions and temp paths removed, so "before" and "after" compare by meaning. A library
 * package is also linked into a program (a blank import), where link errors ("undefined reference") appear.
 */
function goBuild(root: string, goenv: string, pkgRel = '.'): Set<string> {
  // The package may sit below the module root (the fixture modules hold one package per problem where a
  // problem in one file would stop the whole package, as go build does).
  const dir = path.join(root, pkgRel);
  const isMain = fs.readdirSync(dir).some((f) => f.endsWith('.go') && /^package main\b/m.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  let text = '';
  let status = 0;
  const build = (target: string) => {
    const r = spawnSync('go', ['build', '-o', os.devNull, target], { cwd: dir, env: env(goenv), encoding: 'utf8', timeout: 180_000 });
    text += `${r.stdout}${r.stderr}`;
    status ||= r.status ?? 1;
  };
  build('.');
  if (!isMain && status === 0) {
    const mod = /^module\s+(\S+)/m.exec(fs.readFileSync(path.join(root, 'go.mod'), 'utf8'))![1]!;
    const imp = pkgRel === '.' ? mod : `${mod}/${pkgRel.split(path.sep).join('/')}`;
    fs.mkdirSync(path.join(root, 'zz_proven_main'), { recursive: true });
    fs.writeFileSync(path.join(root, 'zz_proven_main', 'main.go'), `package main\n\nimport _ "${imp}"\n\nfunc main() {}\n`);
    const r = spawnSync('go', ['build', '-o', os.devNull, './zz_proven_main'], { cwd: root, env: env(goenv), encoding: 'utf8', timeout: 180_000 });
    text += `${r.stdout}${r.stderr}`;
    status ||= r.status ?? 1;
    fs.rmSync(path.join(root, 'zz_proven_main'), { recursive: true, force: true });
  }
  if (status === 0) return new Set();
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '' || /^\s/.test(line)) continue;
    if (/: (warning|note): /.test(line)) continue;
    out.add(
      line
        .replace(/^(\.\/)?[^\s:]*:\d+(:\d+)?: /, '')
        .replace(/\/tmp\/[^\s:'"]+/g, '<tmp>')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  if (out.size === 0) out.add(`exit ${status}`);
  return out;
}

async function analyze(dir: string, goenv: string, file: string): Promise<{ engine: Engine; diags: CgoDiagnostic[] }> {
  const engine = new Engine({ env: env(goenv), settings });
  const a = await engine.analyze(path.join(dir, file), { compile: 'run', libraries: true });
  return { engine, diags: a.diagnostics };
}

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const f = path.join(e.parentPath, e.name);
    out.set(f, fs.readFileSync(f, 'utf8'));
  }
  return out;
}

/** Puts `dir` back as it was (files created by a fix removed, edited files restored). */
function restoreTree(dir: string, snap: Map<string, string>): void {
  for (const f of readTree(dir).keys()) if (!snap.has(f)) fs.rmSync(f);
  for (const [f, t] of snap) fs.writeFileSync(f, t);
}

function applyFix(f: Fix): void {
  for (const c of f.create ?? []) {
    expect(fs.existsSync(c.file), `${f.title}: creates ${c.file}, which exists`).toBe(false);
    fs.mkdirSync(path.dirname(c.file), { recursive: true });
    fs.writeFileSync(c.file, c.text);
  }
  for (const e of f.edits ?? []) fs.writeFileSync(e.file, applyEdits(fs.readFileSync(e.file, 'utf8'), e.edits as TextEdit[]));
}

/** Diagnostics with the same code (and the same C name, when the diagnostic names one). */
function sameProblem(d: CgoDiagnostic, list: CgoDiagnostic[]): CgoDiagnostic[] {
  const name = d.data?.['name'];
  return list.filter((x) => x.code === d.code && path.basename(x.file) === path.basename(d.file) && (name === undefined || x.data?.['name'] === name));
}

interface Case {
  module: string;
  file: string;
  code: string;
  title: string;
}
const proven: Case[] = [];

describe.skipIf(!hasGo() || !hasGcc())('every code action cgo-ls offers on the fixture modules leaves a build that is no worse', () => {
  for (const mod of modules) {
    // Every non-test .go file of the module, in whichever package directory it sits.
    const goFiles = (fs.readdirSync(mod, { recursive: true }) as string[]).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort();
    for (const file of goFiles) {
      it(`${path.relative(fixtures, mod)}/${file}`, async () => {
        const { dir, goenv } = copyPackage(mod, file);
        const snapshot = readTree(dir);
        const engine = new Engine({ env: env(goenv), settings });
        const abs = path.join(dir, file);
        const diags = (await engine.analyze(abs, { compile: 'run', libraries: true })).diagnostics;
        const all = (await engine.fixes(abs, [], { canCreateFiles: true, fixAll: true, workspaceFolders: [dir] })).filter((x) => x.kind === 'source.fixAll');
        const offered: { d: CgoDiagnostic; f: Fix }[] = [];
        for (const d of diags)
          for (const f of await engine.fixes(abs, [d], { canCreateFiles: true, fixAll: false, workspaceFolders: [dir] })) offered.push({ d, f });
        for (const f of all) offered.push({ d: f.diagnostic ?? diags[0]!, f });
        const provable = offered.filter(({ f }) => {
          if (f.show && !f.edits && !f.create && !f.env) return false; // instructions only: nothing to prove
          // Project files that hold environment settings (.envrc, .vscode/settings.json) do not change go build.
          return !(
            (f.create ?? []).some((c) => /(\.envrc|cgo-env\.ps1|settings\.json)$/.test(c.file)) || (f.edits ?? []).some((e) => e.file.endsWith('settings.json'))
          );
        });
        // go build runs only where there is something to prove (it is most of this test's time).
        const before = provable.length > 0 ? goBuild(dir, goenv, path.dirname(file)) : new Set<string>();
        for (const { d, f } of provable) {
          restoreTree(dir, snapshot);
          fs.writeFileSync(goenv, '');
          applyFix(f);
          if (f.env) {
            const res = await engine.applyEnvChange(f.env);
            expect(res.ok, `${f.title}: ${res.output}`).toBe(true);
          }
          const after = goBuild(dir, goenv, path.dirname(file));
          const fresh = [...after].filter((x) => !before.has(x));
          expect(fresh, `${file}: "${f.title}" (for ${d.code}) makes go build report new errors`).toEqual([]);
          engine.invalidateToolchains();
          engine.forgetFile(abs);
          engine.dropCompiled(dir);
          engine.invalidateDir(dir);
          const again = (await engine.analyze(abs, { compile: 'run', libraries: true })).diagnostics;
          const target = f.kind === 'source.fixAll' ? [] : sameProblem(d, again);
          expect(target.length, `${file}: "${f.title}" leaves ${d.code}: ${target.map((x) => x.message).join(' | ')}`).toBeLessThan(
            sameProblem(d, diags).length,
          );
          const newErrors = again.filter((x) => x.severity === 'error' && !diags.some((o) => o.code === x.code && o.message === x.message));
          expect(
            newErrors.map((x) => `${x.code}: ${x.message}`),
            `${file}: "${f.title}" adds cgo-ls errors`,
          ).toEqual([]);
          proven.push({ module: path.relative(fixtures, mod), file, code: d.code, title: f.title });
        }
      }, 900_000);
    }
  }

  it('proved at least one action for every code that documents source or go-env actions on the fixtures', () => {
    const codes = new Set(proven.map((p) => p.code));
    for (const c of [
      'cgo/preamble-detached',
      'cgo/preamble-split',
      'cgo/renamed-import',
      'cgo/export-name',
      'cgo/export-ignored',
      'cgo/export-preamble-definition',
      'cgo/directive-verb',
      'cgo/unsafe-argument',
      'cgo/unresolved-name',
      'cgo/flag-not-allowed',
    ]) {
      expect(codes, `no action proven for ${c}`).toContain(c);
    }
  });
});

describe.skipIf(!hasGo() || !hasGcc())('the two fixes of issue 11 item 8 are no longer offered where they break the build', () => {
  const mk = (files: Record<string, string>) => {
    const dir = path.join(work, `i8-${seq++}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/i8\n\ngo 1.21\n');
    for (const [f, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), t);
    const goenv = path.join(dir, 'goenv');
    fs.writeFileSync(goenv, '');
    return { dir, goenv };
  };

  it('no "Change the comment to //export bump" when the preamble defines a C bump (go build: redefinition)', async () => {
    const src =
      'package i8\n\n// static inline int bump(int v) { return v + 1; }\nimport "C"\n\n//export Bump\nfunc bump(v C.int) C.int { return C.bump(v) }\n';
    const { dir, goenv } = mk({ 'a.go': src });
    // The fix the old version offered, applied by hand: go build really fails.
    const broken = mk({ 'a.go': src.replace('//export Bump', '//export bump') });
    expect([...goBuild(broken.dir, broken.goenv)].join('\n')).toMatch(/redefinition of 'bump'|conflicting types for 'bump'/);
    const { engine, diags } = await analyze(dir, goenv, 'a.go');
    const d = diags.find((x) => x.code === 'cgo/export-name')!;
    expect(d).toBeDefined();
    const titles = (await engine.fixes(path.join(dir, 'a.go'), [d], { canCreateFiles: true, fixAll: false })).map((f) => f.title);
    expect(titles).not.toContain('Change the comment to //export bump');
  });

  it('no "Move bump to a .c file" when bump uses a global of the preamble (go build: undeclared)', async () => {
    const src =
      'package i8\n\n/*\nint counter;\nint bump(void) { return ++counter; }\n*/\nimport "C"\n\n//export Bump\nfunc Bump() C.int { return C.bump() }\n';
    const { dir, goenv } = mk({ 'a.go': src });
    const { engine, diags } = await analyze(dir, goenv, 'a.go');
    const d = diags.find((x) => x.code === 'cgo/export-preamble-definition' && x.data?.['name'] === 'bump')!;
    expect(d).toBeDefined();
    const titles = (await engine.fixes(path.join(dir, 'a.go'), [d], { canCreateFiles: true, fixAll: false })).map((f) => f.title);
    expect(titles.some((t) => /^Move bump/.test(t))).toBe(false);
    expect(titles.some((t) => /static inline/.test(t))).toBe(true);
  });

  it('no "static inline" when a .c file of the package calls the function (the link would fail)', async () => {
    const src = 'package i8\n\n/*\nint helper(int v) { return v * 3; }\n*/\nimport "C"\n\n//export Thrice\nfunc Thrice(v C.int) C.int { return C.helper(v) }\n';
    const { dir, goenv } = mk({ 'a.go': src, 'use.c': 'int helper(int v);\nint twice_helper(int v) { return 2 * helper(v); }\n' });
    const { engine, diags } = await analyze(dir, goenv, 'a.go');
    const d = diags.find((x) => x.code === 'cgo/export-preamble-definition')!;
    const titles = (await engine.fixes(path.join(dir, 'a.go'), [d], { canCreateFiles: true, fixAll: false })).map((f) => f.title);
    expect(titles.some((t) => /static inline/.test(t))).toBe(false);
    const moved = mk({
      'a.go': src.replace('int helper(int v) { return v * 3; }', 'static inline int helper(int v) { return v * 3; }'),
      'use.c': 'int helper(int v);\nint twice_helper(int v) { return 2 * helper(v); }\n',
    });
    expect([...goBuild(moved.dir, moved.goenv)].join('\n')).toMatch(/undefined reference to `helper'/); // linked into a program
  });
});
