// End to end in REAL editors: headless Neovim 0.7 (Debian 12), 0.10 and 0.12 (unpacked by .ci/editors.sh) load
// clients/neovim, which starts the built server (`node dist/main.js --stdio`) on a temp copy of
// test/fixtures/e2e/cgoapp, with gopls beside it. The Lua driver (test/e2e/nvim-driver.lua) opens files, waits
// for diagnostics with vim.wait, hovers `import "C"`, runs :CgoToolchainReport, applies a fix, creates the
// missing header and saves the buffer, completes `C.pu` to `C.puts` (the item's detail and documentation as Neovim
// received them, the edit applied to the buffer) and saves, applies a fix that creates a file; it writes what Neovim
// saw as JSON. Afterwards the test runs `go build` and `go vet` on the saved package.
// A missing Neovim is skipped with one line naming the install command; under CI=true it fails (helpers/tools.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';
import { describeWith, itWith, type Tool } from '../helpers/tools.js';
import { editorEnv, gopls as findGopls, neovims, removeTree } from './editors.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'e2e', 'cgoapp');
const driver = path.join(repoRoot, 'test', 'e2e', 'nvim-driver.lua');
const GOPLS = findGopls();
// Liveness bounds, not timing thresholds: on a loaded 2-core machine gopls and cgo-ls start side by side.
const WAIT_MS = 90_000;
const RUN_MS = 600_000;

interface NvimDiagnostic {
  lnum: number;
  col: number;
  severity: number;
  code: string;
  source: string;
  message: string;
}

interface DriverResult {
  nvim_version: string;
  method?: string;
  steps: string[];
  error?: string;
  logs: { type: number; message: string }[];
  publishes: { client: string; count: number; uri: string; version?: number; codes: (string | null)[]; after_save: boolean; t: number }[];
  detached_filetype?: string;
  client?: { name: string; root_dir: string; id: number };
  detached?: { waited_ok: boolean; diagnostics: NvimDiagnostic[] };
  hover?: { line: number; character: number; responses: { client?: string; error?: string; kind?: string; value?: string }[]; late?: string[] };
  report?: { buftype?: string; text?: string; missing?: boolean };
  code_action?: { titles: string[]; chosen?: string; sent_diagnostics: number; waited_ok?: boolean; buffer?: string; diagnostics?: NvimDiagnostic[] };
  header?: { waited_ok: boolean; diagnostics: NvimDiagnostic[]; same_client: boolean };
  header_after_save?: { waited_ok: boolean; diagnostics: NvimDiagnostic[]; client_alive: boolean };
  gomod?: { filetype: string; attached: boolean; same_client: boolean };
  create_fix?: {
    waited_ok: boolean;
    titles: string[];
    chosen?: string;
    gone?: boolean;
    c_file?: string | null;
    go_file?: string;
    diagnostics?: NvimDiagnostic[];
  };
  gopls?: { published: boolean; clients: string[] };
  completion?: {
    line: number;
    servers: Record<string, { count: number; error?: string }>;
    resolved?: boolean;
    item?: { label: string; kind: number; detail?: string; documentation?: string; documentation_kind?: string | null; has_text_edit: boolean };
    line_after?: string;
    clean_after_save?: boolean;
    diagnostics?: NvimDiagnostic[];
    saved?: string | null;
  };
  final?: Record<string, { source: string | null; code: string | null; lnum: number; col: number; end_lnum: number; end_col: number; message: string }[]>;
}

/** Which Neovim API the plugin should pick for a version string such as "0.7.2". */
function expectedMethod(version: string): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 0 || minor >= 11) return 'config';
  if (minor >= 8) return 'start';
  return 'start_client';
}

function runNvim(
  nvim: string,
  workdir: string,
  home: string,
  out: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(nvim, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${driver.replace(/ /g, '\\ ')}`], {
      cwd: workdir,
      // Neovim's own config, data, state and cache folders (nothing of the user's), the real Go caches.
      env: editorEnv(home, {
        CGO_E2E_REPO: repoRoot,
        CGO_E2E_WORKDIR: workdir,
        CGO_E2E_OUT: out,
        CGO_E2E_SERVER: serverMain,
        CGO_E2E_TIMEOUT_MS: String(WAIT_MS),
        CGO_E2E_GOPLS: GOPLS.path ?? '',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nvim did not exit within ${RUN_MS} ms\nstderr:\n${stderr}\nstdout:\n${stdout}`));
    }, RUN_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout });
    });
  });
}

for (const nvim of neovims()) describeWith(nvim, `Neovim ${nvim.label} (real, headless) with clients/neovim, gopls beside it`, () => neovimSuite(nvim));

function neovimSuite(nvim: Tool): void {
  let tmp: string;
  let workdir: string;
  let result: DriverResult | undefined;
  let run: Awaited<ReturnType<typeof runNvim>>;
  let build: ReturnType<typeof spawnSync> | undefined;
  let vet: ReturnType<typeof spawnSync> | undefined;
  // A failed setup (no nvim, no build, nvim hung) fails every test with its message instead of skipping them.
  let setupError: unknown;
  const res = (): DriverResult => {
    if (setupError !== undefined) throw setupError;
    return result!;
  };

  beforeAll(async () => {
    try {
      await setup();
    } catch (e) {
      setupError = e;
    }
  }, RUN_MS + 30_000);

  async function setup(): Promise<void> {
    if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`npm run build\` first`);
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-e2e-')));
    workdir = path.join(tmp, 'cgoapp');
    fs.cpSync(fixture, workdir, { recursive: true });
    fs.rmSync(path.join(workdir, 'missing_e2e.h'), { force: true });
    fs.rmSync(path.join(workdir, 'exported', 'export_e2e_say.c'), { force: true });
    const out = path.join(tmp, 'result.json');
    run = await runNvim(nvim.path!, workdir, path.join(tmp, 'home'), out);
    if (!fs.existsSync(out)) {
      throw new Error(`the driver wrote no result (nvim exit ${run.code}, signal ${run.signal})\nstderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
    }
    result = JSON.parse(fs.readFileSync(out, 'utf8')) as DriverResult;
    // The package as the editor left it (the completed call saved, the missing header created): the go command's verdict.
    const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off' };
    build = spawnSync('go', ['build', '.'], { cwd: workdir, env: goEnv, encoding: 'utf8', timeout: 300_000 });
    vet = spawnSync('go', ['vet', '.'], { cwd: workdir, env: goEnv, encoding: 'utf8', timeout: 300_000 });
  }

  afterAll(() => {
    removeTree(tmp);
  });

  const context = () =>
    `driver steps: ${res().steps.join(' → ')}\nerror: ${res().error ?? '-'}\nserver log:\n${res()
      .logs.map((l) => `  [${l.type}] ${l.message}`)
      .join('\n')}`;

  it('runs the driver to the end and exits cleanly', () => {
    const r = res();
    expect(r.error, context()).toBeUndefined();
    expect(r.steps).toEqual([
      'rtp',
      'setup',
      'detached',
      'hover',
      'report',
      'code_action',
      'completion',
      'header',
      'header_after_save',
      'gomod',
      'create_fix',
      'final',
    ]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('starts one cgo_ls client through the API this Neovim version has, rooted at the module', () => {
    const r = res();
    expect(r.method).toBe(expectedMethod(r.nvim_version));
    expect(r.detached_filetype).toBe('go');
    expect(r.client?.name).toBe('cgo_ls');
    expect(r.client?.root_dir).toBe(workdir);
    expect(r.header?.same_client, 'the second buffer of the same root must reuse the client').toBe(true);
    expect(r.gomod).toEqual({ filetype: 'gomod', attached: true, same_client: true });
  });

  it('accepts the settings Neovim sends (no settings warnings in the server log)', () => {
    const r = res();
    const warnings = r.logs.filter((l) => /^settings:/.test(l.message));
    expect(warnings, context()).toEqual([]);
  });

  it('shows cgo/preamble-detached on the comment line of a detached preamble', () => {
    const r = res();
    expect(r.detached?.waited_ok, context()).toBe(true);
    const d = r.detached!.diagnostics.find((x) => x.code === 'cgo/preamble-detached');
    expect(d).toBeDefined();
    expect(d!.source).toBe('cgo');
    expect(d!.lnum).toBe(2); // `// #include <stdio.h>`
    expect(d!.message).toMatch(/blank line/i);
  });

  it('hovers import "C" with the markdown toolchain report', () => {
    const r = res();
    expect(r.hover?.line).toBe(5);
    const mine = r.hover?.responses.find((x) => x.client === 'cgo_ls');
    expect(mine, JSON.stringify(r.hover)).toBeDefined();
    expect(mine!.error).toBeUndefined();
    expect(mine!.kind).toBe('markdown');
    expect(mine!.value).toContain('CGO_ENABLED');
  });

  it(':CgoToolchainReport opens the report, which shows cgo.env from settings and cmd_env from the process', () => {
    const r = res();
    expect(r.report?.missing, context()).toBeUndefined();
    expect(r.report?.buftype).toBe('nofile');
    const lines = (r.report?.text ?? '').split('\n');
    const cflags = lines.find((l) => l.includes('-DCGO_E2E_FROM_SETTINGS=1'));
    expect(cflags, r.report?.text).toBeDefined();
    expect(cflags).toMatch(/CGO_CFLAGS/);
    expect(cflags).toMatch(/editor settings/);
    const cppflags = lines.find((l) => l.includes('-DCGO_E2E_FROM_CMD_ENV=1'));
    expect(cppflags, r.report?.text).toMatch(/CGO_CPPFLAGS/);
  });

  it('requests code actions with the stored diagnostic, applies the preferred fix, and the diagnostic goes', () => {
    const r = res();
    const ca = r.code_action;
    expect(ca?.sent_diagnostics, context()).toBeGreaterThan(0);
    expect(ca?.chosen).toMatch(/blank line/);
    expect(ca?.waited_ok, context()).toBe(true);
    expect(ca?.buffer).toContain('// static void hello(void) { puts("hello"); }\nimport "C"');
    expect((ca?.diagnostics ?? []).filter((d) => d.code === 'cgo/preamble-detached')).toEqual([]);
  });

  it('completes C.pu to C.puts: the item carries its Go signature and C declaration, the edit lands in the buffer, and the saved package builds', () => {
    const r = res();
    const c = r.completion;
    expect(c?.servers.cgo_ls?.count, context()).toBeGreaterThan(100); // stdio.h's names and cgo's own
    const item = c?.item;
    expect(item, JSON.stringify(c)).toBeDefined();
    expect(item!.kind).toBe(3); // Function
    expect(item!.detail).toMatch(/^func\(\w+ \*C\.char\) C\.int$/);
    expect(item!.documentation).toContain('func C.puts(');
    expect(item!.documentation).toMatch(/int puts ?\(const char \*/);
    expect(item!.documentation).toContain('stdio.h');
    expect(c!.line_after).toBe('func Put() { C.puts');
    expect(c!.saved).toContain('func Put() { C.puts(nil) }');
    expect(c!.clean_after_save, context()).toBe(true);
    expect(c!.diagnostics).toEqual([]);
    expect(build?.status, `go build: ${String(build?.stderr)}`).toBe(0);
    expect(vet?.status, `go vet: ${String(vet?.stderr)}`).toBe(0);
  });

  it('shows cgo/header-not-found on the #include line of a missing header', () => {
    const r = res();
    expect(r.header?.waited_ok, context()).toBe(true);
    const d = r.header!.diagnostics.find((x) => x.code === 'cgo/header-not-found');
    expect(d).toBeDefined();
    expect(d!.source).toBe('cgo');
    expect(d!.lnum).toBe(4); // `#include <missing_e2e.h>`
    expect(d!.message).toContain('missing_e2e.h');
  });

  it('drops cgo/header-not-found once the header exists and the buffer is saved', () => {
    const r = res();
    const uri = pathToFileURL(path.join(workdir, 'header.go')).toString();
    const after = r.publishes.filter((p) => p.uri === uri && p.after_save);
    expect(after.length, `publishes: ${JSON.stringify(r.publishes)}`).toBeGreaterThan(0);
    expect(r.header_after_save?.waited_ok, context()).toBe(true);
    expect(r.header_after_save?.client_alive).toBe(true);
    expect(r.header_after_save!.diagnostics.map((d) => d.code)).not.toContain('cgo/header-not-found');
    expect(after.at(-1)!.codes).not.toContain('cgo/header-not-found');
  });

  it('applies a fix that creates a file (Neovim advertises resourceOperations, not documentChanges)', () => {
    const r = res();
    const cf = r.create_fix;
    expect(cf?.waited_ok, context()).toBe(true);
    expect(cf?.titles.join('\n')).toMatch(/^Move e2e_say to export_e2e_say\.c/m);
    expect(cf?.chosen).toMatch(/^Move e2e_say/);
    expect(cf?.gone, context()).toBe(true);
    expect(cf?.c_file).toContain('void e2e_say(void) { puts("hi"); }');
    expect(cf?.c_file).toContain('#include <stdio.h>');
    expect(cf?.go_file).not.toContain('{ puts("hi"); }');
    expect((cf?.diagnostics ?? []).map((d) => d.code)).not.toContain('cgo/export-preamble-definition');
  });

  itWith(GOPLS, "runs beside gopls: both servers publish, and cgo-ls's diagnostics are unaffected", () => {
    const r = res();
    expect(r.gopls?.published, `publishes: ${JSON.stringify(r.publishes.map((p) => [p.client, p.uri, p.count]))}`).toBe(true);
    expect(r.gopls?.clients).toEqual(expect.arrayContaining(['gopls', 'cgo_ls']));
    expect(r.header!.diagnostics.find((x) => x.code === 'cgo/header-not-found')).toBeDefined();
    // Issue 13, "said twice": what Neovim shows on a line never has the same words from both servers.
    const first = (m: string) => m.split('\n')[0]!.replace(/\s+/g, ' ').trim().toLowerCase();
    const twice: string[] = [];
    for (const [file, list] of Object.entries(r.final ?? {})) {
      for (const a of list.filter((d) => d.source === 'cgo')) {
        for (const b of list.filter((d) => d.source !== 'cgo' && d.lnum === a.lnum)) {
          if (first(a.message).includes(first(b.message)) || first(b.message).includes(first(a.message)))
            twice.push(`${file}:${a.lnum + 1}: ${first(a.message)}`);
        }
      }
    }
    expect(
      Object.values(r.final ?? {})
        .flat()
        .some((d) => d.source !== 'cgo'),
      'gopls diagnostics are among what Neovim shows',
    ).toBe(true);
    expect(twice).toEqual([]);
  });
}
