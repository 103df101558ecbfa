// When C intelligence runs the compiler, seen through a spy C compiler (a logging wrapper around the real gcc,
// the hardening tests' fake): an open file's index is built once (`cc -E -dD`), in the background after its first
// analysis, and its first completion is served from it; a file no editor opened gets its index on the first request;
// completions and edits outside the preamble never run it again; an edit inside the preamble or a changed header
// runs it once more.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../helpers/lsp-client.js';
import { Spies, baseEnv, tempDir } from '../hardening/helpers.js';

const text = (pre: string, body: string) => `package main

/*
#include "mine.h"
${pre}
*/
import "C"

func main() {
${body}
}
`;

let spies: Spies;
let dir: string;
let client: LspClient;
let uri: string;
let version = 1;

const indexRuns = () => spies.ccCalls().filter((c) => c.args.includes('-E') && c.args.includes('-dD')).length;
const complete = async (t: string) => {
  const lines = t.split('\n');
  const line = lines.findIndex((l) => l.trimEnd().endsWith('C.'));
  const res = await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character: lines[line]!.trimEnd().length } }, 60_000);
  return (res.items ?? res).map((i: any) => i.label) as string[];
};

beforeAll(async () => {
  spies = new Spies('cintel-spy');
  dir = tempDir('cintel-runs');
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/runs\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'mine.h'), 'int mine_one(void);\n');
  const t = text('', '\t_ = C.');
  fs.writeFileSync(path.join(dir, 'main.go'), t);
  client = new LspClient({ env: baseEnv({ CC: spies.cc }) });
  await client.initialize(dir, { client: 'neovim', initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false, debounceMs: 0 } });
  uri = client.open(path.join(dir, 'main.go'), t, version);
  await client.waitForDiagnostics(uri);
  await client.settle(1500);
}, 60_000);
afterAll(async () => client?.shutdown());

describe('compiler runs of the C name index', () => {
  it('opening the file builds its index once; completions and edits outside the preamble never run cc -E again', async () => {
    // The build starts when the file's first analysis is published (the spy records the run when it starts).
    for (let i = 0; i < 100 && indexRuns() === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(indexRuns()).toBe(1);
    expect(await complete(text('', '\t_ = C.'))).toContain('mine_one');
    expect(indexRuns()).toBe(1);
    for (let i = 0; i < 5; i++) {
      const t = text('', `\tx := ${i}\n\t_ = x\n\t_ = C.`);
      client.change(uri, t, ++version);
      expect(await complete(t)).toContain('mine_one');
    }
    await client.settle(800);
    expect(indexRuns()).toBe(1);
  }, 90_000);

  it('an edit inside the preamble makes the next completion build a new index (the edit itself does not)', async () => {
    const t = text('#define MINE_LIMIT 7', '\t_ = C.');
    client.change(uri, t, ++version);
    await client.settle(800); // the edit's analysis and compile run; the index is not rebuilt for them
    expect(indexRuns()).toBe(1);
    expect(await complete(t)).toContain('MINE_LIMIT');
    expect(indexRuns()).toBe(2);
  }, 60_000);

  it('a file no editor opened has no index until a request needs one', async () => {
    const other = text('#define OTHER_ONLY 3', '\t_ = C.');
    fs.writeFileSync(path.join(dir, 'other.go'), other.replace('package main', 'package main\n\nfunc other() {}').replace('func main() {', 'func unused() {'));
    const otherUri = 'file://' + path.join(dir, 'other.go');
    const lines = fs.readFileSync(path.join(dir, 'other.go'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.trimEnd().endsWith('C.'));
    const before = indexRuns();
    const res = await client.request(
      'textDocument/completion',
      { textDocument: { uri: otherUri }, position: { line, character: lines[line]!.trimEnd().length } },
      60_000,
    );
    expect(((res.items ?? res) as { label: string }[]).map((i) => i.label)).toContain('OTHER_ONLY');
    expect(indexRuns()).toBe(before + 1);
    fs.rmSync(path.join(dir, 'other.go'));
  }, 60_000);

  it('a changed header is picked up by the index (one more run)', async () => {
    fs.writeFileSync(path.join(dir, 'mine.h'), 'int mine_one(void);\nint mine_two(int);\n');
    const future = new Date(Date.now() + 10_000);
    fs.utimesSync(path.join(dir, 'mine.h'), future, future);
    const t = text('#define MINE_LIMIT 7', '\t_ = C.');
    await new Promise((r) => setTimeout(r, 700)); // the header check runs at most every 500 ms
    await complete(t); // served from the stale index; starts the rebuild
    let labels: string[] = [];
    for (let i = 0; i < 40 && !labels.includes('mine_two'); i++) {
      labels = await complete(t);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(labels).toContain('mine_two');
    expect(indexRuns()).toBe(4); // the preamble edit's index, other.go's, and this rebuild
  }, 60_000);
});
