// util/files.ts: the bounded synchronous reads shared by the workspace scan, the disk cache and the code cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRegularFileSync, readTextFileSync } from '../../server/src/util/files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readRegularFileSync / readTextFileSync', () => {
  it('reads a regular file within the bound, as bytes or as UTF-8 text', () => {
    const f = path.join(dir, 'a.txt');
    fs.writeFileSync(f, 'héllo');
    expect(readRegularFileSync(f, 100)?.equals(Buffer.from('héllo'))).toBe(true);
    expect(readTextFileSync(f)).toBe('héllo');
  });

  it('answers null for a missing file, a directory and a file over the bound', () => {
    const f = path.join(dir, 'big.txt');
    fs.writeFileSync(f, 'x'.repeat(101));
    expect(readRegularFileSync(path.join(dir, 'missing'), 100)).toBeNull();
    expect(readRegularFileSync(dir, 100)).toBeNull();
    expect(readRegularFileSync(f, 100)).toBeNull();
    expect(readTextFileSync(f, 101)).toBe('x'.repeat(101));
  });
  // A FIFO in a file's place: test/util/codecache.test.ts reads one through readCodeCache in a child with a timeout
  // (in this process a regression would block the test thread for good).
});
