// The built dist/ is self-contained: the package as npm packs it, unpacked where no node_modules can be found,
// answers --version, checks a module with cgo files (tree-sitter runtime + grammars, compiler runs, the reaper) and
// serves an LSP initialize + first diagnostic over stdio. Also: what the bundle loads relative to its own files
// (chunks, `new URL('./x.js', import.meta.url)` workers and scripts) is in the pack.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tmp = '';
let pkg = ''; // the unpacked package (its dist/main.js is what `cgo-ls` runs)
let packed: string[] = []; // the paths `npm pack --dry-run` lists

/** The CLI without SHELL (the machine's login shell is not under test) and with a disk cache of its own. */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CGO_LS_CACHE_DIR: path.join(tmp, 'cache') };
  delete e['SHELL'];
  return e;
}

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run npm run build');
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-bundle-')));
  // --ignore-scripts: `prepare` would rebuild; the test is about the dist/ already built.
  const dry = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' })) as {
    files: { path: string }[];
  }[];
  packed = dry[0]!.files.map((f) => f.path);
  const real = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: repoRoot, encoding: 'utf8' })) as {
    filename: string;
  }[];
  execFileSync('tar', ['-xzf', path.join(tmp, real[0]!.filename), '-C', tmp]);
  pkg = path.join(tmp, 'package');
}, 120_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the packed bundle', () => {
  it('is unpacked where no node_modules directory can be resolved from', () => {
    for (let dir = pkg; ; dir = path.dirname(dir)) {
      expect(fs.existsSync(path.join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
      if (path.dirname(dir) === dir) break;
    }
  });

  it('lists the entry, its chunks, the reaper, the runtime wasm and the grammars in npm pack', () => {
    for (const f of ['dist/main.js', 'dist/reaper.js', 'dist/tree-sitter.wasm', 'dist/wasm/tree-sitter-go.wasm', 'dist/wasm/tree-sitter-c.wasm']) {
      expect(packed).toContain(f);
    }
    expect(packed).toContain('dist/main.cjs'); // the program, which dist/main.js loads
    // A worker script added to the source tree is an entry point of the bundle too (scripts/build-bundle.mjs).
    if (fs.existsSync(path.join(repoRoot, 'server', 'src', 'engine', 'parsethread.ts'))) expect(packed).toContain('dist/parsethread.js');
  });

  it('packs every file the bundle imports or resolves next to itself', () => {
    const bundleFiles = packed.filter((f) => /^dist\/[^/]+\.c?js$/.test(f));
    const missing: string[] = [];
    for (const f of bundleFiles) {
      const text = fs.readFileSync(path.join(pkg, f), 'utf8');
      const refs = [
        ...[...text.matchAll(/(?:from|import)\s*\(?\s*"(\.\/[^"]+)"/g)].map((m) => m[1]!),
        // In main.cjs, import.meta.url is __cgoImportMetaUrl (the bundle's own file URL).
        ...[...text.matchAll(/new URL\(\s*["'](\.\/[^"']+)["']\s*,\s*(?:import\.meta\.url|__cgoImportMetaUrl)\s*\)/g)].map((m) => m[1]!),
      ];
      for (const r of refs) if (!packed.includes(path.posix.join('dist', r))) missing.push(`${f} → ${r}`);
    }
    expect(bundleFiles.length).toBeGreaterThan(2);
    expect(missing).toEqual([]);
  });

  it("keeps V8's code cache of the bundle per command, reuses it with the same results, and replaces a damaged one", () => {
    const cacheDir = path.join(tmp, 'code-cache');
    const mod = path.join(tmp, 'static-cached');
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'modules', 'static'), mod, { recursive: true });
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(pkg, 'dist', 'main.js'), ...args], {
        cwd: mod,
        env: { ...env(), CGO_LS_CACHE_DIR: cacheDir },
        encoding: 'utf8',
      });
      if (args[0] !== 'doctor') expect(r.stderr).toBe('');
      return r;
    };
    const codeDir = path.join(cacheDir, 'v8-code');
    const files = () => (fs.existsSync(codeDir) ? fs.readdirSync(codeDir).sort() : []);
    run('--version');
    expect(files()).toEqual([]); // --version (answered by the entry alone) and --help write none
    const uncached = run('check', '.').stdout;
    // Everything a check does, the Go grammar's parse included (it needs web-tree-sitter's own import of a built-in).
    expect(uncached).toMatch(/^detached\.go:3:1: error cgo\/preamble-detached: /m);
    expect(files()).toEqual([expect.stringMatching(/^main-check-[0-9a-f]+\.bin$/)]);
    const file = path.join(codeDir, files()[0]!);
    const written = fs.readFileSync(file);
    const { mtimeMs } = fs.statSync(file);
    // Served from the cache: the same report, and V8 accepted the bytes (a rejected or unread cache is written again).
    expect(run('check', '.').stdout).toBe(uncached);
    expect(fs.statSync(file).mtimeMs).toBe(mtimeMs);
    expect(fs.readFileSync(file).equals(written)).toBe(true);
    // A damaged file (one payload byte flipped) fails its checksum: V8 never sees it, the run compiles and rewrites.
    const damaged = Buffer.from(written);
    damaged[damaged.length - 100] ^= 0xff;
    fs.writeFileSync(file, damaged);
    expect(run('check', '.').stdout).toBe(uncached);
    expect(fs.readFileSync(file).equals(damaged)).toBe(false);
    expect(run('check', '.').stdout).toBe(uncached);
    // --help reads check's cache (the same V8 flags) and leaves it as it is.
    const before = fs.readFileSync(file);
    expect(run('--help').stdout).toMatch(/^cgo-ls \d/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    // doctor has its own.
    run('doctor', '.');
    expect(files()).toEqual([expect.stringMatching(/^main-check-/), expect.stringMatching(/^main-doctor-/)]);
  }, 120_000);

  it('prints the version of the package it was installed from', () => {
    const r = spawnSync(process.execPath, [path.join(pkg, 'dist', 'main.js'), '--version'], { cwd: tmp, env: env(), encoding: 'utf8' });
    const version = (JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`cgo-ls ${version}\n`);
  });

  it('checks a module with cgo files: tree-sitter parses, the compiler runs, the reaper starts', async () => {
    const mod = path.join(tmp, 'static');
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'modules', 'static'), mod, { recursive: true });
    const child = spawnAsync([path.join(pkg, 'dist', 'main.js'), 'check', '.'], mod);
    // The reaper is started with the first compiler run and outlives it only as long as cgo-ls.
    const reaper = await child.watchFor(() => processWithArg(path.join(pkg, 'dist', 'reaper.js')));
    const r = await child.done;
    expect(r.stdout).toMatch(/^detached\.go:3:1: error cgo\/preamble-detached: /m); // needs the Go grammar
    expect(r.stdout).toMatch(/^flags\.go:3:\d+: error cgo\/flag-not-allowed: /m);
    expect(r.stdout).toMatch(/cgo file\(s\) checked/);
    expect(r.code).toBe(1);
    // Only Linux has /proc to look; elsewhere the hardening tests cover the reaper (Windows has none).
    if (process.platform === 'linux') expect(reaper, `no process ran ${pkg}/dist/reaper.js; stderr: ${r.stderr}`).not.toBeNull();
  }, 120_000);

  it('answers initialize over stdio and publishes a diagnostic that needs the grammars', async () => {
    const mod = path.join(tmp, 'lsp');
    fs.mkdirSync(mod);
    fs.writeFileSync(path.join(mod, 'go.mod'), 'module example.com/lsp\n\ngo 1.21\n');
    const file = path.join(mod, 'detached.go');
    const text = 'package lsp\n\n// #include <stdio.h>\n\nimport "C"\n\nfunc F() { C.puts(nil) }\n';
    fs.writeFileSync(file, text);
    const c = new LspClient({ command: [process.execPath, path.join(pkg, 'dist', 'main.js'), '--stdio'], cwd: tmp, env: env() });
    try {
      const init = (await c.initialize(mod)) as { capabilities?: unknown; serverInfo?: { name?: string } };
      expect(init.capabilities).toBeTruthy();
      const uri = pathToFileURL(file).toString();
      c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
      const p = await c.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'cgo/preamble-detached'), 60_000);
      expect(p.diagnostics.map((d) => d.code)).toContain('cgo/preamble-detached');
      // A server that ends before its 10 s mark writes its code cache at exit.
      await c.shutdown();
      const codeDir = path.join(tmp, 'cache', 'v8-code');
      expect(fs.readdirSync(codeDir).filter((f) => f.startsWith('main-server-'))).toHaveLength(1);
    } finally {
      c.proc.kill('SIGKILL');
    }
  }, 120_000);
});

/** The pid of a live process whose command line has `arg` as an argument, or null (Linux: /proc). */
function processWithArg(arg: string): number | null {
  if (process.platform !== 'linux') return null;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(arg)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** Runs `node args` and, until it exits, polls `probe` every 20 ms; keeps the first non-null answer. */
function spawnAsync(args: string[], cwd: string) {
  const p = spawn(process.execPath, args, { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
  let exited = false;
  void done.then(() => (exited = true));
  return {
    done,
    watchFor: async <T>(probe: () => T | null): Promise<T | null> => {
      while (!exited) {
        const v = probe();
        if (v !== null) return v;
        await new Promise((r) => setTimeout(r, 20));
      }
      return null;
    },
  };
}
