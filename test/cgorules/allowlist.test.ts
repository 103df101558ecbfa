import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allowRegexpFor,
  checkFlags,
  checkFlagsAll,
  checkPkgConfigArgs,
  COMPILER_FLAGS_1_26,
  COMPILER_FLAGS_WITH_NEXT_ARG,
  LINKER_FLAGS_1_26,
  LINKER_FLAGS_WITH_NEXT_ARG,
  INVALID_LINKER_FLAGS_1_26,
  literalPrefix,
  PKG_CONFIG_FLAGS,
  rulesFor,
  safeArg,
  versionedPrefix,
} from '../../server/src/cgorules/allowlist.js';
import { compileGoRegexp, fullMatch } from '../../server/src/cgorules/re2.js';
import { gv } from './helpers.js';

const env = {};
const v119 = gv(19, 8);
const v122 = gv(22, 12);
const v123 = gv(23, 5);
const v1244 = gv(24, 4);
const v12412 = gv(24, 12);
const v126 = gv(26, 10);
const cc = (list: string[], goVersion = v126, e: Record<string, string | undefined> = env) =>
  checkFlags('compiler', 'CFLAGS', '#cgo CFLAGS', list, { goVersion, env: e });
const ld = (list: string[], goVersion = v126, e: Record<string, string | undefined> = env) =>
  checkFlags('linker', 'LDFLAGS', '#cgo LDFLAGS', list, { goVersion, env: e });

/** The re(`…`) patterns and next-arg strings of a security.go, in order. */
function readSecurityGo(file: string) {
  const src = fs.readFileSync(file, 'utf8');
  const block = (name: string) => {
    const m = new RegExp(`var ${name} = \\[\\]\\S+\\{([\\s\\S]*?)\\n\\}`).exec(src);
    if (!m) return null;
    const res = [...m[1]!.matchAll(/re\(`([^`]*)`\)/g)].map((x) => x[1]!);
    const strs = [...m[1]!.matchAll(/^\s*"([^"]*)",/gm)].map((x) => x[1]!);
    return res.length ? res : strs;
  };
  return {
    compiler: block('validCompilerFlags'),
    compilerNext: block('validCompilerFlagsWithNextArg'),
    linkerInvalid: block('invalidLinkerFlags'),
    linker: block('validLinkerFlags'),
    linkerNext: block('validLinkerFlagsWithNextArg'),
    pkgConfig: block('validPkgConfigFlags'),
  };
}

describe('allow-lists match the real Go sources on this machine', () => {
  const go126 = '/usr/local/go/src/cmd/go/internal/work/security.go';
  const go122 = `${process.env['HOME']}/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64/src/cmd/go/internal/work/security.go`;
  it.skipIf(!fs.existsSync(go126))('go1.26.8 security.go = the go1.26 lists', () => {
    const s = readSecurityGo(go126);
    expect(s.compiler).toEqual(COMPILER_FLAGS_1_26);
    expect(s.linker).toEqual(LINKER_FLAGS_1_26);
    expect(s.linkerInvalid).toEqual(INVALID_LINKER_FLAGS_1_26);
    expect(s.pkgConfig).toEqual(PKG_CONFIG_FLAGS);
    expect(s.compilerNext).toEqual(COMPILER_FLAGS_WITH_NEXT_ARG);
    expect(s.linkerNext).toEqual(LINKER_FLAGS_WITH_NEXT_ARG);
  });
  it.skipIf(!fs.existsSync(go122))('go1.22.12 security.go = the derived 1.22 lists', () => {
    const s = readSecurityGo(go122);
    const r = rulesFor(v122);
    expect([...r.compiler].sort()).toEqual([...s.compiler!].sort());
    expect([...r.linker].sort()).toEqual([...s.linker!].sort());
    expect(r.linkerInvalid).toEqual(s.linkerInvalid);
    expect(s.pkgConfig).toBeNull();
    expect(r.pkgConfig).toBeNull();
    expect(r.compilerNext).toEqual(s.compilerNext);
    expect(r.linkerNext).toEqual(s.linkerNext);
  });
});

describe('version → rules', () => {
  it('selects the documented rule sets', () => {
    expect(rulesFor(gv(19, 8)).id).toBe('go1.19.8');
    expect(rulesFor(gv(20, 14)).id).toBe('go1.19.8');
    expect(rulesFor(gv(21, 0)).id).toBe('go1.21.13');
    expect(rulesFor(gv(22, 1)).id).toBe('go1.22.12');
    expect(rulesFor(gv(23, 0)).id).toBe('go1.23.5');
    expect(rulesFor(gv(24, 11)).id).toBe('go1.24.4');
    expect(rulesFor(gv(24, 12)).id).toBe('go1.24.12');
    expect(rulesFor(gv(25, 5)).pkgConfig).toBeNull();
    expect(rulesFor(gv(25, 6)).pkgConfig).not.toBeNull();
    expect(rulesFor(gv(27, 3)).id).toBe('go1.26.10');
  });
  it('applies the §3.5 diffs', () => {
    const has = (v: ReturnType<typeof gv>, p: string) => [...rulesFor(v).compiler, ...rulesFor(v).linker].includes(p);
    expect(has(gv(21, 13), '-fdebug-prefix-map=([^@]+)=([^@]+)')).toBe(false);
    expect(has(v122, '-fdebug-prefix-map=([^@]+)=([^@]+)')).toBe(true);
    expect(has(v122, '-mcmodel=[0-9a-z-]+')).toBe(false);
    expect(has(v123, '-mcmodel=[0-9a-z-]+')).toBe(true);
    expect(has(v123, '-ftls-model=(global-dynamic|local-dynamic|initial-exec|local-exec)')).toBe(false);
    expect(has(v1244, '-ftls-model=(global-dynamic|local-dynamic|initial-exec|local-exec)')).toBe(true);
    expect(has(v1244, '--static')).toBe(false);
    expect(rulesFor(v119).linkerInvalid).toEqual([]);
    expect(rulesFor(gv(21, 0)).linkerInvalid).toEqual(['-lto_library']);
  });
});

describe('checkFlags: [EMP] examples and §3.2 cases', () => {
  it("rejects -fplugin=evil.so with each version's wording", () => {
    expect(cc(['-O2', '-fplugin=evil.so'])).toMatchObject({
      kind: 'not-allowed',
      index: 1,
      arg: '-fplugin=evil.so',
      message: 'invalid flag in #cgo CFLAGS: -fplugin=evil.so (see https://go.dev/s/invalidflag)',
      versionedPrefix: '%s: ',
    });
    expect(cc(['-fplugin=evil.so'], v1244)!.message).toBe('invalid flag in #cgo CFLAGS: -fplugin=evil.so');
    expect(cc(['-fplugin=evil.so'], v122)!.message).toBe('invalid flag in #cgo CFLAGS: -fplugin=evil.so');
    expect(cc(['-fplugin=evil.so'], v12412)!.message).toBe('invalid flag in #cgo CFLAGS: -fplugin=evil.so (see https://go.dev/s/invalidflag)');
    expect(cc(['-fplugin=evil.so'], v119)).toMatchObject({ message: 'invalid flag in #cgo CFLAGS: -fplugin=evil.so', versionedPrefix: 'go build %s: ' });
  });
  it('-include -foo and -D at the end', () => {
    expect(cc(['-include', '-foo'])).toMatchObject({
      kind: 'bad-next-arg',
      index: 0,
      next: '-foo',
      message: 'invalid flag in #cgo CFLAGS: -include -foo (see https://go.dev/s/invalidflag)',
    });
    expect(cc(['-include', '-foo'], v119)!.message).toBe('invalid flag in #cgo CFLAGS: -include -foo (see https://golang.org/s/invalidflag)');
    expect(cc(['-O2', '-D'], v119)).toMatchObject({
      kind: 'missing-arg',
      index: 1,
      message: 'invalid flag in #cgo CFLAGS: -D without argument (see https://golang.org/s/invalidflag)',
    });
    expect(cc(['-D'])!.message).toBe('invalid flag in #cgo CFLAGS: -D without argument (see https://go.dev/s/invalidflag)');
    expect(cc(['-D', 'FOO', '-include', 'x.h', '-I', '/usr/include'])).toBeNull();
  });
  it('LDFLAGS: @/path/rsp, foo.obj (leftmost-first), libfoo.so.1, -lto_library, -Wl,-plugin', () => {
    expect(ld(['@/path/rsp'])!.message).toBe('invalid flag in #cgo LDFLAGS: @/path/rsp (see https://go.dev/s/invalidflag)');
    expect(ld(['/pkg/foo.obj'])!.arg).toBe('/pkg/foo.obj');
    expect(ld(['/pkg/foo.o', '/pkg/libfoo.so', './x.a', '/p/x.dll'])).toBeNull();
    expect(ld(['/pkg/libfoo.so.1'])!.arg).toBe('/pkg/libfoo.so.1');
    expect(ld(['-lto_library', 'x'])!.arg).toBe('-lto_library');
    expect(ld(['-lto_library'], v119)).toBeNull(); // 1.19.8 had no deny-list: -l([^@\-].*) matches it
    expect(ld(['-Wl,-plugin=/path/x.so'])!.arg).toBe('-Wl,-plugin=/path/x.so');
    expect(ld(['-l:libfoo.so.1', '-L/x', '-lm', '-pthread', '-Wl,-rpath,$ORIGIN'])).toBeNull();
  });
  it('-I @foo: accepted after absolutisation, rejected as given', () => {
    expect(cc(['-I', '/pkg/@foo'])).toBeNull();
    expect(cc(['-I', '@foo'])!.message).toBe('invalid flag in #cgo CFLAGS: -I @foo (see https://go.dev/s/invalidflag)');
    expect(cc(['-I@foo'])!.arg).toBe('-I@foo');
  });
  it('-I= and -I $SYSROOT, -Wl,-framework -Wl,name', () => {
    expect(cc(['-I', '=/usr/include'])).toBeNull();
    expect(cc(['-I', '$SYSROOT/usr/include'])).toBeNull();
    expect(cc(['-I', '=-x'])!.kind).toBe('bad-next-arg');
    expect(ld(['-Wl,-framework', '-Wl,Cocoa'])).toBeNull();
    expect(ld(['-Wl,-framework', '-Wl,Co,coa'])!.kind).toBe('bad-next-arg');
  });
  it('-Wl,--push-state,--as-needed: 1.24+ only', () => {
    expect(ld(['-Wl,--push-state,--as-needed', '-lfoo', '-Wl,--pop-state'], v1244)).toBeNull();
    expect(ld(['-Wl,--push-state,--as-needed'], v123)!.message).toBe('invalid flag in #cgo LDFLAGS: -Wl,--push-state,--as-needed');
    expect(ld(['-Wl,--push-state,--as-needed,-lfoo'], v126)!.arg).toBe('-Wl,--push-state,--as-needed,-lfoo');
    expect(ld(['-Wl,--push-state,'], v126)).not.toBeNull();
  });
  it('empty flags full-match every pattern (Go FindString returns "" for no match)', () => {
    expect(cc([''])).toBeNull();
    // …including the linker deny-list, so an empty linker flag is rejected from 1.21 on
    expect(ld(['', '-lm'])!.index).toBe(0);
    expect(ld(['', '-lm'], v119)).toBeNull();
  });
  it('version-specific flags', () => {
    expect(cc(['-ffile-prefix-map=/a=/b'], gv(21, 13))).not.toBeNull();
    expect(cc(['-ffile-prefix-map=/a=/b'], v122)).toBeNull();
    expect(cc(['-mcmodel=medium'], v122)).not.toBeNull();
    expect(cc(['-mcmodel=medium'], v123)).toBeNull();
    expect(ld(['-Wl,-z,relro,-z,now'], v122)).not.toBeNull();
    expect(ld(['-Wl,-z,relro,-z,now'], v123)).toBeNull();
    expect(ld(['-Wl,-O'], v119)).toBeNull();
    expect(ld(['-Wl,-O'], gv(21, 0))).not.toBeNull();
    expect(ld(['-Wl,-rpath,/x', '-Wl,-rpath,/y'], v123)).toBeNull();
    expect(ld(['-Wl,-framework,F'], v123)).not.toBeNull(); // [^,]+ needs two characters in 1.23
    expect(ld(['-Wl,-framework,F'], v1244)).toBeNull();
    expect(cc(['--static'], v1244)).not.toBeNull();
    expect(cc(['--static'], v126)).toBeNull();
  });
});

describe('CGO_<NAME>_ALLOW / DISALLOW', () => {
  it('ALLOW lets a flag through (full match only), DISALLOW rejects before ALLOW', () => {
    expect(cc(['-fplugin=evil.so'], v126, { CGO_CFLAGS_ALLOW: '-fplugin=.*' })).toBeNull();
    expect(cc(['-fplugin=evil.so'], v126, { CGO_CFLAGS_ALLOW: '-fplugin' })).not.toBeNull();
    expect(cc(['-O2'], v126, { CGO_CFLAGS_DISALLOW: '-O.*' })!.arg).toBe('-O2');
    expect(cc(['-O2'], v126, { CGO_CFLAGS_DISALLOW: '-O2', CGO_CFLAGS_ALLOW: '-O2' })).not.toBeNull();
    // other names' variables do not apply
    expect(cc(['-fplugin=evil.so'], v126, { CGO_LDFLAGS_ALLOW: '.*' })).not.toBeNull();
    // not applied when checkOverrides is false
    expect(checkFlags('compiler', 'CFLAGS', 'x', ['-fplugin=a'], { goVersion: v126, env: { CGO_CFLAGS_ALLOW: '.*' }, checkOverrides: false })).not.toBeNull();
  });
  it("a bad regexp fails with Go's message even for an empty list", () => {
    expect(cc([], v126, { CGO_CFLAGS_ALLOW: '(' })).toEqual({
      kind: 'bad-override',
      index: -1,
      arg: '(',
      envVar: 'CGO_CFLAGS_ALLOW',
      message: 'parsing $CGO_CFLAGS_ALLOW: error parsing regexp: missing closing ): `(`',
      versionedPrefix: '%s: ',
    });
    expect(ld(['-lm'], v126, { CGO_LDFLAGS_DISALLOW: 'a**' })!.message).toBe(
      'parsing $CGO_LDFLAGS_DISALLOW: error parsing regexp: invalid nested repetition operator: `**`',
    );
  });
  it("regexps whose reading could differ from Go's make no claim", () => {
    // \p{Greek} is valid Go 1.26, whose \p names re2js's tables do not follow: the rejected flag becomes "uncertain", not an error
    const r = checkFlagsAll('compiler', 'CFLAGS', '#cgo CFLAGS', ['-O2', '-fplugin=x'], {
      goVersion: v126,
      env: { CGO_CFLAGS_ALLOW: String.raw`-fplugin=\p{Greek}` },
    });
    expect(r).toEqual({ problems: [], uncertain: [1] });
    const d = checkFlagsAll('compiler', 'CFLAGS', '#cgo CFLAGS', ['-O2', '-fplugin=x'], {
      goVersion: v126,
      env: { CGO_CFLAGS_DISALLOW: String.raw`-O\p{Greek}` },
    });
    expect(d.problems).toEqual([]);
  });
  it('allowRegexpFor escapes and keeps an existing ALLOW working', () => {
    expect(allowRegexpFor('/p/foo.obj')).toBe('/p/foo\\.obj');
    const combined = allowRegexpFor('-fplugin=a.so', '-mfoo.*');
    expect(cc(['-fplugin=a.so', '-mfoo=1'], v126, { CGO_CFLAGS_ALLOW: combined })).toBeNull();
    expect(cc(['-fplugin=b.so'], v126, { CGO_CFLAGS_ALLOW: combined })).not.toBeNull();
    // leftmost-first trap the anchoring avoids: with a plain `a|ab`, FindString("ab") is "a"
    expect(cc(['-fplugin=ab'], v126, { CGO_CFLAGS_ALLOW: '-fplugin=a|-fplugin=ab' })).not.toBeNull();
    expect(cc(['-fplugin=ab'], v126, { CGO_CFLAGS_ALLOW: allowRegexpFor('-fplugin=ab', '-fplugin=a') })).toBeNull();
  });
});

describe('checkFlagsAll', () => {
  it('reports every bad flag; a bad flag+argument pair counts once', () => {
    const r = checkFlagsAll('compiler', 'CFLAGS', '#cgo CFLAGS', ['-fplugin=a', '-O2', '-include', '-foo', '-B/x', '-D'], { goVersion: v126, env });
    expect(r.problems.map((p) => [p.kind, p.index])).toEqual([
      ['not-allowed', 0],
      ['bad-next-arg', 2],
      ['not-allowed', 4],
      ['missing-arg', 5],
    ]);
  });
});

describe('pkg-config arguments', () => {
  it('package names must pass SafeArg', () => {
    expect(checkPkgConfigArgs(['-lfoo'], v126)).toEqual([
      { kind: 'name', index: 0, arg: '-lfoo', message: 'invalid pkg-config package name: -lfoo', versionedPrefix: '%s: ' },
    ]);
    expect(checkPkgConfigArgs(['zlib', 'gtk+-3.0', '--', '/x/y.pc'], v119)).toEqual([]);
  });
  it('--foo-bar: rejected on 1.26 and 1.24.12, passed through on 1.24.4', () => {
    expect(checkPkgConfigArgs(['--foo-bar', 'zlib'], v126)).toEqual([
      {
        kind: 'option',
        index: 0,
        arg: '--foo-bar',
        message: 'invalid flag in pkg-config: --foo-bar (see https://go.dev/s/invalidflag)',
        versionedPrefix: '%s: ',
      },
    ]);
    expect(checkPkgConfigArgs(['--foo-bar', 'zlib'], v12412)).toHaveLength(1);
    expect(checkPkgConfigArgs(['--foo-bar', 'zlib'], v1244)).toEqual([]);
    expect(checkPkgConfigArgs(['--static', '--define-variable=prefix=/usr', 'zlib'], v126)).toEqual([]);
    expect(checkPkgConfigArgs(['--define-variable=prefix=/a-b'], v126)).toHaveLength(1); // golang/go#79330
  });
  it('names are reported before options, as cmd/go does', () => {
    expect(checkPkgConfigArgs(['--foo', '-lx'], v126).map((p) => p.kind)).toEqual(['name', 'option']);
  });
});

describe('helpers', () => {
  it('safeArg is load.SafeArg', () => {
    expect(['a', 'Z', '0', '.', '_', '/', 'é'].map(safeArg)).toEqual([true, true, true, true, true, true, true]);
    expect(['', '-', '@', '=', '$', ' '].map(safeArg)).toEqual([false, false, false, false, false, false]);
  });
  it('versionedPrefix', () => {
    expect(versionedPrefix(gv(19))).toBe('go build %s: ');
    expect(versionedPrefix(gv(21))).toBe('%s: ');
  });
  it('property: checkFlags never throws on random strings and env values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }),
        fc.option(fc.string({ maxLength: 12 })),
        fc.integer({ min: 17, max: 28 }),
        (list, allow, minor) => {
          const e = allow === null ? {} : { CGO_CFLAGS_ALLOW: allow, CGO_LDFLAGS_DISALLOW: allow };
          const r1 = cc(list, gv(minor, 3), e);
          const r2 = ld(list, gv(minor, 3), e);
          for (const r of [r1, r2]) if (r) expect(typeof r.message).toBe('string');
          checkPkgConfigArgs(list, gv(minor, 7));
        },
      ),
      { numRuns: 1500, seed: 9 },
    );
  });
});

describe('literalPrefix: the prefilter before a built-in pattern is compiled', () => {
  it('is the leading literal text, less a character a quantifier makes optional, and empty for an alternation', () => {
    expect(literalPrefix(String.raw`-D([A-Za-z_][A-Za-z0-9_]*)(=[^@\-]*)?`)).toBe('-D');
    expect(literalPrefix('-O')).toBe('-O');
    expect(literalPrefix('-f(no-)?blocks')).toBe('-f');
    expect(literalPrefix('-Wl,-O[0-9]+')).toBe('-Wl,-O');
    expect(literalPrefix('-fo?x')).toBe('-f');
    expect(literalPrefix('-fa*x')).toBe('-f');
    expect(literalPrefix('-fa+x')).toBe('-f');
    expect(literalPrefix('-fa{2}')).toBe('-f');
    expect(literalPrefix('-a|-b')).toBe('');
    expect(literalPrefix('-(a|b)c')).toBe('-');
    expect(literalPrefix('-[a|b]c')).toBe('-');
    expect(literalPrefix(String.raw`\Qx\E`)).toBe('');
    expect(literalPrefix('(?i)-x')).toBe('');
  });

  it('no flag without the prefix fully matches a built-in pattern of any Go version', () => {
    const patterns = new Set<string>();
    for (const minor of [19, 20, 21, 22, 23, 24, 25, 26]) {
      for (const patch of [0, 12]) {
        const r = rulesFor(gv(`1.${minor}.${patch}`));
        for (const l of [r.compiler, r.compilerNext, r.linker, r.linkerNext, r.linkerInvalid, r.pkgConfig ?? []]) for (const p of l) patterns.add(p);
      }
    }
    expect(patterns.size).toBeGreaterThan(100);
    const tails = [
      '',
      'x',
      '2',
      'foo',
      'no-lto',
      'no-common',
      'lto',
      '=x',
      '=1',
      ',-O1',
      ',foo',
      ',-rpath,/x',
      'abc=def',
      '-x',
      '@x',
      '/usr/include',
      'rpath',
      'framework',
      '1',
      'a b',
      'builtin-x',
      'PIC',
      'pic',
      'pie',
    ];
    const wrong: string[] = [];
    for (const p of patterns) {
      const q = literalPrefix(p);
      const r = compileGoRegexp(p, 26);
      if (r.ok !== true) throw new Error(`${p} does not compile`);
      // Strings that start with every shorter part of the prefix (or a mutated prefix) and then go on as a match might.
      const heads = new Set<string>();
      for (let k = 0; k < q.length; k++)
        heads
          .add(q.slice(0, k))
          .add(q.slice(0, k) + q.slice(k + 1))
          .add(q.slice(0, k) + 'Z' + q.slice(k + 1));
      for (const h of heads) {
        for (const t of [...tails, q.slice(h.length), p.slice(q.length).replace(/[()?*+[\]\\^$|.{}]/g, '')]) {
          const s = h + t;
          // (The empty flag matches everything; anyFull lets it through before the prefix test.)
          if (s !== '' && !s.startsWith(q) && fullMatch(r.regexp, s)) wrong.push(`${p}: ${JSON.stringify(s)} matches without ${JSON.stringify(q)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
