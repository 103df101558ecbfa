import { describe, expect, it } from 'vitest';
import { MAX_ANALYSED_CHARS, modelPart, parseGoFile, parseGoFileSync } from '../../server/src/gomodel/model.js';
import { getCParser, getGoParser } from '../../server/src/gomodel/parser.js';
import type { GoFile } from '../../server/src/gomodel/types.js';

const parse = (text: string, file = '/m/main.go'): Promise<GoFile> => parseGoFile(file, text);
const lines = (...l: string[]) => l.join('\n') + '\n';

describe('parser loading', () => {
  it('loads the Go and C grammars once and returns the same parser object', async () => {
    const [a, b] = await Promise.all([getGoParser(), getGoParser()]);
    expect(a).toBe(b);
    const c = await getCParser();
    expect(c).not.toBe(a);
  });

  it('reports tree-sitter columns in UTF-16 code units for non-ASCII text (é, emoji)', async () => {
    const p = await getGoParser();
    const src = 'package p\nfunc f() { _ = "é😀"; C.x() }\n';
    const tree = p.parse(src)!;
    const off = src.indexOf('C.x');
    const node = tree.rootNode.descendantForIndex(off, off + 1)!;
    expect(node.startIndex).toBe(off);
    expect(node.startPosition.column).toBe(src.split('\n')[1]!.indexOf('C.x'));
    tree.delete();
  });
});

describe('package, header and build info', () => {
  it('reads the package name and range', async () => {
    const f = await parse('// Package doc.\npackage hello\n');
    expect(f.packageName).toBe('hello');
    expect(f.packageRange).toEqual({ start: { line: 1, character: 8 }, end: { line: 1, character: 13 } });
  });

  it('reads //go:build and // +build lines from the header and the go:debug directives', async () => {
    const f = await parse(lines('// Copyright', '', '//go:build linux && !cgo', '// +build linux', '', '//go:debug cgocheck=0', 'package p'));
    expect(f.build.goBuild?.expr).toBe('linux && !cgo');
    expect(f.build.goBuild?.range.start.line).toBe(2);
    expect(f.build.plusBuild.map((b) => b.expr)).toEqual(['linux']);
    expect(f.goDebug).toEqual([{ key: 'cgocheck', value: '0', range: { start: { line: 5, character: 0 }, end: { line: 5, character: 21 } } }]);
  });

  it('accepts //go:build without a following blank line but drops a // +build line that has none (go/build parseFileHeader)', async () => {
    const f = await parse(lines('//go:build linux', '// +build linux', 'package p'));
    expect(f.build.goBuild?.expr).toBe('linux');
    expect(f.build.plusBuild).toEqual([]);
  });

  it('ignores //go:build after the package clause and inside /* */ comments', async () => {
    const f = await parse(lines('/*', '//go:build linux', '*/', 'package p', '//go:build windows'));
    expect(f.build.goBuild).toBeUndefined();
  });

  it('records an error for two //go:build lines', async () => {
    const f = await parse(lines('//go:build linux', '//go:build cgo', '', 'package p'));
    expect(f.build.goBuildError).toBe('multiple //go:build comments');
  });

  it('does not take //go:buildx as a build line', async () => {
    const f = await parse(lines('//go:buildx linux', '', 'package p'));
    expect(f.build.goBuild).toBeUndefined();
  });

  it('derives GOOS/GOARCH and isTest from the file name', async () => {
    const f = await parse('package p\n', '/m/x_windows_amd64_test.go');
    expect(f.build).toMatchObject({ fileGOOS: 'windows', fileGOARCH: 'amd64', isTest: true });
  });
});

describe('import "C" preamble (cgo-rules.md §1.1)', () => {
  it('uses the GenDecl doc for a single import "C" and maps // lines after the slashes', async () => {
    const f = await parse(lines('package p', '', '// #include <stdio.h>', '//  int x;', 'import "C"'));
    expect(f.importsC).toBe(true);
    const p = f.cImports[0]!.preamble!;
    expect(p.text).toBe(' #include <stdio.h>\n  int x;\n');
    expect(p.firstLine).toBe(2);
    expect(p.lines).toEqual([
      { text: ' #include <stdio.h>', goLine: 2, goCol: 2 },
      { text: '  int x;', goLine: 3, goCol: 2 },
    ]);
    expect(f.cImports[0]!.pathRange).toEqual({ start: { line: 4, character: 7 }, end: { line: 4, character: 10 } });
  });

  it('keeps a block comment verbatim (including leading " * ") and maps later lines at column 0', async () => {
    const f = await parse(lines('package p', '\t/* #include <a.h>', ' * int y;', ' */', 'import "C"'));
    const p = f.cImports[0]!.preamble!;
    expect(p.text).toBe(' #include <a.h>\n * int y;\n ');
    expect(p.lines.map((l) => [l.goLine, l.goCol])).toEqual([
      [1, 3],
      [2, 0],
      [3, 0],
    ]);
  });

  it('has no preamble when a blank line separates the comment, and marks it detached with the blank lines', async () => {
    const f = await parse(lines('package p', '', '// #include <stdio.h>', '', '', 'import "C"'));
    const imp = f.cImports[0]!;
    expect(imp.preamble).toBeNull();
    expect(imp.detached?.reason).toBe('blank-line');
    expect(imp.detached?.group.range.start.line).toBe(2);
    expect(imp.detached?.blankLines).toEqual({ start: { line: 3, character: 0 }, end: { line: 5, character: 0 } });
  });

  it('does not call a licence header or plain prose above import "C" a detached preamble', async () => {
    const f = await parse(lines('package p', '', '// This package wraps libfoo.', '', 'import "C"'));
    expect(f.cImports[0]!.detached).toBeUndefined();
  });

  it('uses only the group touching the import when a blank line splits the preamble, and reports the lost group', async () => {
    const f = await parse(lines('package p', '// #cgo LDFLAGS: -lm', '', '// #include <math.h>', 'import "C"'));
    const imp = f.cImports[0]!;
    expect(imp.preamble!.text).toBe(' #include <math.h>\n');
    expect(imp.splitAbove?.range.start.line).toBe(1);
  });

  it('keeps the groups together across an empty // line (no split)', async () => {
    const f = await parse(lines('package p', '// #cgo LDFLAGS: -lm', '//', '// #include <math.h>', 'import "C"'));
    expect(f.cImports[0]!.preamble!.text).toBe(' #cgo LDFLAGS: -lm\n\n #include <math.h>\n');
    expect(f.cImports[0]!.splitAbove).toBeUndefined();
  });

  it('does not report a split when the group above has no #cgo/#include/#define line', async () => {
    const f = await parse(lines('package p', '// Some notes.', '', '// #include <math.h>', 'import "C"'));
    expect(f.cImports[0]!.splitAbove).toBeUndefined();
  });

  it('uses the group doc for a parenthesised import with one spec', async () => {
    const f = await parse(lines('package p', '// #include <a.h>', 'import (', '\t"C"', ')'));
    expect(f.cImports[0]!.preamble!.text).toBe(' #include <a.h>\n');
    expect(f.cImports[0]!.parenthesized).toBe(true);
    expect(f.cImports[0]!.groupSpecCount).toBe(1);
  });

  it('ignores the group doc when the group has two specs and reports it as group-doc', async () => {
    const f = await parse(lines('package p', '// #include <a.h>', 'import (', '\t"C"', '\t"fmt"', ')'));
    const imp = f.cImports[0]!;
    expect(imp.preamble).toBeNull();
    expect(imp.groupSpecCount).toBe(2);
    expect(imp.detached?.reason).toBe('group-doc');
  });

  it('uses the spec doc inside the parentheses', async () => {
    const f = await parse(lines('package p', 'import (', '\t"fmt"', '\t// #include <b.h>', '\t"C"', ')'));
    expect(f.cImports[0]!.preamble!.text).toBe(' #include <b.h>\n');
    expect(f.cImports[0]!.preamble!.lines[0]).toEqual({ text: ' #include <b.h>', goLine: 3, goCol: 3 });
  });

  it('models every import "C" with its own preamble', async () => {
    const f = await parse(lines('package p', '// one', 'import "C"', '', '// two', 'import "C"'));
    expect(f.cImports.map((i) => i.preamble?.text)).toEqual([' one\n', ' two\n']);
  });

  it('records renamed imports (c, _, .) with the name range', async () => {
    for (const name of ['c', '_', '.']) {
      const f = await parse(lines('package p', `import ${name} "C"`));
      expect(f.cImports[0]!.renamedTo).toBe(name);
      expect(f.cImports[0]!.nameRange).toEqual({ start: { line: 1, character: 7 }, end: { line: 1, character: 7 + name.length } });
    }
  });

  it('does not treat a backquoted `C` import as cgo (cmd/cgo compares the literal "C") but records it for go/build', async () => {
    const f = await parse(lines('package p', 'import `C`'));
    expect(f.importsC).toBe(false);
    expect(f.cImports).toEqual([]);
    expect(f.backquotedCImport?.start).toEqual({ line: 1, character: 7 });
  });

  it('joins a block comment and the next // line onto one preamble line, with segments mapping both parts', async () => {
    const f = await parse(lines('package p', '/* a */', '// #include <x.h>', 'import "C"'));
    const p = f.cImports[0]!.preamble!;
    expect(p.text).toBe(' a  #include <x.h>\n');
    expect(p.lines).toEqual([
      {
        text: ' a  #include <x.h>',
        goLine: 1,
        goCol: 2,
        segments: [
          { col: 0, goLine: 1, goCol: 2 },
          { col: 3, goLine: 2, goCol: 2 },
        ],
      },
    ]);
  });

  it('computes UTF-16 columns after non-ASCII text and emoji in the preamble', async () => {
    const f = await parse(lines('package p', '/* é😀 */ // #define X 1', 'import "C"'));
    const seg = f.cImports[0]!.preamble!.lines[0]!.segments!;
    expect(seg[1]).toEqual({ col: ' é😀 '.length, goLine: 1, goCol: '/* é😀 */ //'.length });
  });

  it('handles CRLF line endings: preamble text has no \\r and columns are unchanged', async () => {
    const f = await parse('package p\r\n// #include <a.h>\r\n/* b\r\n c */\r\nimport "C"\r\n');
    const p = f.cImports[0]!.preamble!;
    expect(p.text).toBe(' #include <a.h>\n b\n c ');
    expect(p.lines.map((l) => [l.goLine, l.goCol])).toEqual([
      [1, 2],
      [2, 2],
      [3, 0],
    ]);
  });
});

describe('C.name references', () => {
  const src = lines(
    'package p',
    '// #include <stdio.h>',
    'import "C"',
    'type S struct { C.int; *C.char; x C.long }',
    'type I interface { C.T }',
    'func (r *C.T) m() {}',
    'func f() {',
    '\ts := "é😀"; C.puts(nil)',
    '\ta, err := C.sqrt(1)',
    '\tvar b, e2 = C.f()',
    '\tp := (*C.char)(nil)',
    '\tv := C.st.field',
    '\tz := C.struct_x{}',
    '\tdefer C.free(nil)',
    '\t_, _, _, _, _, _, _ = s, a, err, b, e2, p, v',
    '}',
  );

  it('records calls with argument counts, two-result calls, types, values and selector operands', async () => {
    const f = await parse(src);
    const by = (n: string) => f.cRefs.find((r) => r.name === n)!;
    expect(by('puts')).toMatchObject({ context: 'call', argCount: 1 });
    expect(by('puts').twoResult).toBeUndefined();
    expect(by('sqrt')).toMatchObject({ context: 'call', twoResult: true });
    expect(by('f')).toMatchObject({ context: 'call', twoResult: true, argCount: 0 });
    expect(f.cRefs.filter((r) => r.name === 'char').map((r) => r.context)).toEqual(['type', 'call']);
    expect(by('st').context).toBe('selector-operand');
    expect(by('struct_x').context).toBe('type');
    expect(by('long').context).toBe('type');
    expect(by('free').context).toBe('call');
  });

  it('gives UTF-16 ranges for C.x after non-ASCII characters on the line', async () => {
    const f = await parse(src);
    const puts = f.cRefs.find((r) => r.name === 'puts')!;
    const col = '\ts := "é😀"; '.length;
    expect(puts.range).toEqual({ start: { line: 7, character: col }, end: { line: 7, character: col + 6 } });
    expect(puts.nameRange.start.character).toBe(col + 2);
  });

  it('records C-type receivers and embedded C fields (struct and interface)', async () => {
    const f = await parse(src);
    expect(f.cTypeReceivers).toEqual([{ typeName: '*C.T', range: { start: { line: 5, character: 9 }, end: { line: 5, character: 12 } } }]);
    expect(f.cEmbeddedFields.map((e) => [e.typeName, e.range.start.line])).toEqual([
      ['C.int', 3],
      ['C.char', 3],
      ['C.T', 4],
    ]);
  });

  it('records no C references when the file does not import "C"', async () => {
    const f = await parse(lines('package p', 'func f() { C.puts(nil) }'));
    expect(f.cRefs).toEqual([]);
  });

  it('does not take x.C.y, strings or comments as C references', async () => {
    const f = await parse(lines('package p', 'import "C"', 'func f() { _ = x.C.y; _ = "C.no"; /* C.no */ }'));
    expect(f.cRefs).toEqual([]);
  });

  it('keeps references after a local C declaration (cmd/cgo does no scoping) but marks them shadowed', async () => {
    const f = await parse(lines('package p', 'import "C"', 'func f() { _ = C.a; C := struct{ b int }{}; _ = C.b }', 'func g() { _ = C.c }'));
    expect(f.cRefs.map((r) => [r.name, !!r.shadowed])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
  });

  it('marks references shadowed by a parameter named C', async () => {
    const f = await parse(lines('package p', 'import "C"', 'func f(C T) { _ = C.x }'));
    expect(f.cRefs[0]!.shadowed).toBe(true);
  });
});

describe('//export comments (cgo-rules.md §7.1)', () => {
  it('attaches //export to the func doc and extracts name, ranges and signature text', async () => {
    const f = await parse(lines('package p', 'import "C"', '// Doc line.', '//export  Add ', 'func Add(a, b C.int) C.int { return a + b }'));
    const e = f.exports[0]!;
    expect(e.name).toBe('Add');
    expect(e.ignored).toBeUndefined();
    expect(e.nameRange).toEqual({ start: { line: 3, character: 10 }, end: { line: 3, character: 13 } });
    expect(e.func).toMatchObject({ name: 'Add', paramsText: '(a, b C.int)', resultText: 'C.int' });
  });

  it('records an empty name with a zero-width name range at the end of the comment', async () => {
    const f = await parse(lines('package p', 'import "C"', '//export ', 'func X() {}'));
    expect(f.exports[0]!.name).toBe('');
    expect(f.exports[0]!.nameRange).toEqual({ start: { line: 2, character: 9 }, end: { line: 2, character: 9 } });
  });

  it('marks "// export X" (space), /*export X*/, not-adjacent, second //export and no-import-c', async () => {
    const f = await parse(
      lines(
        'package p',
        'import "C"',
        '// export A',
        'func A() {}',
        '/*export B*/',
        'func B() {}',
        '//export C2',
        '',
        'func C2() {}',
        '//export D',
        '//export D',
        'func D() {}',
      ),
    );
    expect(f.exports.map((e) => [e.name, e.ignored ?? 'ok', !!e.func])).toEqual([
      ['A', 'space-after-slashes', true],
      ['B', 'block-comment', true],
      ['C2', 'not-adjacent', false],
      ['D', 'ok', true],
      ['D', 'not-first', true],
    ]);
    expect(f.exports[2]!.blankLines).toEqual({ start: { line: 7, character: 0 }, end: { line: 8, character: 0 } });
    const g = await parse(lines('package p', '//export A', 'func A() {}'));
    expect(g.exports.map((e) => e.ignored)).toEqual(['no-import-c']);
  });

  it('accepts //export on methods (the method name must match)', async () => {
    const f = await parse(lines('package p', 'import "C"', 'type T int', '//export M', 'func (t T) M() {}'));
    expect(f.exports[0]).toMatchObject({ name: 'M', func: { name: 'M', receiver: '(t T)' } });
  });

  it('does not treat prose like "// export the data" as an export comment', async () => {
    const f = await parse(lines('package p', 'import "C"', '// export the data to C', 'func A() {}'));
    expect(f.exports).toEqual([]);
  });
});

describe('preamble C declarations (tree-sitter-c)', () => {
  it('classifies definitions by linkage and maps names to Go positions; #cgo lines are not C', async () => {
    const f = await parse(
      lines(
        'package p',
        '// #cgo CFLAGS: -O2',
        '// int helper(void) { return 1; }',
        '// static int s(void) { return 2; }',
        '// static inline int si(void) { return 3; }',
        '// inline int il(void) { return 4; }',
        '// int counter;',
        '// int init = 3;',
        '// extern int ext;',
        '// static int priv;',
        '// int proto(int);',
        '// int vf(const char *f, ...);',
        '// typedef int T;',
        '// #if 0',
        '// int dead(void) { return 0; }',
        '// #endif',
        'import "C"',
      ),
    );
    const d = f.preambleDecls!;
    expect(d.filter((x) => x.externalDefinition).map((x) => x.name)).toEqual(['helper', 'counter', 'init']);
    const helper = d.find((x) => x.name === 'helper')!;
    expect(helper.nameRange).toEqual({ start: { line: 2, character: 7 }, end: { line: 2, character: 13 } });
    expect(d.find((x) => x.name === 'vf')).toMatchObject({ kind: 'function', variadic: true, definition: false });
    expect(d.find((x) => x.name === 'ext')).toMatchObject({ kind: 'variable', definition: false });
    expect(d.some((x) => x.name === 'dead')).toBe(false);
  });
});

describe('robustness', () => {
  it('models a file with syntax errors as far as possible', async () => {
    const f = await parse(lines('package p', '// #include <a.h>', 'import "C"', 'func f( {', '\tC.puts(', '}'));
    expect(f.hasSyntaxErrors).toBe(true);
    expect(f.cImports[0]!.preamble!.text).toBe(' #include <a.h>\n');
    expect(f.cRefs.map((r) => r.name)).toContain('puts');
  });

  it('a 2 MB file is modelled up to the per-file cap (issue 12), and says how much', async () => {
    const body = Array.from({ length: 60000 }, (_, i) => `func f${i}() { _ = C.int(${i}) }`).join('\n');
    const src = lines('package p', '// #include <a.h>', 'import "C"') + body + '\n';
    expect(src.length).toBeGreaterThan(2_000_000);
    const f = await parse(src);
    expect(f.limited?.reason).toBe('size');
    const analysed = src.slice(0, f.limited!.analysedBytes);
    expect(f.cRefs).toHaveLength((analysed.match(/C\.int/g) ?? []).length);
    expect(f.cRefs.length).toBeGreaterThan(1000);
  });

  it('the model of a modelPart (what a model worker is sent) is the model of the whole text', async () => {
    const body = Array.from({ length: 60000 }, (_, i) => `func f${i}() { _ = C.int(${i}) }`).join('\n');
    const lateImport = 'package p\n\n' + 'var x = 1\n'.repeat(20000) + '// #include <stdlib.h>\nimport "C"\n\nfunc g() { C.free(nil) }\n' + body;
    const texts = [
      lines('package p', '// #include <a.h>', 'import "C"') + body + '\n', // over the cap
      lateImport, // the cut moves past a late import "C"
      'package p\nimport "C"\n\u0000' + 'x'.repeat(300_000), // binary
      lines('package p', '// #include <a.h>', 'import "C"', 'func f() { C.puts(nil) }'), // small
    ];
    for (const t of texts) {
      const part = modelPart(t);
      expect(part.totalLength).toBe(t.length);
      expect(part.text.length).toBeLessThanOrEqual(Math.max(MAX_ANALYSED_CHARS * 2, t.indexOf('import "C"') + 100));
      expect(await parseGoFile('/x/p.go', part.text, part.totalLength)).toEqual(await parseGoFile('/x/p.go', t));
    }
  });

  it('never throws on invalid bytes, NULs, lone surrogates or random text', async () => {
    const junk = [
      Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]).toString('utf8'),
      '\ud800\udc00\ud800 package',
      'package p\n/* unterminated',
      'package p\nimport "C\n',
      '\u0000'.repeat(100),
      '',
    ];
    for (const j of junk) {
      const f = await parse(j);
      expect(Array.isArray(f.cImports)).toBe(true);
    }
    const p = await getGoParser();
    let seed = 7;
    for (let n = 0; n < 50; n++) {
      let s = '';
      for (let k = 0; k < 300; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += String.fromCharCode(seed % 0x3000);
      }
      expect(() => parseGoFileSync(p, '/x.go', s)).not.toThrow();
    }
  });

  it('returns a comment-level model without a tree when no Go parser is given', () => {
    const f = parseGoFileSync(undefined, '/m/x.go', lines('//go:build linux', '', 'package p'));
    expect(f.hasSyntaxErrors).toBe(true);
    expect(f.build.goBuild?.expr).toBe('linux');
  });
});

describe('package root and grammar paths', () => {
  it('finds the cgo-ls package root from a nested directory and fails clearly outside it', async () => {
    const { findPackageRoot, grammarWasmPath } = await import('../../server/src/gomodel/parser.js');
    const root = findPackageRoot();
    expect(findPackageRoot(`${root}/server/src/gomodel`)).toBe(root);
    expect(grammarWasmPath('tree-sitter-go.wasm')).toBe(`${root}/dist/wasm/tree-sitter-go.wasm`);
    expect(() => findPackageRoot('/')).toThrow(/cannot find the cgo-ls package root/);
  });

  it('tells the user to run `npm run build` when the grammar wasm is missing', async () => {
    const { grammarWasmPath } = await import('../../server/src/gomodel/parser.js');
    const os = await import('node:os');
    expect(() => grammarWasmPath('tree-sitter-c.wasm', os.tmpdir())).toThrow(/run `npm run build`/);
  });
});
