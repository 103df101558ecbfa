// The hover on cgo's builtins that no preamble can change (C.int, C.CString …) does not wait for the C name index:
// here the index never comes (a FAULT-INJECTION compiler wrapper hangs on the index's `-E -dD` run and runs the
// real gcc otherwise), and the hover still gives the builtin's own text, not the fallback one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { LspClient } from '../helpers/lsp-client.js';
import { describeWith, findExecutable, itWith, tool } from '../helpers/tools.js';

const gcc = tool('gcc', findExecutable('gcc'), 'apt-get install gcc');
const go = tool('go', findExecutable('go'), 'https://go.dev/dl/');

const MAIN = `package main

// #include <stdlib.h>
import "C"

func main() {
\tvar n C.int = 1
\tp := C.CString("x")
\tC.free(nil)
\t_, _ = n, p
}
`;
const lines = MAIN.split('\n');
const at = (needle: string, word: string) => {
  const line = lines.findIndex((l) => l.includes(needle));
  return { line, character: lines[line]!.indexOf(word) };
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cintel-builtins-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/builtins\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'main.go'), MAIN);
  const cc = path.join(dir, 'bin', 'hang-cc');
  fs.mkdirSync(path.dirname(cc));
  fs.writeFileSync(
    cc,
    `#!/bin/sh\n# FAULT-INJECTION FAKE: the C index's preprocessor run (-E -dD) hangs; everything else is the real gcc.\ncase " $* " in *" -dD "*) exec sleep 600;; esac\nexec ${gcc.path ?? 'gcc'} "$@"\n`,
    { mode: 0o755 },
  );
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describeWith([gcc, go], 'hover on a fixed cgo builtin while the C index cannot be built', () => {
  let client: LspClient;
  let uri: string;
  beforeAll(async () => {
    client = new LspClient({ env: { ...process.env, CC: path.join(dir, 'bin', 'hang-cc') } });
    await client.initialize(dir, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false } });
    uri = client.open(path.join(dir, 'main.go'));
    await client.waitForDiagnostics(uri);
  }, 90_000);
  afterAll(async () => client?.shutdown());

  itWith([gcc, go], 'C.int and C.CString get the builtin hover (the index is not waited for)', async () => {
    const int = await client.request('textDocument/hover', { textDocument: { uri }, position: at('C.int', 'int') });
    expect(int.contents.value).toMatch(/^\*\*C\.int\*\* — cgo builtin\n\n```go\ntype C\.int \/\/ int32\n```/);
    const cs = await client.request('textDocument/hover', { textDocument: { uri }, position: at('C.CString', 'CString') });
    expect(cs.contents.value).toMatch(/^\*\*C\.CString\*\* — cgo builtin\n\n```go\nfunc C\.CString\(string\) \*C\.char/);
  });
});
