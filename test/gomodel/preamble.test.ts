import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import {
  buildCgoSource,
  compilerPositionToGo,
  goPositionToPreamble,
  goQuote,
  isFileIncluded,
  parsePlusBuildLineExpr,
  preambleContaining,
  preambleToGoPosition,
} from '../../server/src/gomodel/preamble.js';
import type { BuildContext } from '../../server/src/gomodel/types.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const linux: BuildContext = { goos: 'linux', goarch: 'amd64', cgoEnabled: true, goMinor: 26, compiler: 'gc', buildTags: [], toolTags: [] };

describe('preamble position mapping', () => {
  it('maps preamble (line, col) to the .go file and back for // and block comments', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', '// #include <a.h>', '/* int x;', '   int y; */', 'import "C"'));
    const p = f.cImports[0]!.preamble!;
    expect(preambleToGoPosition(p, 0, 1)).toEqual({ line: 1, character: 3 });
    expect(preambleToGoPosition(p, 1, 1)).toEqual({ line: 2, character: 3 });
    expect(preambleToGoPosition(p, 2, 3)).toEqual({ line: 3, character: 3 });
    expect(preambleToGoPosition(p, 9, 0)).toBeNull();
    expect(goPositionToPreamble(p, { line: 1, character: 3 })).toEqual({ line: 0, character: 1 });
    expect(goPositionToPreamble(p, { line: 3, character: 3 })).toEqual({ line: 2, character: 3 });
    expect(goPositionToPreamble(p, { line: 1, character: 0 })).toBeNull(); // on the `//`
    expect(goPositionToPreamble(p, { line: 4, character: 0 })).toBeNull();
  });

  it('maps through the segments of a joined block + // line', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', '/* a */', '// #include <x.h>', 'import "C"'));
    const p = f.cImports[0]!.preamble!;
    expect(preambleToGoPosition(p, 0, 1)).toEqual({ line: 1, character: 3 });
    expect(preambleToGoPosition(p, 0, 4)).toEqual({ line: 2, character: 3 });
    expect(goPositionToPreamble(p, { line: 2, character: 3 })).toEqual({ line: 0, character: 4 });
  });

  it('finds the preamble containing a position', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', '// one', 'import "C"', '// two', 'import "C"'));
    expect(preambleContaining(f, { line: 3, character: 4 })?.index).toBe(1);
    expect(preambleContaining(f, { line: 2, character: 0 })).toBeNull();
  });

  it('maps compiler positions reported through #line back to the real line, undoing the block+// join drift', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', '/* a */', '// int x;', '// int é = bad;', 'import "C"'));
    // cmd/cgo: "#line 2" then " a  int x;\n int é = bad;\n": the compiler calls the second preamble line go line 3
    const col = Buffer.byteLength(' int é = ') + 1;
    expect(compilerPositionToGo(f, 3, col)).toEqual({ line: 3, character: 2 + ' int é = '.length });
    expect(compilerPositionToGo(f, 2, 5)).toEqual({ line: 2, character: 3 });
    expect(compilerPositionToGo(f, 40, 1)).toBeNull();
  });
});

describe('buildCgoSource', () => {
  it('emits #line with the %q-quoted path, the commentText, the wrapper #line, and blanks #cgo lines', async () => {
    const f = await parseGoFile('C:\\src\\"q"\\a.go', lines('package p', '// #cgo CFLAGS: -O2', '// #include <a.h>', 'import "C"'));
    const s = buildCgoSource(f);
    expect(s.text).toBe('#line 2 "C:\\\\src\\\\\\"q\\"\\\\a.go"\n\n #include <a.h>\n\n#line 1 "cgo-generated-wrapper"\n');
    expect(s.lineMap.slice(0, 5)).toEqual([null, { cImport: 0, preambleLine: 0 }, { cImport: 0, preambleLine: 1 }, null, null]);
  });

  it('keeps a #cgoCFLAGS line without a space (it is not a directive; the C compiler will reject it)', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', '// #cgoCFLAGS: -O2', 'import "C"'));
    expect(buildCgoSource(f).text).toContain(' #cgoCFLAGS: -O2\n');
  });

  it('appends every preamble and can prepend the builtin prolog', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', '// one', 'import "C"', '// two', 'import "C"'));
    const s = buildCgoSource(f, { withProlog: true });
    expect(s.text.startsWith('\n#line 1 "cgo-builtin-prolog"\n')).toBe(true);
    expect(s.text.endsWith('#line 2 "/m/a.go"\n one\n\n#line 1 "cgo-generated-wrapper"\n#line 4 "/m/a.go"\n two\n\n#line 1 "cgo-generated-wrapper"\n')).toBe(
      true,
    );
    expect(s.lineMap.length).toBe(s.text.split('\n').length);
  });

  it('is empty when no import "C" has a preamble', async () => {
    const f = await parseGoFile('/m/a.go', lines('package p', 'import "C"'));
    expect(buildCgoSource(f).text).toBe('');
  });

  it('quotes like Go %q', () => {
    expect(goQuote('a"b\\c\n\t\x01é😀\u2028')).toBe('"a\\"b\\\\c\\n\\t\\x01é😀\\u2028"');
  });
});

describe('isFileIncluded (go/build)', () => {
  const file = (name: string, text: string) => parseGoFile(`/m/${name}`, text);

  it('includes a plain cgo file when cgo is enabled and excludes it, saying why, when cgo is disabled', async () => {
    const f = await file('a.go', lines('package p', 'import "C"'));
    expect(isFileIncluded(f, linux)).toEqual({ included: true });
    const r = isFileIncluded(f, { ...linux, cgoEnabled: false });
    expect(r.included).toBe(false);
    expect(r.reason).toMatch(/imports "C".*cgo.*CGO_ENABLED=0/);
  });

  it('treats a backquoted `C` import as cgo for go/build', async () => {
    const f = await file('a.go', lines('package p', 'import `C`'));
    expect(isFileIncluded(f, { ...linux, cgoEnabled: false }).included).toBe(false);
  });

  it('applies file-name GOOS/GOARCH suffixes', async () => {
    expect(isFileIncluded(await file('a_windows.go', 'package p\n'), linux)).toMatchObject({ included: false });
    expect(isFileIncluded(await file('a_linux_amd64.go', 'package p\n'), linux)).toEqual({ included: true });
    expect(isFileIncluded(await file('a_linux_arm64.go', 'package p\n'), linux).reason).toMatch(/GOARCH=arm64/);
  });

  it('evaluates //go:build (and ignores +build when //go:build is present)', async () => {
    const f = await file('a.go', lines('//go:build !cgo', '// +build ignore', '', 'package p'));
    expect(isFileIncluded(f, linux)).toMatchObject({ included: false });
    expect(isFileIncluded(f, { ...linux, cgoEnabled: false })).toEqual({ included: true });
    expect(isFileIncluded(f, linux).reason).toMatch(/cgo enabled/);
  });

  it('excludes //go:build ignore files', async () => {
    const f = await file('gen.go', lines('//go:build ignore', '', 'package main'));
    expect(isFileIncluded(f, linux).reason).toMatch(/ignore/);
  });

  it('ANDs every // +build line when there is no //go:build line', async () => {
    const f = await file('a.go', lines('// +build linux', '// +build arm64', '', 'package p'));
    expect(isFileIncluded(f, linux).included).toBe(false);
    expect(isFileIncluded(f, { ...linux, goarch: 'arm64' }).included).toBe(true);
  });

  it('reports an invalid //go:build line and duplicate //go:build lines', async () => {
    expect(isFileIncluded(await file('a.go', lines('//go:build linux &&', '', 'package p')), linux).reason).toMatch(/parsing \/\/go:build line/);
    expect(isFileIncluded(await file('a.go', lines('//go:build linux', '//go:build cgo', '', 'package p')), linux).reason).toMatch(/multiple/);
  });

  it('ignores files starting with _ or .', async () => {
    expect(isFileIncluded(await file('_x.go', 'package p\n'), linux).included).toBe(false);
    expect(isFileIncluded(await file('.x.go', 'package p\n'), linux).included).toBe(false);
  });

  it('rejects cgo in _test.go files with the go/build message', async () => {
    const f = await file('a_test.go', lines('package p', 'import "C"'));
    expect(isFileIncluded(f, linux)).toEqual({ included: false, reason: 'use of cgo in test /m/a_test.go not supported' });
  });

  it('parses // +build like go/build/constraint: !! and invalid tags become "ignore"', () => {
    expect(parsePlusBuildLineExpr('!!linux')).toEqual({ kind: 'tag', tag: 'ignore' });
    expect(parsePlusBuildLineExpr('linux,!cgo darwin')).toEqual({
      kind: 'or',
      x: { kind: 'and', x: { kind: 'tag', tag: 'linux' }, y: { kind: 'not', x: { kind: 'tag', tag: 'cgo' } } },
      y: { kind: 'tag', tag: 'darwin' },
    });
    expect(parsePlusBuildLineExpr('li-nux')).toEqual({ kind: 'tag', tag: 'ignore' });
  });
});

describe('preamble mapping invariants (property test)', () => {
  const item = fc.constantFrom(
    '// #include <stdio.h>',
    '//',
    '//\tint é = 1;',
    '/* a */',
    '/* 😀 x\n * y;\n */',
    '/* p */ /* q */',
    '/* r */ // s',
    '  // indented',
    '',
  );
  const src = fc.tuple(fc.array(item, { minLength: 1, maxLength: 8 }), fc.boolean()).map(([items, crlf]) => {
    const s = ['package p', ...items, 'import "C"'].join('\n') + '\n';
    return crlf ? s.replace(/\n/g, '\r\n') : s;
  });

  it('every preamble character maps to the same character in the .go file, and back', async () => {
    await fc.assert(
      fc.asyncProperty(src, async (text) => {
        const f = await parseGoFile('/m/a.go', text);
        const goLines = text.split('\n').map((l) => l.replace(/\r$/, ''));
        for (const imp of f.cImports) {
          const p = imp.preamble;
          if (!p) continue;
          expect(p.lines.map((l) => l.text).join('\n') + (p.text.endsWith('\n') ? '\n' : '')).toBe(p.text);
          p.lines.forEach((l, i) => {
            for (let c = 0; c < l.text.length; c++) {
              const g = preambleToGoPosition(p, i, c)!;
              expect(goLines[g.line]![g.character]).toBe(l.text[c]);
              expect(goPositionToPreamble(p, g)).toEqual({ line: i, character: c });
            }
          });
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
  });
});
