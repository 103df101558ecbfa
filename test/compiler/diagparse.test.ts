// Parsing gcc / clang diagnostics text and gcc JSON.
import { describe, expect, test } from 'vitest';
import { parseDiagnostics, parseJsonDiagnostics, parseTextDiagnostics } from '../../server/src/compiler/diagparse.js';
import { parseIncludeSearchList, parseLibrarySearchDirs, goQuote } from '../../server/src/compiler/ccinfo.js';

describe('text diagnostics', () => {
  test('gcc: include chain (innermost first in the text) becomes outermost-first, and is remembered per file', () => {
    const out = [
      'In file included from include/outer.h:1,',
      '                 from /w/main.go:4:',
      "include/inner.h: In function 'inner':",
      'include/inner.h:1:33: error: ‘not_declared_here’ undeclared (first use in this function)',
      '    1 | static int inner(void) { return not_declared_here; }',
      '      |                                 ^~~~~~~~~~~~~~~~~',
      'include/inner.h:1:33: note: each undeclared identifier is reported only once for each function it appears in',
      'include/inner.h:2:1: warning: data definition has no type or storage class',
      '/w/main.go:5:3: error: unknown type name ‘foo’',
      'compilation terminated.',
    ].join('\n');
    const { diagnostics: d } = parseTextDiagnostics(out);
    expect(d).toHaveLength(4);
    expect(d[0]).toMatchObject({
      file: 'include/inner.h',
      line: 1,
      col: 33,
      severity: 'error',
      message: "'not_declared_here' undeclared (first use in this function)",
    });
    expect(d[0]!.includeChain).toEqual([
      { file: '/w/main.go', line: 4, col: 0 },
      { file: 'include/outer.h', line: 1, col: 0 },
    ]);
    expect(d[1]!.severity).toBe('note');
    expect(d[2]!.includeChain).toHaveLength(2); // not reprinted by gcc, remembered
    expect(d[3]).toMatchObject({ file: '/w/main.go', line: 5, col: 3, includeChain: [] });
  });

  test('clang: one "In file included from" line per level, outermost first', () => {
    const out = [
      'In file included from <stdin>:3:',
      'In file included from ./outer.h:1:',
      "./inner.h:1:33: error: use of undeclared identifier 'x'",
      '1 | static int inner(void) { return x; }',
      '  |                                 ^',
      "/w/main.go:4:11: fatal error: 'nosuch.h' file not found",
      '1 error generated.',
    ].join('\n');
    const { diagnostics: d } = parseTextDiagnostics(out);
    expect(d[0]!.includeChain.map((s) => s.file)).toEqual(['<stdin>', './outer.h']);
    expect(d[1]).toMatchObject({ severity: 'fatal', message: "'nosuch.h' file not found", line: 4, col: 11 });
  });

  test('program-level, no-column, msvc, vi, legacy and Windows-path forms; -H lines', () => {
    const out = [
      "gcc: error: unrecognized command-line option '-marm'",
      "cc1: warning: command-line option '-Wfoo' is valid for C++ but not for C",
      '<command-line>: error: macro names must be identifiers',
      'x.c:3: error: no column here',
      "C:\\Users\\me\\main.go:7:2: error: expected ';'",
      'y.c(10,5): error: msvc style',
      'z.c +12:4: warning: vi style',
      'cgo-builtin-prolog:1: stddef.h: No such file or directory',
      '. /usr/include/stdio.h',
      '.. /usr/include/features.h',
      'Multiple include guards may be useful for:',
      '/usr/include/x.h',
    ].join('\r\n');
    const { diagnostics: d, headers } = parseTextDiagnostics(out);
    expect(d.map((x) => [x.file, x.line, x.col, x.severity, x.programLevel])).toEqual([
      ['gcc', 0, 0, 'error', true],
      ['cc1', 0, 0, 'warning', true],
      ['<command-line>', 0, 0, 'error', true],
      ['x.c', 3, 0, 'error', false],
      ['C:\\Users\\me\\main.go', 7, 2, 'error', false],
      ['y.c', 10, 5, 'error', false],
      ['z.c', 12, 4, 'warning', false],
      ['cgo-builtin-prolog', 1, 0, 'fatal', false],
    ]);
    expect(headers).toEqual(['/usr/include/stdio.h', '/usr/include/features.h']);
  });

  test('junk never throws', () => {
    for (const s of ['', '\n\n', ':::', '[', '[{"kind": 3}]', 'a:b:c: error:', '\u0000\u0001', 'x'.repeat(100000)]) {
      expect(() => parseDiagnostics(s)).not.toThrow();
    }
  });
});

describe('gcc JSON diagnostics', () => {
  test('byte-column, children, auto-detection', () => {
    const json = JSON.stringify([
      {
        kind: 'error',
        'column-origin': 1,
        locations: [{ caret: { file: '/w/main.go', line: 4, 'display-column': 20, 'byte-column': 24, column: 20 } }],
        message: '‘x’ undeclared',
        children: [{ kind: 'note', locations: [{ caret: { file: '/w/main.go', line: 4, column: 20 } }], message: 'each undeclared…' }],
      },
      { kind: 'fatal error', locations: [{ caret: { file: 'a.h', line: 3, column: 10 } }], message: 'nosuch.h: No such file or directory', children: [] },
    ]);
    const d = parseJsonDiagnostics(json)!;
    expect(d.map((x) => [x.file, x.line, x.col, x.severity, x.message])).toEqual([
      ['/w/main.go', 4, 24, 'error', "'x' undeclared"],
      ['/w/main.go', 4, 20, 'note', 'each undeclared…'],
      ['a.h', 3, 10, 'fatal', 'nosuch.h: No such file or directory'],
    ]);
    const auto = parseDiagnostics(json + '\ncompilation terminated.\n');
    expect(auto.format).toBe('json');
    expect(auto.diagnostics).toHaveLength(3);
    expect(parseJsonDiagnostics('not json')).toBeNull();
  });
});

describe('compiler facts parsing', () => {
  test('-v include list and -print-search-dirs', () => {
    const v =
      '#include "..." search starts here:\n#include <...> search starts here:\n /usr/lib/gcc/x86_64-linux-gnu/12/include\n /usr/include\n /Library/Frameworks (framework directory)\nEnd of search list.\n';
    expect(parseIncludeSearchList(v)).toEqual(['/usr/lib/gcc/x86_64-linux-gnu/12/include', '/usr/include', '/Library/Frameworks']);
    expect(parseLibrarySearchDirs('install: /x/\nprograms: =/a\nlibraries: =/usr/lib/gcc/x/12/:/usr/lib/../lib/:/lib/\n')).toEqual([
      '/usr/lib/gcc/x/12/',
      '/usr/lib/',
      '/lib/',
    ]);
    expect(parseLibrarySearchDirs('libraries: =C:/mingw/lib;C:/mingw/x86_64-w64-mingw32/lib\n')).toEqual(['C:/mingw/lib', 'C:/mingw/x86_64-w64-mingw32/lib']);
    expect(parseLibrarySearchDirs('clang: error: unknown\n')).toBeNull();
  });

  test('goQuote matches Go %q for #line paths', () => {
    expect(goQuote('/home/me/main.go')).toBe('"/home/me/main.go"');
    expect(goQuote('C:\\Users\\me\\main.go')).toBe('"C:\\\\Users\\\\me\\\\main.go"');
    expect(goQuote('/a "b"/ü.go')).toBe('"/a \\"b\\"/ü.go"');
  });
});
