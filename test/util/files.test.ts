// util/files.ts: the bounded synchronous reads shared by the workspace scan, the disk cache and the code cache.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRegularFileSync, readTextFileSync } from '../../server/src/util/files.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
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

  it.skipIf(process.platform === 'win32')(
    "opens a FIFO in a file's place without waiting for a writer, and reads nothing",
    () => {
      const fifo = path.join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      // In a child with a timeout: a blocking open of the FIFO would hold its thread for good (no writer ever comes).
      const built = pathToFileURL(path.join(repoRoot, 'dist', 'util', 'files.js')).href;
      const code = `const m = await import(${JSON.stringify(built)}); console.log(JSON.stringify([m.openRegularSync(${JSON.stringify(fifo)}), m.readRegularFileSync(${JSON.stringify(fifo)}, 100)]));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.stdout.trim()).toBe('[null,null]');
    },
    30_000,
  );
});
