// Parity of the two adapters: for every fixture module (test/fixtures/**/go.mod and examples/*/go.mod), the
// diagnostics the BUILT server publishes over stdio when each .go file is opened equal what the built
// `cgo-ls check --format json` reports for the same files: code, range, severity and message.
// Differences known today are listed in KNOWN_PARITY_DIFFERENCES and expected to differ.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCapabilities, LspClient, repoRoot, serverMain } from '../helpers/lsp-client.js';

interface Diag {
  code: string;
  severity: string;
  range: string; // "line:col-line:col", 1-based as `check` prints
  message: string;
}

/** Files (relative to the repository) whose server and check diagnostics differ today, with the diagnosed cause. */
export const KNOWN_PARITY_DIFFERENCES: { file: string; server: string; check: string; cause: string }[] = [];

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
const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

const fromServer = new Map<string, Diag[]>();
const fromCheck = new Map<string, Diag[]>();
let client: LspClient;

const key = (d: Diag) => `${d.range} ${d.severity} ${d.code}: ${d.message}`;
const sorted = (ds: Diag[]) => ds.map(key).sort();

beforeAll(async () => {
  // cgo-ls check over every file at once (the same files the server opens).
  const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', ...files], { cwd: repoRoot, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  if (!r.stdout) throw new Error(`cgo-ls check printed nothing (exit ${r.status}): ${r.stderr}`);
  for (const f of files) fromCheck.set(f, []);
  for (const d of JSON.parse(r.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[]) {
    const file = path.resolve(repoRoot, d.file);
    if (!fromCheck.has(file)) continue; // go.mod diagnostics: the server publishes them only from its workspace scan
    fromCheck.get(file)!.push({ code: d.code, severity: d.severity, range: `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`, message: d.message });
  }

  // One server, every file opened. No workspace folder: the workspace scan would analyse the same files a
  // second time; what is compared is the diagnostics of an opened file (the scan publishes the same analysis).
  client = new LspClient({ env });
  await client.request('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: clientCapabilities.vscode, initializationOptions: {} });
  client.notify('initialized', {});
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(
      files.slice(i, i + 4).map(async (f) => {
        const uri = client.open(f);
        // The publish for the opened document carries its version; it includes the compiler's results.
        const pub = await client.waitForDiagnostics(uri, (p) => p.version === 1, 120_000);
        fromServer.set(
          f,
          pub.diagnostics.map((d) => ({
            code: String(d.code),
            severity: SEVERITY[d.severity as number] ?? String(d.severity),
            range: `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`,
            message: d.message,
          })),
        );
      }),
    );
  }
}, 600_000);

afterAll(async () => {
  await client?.shutdown();
});

describe('the server publishes what cgo-ls check reports, for every fixture module', () => {
  it('covers every fixture module and its files', () => {
    expect(modules.length).toBeGreaterThanOrEqual(40);
    expect(files.length).toBe(fromServer.size);
    for (const k of KNOWN_PARITY_DIFFERENCES) expect(files.map((f) => path.relative(repoRoot, f))).toContain(k.file);
  });

  for (const mod of modules) {
    const rel = path.relative(repoRoot, mod);
    it(rel, () => {
      const problems: string[] = [];
      for (const f of goFilesOf(mod)) {
        const r = path.relative(repoRoot, f);
        const s = sorted(fromServer.get(f) ?? []);
        const c = sorted(fromCheck.get(f) ?? []);
        const same = JSON.stringify(s) === JSON.stringify(c);
        const known = KNOWN_PARITY_DIFFERENCES.some((k) => k.file === r);
        if (!same && !known) problems.push(`${r}:\n  server: ${JSON.stringify(s, null, 1)}\n  check:  ${JSON.stringify(c, null, 1)}`);
        if (same && known) problems.push(`${r} is listed in KNOWN_PARITY_DIFFERENCES but the server and check agree now: remove the entry`);
      }
      expect(problems).toEqual([]);
    });
  }
});
