import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  directiveFlags,
  expandSrcDir,
  goBuildTextLines,
  goClean,
  goIsAbs,
  goJoin,
  makePathsAbsolute,
  parseDirectives,
  safeCgoName,
} from '../../server/src/cgorules/directives.js';
import { gv, linuxAmd64, preambleFromLines, preamblesFromSource } from './helpers.js';

const ctx = (minor = 26, srcDir = '/work/pkg') => ({ build: { ...linuxAmd64, goMinor: minor }, srcDir, goVersion: gv(minor, 0), pathStyle: 'posix' as const });
const parse = (lines: string[], minor = 26, srcDir = '/work/pkg') => parseDirectives(preambleFromLines(lines), ctx(minor, srcDir));

describe('CommentGroup.Text() lines', () => {
  it('strips one space after //, keeps //#cgo, drops //line and //export, reads block comments', () => {
    const src = [
      'package main',
      '',
      '//#cgo CFLAGS: -DA',
      '//  #cgo CFLAGS: -DB',
      '//line x.go:1',
      '//export F',
      '/* #cgo CFLAGS: -DC',
      '#cgo LDFLAGS: -lm   */',
      'import "C"',
    ].join('\n');
    const [p] = preamblesFromSource(src);
    const lines = goBuildTextLines(p!);
    expect(lines.map((l) => l.text)).toEqual(['#cgo CFLAGS: -DA', ' #cgo CFLAGS: -DB', ' #cgo CFLAGS: -DC', '#cgo LDFLAGS: -lm']);
    expect(lines.map((l) => [l.line, l.cols[0]])).toEqual([
      [2, 2],
      [3, 3],
      [6, 2],
      [7, 0],
    ]);
    const { directives } = parseDirectives(p!, ctx());
    expect(directiveFlags(directives)).toMatchObject({ CFLAGS: ['-DA', '-DB', '-DC'], LDFLAGS: ['-lm'] });
  });
  it('strips trailing white space before splitting (so `a\\ ` at the end is an unfinished escape)', () => {
    const { errors } = parse(['#cgo CFLAGS: -DX=a\\ ']);
    expect(errors).toMatchObject([{ kind: 'syntax', reason: 'unfinished escaping', message: 'invalid #cgo line: #cgo CFLAGS: -DX=a\\' }]);
  });
  it('onlyCgo keeps exactly the lines that could be #cgo lines, with the same text and columns (property)', () => {
    const piece = fc.constantFrom('#cgo', '#c', 'go', ' ', '\t', '\r', 'x', 'CFLAGS: -DA', '/*', '*/', '//', 'export F', 'line 1');
    fc.assert(
      fc.property(
        fc.array(
          fc.array(piece, { maxLength: 6 }).map((a) => a.join('')),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom('// ', '//'),
        (rows, prefix) => {
          const p = preambleFromLines(rows, 2, prefix);
          const all = goBuildTextLines(p).filter((l) => l.text.replace(/^[ \t]+/, '').startsWith('#cgo'));
          const some = goBuildTextLines(p, true).filter((l) => l.text.replace(/^[ \t]+/, '').startsWith('#cgo'));
          expect(some).toEqual(all);
        },
      ),
      // `\r` is removed from comment text, so `#c\rgo` is a #cgo line.
      { examples: [[['#c\rgo CFLAGS: -DA', 'x #cgo'], '// ']] },
    );
  });
  it('ignores #cgoCFLAGS and a bare #cgo', () => {
    expect(parse(['#cgoCFLAGS: -O2', '#cgo']).directives).toEqual([]);
  });
});

describe('parseDirectives', () => {
  it('gives ranges for the line, verb, conditions and arguments', () => {
    // .go line 2 is `// #cgo linux  CFLAGS: -DQ="a b" -O2`
    const { directives } = parse(['#cgo linux  CFLAGS: -DQ="a b" -O2']);
    const d = directives[0]!;
    expect(d.range).toEqual({ start: { line: 2, character: 3 }, end: { line: 2, character: 36 } });
    expect(d.conditions).toEqual([{ text: 'linux', range: { start: { line: 2, character: 8 }, end: { line: 2, character: 13 } } }]);
    expect(d.verbRange).toEqual({ start: { line: 2, character: 15 }, end: { line: 2, character: 21 } });
    expect(d.args.map((a) => [a.value, a.raw, a.range.start.character, a.range.end.character])).toEqual([
      ['-DQ=a b', '-DQ="a b"', 23, 32],
      ['-O2', '-O2', 33, 36],
    ]);
    expect(d.applies).toBe(true);
  });
  it('applies when ANY condition matches; `linux && arm64` applies on linux/amd64, `(linux || windows)` never', () => {
    const { directives } = parse([
      '#cgo linux && arm64 CFLAGS: -DA',
      '#cgo (linux || windows) CFLAGS: -DB',
      '#cgo linux,arm64 CFLAGS: -DC',
      '#cgo linux&&arm64 CFLAGS: -DD',
      '#cgo windows linux CFLAGS: -DE',
      '#cgo !windows CFLAGS: -DF',
      '#cgo cgo CFLAGS: -DG',
      '#cgo go1.20 CFLAGS: -DH',
      '#cgo go1.27 CFLAGS: -DI',
    ]);
    expect(directives.map((d) => d.applies)).toEqual([true, false, false, false, true, true, true, true, false]);
  });
  it('splits at the first colon; the verb is the last field before it', () => {
    const { directives, errors } = parse(['#cgo CFLAGS : -DX=a:b', '#cgo CFLAGS:']);
    expect(errors).toEqual([]);
    expect(directiveFlags(directives).CFLAGS).toEqual(['-DX=a:b']);
  });
  it('go/build errors and their order (syntax before condition; split/expand/verb after)', () => {
    const { errors } = parse([
      '#cgo CFLAGS -O2',
      '#cgo : -x',
      '#cgo CFLAGS: "-DX=1',
      '#cgo CLFAGS: -O2',
      '#cgo CLFAGS: a;b',
      '#cgo CLFAGS: "x',
      '#cgo windows CFLAGS -O2',
      '#cgo windows CFLAGS: a;b',
      '#cgo windows CLFAGS: -O2',
    ]);
    expect(errors.map((e) => [e.kind, e.reason, e.message, e.failsOnTarget])).toEqual([
      ['syntax', 'no-colon', 'invalid #cgo line: #cgo CFLAGS -O2', true],
      ['syntax', 'no-verb', 'invalid #cgo line: #cgo : -x', true],
      ['syntax', 'unclosed quote', 'invalid #cgo line: #cgo CFLAGS: "-DX=1', true],
      ['verb', 'bad-verb', 'invalid #cgo verb: #cgo CLFAGS: -O2', true],
      ['unsafe-argument', 'unsafe-char', 'malformed #cgo argument: a;b', true],
      ['syntax', 'unclosed quote', 'invalid #cgo line: #cgo CLFAGS: "x', true],
      ['syntax', 'no-colon', 'invalid #cgo line: #cgo windows CFLAGS -O2', true],
      ['unsafe-argument', 'unsafe-char', 'malformed #cgo argument: a;b', false],
      ['verb', 'bad-verb', 'invalid #cgo verb: #cgo windows CLFAGS: -O2', false],
    ]);
  });
  it('string macros, ${HOME}, $HOME, empty arguments', () => {
    const { errors, directives } = parse([
      '#cgo CFLAGS: -DPATH=\\"/usr/local\\"',
      '#cgo CFLAGS: -DPATH=\'"/usr/local"\'',
      '#cgo CFLAGS: -I${HOME}/include',
      "#cgo CFLAGS: ''",
      '#cgo LDFLAGS: -Wl,-rpath,$ORIGIN -L$HOME/lib',
    ]);
    expect(errors.map((e) => [e.reason, e.message])).toEqual([
      ['unsafe-char', 'malformed #cgo argument: -DPATH="/usr/local"'],
      ['unsafe-char', 'malformed #cgo argument: -DPATH="/usr/local"'],
      ['braced-var', 'malformed #cgo argument: -I${HOME}/include'],
      ['empty-arg', 'malformed #cgo argument: '],
    ]);
    expect(directiveFlags(directives).LDFLAGS).toEqual([]); // go/build stopped at the first error
    expect(directives[4]!.args.map((a) => a.flag)).toEqual(['-Wl,-rpath,$ORIGIN', '-L/work/pkg/$HOME/lib']);
  });
  it('${SRCDIR}: expanded with forward slashes; the directory itself must be safe', () => {
    const ok = parse(['#cgo LDFLAGS: ${SRCDIR}/libfoo.a -L${SRCDIR}/lib'], 26, '/p/my dir');
    expect(directiveFlags(ok.directives).LDFLAGS).toEqual(['/p/my dir/libfoo.a', '-L/p/my dir/lib']);
    const bad = parse(['#cgo CFLAGS: -I${SRCDIR}/include'], 26, '/path/amp&dir');
    expect(bad.errors).toMatchObject([{ reason: 'srcdir-unsafe', message: 'malformed #cgo argument: -I/path/amp&dir/include' }]);
    // without ${SRCDIR} an unsafe directory does not matter
    expect(parse(['#cgo CFLAGS: -Iinclude'], 26, '/path/amp&dir').errors).toEqual([]);
  });
  it('makes -I/-L paths absolute ([EMP] relI) and -I @foo becomes <dir>/@foo', () => {
    const { directives } = parse(['#cgo CFLAGS: -Iinclude -I ../x -I @foo -I/abs', '#cgo LDFLAGS: -Llib -L ./l2', '#cgo pkg-config: -Irel']);
    const f = directiveFlags(directives);
    expect(f.CFLAGS).toEqual(['-I/work/pkg/include', '-I', '/work/x', '-I', '/work/pkg/@foo', '-I/abs']);
    expect(f.LDFLAGS).toEqual(['-L/work/pkg/lib', '-L', '/work/pkg/l2']);
    expect(f.pkgConfig).toEqual(['-Irel']); // not for pkg-config
  });
  it('noescape/nocallback per version', () => {
    const v21 = parse(['#cgo noescape one', '#cgo nocallback two'], 21);
    expect(v21.errors.map((e) => e.message)).toEqual(['invalid #cgo line: #cgo noescape one', 'invalid #cgo line: #cgo nocallback two']);
    expect(v21.directives.map((d) => [d.kind, d.funcName])).toEqual([
      ['noescape', 'one'],
      ['nocallback', 'two'],
    ]);
    const v22 = parse(['#cgo noescape one', '#cgo noescape a b'], 22);
    expect(v22.errors.map((e) => e.reason)).toEqual(['no-colon']);
    expect(v22.directives[0]).toMatchObject({ kind: 'noescape', funcName: 'one' });
  });
  it('directiveFlags stops at the first line go/build rejects on this target', () => {
    const { directives } = parse(['#cgo CFLAGS: -DBEFORE', '#cgo windows CFLAGS: a;b', '#cgo CFLAGS -O2', '#cgo CFLAGS: -DAFTER']);
    expect(directiveFlags(directives).CFLAGS).toEqual(['-DBEFORE']);
  });
  it('property: never throws on junk preamble lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({
            unit: fc.constantFrom('#cgo ', 'CFLAGS', 'LDFLAGS', ':', ' ', '"', "'", '\\', '${SRCDIR}', 'a', ';', '&&', '(', 'linux', 'noescape', '-I'),
            maxLength: 12,
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (lines) => {
          const r = parse(lines);
          directiveFlags(r.directives);
          for (const e of r.errors) expect(e.message).toMatch(/^(invalid #cgo line|invalid #cgo verb|malformed #cgo argument): /);
        },
      ),
      { numRuns: 1500, seed: 1 },
    );
  });
});

describe('go/build helpers', () => {
  it('safeCgoName / expandSrcDir', () => {
    expect(safeCgoName('-DX=a b/c:d$e@f%g!h~i^j+k,l')).toBe(true);
    expect(safeCgoName('é')).toBe(true);
    for (const c of ';&|<>(){}[]"\'\\*?#`\t') expect(safeCgoName(`a${c}b`), c).toBe(false);
    expect(safeCgoName('')).toBe(false);
    expect(expandSrcDir('${SRCDIR}', '')).toEqual({ value: '', ok: false });
    expect(expandSrcDir('-I${SRCDIR}/x', 'C:\\Users\\me\\pkg', 'win32')).toEqual({ value: '-IC:/Users/me/pkg/x', ok: true });
    expect(expandSrcDir('-I${SRCDIR}/x', '/a\\b', 'posix')).toEqual({ value: '-I/a\\b/x', ok: false });
  });
  it('Clean/Join/IsAbs like Go, posix and windows', () => {
    expect(goJoin('/a/b', '../x/', 'posix')).toBe('/a/x');
    expect(goJoin('/a', './/b/./c/..', 'posix')).toBe('/a/b');
    expect(goClean('a/../..', 'posix')).toBe('..');
    expect(goIsAbs('/x', 'posix')).toBe(true);
    expect(goIsAbs('C:\\x', 'win32')).toBe(true);
    expect(goIsAbs('C:x', 'win32')).toBe(false);
    expect(goIsAbs('\\x', 'win32')).toBe(false);
    expect(goIsAbs('\\\\host\\share\\x', 'win32')).toBe(true);
    expect(goJoin('C:\\proj', 'inc/x/', 'win32')).toBe('C:\\proj\\inc\\x');
    expect(goJoin('C:\\proj', '..\\..\\..', 'win32')).toBe('C:\\');
    expect(makePathsAbsolute(['-Iinc', '-I', '..\\x', '-IC:\\abs', '-I/rooted'], 'C:\\proj', 'win32')).toEqual([
      '-IC:\\proj\\inc',
      '-I',
      'C:\\x',
      '-IC:\\abs',
      '-IC:\\proj\\rooted',
    ]);
  });
});
