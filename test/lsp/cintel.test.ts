// C inside Go files through the real server over stdio, once per client (VS Code, Helix, Neovim capabilities):
// completion after `C.` with detail and documentation the client can show (inline for Neovim, through
// completionItem/resolve for VS Code and Helix), the completion applied to the text, field completion on a C
// struct value, signature help, definition/declaration (C.name → header or preamble, #include → header,
// //export → Go func), document links and hover.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../helpers/lsp-client.js';

const MAIN = `package main

/*
#include <stdio.h>
#include <stdlib.h>
#include "local.h"

struct point { int x; int type; };
static inline int add(int a, int b) { return a + b; }
#define LIMIT 10
*/
import "C"

func main() {
	var p C.struct_point
	_ = p.x
	C.puts(nil)
	_ = C.add(1, 2)
	_ = C.local_fn(C.LIMIT)
}

//export Hello
func Hello() {}
`;

let dir: string;
let mainFile: string;
const lines = MAIN.split('\n');
const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cintel-lsp-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/cintel\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'local.h'), '#pragma once\n\n/* adds one */\nint local_fn(int v);\n');
  fs.writeFileSync(path.join(dir, 'local.c'), '#include "local.h"\nint local_fn(int v) { return v + 1; }\n');
  mainFile = path.join(dir, 'main.go');
  fs.writeFileSync(mainFile, MAIN);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Applies a completion item to a line: its textEdit, or the list's default edit range (itemDefaults). */
function apply(line: string, item: any, list: any): string {
  const r = item.textEdit ? (item.textEdit.range ?? item.textEdit.replace) : list.itemDefaults.editRange;
  return line.slice(0, r.start.character) + (item.textEdit?.newText ?? item.textEditText ?? item.label) + line.slice(r.end.character);
}

for (const clientName of ['vscode', 'helix', 'neovim'] as const) {
  describe(`C intelligence with ${clientName}'s capabilities`, () => {
    let client: LspClient;
    let uri: string;
    beforeAll(async () => {
      client = new LspClient();
      const init = await client.initialize(dir, { client: clientName, initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false } });
      expect(init.capabilities.completionProvider.triggerCharacters).toContain('.');
      expect(init.capabilities.signatureHelpProvider.triggerCharacters).toContain('(');
      expect(init.capabilities.definitionProvider).toBe(true);
      expect(init.capabilities.documentLinkProvider).toBeTruthy();
      uri = client.open(mainFile);
      await client.waitForDiagnostics(uri);
    }, 60_000);
    afterAll(async () => client?.shutdown());

    it('completes C. with every preamble name, detail in Go terms and documentation the client can show, and applies it', async () => {
      const line = lineOf('C.puts(nil)');
      // The user has typed `C.pu` at the start of the line.
      const typed = '\tC.pu';
      const text = lines.map((l, i) => (i === line ? typed : l)).join('\n');
      client.change(uri, text, 2);
      const res = await client.request(
        'textDocument/completion',
        { textDocument: { uri }, position: { line, character: typed.length }, context: { triggerKind: 1 } },
        60_000,
      );
      const items: any[] = res.items ?? res;
      const puts = items.find((i) => i.label === 'puts');
      expect(puts, 'puts offered').toBeDefined();
      expect(puts.kind).toBe(3); // Function
      expect(puts.detail).toMatch(/^func\(\w+ \*C\.char\) C\.int$/);
      for (const n of ['add', 'LIMIT', 'struct_point', 'local_fn', 'malloc', 'CString', 'int']) expect(items.map((i) => i.label)).toContain(n);
      expect(items.map((i) => i.label)).not.toContain('printf'); // variadic: cgo cannot call it
      const add = items.find((i) => i.label === 'add');
      expect(add.sortText < puts.sortText).toBe(true); // the preamble's own names first
      // Documentation: inline for Neovim (it does not resolve documentation), through resolve for the others.
      let doc = puts.documentation;
      if (clientName === 'neovim') expect(doc).toBeDefined();
      else {
        expect(doc).toBeUndefined();
        doc = (await client.request('completionItem/resolve', puts)).documentation;
      }
      expect(doc.kind).toBe('markdown');
      expect(doc.value).toContain('func C.puts(');
      expect(doc.value).toMatch(/extern int puts \(const char \*\w+\);/);
      expect(doc.value).toMatch(/stdio\.h:\d+/);
      // Applying the item replaces the typed prefix.
      expect(apply(typed, puts, res)).toBe('\tC.puts');
      // Only clients that take a default edit range get a list without per-item edits.
      expect(!!res.itemDefaults).toBe(clientName !== 'helix');
      client.change(uri, MAIN, 3);
    }, 90_000);

    it("completes the fields of a C struct value with cgo's Go names", async () => {
      const line = lineOf('_ = p.x');
      const res = await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('p.') + 2 } });
      const items: any[] = res.items ?? res;
      expect(items.map((i) => i.label)).toEqual(['x', '_type']);
      expect(items[1].detail).toBe('C.int');
      expect(items[1].documentation.value).toContain('`type` to `_type`');
    });

    it('shows the signature of C.add in Go and C terms with the active parameter', async () => {
      const line = lineOf('C.add(1, 2)');
      const res = await client.request('textDocument/signatureHelp', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('2)') } });
      expect(res.signatures[0].label).toBe('C.add(a C.int, b C.int) C.int');
      expect(res.signatures[1].label).toBe('int add(int a, int b)');
      expect(res.activeParameter).toBe(1);
      const [s, e] = res.signatures[0].parameters[1].label;
      expect(res.signatures[0].label.slice(s, e)).toBe('b C.int');
    });

    it('goes to the C declaration, the header of an #include and the Go function of an //export', async () => {
      const def = async (needle: string, offset = 0, method = 'textDocument/definition') => {
        const line = lineOf(needle);
        return client.request(method, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(needle) + offset } });
      };
      const add = await def('C.add', 3);
      expect(add).toEqual([
        { uri, range: { start: { line: lineOf('static inline int add'), character: 18 }, end: { line: lineOf('static inline int add'), character: 21 } } },
      ]);
      const puts = await def('C.puts', 3, 'textDocument/declaration');
      expect(puts[0].uri).toMatch(/stdio\.h$/);
      const hdr = fs.readFileSync(new URL(puts[0].uri), 'utf8').split('\n')[puts[0].range.start.line]!;
      expect(hdr.slice(puts[0].range.start.character, puts[0].range.end.character)).toBe('puts');
      const local = await def('C.local_fn', 3);
      expect(local[0].uri).toMatch(/local\.h$/);
      expect(local[0].range.start.line).toBe(3);
      const inc = await def('#include "local.h"', 12);
      expect(inc[0].uri).toMatch(/\/local\.h$/);
      const exp = await def('//export Hello', 10);
      expect(exp).toEqual([{ uri, range: { start: { line: lineOf('func Hello'), character: 5 }, end: { line: lineOf('func Hello'), character: 10 } } }]);
    });

    it('links every #include to the header the compiler opened', async () => {
      const links: any[] = await client.request('textDocument/documentLink', { textDocument: { uri } });
      expect(links.map((l) => path.basename(new URL(l.target).pathname)).sort()).toEqual(['local.h', 'stdio.h', 'stdlib.h']);
      const l = links.find((x) => x.target.endsWith('local.h'));
      expect(lines[l.range.start.line]!.slice(l.range.start.character, l.range.end.character)).toBe('local.h');
    });

    it('hovers C.puts with the Go-side signature next to the C declaration', async () => {
      const line = lineOf('C.puts(nil)');
      const r = await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('puts') } });
      expect(r.contents.value).toMatch(/func C\.puts\(\w+ \*C\.char\) C\.int/);
      expect(r.contents.value).toMatch(/extern int puts/);
    });
  });
}
