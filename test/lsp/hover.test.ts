// Hovers on each cgo construct, through the real server.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';

const healthy = path.join(repoRoot, 'test', 'fixtures', 'modules', 'healthy');
const pkgcfg = path.join(repoRoot, 'test', 'fixtures', 'modules', 'pkgcfg');
let client: LspClient;
let box: string;
let exp: string;
let db: string;

beforeAll(async () => {
  client = new LspClient();
  await client.initialize(healthy, { initializationOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false, targets: ['windows/amd64'] } });
  box = client.open(path.join(healthy, 'box.go'));
  exp = client.open(path.join(healthy, 'export.go'));
  db = client.open(path.join(pkgcfg, 'db.go'));
  await client.waitForDiagnostics(box);
  await client.settle(1500); // let the compiler run finish so C.name kinds are known
});
afterAll(async () => client.shutdown());

/** A hover, asked again while it says the toolchain or compiler answer is still pending (hovers never wait long). */
async function hover(uri: string, line: number, character: number): Promise<string> {
  for (let i = 0; ; i++) {
    const r = await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    expect(r?.contents?.kind).toBe('markdown');
    const md = r.contents.value as string;
    if (!/has not answered (yet|in time)/.test(md) || i >= 60) return md;
    await new Promise((res) => setTimeout(res, 500));
  }
}

describe('hover', () => {
  it('on import "C": the toolchain report with CGO_ENABLED and the reason, CC and its target, and the target matrix', async () => {
    const md = await hover(box, 13, 8);
    expect(md).toMatch(/CGO_ENABLED=1/);
    expect(md).toMatch(/CC `[^`]+`.*target `x86_64-linux-gnu`/);
    expect(md).toContain('windows/amd64');
  });

  it('on a #cgo line: meaning, whether it applies here, and the flags after ${SRCDIR} expansion', async () => {
    const md = await hover(box, 3, 5);
    expect(md).toContain('**#cgo CFLAGS**');
    expect(md).toContain(`-I${healthy}/include`);
    const win = await hover(box, 5, 5);
    expect(win).toMatch(/✗ Does not apply to linux\/amd64/);
  });

  it('on #cgo pkg-config: the real --cflags and --libs output', async () => {
    const md = await hover(db, 2, 8);
    expect(md).toContain('pkg-config --libs');
    expect(md).toContain('-lsqlite3');
  });

  it('on #include: the resolved header path and which -I found it', async () => {
    const local = await hover(box, 9, 12);
    expect(local).toContain(`${healthy}/include/box.h`);
    expect(local).toContain(`-I ${healthy}/include`);
    const sys = await hover(box, 8, 12);
    expect(sys).toMatch(/Resolves to `\/usr\/include\/math\.h`/);
  });

  it('on C.name: the kind, the C declaration and where it is declared', async () => {
    const fn = await hover(box, 18, 45);
    expect(fn).toContain('**C.box_area**');
    expect(fn).toContain('static inline int box_area(box b)');
    expect(fn).toContain('include/box.h:4');
    const macro = await hover(box, 24, 15);
    expect(macro).toContain('integer constant');
    expect(macro).toContain('#define BOX_MAX 1000');
    const builtin = await hover(box, 28, 10);
    expect(builtin).toContain('C.CString');
    expect(builtin).toContain('C.free');
  });

  it('on //export: the declaration _cgo_export.h will contain', async () => {
    const md = await hover(exp, 6, 3);
    expect(md).toContain('extern int32_t GoTwice(int32_t);');
  });
});
