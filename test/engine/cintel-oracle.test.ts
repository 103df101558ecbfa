// Correct by construction: the names offered after `C.` are inserted into a Go file as uses exactly as offered
// (kind and Go signature from the completion item: a call with arguments of the offered parameter types and a
// result of the offered type, `&C.v` of the offered type, constants of the offered kind, types of the offered
// completeness, struct fields by their offered Go name and type) and the real `go vet` and `go build` must accept
// them. Names cgo cannot use must be absent — and the real go build must reject each of them.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { CIndexStore, type CIndex } from '../../server/src/compiler/cindex.js';
import { completeCNames, completeFields, completionContext, type CCompletionItem } from '../../server/src/engine/cintel.js';

const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '1' };

const PREAMBLE = `#cgo LDFLAGS: -lsqlite3
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

struct point { int x; int type; int _type; double range; unsigned flag:1; };
typedef struct point point_t;
enum color { RED, GREEN = 5, BLUE };
typedef enum { SMALL = -1, LARGE = 1 } size_kind;
typedef struct { int a; char name[16]; } anon_t;
typedef char *str_t;
typedef void (*callback_t)(int);
static inline int add(int a, int b) { return a + b; }
static inline void *identity(void *p) { return p; }
static inline int use_str(str_t s) { return s ? 1 : 0; }
static inline int first(int arr[4]) { return arr[0]; }
static inline void call_cb(callback_t cb, int v) { if (cb) cb(v); }
static inline struct point make_point(int x) { struct point p = {0}; p.x = x; return p; }
static inline enum color pick(enum color c) { return c; }
static inline size_kind kind_of(size_kind k) { return k; }
static inline const char *greeting(void) { return "hi"; }
static inline long double ld_twice(long double x) { return x * 2; }
static inline int vsum(int n, ...) { return n; }
static int counter;
#define MYINT (1 << 4)
#define MYNEG (-MYINT)
#define MYHEX 0xffffffffUL
#define MYSTR "hi" " there"
#define MYF 1.5
#define MYMAX(a, b) ((a) > (b) ? (a) : (b))
#define MYPTR ((void *)0)`;

/** Names cgo cannot use from Go; each must be absent from completion, and the real build must fail on it. */
const UNUSABLE: { name: string; use: string }[] = [
  { name: 'printf', use: 'C.printf(nil)' },
  { name: 'vsum', use: 'C.vsum(1)' },
  { name: 'ld_twice', use: '_ = C.ld_twice' },
  { name: 'counter', use: 'println(C.counter)' },
  { name: 'MYMAX', use: '_ = C.MYMAX(1, 2)' },
];

function goFile(uses: string): string {
  const pre = PREAMBLE.split('\n')
    .map((l) => `// ${l}`.trimEnd())
    .join('\n');
  // Every use function is referenced from a package variable, so the linker keeps it and resolves its symbols.
  const funcs = [...uses.matchAll(/^func (use\w*)\(/gm)].map((m) => m[1]);
  return `package main\n\n${pre}\nimport "C"\n\nimport (\n\t"os"\n\t"unsafe"\n)\n\nvar _ unsafe.Pointer\n\nvar uses = []func(){${funcs.join(', ')}}\n\nfunc main() {\n\tif len(os.Args) > 1000 {\n\t\tfor _, f := range uses {\n\t\t\tf()\n\t\t}\n\t}\n}\n\n${uses}\n`;
}

let dir: string;
let idx: CIndex;
let items: CCompletionItem[];
const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function goRun(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('go', args, { cwd, env: goEnv });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cintel-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/oracle\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'main.go'), goFile(''));
  const engine = new Engine({ env: goEnv });
  const ctx = await engine.cCompileContext(path.join(dir, 'main.go'));
  if (!ctx) throw new Error('no compile context: is gcc installed and cgo enabled? (apt-get install gcc libsqlite3-dev)');
  const store = new CIndexStore({ timeoutMs: () => 60_000 });
  idx = (await store.get(ctx))!;
  items = completeCNames(idx, { prefix: '', range: RANGE });
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Splits a Go parameter list at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The Go code that uses an item exactly as offered (kind + detail). */
function useOf(item: CCompletionItem, i: number): string {
  const n = item.label;
  switch (item.kind) {
    case 'function': {
      const m = /^func\((.*)\)\s*(.*)$/.exec(item.detail);
      if (!m) throw new Error(`bad function detail for ${n}: ${item.detail}`);
      const params = splitTop(m[1]!).map((p) => {
        const sp = /^(\w+) (.+)$/.exec(p);
        return sp && !/^(string|\[\]byte|\*|unsafe\.)/.test(p) ? sp[2]! : p;
      });
      const decls = params.map((t, k) => `\tvar a${k} ${t}\n`).join('');
      const call = `C.${n}(${params.map((_, k) => `a${k}`).join(', ')})`;
      const res = m[2]!.trim();
      return `func use${i}() {\n${decls}${res ? `\tvar r ${res} = ${call}\n\t_ = r\n` : `\t${call}\n`}}\n`;
    }
    case 'variable':
      // A variable that is also a macro is offered as read-only: read it; a plain one is addressable too.
      return `var _ ${item.detail} = C.${n}\n` + (item.documentation.includes('read-only') ? '' : `var _ *${item.detail} = &C.${n}\n`);
    case 'constant':
    case 'enumMember':
      if (item.detail.startsWith('untyped int')) return `const _ = C.${n} & 0\n`;
      if (item.detail.startsWith('untyped float')) return `const _ float64 = C.${n}\n`;
      if (item.detail.startsWith('untyped string')) return `const _ string = C.${n}\n`;
      throw new Error(`bad constant detail for ${n}: ${item.detail}`);
    case 'struct':
    case 'enum':
    case 'class':
      return item.detail.startsWith('incomplete') ? `var _ *C.${n}\n` : `var _ C.${n}\n`;
    default:
      throw new Error(`unexpected kind ${item.kind}`);
  }
}

describe('completion after C. against the real go build', () => {
  it('offers the preamble, sqlite3 and libc names, and leaves out what cgo cannot use', () => {
    const labels = new Set(items.map((i) => i.label));
    for (const n of [
      'add',
      'identity',
      'make_point',
      'struct_point',
      'point_t',
      'enum_color',
      'RED',
      'MYINT',
      'MYSTR',
      'MYF',
      'sqlite3_open',
      'SQLITE_OK',
      'puts',
      'malloc',
      'CString',
      'GoString',
      'int',
      'ulonglong',
      'sizeof_struct_point',
      'sizeof_point_t',
      'sizeof_int',
      'sizeof_anon_t',
    ]) {
      expect(labels, n).toContain(n);
    }
    for (const u of [...UNUSABLE.map((x) => x.name), 'MYPTR', 'sizeof_void', 'sizeof_sqlite3']) expect(labels, u).not.toContain(u);
    // C.sizeof_T comes after T itself.
    expect(items.findIndex((i) => i.label === 'sizeof_struct_point')).toBeGreaterThan(items.findIndex((i) => i.label === 'struct_point'));
    // Ranking: the preamble's own names first, then the directly included headers', then the rest.
    const rank = (n: string) => items.findIndex((i) => i.label === n);
    expect(rank('add')).toBeLessThan(rank('sqlite3_open'));
    expect(rank('sqlite3_open')).toBeLessThan(rank('size_t'));
    expect(items.find((i) => i.label === 'sqlite3_open')!.detail).toBe('func(filename *C.char, ppDb **C.sqlite3) C.int');
    expect(items.find((i) => i.label === 'identity')!.detail).toBe('func(p unsafe.Pointer) unsafe.Pointer');
  });

  it('every sampled item (at least 200) type-checks and builds as offered', async () => {
    const sorted = [...items].sort((a, b) => (a.label < b.label ? -1 : 1));
    const own = sorted.filter((i) => i.sortText.startsWith('0') || i.sortText.startsWith('2'));
    const rest = sorted.filter((i) => !own.includes(i));
    const stride = Math.max(1, Math.floor(rest.length / 260));
    const sample = [...own, ...rest.filter((_, k) => k % stride === 0)];
    expect(sample.length).toBeGreaterThanOrEqual(200);
    const kinds = new Set(sample.map((s) => s.kind));
    for (const k of ['function', 'variable', 'constant', 'enumMember', 'struct', 'class']) expect(kinds, k).toContain(k);
    let uses = sample.map((it, i) => useOf(it, i)).join('');
    // Struct fields as offered after `v.` (cgo renames the Go keyword field `type` to `_type`… or `__type`).
    const fieldTypes = ['struct_point', 'point_t', 'anon_t', 'sqlite3_vfs', 'z_stream'].filter((t) => items.some((i) => i.label === t));
    for (const [k, t] of fieldTypes.entries()) {
      const text = `var v${k} C.${t}\nvar _ = v${k}.`;
      const pos = { line: 1, character: text.split('\n')[1]!.length };
      const ctx = completionContext(text, pos);
      expect(ctx?.kind).toBe('field');
      const fields = completeFields(idx, text, pos, ctx as Extract<typeof ctx, { kind: 'field' }> & object)!;
      expect(fields, t).not.toBeNull();
      expect(fields.length, t).toBeGreaterThan(0);
      uses += `var v${k} C.${t}\n` + fields.map((f) => `var _ ${f.detail} = v${k}.${f.label}\n`).join('');
    }
    const pointFields = completeFields(idx, 'var p C.struct_point\np.', { line: 1, character: 2 }, { kind: 'field', chain: ['p'], prefix: '', range: RANGE })!;
    expect(pointFields.map((f) => f.label)).toEqual(['x', '__type', '_type', '_range']);
    fs.writeFileSync(path.join(dir, 'main.go'), goFile(uses));
    const vet = await goRun(['vet', '.'], dir);
    expect(vet.out, vet.out.slice(0, 4000)).toBe('');
    expect(vet.code).toBe(0);
    // Linking: sqlite3.h declares a few functions unconditionally that a distribution's libsqlite3 may be built
    // without (SQLITE_ENABLE_SNAPSHOT, win32 helpers). Those, and only those, may fail to link: each must be
    // missing from the library's dynamic symbol table. Anything else is a wrong item.
    const build = await goRun(['build', '-o', os.devNull, '.'], dir);
    if (build.code !== 0) {
      const undef = [...build.out.matchAll(/undefined reference to `(\w+)'/g)].map((m) => m[1]!);
      expect(undef.length, build.out.slice(0, 4000)).toBeGreaterThan(0);
      const lib = execFileSync('gcc', ['-print-file-name=libsqlite3.so'], { encoding: 'utf8' }).trim();
      const exported = new Set(
        execFileSync('nm', ['-D', '--defined-only', lib], { encoding: 'utf8', maxBuffer: 64 << 20 })
          .split('\n')
          .map((l) => l.split(' ').pop()!),
      );
      for (const u of undef) {
        expect(u.startsWith('sqlite3_'), `${u}: undefined at link time\n${build.out.slice(0, 2000)}`).toBe(true);
        expect(exported.has(u), `${u} is in ${lib}, yet did not link`).toBe(false);
      }
      const other = build.out
        .split('\n')
        .filter((l) => /error|cannot|undefined:/.test(l) && !/undefined reference|ld returned|running gcc failed|collect2/.test(l));
      expect(other, build.out.slice(0, 4000)).toEqual([]);
    }
  }, 300_000);

  it('each name left out really is unusable: the real go build rejects it', async () => {
    const results = await Promise.all(
      UNUSABLE.map(async (u) => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cintel-neg-'));
        try {
          fs.writeFileSync(path.join(d, 'go.mod'), 'module example.com/neg\n\ngo 1.21\n');
          fs.writeFileSync(path.join(d, 'main.go'), goFile(`func use() {\n\t${u.use}\n}\n`));
          const r = await goRun(['build', '-o', os.devNull, '.'], d);
          return { name: u.name, ...r };
        } finally {
          fs.rmSync(d, { recursive: true, force: true });
        }
      }),
    );
    for (const r of results) expect(r.code, `${r.name} should not build:\n${r.out}`).not.toBe(0);
    expect(idx.skipped.get('vsum')).toMatch(/variadic/);
    expect(idx.skipped.get('MYMAX')).toMatch(/function-like macro/);
    expect(idx.skipped.get('counter')).toMatch(/static variable/);
  }, 300_000);
});
