import { describe, expect, it } from 'vitest';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { checkSource } from '../../server/src/checks/source.js';

const go126 = { major: 1 as const, minor: 26, patch: 0, raw: '' };

async function misuse(text: string) {
  const file = await parseGoFile('/tmp/s/main.go', text);
  return checkSource(file, { goVersion: go126, text }).filter((d) => d.code === 'cgo/misuse');
}

describe('static variables of the preamble used from Go', () => {
  it('reports C.x for a static variable once, at the first use, with the link error and the fix', async () => {
    const d = await misuse('package main\n\n// static int counter = 3;\nimport "C"\n\nvar a = C.counter\nvar b = C.counter\n');
    expect(d).toHaveLength(1);
    expect(d[0]!.range.start.line).toBe(5);
    expect(d[0]!.message).toContain("undefined reference to `counter'");
    expect(d[0]!.data).toMatchObject({ kind: 'static-variable', name: 'counter' });
  });

  it('accepts non-static variables and static functions', async () => {
    expect(
      await misuse('package main\n\n// int counter = 3;\n// static int get(void) { return 1; }\nimport "C"\n\nvar a = C.counter\nvar b = C.get()\n'),
    ).toEqual([]);
  });
});
