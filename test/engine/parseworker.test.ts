// The big parses in a worker thread (engine/parsethread.ts, driven by ParseWorker in engine/parseworker.ts): the
// C index and the model it returns are the ones the main thread builds; a worker that crashes, hangs or runs out
// of memory fails that one job (a C index is then remembered like any failed index) and never the server, and the
// next job gets a fresh worker; close() ends the thread. The crash, hang and memory cases use FAULT-INJECTION
// worker scripts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCIndex, type CIndex, type CIndexInput } from '../../server/src/compiler/cindex.js';
import { CIndexes } from '../../server/src/engine/cindexes.js';
import { ParseWorker } from '../../server/src/engine/parseworker.js';
import { FileStore, MODEL_WORKER_MIN_CHARS } from '../../server/src/engine/session.js';
import { MAX_ANALYSED_CHARS, parseGoFile } from '../../server/src/gomodel/model.js';
import { killAllRunsAndWait } from '../../server/src/util/proc.js';
import { findExecutable, itWith, tool } from '../helpers/tools.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtWorker = path.join(repo, 'dist', 'engine', 'parsethread.js');
const gcc = tool('gcc', findExecutable('gcc'), 'apt-get install gcc');
const built = tool('dist/engine/parsethread.js', fs.existsSync(builtWorker) ? builtWorker : null, 'npm run build');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-parseworker-'));
const workers: ParseWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await killAllRunsAndWait();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A FAULT-INJECTION worker script: `body` runs for every job posted to it. */
function fakeWorker(name: string, body: string): URL {
  const file = path.join(tmp, `${name}.mjs`);
  fs.writeFileSync(
    file,
    `// FAULT-INJECTION FAKE of engine/parsethread.ts\nimport { parentPort } from 'node:worker_threads';\nparentPort.on('message', (job) => {\n${body}\n});\n`,
  );
  return pathToFileURL(file);
}

function worker(opts: ConstructorParameters<typeof ParseWorker>[0] = {}): ParseWorker {
  const w = new ParseWorker({ name: 'C index', url: pathToFileURL(builtWorker), ...opts });
  workers.push(w);
  return w;
}

const PREAMBLE = [
  '#include <stdio.h>',
  '#include <stdlib.h>',
  '#include <stdint.h>',
  'struct point { int x, y; char name[16]; unsigned flags:3; };',
  'enum color { RED = 1, GREEN = RED << 2, BLUE };',
  'typedef struct point point_t;',
  'static int area(point_t *p) { return p->x * p->y; }',
  '#define LIMIT (1ULL << 40)',
  '#define NAME "cgo-ls"',
];
const input = (goFile: string): CIndexInput => ({
  goFile,
  cc: ['gcc'],
  cppflags: [],
  cflags: [],
  preambles: [{ firstLine: 2, lines: PREAMBLE.map((text, i) => ({ text, goLine: 2 + i, goCol: 3 })) }],
  env: { ...process.env },
  cwd: tmp,
  goos: 'linux',
  goarch: 'amd64',
  fingerprint: 'test',
});
/** The index without the timings (they differ from run to run). */
const comparable = (idx: CIndex) => ({ ...idx, ccMs: 0, parseMs: 0 });

describe('the C index parse in a worker thread', () => {
  itWith(
    [gcc, built],
    'gives the same index as the parse on the main thread',
    async () => {
      const w = worker();
      const goFile = path.join(tmp, 'same.go');
      const onMain = await buildCIndex(input(goFile), { timeoutMs: 30_000 });
      const inWorker = await buildCIndex(input(goFile), { timeoutMs: 30_000, parse: (out, o) => w.parse(out, o) });
      expect(onMain.error).toBeUndefined();
      expect(onMain.entities.size).toBeGreaterThan(100); // stdio.h and stdlib.h: a real index, not an empty one
      expect(onMain.entities.get('area')?.goType).toBe('func(p *C.point_t) C.int');
      expect(comparable(inWorker)).toEqual(comparable(onMain));
      expect(w.started).toBe(1);
    },
    60_000,
  );

  itWith(
    [gcc, built],
    'a worker that crashes fails that index, which is remembered as failed; the next parse starts a new worker',
    async () => {
      const crash = new ParseWorker({ name: 'C index', url: fakeWorker('crash', 'process.exit(3);') });
      workers.push(crash);
      const goFile = path.join(tmp, 'crash.go');
      const logs: string[] = [];
      const indexes = new CIndexes({
        timeoutMs: () => 30_000,
        log: (m) => logs.push(m),
        text: () => Promise.resolve(null),
        model: () => Promise.resolve(null),
        input: () => Promise.resolve(input(goFile)),
        worker: crash,
      });
      expect(await indexes.forInput(input(goFile), 'build')).toBeNull();
      expect(indexes.hasFailed(input(goFile))).toBe(true);
      expect(logs.join('\n')).toMatch(/parsing the preprocessor output failed: the C index worker exited \(code 3\)/);
      // Remembered: asking again starts neither the preprocessor nor a worker.
      const builds = indexes.store.builds;
      expect(await indexes.forInput(input(goFile), 'build')).toBeNull();
      expect(indexes.store.builds).toBe(builds);
      expect(crash.started).toBe(1);
      // Another input is parsed by a new worker (which crashes too: this one always does).
      const other = { ...input(path.join(tmp, 'crash2.go')) };
      expect(await indexes.forInput(other, 'build')).toBeNull();
      expect(crash.started).toBe(2);
      expect(crash.running).toBe(false);
    },
    60_000,
  );

  it('a parse that outlives the timeout is rejected and its worker ended', async () => {
    const hang = new ParseWorker({ name: 'C index', url: fakeWorker('hang', 'for (;;) {}'), timeoutMs: 300 });
    workers.push(hang);
    await expect(hang.parse('int x;\n', { goFile: '/x/a.go', goos: 'linux' })).rejects.toThrow(/took over 300 ms/);
    expect(hang.running).toBe(false);
    // A job queued behind the hung one gets a worker of its own (and the same fate).
    const a = hang.parse('int a;\n', { goFile: '/x/a.go', goos: 'linux' }).catch((e: Error) => e.message);
    const b = hang.parse('int b;\n', { goFile: '/x/b.go', goos: 'linux' }).catch((e: Error) => e.message);
    expect(await a).toMatch(/took over 300 ms/);
    expect(await b).toMatch(/took over 300 ms/);
    expect(hang.started).toBe(3);
  }, 30_000);

  it('a worker past its memory limit is ended and the parse rejected', async () => {
    const hog = new ParseWorker({
      name: 'C index',
      url: fakeWorker('hog', 'const keep = []; for (;;) keep.push(new Array(1e5).fill(keep.length));'),
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    workers.push(hog);
    await expect(hog.parse('int x;\n', { goFile: '/x/a.go', goos: 'linux' })).rejects.toThrow(/memory/i);
    expect(hog.running).toBe(false);
  }, 60_000);

  it('a parse that throws in the worker is rejected with its message; the worker stays for the next job', async () => {
    const fails = new ParseWorker({ name: 'C index', url: fakeWorker('throws', "parentPort.postMessage({ id: job.id, error: 'no grammar' });") });
    workers.push(fails);
    await expect(fails.parse('int x;\n', { goFile: '/x/a.go', goos: 'linux' })).rejects.toThrow('no grammar');
    await expect(fails.parse('int y;\n', { goFile: '/x/a.go', goos: 'linux' })).rejects.toThrow('no grammar');
    expect(fails.started).toBe(1);
    expect(fails.running).toBe(true);
  });

  it('close() ends the thread and fails what was waiting; later parses are refused', async () => {
    const slow = new ParseWorker({
      name: 'C index',
      url: fakeWorker('slow', 'setTimeout(() => parentPort.postMessage({ id: job.id, error: "late" }), 60_000);'),
    });
    workers.push(slow);
    const waiting = slow.parse('int x;\n', { goFile: '/x/a.go', goos: 'linux' }).catch((e: Error) => e.message);
    const queued = slow.parse('int y;\n', { goFile: '/x/a.go', goos: 'linux' }).catch((e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 200));
    expect(slow.running).toBe(true);
    await slow.close();
    expect(slow.running).toBe(false);
    expect(await waiting).toMatch(/closed/);
    expect(await queued).toMatch(/closed/);
    await expect(slow.parse('int z;\n', { goFile: '/x/a.go', goos: 'linux' })).rejects.toThrow(/closed/);
  });

  it('an idle worker ends by itself', async () => {
    const ok = new ParseWorker({ name: 'C index', url: fakeWorker('ok', "parentPort.postMessage({ id: job.id, error: 'done' });"), idleMs: 100 });
    workers.push(ok);
    await expect(ok.parse('int x;\n', { goFile: '/x/a.go', goos: 'linux' })).rejects.toThrow('done');
    expect(ok.running).toBe(true);
    for (let i = 0; i < 50 && ok.running; i++) await new Promise((r) => setTimeout(r, 50));
    expect(ok.running).toBe(false);
  });

  itWith(built, 'the worker is used only when its script exists (from the TypeScript sources the parse stays on the main thread)', () => {
    expect(ParseWorker.available(pathToFileURL(path.join(tmp, 'missing.js')))).toBe(false);
    expect(ParseWorker.available(pathToFileURL(builtWorker))).toBe(true);
    const indexes = new CIndexes({
      timeoutMs: () => 1000,
      text: () => Promise.resolve(null),
      model: () => Promise.resolve(null),
      input: () => Promise.resolve(null),
      worker: null,
    });
    expect(indexes.worker).toBeNull();
  });
});

/** A generated cgo file of at least `min` characters: a preamble with declarations, C.name uses, an //export. */
function bigGoFile(min: number): string {
  let text =
    'package big\n\n/*\n#include <stdlib.h>\nstatic int twice(int x) { return 2 * x; }\nextern int counter;\n*/\nimport "C"\n\n//export Exported\nfunc Exported() {}\n\n';
  for (let i = 0; text.length < min; i++) text += `func g${i}(p *C.char) C.int {\n\tC.free(nil)\n\treturn C.twice(C.int(${i}))\n}\n\n`;
  return text;
}

describe('big models in the worker thread (engine/session.ts FileStore with a model worker)', () => {
  itWith(
    built,
    'a model built in the worker is the model built on the main thread',
    async () => {
      const w = worker({ name: 'model' });
      const text = bigGoFile(MODEL_WORKER_MIN_CHARS + 1000);
      const inWorker = await w.model('/x/big.go', text);
      const onMain = await parseGoFile('/x/big.go', text);
      expect(onMain.cRefs.length).toBeGreaterThan(1000);
      expect(onMain.preambleDecls?.map((d) => d.name)).toEqual(['twice', 'counter']);
      expect(inWorker).toEqual(onMain);
    },
    60_000,
  );

  itWith(
    built,
    'the store models big texts in the worker and small ones on its own thread',
    async () => {
      const w = worker({ name: 'model' });
      const store = new FileStore({ modelWorker: w });
      const big = bigGoFile(MODEL_WORKER_MIN_CHARS);
      expect(store.modelsInWorker(big)).toBe(true);
      const pending = store.model('/x/big.go', big);
      expect(store.modelDone('/x/big.go', big)).toBe(false);
      expect((await pending)?.cRefs.length).toBeGreaterThan(100);
      expect(store.modelDone('/x/big.go', big)).toBe(true);
      expect(store.stats.workerModels).toBe(1);
      // Over the cap: a hover near the top gets a model of the part around it (built here), one further down waits.
      const huge = bigGoFile(2 * MAX_ANALYSED_CHARS);
      const last = huge.split('\n').length - 2;
      expect(store.waitsForWorker('/x/huge.go', { line: 3, character: 0 }, huge)).toBe(false);
      expect(store.waitsForWorker('/x/huge.go', { line: last, character: 0 }, huge)).toBe(true);
      await store.model('/x/huge.go', huge);
      expect(store.waitsForWorker('/x/huge.go', { line: last, character: 0 }, huge)).toBe(false);
      await store.model('/x/small.go', 'package small\n');
      expect(store.stats.workerModels).toBe(2);
      expect(w.started).toBe(1);
    },
    60_000,
  );

  itWith(
    built,
    'a model job still queued for a file is replaced by a newer one for it, and settles with its model',
    async () => {
      const w = worker({ name: 'model' });
      const texts = [0, 1, 2].map((i) => bigGoFile(MODEL_WORKER_MIN_CHARS) + `\nfunc last${i}() {}\n`);
      const [first, second, third] = texts.map((t) => w.model('/x/typing.go', t));
      const other = w.model('/x/other.go', texts[0]!);
      const [m1, m2, m3, mo] = await Promise.all([first, second, third, other]);
      expect(w.jobsSent).toBe(3); // the first (already sent), the third (in place of the second), the other file's
      expect(m1).toEqual(await parseGoFile('/x/typing.go', texts[0]!));
      expect(m3).toEqual(await parseGoFile('/x/typing.go', texts[2]!));
      expect(m2).toBe(m3);
      expect(mo?.path).toBe('/x/other.go');
    },
    60_000,
  );

  it('a model worker that crashes costs only the thread: the store models the text on its own thread and says so', async () => {
    const crash = new ParseWorker({ name: 'model', url: fakeWorker('crash-model', 'process.exit(5);') });
    workers.push(crash);
    const logs: string[] = [];
    const store = new FileStore({ modelWorker: crash, log: (m) => logs.push(m) });
    const big = bigGoFile(MODEL_WORKER_MIN_CHARS);
    const m = await store.model('/x/big.go', big);
    expect(m).toEqual(await parseGoFile('/x/big.go', big));
    expect(store.stats.workerModels).toBe(0);
    expect(logs.join('\n')).toMatch(/model worker: the model worker exited \(code 5\); modelling big\.go on the main thread/);
  }, 60_000);

  it('a model past its time in the worker is not built on the main thread either: the file is reported as not analysed', async () => {
    const hang = new ParseWorker({ name: 'model', url: fakeWorker('hang-model', 'for (;;) {}'), timeoutMs: 300 });
    workers.push(hang);
    const logs: string[] = [];
    const store = new FileStore({ modelWorker: hang, log: (m) => logs.push(m) });
    const big = bigGoFile(MODEL_WORKER_MIN_CHARS);
    const m = await store.model('/x/big.go', big);
    expect(m?.limited).toEqual({ reason: 'time', analysedBytes: 0, totalBytes: big.length });
    expect(m?.cRefs).toEqual([]);
    expect(logs.join('\n')).toMatch(/model worker: the parse took over 300 ms; big\.go is not analysed/);
  }, 60_000);
});
