import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource, codes } from '../../server/src/checks/source.js';
import { parseGoVersion, type GoVersion } from '../../server/src/core/goversion.js';
import type { CgoDiagnostic } from '../../server/src/core/types.js';
import { emptyModel, parseGoFile } from '../../server/src/gomodel/model.js';

const v126 = parseGoVersion('go1.26.8')!;
const v123 = parseGoVersion('go1.23.5')!;
const v120 = parseGoVersion('go1.20.14')!;
const lines = (...l: string[]) => l.join('\n') + '\n';
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gomodel');

async function check(text: string, opts: { file?: string; v?: GoVersion } = {}): Promise<CgoDiagnostic[]> {
  const file = await parseGoFile(opts.file ?? '/m/main.go', text);
  return checkSource(file, { goVersion: opts.v ?? v126, text });
}
const only = (ds: CgoDiagnostic[], code: string) => ds.filter((d) => d.code === code);

describe('codes catalogue', () => {
  it('has a complete CodeInfo entry for every code the checks emit', () => {
    const names = codes.map((c) => c.code);
    expect(names).toEqual([
      'cgo/preamble-detached',
      'cgo/preamble-split',
      'cgo/renamed-import',
      'cgo/export-preamble-definition',
      'cgo/export-name',
      'cgo/export-ignored',
      'cgo/test-file',
      'cgo/misuse',
      'cgo/file-too-large',
    ]);
    for (const c of codes) {
      expect(c.title && c.cause && c.fix && c.example).toBeTruthy();
    }
  });
});

describe('cgo/preamble-detached', () => {
  const src = lines('package p', '', '// #include <stdio.h>', '', 'import "C"', '', 'func f() { C.puts(nil) }');

  it('reports the comment, explains the later Go ≥1.24 error, and carries the blank lines to delete', async () => {
    const [d, ...rest] = only(await check(src), 'cgo/preamble-detached');
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('error');
    expect(d!.range).toEqual({ start: { line: 2, character: 0 }, end: { line: 2, character: 21 } });
    expect(d!.message).toContain('could not determine what C.puts refers to');
    expect(d!.message.split('\n')[1]).toMatch(/^Fix: delete the blank line/);
    expect(d!.data).toMatchObject({
      code: 'cgo/preamble-detached',
      reason: 'blank-line',
      blankLines: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } },
    });
    expect(d!.related?.map((r) => r.range.start.line)).toEqual([4, 6]);
  });

  it('uses the Go ≤1.23 wording "could not determine kind of name for C.x"', async () => {
    const [d] = only(await check(src, { v: v123 }), 'cgo/preamble-detached');
    expect(d!.message).toContain('could not determine kind of name for C.puts');
  });

  it('reports a preamble on an import group with two specs (group-doc)', async () => {
    const [d] = only(await check(lines('package p', '// #include <stdio.h>', 'import (', '\t"C"', '\t"fmt"', ')')), 'cgo/preamble-detached');
    expect(d!.data).toMatchObject({ reason: 'group-doc' });
    expect(d!.message).toContain('2 specs');
  });

  it('says nothing for an attached preamble, a licence comment, or a comment on a one-spec group', async () => {
    expect(await check(lines('package p', '// #include <stdio.h>', 'import "C"'))).toEqual([]);
    expect(await check(lines('// Copyright 2024 The Authors. All rights reserved.', '', 'package p', '', 'import "C"'))).toEqual([]);
    expect(await check(lines('package p', '// #include <stdio.h>', 'import (', '\t"C"', ')'))).toEqual([]);
  });
});

describe('cgo/preamble-split', () => {
  it('warns on the lost group above the preamble and offers the // join', async () => {
    const [d] = only(await check(lines('package p', '// #cgo LDFLAGS: -lm', '', '// #include <math.h>', 'import "C"')), 'cgo/preamble-split');
    expect(d!.severity).toBe('warning');
    expect(d!.range.start.line).toBe(1);
    expect(d!.data).toMatchObject({ replaceWith: '//', blankLines: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } } });
  });

  it('does not warn when the groups are joined by an empty // line', async () => {
    expect(await check(lines('package p', '// #cgo LDFLAGS: -lm', '//', '// #include <math.h>', 'import "C"'))).toEqual([]);
  });
});

describe('cgo/renamed-import', () => {
  it('reports `cannot rename import "C"` at the path with the name range for the fix', async () => {
    for (const name of ['c', '_', '.']) {
      const [d] = only(await check(lines('package p', `import ${name} "C"`)), 'cgo/renamed-import');
      expect(d!.message.split('\n')[0]).toBe('cannot rename import "C"');
      expect(d!.range.start).toEqual({ line: 1, character: 8 + name.length });
      expect(d!.data).toMatchObject({ name, nameRange: { start: { line: 1, character: 7 } } });
    }
  });

  it('does not report a plain import "C"', async () => {
    expect(only(await check(lines('package p', 'import "C"')), 'cgo/renamed-import')).toEqual([]);
  });
});

describe('cgo/export-preamble-definition', () => {
  it('points at each external definition in an exporting file, with its name and range', async () => {
    const ds = only(
      await check(fs.readFileSync(path.join(fixtures, 'exportdef', 'main.go'), 'utf8'), { file: '/m/main.go' }),
      'cgo/export-preamble-definition',
    );
    expect(ds.map((d) => [d.data!['name'], d.range.start.line, d.range.start.character])).toEqual([
      ['helper', 2, 7],
      ['shared', 3, 7],
    ]);
    expect(ds[0]!.message).toContain("multiple definition of `helper'");
    expect(ds[0]!.message).toContain('_cgo_export.c and main.cgo2.c');
  });

  it('accepts static / static inline definitions and extern declarations', async () => {
    expect(await check(fs.readFileSync(path.join(fixtures, 'exportstatic', 'main.go'), 'utf8'))).toEqual([]);
  });

  it('does not apply when the file has no valid //export (definitions are then fine)', async () => {
    const text = lines('package p', '// int helper(void) { return 1; }', 'import "C"', '// export Go', 'func Go() {}');
    expect(only(await check(text), 'cgo/export-preamble-definition')).toEqual([]);
  });
});

describe('cgo/export-name', () => {
  it('reports the wrong name with the toolchain wording and the wanted name', async () => {
    const [d] = only(await check(lines('package p', 'import "C"', '//export Other', 'func GoCallback() {}')), 'cgo/export-name');
    expect(d!.message.split('\n')[0]).toBe('export comment has wrong name "Other", want "GoCallback"');
    expect(d!.data).toMatchObject({ wantName: 'GoCallback', nameRange: { start: { line: 2, character: 9 }, end: { line: 2, character: 14 } } });
  });

  it('reports a missing name with both toolchain errors', async () => {
    const [d] = only(await check(lines('package p', 'import "C"', '//export ', 'func X() {}')), 'cgo/export-name');
    expect(d!.message).toContain('go build: export missing name\ngo build: export comment has wrong name "", want "X"');
  });

  it('does not report a matching name', async () => {
    expect(await check(lines('package p', 'import "C"', '//export X', 'func X() {}'))).toEqual([]);
  });
});

describe('cgo/export-ignored', () => {
  it('warns for each ignored form with its reason', async () => {
    const ds = only(
      await check(
        lines(
          'package p',
          'import "C"',
          '// export A',
          'func A() {}',
          '/*export B*/',
          'func B() {}',
          '//export D',
          '',
          'func D() {}',
          '//export E',
          '//export E',
          'func E() {}',
        ),
      ),
      'cgo/export-ignored',
    );
    expect(ds.map((d) => [d.data!['reason'], d.severity])).toEqual([
      ['space-after-slashes', 'warning'],
      ['block-comment', 'warning'],
      ['not-adjacent', 'warning'],
      ['not-first', 'warning'],
    ]);
    expect(ds[0]!.data).toMatchObject({ replacement: '//export A' });
    expect(ds[2]!.data).toMatchObject({ blankLines: { start: { line: 7, character: 0 }, end: { line: 8, character: 0 } } });
  });

  it('warns for //export in a file without import "C"', async () => {
    const [d] = only(await check(lines('package p', '//export A', 'func A() {}')), 'cgo/export-ignored');
    expect(d!.data).toMatchObject({ reason: 'no-import-c' });
  });
});

describe('cgo/test-file', () => {
  it('reports import "C" in a _test.go file with the go/build message', async () => {
    const [d] = only(await check(lines('package p', 'import "C"'), { file: '/m/x_test.go' }), 'cgo/test-file');
    expect(d!.message).toContain('\ngo test: use of cgo in test /m/x_test.go not supported');
  });

  it('does not report a non-test file', async () => {
    expect(only(await check(lines('package p', 'import "C"')), 'cgo/test-file')).toEqual([]);
  });
});

describe('cgo/misuse', () => {
  it('reports C.errno and C._CMalloc with the toolchain wording', async () => {
    const ds = only(await check(lines('package p', 'import "C"', 'func f() { _ = C.errno; _ = C._CMalloc(1) }')), 'cgo/misuse');
    expect(ds.map((d) => d.message.split('\n')[0])).toEqual(['cannot refer to errno directly; see documentation', 'cannot refer to C._CMalloc; use C.malloc']);
  });

  it('reports methods on C types only for Go ≥1.21', async () => {
    const text = lines('package p', 'import "C"', 'func (t *C.T) M() {}');
    const [d] = only(await check(text), 'cgo/misuse');
    expect(d!.message.split('\n')[0]).toBe('cannot define new methods on non-local type *C.T');
    expect(only(await check(text, { v: v120 }), 'cgo/misuse')).toEqual([]);
  });

  it('reports embedded C fields', async () => {
    const ds = only(await check(lines('package p', 'import "C"', 'type S struct {', '\tC.int', '\t*C.char', '\tx C.long', '}')), 'cgo/misuse');
    expect(ds.map((d) => [d.message.split('\n')[0], d.range.start.line])).toEqual([
      ['cannot embed C type', 3],
      ['cannot embed C type', 4],
    ]);
  });

  it('reports calls of well-known and preamble-declared variadic C functions, not of non-variadic ones', async () => {
    const ds = only(
      await check(
        lines(
          'package p',
          '// #include <stdio.h>',
          '// void logf(const char *f, ...);',
          '// static int open(const char *p) { return 0; }',
          'import "C"',
          'func f() { C.printf(nil); C.logf(nil); C.open(nil); C.puts(nil); _ = C.printf }',
        ),
      ),
      'cgo/misuse',
    );
    expect(ds.map((d) => d.data!['name'])).toEqual(['printf', 'logf']);
    expect(ds[0]!.message).toContain('variadic');
  });

  it('reports nothing in a file that does not import "C"', async () => {
    expect(await check(lines('package p', 'func (t *C.T) M() { _ = C.errno }'))).toEqual([]);
  });
});

describe('healthy code', () => {
  it('produces no diagnostic for a healthy package (${SRCDIR}, static inline + //export in another file, #cgo windows, !cgo fallback)', async () => {
    const dir = path.join(fixtures, 'healthy');
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.go'))) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      expect({ name, ds: await check(text, { file: path.join(dir, name) }) }).toEqual({ name, ds: [] });
    }
  });
});

describe('robustness', () => {
  it('never throws on an empty or malformed model', () => {
    expect(checkSource(emptyModel('/m/x.go', true), { goVersion: v126, text: '' })).toEqual([]);
    const broken = { ...emptyModel('/m/x.go', true), importsC: true, cRefs: [null], exports: [{}], preambleDecls: [null] } as never;
    expect(() => checkSource(broken, { goVersion: v126, text: '' })).not.toThrow();
  });

  it('every diagnostic message has the one shape (cause ≤ 100 characters, then "Fix: …") and data.code equals code', async () => {
    const ds = await check(
      lines('package p', '// #include <stdio.h>', '// int d = 1;', 'import c "C"', 'func (t C.T) M() { _ = C.errno }', '//export Y', 'func X() {}'),
      { file: '/m/x_test.go' },
    );
    expect(ds.length).toBeGreaterThan(3);
    for (const d of ds) {
      const [cause, fix] = d.message.split('\n');
      expect(cause!.length, d.message).toBeLessThanOrEqual(100);
      expect(fix, d.message).toMatch(/^Fix: \S/);
      expect(d.data?.code).toBe(d.code);
      expect(d.file).toBe('/m/x_test.go');
    }
  });
});
