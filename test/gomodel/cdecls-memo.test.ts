// The declarations of a long preamble are kept for the next model of the same text (a keystroke outside a generated
// file's preamble), and are exactly what a fresh parse gives; short preambles and changed texts are parsed again.
import { describe, expect, it } from 'vitest';
import { findCDeclarations } from '../../server/src/gomodel/cdecls.js';
import { getCParser, type Parser } from '../../server/src/gomodel/parser.js';

/** A parser that counts its parses (the real tree-sitter-c parser underneath). */
function counting(real: Parser): { parser: Parser; parses: () => number } {
  let n = 0;
  const parser = { parse: (...args: Parameters<Parser['parse']>) => (n++, real.parse(...args)) } as unknown as Parser;
  return { parser, parses: () => n };
}

/** A generated-looking preamble of `n` declarations (about 60 characters each). */
const preamble = (n: number, tag = '') =>
  [
    '#cgo CFLAGS: -DX',
    '#include <stddef.h>',
    ...Array.from({ length: n }, (_, i) => `typedef void (*fn${tag}${i})(int a, const char *b);\nextern int v${tag}${i};`),
  ].join('\n');

describe('the preamble declaration memo', () => {
  it('a long preamble is parsed once for two models of the same text, with the same declarations as a fresh parse', async () => {
    const real = await getCParser();
    const { parser, parses } = counting(real);
    const text = preamble(400);
    const first = findCDeclarations(parser, text);
    const second = findCDeclarations(parser, text);
    expect(parses()).toBe(1);
    expect(second).toEqual(first);
    expect(first.filter((d) => d.kind === 'variable')).toHaveLength(400);
    // A copy of the text that is not the same string object is the same key.
    expect(findCDeclarations(parser, (' ' + text).slice(1))).toBe(first);
    expect(parses()).toBe(1);
  });

  it('a changed long preamble is parsed again, and short preambles are never kept', async () => {
    const real = await getCParser();
    const { parser, parses } = counting(real);
    const text = preamble(400, 'b');
    findCDeclarations(parser, text);
    const changed = findCDeclarations(parser, text.replace('extern int vb0;', 'extern int vb0, vb0x;'));
    expect(parses()).toBe(2);
    expect(changed.some((d) => d.name === 'vb0x')).toBe(true);
    const short = preamble(2, 'c');
    findCDeclarations(parser, short);
    findCDeclarations(parser, short);
    expect(parses()).toBe(4);
  });

  it('keeps only the last few long preambles', async () => {
    const real = await getCParser();
    const { parser, parses } = counting(real);
    const texts = Array.from({ length: 6 }, (_, i) => preamble(200, `m${i}_`));
    for (const t of texts) findCDeclarations(parser, t);
    expect(parses()).toBe(6);
    findCDeclarations(parser, texts[5]!); // kept
    expect(parses()).toBe(6);
    findCDeclarations(parser, texts[0]!); // evicted
    expect(parses()).toBe(7);
  });
});
