// The workspace walk and the scan's pre-filter (engine/workspace.ts): the sliced walk finds exactly what the
// synchronous one finds, and the pre-filter reports every candidate, reads nothing twice, and lets the event loop
// run between slices (a timer set before the scan fires while it is still reading).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCgoCandidates, isCgoCandidate, walkGoFiles, walkGoFilesSliced } from '../../server/src/engine/workspace.js';

let root: string;
const cgoFiles: string[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-walk-'));
  fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/walk\n\ngo 1.22\n');
  for (let p = 0; p < 30; p++) {
    const dir = path.join(root, `p${p}`);
    fs.mkdirSync(dir);
    for (let f = 0; f < 20; f++) {
      const file = path.join(dir, `f${f}.go`);
      const cgo = f === 0 && p % 3 === 0;
      fs.writeFileSync(file, cgo ? `package p${p}\n\n// #include <stdio.h>\nimport "C"\n` : `package p${p}\n\nfunc F${f}() int { return ${f} }\n`);
      if (cgo) cgoFiles.push(file);
    }
  }
  // Skipped by the walk: dot and underscore folders, ignored names, non-Go files.
  for (const skip of ['.hidden', '_under', 'vendor']) {
    fs.mkdirSync(path.join(root, skip));
    fs.writeFileSync(path.join(root, skip, 'x.go'), 'package x\n\nimport "C"\n');
  }
  fs.writeFileSync(path.join(root, 'p0', 'notes.txt'), 'import "C"');
  // An export comment without import "C" is a candidate too (the checks report the ones cmd/cgo ignores).
  const exp = path.join(root, 'p1', 'exported.go');
  fs.writeFileSync(exp, 'package p1\n\n//export F\nfunc F() {}\n');
  cgoFiles.push(exp);
  cgoFiles.sort();
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the workspace walk', () => {
  it('sliced walk lists the same files, in the same order, as the synchronous walk', async () => {
    const sync = walkGoFiles(root, { ignoreDirs: ['vendor'] });
    expect(sync).toHaveLength(601);
    expect(sync.some((f) => f.includes('.hidden') || f.includes('_under') || f.includes('vendor'))).toBe(false);
    // A zero-length slice yields after every directory: the most interleaved run gives the same list.
    expect(await walkGoFilesSliced(root, { ignoreDirs: ['vendor'], sliceMs: 0 })).toEqual(sync);
    expect(await walkGoFilesSliced(root, { ignoreDirs: ['vendor'] })).toEqual(sync);
  });

  it('sliced walk stops at maxFiles like the synchronous walk', async () => {
    expect(await walkGoFilesSliced(root, { ignoreDirs: [], maxFiles: 25, sliceMs: 0 })).toEqual(walkGoFiles(root, { ignoreDirs: [], maxFiles: 25 }));
  });
});

describe('the scan pre-filter', () => {
  it('reports exactly the files isCgoCandidate accepts, each once, in walk order', async () => {
    const files = walkGoFiles(root, { ignoreDirs: ['vendor'] });
    const found: string[] = [];
    const n = await findCgoCandidates(files, (f) => found.push(f));
    expect(found).toEqual(cgoFiles);
    expect(n).toBe(cgoFiles.length);
    expect(found).toEqual(files.filter((f) => isCgoCandidate(fs.readFileSync(f, 'utf8'), f)));
  });

  it('skips files that vanished or are too large instead of failing', async () => {
    const gone = path.join(root, 'p0', 'gone.go');
    const found: string[] = [];
    await findCgoCandidates([gone, cgoFiles[0]!], (f) => found.push(f), { maxBytes: 1 << 20 });
    expect(found).toEqual([cgoFiles[0]]);
    const none: string[] = [];
    await findCgoCandidates([cgoFiles[0]!], (f) => none.push(f), { maxBytes: 4 });
    expect(none).toEqual([]);
  });

  it('lets timers run between slices and reports progress up to the last file', async () => {
    const files = walkGoFiles(root, { ignoreDirs: ['vendor'] });
    let readWhenTimerFired = -1;
    let read = 0;
    const progress: number[] = [];
    setTimeout(() => (readWhenTimerFired = read), 0);
    await findCgoCandidates(files, () => undefined, {
      sliceMs: 0,
      onProgress: (n) => {
        read = n;
        progress.push(n);
      },
    });
    expect(readWhenTimerFired).toBeGreaterThan(0);
    expect(readWhenTimerFired).toBeLessThan(files.length);
    expect(progress.at(-1)).toBe(files.length);
  });
});
