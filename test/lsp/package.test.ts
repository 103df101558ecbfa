// The package as the unit, seen from an editor: the built server over stdio, the splitflags fixture.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';

let dir: string;
let client: LspClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-pkg-'));
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'modules', 'splitflags'), dir, { recursive: true });
  client = new LspClient({ env: { ...process.env, GOTOOLCHAIN: 'local' } });
  await client.initialize(dir, { client: 'neovim', initializationOptions: { checkShellEnv: false, debounceMs: 50, diagnosticsScope: 'openFiles' } });
});
afterAll(async () => {
  await client.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

const uriOf = (name: string) => pathToFileURL(path.join(dir, name)).toString();
const errorCodes = (p: { diagnostics: { code: string; severity?: number }[] }) => p.diagnostics.filter((d) => d.severity === 1).map((d) => d.code);

describe('flags from other files of the package, in the editor', () => {
  it('use.go is clean because flags.go defines HAVE_FOO and the -I; an unsaved edit of flags.go re-publishes use.go with the #error', async () => {
    const use = client.open(path.join(dir, 'cflags', 'use.go'));
    const flagsFile = path.join(dir, 'cflags', 'flags.go');
    const flags = client.open(flagsFile);
    // Both files are analysed with the compiler (open), and neither has an error.
    await client.waitForDiagnostics(flags, () => true);
    await client.settle(1500);
    const last = client.published(use).at(-1)!;
    expect(errorCodes(last)).toEqual([]);
    // Drop -DHAVE_FOO=1 in the flags.go buffer only (not saved): use.go's preamble now fails, and use.go's
    // diagnostics are published again without use.go being touched.
    client.change(flags, fs.readFileSync(flagsFile, 'utf8').replace('-DHAVE_FOO=1 ', ''), 2);
    const pub = await client.waitForDiagnostics(use, (p) => p.diagnostics.some((d) => d.code === 'cgo/c-error'));
    const d = pub.diagnostics.find((x) => x.code === 'cgo/c-error')!;
    expect(d.message).toContain('HAVE_FOO is not defined');
    expect(d.message).toContain('flags.go:3');
    // Putting the flag back clears it again.
    client.change(flags, fs.readFileSync(flagsFile, 'utf8'), 3);
    await client.waitForDiagnostics(use, (p) => !p.diagnostics.some((x) => x.code === 'cgo/c-error'));
  });

  it('broken/use.go names the flags.go line whose -I it was compiled with', async () => {
    const use = client.open(path.join(dir, 'broken', 'use.go'));
    const pub = await client.waitForDiagnostics(use, (p) => p.diagnostics.some((d) => d.code === 'cgo/header-not-found'));
    expect(pub.diagnostics.find((d) => d.code === 'cgo/header-not-found')!.message).toMatch(/flags\.go:4: -I.*incl/);
    expect(uriOf('broken/use.go')).toBe(use);
  });
});
