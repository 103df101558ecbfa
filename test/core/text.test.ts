import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../server/src/core/text.js';

describe('LineIndex', () => {
  it('finds the same line starts as a character-by-character scan (any text, \\r\\n and lone \\r included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', 'é', '😀', ' ') }), (text) => {
        const naive = [0];
        for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) naive.push(i + 1);
        expect(new LineIndex(text).lineStarts).toEqual(naive);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('LineIndex.of shares one index per text (a big file is scanned once, not once per stage)', () => {
    const text = 'package p\n'.repeat(1000);
    const a = LineIndex.of(text);
    expect(LineIndex.of(text)).toBe(a);
    expect(LineIndex.of(text + 'x')).not.toBe(a);
    expect(LineIndex.of(text + 'x').lineCount).toBe(1001);
  });
});
