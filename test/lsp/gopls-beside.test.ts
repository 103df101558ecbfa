// Issue 13, "said twice": with the real gopls (v0.20, as the editor tests run it) and cgo-ls on the same files,
// no line gets the same words from both servers. The catalogue says per code what gopls reports
// (CodeInfo.gopls; protocol.md "Beside gopls"); this test holds the catalogue to what gopls really publishes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { gopls } from '../e2e/editors.js';
import { describeWith } from '../helpers/tools.js';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';

const GOPLS = gopls();
const fixture = path.join(repoRoot, 'test', 'fixtures', 'gopls', 'beside');
const files = ['unknown/unknown.go', 'renamed/renamed.go', 'detached/detached.go', 'flag/flag.go'];

interface D {
  server: string;
  code?: string;
  line: number;
  start: number;
  end: number;
  first: string;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

describeWith([GOPLS], 'cgo-ls beside the real gopls', () => {
  let dir: string;
  const servers: LspClient[] = [];
  const got = new Map<string, D[]>(); // file → diagnostics of both servers

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-beside-'));
    fs.cpSync(fixture, dir, { recursive: true });
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off' };
    const cgo = new LspClient({ env });
    const gp = new LspClient({ env, command: [GOPLS.path!], cwd: dir });
    servers.push(cgo, gp);
    await cgo.initialize(dir, { initializationOptions: { checkShellEnv: false, diagnosticsScope: 'openFiles' } });
    await gp.initialize(dir);
    for (const f of files) {
      const abs = path.join(dir, f);
      for (const [name, c] of [
        ['cgo-ls', cgo],
        ['gopls', gp],
      ] as const) {
        const uri = c.open(abs);
        // cgo-ls publishes first statically, then with the compiler's results; gopls after its go list.
        await c.waitForDiagnostics(uri, (p) => (name === 'gopls' ? p.diagnostics.length > 0 : true), 120_000);
      }
    }
    await Promise.all(servers.map((c) => c.settle(2500)));
    for (const f of files) {
      const list: D[] = [];
      for (const [name, c] of [
        ['cgo-ls', cgo],
        ['gopls', gp],
      ] as const) {
        const last = c.published(pathToFileURL(path.join(dir, f)).toString()).at(-1);
        for (const d of last?.diagnostics ?? []) {
          list.push({
            server: name,
            code: typeof d.code === 'string' ? d.code : undefined,
            line: d.range.start.line,
            start: d.range.start.character,
            end: d.range.end.character,
            first: String(d.message).split('\n')[0]!,
          });
        }
      }
      got.set(f, list);
    }
  }, 300_000);

  afterAll(async () => {
    for (const c of servers) await c.shutdown().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gopls publishes on every file (the test sees what an editor with both servers sees)', () => {
    for (const f of files)
      expect(
        got.get(f)!.some((d) => d.server === 'gopls'),
        `${f}: ${JSON.stringify(got.get(f))}`,
      ).toBe(true);
  });

  it('no line gets the same words from both servers', () => {
    const twice: string[] = [];
    for (const [f, list] of got) {
      for (const a of list.filter((d) => d.server === 'cgo-ls')) {
        for (const b of list.filter((d) => d.server === 'gopls')) {
          // Same line: what an editor shows together (Neovim's float and virtual text, Helix's line diagnostics);
          // gopls puts `cannot rename import "C"` on the name, cgo-ls on the path — one line apart by a space.
          if (a.line === b.line && (norm(a.first).includes(norm(b.first)) || norm(b.first).includes(norm(a.first))))
            twice.push(`${f}:${a.line + 1}: "${a.first}" / gopls "${b.first}"`);
        }
      }
    }
    expect(twice).toEqual([]);
  });

  it('the catalogue says the truth about gopls: renamed-import is left to gopls, whose words are the same', () => {
    const r = got.get('renamed/renamed.go')!;
    expect(r.filter((d) => d.server === 'cgo-ls' && d.code === 'cgo/renamed-import')).toEqual([]);
    expect(r.some((d) => d.server === 'gopls' && norm(d.first) === norm('cannot rename import "C"'))).toBe(true);
    expect(Engine.codes().find((c) => c.code === 'cgo/renamed-import')?.gopls?.sameWords).toBe(true);
  });

  it("on the same range as gopls's `undefined: C.free`, cgo-ls says the cause and the fix", () => {
    const u = got.get('unknown/unknown.go')!;
    const g = u.find((d) => d.server === 'gopls' && /undefined: C\.free/.test(d.first));
    const c = u.find((d) => d.server === 'cgo-ls' && d.code === 'cgo/unresolved-name');
    expect(g, JSON.stringify(u)).toBeDefined();
    expect(c, JSON.stringify(u)).toBeDefined();
    expect(c!.line).toBe(g!.line);
    expect(c!.first).not.toMatch(/undefined|could not determine/);
  });
});
