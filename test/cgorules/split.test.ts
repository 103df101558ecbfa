import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { goFields, goTrimSpace, quotedSplit, splitPkgConfigOutput, splitPkgConfigOutputStrict, splitQuoted } from '../../server/src/cgorules/split.js';

const vals = (s: string) => splitQuoted(s).args.map((a) => a.value);

describe('splitQuoted (go/build)', () => {
  it('splits the [EMP] example -DQ="a b" \'-DS=x y\' -DE=a\\ b', () => {
    expect(vals(` -DQ="a b" '-DS=x y' -DE=a\\ b`)).toEqual(['-DQ=a b', '-DS=x y', '-DE=a b']);
  });
  it('removes quotes anywhere in an argument and handles escapes', () => {
    expect(vals(`b:"c d" 'e''f' "g\\"" a\\ b`)).toEqual(['b:c d', 'ef', 'g"', 'a b']);
    expect(vals(`-DPATH=\\"/usr/local\\"`)).toEqual(['-DPATH="/usr/local"']);
    expect(vals(`-DPATH='"/usr/local"'`)).toEqual(['-DPATH="/usr/local"']);
    expect(vals(`'a\\'b'`)).toEqual(["a'b"]);
  });
  it('gives an empty argument for "" and \'\'', () => {
    expect(vals(`"" x ''`)).toEqual(['', 'x', '']);
  });
  it('splits on Unicode white space (NBSP, U+2028, U+3000)', () => {
    expect(vals('a\u00a0b\u2028c\u3000d\u0085e')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(vals('a\u200bb')).toEqual(['a\u200bb']); // zero-width space is not white space
  });
  it('reports raw offsets including quotes and backslashes', () => {
    const s = ` -DQ="a b"  'x' \\ y`;
    const r = splitQuoted(s);
    expect(r.error).toBeNull();
    expect(r.args.map((a) => s.slice(a.start, a.end))).toEqual(['-DQ="a b"', "'x'", '\\ y']);
  });
  it('returns the go/build errors, unclosed quote before unfinished escaping', () => {
    expect(splitQuoted(`"-DX=1`)).toMatchObject({ error: 'unclosed quote', errorOffset: 0 });
    expect(splitQuoted(`a "b\\`)).toMatchObject({ error: 'unclosed quote', errorOffset: 2 });
    expect(splitQuoted(`-DX\\`)).toMatchObject({ error: 'unfinished escaping', errorOffset: 3 });
    expect(splitQuoted(`ok`).error).toBeNull();
    // like Go, the arguments read so far are returned with the error
    expect(splitQuoted(`a "b`).args.map((a) => a.value)).toEqual(['a', 'b']);
  });
  it('handles astral characters', () => {
    const s = '-D😀=1 x';
    const r = splitQuoted(s);
    expect(r.args.map((a) => [a.value, s.slice(a.start, a.end)])).toEqual([
      ['-D😀=1', '-D😀=1'],
      ['x', 'x'],
    ]);
  });
  it('property: never throws; only its two errors; offsets are consistent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '"', "'", '\\', 'é', '\u00a0', '😀', ':', '$'), maxLength: 40 }), (s) => {
        const r = splitQuoted(s);
        expect([null, 'unclosed quote', 'unfinished escaping']).toContain(r.error);
        let prev = 0;
        for (const a of r.args) {
          expect(a.start).toBeGreaterThanOrEqual(prev);
          expect(a.end).toBeGreaterThan(a.start);
          expect(a.end).toBeLessThanOrEqual(s.length);
          prev = a.end;
          // re-splitting the raw text of one argument gives exactly that argument
          if (r.error === null) expect(splitQuoted(s.slice(a.start, a.end)).args.map((x) => x.value)).toEqual([a.value]);
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
  });
});

describe('quotedSplit (cmd/internal/quoted)', () => {
  it('recognises quotes only at the start of a field, without escapes', () => {
    expect(quotedSplit(`zig cc`).fields).toEqual(['zig', 'cc']);
    expect(quotedSplit(`"C:\\Program Files\\LLVM\\bin\\clang.exe" --target=x`).fields).toEqual(['C:\\Program Files\\LLVM\\bin\\clang.exe', '--target=x']);
    expect(quotedSplit(`a"b c"`).fields).toEqual(['a"b', 'c"']);
    expect(quotedSplit(`"a"b`).fields).toEqual(['a', 'b']);
    expect(quotedSplit(`  \t\n`).fields).toEqual([]);
    expect(quotedSplit(`a\u00a0b`).fields).toEqual(['a\u00a0b']);
  });
  it('reports unterminated %c string', () => {
    expect(quotedSplit(`"gcc`).error).toBe('unterminated " string');
    expect(quotedSplit(`x 'gcc`).error).toBe("unterminated ' string");
  });
});

describe('splitPkgConfigOutput (cmd/go)', () => {
  it('splits with shell quoting', () => {
    expect(splitPkgConfigOutput(`-I/usr/include/x -DA="b c" '-DQ=x y' -DE=a\\ b`).flags).toEqual(['-I/usr/include/x', '-DA=b c', '-DQ=x y', '-DE=a b']);
    expect(splitPkgConfigOutput(`"a\\b" "a\\$" '' x`).flags).toEqual(['a\\b', 'a$', '', 'x']);
    expect(splitPkgConfigOutput(`a\\\nb`).flags).toEqual(['ab']);
    expect(splitPkgConfigOutput('').flags).toEqual([]);
  });
  it("returns Go's errors verbatim", () => {
    expect(splitPkgConfigOutput(`-I/x;rm`).error).toBe("unexpected shell character ';' in pkgconf output");
    expect(splitPkgConfigOutput('-I$(x)').error).toBe("unexpected shell character '$' in pkgconf output");
    expect(splitPkgConfigOutput('a`b`').error).toBe("unexpected shell character '`' in pkgconf output");
    expect(splitPkgConfigOutput(`"foo\\`).error).toBe('unterminated quoted string in pkgconf output');
    expect(splitPkgConfigOutput(`foo\\`).error).toBe('broken character escaping in pkgconf output');
    expect(() => splitPkgConfigOutputStrict(`'x`)).toThrow('unterminated quoted string in pkgconf output');
    expect(splitPkgConfigOutputStrict(`  -lz \n`)).toEqual(['-lz']);
  });
});

describe('Go string helpers', () => {
  it('TrimSpace and Fields use unicode.IsSpace', () => {
    expect(goTrimSpace('\u00a0 #cgo x\u3000').text).toBe('#cgo x');
    expect(goFields(' a\tb\u0085c ').map((f) => [f.text, f.start])).toEqual([
      ['a', 1],
      ['b', 3],
      ['c', 5],
    ]);
  });
});
