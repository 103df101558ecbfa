// V8's code cache of the bundle (util/codecache.ts): the key, the file format (magic + checksum), atomic writes,
// pruning, and loadBundle against real V8 (used, rejected, damaged). The built bundle's use of it is in
// test/build/bundle.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../helpers/lsp-client.js';
import {
  codeCacheFile,
  KEEP_PER_MODE,
  loadBundle,
  pruneCodeCache,
  readCodeCache,
  writeCodeCache,
  type CodeCacheKeyParts,
} from '../../server/src/util/codecache.js';

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-codecache-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const parts: CodeCacheKeyParts = { buildId: 'abc', size: 10, mtimeMs: 1, mode: 'check', runtime: 'v20 11.3 x64', options: '[]' };

describe('codeCacheFile', () => {
  it('names the mode and changes with every part of the key', () => {
    const base = codeCacheFile('/c', parts);
    expect(path.dirname(base)).toBe(path.join('/c', 'v8-code'));
    expect(path.basename(base)).toMatch(/^main-check-[0-9a-f]{24}\.bin$/);
    const variants: Partial<CodeCacheKeyParts>[] = [
      { buildId: 'abd' },
      { size: 11 },
      { mtimeMs: 2 },
      { runtime: 'v22 12.4 x64' },
      { options: '["--jitless"]' },
    ];
    for (const v of variants) expect(codeCacheFile('/c', { ...parts, ...v }), JSON.stringify(v)).not.toBe(base);
    expect(path.basename(codeCacheFile('/c', { ...parts, mode: 'server' }))).toMatch(/^main-server-/);
  });
});

describe('readCodeCache / writeCodeCache', () => {
  it('reads back what it wrote, and leaves no temporary file', () => {
    const file = codeCacheFile(tmpDir(), parts);
    const payload = Buffer.from('some bytes V8 made');
    expect(writeCodeCache(file, payload)).toBe(true);
    expect(readCodeCache(file)?.equals(payload)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it('ignores a missing, short, foreign or damaged file', () => {
    const file = codeCacheFile(tmpDir(), parts);
    expect(readCodeCache(file)).toBeUndefined();
    writeCodeCache(file, Buffer.from('payload'));
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, good.subarray(0, 20));
    expect(readCodeCache(file)).toBeUndefined();
    fs.writeFileSync(file, Buffer.concat([Buffer.from('NOTMAGIC'), good.subarray(8)]));
    expect(readCodeCache(file)).toBeUndefined();
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1] ^= 1;
    fs.writeFileSync(file, flipped);
    expect(readCodeCache(file)).toBeUndefined();
  });

  it('does not open what is not a regular file (a FIFO in its place)', () => {
    const file = codeCacheFile(tmpDir(), parts);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('mkfifo', [file]);
    // In a child with a timeout: a read of the FIFO would block its thread for good (no writer ever comes).
    const built = pathToFileURL(path.join(repoRoot, 'dist', 'util', 'codecache.js')).href;
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(built)}); console.log(String(m.readCodeCache(${JSON.stringify(file)})));`],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('undefined');
  }, 30_000);

  it('returns false when the directory cannot be made', () => {
    const d = tmpDir();
    fs.writeFileSync(path.join(d, 'v8-code'), 'a file where the directory would be');
    expect(writeCodeCache(codeCacheFile(d, parts), Buffer.from('x'))).toBe(false);
  });

  it(`keeps the ${KEEP_PER_MODE} newest files of a mode and leaves other modes alone`, () => {
    const d = path.join(tmpDir(), 'v8-code');
    fs.mkdirSync(d);
    const names: string[] = [];
    for (let i = 0; i < KEEP_PER_MODE + 3; i++) {
      const f = `main-check-${String(i).padStart(24, '0')}.bin`;
      fs.writeFileSync(path.join(d, f), 'x');
      fs.utimesSync(path.join(d, f), 1000 + i, 1000 + i);
      names.push(f);
    }
    fs.writeFileSync(path.join(d, 'main-server-old.bin'), 'x');
    fs.utimesSync(path.join(d, 'main-server-old.bin'), 1, 1);
    const keep = names[0]!; // the one just written: kept whatever its mtime
    pruneCodeCache(d, keep);
    const left = fs.readdirSync(d).sort();
    expect(left).toEqual([keep, ...names.slice(-(KEEP_PER_MODE - 1)), 'main-server-old.bin'].sort());
  });
});

describe('loadBundle', () => {
  function bundle(dir: string, body: string): string {
    const f = path.join(dir, 'main.cjs');
    fs.writeFileSync(f, body);
    return f;
  }

  it('runs the file as a CommonJS module, then is served from the cache it saved', () => {
    const d = tmpDir();
    const out = path.join(d, 'out.json');
    const f = bundle(
      d,
      `"use strict";\nconst fs = require("node:fs");\nfunction f(x) { return x * 2; }\nfs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ v: f(21), file: __filename, dir: __dirname, exports: typeof exports, strict: this === undefined }));\n`,
    );
    const cacheFile = codeCacheFile(d, parts);
    const first = loadBundle(f, cacheFile, createRequire(f));
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ v: 42, file: f, dir: d, exports: 'object', strict: true });
    expect(first.cache).toBe('none');
    expect(first.save()).toBe(true);
    expect(first.save()).toBe(false); // once
    const second = loadBundle(f, cacheFile, createRequire(f));
    expect(second.cache).toBe('used');
    expect(second.save()).toBe(false); // nothing to write: V8 took the bytes
  });

  it('rewrites a cache V8 rejects (made for another source) and a damaged one', () => {
    const d = tmpDir();
    const cacheFile = codeCacheFile(d, parts);
    const a = bundle(d, '"use strict";\nglobalThis.__cgoLsCodeCacheTest = 1;\n');
    loadBundle(a, cacheFile, createRequire(a)).save();
    const b = bundle(d, '"use strict";\nglobalThis.__cgoLsCodeCacheTest = 2; // a different, longer source\n');
    const rejected = loadBundle(b, cacheFile, createRequire(b));
    expect(rejected.cache).toBe('rejected');
    expect((globalThis as Record<string, unknown>)['__cgoLsCodeCacheTest']).toBe(2);
    expect(rejected.save()).toBe(true);
    expect(loadBundle(b, cacheFile, createRequire(b)).cache).toBe('used');
    const bytes = fs.readFileSync(cacheFile);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(cacheFile, bytes);
    const damaged = loadBundle(b, cacheFile, createRequire(b));
    expect(damaged.cache).toBe('none');
    expect(damaged.save()).toBe(true);
    expect(loadBundle(b, cacheFile, createRequire(b)).cache).toBe('used');
    delete (globalThis as Record<string, unknown>)['__cgoLsCodeCacheTest'];
  });

  it('keeps the file’s line numbers in stack traces', () => {
    const d = tmpDir();
    const f = bundle(d, '"use strict";\n\nthrow new Error("line three");\n');
    let stack = '';
    try {
      loadBundle(f, null, createRequire(f));
    } catch (e) {
      stack = (e as Error).stack ?? '';
    }
    expect(stack).toContain(`${f}:3:`);
  });

  it('does not make the cache when its directory cannot be written', () => {
    const d = tmpDir();
    const f = bundle(d, '"use strict";\n');
    fs.writeFileSync(path.join(d, 'v8-code'), 'a file where the directory would be');
    const r = loadBundle(f, codeCacheFile(d, parts), createRequire(f));
    expect(r.cache).toBe('none');
    const made = vi.spyOn(vm.Script.prototype, 'createCachedData');
    try {
      expect(r.save()).toBe(false);
      expect(made).not.toHaveBeenCalled(); // the serialization (10–20 ms at exit) is skipped, not just its write
    } finally {
      made.mockRestore();
    }
  });

  it('uses no cache when given no file', () => {
    const d = tmpDir();
    const f = bundle(d, '"use strict";\n');
    const r = loadBundle(f, null, createRequire(f));
    expect(r.cache).toBe('none');
    expect(r.save()).toBe(false);
    expect(fs.readdirSync(d)).toEqual(['main.cjs']);
  });
});
