// Parity of the two adapters: for every fixture module (test/fixtures/**/go.mod and examples/*/go.mod), the
// diagnostics the BUILT server publishes over stdio equal what the built `cgo-ls check --format json` reports
// for the same files (code, range, severity, message). Two ways the server publishes are compared:
//  - opened: each .go file opened in the editor (textDocument/didOpen), no workspace folder;
//  - scan: the fixture modules as workspace folders and nothing opened (the workspace scan publishes closed
//    files, go.mod included).
// Differences known today are listed in KNOWN_PARITY_DIFFERENCES and expected to differ.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCapabilities, LspClient, repoRoot, serverMain, type PublishedDiagnostics } from '../helpers/lsp-client.js';

interface Diag {
  code: string;
  severity: string;
  range: string; // "line:col-line:col", 1-based as `check` prints
  message: string;
}

type Way = 'opened' | 'scan';

/** Files (relative to the repository) whose server and check diagnostics differ today, with the diagnosed cause. */
export const KNOWN_PARITY_DIFFERENCES: { file: string; way: Way; server: string; check: string; cause: string }[] = [];

const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function findModules(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const d = path.join(dir, e.name);
    if (fs.existsSync(path.join(d, 'go.mod'))) out.push(d);
    findModules(d, out);
  }
  return out;
}

function goFilesOf(mod: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!fs.existsSync(path.join(p, 'go.mod'))) walk(p); // a nested module is its own entry
      } else if (e.name.endsWith('.go')) out.push(p);
    }
  };
  walk(mod);
  return out.sort();
}

const modules = [...findModules(path.join(repoRoot, 'test', 'fixtures')), ...findModules(path.join(repoRoot, 'examples'))].sort();
const files = modules.flatMap(goFilesOf);
const goMods = modules.map((m) => path.join(m, 'go.mod'));
const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

const fromCheck = new Map<string, Diag[]>();
const fromServer: Record<Way, Map<string, Diag[]>> = { opened: new Map(), scan: new Map() };
const clients: LspClient[] = [];

const key = (d: Diag) => `${d.range} ${d.severity} ${d.code}: ${d.message}`;
const sorted = (ds: Diag[]) => ds.map(key).sort();

function toDiags(pub: PublishedDiagnostics | undefined): Diag[] {
  return (pub?.diagnostics ?? []).map((d) => ({
    code: String(d.code),
    severity: SEVERITY[d.severity as number] ?? String(d.severity),
    range: `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`,
    message: d.message,
  }));
}

function startServer(folders: string[]): Promise<LspClient> {
  const client = new LspClient({ env });
  clients.push(client);
  return client
    .request('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: folders.length > 0 ? folders.map((m) => ({ uri: pathToFileURL(m).toString(), name: path.relative(repoRoot, m) })) : null,
      capabilities: clientCapabilities.vscode,
      // The engine's diagnostics, all of them: nothing left out for gopls's sake.
      initializationOptions: { besideGopls: false },
    })
    .then(() => {
      client.notify('initialized', {});
      return client;
    });
}

beforeAll(async () => {
  // cgo-ls check over every file at once (the same files the server sees).
  const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', ...files], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 << 20,
  });
  if (!r.stdout) throw new Error(`cgo-ls check printed nothing (exit ${r.status}): ${r.stderr}`);
  for (const f of [...files, ...goMods]) fromCheck.set(f, []);
  for (const d of JSON.parse(r.stdout) as {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: string;
    code: string;
    message: string;
  }[]) {
    const file = path.resolve(repoRoot, d.file);
    if (!fromCheck.has(file)) throw new Error(`cgo-ls check reported a file it was not given: ${d.file}`);
    fromCheck.get(file)!.push({ code: d.code, severity: d.severity, range: `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`, message: d.message });
  }

  // opened: one server, no workspace folder (no scan), every .go file opened, four at a time.
  const opened = await startServer([]);
  // Static checks never wait for the toolchain probe: a file opened before its folder's probe answered is
  // published twice (static checks at once, everything once the probe answers). Probe every module first
  // (cgo/toolchain waits for it), so the one publish for version 1 is the complete one.
  for (const mod of modules) {
    const first = files.find((f) => f.startsWith(mod + path.sep));
    if (first) await opened.request('cgo/toolchain', { uri: pathToFileURL(first).toString() }, 120_000);
  }
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(
      files.slice(i, i + 4).map(async (f) => {
        const uri = opened.open(f);
        // The publish for the opened document carries its version; it includes the compiler's results.
        fromServer.opened.set(f, toDiags(await opened.waitForDiagnostics(uri, (p) => p.version === 1, 120_000)));
      }),
    );
  }
  await opened.shutdown();

  // scan: one server with the fixture modules as workspace folders; nothing is opened. Every file that check
  // reports on must be published; then the server must go quiet. A file never published has no diagnostics.
  const scan = await startServer(modules);
  const uriOf = (f: string) => pathToFileURL(f).toString();
  const expected = [...fromCheck].filter(([, ds]) => ds.length > 0).map(([f]) => f);
  await scan.waitFor(() => expected.every((f) => scan.published(uriOf(f)).length > 0), 300_000, 'the workspace scan to publish every file check reports on');
  await scan.settle(3_000);
  for (const f of [...files, ...goMods]) fromServer.scan.set(f, toDiags(scan.published(uriOf(f)).at(-1)));
}, 900_000);

afterAll(async () => {
  for (const c of clients) await c.shutdown();
});

function compare(way: Way, mod: string): string[] {
  const problems: string[] = [];
  const targets = way === 'scan' ? [...goFilesOf(mod), path.join(mod, 'go.mod')] : goFilesOf(mod);
  for (const f of targets) {
    const r = path.relative(repoRoot, f);
    const s = sorted(fromServer[way].get(f) ?? []);
    const c = sorted(fromCheck.get(f) ?? []);
    const same = JSON.stringify(s) === JSON.stringify(c);
    const known = KNOWN_PARITY_DIFFERENCES.some((k) => k.file === r && k.way === way);
    if (!same && !known) problems.push(`${r}:\n  server (${way}): ${JSON.stringify(s, null, 1)}\n  check: ${JSON.stringify(c, null, 1)}`);
    if (same && known) problems.push(`${r} (${way}) is listed in KNOWN_PARITY_DIFFERENCES but the server and check agree now: remove the entry`);
  }
  return problems;
}

describe('the server publishes what cgo-ls check reports, for every fixture module', () => {
  it('covers every fixture module and file, and compares real findings (static and compiler-backed)', () => {
    expect(modules.length).toBeGreaterThanOrEqual(40);
    expect(fromServer.opened.size).toBe(files.length);
    const all = [...fromCheck.values()].flat();
    expect(all.length).toBeGreaterThanOrEqual(50);
    const codes = new Set(all.map((d) => d.code));
    for (const c of [
      'cgo/preamble-detached',
      'cgo/flag-not-allowed',
      'cgo/header-not-found',
      'cgo/c-error',
      'cgo/unresolved-name',
      'cgo/library-not-found',
      'cgo/pkg-config-package-not-found',
    ]) {
      expect([...codes]).toContain(c);
    }
    for (const k of KNOWN_PARITY_DIFFERENCES) expect([...files, ...goMods].map((f) => path.relative(repoRoot, f))).toContain(k.file);
  });

  for (const mod of modules) {
    const rel = path.relative(repoRoot, mod);
    it(`${rel}: every opened .go file`, () => expect(compare('opened', mod)).toEqual([]));
    it(`${rel}: the workspace scan (closed files and go.mod)`, () => expect(compare('scan', mod)).toEqual([]));
  }
});
