// The editor-facing logic of C inside Go files, on a hand-built index (no compiler): what is being completed,
// which call the cursor is in, the Go type of a local name, signatures, definitions and #include links.
import { describe, expect, it } from 'vitest';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import type { CIndex, CEntity } from '../../server/src/compiler/cindex.js';
import {
  callAt,
  completeCNames,
  completeFields,
  completionContext,
  definitionAt,
  goTypeOfName,
  hoverAt,
  includeLinks,
  signatureAt,
} from '../../server/src/engine/cintel.js';

const GO = '/work/p/main.go';
const pos = (line: number, character: number) => ({ line, character });

function index(): CIndex {
  const e = (x: Partial<CEntity> & { name: string }): [string, CEntity] => [
    x.name,
    { kind: 'func', cDecl: '', goType: '', file: GO, line: 1, tier: 'preamble', ...x } as CEntity,
  ];
  return {
    key: 'k',
    preambleSig: '',
    goFile: GO,
    entities: new Map([
      e({
        name: 'add',
        goType: 'func(a C.int, b C.int) C.int',
        cDecl: 'static inline int add(int a, int b);',
        params: [
          { name: 'a', cText: 'int a', goType: 'C.int' },
          { name: 'b', cText: 'int b', goType: 'C.int' },
        ],
        result: { cText: 'int', goType: 'C.int' },
        line: 5,
      }),
      e({ name: 'mk', goType: 'func() *C.struct_rec', params: [], result: { cText: 'struct rec *', goType: '*C.struct_rec' } }),
      e({ name: 'puts', goType: 'func(s *C.char) C.int', tier: 'direct', file: '/nonexistent/stdio.h', line: 661 }),
      e({ name: 'struct_rec', kind: 'type', goType: 'struct { … }', tagKey: 'struct rec' }),
      e({ name: 'rec_t', kind: 'type', goType: 'C.struct_rec', tagKey: 'struct rec' }),
      e({ name: 'struct_in', kind: 'type', goType: 'struct { … }', tagKey: 'struct in' }),
    ]),
    tags: new Map([
      [
        'struct rec',
        {
          tag: 'struct',
          name: 'rec',
          complete: true,
          droppedFields: [],
          enumValues: [],
          file: GO,
          line: 4,
          fields: [
            { cName: 'id', goName: 'id', type: { k: 'base', name: 'int' }, goType: 'C.int', text: 'int id;', file: GO, line: 4 },
            { cName: 'type', goName: '_type', type: { k: 'base', name: 'int' }, goType: 'C.int', text: 'int type;', file: GO, line: 4 },
            {
              cName: 'inner',
              goName: 'inner',
              type: { k: 'tag', tag: 'struct', name: 'in', key: 'struct in' },
              goType: 'C.struct_in',
              text: 'struct in inner;',
              file: GO,
              line: 4,
            },
          ],
        },
      ],
      [
        'struct in',
        {
          tag: 'struct',
          name: 'in',
          complete: true,
          droppedFields: [],
          enumValues: [],
          file: GO,
          line: 3,
          fields: [{ cName: 'depth', goName: 'depth', type: { k: 'base', name: 'int' }, goType: 'C.int', text: 'int depth;', file: GO, line: 3 }],
        },
      ],
    ]),
    typedefs: new Map(),
    includes: new Map([[2, '/usr/include/stdio.h']]),
    files: [{ file: '/usr/include/stdio.h', mtimeMs: 1, size: 1 }],
    ccMs: 0,
    parseMs: 0,
    skipped: new Map([['printf', 'variadic: cgo cannot call C functions with `...` (write a C wrapper)']]),
  } as CIndex;
}

describe('completionContext', () => {
  it('after C. and in a partly typed name, but not in comments, strings or other selectors', () => {
    expect(completionContext('\tx := C.', pos(0, 8))).toEqual({ kind: 'cname', prefix: '', range: { start: pos(0, 8), end: pos(0, 8) } });
    expect(completionContext('\tC.sqli', pos(0, 7))).toMatchObject({ kind: 'cname', prefix: 'sqli', range: { start: pos(0, 3) } });
    expect(completionContext('\t// C.', pos(0, 6))).toBeNull();
    expect(completionContext('\ts := "C.', pos(0, 9))).toBeNull();
    expect(completionContext('\tx.C.', pos(0, 5))).toMatchObject({ kind: 'field', chain: ['x', 'C'] });
    expect(completionContext('\tv.inner.de', pos(0, 11))).toEqual({
      kind: 'field',
      chain: ['v', 'inner'],
      prefix: 'de',
      range: { start: pos(0, 9), end: pos(0, 11) },
    });
  });
});

describe('values of C struct types', () => {
  const idx = index();
  it.each([
    ['var v C.struct_rec\n', 'C.struct_rec'],
    ['func f(a int, v *C.rec_t) {\n', '*C.rec_t'],
    ['v := C.struct_rec{}\n', 'C.struct_rec'],
    ['v := &C.struct_rec{id: 1}\n', '*C.struct_rec'],
    ['v := C.mk()\n', '*C.struct_rec'],
    ['v := (*C.struct_rec)(unsafe.Pointer(p))\n', '*C.struct_rec'],
    ['v := new(C.rec_t)\n', '*C.rec_t'],
  ])('%s → %s', (decl, type) => {
    const text = decl + 'v.';
    expect(goTypeOfName(text, 'v', text.length, idx)).toBe(type);
  });

  it("completes fields through a chain, with cgo's names", () => {
    const text = 'var v C.struct_rec\n_ = v.inner.';
    const ctx = completionContext(text, pos(1, 12))!;
    const items = completeFields(idx, text, pos(1, 12), ctx as Extract<typeof ctx, { kind: 'field' }>)!;
    expect(items.map((i) => i.label)).toEqual(['depth']);
    const top = completeFields(idx, 'var v C.rec_t\nv.', pos(1, 2), { kind: 'field', chain: ['v'], prefix: '', range: { start: pos(1, 2), end: pos(1, 2) } })!;
    expect(top.map((i) => [i.label, i.detail])).toEqual([
      ['id', 'C.int'],
      ['_type', 'C.int'],
      ['inner', 'C.struct_in'],
    ]);
    expect(completeFields(idx, 'x := 3\nx.', pos(1, 2), { kind: 'field', chain: ['x'], prefix: '', range: { start: pos(1, 2), end: pos(1, 2) } })).toBeNull();
  });
});

describe('completion items', () => {
  it('ranks the preamble first, then direct headers, then cgo builtins; leaves the builtin malloc out when the index has one', () => {
    const items = completeCNames(index(), { prefix: '', range: { start: pos(0, 0), end: pos(0, 0) } });
    const labels = items.map((i) => i.label);
    expect(labels.indexOf('add')).toBeLessThan(labels.indexOf('puts'));
    expect(labels.indexOf('puts')).toBeLessThan(labels.indexOf('CString'));
    expect(labels).toContain('malloc');
    expect(items.find((i) => i.label === 'CString')).toMatchObject({ kind: 'function', detail: 'func(string) *C.char' });
    expect(items.find((i) => i.label === 'add')!.documentation).toContain('func C.add(a C.int, b C.int) C.int');
    expect(items.find((i) => i.label === 'puts')!.documentation).toContain('`/nonexistent/stdio.h:661`');
  });
});

describe('signature help', () => {
  it('finds the innermost C call and the argument index', () => {
    expect(callAt('C.add(1, ', pos(0, 9))).toEqual({ name: 'add', argIndex: 1 });
    expect(callAt('C.add(f(1, 2), "a,b", ', pos(0, 22))).toEqual({ name: 'add', argIndex: 2 });
    expect(callAt('C.add(1); x(', pos(0, 12))).toBeNull();
    expect(callAt('fmt.Println(C.add(', pos(0, 18))).toEqual({ name: 'add', argIndex: 0 });
    const sh = signatureAt('C.add(1, ', pos(0, 9), index())!;
    expect(sh.signatures.map((s) => s.label)).toEqual(['C.add(a C.int, b C.int) C.int', 'int add(int a, int b)']);
    expect(sh.activeParameter).toBe(1);
    expect(signatureAt('C.CString(', pos(0, 10), index())!.signatures[0]!.label).toBe('C.CString(string) *C.char');
  });
});

describe('definition, links and hover', () => {
  const text = `package main

// #include <stdio.h>
// static inline int add(int a, int b) { return a + b; }
import "C"

func main() { C.puts(nil); _ = C.add(1, 2); C.printf(nil) }

//export Hello
func Hello() {}
`;
  it('C.name → declaration, #include → header, //export → Go func', async () => {
    const model = await parseGoFile(GO, text);
    const idx = index();
    expect(definitionAt(model, text, pos(6, 16), idx)).toEqual([{ file: '/nonexistent/stdio.h', range: { start: pos(660, 0), end: pos(660, 0) } }]);
    const add = definitionAt(model, text, pos(6, 34), { ...idx, entities: new Map([['add', { ...idx.entities.get('add')!, line: 4 }]]) })!;
    expect(add[0]).toEqual({ file: GO, range: { start: pos(3, 21), end: pos(3, 24) } });
    expect(definitionAt(model, text, pos(2, 12), idx)).toEqual([{ file: '/usr/include/stdio.h', range: { start: pos(0, 0), end: pos(0, 0) } }]);
    expect(definitionAt(model, text, pos(8, 10), null)).toEqual([{ file: GO, range: { start: pos(9, 5), end: pos(9, 10) } }]);
    expect(includeLinks(model, idx)).toEqual([{ range: { start: pos(2, 13), end: pos(2, 20) }, header: 'stdio.h', file: '/usr/include/stdio.h' }]);
  });

  it('hover: the Go form and the C declaration; why a name is not usable', async () => {
    const model = await parseGoFile(GO, text);
    expect(hoverAt(model, text, pos(6, 34), index())).toContain('func C.add(a C.int, b C.int) C.int');
    expect(hoverAt(model, text, pos(6, 47), index())).toMatch(/not usable from Go: variadic/);
    const withField = text.replace('func main() {', 'func main() {\n\tvar r C.struct_rec\n\t_ = r.inner.depth + r._type\n');
    const m2 = await parseGoFile(GO, withField);
    const line = withField.split('\n').findIndex((l) => l.includes('r.inner.depth'));
    const col = withField.split('\n')[line]!.indexOf('_type');
    expect(hoverAt(m2, withField, pos(line, col + 1), index())).toContain('cgo renames the C field `type` to `_type`');
    expect(hoverAt(m2, withField, pos(line, withField.split('\n')[line]!.indexOf('depth')), index())).toContain('depth C.int // field of C.struct_in');
    expect(definitionAt(m2, withField, pos(line, col + 1), index())).toEqual([{ file: GO, range: { start: pos(3, 0), end: pos(3, 0) } }]);
    // C.sizeof_T: the size of the type, for complete types and cgo's numeric types.
    const withSizeof = text.replace('func main() {', 'func main() {\n\t_ = C.sizeof_struct_rec + C.sizeof_int\n');
    const m3 = await parseGoFile(GO, withSizeof);
    const sl = withSizeof.split('\n').findIndex((l) => l.includes('C.sizeof_struct_rec'));
    const sline = withSizeof.split('\n')[sl]!;
    expect(hoverAt(m3, withSizeof, pos(sl, sline.indexOf('sizeof_struct_rec') + 2), index())).toContain('`sizeof(struct rec)`');
    expect(hoverAt(m3, withSizeof, pos(sl, sline.indexOf('sizeof_int') + 2), index())).toContain('`sizeof(int)`');
  });
});
