import { splitMessage, toolchainWords } from '../helpers/messages.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDirectives, codes, suggestVerb } from '../../server/src/checks/directives.js';
import { gv, linuxAmd64, preambleFromLines } from '../cgorules/helpers.js';
import { expectShape } from '../helpers/messages.js';

const FILE = '/work/pkg/main.go';
function check(lines: string[], opts: { minor?: number; patch?: number; env?: Record<string, string>; srcDir?: string; cFunctionRefs?: string[] } = {}) {
  const minor = opts.minor ?? 26;
  return checkDirectives({
    file: FILE,
    preambles: [preambleFromLines(lines)],
    build: { ...linuxAmd64, goMinor: minor },
    srcDir: opts.srcDir ?? '/work/pkg',
    goVersion: gv(minor, opts.patch ?? 0),
    env: opts.env ?? {},
    pathStyle: 'posix',
    ...(opts.cFunctionRefs ? { cFunctionRefs: opts.cFunctionRefs } : {}),
  });
}
const byCode = (r: ReturnType<typeof check>, code: string) => r.diagnostics.filter((d) => d.code === code);

describe('codes catalogue', () => {
  it('lists every code the check emits, with data.code on each diagnostic', () => {
    const r = check(['#cgo CFLAGS -O2', '#cgo CLFAGS: x', '#cgo CFLAGS: a;b', '#cgo linux && arm64 CFLAGS: -fplugin=x -D', '#cgo pkg-config: -lx --foo']);
    const known = new Set(codes.map((c) => c.code));
    expect(r.diagnostics.length).toBeGreaterThan(5);
    for (const d of r.diagnostics) {
      expect(known.has(d.code), d.code).toBe(true);
      expect(d.data?.code).toBe(d.code);
      expect(splitMessage(d.message).fix, d.message).toBeDefined();
      expect(d.file).toBe(FILE);
    }
    for (const c of codes) expect(c.code).toMatch(/^cgo\/[a-z-]+$/);
  });
});

describe('row 4 cgo/directive-syntax', () => {
  it('missing colon: toolchain text + an edit inserting the colon after the verb', () => {
    const [d] = byCode(check(['#cgo CFLAGS -O2']), 'cgo/directive-syntax');
    expect(toolchainWords(d!.message)).toBe('main.go: invalid #cgo line: #cgo CFLAGS -O2');
    expect(splitMessage(d!.message).fix).toMatch(/^add a colon after the verb/);
    expect(d!.severity).toBe('error');
    expect(d!.data).toMatchObject({ reason: 'no-colon', edit: { newText: ':', range: { start: { line: 2, character: 14 } } } });
  });
  it('unclosed quote is an error on the target, a warning on lines for other targets', () => {
    const r = check(['#cgo CFLAGS: "-DX=1', '#cgo windows CFLAGS: "-DX=1']);
    const ds = byCode(r, 'cgo/directive-syntax');
    expect(ds.map((d) => d.severity)).toEqual(['error', 'warning']);
    expect(ds[0]!.range.start.character).toBe(16); // at the opening quote
    expect(ds[1]!.message).toContain('only when building for a target matching `windows`; on linux/amd64 the line is skipped');
    expect(r.rejected).toBe(true);
  });
  it('a warning-only problem does not reject', () => {
    expect(check(['#cgo windows CFLAGS: "-DX=1']).rejected).toBe(false);
  });
});

describe('row 5 cgo/directive-verb', () => {
  it('suggests the closest verb', () => {
    const [d] = byCode(check(['#cgo CLFAGS: -O2']), 'cgo/directive-verb');
    expect(d!.message).toBe(
      [
        'invalid #cgo verb: CLFAGS',
        'Fix: write CFLAGS (did you mean it?)',
        'Verbs are case-sensitive: CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS, pkg-config.',
        'go build: main.go: invalid #cgo verb: #cgo CLFAGS: -O2',
      ].join('\n'),
    );
    expect(d!.data).toMatchObject({ verb: 'CLFAGS', suggestion: 'CFLAGS' });
    expect(suggestVerb('cflags')).toBe('CFLAGS');
    expect(suggestVerb('LDFLAG')).toBe('LDFLAGS');
    expect(suggestVerb('pkgconfig')).toBe('pkg-config');
    expect(suggestVerb('SOMETHINGELSE')).toBeNull();
  });
});

describe('row 6 cgo/unsafe-argument', () => {
  it('string macro → #define in the preamble', () => {
    const [d] = byCode(check(['#cgo CFLAGS: -DPATH=\\"/usr/local\\"']), 'cgo/unsafe-argument');
    expect(toolchainWords(d!.message)).toBe('main.go: malformed #cgo argument: -DPATH="/usr/local"');
    expect(splitMessage(d!.message).fix).toMatch(/^put `#define PATH "\/usr\/local"` in the preamble/);
    expect(d!.message).toContain('A C string macro cannot be written in a #cgo line');
    expect(d!.data).toMatchObject({ reason: 'string-macro', macroName: 'PATH', macroValue: '"/usr/local"', defineText: '#define PATH "/usr/local"' });
  });
  it('${HOME}, package dir with &, empty argument, other characters — and every bad arg on the line', () => {
    expect(byCode(check(['#cgo CFLAGS: -I${HOME}/include']), 'cgo/unsafe-argument')[0]!.data).toMatchObject({ reason: 'braced-var', variables: ['${HOME}'] });
    const dir = byCode(check(['#cgo CFLAGS: -I${SRCDIR}/include'], { srcDir: '/path/amp&dir' }), 'cgo/unsafe-argument')[0]!;
    expect(toolchainWords(dir.message)).toBe('main.go: malformed #cgo argument: -I/path/amp&dir/include');
    expect(dir.message).toMatch(/\$\{SRCDIR\} expands to the package directory \/path\/amp&dir, which contains `&`/);
    expect(byCode(check(["#cgo CFLAGS: ''"]), 'cgo/unsafe-argument')[0]!.data).toMatchObject({ reason: 'empty-arg' });
    const many = byCode(check(['#cgo LDFLAGS: -la;b -lok -l<x>']), 'cgo/unsafe-argument');
    expect(many.map((d) => d.data!['arg'])).toEqual(['-la;b', '-l<x>']);
    expect(many[1]!.data).toMatchObject({ chars: ['<', '>'], envVar: 'CGO_LDFLAGS' });
  });
  it('for lines that do not apply it is a warning ("will fail when building for …")', () => {
    const r = check(['#cgo windows CFLAGS: -DX=a;b']);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['cgo/unsafe-argument', 'warning']]);
    expect(r.rejected).toBe(false);
  });
});

describe('row 7 cgo/condition-spacing (+ cgo/condition-invalid)', () => {
  it('`linux && arm64` silently ORs: applies on linux/amd64', () => {
    const r = check(['#cgo linux && arm64 CFLAGS: -DARM']);
    const [d] = byCode(r, 'cgo/condition-spacing');
    expect(d!.severity).toBe('warning');
    expect(d!.message).toContain('`linux && arm64` is read as `linux` OR `&&` OR `arm64`');
    expect(d!.message).toContain('so on linux/amd64 this line applies although `linux && arm64` is false here');
    expect(splitMessage(d!.message).fix).toBe('write `linux&&arm64` (or `linux,arm64`) without spaces');
    expect(d!.data).toMatchObject({ replacement: 'linux&&arm64', alternative: 'linux,arm64', appliesNow: true, intendedAppliesNow: false });
    expect(d!.range).toEqual({ start: { line: 2, character: 8 }, end: { line: 2, character: 22 } });
    expect(r.flags.CFLAGS).toEqual(['-DARM']);
  });
  it('`(linux || windows)` never applies', () => {
    const [d] = byCode(check(['#cgo (linux || windows) CFLAGS: -DX']), 'cgo/condition-spacing');
    expect(d!.message).toContain('so on linux/amd64 this line does not apply although `(linux || windows)` is true here');
    expect(d!.data).toMatchObject({ replacement: 'linux||windows', appliesNow: false, intendedAppliesNow: true });
  });
  it('a slash condition never matches', () => {
    const [d] = byCode(check(['#cgo linux/amd64 LDFLAGS: -lm']), 'cgo/condition-invalid');
    expect(d!.data).toMatchObject({ condition: 'linux/amd64', replacement: 'linux,amd64' });
  });
  it('+build literals go/build/constraint turns into "ignore" (!!x, lone !) are flagged too', () => {
    const r = check(['#cgo !!cgo CFLAGS: -DA', '#cgo linux ! CFLAGS: -DB']);
    expect(byCode(r, 'cgo/condition-invalid').map((d) => d.data!['condition'])).toEqual(['!!cgo', '!']);
    expect(r.flags.CFLAGS).toEqual(['-DB']);
  });
  it('valid conditions produce nothing', () => {
    expect(check(['#cgo linux,arm64 CFLAGS: -DX', '#cgo windows linux CFLAGS: -DY', '#cgo !cgo CFLAGS: -DZ']).diagnostics).toEqual([]);
  });
});

describe('row 8 cgo/noescape-version', () => {
  it('≤1.21: invalid #cgo line', () => {
    const [d] = check(['#cgo noescape one'], { minor: 21 }).diagnostics;
    expect(d).toMatchObject({ code: 'cgo/noescape-version', severity: 'error' });
    expect(d!.message.split('\n')[0]).toBe('#cgo noescape needs Go 1.24 or later; this module builds with go1.21.0');
    expect(toolchainWords(d!.message)).toBe('main.go: invalid #cgo line: #cgo noescape one');
  });
  it('1.22/1.23: disabled until Go 1.23 (sic)', () => {
    for (const minor of [22, 23]) {
      const [d] = check(['#cgo nocallback one'], { minor }).diagnostics;
      expect(toolchainWords(d!.message)).toBe('cgo: #cgo nocallback disabled until Go 1.23');
      expectShape(d!.message);
    }
  });
  it('≥1.24: fine, unless the function is not called from Go (when the caller knows)', () => {
    expect(check(['#cgo noescape one'], { minor: 24 }).diagnostics).toEqual([]);
    expect(check(['#cgo noescape one'], { minor: 26, cFunctionRefs: ['one'] }).diagnostics).toEqual([]);
    const [d] = check(['#cgo noescape two'], { minor: 26, cFunctionRefs: ['one'] }).diagnostics;
    expect(toolchainWords(d!.message)).toBe('cgo: #cgo noescape two: no matched C function');
  });
});

describe('rows 9/10 allow-list', () => {
  it('cgo/flag-not-allowed with the exact message per version and the ALLOW fix', () => {
    for (const [minor, patch, msg] of [
      [19, 8, 'invalid flag in #cgo CFLAGS: -fplugin=evil.so'],
      [22, 12, 'invalid flag in #cgo CFLAGS: -fplugin=evil.so'],
      [24, 4, 'invalid flag in #cgo CFLAGS: -fplugin=evil.so'],
      [26, 0, 'invalid flag in #cgo CFLAGS: -fplugin=evil.so (see https://go.dev/s/invalidflag)'],
    ] as const) {
      const r = check(['#cgo CFLAGS: -O2 -fplugin=evil.so'], { minor, patch });
      const [d] = byCode(r, 'cgo/flag-not-allowed');
      expect(toolchainWords(d!.message)).toBe(msg);
      expect(d!.data).toMatchObject({ envVar: 'CGO_CFLAGS_ALLOW', allowRegexp: '-fplugin=evil\\.so', envFlagsVar: 'CGO_CFLAGS' });
      expect(d!.message).toContain("set CGO_CFLAGS_ALLOW='-fplugin=evil\\.so'");
      expect(d!.range).toEqual({ start: { line: 2, character: 20 }, end: { line: 2, character: 36 } });
      expect(r.rejected).toBe(true);
    }
  });
  it('reports every bad flag, across lines in file order, each on its own argument', () => {
    const r = check(['#cgo LDFLAGS: ${SRCDIR}/foo.obj -lm', '#cgo LDFLAGS: ${SRCDIR}/libfoo.so.1 @/path/rsp']);
    const ds = byCode(r, 'cgo/flag-not-allowed');
    expect(ds.map((d) => [d.data!['flag'], d.range.start.line])).toEqual([
      ['/work/pkg/foo.obj', 2],
      ['/work/pkg/libfoo.so.1', 3],
      ['@/path/rsp', 3],
    ]);
    expect(ds[0]!.message).toContain('never accepts `.obj` files');
    expect(ds[1]!.message).toContain('use `-l:libfoo.so.1`');
  });
  it('a flag and its argument split across two lines are checked as one list', () => {
    expect(check(['#cgo CFLAGS: -I', '#cgo CFLAGS: /usr/include']).diagnostics).toEqual([]);
  });
  it('cgo/flag-missing-arg', () => {
    const r = check(['#cgo CFLAGS: -include -foo -O2 -D']);
    const ds = byCode(r, 'cgo/flag-missing-arg');
    expect(ds.map((d) => toolchainWords(d.message))).toEqual([
      'invalid flag in #cgo CFLAGS: -include -foo (see https://go.dev/s/invalidflag)',
      'invalid flag in #cgo CFLAGS: -D without argument (see https://go.dev/s/invalidflag)',
    ]);
    expect(ds[0]!.range).toEqual({ start: { line: 2, character: 16 }, end: { line: 2, character: 29 } });
  });
  it('-Wl,--push-state: 1.23 vs 1.24', () => {
    const lines = ['#cgo LDFLAGS: -Wl,--push-state,--as-needed -lm -Wl,--pop-state'];
    expect(check(lines, { minor: 24, patch: 4 }).diagnostics).toEqual([]);
    const ds = byCode(check(lines, { minor: 23, patch: 5 }), 'cgo/flag-not-allowed');
    expect(ds.map((d) => d.data!['flag'])).toEqual(['-Wl,--push-state,--as-needed', '-Wl,--pop-state']);
    expect(ds[0]!.message).toContain('allowed from Go 1.24 on');
  });
  it('flags of non-applying lines are not checked', () => {
    expect(check(['#cgo windows CFLAGS: -fplugin=x']).diagnostics).toEqual([]);
  });
  it('CGO_CFLAGS_ALLOW override, and a bad ALLOW regexp', () => {
    expect(check(['#cgo CFLAGS: -fplugin=evil.so'], { env: { CGO_CFLAGS_ALLOW: '-fplugin=.*' } }).diagnostics).toEqual([]);
    const r = check(['#cgo LDFLAGS: -lm'], { env: { CGO_CFLAGS_ALLOW: '(' } });
    expect(r.diagnostics.map((d) => [d.code, toolchainWords(d.message)])).toEqual([
      ['cgo/flag-override-invalid', 'parsing $CGO_CFLAGS_ALLOW: error parsing regexp: missing closing ): `(`'],
    ]);
    expectShape(r.diagnostics[0]!.message);
    expect(r.rejected).toBe(true);
    // an existing ALLOW is kept in the suggestion
    const [d] = byCode(check(['#cgo CFLAGS: -fplugin=a'], { env: { CGO_CFLAGS_ALLOW: '-mfoo.*' } }), 'cgo/flag-not-allowed');
    expect(d!.data!['allowRegexp']).toBe('^(?:-fplugin=a)$|^(?:-mfoo.*)$');
  });
  it('-I @foo is accepted after absolutisation', () => {
    expect(check(['#cgo CFLAGS: -I @foo']).diagnostics).toEqual([]);
  });
});

describe('rows 11/12 pkg-config', () => {
  it('package name', () => {
    const [d] = check(['#cgo pkg-config: -lfoo']).diagnostics;
    expect(d).toMatchObject({ code: 'cgo/pkg-config-name', data: { suggestedVerb: 'LDFLAGS' } });
    expect(toolchainWords(d!.message)).toBe('invalid pkg-config package name: -lfoo');
  });
  it('--foo-bar: 1.26 and 1.24.12 reject it, 1.24.4 passes it to pkg-config', () => {
    const [d] = check(['#cgo pkg-config: --foo-bar zlib']).diagnostics;
    expect(toolchainWords(d!.message)).toBe('invalid flag in pkg-config: --foo-bar (see https://go.dev/s/invalidflag)');
    expect(check(['#cgo pkg-config: --foo-bar zlib'], { minor: 24, patch: 12 }).diagnostics).toHaveLength(1);
    expect(check(['#cgo pkg-config: --foo-bar zlib'], { minor: 24, patch: 4 }).diagnostics).toEqual([]);
    expect(check(['#cgo pkg-config: --define-variable=p=/a-b zlib']).diagnostics[0]!.message).toContain('golang/go#79330');
  });
});

describe('robustness', () => {
  it('property: never throws, every diagnostic is well formed', () => {
    const unit = fc.constantFrom(
      '#cgo ',
      'CFLAGS',
      'LDFLAGS',
      'pkg-config',
      'CLFAGS',
      ':',
      ' ',
      '"',
      "'",
      '\\',
      '${SRCDIR}',
      '${HOME}',
      '-D',
      '-I',
      '-fplugin=x',
      '@r',
      'a',
      ';',
      '&&',
      '(',
      ')',
      'linux',
      'windows',
      'noescape',
      '--x',
      '.obj',
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 10 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 19, max: 27 }), (lines, minor) => {
        const r = check(
          lines.map((l) => l.replace(/\n/g, ' ')),
          { minor, patch: 3 },
        );
        for (const d of r.diagnostics) {
          const [cause, fix] = d.message.split('\n');
          expect(cause!.length).toBeLessThanOrEqual(100);
          expect(fix).toMatch(/^Fix: /);
          expect(d.range.start.line).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 800, seed: 4 },
    );
  });
});
