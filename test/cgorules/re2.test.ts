// Go regexps through re2js (cgorules/re2.ts), checked against the real Go regexp package
// (test/fixtures/cgorules/regexoracle).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileGoRegexp, fullMatch, quoteMeta, translateGoRegexp } from '../../server/src/cgorules/re2.js';
import { rulesFor } from '../../server/src/cgorules/allowlist.js';
import { GO, fixturesDir, goEnv, gv, haveGo } from './helpers.js';

let oracleBin = '';
type OracleRes = { err?: string; full?: boolean[] };
function oracle(patterns: string[], inputs: string[]): OracleRes[] {
  const out = execFileSync(oracleBin, [], { input: JSON.stringify({ patterns, inputs }), encoding: 'utf8', maxBuffer: 256 << 20 });
  return JSON.parse(out) as OracleRes[];
}

beforeAll(() => {
  if (!haveGo) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgols-oracle-'));
  oracleBin = path.join(dir, 'oracle');
  execFileSync(GO, ['build', '-o', oracleBin, '.'], { cwd: path.join(fixturesDir, 'regexoracle'), env: goEnv('local'), timeout: 120_000 });
});

const versions = [gv(19, 8), gv(21, 13), gv(22, 12), gv(23, 5), gv(24, 4), gv(24, 12), gv(25, 0), gv(26, 10)];
const builtinPatterns = [
  ...new Set(
    versions.flatMap((v) => {
      const r = rulesFor(v);
      return [...r.compiler, ...r.linker, ...r.linkerInvalid, ...(r.pkgConfig ?? [])];
    }),
  ),
];

const tokens = [
  '-',
  '--',
  '-Wl,',
  '-Wl',
  ',',
  '=',
  '@',
  '.',
  '/',
  './',
  '_',
  'a',
  'Z',
  '0',
  '9',
  '12',
  '.o',
  '.obj',
  '.so',
  '.so.1',
  '.a',
  '.dll',
  '.dylib',
  '.tbd',
  'lib',
  'foo',
  'D',
  'U',
  'I',
  'F',
  'L',
  'l',
  'O',
  'W',
  'g',
  'f',
  'm',
  'x',
  'no-',
  'push-state',
  'pop-state',
  'as-needed',
  '-z,',
  'relro',
  'now',
  'execstack',
  'noexecstack',
  'rpath',
  '-rpath',
  'framework',
  'avx',
  '512',
  'sse',
  '4.2',
  'pic',
  'PIC',
  'stack-',
  'protector',
  'std=',
  'c11',
  'static',
  '-libgcc',
  'sanitize=',
  'address',
  'strip-path-components=',
  'abi=',
  'lp64',
  'simd=',
  'tls-dialect=',
  'relax',
  'lsx',
  'cmodel=',
  'medium',
  'define-variable=',
  'prefix',
  'version=',
  '1.2.3',
  '$',
  'ORIGIN',
  ' ',
  '\n',
  '\r',
  '\t',
  '+',
  ':',
  'é',
  '\u2028',
  'R',
  'e',
  'E',
  's',
  'hash-style=',
  'gnu',
  'subsystem,',
  'windows',
  'sectcreate,',
  'just-symbols',
  'undefined',
  'syslibroot',
  'lto_library',
  'plugin',
  'include',
  'isystem',
  'param=ssp-buffer-size=',
  'mbig-obj',
  'Wp,-D',
  'Wa,',
  'fdebug-prefix-map=',
  'ffile-prefix-map=',
  'ftls-model=',
  'initial-exec',
  'mlarge-data-threshold=',
  '--static',
];

function flagInputs(n: number, seed: number): string[] {
  const arb = fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 7 }).map((a) => a.join(''));
  const known = [
    'foo.obj',
    'foo.o',
    'libfoo.so.1',
    'libfoo.so',
    './x.a',
    '/p/foo.dll',
    '-fplugin=evil.so',
    '-Wl,--push-state,--as-needed',
    '-Wl,--push-state,--as-needed,-lfoo',
    '-Wl,-z,relro,-z,now',
    '-Wl,-z,noexecstack',
    '-Wl,-R/x',
    '-Wl,-R,/x',
    '-Wl,-O1',
    '-Wl,-O',
    '-Wl,-e=main',
    '-Wl,-e=',
    '-DQ=a b',
    '-DX=-1',
    '-D_X',
    '-I@foo',
    '-I/x',
    '-mavx512f',
    '-mavx2.1',
    '--static',
    '-static-libgcc',
    '-Wl,-rpath,$ORIGIN',
    '-Wl,-rpath,',
    '-Wl,-framework,',
    '--define-variable=prefix=/usr',
    '--define-variable=p=/a-b',
    '-x',
    '',
  ];
  return [...known, ...fc.sample(arb, { numRuns: n, seed })];
}

describe.skipIf(!haveGo)('built-in allow-list regexps vs Go', () => {
  it('every built-in pattern compiles, for every Go version', () => {
    for (const minor of [19, 21, 22, 24, 25, 26]) for (const p of builtinPatterns) expect(compileGoRegexp(p, minor).ok, `${p} (1.${minor})`).toBe(true);
  });
  it('re2js full-match agrees with Go FindString==arg on random flags built from the regex alphabets', () => {
    const inputs = flagInputs(4000, 7);
    const res = oracle(builtinPatterns, inputs);
    const mismatches: string[] = [];
    builtinPatterns.forEach((p, i) => {
      expect(res[i]!.err, p).toBeUndefined();
      const re = translateGoRegexp(p)!;
      inputs.forEach((s, j) => {
        if (fullMatch(re, s) !== res[i]!.full![j]) mismatches.push(`${p} on ${JSON.stringify(s)}`);
      });
    });
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
  it('the leftmost-first facts of §3.2 hold', () => {
    const direct = translateGoRegexp(String.raw`[a-zA-Z0-9_/].*\.(a|o|obj|dll|dylib|so|tbd)`)!;
    expect(fullMatch(direct, 'foo.obj')).toBe(false);
    expect(fullMatch(direct, 'foo.o')).toBe(true);
    expect(fullMatch(direct, 'libfoo.so.1')).toBe(false);
    // the anchored form would be wrong
    expect(/^(?:[a-zA-Z0-9_/].*\.(a|o|obj|dll|dylib|so|tbd))$/.test('foo.obj')).toBe(true);
  });
});

const userValid = [
  '(?i)-MFOO.*',
  String.raw`\pL+`,
  '[[:alpha:]]+',
  String.raw`-f.*\z`,
  String.raw`\A-f.*`,
  String.raw`(?P<x>-D)[A-Z]+`,
  String.raw`\Q-f.+\E`,
  '(?s)-D.*',
  '(?m)^-D$',
  '(?U)-D.*',
  '(?U)-D.*?',
  '-D(a|ab)',
  'a{2,3}',
  String.raw`[^\d]+`,
  String.raw`[\W]+`,
  '(?i)[^k]+',
  String.raw`(?i)\W+`,
  String.raw`(?i)\w+`,
  'x{0}',
  String.raw`\x41+`,
  String.raw`\101`,
  '[a-]+',
  '[]a]+',
  String.raw`\.\*`,
  '-Wl,.*',
  '.*',
  'a|',
  '()+',
  String.raw`\p{Greek}+`,
  String.raw`\PL+`,
  String.raw`\p{^L}`,
  String.raw`\d+`,
  String.raw`\s`,
  '-O[0-9]?',
  '$^',
  '-D{',
  '-D{1',
  'a{,3}',
  'a{01}',
  String.raw`[[:^space:]]+`,
  String.raw`(?i)[[:upper:]]+`,
  '(?i)K',
  '(?i)s+',
  String.raw`\x{212A}`,
  String.raw`[\x00-\x{10FFFF}]`,
  '(?:a|b)*c',
  '(a*)*',
  '(a|ab)(c|bcd)(d*)',
  '^-f.*$',
  String.raw`\bfoo\b`,
  '(?i:a)(?i:b)',
  '(?i)(?-i)(?i)x',
  String.raw`-fplugin=.*`,
  '[^a-z]',
  String.raw`\Qa.b`,
  '(?is).+',
  String.raw`[\p{L}\d]+`,
  '(?<name>x)',
  String.raw`\a\f\t\n\r\v`,
  String.raw`\_`,
  'a{2}{',
  '(?:)',
  String.raw`\Q`,
  'x*?y',
  'x+?',
  'x??',
  '(?U)x??',
];
const userInvalid = [
  '(',
  ')',
  '[a',
  'a**',
  '*a',
  'a{1001}',
  String.raw`\8`,
  String.raw`\1`,
  String.raw`\Z`,
  '(?x)',
  '(?P<a-b>x)',
  '[z-a]',
  '[[:foo:]]',
  'a\\',
  String.raw`\C`,
  '(?<',
  'x{2}{3}',
  '(a{500}){3}',
  String.raw`\xZZ`,
  String.raw`\x{110000}`,
  '(?i',
  'a(*)',
  '|*',
  '(?-)',
  'a+*',
  'x{2,1}',
  String.raw`\p`,
  String.raw`\p{}`,
  '[]',
  '[^]',
  String.raw`[\b]`,
  String.raw`\x4`,
  '(?P<x',
  'a{1,1001}',
  '(?i-)',
  '(?--i)',
  String.raw`[a-\d]`,
  'x{100000000}',
];

describe.skipIf(!haveGo)('user CGO_*_ALLOW regexps vs Go', () => {
  const inputs = [
    '',
    'a',
    'ab',
    'abc',
    'abcd',
    'aa',
    'aaa',
    'aaaa',
    '-MFOO=1',
    '-mfoo=1',
    '-f',
    '-fx',
    '-f\n',
    '-D',
    '-DA',
    '-DAB',
    '-D\n',
    '-Da',
    'k',
    'K',
    '\u212a',
    's',
    'S',
    '\u017f',
    'é',
    'αβ',
    'Ωmega',
    '1',
    '12',
    ' ',
    '\t',
    '\n',
    'x',
    'xy',
    'y',
    'xxy',
    '-Wl,-x',
    '.*',
    'a.b',
    'A',
    'AAA',
    '-O',
    '-O1',
    '-O12',
    'foo',
    ' foo ',
    'foo bar',
    '_',
    'Z',
    'b',
    'bcd',
    'abcdd',
    'acd',
    '\u0007\f\t\n\r\v',
    '{',
    '-D{',
    '-D{1',
    'a{,3}',
    'a{01}',
    'aa{',
    '-fplugin=x.so',
    'a-z',
    '-',
    ']',
    'a]',
    '\u0000',
    '\u{10ffff}',
    'K\u212ak',
    '😀',
    'x\u2028',
  ];
  it('valid patterns: same full-match results as Go (or explicitly unsupported)', () => {
    const res = oracle(userValid, inputs);
    const unsupported: string[] = [];
    userValid.forEach((p, i) => {
      expect(res[i]!.err, p).toBeUndefined();
      const r = compileGoRegexp(p);
      if (r.ok === 'unsupported') {
        unsupported.push(p);
        return;
      }
      expect(r.ok, p).toBe(true);
      if (r.ok !== true) return;
      inputs.forEach((s, j) => expect(fullMatch(r.regexp, s), `${p} on ${JSON.stringify(s)}`).toBe(res[i]!.full![j]));
    });
    // Only a \p name that Go 1.25+ reads differently from re2js's tables needs the 'unsupported' escape hatch.
    expect(unsupported).toEqual([String.raw`\p{Greek}+`]);
  });
  it('valid patterns with Go 1.24 rules (exact \\p names, as re2js): same full-match results as Go, none unsupported', () => {
    const res = oracle(userValid, inputs);
    userValid.forEach((p, i) => {
      const r = compileGoRegexp(p, 24);
      expect(r.ok, p).toBe(true);
      if (r.ok !== true) return;
      inputs.forEach((s, j) => expect(fullMatch(r.regexp, s), `${p} on ${JSON.stringify(s)}`).toBe(res[i]!.full![j]));
    });
  });
  it("invalid patterns: Go's exact error text", () => {
    const res = oracle(userInvalid, ['x']);
    userInvalid.forEach((p, i) => {
      const r = compileGoRegexp(p);
      expect(res[i]!.err, `go accepted ${p}`).toBeDefined();
      expect(r, p).toEqual({ ok: false, error: res[i]!.err });
    });
  });
  it('Unicode class names under Go 1.26 rules: the same result as Go, or unsupported (no claim)', () => {
    const pats = [
      String.raw`\p{Old_Italic}`,
      String.raw`\p{greek}+`,
      String.raw`\p{Letter}+`,
      String.raw`\p{lu}`,
      String.raw`\p{Grek}`,
      String.raw`\p{Cn}`,
      String.raw`\p{Assigned}+`,
      String.raw`\p{ascii}+`,
      String.raw`\p{Lc}`,
      String.raw`\p{LC}`,
      String.raw`\p{Upper_case-Letter}`,
      String.raw`\pN`,
      String.raw`\p{Han}`,
      String.raw`\p{Foo}`,
      String.raw`[\p{Nd}a]+`,
      String.raw`[^\P{L}]`,
    ];
    const ins = ['', 'a', 'A', 'αβ', '1', '٣', 'x1', '\u{10330}', '\u0378', '漢', '~'];
    const res = oracle(pats, ins);
    pats.forEach((p, i) => {
      const r = compileGoRegexp(p);
      if (r.ok === 'unsupported') return;
      if (res[i]!.err) expect(r, p).toEqual({ ok: false, error: res[i]!.err });
      else {
        expect(r.ok, p).toBe(true);
        if (r.ok === true) ins.forEach((s, j) => expect(fullMatch(r.regexp, s), `${p} on ${s}`).toBe(res[i]!.full![j]));
      }
    });
    // Go ≤1.24 knows only exact names
    expect(compileGoRegexp(String.raw`\p{greek}`, 22)).toEqual({ ok: false, error: 'error parsing regexp: invalid character class range: `\\p{greek}`' });
    expect(compileGoRegexp(String.raw`\p{Greek}`, 22).ok).toBe(true);
    expect(compileGoRegexp(String.raw`\p{greek}`, 25).ok).toBe('unsupported');
    expect(compileGoRegexp(String.raw`\p{Greek}`, 26).ok).toBe('unsupported');
    expect(compileGoRegexp(String.raw`\p{Lu}+`, 26).ok).toBe(true);
  });
  it('(?<name>…) is Go 1.22+ syntax', () => {
    expect(compileGoRegexp('(?<n>x)', 21)).toEqual({ ok: false, error: 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`' });
    expect(compileGoRegexp('(?<n>x)', 22).ok).toBe(true);
  });
  it('property: random patterns from a regex alphabet agree with Go (errors and matches)', () => {
    const alphabet = [
      'a',
      'b',
      'k',
      'K',
      '-',
      '.',
      '*',
      '+',
      '?',
      '|',
      '(',
      ')',
      '[',
      ']',
      '^',
      '$',
      '{',
      '}',
      ',',
      '1',
      '2',
      '\\',
      'd',
      'w',
      's',
      'Q',
      'E',
      'p',
      'L',
      ':',
      '(?i)',
      '(?:',
      '[[:alpha:]]',
      'z',
      'x',
    ];
    const pats = fc.sample(
      fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 10 }).map((a) => a.join('')),
      { numRuns: 3000, seed: 11 },
    );
    const ins = fc.sample(fc.string({ unit: fc.constantFrom('a', 'b', 'k', 'K', '\u212a', '-', '.', '1', '2', ':', ' ', '\n'), maxLength: 6 }), {
      numRuns: 150,
      seed: 3,
    });
    const res = oracle(pats, ins);
    const bad: string[] = [];
    const tally = { ok: 0, err: 0, unsupported: 0 };
    pats.forEach((p, i) => {
      const r = compileGoRegexp(p);
      tally[r.ok === true ? 'ok' : r.ok === false ? 'err' : 'unsupported']++;
      if (r.ok === 'unsupported') {
        if (res[i]!.err) bad.push(`${p}: unsupported, but Go rejects it: ${res[i]!.err}`);
        return;
      }
      if (r.ok === false) {
        if (r.error !== res[i]!.err) bad.push(`${p}: ours=${r.error} go=${res[i]!.err}`);
        return;
      }
      if (res[i]!.err) {
        bad.push(`${p}: we accepted, go said ${res[i]!.err}`);
        return;
      }
      ins.forEach((s, j) => {
        if (fullMatch(r.regexp, s) !== res[i]!.full![j]) bad.push(`${p} on ${JSON.stringify(s)}`);
      });
    });
    expect(bad.slice(0, 15)).toEqual([]);
    // the sample exercises all three outcomes substantially
    expect(tally.ok).toBeGreaterThan(300);
    expect(tally.err).toBeGreaterThan(300);
    expect(tally.unsupported).toBeLessThan(tally.ok / 5);
  });
});

describe('compilation without Go', () => {
  it('never throws on junk and returns one of the three outcomes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        const r = compileGoRegexp(s);
        expect([true, false, 'unsupported']).toContain(r.ok);
      }),
      { numRuns: 3000, seed: 5 },
    );
  });
  it('quoteMeta matches Go', () => {
    expect(quoteMeta('-Wl,-z,foo.bar+(x)[y]{z}|^$*?\\')).toBe('-Wl,-z,foo\\.bar\\+\\(x\\)\\[y\\]\\{z\\}\\|\\^\\$\\*\\?\\\\');
    expect(fullMatch(translateGoRegexp(quoteMeta('foo.obj'))!, 'foo.obj')).toBe(true);
    expect(fullMatch(translateGoRegexp(quoteMeta('foo.obj'))!, 'fooxobj')).toBe(false);
  });
  it('scoped (?i) folds only what follows it, as in Go', () => {
    const re = translateGoRegexp('a(?i)b')!;
    expect(fullMatch(re, 'aB')).toBe(true);
    expect(fullMatch(re, 'AB')).toBe(false);
  });
  it('(?< is found only where it opens a group (not escaped, not in a class, not quoted)', () => {
    for (const p of [String.raw`\(?<`, '[(?<]+', String.raw`\Q(?<\E`]) expect(compileGoRegexp(p, 21).ok, p).toBe(true);
    expect(compileGoRegexp('a|(?<n>x)', 21)).toEqual({ ok: false, error: 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`' });
  });
});
