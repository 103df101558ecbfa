// `C.name` references past the modelled part of a file over the cap (gomodel/pastcap.ts): lexed at the position,
// never inside a comment, a string or a rune literal, whatever line those began on.
import { describe, expect, it, vi } from 'vitest';
import { LineIndex } from '../../server/src/core/text.js';
import { MAX_ANALYSED_CHARS, parseGoFile } from '../../server/src/gomodel/model.js';
import { cRefPastCap, isGoCodeAt, withRefAt } from '../../server/src/gomodel/pastcap.js';

const PREAMBLE = `package p

/*
static int big_add(int a, int b) { return a + b; }
*/
import "C"

`;

function bigFile(tail: string): string {
  let text = PREAMBLE;
  for (let i = 0; text.length < 2 * MAX_ANALYSED_CHARS; i++) text += `func f${i}(x int) int {\n\treturn x + ${i}\n}\n\n`;
  return text + tail;
}

const at = (text: string, needle: string, delta = 2) => {
  const off = text.lastIndexOf(needle) + delta;
  const before = text.slice(0, off);
  const line = before.split('\n').length - 1;
  return { line, character: off - before.lastIndexOf('\n') - 1 };
};

describe('isGoCodeAt', () => {
  it('tells code from comments, interpreted, raw and rune literals, and from an unterminated literal', () => {
    const t = 'a := "x // y" + `z\n/* w` // c\nb /* d\ne */ f \'"\' g "h\\"i" j "k\nl';
    const code = (s: string) => isGoCodeAt(t, t.indexOf(s));
    expect(code('a')).toBe(true);
    expect(code('x')).toBe(false);
    expect(code('y')).toBe(false);
    expect(code('z')).toBe(false);
    expect(code('w')).toBe(false);
    expect(code('c')).toBe(false);
    expect(code('b')).toBe(true);
    expect(code('d')).toBe(false);
    expect(code('e')).toBe(false);
    expect(code('f')).toBe(true);
    expect(code('g')).toBe(true);
    expect(code('i')).toBe(false);
    expect(code('j')).toBe(true);
    expect(code('k')).toBe(false);
    expect(code('l')).toBe(true); // a newline ends the unterminated "k
  });
});

describe('cRefPastCap', () => {
  const tail = [
    'func use() {',
    '\t_ = C.big_add(1, 2)',
    '\t// C.big_comment(1)',
    '\t_ = "C.big_string(1)"',
    '\t/*',
    '\t\tC.big_block(1)',
    '\t*/',
    '\t_ = `',
    '\tC.big_raw(1)',
    '\t`',
    '\t_ = x.C.big_field',
    '\t_ = C . big_spaced',
    '}',
    '',
  ].join('\n');
  const text = bigFile(tail);

  it('finds the C.name selector of Go code past the cut, with its ranges and call context', async () => {
    const m = await parseGoFile('/tmp/big.go', text);
    expect(m.limited?.reason).toBe('size');
    const pos = at(text, 'C.big_add', 4);
    expect(m.cRefs.some((r) => r.name === 'big_add')).toBe(false); // the model stops before it
    const ref = cRefPastCap(m, text, pos)!;
    expect(ref.name).toBe('big_add');
    expect(ref.context).toBe('call');
    expect(ref.range.start).toEqual({ line: pos.line, character: 5 });
    expect(ref.nameRange).toEqual({ start: { line: pos.line, character: 7 }, end: { line: pos.line, character: 14 } });
    expect(cRefPastCap(m, text, at(text, 'C.big_add', 0))?.name).toBe('big_add'); // on the `C`
    expect(cRefPastCap(m, text, at(text, 'C . big_spaced', 6))?.name).toBe('big_spaced');
    expect(withRefAt(m, text, pos).cRefs.at(-1)?.name).toBe('big_add');
    expect(m.cRefs.some((r) => r.name === 'big_add')).toBe(false); // the model itself is not changed
  });

  it('finds nothing in a comment, a string, a block comment or a raw string begun on an earlier line, or on x.C.name', async () => {
    const m = await parseGoFile('/tmp/big.go', text);
    for (const n of ['C.big_comment', 'C.big_string', 'C.big_block', 'C.big_raw', 'C.big_field']) {
      expect(cRefPastCap(m, text, at(text, n, 4)), n).toBeNull();
    }
    expect(cRefPastCap(m, text, at(text, '_ = C.big_add', 1))).toBeNull(); // on `_`, not on the selector
  });

  it('adds nothing inside the modelled part or for a file under the cap', async () => {
    const m = await parseGoFile('/tmp/big.go', text);
    // Inside the modelled part no line index of the whole text is built (a 20 MB file's took ≈ 150 ms).
    const of = vi.spyOn(LineIndex, 'of');
    try {
      expect(cRefPastCap(m, text, { line: 3, character: 14 })).toBeNull();
      expect(of).not.toHaveBeenCalled();
    } finally {
      of.mockRestore();
    }
    const small = `${PREAMBLE}func g() { _ = C.big_add(1, 2) }\n`;
    const sm = await parseGoFile('/tmp/small.go', small);
    expect(cRefPastCap(sm, small, at(small, 'C.big_add', 4))).toBeNull();
    expect(withRefAt(sm, small, at(small, 'C.big_add', 4))).toBe(sm);
  });
});
