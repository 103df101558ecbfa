// The session's C name indexes: the background build of an open file's index (prefetch) runs the preprocessor once,
// also when it fails with nothing to index (here the compiler refuses the package's -std), and the next compiled
// analysis must not start it again; the build that requests not waiting for it start (`background`) runs once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIndexes } from '../../server/src/engine/cindexes.js';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { killAllRunsAndWait } from '../../server/src/util/proc.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cindexes-'));
afterAll(async () => {
  await killAllRunsAndWait();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('prefetch', () => {
  it('a failed background build (the compiler refuses a flag) is not started again by the next analysis', async () => {
    fs.mkdirSync(path.join(tmp, 'p'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    const file = path.join(tmp, 'p', 'a.go');
    const src = 'package p\n\n// #cgo CFLAGS: -std=c77\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n';
    fs.writeFileSync(file, src);
    const engine = new Engine({ env: { ...process.env }, settings: { ...defaultSettings, checkShellEnv: false } });
    engine.setDocument(file, src, 1);
    await engine.analyze(file, { compile: 'run' });
    const store = engine.cIndexes.store;
    const before = store.builds;
    engine.cIndexes.prefetch(file);
    for (let i = 0; i < 200 && store.builds === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(store.builds).toBe(before + 1);
    // Let the failed build settle, then ask again as the server does after every compiled analysis.
    await new Promise((r) => setTimeout(r, 1500));
    expect(engine.cIndexes.lastFor(file)).toBeNull();
    engine.cIndexes.prefetch(file);
    engine.cIndexes.prefetch(file);
    await new Promise((r) => setTimeout(r, 1500));
    expect(store.builds).toBe(before + 1);
  }, 60_000);
});

describe('background', () => {
  it('requests that do not wait for the index (a big file) start one build, computing its input once', async () => {
    fs.mkdirSync(path.join(tmp, 'q'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    const file = path.join(tmp, 'q', 'b.go');
    const src = 'package q\n\n// #include <stdlib.h>\n// static int twice(int v) { return 2 * v; }\nimport "C"\n\nfunc F() C.int { return C.twice(2) }\n';
    fs.writeFileSync(file, src);
    const engine = new Engine({ env: { ...process.env }, settings: { ...defaultSettings, checkShellEnv: false } });
    engine.setDocument(file, src, 1);
    let inputs = 0;
    const indexes = new CIndexes({
      timeoutMs: () => 60_000,
      text: (f) => engine.getText(f),
      model: (f, t) => engine.model(f, t),
      input: (f) => {
        inputs++;
        return engine.cCompileContext(f);
      },
      worker: null,
    });
    for (let i = 0; i < 20; i++) indexes.background(file);
    let idx = null;
    for (let i = 0; i < 600 && !idx; i++) {
      idx = await indexes.indexFor(file, 'peek');
      if (!idx) await new Promise((r) => setTimeout(r, 50));
    }
    expect(idx?.entities.get('twice')?.kind).toBe('func');
    expect(inputs).toBe(1);
    expect(indexes.store.builds).toBe(1);
    // Served from memory now: another background request builds nothing.
    indexes.background(file);
    await new Promise((r) => setTimeout(r, 200));
    expect(indexes.store.builds).toBe(1);
  }, 90_000);
});
