// C intelligence anywhere in a big generated file, through the real server and real gcc: a file over the modelling
// cap (gomodel/model.ts MAX_ANALYSED_CHARS) with `C.name` uses past the cut, as in go-gl's generated packages.
// Hover, definition, signature help and completion answer there; a `C.name` in a comment or a string does not.
// While the model is being built (in the model worker) a hover on a `C.name` says so at once; while the C index is
// not built, a hover answers at once from the preamble's own declaration (provisional) or says pending. The index build is held back by a compiler wrapper that sleeps before `-E` (fault injection: a
// slow preprocessor, named as such in the script), so that "not built yet" is a fact of the test, not a race.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_ANALYSED_CHARS } from '../../server/src/gomodel/model.js';
import { LspClient } from '../helpers/lsp-client.js';
import { describeWith, findExecutable, tool } from '../helpers/tools.js';

/** Seconds the fake slow preprocessor sleeps before a `-E` run (the index build waits that long). */
const SLOW_E_SECONDS = 12;

const HEAD = `package main

/*
#include <stdlib.h>
static int big_add(int a, int b) { return a + b; }
*/
import "C"

`;

const TAIL = [
  'func use() {',
  '\t_ = C.big_add(1, 2)',
  '\t_ = C.abs(-1)',
  '\t// C.big_add(3, 4) in a comment',
  '\t_ = "C.big_add(5, 6) in a string"',
  '\t/*',
  '\t\tC.big_add(7, 8) in a block comment',
  '\t*/',
  '}',
  '',
  'func main() { use() }',
  '',
].join('\n');

function generate(): string {
  let text = HEAD;
  for (let i = 0; text.length < 3 * MAX_ANALYSED_CHARS; i++) text += `func gen${i}(x int) int {\n\treturn x*${i} + 1\n}\n\n`;
  return text + TAIL;
}

const gcc = tool('gcc', findExecutable('gcc'), 'apt-get install gcc');
const go = tool('go', findExecutable('go'), 'https://go.dev/dl/');
let dir: string;
let file: string;
let text: string;
let lines: string[];
/** Position `delta` characters into the last line holding `needle`. */
const pos = (needle: string, delta: number) => {
  const line = lines.findLastIndex((l) => l.includes(needle));
  return { line, character: lines[line]!.indexOf(needle) + delta };
};
const preambleLine = HEAD.split('\n').findIndex((l) => l.includes('static int big_add'));

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-bigfile-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/big\n\ngo 1.21\n');
  text = generate();
  lines = text.split('\n');
  file = path.join(dir, 'main.go');
  fs.writeFileSync(file, text);
  const bin = path.join(dir, 'slowbin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'gcc'),
    `#!/bin/sh\n# FAULT-INJECTION FAKE: the C index's preprocessor run (-E -dD) is slow; everything else is the real gcc.\ncase " $* " in *" -dD "*) sleep ${SLOW_E_SECONDS};; esac\nexec ${gcc.path ?? 'gcc'} "$@"\n`,
    { mode: 0o755 },
  );
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describeWith([gcc, go], 'a C.name past the modelling cap of a big generated file', () => {
  let client: LspClient;
  let uri: string;
  beforeAll(async () => {
    expect(text.length).toBeGreaterThan(2 * MAX_ANALYSED_CHARS);
    client = new LspClient({ env: { ...process.env, CC: path.join(dir, 'slowbin', 'gcc') } });
    await client.initialize(dir, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false } });
    uri = client.open(file, text);
  }, 60_000);
  afterAll(async () => client?.shutdown());

  const hover = async (p: { line: number; character: number }): Promise<string | null> => {
    const r = await client.request('textDocument/hover', { textDocument: { uri }, position: p });
    return r?.contents?.value ?? null;
  };
  const definition = (p: { line: number; character: number }) => client.request('textDocument/definition', { textDocument: { uri }, position: p });

  it('answers a hover on a C.name at once while the model is still being built (in the model worker): pending', async () => {
    // Sent right after didOpen: a hover does not wait for a model being built in the worker.
    const md = await hover(pos('C.big_add(1, 2)', 4));
    expect(md).toContain('**C.big_add** — pending');
    expect(md).toContain('still being analysed');
    expect(await hover(pos('C.big_add(3, 4)', 4))).toBeNull(); // in a comment: lexing alone knows that too
  }, 60_000);

  it('answers a hover while the index is not built: the preamble declaration marked provisional, else pending', async () => {
    let own: string | null = null;
    for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      own = await hover(pos('C.big_add(1, 2)', 4));
      if (!own?.includes('still being analysed')) break;
    }
    expect(own).toContain('**C.big_add**');
    expect(own).toContain('provisional');
    expect(own).toContain('static int big_add(int a, int b);');
    const fromHeader = await hover(pos('C.abs(', 4));
    expect(fromHeader).toContain('C.abs');
    expect(fromHeader).toContain('pending');
  }, 60_000);

  it('goes to the preamble declaration before the index is built', async () => {
    const locs = await definition(pos('C.big_add(1, 2)', 4));
    expect(locs).toHaveLength(1);
    expect(locs[0].uri).toBe(uri);
    expect(locs[0].range.start.line).toBe(preambleLine);
  }, 60_000);

  it('says nothing about a C.name in a comment, a string or a block comment past the cap', async () => {
    for (const needle of ['C.big_add(3, 4)', 'C.big_add(5, 6)', 'C.big_add(7, 8)']) {
      const md = await hover(pos(needle, 4));
      expect(md ?? '', needle).not.toContain('big_add');
      expect(await definition(pos(needle, 4)), needle).toBeNull();
    }
  }, 60_000);

  it('answers hover, definition, signature help and completion from the index once it is built', async () => {
    let md: string | null = null;
    const end = Date.now() + 90_000;
    do {
      md = await hover(pos('C.big_add(1, 2)', 4));
      if (md && !md.includes('provisional')) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < end);
    expect(md).toContain('**C.big_add** — C function');
    expect(md).not.toContain('provisional');
    expect(md).toContain('C.int');
    expect(await hover(pos('C.abs(', 4))).toContain('**C.abs** — C function');

    const locs = await definition(pos('C.big_add(1, 2)', 4));
    expect(locs[0].uri).toBe(uri);
    expect(locs[0].range.start.line).toBe(preambleLine);

    const sh = await client.request('textDocument/signatureHelp', { textDocument: { uri }, position: pos('C.big_add(1, 2)', 'C.big_add(1, '.length) });
    expect(sh.signatures[0].label).toContain('C.big_add(');
    expect(sh.activeParameter).toBe(1);

    const list = await client.request('textDocument/completion', { textDocument: { uri }, position: pos('C.big_add(1, 2)', 2) });
    const items = Array.isArray(list) ? list : list.items;
    expect(items.map((i: any) => i.label)).toContain('big_add');
  }, 120_000);

  it('still publishes cgo/file-too-large for the file', async () => {
    const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d: any) => d.code === 'cgo/file-too-large'), 90_000);
    expect(pub.diagnostics.some((d: any) => d.code === 'cgo/file-too-large')).toBe(true);
  }, 120_000);
});
