// compilePreamble against the real gcc (and x86_64-w64-mingw32-gcc) installed here.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { compilePreamble, type PreambleInput, type PreambleResult } from '../../server/src/compiler/preamble.js';
import { expectShape, hasProgram, inputFromGo } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cgols-pre-'));
const HAS_GCC = hasProgram('gcc');
const HAS_MINGW = hasProgram('x86_64-w64-mingw32-gcc');
if (!HAS_GCC) console.log('SKIP: gcc not installed; preamble tests against gcc are skipped');
if (!HAS_MINGW) console.log('SKIP: x86_64-w64-mingw32-gcc not installed; Windows target tests are skipped');

async function compile(src: string, over: Partial<PreambleInput> = {}, name = 'main.go'): Promise<{ r: PreambleResult; lines: string[] }> {
  const file = path.join(tmp, name);
  writeFileSync(file, src);
  const r = await compilePreamble(inputFromGo(file, src, over), { timeoutMs: 20_000 });
  return { r, lines: src.split('\n') };
}

const codesOf = (r: PreambleResult) => r.diagnostics.map((d) => d.code);

describe.skipIf(!HAS_GCC)('preamble diagnostics with gcc', () => {
  test('missing header in a // preamble: right line, column of <header>, -I dirs in data', async () => {
    const inc = path.join(tmp, 'myinc');
    mkdirSync(inc, { recursive: true });
    const src = 'package main\n\n// #include <stdio.h>\n//   #include <nosuch_xyz.h>\nimport "C"\n\nfunc main() {}\n';
    const { r, lines } = await compile(src, { cflags: ['-O2', '-g', '-I' + inc] });
    const d = r.diagnostics.find((x) => x.code === 'cgo/header-not-found');
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    expect(d!.range.start.line).toBe(3);
    expect(d!.range.start.character).toBe(lines[3]!.indexOf('<nosuch_xyz.h>'));
    expect(d!.range.end.character).toBe(lines[3]!.indexOf('<nosuch_xyz.h>') + '<nosuch_xyz.h>'.length);
    const m = expectShape(d!.message);
    expect(m.cause).toBe('nosuch_xyz.h not found (included from the preamble)');
    expect(m.fix).toContain('nosuch_xyz.h');
    expect(m.fix).toContain('#cgo CFLAGS: -I');
    // The compiler's own words, and the -I directories searched, follow the fix.
    expect(m.details[0]).toBe('fatal error: nosuch_xyz.h: No such file or directory');
    expect(d!.data!.includeDirs).toEqual([inc]);
    expect(m.detailText).toContain(`-I directories searched: ${inc}`);
    expect(r.missingHeaderCandidates).toContain(path.join(inc, 'nosuch_xyz.h'));
    // The fatal error stops the probe: no bogus cc-broken / unresolved-name noise.
    expect(codesOf(r)).toEqual(['cgo/header-not-found']);
  });

  test('missing header in a /* */ preamble, on the first line and on a later line', async () => {
    const src1 = 'package main\n\n/* #include <nosuch_a.h>\n*/\nimport "C"\n\nfunc main() {}\n';
    const a = await compile(src1, {}, 'block1.go');
    const d1 = a.r.diagnostics.find((x) => x.code === 'cgo/header-not-found')!;
    expect(d1.range.start).toEqual({ line: 2, character: a.lines[2]!.indexOf('<nosuch_a.h>') });
    const src2 = 'package main\n\n/*\n#include <stdio.h>\n\t#include <nosuch_b.h>\n*/\nimport "C"\n\nfunc main() {}\n';
    const b = await compile(src2, {}, 'block2.go');
    const d2 = b.r.diagnostics.find((x) => x.code === 'cgo/header-not-found')!;
    expect(d2.range.start).toEqual({ line: 4, character: b.lines[4]!.indexOf('<nosuch_b.h>') });
  });

  test('non-ASCII text and tabs before the error: UTF-16 column is exact', async () => {
    const src = 'package main\n\n// #include <stdio.h>\n// /* Grüße, 世界 🙂 */\tint oops = undefined_ident_q;\nimport "C"\n\nfunc main() {}\n';
    const { r, lines } = await compile(src, {}, 'nonascii.go');
    const d = r.diagnostics.find((x) => x.code === 'cgo/c-error')!;
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    expect(d.range.start).toEqual({ line: 3, character: lines[3]!.indexOf('undefined_ident_q') });
    expect(d.range.end.character).toBe(lines[3]!.indexOf('undefined_ident_q') + 'undefined_ident_q'.length);
    const m = expectShape(d.message);
    expect(m.cause).toMatch(/^C error: 'undefined_ident_q' undeclared/);
    expect(m.detailText).toContain("error: 'undefined_ident_q' undeclared");
  });

  test('C syntax error → cgo/c-error at the compiler position', async () => {
    const src = 'package main\n\n// static int twice(int x) { return x * 2 }\nimport "C"\n\nfunc main() { _ = C.twice(1) }\n';
    const { r, lines } = await compile(src, {}, 'syntax.go');
    const d = r.diagnostics.find((x) => x.code === 'cgo/c-error')!;
    expect(d.range.start.line).toBe(2);
    // gcc points just after `2`, where the ';' belongs.
    expect(d.range.start.character).toBe(lines[2]!.indexOf('2 }') + 1);
    const m = expectShape(d.message);
    expect(m.cause).toBe("C error: expected ';' before '}' token");
    expect(m.fix).toMatch(/fix the C code/);
    expect(m.details).toContain("error: expected ';' before '}' token");
    expect(d.severity).toBe('error');
  });

  test('implicit declaration → warning with the header hint', async () => {
    const src = 'package main\n\n// static void hello(void) { puts("hi"); }\nimport "C"\n\nfunc main() { C.hello() }\n';
    const { r, lines } = await compile(src, {}, 'implicit.go');
    const d = r.diagnostics.find((x) => /implicit declaration/.test(x.message))!;
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    expect(d.code).toBe('cgo/c-warning');
    expect(d.severity).toBe('warning');
    expect(d.range.start).toEqual({ line: 2, character: lines[2]!.indexOf('puts') });
    const m = expectShape(d.message);
    expect(m.cause).toMatch(/^C warning: implicit declaration of function 'puts'/);
    expect(m.fix).toBe('add `#include <stdio.h>` to the preamble');
    expect(m.detailText).toMatch(/warning: implicit declaration of function 'puts'/);
    expect(d.data!.header).toBe('stdio.h');
    expect(r.kinds.hello).toBe('var-or-func');
  });

  test('unknown C name: Go ≤1.23 and ≥1.24 wording, at the first use', async () => {
    const src = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {\n\t_ = C.nosuch_thing\n\t_ = C.nosuch_thing\n}\n';
    const old = await compile(src, { goVersion: { minor: 23, patch: 5 } }, 'unk23.go');
    const d23 = old.r.diagnostics.find((x) => x.code === 'cgo/unresolved-name')!;
    const m23 = expectShape(d23.message);
    expect(m23.cause).toBe('C.nosuch_thing is declared nowhere the preamble includes');
    expect(m23.fix).toMatch(/declare it in the preamble or #include the header that declares it/);
    // go build's own words come first in the details.
    expect(m23.details[0]).toBe('could not determine kind of name for C.nosuch_thing');
    expect(d23.range.start).toEqual({ line: 6, character: 5 });
    const neu = await compile(src, { goVersion: { minor: 24, patch: 0 } }, 'unk24.go');
    const d24 = neu.r.diagnostics.filter((x) => x.code === 'cgo/unresolved-name');
    expect(d24).toHaveLength(1);
    expect(expectShape(d24[0]!.message).details[0]).toBe('could not determine what C.nosuch_thing refers to');
    expect(neu.r.kinds.nosuch_thing).toBe('unknown');
  });

  test('C.free without stdlib.h → names <stdlib.h>; C.Cstring → suggests C.CString', async () => {
    const src = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {\n\tC.free(nil)\n\t_ = C.Cstring("x")\n}\n';
    const { r } = await compile(src, {}, 'hints.go');
    const free = r.diagnostics.find((x) => x.data?.name === 'free')!;
    const mf = expectShape(free.message);
    expect(mf.cause).toBe('C.free is declared nowhere the preamble includes');
    expect(mf.fix).toBe('add `#include <stdlib.h>` to the preamble');
    expect(mf.details).toContain('free is declared in <stdlib.h>.');
    expect(free.data!.header).toBe('stdlib.h');
    const typo = r.diagnostics.find((x) => x.data?.name === 'Cstring')!;
    const mt = expectShape(typo.message);
    expect(mt.cause).toBe('C.Cstring is declared nowhere the preamble includes');
    expect(mt.fix).toMatch(/^use C\.CString if that is what you meant; otherwise declare C\.Cstring/);
    expect(typo.data!.suggestion).toBe('CString');
  });

  test('near miss against names the preamble declares', async () => {
    const src = 'package main\n\n// static int compute_total(int a) { return a; }\nimport "C"\n\nfunc main() { _ = C.compute_totl(1) }\n';
    const { r } = await compile(src, {}, 'near.go');
    expect(r.diagnostics.find((x) => x.code === 'cgo/unresolved-name')!.data!.suggestion).toBe('compute_total');
  });

  test('kinds match cmd/cgo: macros, typedefs, functions, variables, enum constants', async () => {
    const src = [
      'package main',
      '',
      '// #include <stdint.h>',
      '// #define ANSWER 42',
      "// #define CH 'x'",
      '// #define RATIO 0.5',
      '// #define GREETING "hello"',
      '// #define ADD(a, b) ((a) + (b))',
      '// typedef struct point { int x, y; } point_t;',
      '// int counter;',
      '// static int add(int a, int b) { return a + b; }',
      '// enum color { RED, GREEN };',
      'import "C"',
      '',
      'func main() {',
      '\t_ = C.ANSWER + C.CH + C.RATIO + C.GREETING + C.counter + C.add(1, 2) + C.RED',
      '\tvar p C.point_t',
      '\tvar u C.uint64_t',
      '\tvar s C.sizeof_int',
      '\t_ = C.ADD(1, 2)',
      '}',
    ].join('\n');
    const { r } = await compile(src, {}, 'kinds.go');
    expect(r.kinds).toMatchObject({
      ANSWER: 'iconst',
      CH: 'iconst',
      RATIO: 'fconst',
      GREETING: 'sconst',
      counter: 'var-or-func',
      add: 'var-or-func',
      RED: 'iconst',
      point_t: 'type',
      uint64_t: 'type',
      sizeof_int: 'iconst',
      ADD: 'unknown',
    });
    const d = r.diagnostics.filter((x) => x.code === 'cgo/unresolved-name');
    expect(d.map((x) => x.data!.name)).toEqual(['ADD']);
    const m = expectShape(d[0]!.message);
    expect(m.cause).toBe('C.ADD is a function-like macro; cgo cannot use macros that take arguments');
    expect(m.fix).toBe('wrap it in a static inline C function in the preamble and call that');
  });

  test('builtins are never reported and never probed', async () => {
    const src =
      'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {\n\ts := C.CString("x")\n\t_ = C.GoString(s)\n\t_ = C.GoStringN(s, 1)\n\t_ = C.GoBytes(nil, 0)\n\t_ = C.CBytes(nil)\n\t_ = C.malloc(1)\n\tvar a C.int\n\tvar b C.uint\n\tvar c C.ulonglong\n\tvar d C.complexdouble\n\tvar e *C.struct_never_defined\n\t_, _, _, _, _ = a, b, c, d, e\n}\n';
    const { r } = await compile(src, {}, 'builtins.go');
    expect(r.diagnostics).toEqual([]);
    expect(r.probeCommandLine).toBeNull();
    expect(r.kinds).toMatchObject({ CString: 'var-or-func', malloc: 'var-or-func', int: 'type', ulonglong: 'type', struct_never_defined: 'type' });
  });

  test('an error inside an included local header maps to the #include line', async () => {
    const dir = path.join(tmp, 'lh');
    mkdirSync(path.join(dir, 'include'), { recursive: true });
    writeFileSync(path.join(dir, 'include', 'inner.h'), 'static int inner(void) { return not_declared_here; }\n');
    writeFileSync(path.join(dir, 'include', 'outer.h'), '#include "inner.h"\n');
    const src = 'package main\n\n// #include <stdio.h>\n// #include "outer.h"\nimport "C"\n\nfunc main() {}\n';
    const file = path.join(dir, 'main.go');
    writeFileSync(file, src);
    const r = await compilePreamble(inputFromGo(file, src, { cflags: ['-I' + path.join(dir, 'include')] }), { timeoutMs: 20_000 });
    const d = r.diagnostics.find((x) => x.code === 'cgo/c-error')!;
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    const line = src.split('\n')[3]!;
    expect(d.range.start).toEqual({ line: 3, character: line.indexOf('#include') });
    const m = expectShape(d.message);
    expect(m.cause).toMatch(/^C error in inner\.h: 'not_declared_here' undeclared/);
    expect(m.fix).toMatch(/inner\.h/);
    // The full place, with the include chain, is in the details.
    expect(m.detailText).toContain('inner.h:1');
    expect(m.detailText).toContain('outer.h:1');
    expect(m.detailText).toContain("'not_declared_here' undeclared");
    expect(r.includedFiles).toContain(path.join(dir, 'include', 'inner.h'));
    expect(r.includedFiles).toContain(path.join(dir, 'include', 'outer.h'));
  });

  test('C++ header in a C preamble → cgo/cxx-in-c-preamble', async () => {
    const src = 'package main\n\n// #include <iostream>\nimport "C"\n\nfunc main() {}\n';
    const { r } = await compile(src, {}, 'cxx.go');
    expect(codesOf(r)).toEqual(['cgo/cxx-in-c-preamble']);
    const m = expectShape(r.diagnostics[0]!.message);
    expect(m.cause).toBe('iostream is C++, but cgo compiles the preamble as C');
    expect(m.fix).toContain('extern "C"');
    expect(m.details[0]).toMatch(/fatal error: iostream: No such file or directory/);
    const src2 = 'package main\n\n// class Foo { int x; };\nimport "C"\n\nfunc main() {}\n';
    const b = await compile(src2, {}, 'cxx2.go');
    expect(codesOf(b.r)).toContain('cgo/cxx-in-c-preamble');
    expect(b.r.diagnostics[0]!.range.start.line).toBe(2);
    expect(expectShape(b.r.diagnostics[0]!.message).cause).toBe('C++ in the preamble, but cgo compiles the preamble as C');
  });

  test('#cgo lines are blanked like cmd/cgo; #cgoCFLAGS is not', async () => {
    const src = 'package main\n\n// #cgo CFLAGS: -DX=1\n// #cgoCFLAGS: -O2\n// #include <stdio.h>\nimport "C"\n\nfunc main() {}\n';
    const { r, lines } = await compile(src, {}, 'cgoline.go');
    expect(r.diagnostics).toHaveLength(1);
    expect(expectShape(r.diagnostics[0]!.message).cause).toBe('C error: invalid preprocessing directive #cgoCFLAGS');
    expect(r.diagnostics[0]!.range.start).toEqual({ line: 3, character: lines[3]!.indexOf('cgoCFLAGS') });
  });

  test('unclosed brace: the error after the preamble goes to the import line, not to a bogus position', async () => {
    const src = 'package main\n\n// static int f(void) {\n//   return 1;\nimport "C"\n\nfunc main() { _ = C.f() }\n';
    const { r } = await compile(src, {}, 'unclosed.go');
    const errs = r.diagnostics.filter((x) => x.severity === 'error');
    expect(errs.length).toBeGreaterThan(0);
    for (const e of errs) expect(e.range.start.line).toBeLessThanOrEqual(4);
    const after = errs.find((e) => e.range.start.line === 4 && /after the end of the preamble/.test(e.message));
    expect(after, JSON.stringify(errs)).toBeDefined();
    const m = expectShape(after!.message);
    expect(m.cause).toMatch(/^C error after the end of the preamble/);
    expect(m.fix).toMatch(/close what the preamble leaves open/);
    expect(m.details[0]).toMatch(/^after the end of the preamble: error: /);
    // The probe output (pseudo-files not-declared:N …) never leaks as positions.
    for (const d of r.diagnostics) expect(d.message).not.toMatch(/not-declared|not-type|__cgo_undefined/);
  });

  test('user -Werror does not corrupt the kind probe', async () => {
    const src =
      'package main\n\n// static int one(void) { return 1; }\n// int unused_global;\nimport "C"\n\nfunc main() { _ = C.one(); _ = C.unused_global }\n';
    const { r } = await compile(src, { cflags: ['-Wall', '-Werror'] }, 'werror.go');
    expect(r.kinds).toMatchObject({ one: 'var-or-func', unused_global: 'var-or-func' });
    expect(r.diagnostics.filter((x) => x.code === 'cgo/unresolved-name')).toEqual([]);
  });

  test('Windows API name on a Linux target gets a GOOS hint', async () => {
    const src = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() { C.MessageBoxA(nil, nil, nil, 0) }\n';
    const { r } = await compile(src, {}, 'winapi.go');
    const d = r.diagnostics.find((x) => x.code === 'cgo/unresolved-name')!;
    const m = expectShape(d.message);
    expect(m.cause).toBe('C.MessageBoxA is a Windows API, but this file is compiled for GOOS=linux');
    expect(m.fix).toBe('restrict the file to Windows (//go:build windows)');
    expect(m.detailText).toContain('<windows.h>');
  });

  test('GOARCH=arm with an x86 gcc → cgo/cc-rejected-flag naming -marm', async () => {
    const src = 'package main\n\n// static int one(void) { return 1; }\nimport "C"\n\nfunc main() { _ = C.one() }\n';
    const { r } = await compile(src, { goarch: 'arm' }, 'arm.go');
    const d = r.diagnostics.find((x) => x.code === 'cgo/cc-rejected-flag')!;
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    expect(d.data!.flag).toBe('-marm');
    expect(d.data!.fromCgo).toBe(true);
    const m = expectShape(d.message);
    expect(m.cause).toBe('The C compiler rejects -marm, which cgo adds for GOARCH=arm');
    expect(m.fix).toBe('set CC to a C compiler for linux/arm (a cross compiler), or build for the native GOARCH');
    expect(m.details[0]).toMatch(/error: unrecognized command[- ]line option '-marm'/);
    expect(d.range.start.line).toBe(3);
    expect(codesOf(r)).not.toContain('cgo/cc-broken');
  });

  test('junk input never throws', async () => {
    const junk: unknown[] = [
      {},
      { goFile: 1, preambles: 'x', cNames: null, cc: null },
      {
        goFile: '/x.go',
        preambles: [{ lines: [{ text: 'int x', goLine: 0, goCol: 0 }], firstLine: 0 }],
        cNames: [{ name: 'a b', range: { start: { line: 9, character: 0 }, end: { line: 9, character: 3 } } }],
        cc: ['gcc'],
        goLineText: () => {
          throw new Error('boom');
        },
        env: process.env,
        cwd: tmp,
        goVersion: { minor: 26, patch: 0 },
      },
    ];
    for (const j of junk) {
      const r = await compilePreamble(j as PreambleInput, { timeoutMs: 10_000 });
      expect(Array.isArray(r.diagnostics)).toBe(true);
    }
  });
});

describe.skipIf(!HAS_MINGW)('Windows target with x86_64-w64-mingw32-gcc', () => {
  test('windows.h names resolve; GetLastError without windows.h names the header', async () => {
    const ok = 'package main\n\n// #include <windows.h>\nimport "C"\n\nfunc main() {\n\t_ = C.MessageBoxA\n\tvar h C.HANDLE\n\t_ = h\n\t_ = C.MB_OK\n}\n';
    const a = await compile(ok, { cc: ['x86_64-w64-mingw32-gcc'], goos: 'windows' }, 'win_ok.go');
    expect(a.r.diagnostics).toEqual([]);
    expect(a.r.kinds).toMatchObject({ MessageBoxA: 'var-or-func', HANDLE: 'type', MB_OK: 'iconst' });
    const bad = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {\n\t_ = C.GetLastError()\n}\n';
    const b = await compile(bad, { cc: ['x86_64-w64-mingw32-gcc'], goos: 'windows' }, 'win_bad.go');
    const d = b.r.diagnostics.find((x) => x.code === 'cgo/unresolved-name')!;
    expect(expectShape(d.message).fix).toBe('add `#include <windows.h>` to the preamble');
  });
});

const HAS_CLANG = hasProgram('clang');
if (!HAS_CLANG) console.log('SKIP: clang is not installed here; the clang variants of the preamble tests are skipped');

describe.skipIf(!HAS_CLANG)('preamble diagnostics with clang', () => {
  test('missing header and kinds with clang (-ferror-limit=0 probe flags)', async () => {
    const src = 'package main\n\n// #include <nosuch_clang.h>\nimport "C"\n\nfunc main() {}\n';
    const { r, lines } = await compile(src, { cc: ['clang'], family: 'clang' }, 'clang1.go');
    const d = r.diagnostics.find((x) => x.code === 'cgo/header-not-found')!;
    expect(d.range.start).toEqual({ line: 2, character: lines[2]!.indexOf('<nosuch_clang.h>') });
    const m = expectShape(d.message);
    expect(m.cause).toBe('nosuch_clang.h not found (included from the preamble)');
    expect(m.details[0]).toBe("fatal error: 'nosuch_clang.h' file not found");
    const names = Array.from({ length: 30 }, (_, i) => `missing_${i}`);
    const src2 = `package main\n\n// #define ANSWER 42\nimport "C"\n\nfunc main() {\n${names.map((n) => `\t_ = C.${n}\n`).join('')}\t_ = C.ANSWER\n}\n`;
    const b = await compile(src2, { cc: ['clang'], family: 'clang' }, 'clang2.go');
    expect(b.r.probeCommandLine).toContain('-ferror-limit=0');
    expect(b.r.kinds.ANSWER).toBe('iconst');
    expect(b.r.diagnostics.filter((x) => x.code === 'cgo/unresolved-name')).toHaveLength(30);
  });
});
