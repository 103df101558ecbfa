// Issue 12, item 7: big generated files, binaries named .go and 100 000 `import "C"` lines are capped per file
// (gomodel/model.ts), the file says so (cgo/file-too-large), and the server keeps answering hovers. No timing
// asserts here: `npm run stress` prints the hover latency and RSS for the same inputs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { analysisCut, MAX_ANALYSED_CHARS, MAX_C_IMPORTS, parseGoFile } from '../../server/src/gomodel/model.js';
import { baseEnv, cleanupTemps, hoverAt, realGcc, realGo, startServer, stopServer, tempDir, writeTree } from './helpers.js';
import { expectShape } from '../helpers/messages.js';

// Real servers and compilers on a shared 2-core machine: generous per-test time (no timing asserts here).
vi.setConfig({ testTimeout: 180000 });

/** A generated Go file of about `bytes` characters that uses C names throughout. */
export function generatedGo(bytes: number, preamble = '// #include <stdlib.h>\n'): string {
  let s = `package p\n\n${preamble}import "C"\n\n`;
  const parts: string[] = [s];
  let n = s.length;
  for (let i = 0; n < bytes; i++) {
    const f = `func f${i}(x int) int {\n\tif x > ${i} {\n\t\treturn int(C.int(x)) + ${i}\n\t}\n\treturn x * 2\n}\n\n`;
    parts.push(f);
    n += f.length;
  }
  s = parts.join('');
  return s;
}

describe('per-file caps in the Go model', () => {
  it('a 20 MB file is modelled up to the cap, cut before a top-level declaration, and says so', async () => {
    const text = generatedGo(20 << 20);
    const m = await parseGoFile('/tmp/big.go', text);
    expect(m.limited?.reason).toBe('size');
    expect(m.limited!.analysedBytes).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
    expect(m.limited!.totalBytes).toBe(text.length);
    expect(text.slice(m.limited!.analysedBytes).startsWith('func ')).toBe(true);
    expect(m.importsC).toBe(true);
    expect(m.hasSyntaxErrors).toBe(false);
    expect(m.cRefs.length).toBeGreaterThan(100);
  });

  it('a preamble longer than the cap is kept whole with its import "C" (no false C errors from a cut preamble)', async () => {
    const pre = Array.from({ length: 12_000 }, (_, i) => `// int v${i} = ${i}; /* padding padding */\n`).join('');
    const text = generatedGo(1 << 20, pre);
    expect(text.indexOf('import "C"')).toBeGreaterThan(MAX_ANALYSED_CHARS);
    const m = await parseGoFile('/tmp/longpre.go', text);
    expect(m.importsC).toBe(true);
    expect(m.cImports[0]!.preamble!.lines.length).toBe(12_000);
    expect(analysisCut(text)).toBeGreaterThan(text.indexOf('import "C"'));
  });

  it('a binary named .go is not modelled', async () => {
    const bin = Buffer.alloc(8 << 20);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 2654435761) >>> 24;
    const m = await parseGoFile('/tmp/bin.go', bin.toString('latin1'));
    expect(m.limited?.reason).toBe('binary');
    expect(m.cImports).toEqual([]);
  });

  it('100 000 import "C" lines: at most MAX_C_IMPORTS are modelled', async () => {
    const text = 'package p\n' + 'import "C"\n'.repeat(100_000);
    const m = await parseGoFile('/tmp/imports.go', text);
    expect(m.cImports.length).toBe(MAX_C_IMPORTS);
    expect(m.limited).toBeDefined();
  });

  it('a small file is not limited', async () => {
    const m = await parseGoFile('/tmp/small.go', generatedGo(10_000));
    expect(m.limited).toBeUndefined();
  });
});

const haveTools = realGcc !== null && realGo !== null;

describe.skipIf(!haveTools)('the server with a 20 MB generated cgo file', () => {
  afterAll(() => cleanupTemps());

  it('publishes cgo/file-too-large on it and keeps answering hovers, the first one on its first C.int right', async () => {
    const root = tempDir('bigfile');
    writeTree(root, {
      'go.mod': 'module example.com/big\n\ngo 1.22\n',
      'p/big.go': generatedGo(20 << 20),
      'q/small.go': 'package q\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() C.long { return C.long(C.rand()) }\n',
    });
    const c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
    try {
      const small = c.open(path.join(root, 'q', 'small.go'));
      // The 20 MB didOpen goes through the framing guard's big-body path; the hover right behind it is on the
      // first C.int (line 7: `\t\treturn int(C.int(x)) + 0`), asked before the file's model can be done.
      const uri = c.open(path.join(root, 'p', 'big.go'));
      const [first, other] = await Promise.all([hoverAt(c, uri, 7, 15, 60_000), hoverAt(c, small, 5, 11, 60_000)]);
      expect(String(first.result?.contents?.value ?? '')).toMatch(/\*\*C\.int\*\* — cgo builtin[\s\S]*type C\.int \/\/ int32/);
      // Another file is served while the big one is analysed.
      expect(String(other.result?.contents?.value ?? '')).toMatch(/C\.long/);
      const h = await hoverAt(c, uri, 3, 8, 60_000);
      expect(String(h.result?.contents?.value ?? '')).toMatch(/./);
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d: any) => d.code === 'cgo/file-too-large'), 60_000);
      const d = pub.diagnostics.find((x: any) => x.code === 'cgo/file-too-large');
      expectShape(d.message);
      expect(d.message.split('\n')[0]).toMatch(/^file analysed in part: only the first \d+ KiB of \d+ KiB/);
      expect(d.message.split('\n')[0]!.length).toBeLessThanOrEqual(100);
      expect(d.severity).toBe(3);
    } finally {
      await stopServer(c);
    }
  });
});

describe.skipIf(!haveTools)('the server with an 8 MB binary named .go and with 100 000 import "C" lines', () => {
  afterAll(() => cleanupTemps());

  it('publishes cgo/file-too-large on each and answers hovers on them and on another file', async () => {
    const bin = Buffer.alloc(8 << 20);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 2654435761) >>> 24;
    const root = tempDir('bigbin');
    writeTree(root, {
      'go.mod': 'module example.com/big\n\ngo 1.22\n',
      'i/imports.go': 'package i\n' + 'import "C"\n'.repeat(100_000),
      'q/small.go': 'package q\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() C.long { return C.long(C.rand()) }\n',
    });
    fs.mkdirSync(path.join(root, 'b'));
    fs.writeFileSync(path.join(root, 'b', 'bin.go'), Buffer.concat([Buffer.from('package b\nimport "C"\n'), bin]));
    const c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
    try {
      const small = c.open(path.join(root, 'q', 'small.go'));
      for (const f of ['b/bin.go', 'i/imports.go']) {
        const uri = c.open(path.join(root, f));
        const [h, other] = await Promise.all([hoverAt(c, uri, 1, 8, 60_000), hoverAt(c, small, 5, 11, 60_000)]);
        expect(h.result === null || typeof h.result.contents?.value === 'string').toBe(true);
        expect(String(other.result?.contents?.value ?? '')).toMatch(/C\.long/);
        const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d: any) => d.code === 'cgo/file-too-large'), 60_000);
        expectShape(pub.diagnostics.find((x: any) => x.code === 'cgo/file-too-large').message);
      }
    } finally {
      await stopServer(c);
    }
  });
});
