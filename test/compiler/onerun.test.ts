// One compiler run for the preamble and the kind probe (where it suffices) against the two runs, with the real gcc:
// every preamble here is compiled both ways and the kinds, diagnostics and header lists must be the same.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  compilePreamble,
  oneRunBlocker,
  optimizeMatters,
  splitOneRunOutput,
  type PreambleInput,
  type PreambleResult,
} from '../../server/src/compiler/preamble.js';
import { processStats } from '../../server/src/util/proc.js';
import { hasProgram, inputFromGo } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cgols-onerun-'));
const HAS_GCC = hasProgram('gcc');
if (!HAS_GCC) console.log('SKIP: gcc not installed; one-run against two-run comparisons are skipped');
if (!HAS_GCC && process.env.CI === 'true') throw new Error('gcc is required under CI=true');

const inc = path.join(tmp, 'inc');
mkdirSync(inc, { recursive: true });
writeFileSync(path.join(inc, 'plain.h'), '#define PLAIN_LIMIT 64\ntypedef struct { int a; } plain_t;\nint plain_fn(int);\n');
writeFileSync(path.join(inc, 'opt.h'), '#ifdef __OPTIMIZE__\n#define OPT_ONLY 1\n#endif\n');
writeFileSync(path.join(inc, 'prag.h'), '#pragma GCC diagnostic error "-Wunused-variable"\nstatic inline void prag_f(void) { int unused_here; }\n');

async function both(name: string, src: string, over: Partial<PreambleInput> = {}): Promise<{ one: PreambleResult; two: PreambleResult }> {
  const file = path.join(tmp, name + '.go');
  writeFileSync(file, src);
  const base = { cflags: ['-O2', '-g', '-I' + inc], ...over };
  const one = await compilePreamble(inputFromGo(file, src, { ...base, oneRun: true }), { timeoutMs: 30_000 });
  const two = await compilePreamble(inputFromGo(file, src, { ...base, oneRun: false }), { timeoutMs: 30_000 });
  return { one, two };
}

function comparable(r: PreambleResult) {
  return { diagnostics: r.diagnostics, kinds: r.kinds, includedFiles: [...r.includedFiles].sort(), missing: [...r.missingHeaderCandidates].sort() };
}

const go = (preamble: string, uses: string[], comment: 'block' | 'line' = 'block') =>
  'package main\n\n' +
  (comment === 'block'
    ? `/*\n${preamble}\n*/\n`
    : preamble
        .split('\n')
        .map((l) => `// ${l}\n`)
        .join('')) +
  'import "C"\n\nfunc main() {\n' +
  uses.map((u) => `\t_ = ${u}\n`).join('') +
  '}\n';

// [name, Go source, extra input, whether one run serves]
const CASES: [string, string, Partial<PreambleInput>, boolean][] = [
  ['undeclared', go('#include <stdio.h>', ['C.nosuch_name', 'C.prinft', 'C.puts']), {}, true],
  [
    'types',
    go('#include <stdint.h>\ntypedef struct { int x; } pt;\ntypedef unsigned long ul_t;', ['C.pt{}', 'C.uint32_t(1)', 'C.ul_t(2)', 'C.int(3)']),
    {},
    true,
  ],
  [
    'macros',
    go('#define ANSWER 42\n#define PI 3.14\n#define GREETING "hi"\n#define F(x) (x)\n#define EXPR (ANSWER + undefined_thing)', [
      'C.ANSWER',
      'C.PI',
      'C.GREETING',
      'C.F',
      'C.EXPR',
    ]),
    {},
    true,
  ],
  ['enums', go('enum color { RED, GREEN = 5 };\nenum { ANON = 7 };', ['C.RED', 'C.GREEN', 'C.ANON', 'C.enum_color(0)']), {}, true],
  [
    'functions',
    go('#include <stdlib.h>\nstatic int add(int a, int b) { return a + b; }\nint extern_fn(void);\nint global_v;', [
      'C.add',
      'C.extern_fn',
      'C.global_v',
      'C.abs',
      'C.free',
    ]),
    {},
    true,
  ],
  ['error', go('#include <stdio.h>\nint broken(void) { return missing_var; }\nint ok_v;', ['C.broken', 'C.ok_v', 'C.missing_var']), {}, true],
  ['error-top-level', go('int bad = nope_value;\nint good;\nvoid f(void) { return 1; }', ['C.bad', 'C.good', 'C.f']), {}, true],
  [
    'warnings-wall',
    go('#include <stdio.h>\nstatic inline int w(void) { int unused_local; return 1; }\nint cmp(unsigned a, int b) { return a < b; }\n#warning careful', [
      'C.w',
      'C.cmp',
    ]),
    { cflags: ['-O2', '-g', '-Wall', '-Wextra', '-I' + inc] },
    true,
  ],
  ['both-kinds', go('typedef int both;\n#define CONST_AND_TYPE 3', ['C.both', 'C.CONST_AND_TYPE', 'C.sizeof_both']), {}, true],
  [
    'struct-names',
    go('struct node { int v; struct node *next; };\nunion u { int i; float f; };\nint node_count;', [
      'C.struct_node{}',
      'C.union_u{}',
      'C.struct_missing_one',
      'C.node_count',
    ]),
    {},
    true,
  ],
  ['missing-header', go('#include <stdio.h>\n#include <nosuch_header_xyz.h>\nint after;', ['C.after', 'C.puts']), {}, true],
  ['line-comments', go('#include <string.h>\n#include "plain.h"', ['C.strlen', 'C.PLAIN_LIMIT', 'C.plain_t{}', 'C.plain_fn'], 'line'), {}, true],
  ['optimize-at-o0', go('#include "opt.h"', ['C.OPT_ONLY']), { cflags: ['-O0', '-I' + inc] }, true],
  // One run cannot serve these; the results are still the two runs'.
  ['optimize-in-preamble', go('#ifdef __OPTIMIZE__\n#define OPT_P 1\n#endif', ['C.OPT_P']), {}, false],
  ['optimize-in-header', go('#include "opt.h"', ['C.OPT_ONLY']), {}, false],
  ['werror-pragma-header', go('#include "prag.h"\nint v;', ['C.v', 'C.prag_f']), { cflags: ['-O2', '-Wall', '-I' + inc] }, false],
  ['unclosed-brace', go('int open_fn(void) {\n  return 1;', ['C.open_fn']), {}, false],
  ['unclosed-if', go('#if 1\nint inside_if;', ['C.inside_if']), {}, false],
  ['missing-semicolon', go('int no_semi', ['C.no_semi']), {}, false],
  ['dangling-specifier', go('static', ['C.nope']), {}, false],
  ['open-struct', go('struct open { int a;', ['C.nope']), {}, false],
  ['open-enum', go('enum { E1,', ['C.E1']), {}, false],
  ['open-comment', go('int c1; /* never closed', ['C.c1']), {}, false],
  ['array-one-element', go('int arr[];', ['C.arr']), {}, false],
  ['static-never-defined', go('static int never_defined(void);', ['C.never_defined']), { cflags: ['-O2', '-Wall'] }, false],
  ['werror', go('#include <stdio.h>\nstatic inline void f(void) { int x; }', ['C.f', 'C.nope']), { cflags: ['-O2', '-Wall', '-Werror'] }, false],
  ['werror-eq', go('static inline void f(void) { int x; }', ['C.f']), { cflags: ['-Wall', '-Werror=unused-variable'] }, false],
  ['pedantic-errors', go('struct empty {};', ['C.struct_empty{}', 'C.nope']), { cflags: ['-pedantic-errors'] }, false],
  ['fatal-errors', go('int a = x1;\nint b = x2;', ['C.a', 'C.b']), { cflags: ['-Wfatal-errors'] }, false],
  ['max-errors', go('int a = x1;\nint b = x2;', ['C.a', 'C.b']), { cflags: ['-fmax-errors=1'] }, false],
];

function twoPreambles(): string {
  return (
    'package main\n\n// #include <stdio.h>\n// #define FIRST 1\nimport "C"\n\n/*\n#define SECOND 2.5\ntypedef int second_t;\n*/\nimport "C"\n\n' +
    'func main() {\n\t_ = C.FIRST\n\t_ = C.SECOND\n\t_ = C.second_t(1)\n\t_ = C.printf\n\t_ = C.nothing_here\n}\n'
  );
}

describe.skipIf(!HAS_GCC)('one compiler run gives what the two runs give (real gcc)', () => {
  for (const [name, src, over, oneServes] of CASES) {
    test(`${name}: same kinds, diagnostics and headers; ${oneServes ? 'one run' : 'two runs'}`, async () => {
      const { one, two } = await both(name, src, over);
      expect(comparable(one)).toEqual(comparable(two));
      expect(two.oneRun).toBe(false);
      expect(one.oneRun).toBe(oneServes);
      if (one.oneRun) {
        expect(one.probeCommandLine).toEqual(one.commandLine);
      } else {
        expect(one.probeCommandLine).toContain('-w');
        expect(one.probeCommandLine).not.toEqual(one.commandLine);
      }
      expect(one.commandLine).toContain('-fsyntax-only');
    });
  }

  test('several preambles in one file: same results, one run', async () => {
    // The second preamble (lines 7-8 of the file) is given by hand: the test extractor finds only the first.
    const second = {
      firstLine: 6,
      lines: [
        { text: '', goLine: 6, goCol: 2 },
        { text: '#define SECOND 2.5', goLine: 7, goCol: 0 },
        { text: 'typedef int second_t;', goLine: 8, goCol: 0 },
        { text: '', goLine: 9, goCol: 0 },
      ],
    };
    const first = (await import('./helpers.js')).extract(twoPreambles()).preambles;
    const { one, two } = await both('two-preambles', twoPreambles(), { preambles: [...first, second] });
    expect(comparable(one)).toEqual(comparable(two));
    expect(one.kinds).toMatchObject({ FIRST: 'iconst', SECOND: 'fconst', second_t: 'type', printf: 'var-or-func', nothing_here: 'unknown' });
    expect(one.oneRun).toBe(true);
  });

  test('the probe never leaks into the preamble diagnostics of the one run', async () => {
    const { one } = await both('leak', go('#include <stdio.h>\n#define BAD (undeclared_in_macro + 1)', ['C.BAD', 'C.nope', 'C.puts']), {
      cflags: ['-Wall', '-Wextra', '-I' + inc],
    });
    expect(one.oneRun).toBe(true);
    for (const d of one.diagnostics)
      expect(d.message).not.toMatch(/not-declared|not-type|not-int-const|not-num-const|not-str-lit|completed|__cgo_|cgo-ls-split/);
    expect(one.kinds.puts).toBe('var-or-func');
    expect(one.kinds.nope).toBe('unknown');
  });

  test('an edit costs one compiler process where one run serves, two where it does not', async () => {
    const file = path.join(tmp, 'count.go');
    const src = go('#include <stdio.h>\n#define N 3', ['C.N', 'C.puts']);
    writeFileSync(file, src);
    const count = async (over: Partial<PreambleInput>) => {
      await compilePreamble(inputFromGo(file, src, over), { timeoutMs: 30_000 }); // the compiler's facts, cached
      const before = processStats.started;
      const r = await compilePreamble(inputFromGo(file, src, over), { timeoutMs: 30_000 });
      return { runs: processStats.started - before, r };
    };
    const one = await count({});
    expect(one.r.oneRun).toBe(true);
    expect(one.runs).toBe(1);
    const werror = await count({ cflags: ['-O2', '-g', '-Werror'] });
    expect(werror.r.oneRun).toBe(false);
    expect(werror.runs).toBe(2);
    expect(werror.r.kinds).toEqual(one.r.kinds);
  });

  test('a file without probed names makes one run (the preamble run) either way', async () => {
    const { one, two } = await both('no-names', go('#include <stdio.h>', ['C.int(1)', 'C.CString("x")']));
    expect(comparable(one)).toEqual(comparable(two));
    expect(one.probeCommandLine).toBeNull();
    expect(one.oneRun).toBe(false);
  });
});

describe('when one run may serve', () => {
  const base = { family: 'gcc', isClang: false, preambleText: '#include <stdio.h>' };
  test.each([
    ['-Werror'],
    ['-Werror=unused-variable'],
    ['-Werror-implicit-function-declaration'],
    ['-pedantic-errors'],
    ['-Wfatal-errors'],
    ['-fmax-errors=3'],
    ['-fdiagnostics-format=json'],
    ['-fmessage-length=80'],
  ])('%s keeps the two runs', (flag) => {
    expect(oneRunBlocker({ ...base, flags: ['-O2', flag] })).not.toBeNull();
  });
  test('clang, zig and unknown compilers keep the two runs', () => {
    expect(oneRunBlocker({ ...base, family: 'clang', isClang: true, flags: [] })).toBe('not gcc');
    expect(oneRunBlocker({ ...base, family: 'gcc', isClang: true, flags: [] })).toBe('not gcc');
    expect(oneRunBlocker({ ...base, family: 'zig', isClang: true, flags: [] })).toBe('not gcc');
    expect(oneRunBlocker({ ...base, family: 'unknown', isClang: false, flags: [] })).toBe('not gcc');
  });
  test('warnings, -Wno-error and defines do not block; an optimization macro in the preamble does at -O2, not at -O0', () => {
    expect(oneRunBlocker({ ...base, flags: ['-O2', '-g', '-Wall', '-Wextra', '-Wno-error', '-DX=1', '-Wno-error=foo'] })).toBeNull();
    expect(oneRunBlocker({ ...base, preambleText: '#if __OPTIMIZE__\n#endif', flags: ['-O2'] })).not.toBeNull();
    expect(oneRunBlocker({ ...base, preambleText: '#if __OPTIMIZE__\n#endif', flags: ['-O2', '-O0'] })).toBeNull();
    expect(optimizeMatters(['-O2', '-g'])).toBe(true);
    expect(optimizeMatters(['-O3', '-O0'])).toBe(false);
    expect(optimizeMatters(['-g'])).toBe(false);
    expect(optimizeMatters(['-Os'])).toBe(true);
  });
  test('the split: the preamble part ends before the split line; warnings and their notes are out of the probe part', () => {
    const out = [
      '. /usr/include/stdio.h',
      "x.go:3:5: warning: unused variable 'a' [-Wunused-variable]",
      'cgo-ls-split:1:1: error: static assertion failed: "cgo-ls-split"',
      "cgo-ls-split:2:24: error: '__cgo_ls_split_undeclared__' undeclared here (not in a function)",
      'not-type:1:29: warning: something [-Wfoo]',
      'x.go:9:1: note: declared here',
      "not-type:1:29: error: '__cgo_undefined__2' undeclared (first use in this function)",
      "completed:1:16: error: '__cgo__2' undeclared here (not in a function)",
      '',
    ].join('\n');
    const s = splitOneRunOutput(out);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(s.preamble).toBe(". /usr/include/stdio.h\nx.go:3:5: warning: unused variable 'a' [-Wunused-variable]");
    expect(s.probe).not.toMatch(/warning|note: declared here|cgo-ls-split/);
    expect(s.probe).toMatch(/^not-type:1:29: error/m);
    expect(splitOneRunOutput(out + "x.go:2:12: warning: 'g' used but never defined\n")).toMatchObject({ ok: false });
    expect(splitOneRunOutput(out.replace('cgo-ls-split:2:24: error', 'cgo-ls-split:2:1: error: expected'))).toMatchObject({ ok: false });
    expect(splitOneRunOutput(out.replace(/^cgo-ls-split:1:.*\n/m, ''))).toMatchObject({ ok: false });
    expect(splitOneRunOutput("x.go:3:12: error: expected ';' before '_Static_assert'\n" + out)).toMatchObject({ ok: false });
    expect(splitOneRunOutput("x.go:2:1: error: unused variable 'x' [-Werror=unused-variable]\n" + out)).toMatchObject({ ok: false });
  });
});
