// Every code the compiler stage can emit is in its catalogue, and the catalogue has nothing extra.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { codes } from '../../server/src/compiler/codes.js';

test('codes catalogue matches the codes used in server/src/compiler', () => {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'src', 'compiler');
  const used = new Set<string>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.ts') || f === 'codes.ts') continue;
    for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/'(cgo\/[a-z0-9-]+)'/g)) used.add(m[1]!);
  }
  const listed = codes.map((c) => c.code);
  expect(new Set(listed).size).toBe(listed.length);
  expect([...used].sort()).toEqual([...listed].sort());
  for (const c of codes) {
    expect(c.code).toMatch(/^cgo\/[a-z0-9-]+$/);
    expect(c.title.length).toBeGreaterThan(10);
    expect(c.cause.length).toBeGreaterThan(10);
    expect(c.fix.length).toBeGreaterThan(10);
  }
});
