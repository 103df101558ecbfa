// The engine over real files and the real toolchain: caching, the keystroke path, repositioning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { processStats } from '../../server/src/util/proc.js';
import { expectShape } from '../helpers/messages.js';

let dir: string;
const settings = { ...defaultSettings, checkShellEnv: false };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-engine-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/eng\n\ngo 1.21\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const source = (body: string) => `package eng

/*
#include <stdio.h>
#include <missing_engine_header.h>
*/
import "C"

${body}
`;

describe('Engine.analyze', () => {
  it('reports a missing header on the #include line of the preamble', async () => {
    const file = path.join(dir, 'a.go');
    fs.writeFileSync(file, source('func A() { C.puts(nil) }'));
    const engine = new Engine({ env: process.env, settings });
    const res = await engine.analyze(file, { compile: 'run' });
    const d = res.diagnostics.find((x) => x.code === 'cgo/header-not-found');
    expect(d?.range.start.line).toBe(4);
    expect(d?.message).toContain('missing_engine_header.h');
  });

  it('starts no subprocess for an edit outside the preamble and moves cached results with the text', async () => {
    const file = path.join(dir, 'b.go');
    const text = source('func B() { C.puts(nil) }');
    const engine = new Engine({ env: process.env, settings });
    engine.setDocument(file, text, 1);
    const first = await engine.analyze(file, { compile: 'run' });
    expect(first.diagnostics.some((d) => d.code === 'cgo/header-not-found')).toBe(true);
    const before = processStats.started;
    // Edit below the preamble.
    engine.setDocument(file, text.replace('func B()', '// a comment\nfunc B()'), 2);
    const second = await engine.analyze(file, { compile: 'cached' });
    expect(processStats.started - before).toBe(0);
    expect(second.compileStale).toBe(false);
    expect(second.diagnostics.find((d) => d.code === 'cgo/header-not-found')?.range.start.line).toBe(4);
    // Edit above the preamble: two lines inserted; still no subprocess, diagnostic moves down by two.
    engine.setDocument(file, '// Package eng.\n// More doc.\n' + text, 3);
    const third = await engine.analyze(file, { compile: 'cached' });
    expect(processStats.started - before).toBe(0);
    expect(third.diagnostics.find((d) => d.code === 'cgo/header-not-found')?.range.start.line).toBe(6);
  });

  it('marks compiler results stale (without running anything) when the preamble changes on the keystroke path', async () => {
    const file = path.join(dir, 'c.go');
    const text = source('func C1() { C.puts(nil) }');
    const engine = new Engine({ env: process.env, settings });
    engine.setDocument(file, text, 1);
    await engine.analyze(file, { compile: 'run' });
    const before = processStats.started;
    engine.setDocument(file, text.replace('#include <missing_engine_header.h>', '#include <stdlib.h>'), 2);
    const res = await engine.analyze(file, { compile: 'cached' });
    expect(processStats.started - before).toBe(0);
    expect(res.compileStale).toBe(true);
    const run = await engine.analyze(file, { compile: 'run' });
    expect(run.diagnostics.filter((d) => d.code === 'cgo/header-not-found')).toEqual([]);
  });

  it('re-runs the compiler when an included local header changes on disk (reported through applyChanges)', async () => {
    const sub = path.join(dir, 'hdr');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'go.mod'), 'module example.com/hdr\n\ngo 1.21\n');
    fs.writeFileSync(path.join(sub, 'local.h'), 'int ok(void);\n');
    const file = path.join(sub, 'h.go');
    fs.writeFileSync(file, 'package hdr\n\n// #include "local.h"\nimport "C"\n\nfunc H() { C.ok() }\n');
    const engine = new Engine({ env: process.env, settings });
    expect((await engine.analyze(file, { compile: 'run' })).diagnostics).toEqual([]);
    fs.writeFileSync(path.join(sub, 'local.h'), 'static int ok(void) { return undeclared_thing; }\n'); // a C error inside the header
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(sub, 'local.h'), later, later);
    // The keystroke path stats no header: the change reaches the engine as the watcher reports it.
    expect(engine.applyChanges([{ file: path.join(sub, 'local.h'), kind: 'changed' }])).toEqual([file]);
    const res = await engine.analyze(file, { compile: 'cached' });
    expect(res.compileStale).toBe(true);
    const run = await engine.analyze(file, { compile: 'run' });
    expect(run.diagnostics.some((d) => d.severity === 'error' && d.range.start.line === 2)).toBe(true);
  });

  it('never throws: a vanished file yields no diagnostics', async () => {
    const engine = new Engine({ env: process.env, settings });
    const res = await engine.analyze(path.join(dir, 'nope.go'), { compile: 'run' });
    expect(res.diagnostics).toEqual([]);
  });
});

describe('package-wide facts', () => {
  it('#cgo noescape accepts a C function called from another file of the package (as cmd/cgo does; go build succeeds)', async () => {
    const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-noescape-'));
    fs.writeFileSync(path.join(pkg, 'go.mod'), 'module example.com/ne\n\ngo 1.24\n');
    fs.writeFileSync(path.join(pkg, 'a.go'), 'package ne\n\n// #cgo noescape work\n// static void work(char *p) { (void)p; }\nimport "C"\n');
    fs.writeFileSync(path.join(pkg, 'b.go'), 'package ne\n\n// static void work(char *p) { (void)p; }\nimport "C"\n\nfunc W() { C.work(nil) }\n');
    const engine = new Engine({ env: process.env, settings });
    const a = await engine.analyze(path.join(pkg, 'a.go'), { compile: 'none' });
    expect(a.diagnostics.filter((d) => d.code === 'cgo/noescape-version')).toEqual([]);
    fs.writeFileSync(path.join(pkg, 'b.go'), 'package ne\n\n// static void work(char *p) { (void)p; }\nimport "C"\n');
    engine.forgetFile(path.join(pkg, 'b.go'));
    const again = await engine.analyze(path.join(pkg, 'a.go'), { compile: 'none' });
    expect(again.diagnostics.map((d) => d.code)).toContain('cgo/noescape-version');
  });
});

describe('target matrix on the keystroke path', () => {
  it('is computed on compiler runs and reused (moved with import "C") on keystrokes', async () => {
    const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-targets-'));
    fs.writeFileSync(path.join(pkg, 'go.mod'), 'module example.com/t\n\ngo 1.21\n');
    const file = path.join(pkg, 'a.go');
    const text = 'package t\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n';
    const engine = new Engine({ env: process.env, settings: { ...settings, targets: ['darwin/arm64'] } });
    engine.setDocument(file, text, 1);
    const first = await engine.analyze(file, { compile: 'run' });
    expect(first.diagnostics.map((d) => d.code)).toContain('cgo/target-unbuildable');
    expect(first.diagnostics.find((d) => d.code === 'cgo/target-unbuildable')?.range.start.line).toBe(3);
    expectShape(first.diagnostics.find((d) => d.code === 'cgo/target-unbuildable')!.message);
    // A sibling appears that would change the verdict (a !cgo fallback) — the keystroke path does not re-read it.
    fs.writeFileSync(path.join(pkg, 'b.go'), '//go:build !cgo\n\npackage t\n\nfunc F() {}\n');
    engine.applyChanges([{ file: path.join(pkg, 'b.go'), kind: 'created' }]);
    engine.setDocument(file, '// doc\n' + text, 2);
    const typed = await engine.analyze(file, { compile: 'cached' });
    expect(typed.diagnostics.find((d) => d.code === 'cgo/target-unbuildable')?.range.start.line).toBe(4);
    // The next compiler run re-evaluates the package.
    const run = await engine.analyze(file, { compile: 'run' });
    expect(run.diagnostics.filter((d) => d.code === 'cgo/target-unbuildable')).toEqual([]);
  });
});
