// The C name index: constant expressions classified the way cgo's kind probe does, C base types named as cgo
// names them, preprocessor output (line markers, -dD defines) turned into entities with the Go-side types of
// cmd/cgo's typeConv, and the store's rules: one compiler run per (preamble, flags, toolchain), cancellable,
// refreshed when a header it read changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCParser, type Parser } from '../../server/src/gomodel/parser.js';
import { baseName, CIndexStore, evalConst, parsePreprocessed, preprocessArgv, type CIndexInput, type ConstEnv } from '../../server/src/compiler/cindex.js';
import { processStats } from '../../server/src/util/proc.js';

const env: ConstEnv = {
  macro: (n) => ({ A: '4', B: '(A << 2)', SELF: 'SELF', LOOP: 'LOOP2', LOOP2: 'LOOP' })[n] ?? null,
  enumConst: (n) => (n === 'E1' ? 7n : null),
  typedefBase: (n) => (n === 'u32' ? 'uint' : n === 'vp' ? 'ptr' : null),
  longBits: 64,
  ptrBits: 64,
};

describe('evalConst (what cgo accepts as iconst / fconst / sconst)', () => {
  it.each([
    ['0', 'int', 0n],
    ['(1 << 4)', 'int', 16n],
    ['0xffffffffUL', 'int', 0xffffffffn],
    ['(-1)', 'int', -1n],
    ['~0U', 'int', 0xffffffffn],
    ['(B | 1)', 'int', 17n],
    ["'A'", 'int', 65n],
    ['E1 + 1', 'int', 8n],
    ['((u32)-1)', 'int', 0xffffffffn],
    ['(15 * sizeof (int) - 4 * sizeof (void *) - sizeof (unsigned long))', 'int', 20n],
    ['1 ? 2 : 3', 'int', 2n],
    ['010', 'int', 8n],
  ])('%s is an integer constant', (text, kind, v) => {
    const r = evalConst(text, env);
    expect(r?.kind).toBe(kind);
    expect(r && r.kind === 'int' ? r.v : null).toBe(v);
  });

  it('floats and strings', () => {
    expect(evalConst('1.5', env)).toEqual({ kind: 'float', v: 1.5 });
    expect(evalConst('(1e3f)', env)).toEqual({ kind: 'float', v: 1000 });
    expect(evalConst('"a" "b"', env)).toEqual({ kind: 'str', v: 'ab' });
    expect(evalConst('("3.40.1")', env)).toEqual({ kind: 'str', v: '3.40.1' });
  });

  it.each(['((void *)0)', '((vp)0)', 'foo(1)', 'SELF', 'LOOP', '1.5 % 2', '1 / 0', 'L"wide"', 'sizeof(struct x)', 'x + 1', ''])(
    '%s is not a constant cgo can read',
    (text) => {
      expect(evalConst(text, env)).toBeNull();
    },
  );
});

describe('baseName (cmd/cgo dwarfToName)', () => {
  it.each([
    [['unsigned', 'long', 'int'], 'ulong'],
    [['long', 'long'], 'longlong'],
    [['long', 'long', 'unsigned'], 'ulonglong'],
    [['short', 'unsigned'], 'ushort'],
    [['signed', 'char'], 'schar'],
    [['unsigned', 'char'], 'uchar'],
    [['char'], 'char'],
    [['unsigned'], 'uint'],
    [['long', 'double'], 'longdouble'],
    [['_Bool'], '_Bool'],
    [['float', '_Complex'], 'complexfloat'],
  ])('%j → %s', (words, name) => expect(baseName(words)).toBe(name));
});

/** A hand-written `gcc -E -dD` output: the prolog, the preamble (with #line to main.go), a header it includes. */
const GO = '/work/x/main.go';
const OUT = [
  '# 0 "<stdin>"',
  '# 0 "<built-in>"',
  '#define __GNUC__ 12',
  '# 1 "<stdin>"',
  '# 1 "cgo-builtin-prolog"',
  '# 1 "/usr/lib/gcc/include/stddef.h" 1 3 4',
  'typedef long int ptrdiff_t;',
  'typedef long unsigned int size_t;',
  '# 3 "cgo-builtin-prolog" 2',
  'typedef ptrdiff_t intgo;',
  '# 4 "/work/x/main.go"',
  '# 1 "/usr/include/lib.h" 1 3 4',
  '#define LIB_OK 0',
  '#define LIB_VERSION "1.2"',
  '#define LIB_CALL(x) (x)',
  'typedef struct lib lib;',
  'typedef void (*lib_cb)(void *);',
  'typedef lib *lib_handle;',
  'extern int lib_open(const char *name, lib **out);',
  'extern int lib_close(lib_handle h);',
  'extern int lib_printf(const char *fmt, ...);',
  'extern long double lib_ld(void);',
  'extern void *lib_data;',
  'extern int __lib_internal;',
  'extern size_t size(int n);',
  '# 5 "/work/x/main.go" 2',
  '',
  'struct rec { int id; char name[8]; int func; unsigned bits:3; };',
  'enum mode { M_A = -1, M_B };',
  'static inline int twice(int v[2], lib_cb cb) { return v[0] * 2; }',
  'static int hidden;',
  '#define REC_MAX (LIB_OK + 8)',
  '#define stdout_ish lib_data',
  '# 1 "cgo-generated-wrapper"',
  '',
].join('\n');

let parser: Parser;
beforeAll(async () => {
  parser = await getCParser();
});

describe('parsePreprocessed', () => {
  it('finds every usable name with its Go-side type, file, line and tier', () => {
    const idx = parsePreprocessed(OUT, parser, { goFile: GO, goos: 'linux', goarch: 'amd64', preambleText: '#include <lib.h>' });
    const e = (n: string) => idx.entities.get(n);
    expect(e('lib_open')).toMatchObject({ kind: 'func', goType: 'func(name *C.char, out **C.lib) C.int', file: '/usr/include/lib.h', line: 7, tier: 'direct' });
    // FuncArg: a typedef'd pointer parameter becomes *X.
    expect(e('lib_close')?.goType).toBe('func(h *C.lib) C.int');
    expect(e('lib_data')).toMatchObject({ kind: 'var', goType: 'unsafe.Pointer' });
    expect(e('LIB_OK')).toMatchObject({ kind: 'iconst', value: '0', line: 1 });
    expect(e('LIB_VERSION')).toMatchObject({ kind: 'sconst', value: '1.2' });
    expect(e('lib')).toMatchObject({ kind: 'type', incomplete: true });
    expect(e('struct_rec')).toMatchObject({ kind: 'type', tier: 'preamble', file: GO, line: 6 });
    expect(e('enum_mode')?.goType).toBe('int32');
    expect(e('M_A')).toMatchObject({ kind: 'enumconst', value: '-1' });
    expect(e('twice')?.goType).toBe('func(v *C.int, cb *[0]byte) C.int');
    expect(e('REC_MAX')).toMatchObject({ kind: 'iconst', value: '8', tier: 'preamble' });
    expect(e('size_t')).toMatchObject({ tier: 'transitive', goType: 'C.ulong' });
    // The C result type is what precedes the function's own name, not an earlier `size` inside `size_t`.
    expect(e('size')?.result).toEqual({ cText: 'size_t', goType: 'C.size_t' });
    expect(idx.tags.get('struct rec')!.fields.map((f) => [f.goName, f.goType])).toEqual([
      ['id', 'C.int'],
      ['name', '[8]C.char'],
      ['_func', 'C.int'],
    ]);
    expect(idx.includes.get(3)).toBe('/usr/include/lib.h');
  });

  it('leaves out what cgo cannot use, and says why', () => {
    const idx = parsePreprocessed(OUT, parser, { goFile: GO, goos: 'linux', goarch: 'amd64' });
    for (const n of ['lib_printf', 'lib_ld', 'hidden', 'LIB_CALL', '__lib_internal', '__GNUC__', 'intgo', 'stdout_ish'])
      expect(idx.entities.has(n), n).toBe(false);
    expect(idx.skipped.get('lib_printf')).toMatch(/variadic/);
    expect(idx.skipped.get('lib_ld')).toMatch(/long double/);
    expect(idx.skipped.get('hidden')).toMatch(/static variable/);
    expect(idx.skipped.get('LIB_CALL')).toMatch(/function-like macro/);
  });

  it('never throws on junk', () => {
    for (const junk of ['', '#', '# 1 "', 'struct { ;;; }', '# 99999999999 "x" 1 2 3\n}}}{{{', '\0\0\0']) {
      expect(() => parsePreprocessed(junk, parser, { goFile: GO, goos: 'linux' })).not.toThrow();
    }
  });
});

describe('CIndexStore with the real compiler', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cindex-'));
  const header = path.join(dir, 'mine.h');
  fs.writeFileSync(header, 'int mine_one(void);\n');
  const input = (text: string): CIndexInput => ({
    goFile: path.join(dir, 'main.go'),
    cc: ['gcc'],
    cppflags: [`-I${dir}`],
    cflags: ['-O2', '-g'],
    preambles: [{ firstLine: 2, lines: text.split('\n').map((t, i) => ({ text: t, goLine: 2 + i, goCol: 3 })) }],
    env: process.env,
    cwd: dir,
    goos: 'linux',
    goarch: 'amd64',
    fingerprint: 'test',
  });

  it('runs `cc -E -dD` with the package flags (without -g) once, then serves from memory', async () => {
    expect(preprocessArgv(input('x'))).toEqual(['gcc', '-m64', `-I${dir}`, '-O2', '-E', '-dD', '-xc', '-']);
    const store = new CIndexStore({ timeoutMs: () => 30_000 });
    const a = await store.get(input('#include "mine.h"'));
    expect(a?.entities.get('mine_one')?.goType).toBe('func() C.int');
    const started = processStats.started;
    const b = await store.get(input('#include "mine.h"'));
    expect(b).toBe(a);
    expect(store.current(path.join(dir, 'main.go'), a!.preambleSig)).toBe(a);
    expect(processStats.started).toBe(started);
    expect(store.builds).toBe(1);
  });

  it("prefetch builds a file's first index once in the background; the request that follows joins or reuses it", async () => {
    const logs: string[] = [];
    const store = new CIndexStore({ timeoutMs: () => 30_000, log: (m) => logs.push(m) });
    const inp = input('#include "mine.h"');
    expect(store.prefetch(inp)).toBe(true);
    expect(store.prefetch(inp)).toBe(false); // being built
    const a = await store.get(inp);
    expect(a?.entities.get('mine_one')?.goType).toBe('func() C.int');
    expect(store.builds).toBe(1);
    expect(store.prefetch(inp)).toBe(false); // built
    // Another preamble of the same file: built on the request that needs it, not by prefetch.
    expect(store.prefetch(input('#include "mine.h"\n#define MORE 1'))).toBe(false);
    expect(store.builds).toBe(1);
    await expect.poll(() => logs.some((l) => /built in the background in \d+ ms \(cc -E \d+ ms, parse \d+ ms, \d+ names\)/.test(l))).toBe(true);
  });

  it('a changed header is picked up (the stale index is served meanwhile)', async () => {
    const store = new CIndexStore({ timeoutMs: () => 30_000 });
    const a = (await store.get(input('#include "mine.h"')))!;
    fs.writeFileSync(header, 'int mine_one(void);\nint mine_two(int);\n');
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(header, future, future);
    const stale = await store.get(input('#include "mine.h"'));
    expect(stale).toBe(a);
    await expect.poll(() => store.lastFor(path.join(dir, 'main.go'))?.entities.has('mine_two'), { timeout: 30_000 }).toBe(true);
  });

  it('a cancelled first request kills the preprocessor and caches nothing', async () => {
    const store = new CIndexStore({ timeoutMs: () => 30_000 });
    const ac = new AbortController();
    const p = store.get(input('#include <stdio.h>\n#include "mine.h"\n/* cancel */'), ac.signal);
    ac.abort();
    expect(await p).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(store.lastFor(path.join(dir, 'main.go'))).toBeUndefined();
  });
});
