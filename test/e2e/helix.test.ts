// End to end in a REAL Helix 25.07 (unpacked by .ci/editors.sh), driven in tmux like a person would: it opens a
// Go file of a temp copy of test/fixtures/e2e/cgoapp with gopls and cgo-ls (clients/helix/languages.toml, with the
// server command pointed at the built dist/main.js), reads the screen, applies a code action from the `space a`
// menu and saves, types `C.putcha` and accepts `putchar` from the completion menu (Tab, Enter) and saves, runs
// `:lsp-workspace-command cgo.showToolchainReport` and `cgo.refresh`, and checks which
// file-creating fixes Helix is offered. What the server sent is read from Helix's own log (`hx -v --log`).
// Missing Helix, tmux or gopls: skipped with one line each (helpers/tools.ts); under CI=true they fail instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';
import { describeWith } from '../helpers/tools.js';
import { editorEnv, gopls, helix, removeTree, tmux } from './editors.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'e2e', 'cgoapp');
const HX = helix();
const TMUX = tmux();
const GOPLS = gopls();
const WAIT_MS = 60_000;

/** A private tmux server (its own socket) running one Helix window. */
class Screen {
  constructor(
    private readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  tmux(...args: string[]): string {
    const r = spawnSync(TMUX.path!, ['-S', this.socket, ...args], { encoding: 'utf8', env: this.env, timeout: 20_000 });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  start(cwd: string, argv: string[]): void {
    this.tmux('new-session', '-d', '-s', 'e2e', '-x', '160', '-y', '45', '-c', cwd, ...argv);
  }

  text(): string {
    return this.tmux('capture-pane', '-p', '-t', 'e2e');
  }

  /** Types keys; a string is sent literally, `{Enter}`-style names as tmux key names. */
  keys(...keys: string[]): void {
    for (const k of keys) {
      const named = /^\{(\w+)\}$/.exec(k);
      if (named) this.tmux('send-keys', '-t', 'e2e', named[1]!);
      else this.tmux('send-keys', '-t', 'e2e', '-l', k);
    }
  }

  /** Runs a `:command` in normal mode. */
  command(cmd: string): void {
    this.keys('{Escape}', `:${cmd}`, '{Enter}');
  }

  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.text();
      if (pred(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Quits Helix (`:qa!`) and waits for the session to end, so Helix stops its language servers itself. */
  async quit(): Promise<void> {
    this.command('qa!');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && spawnSync(TMUX.path!, ['-S', this.socket, 'has-session', '-t', 'e2e'], { env: this.env }).status === 0) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    spawnSync(TMUX.path!, ['-S', this.socket, 'kill-server'], { env: this.env, timeout: 10_000 });
  }
}

interface Published {
  server: string;
  uri: string;
  codes: (string | undefined)[];
  at: number;
}

/** The publishDiagnostics notifications Helix logged (`<server> <- {json}` lines of `hx -v`), in order. */
function publishes(log: string): Published[] {
  const out: Published[] = [];
  if (!fs.existsSync(log)) return out;
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  lines.forEach((line, at) => {
    const m = /helix_lsp::transport \[\w+\] (\S+) <- (\{.*"method":"textDocument\/publishDiagnostics".*\})\s*$/.exec(line);
    if (!m) return;
    try {
      const msg = JSON.parse(m[2]!) as { params: { uri: string; diagnostics: { code?: string }[] } };
      out.push({ server: m[1]!, uri: msg.params.uri, codes: msg.params.diagnostics.map((d) => d.code), at });
    } catch {
      /* a line cut by the logger */
    }
  });
  return out;
}

/** Whether cgo-ls's startup scan of the workspace has ended (its `workspace: … checked in … ms` log message). */
function scanDone(log: string): boolean {
  return fs.existsSync(log) && /window\/logMessage.*workspace: \d+ cgo file\(s\) in \d+ module\(s\) checked in \d+ ms/.test(fs.readFileSync(log, 'utf8'));
}

/** How many lines Helix's log has. */
function logLines(log: string): number {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').length : 0;
}

/** Whether cgo-ls answered a documentLink request (the `#include <stdio.h>` link) after line `from` of the log. */
function linkAnswered(log: string, from: number): boolean {
  if (!fs.existsSync(log)) return false;
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .slice(from)
    .some((l) =>
      /helix_lsp::transport \[\w+\] cgo-ls <- \{"jsonrpc":"2\.0","id":\d+,"result":\[\{"range":.*"target":"file:\/\/\/usr\/include\/stdio\.h"/.test(l),
    );
}

/** The `C.` completion items cgo-ls sent (its responses in Helix's log), and the resolved items, by label. */
function loggedCompletion(log: string): {
  items: Map<string, { detail?: string; kind?: number }>;
  resolved: Map<string, { detail?: string; documentation?: { kind: string; value: string } | string }>;
} {
  const items = new Map<string, { detail?: string; kind?: number }>();
  const resolved = new Map<string, { detail?: string; documentation?: { kind: string; value: string } | string }>();
  if (!fs.existsSync(log)) return { items, resolved };
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const m = /helix_lsp::transport \[\w+\] cgo-ls <- (\{.*"result":.*\})\s*$/.exec(line);
    if (!m) continue;
    try {
      const msg = JSON.parse(m[1]!) as { result?: { items?: { label: string }[]; label?: string; documentation?: unknown } };
      for (const it of msg.result?.items ?? []) items.set(it.label, it);
      if (msg.result?.label && msg.result.documentation !== undefined) resolved.set(msg.result.label, msg.result as never);
    } catch {
      /* a line cut by the logger */
    }
  }
  return { items, resolved };
}

/** The `space a` menu: the lines of the screen between the first and last box-drawing border of the popup. */
function menuLines(screen: string, marker: RegExp): string[] {
  return screen.split('\n').filter((l) => marker.test(l));
}

describeWith([HX, TMUX, GOPLS], 'Helix 25.07 (real, in tmux) with clients/helix/languages.toml, gopls beside cgo-ls', () => {
  let tmp: string;
  let workdir: string;
  let log: string;
  let screen: Screen;
  const seen: Record<string, string> = {};
  let setupError: unknown;
  const steps: string[] = [];

  beforeAll(async () => {
    try {
      await setup();
    } catch (e) {
      setupError = e;
    } finally {
      try {
        await screen?.quit();
      } catch {
        /* the session may be gone */
      }
      screen?.kill();
    }
  }, 6 * WAIT_MS);

  afterAll(() => {
    removeTree(tmp);
  });

  const ready = () => {
    if (setupError !== undefined) {
      throw new Error(
        `${setupError instanceof Error ? setupError.message : String(setupError)}\nsteps done: ${steps.join(' → ')}\nhelix log (tail):\n${tailOfLog()}`,
      );
    }
  };
  const tailOfLog = () =>
    log && fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => /cgo-ls|gopls|ERROR|WARN/.test(l))
          .slice(-25)
          .map((l) => l.slice(0, 400))
          .join('\n')
      : '(no log)';

  async function setup(): Promise<void> {
    if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`npm run build\` first`);
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-hx-')));
    workdir = path.join(tmp, 'cgoapp');
    fs.cpSync(fixture, workdir, { recursive: true });
    fs.rmSync(path.join(workdir, 'missing_e2e.h'), { force: true });
    const home = path.join(tmp, 'home');
    const env = editorEnv(home, { PATH: `${path.dirname(GOPLS.path!)}${path.delimiter}${process.env.PATH ?? ''}`, TERM: 'xterm-256color' });
    // The shipped languages.toml, with the server command pointed at this checkout (as its README says to).
    const shipped = fs.readFileSync(path.join(repoRoot, 'clients', 'helix', 'languages.toml'), 'utf8');
    const toml = shipped
      .replace(/^command = "cgo-ls".*$/m, `command = "node"`)
      .replace(/^args = \["--stdio"\]$/m, `args = [${JSON.stringify(serverMain)}, "--stdio"]`)
      .replace(/^checkShellEnv = true$/m, 'checkShellEnv = false')
      .replace(/^debounceMs = 300$/m, 'debounceMs = 50');
    if (!toml.includes(JSON.stringify(serverMain))) throw new Error('could not point clients/helix/languages.toml at dist/main.js');
    fs.mkdirSync(path.join(home, 'config', 'helix'), { recursive: true });
    fs.writeFileSync(path.join(home, 'config', 'helix', 'languages.toml'), toml);
    // No auto-pairs: the keys typed below are the text that ends up in the buffer.
    fs.writeFileSync(path.join(home, 'config', 'helix', 'config.toml'), '[editor]\nmouse = false\nauto-pairs = false\n[editor.lsp]\ndisplay-messages = true\n');
    log = path.join(tmp, 'helix.log');
    screen = new Screen(path.join(tmp, 'tmux.sock'), env);
    const detachedUri = `file://${workdir}/detached.go`;

    // 1. Open a file: cgo-ls's diagnostic appears in the gutter of line 3 (and gopls publishes too).
    screen.start(workdir, [HX.path!, '-v', '--log', log, 'detached.go']);
    seen.opened = await screen.waitFor((s) => /^●\s+3\s/m.test(s), 'the cgo-ls diagnostic in the gutter of line 3');
    steps.push('opened');
    await screen.waitFor(() => publishes(log).some((p) => p.server === 'gopls' && p.uri === detachedUri), 'gopls publishing for detached.go', 3 * WAIT_MS);
    steps.push('gopls');

    // 2. A code action from the `space a` menu on line 3, then :w.
    screen.command('goto 3');
    screen.keys(' ', 'a');
    seen.menu = await screen.waitFor((s) => s.includes('Remove the blank line'), 'the code-action menu');
    const beforeFix = publishes(log).length;
    const fixAt = logLines(log);
    screen.keys('{Enter}');
    seen.fixed = await screen.waitFor((s) => /^\s+4\s+\/\/ static void hello.*\n\s+5\s+import "C"/m.test(s), 'the fixed buffer');
    screen.command('w');
    await screen.waitFor(() => fs.readFileSync(path.join(workdir, 'detached.go'), 'utf8').includes('{ puts("hello"); }\nimport "C"'), 'detached.go written');
    // The edit (didChange) and the save (didSave) each make cgo-ls republish; either may come first in the log.
    await screen.waitFor(
      () =>
        publishes(log)
          .slice(beforeFix)
          .some((p) => p.server === 'cgo-ls' && p.uri === detachedUri && !p.codes.includes('cgo/preamble-detached')),
      'cgo-ls republishing without cgo/preamble-detached',
    );
    seen.saved = await screen.waitFor((s) => !/^●\s+3\s/m.test(s), 'the gutter mark on line 3 gone');
    steps.push('code action');

    // 2b. Completion after `C.`: on a new line, `C.putcha` opens Helix's completion menu (cgo-ls's items; gopls has
    //     none after `C.`), Tab selects `putchar` and Helix shows its detail and documentation beside the menu, Enter
    //     accepts it. The call is finished and saved (Helix formats with gopls on save).
    //     Helix shows no menu when gopls's empty answer (`isIncomplete: true, items: []`) comes first and cgo-ls's
    //     items a moment later (seen on a loaded machine while cgo-ls's startup scan of the workspace still ran). So
    //     the keys are typed once the scan has ended and the fixed preamble's index exists (Helix asks for document
    //     links after the edit; cgo-ls answers them from that index): `C.` is then served from memory.
    await screen.waitFor(
      () => scanDone(log) && linkAnswered(log, fixAt),
      'cgo-ls done with the workspace scan and answering document links for the fixed file',
    );
    screen.command('goto 7');
    screen.keys('o', 'func Put() { C.putcha');
    // If gopls's empty answer still came first, ask again the way a user does: C-x, Helix's completion key.
    const menu = (s: string) => /putchar_unlocked\s+function/.test(s);
    for (let attempt = 0; attempt < 3 && !seen.completionMenu; attempt++) {
      if (attempt > 0) screen.tmux('send-keys', '-t', 'e2e', 'C-x');
      seen.completionMenu = await screen.waitFor(menu, 'the completion menu with putchar', attempt < 2 ? 10_000 : WAIT_MS).catch((e: unknown) => {
        if (attempt === 2) throw e;
        return undefined;
      });
      if (attempt > 0 && seen.completionMenu) steps.push(`completion menu after C-x #${attempt}`);
    }
    screen.keys('{Tab}');
    seen.completionDoc = await screen.waitFor((s) => s.includes('func C.putchar(') && s.includes('stdio.h:'), 'the documentation of putchar beside the menu');
    screen.keys('{Enter}');
    seen.completed = await screen.waitFor(
      (s) => /8\s+func Put\(\) \{ C\.putchar(?![\w(])/.test(s) && !/putchar_unlocked\s+function/.test(s),
      'putchar accepted into the buffer, the menu closed',
    );
    const beforeSave = publishes(log).length;
    screen.keys("('x') }", '{Escape}');
    screen.command('w');
    const detachedPath = path.join(workdir, 'detached.go');
    await screen.waitFor(() => /C\.putchar\('x'\) \}/.test(fs.readFileSync(detachedPath, 'utf8')), 'detached.go written with the completed call');
    await screen.waitFor(
      () =>
        publishes(log)
          .slice(beforeSave)
          .some((p) => p.server === 'cgo-ls' && p.uri === detachedUri && p.codes.length === 0),
      'cgo-ls republishing detached.go with nothing to say',
    );
    steps.push('completion');

    // 3. :lsp-workspace-command cgo.showToolchainReport opens the report as a document.
    screen.command('lsp-workspace-command cgo.showToolchainReport');
    seen.report = await screen.waitFor((s) => s.includes('cgo-toolchain-report.txt') && s.includes('CGO_ENABLED=1'), 'the toolchain report');
    screen.command('buffer-close');
    await screen.waitFor((s) => s.includes('detached.go') && !s.includes('cgo-toolchain-report.txt'), 'back in detached.go');
    steps.push('report');

    // 4. :lsp-workspace-command cgo.refresh says what it found on the status line.
    screen.command('lsp-workspace-command cgo.refresh');
    seen.refresh = await screen.waitFor((s) => /cgo-ls: toolchain re-probed: go1\.\d+/.test(s), 'the refresh message');
    steps.push('refresh');

    // 5. The environment fixes Helix is offered for a flag outside Go's allow-list: a project .envrc, no
    //    .vscode/settings.json (Helix does not read it).
    screen.command('open flags/flags.go');
    await screen.waitFor((s) => /^●\s+3\s/m.test(s), 'the cgo-ls diagnostic on the #cgo line of flags.go');
    // Helix sends only the diagnostics that overlap the selection: select the line (`x`), as the README says.
    screen.command('goto 3');
    screen.keys('x', ' ', 'a');
    seen.envMenu = await screen.waitFor((s) => s.includes('create .envrc'), 'the environment fixes in the code-action menu');
    screen.keys('{Escape}');
    steps.push('env fixes');
  }

  it('shows cgo-ls diagnostics beside gopls when a Go file is opened', () => {
    ready();
    const all = publishes(log);
    const uri = `file://${workdir}/detached.go`;
    expect(all.find((p) => p.server === 'cgo-ls' && p.uri === uri)?.codes).toContain('cgo/preamble-detached');
    expect(all.some((p) => p.server === 'gopls' && p.uri === uri)).toBe(true);
    expect(seen.opened).toMatch(/^●\s+3\s+\/\/ #include <stdio\.h>/m);
  });

  it('applies the fix picked from the `space a` menu, and the diagnostic goes after :w', () => {
    ready();
    expect(menuLines(seen.menu!, /Remove the blank line/).length).toBe(1);
    expect(fs.readFileSync(path.join(workdir, 'detached.go'), 'utf8')).toContain('// static void hello(void) { puts("hello"); }\nimport "C"');
    expect(seen.saved).not.toMatch(/^●\s+3\s/m);
  });

  it('completes C.putcha from the menu: Helix shows the Go signature and C declaration, Enter applies putchar, the saved file builds', () => {
    ready();
    expect(menuLines(seen.completionMenu!, /^\s*putchar\s+function\s*$|\sputchar\s+function/).length).toBeGreaterThan(0);
    // The detail (Go signature) and the documentation (Go form, C declaration, header line) in the popup.
    expect(seen.completionDoc).toMatch(/func\(\w+ C\.int\) C\.int/);
    expect(seen.completionDoc).toMatch(/extern int putchar \(int \w+\);/);
    const { items, resolved } = loggedCompletion(log);
    expect(items.get('putchar')?.detail, "the putchar item in cgo-ls's completion response").toMatch(/^func\(\w+ C\.int\) C\.int$/);
    expect(items.get('putchar')?.kind).toBe(3); // Function
    const doc = resolved.get('putchar')?.documentation;
    expect(typeof doc === 'string' ? doc : doc?.value, 'completionItem/resolve of putchar').toContain('func C.putchar(');
    const saved = fs.readFileSync(path.join(workdir, 'detached.go'), 'utf8');
    expect(saved).toMatch(/\nfunc Put\(\)\s+\{ C\.putchar\('x'\) \}\n/);
    // The file as saved, built and vetted by the go command (the package's other file lacks its header on purpose).
    const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off' };
    for (const cmd of ['build', 'vet']) {
      const r = spawnSync('go', [cmd, 'detached.go'], { cwd: workdir, env: goEnv, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `go ${cmd} detached.go: ${r.stderr}`).toBe(0);
    }
  });

  it(':lsp-workspace-command cgo.showToolchainReport opens the report', () => {
    ready();
    expect(seen.report).toContain('Go toolchain');
    expect(seen.report).toContain('C compiler');
  });

  it(':lsp-workspace-command cgo.refresh reports the re-probed toolchain on the status line', () => {
    ready();
    expect(seen.refresh).toMatch(/cgo-ls: toolchain re-probed: go1\.\d+\.\d+, CC \/\S+, CGO_ENABLED=1/);
  });

  it('offers a project .envrc but not .vscode/settings.json', () => {
    ready();
    expect(seen.envMenu).toContain('create .envrc');
    expect(seen.envMenu).not.toContain('.vscode');
  });
});
