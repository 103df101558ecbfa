// Faults, through the real server over stdio: broken or hostile tools (fault-injection FAKES, each named as
// such in its script), missing tools, broken configuration and a file system that changes under the server. In
// every case the server reports clearly (a diagnostic or window/logMessage), keeps answering requests, leaves
// no child process behind, and does not exit.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FIX_PREFIX, splitMessage } from '../../server/src/core/message.js';
import {
  baseEnv,
  cleanupTemps,
  descendants,
  hoverAt,
  hoverWhenReady,
  killPids,
  logMessages,
  processesMatching,
  realGcc,
  realGo,
  realPkgConfig,
  rssKb,
  settleBounded,
  startServer,
  stopServer,
  tempDir,
  uriOf,
  waitUntil,
  writeScript,
  writeTree,
  type LspClient,
} from './helpers.js';

// Real servers and compilers on a shared 2-core machine: liveness bounds up to 45 s (no timing asserts here).
vi.setConfig({ testTimeout: 180_000 });

const haveTools = realGcc !== null && realGo !== null;

const GOOD = 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n';
/** 0-based position inside `"C"` of `import "C"` in GOOD. */
const IMPORT_C = { line: 3, character: 8 };

function module(prefix: string, files: Record<string, string> = { 'p/a.go': GOOD }): string {
  const root = tempDir(prefix);
  writeTree(root, { 'go.mod': 'module example.com/faults\n\ngo 1.22\n', ...files });
  return root;
}

/**
 * A FAULT-INJECTION FAKE C compiler: the toolchain probes (--version, -dumpmachine, -E -dM …) go to the real
 * gcc so the server accepts it as gcc; the preamble compile and cgo's name probe (recognised by
 * -fmessage-length=0 / -gdwarf-2, which only those runs pass) run `fault` instead.
 */
function faultyCC(dir: string, fault: string): string {
  return writeScript(
    path.join(dir, 'faulty-cc'),
    `#!/bin/sh
# FAULT-INJECTION FAKE C COMPILER (faults.test.ts): real gcc for probes, "${fault.split('\n')[0]}" for compiles.
for a in "$@"; do
  case "$a" in
    -fmessage-length=0|-gdwarf-2)
${fault}
      ;;
  esac
done
exec '${realGcc}' "$@"
`,
  );
}

/** A directory with symlinks to the chosen real tools only (a PATH that lacks the others). */
function pathWith(tools: Record<string, string | null>): string {
  const dir = tempDir('pathdir');
  for (const [name, target] of Object.entries(tools)) if (target) fs.symlinkSync(target, path.join(dir, name));
  // sh, sleep, head … for the fakes; none of these directories holds go, gcc or pkg-config here.
  fs.symlinkSync('/bin/sh', path.join(dir, 'sh'));
  return dir;
}

/** Asserts the server is alive and answers: a hover on import "C" and a cgo/toolchain request. */
async function assertResponsive(c: LspClient, uri: string): Promise<void> {
  expect(c.proc.exitCode, `server exited; stderr: ${c.stderr.slice(-2000)}`).toBeNull();
  const h = await hoverAt(c, uri, IMPORT_C.line, IMPORT_C.character, 15_000);
  expect(h.ms).toBeLessThan(15_000);
  await c.request('cgo/toolchain', { uri }, 15_000);
  expect(c.proc.exitCode).toBeNull();
}

/** No process started by the server is still running (zombies included). */
async function assertNoChildren(c: LspClient): Promise<void> {
  // A liveness bound, not a timing threshold: a compile still in flight ends by the server's compiler timeout
  // (20 s by default) at the latest, so only a process alive well past that is one the server lost track of.
  // No descendant for a whole second: a background run that starts just after a publish (the C index's `cc -E`,
  // the C++ compiler's identity) is not mistaken for "none left", and then not for a leak either.
  let busyAt = Date.now();
  const gone = await waitUntil(
    () => {
      if (descendants(c.proc.pid!).length > 0) busyAt = Date.now();
      return Date.now() - busyAt >= 1000;
    },
    45_000,
    100,
  );
  const left = descendants(c.proc.pid!);
  if (!gone) killPids(left.map((p) => p.pid));
  expect(left, 'child processes of the server outlived their run').toEqual([]);
}

describe.skipIf(!haveTools)('a C compiler that hangs', () => {
  let c: LspClient | undefined;
  const marker = `86399.${process.pid}${Math.floor(Math.random() * 1e6)}`;
  afterAll(async () => {
    killPids(processesMatching(marker).map((p) => p.pid));
    await stopServer(c);
    cleanupTemps();
  });

  it('is killed after cgo.compilerTimeoutMs with a cgo/compiler-timeout diagnostic; hover answers quickly while it hangs; no child is left', async () => {
    const root = module('hang');
    // The fake starts a grandchild too: the whole process group must be killed, not just the compiler.
    const cc = faultyCC(tempDir('hang-cc'), `      sleep ${marker} &\n      exec sleep ${marker}`);
    // The timeout is long enough that "the hover was answered while the compiler still ran" is a fact about the
    // server (it does not wait for compiles), not about how loaded the machine is.
    c = await startServer(root, baseEnv({ CC: cc }), { compilerTimeoutMs: 8000, diagnosticsScope: 'openFiles' });
    const file = path.join(root, 'p', 'a.go');
    const uri = c.open(file);
    // While the compiler hangs …
    expect(await waitUntil(() => processesMatching(marker).length >= 2, 15_000), 'the fake compiler never started').toBe(true);
    // … a hover on import "C" is answered without waiting for it (a responsiveness bound, generous for CI).
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const h = await hoverAt(c, uri, IMPORT_C.line, IMPORT_C.character);
      expect(h.result?.contents?.value ?? '', 'the import "C" hover shows the toolchain report').toMatch(/\S/);
      times.push(h.ms);
    }
    // Each hover was answered while the compiler still ran (its timeout is 8 s): the server did not wait for it.
    // Latency figures belong to `npm run stress`, not to a threshold here.
    expect(
      processesMatching(marker).length,
      `the hovers (${times.map((t) => t.toFixed(0)).join(', ')} ms) were answered only after the compiler stopped`,
    ).toBeGreaterThan(0);
    const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/compiler-timeout'), 20_000);
    const d = pub.diagnostics.find((x) => x.code === 'cgo/compiler-timeout');
    expect(d.message).toMatch(/faulty-cc|8000|time/i);
    // Over LSP too, the one shape: the cause alone on line 1, the fix on line 2, the command in the details.
    const m = splitMessage(d.message);
    expect(m.cause).toBe('The C compiler did not finish within 8000 ms, so this preamble was not checked');
    expect(d.message.split('\n')[1]).toMatch(new RegExp(`^${FIX_PREFIX}.*cgo\\.compilerTimeoutMs`));
    expect(
      m.details.some((l) => l.startsWith('Command: ') && l.includes('faulty-cc')),
      d.message,
    ).toBe(true);
    // Every process of the run is gone: the fake, its grandchild, and nothing else of the server's is left.
    expect(await waitUntil(() => processesMatching(marker).length === 0, 5_000), `left running: ${JSON.stringify(processesMatching(marker))}`).toBe(true);
    await assertNoChildren(c);
    await assertResponsive(c, uri);
  });
});

describe.skipIf(!haveTools)('an idle server', () => {
  afterAll(() => cleanupTemps());

  it('settles when nothing changes: no endless re-probe loop (the system gcc and pkg-config are symlinks on Debian)', async () => {
    const root = module('idle');
    let c: LspClient | undefined;
    try {
      c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
      const uri = c.open(path.join(root, 'p', 'a.go'));
      await c.waitForDiagnostics(uri, () => true, 30_000);
      await new Promise((r) => setTimeout(r, 6_000));
      const reprobes = logMessages(c).filter((m) => /re-probing/.test(m)).length;
      const publishes = c.published(uri).length;
      expect(reprobes, `the toolchain was re-probed ${reprobes} times in 6 s with nothing changing on disk`).toBe(0);
      expect(publishes, 'diagnostics keep being re-published for an unchanged file').toBeLessThanOrEqual(3);
    } finally {
      await stopServer(c);
    }
  });
});

describe.skipIf(!haveTools)('broken tools and configuration', () => {
  afterAll(() => cleanupTemps());

  /** Starts a server on `root` with `env`, opens `rel`, returns client + uri. */
  async function open(root: string, env: NodeJS.ProcessEnv, rel = 'p/a.go', init: Record<string, unknown> = {}) {
    const c = await startServer(root, env, { compilerTimeoutMs: 10_000, diagnosticsScope: 'openFiles', ...init });
    const uri = c.open(path.join(root, rel));
    return { c, uri };
  }

  it('a C compiler that crashes (SIGSEGV) is reported, and the server stays up without leftover children', async () => {
    const root = module('segv');
    const cc = faultyCC(tempDir('segv-cc'), '      kill -SEGV $$');
    const { c, uri } = await open(root, baseEnv({ CC: cc }));
    try {
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 30_000);
      await settleBounded(c, 800);
      const text = [...c.published(uri).flatMap((p) => p.diagnostics.map((d: any) => `${d.code}: ${d.message}`)), ...logMessages(c)].join('\n');
      expect(text, 'the crash is not reported').toMatch(/SIGSEGV|signal|crash/i);
      expect(pub.diagnostics.every((d: any) => d.source === 'cgo' && typeof d.code === 'string')).toBe(true);
      await assertNoChildren(c);
      await assertResponsive(c, uri);
    } finally {
      await stopServer(c);
    }
  });

  it('a C compiler that prints 40 MB is cut off: the server reports it, stays responsive and its memory stays bounded', async () => {
    const root = module('spew');
    const cc = faultyCC(
      tempDir('spew-cc'),
      `      head -c 20000000 /dev/zero | tr '\\0' 'x'\n      yes '<stdin>:1:1: error: spam spam spam' | head -c 20000000 >&2\n      exit 1`,
    );
    const { c, uri } = await open(root, baseEnv({ CC: cc }));
    try {
      await c.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 60_000);
      await settleBounded(c, 800);
      const rss = rssKb(c.proc.pid!);
      expect(rss).not.toBeNull();
      expect(rss!, 'server RSS after a 40 MB compiler output').toBeLessThan(1.5 * 1024 * 1024);
      const all = c.published(uri).at(-1)!.diagnostics;
      // Whatever is published stays readable: no single message carries megabytes.
      for (const d of all) expect(d.message.length).toBeLessThan(64 * 1024);
      await assertNoChildren(c);
      await assertResponsive(c, uri);
    } finally {
      await stopServer(c);
    }
  });

  it('pkg-config missing from PATH: cgo/pkg-config-missing on the file that uses #cgo pkg-config, and the server stays up', async () => {
    const root = module('nopc', { 'p/a.go': GOOD.replace('// #include', '// #cgo pkg-config: zlib\n// #include') });
    const dir = pathWith({ go: realGo, gcc: realGcc });
    const { c, uri } = await open(root, baseEnv({ PATH: dir, PKG_CONFIG: undefined }));
    try {
      const pub = await c.waitForDiagnostics(
        uri,
        (p) => p.diagnostics.some((d) => d.code === 'cgo/pkg-config-missing' || d.code === 'cgo/pkg-config-failed'),
        30_000,
      );
      const d = pub.diagnostics.find((x) => x.code === 'cgo/pkg-config-missing' || x.code === 'cgo/pkg-config-failed');
      expect(d.message).toMatch(/pkg-config/);
      await settleBounded(c, 500);
      await assertNoChildren(c);
      await assertResponsive(c, uri.replace('a.go', 'a.go'));
    } finally {
      await stopServer(c);
    }
  });

  it('go missing from PATH: cgo/go-not-found, and the static checks still run', async () => {
    const detached = 'package p\n\n// #include <stdlib.h>\n\nimport "C"\n\nfunc F() {}\n';
    const root = module('nogo', { 'p/a.go': detached });
    const dir = pathWith({ gcc: realGcc, 'pkg-config': realPkgConfig });
    const { c, uri } = await open(root, baseEnv({ PATH: dir, GOROOT: undefined }));
    try {
      const pub = await c.waitForDiagnostics(
        uri,
        (p) => p.diagnostics.some((d) => d.code === 'cgo/preamble-detached') && p.diagnostics.some((d) => d.code === 'cgo/go-not-found'),
        30_000,
      );
      expect(pub.diagnostics.find((d) => d.code === 'cgo/go-not-found').message).toMatch(/go/);
      await assertNoChildren(c);
      expect(c.proc.exitCode).toBeNull();
      await hoverAt(c, uri, 4, 8);
    } finally {
      await stopServer(c);
    }
  });

  it('a go that fails (FAKE: exits 1 with a message): cgo/go-env-failed quotes it, and the server stays up', async () => {
    const root = module('badgo');
    const fakeDir = tempDir('badgo-bin');
    writeScript(
      path.join(fakeDir, 'go'),
      '#!/bin/sh\n# FAULT-INJECTION FAKE go (faults.test.ts): always fails.\necho "go: simulated failure: corrupted installation" >&2\nexit 1\n',
    );
    const dir = pathWith({ gcc: realGcc, 'pkg-config': realPkgConfig });
    const { c, uri } = await open(root, baseEnv({ PATH: `${fakeDir}:${dir}`, GOROOT: undefined }));
    try {
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/go-env-failed'), 30_000);
      expect(pub.diagnostics.find((d) => d.code === 'cgo/go-env-failed').message).toContain('simulated failure: corrupted installation');
      await assertNoChildren(c);
      await assertResponsive(c, uri);
    } finally {
      await stopServer(c);
    }
  });

  it('an unreadable GOENV file is reported (as root, where chmod 000 does not stop reads, GOENV names a directory)', async () => {
    const root = module('goenv');
    const d = tempDir('goenv');
    let goenv = path.join(d, 'env');
    fs.writeFileSync(goenv, 'CC=gcc\n');
    fs.chmodSync(goenv, 0o000);
    let readable = true;
    try {
      fs.readFileSync(goenv);
    } catch {
      readable = false;
    }
    if (readable) goenv = d; // root: a directory cannot be read as a file either
    const { c, uri } = await open(root, baseEnv({ GOENV: goenv }));
    try {
      await c.waitForDiagnostics(uri, () => true, 30_000);
      await settleBounded(c, 800);
      // The go command ignores a GOENV file it cannot read (so `go env -w` values silently stop applying); the
      // server must say so somewhere the user looks: a diagnostic, the log, or the import "C" toolchain hover.
      const hover = await hoverWhenReady(c, uri, IMPORT_C.line, IMPORT_C.character);
      const text = [
        ...c.published(uri).flatMap((p) => p.diagnostics.map((x: any) => `${x.code}: ${x.message}`)),
        ...logMessages(c),
        String(hover.result?.contents?.value ?? ''),
      ].join('\n');
      expect(text, 'nothing says the GOENV file could not be read').toMatch(
        new RegExp(
          `${goenv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\n]*(cannot|could not|not be read|not a readable|unreadable|is a directory|permission)|(cannot|could not|not be read|not a readable|unreadable|is a directory|permission)[^\n]*${goenv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
          'i',
        ),
      );
      await assertNoChildren(c);
      await assertResponsive(c, uri);
    } finally {
      fs.chmodSync(path.join(d, 'env'), 0o644);
      await stopServer(c);
    }
  });
});

describe.skipIf(!haveTools)('the file system changes under the server', () => {
  afterAll(() => cleanupTemps());

  it('a file (and its package directory) deleted right after didOpen: the buffer is still analysed, the server stays up', async () => {
    const root = module('deleted');
    let c: LspClient | undefined;
    try {
      c = await startServer(root, baseEnv(), { diagnosticsScope: 'workspace' });
      const file = path.join(root, 'p', 'a.go');
      // The buffer has a static problem (a blank line detaches the preamble) the server can report without disk.
      const uri = c.open(file, 'package p\n\n// #include <stdlib.h>\n\nimport "C"\n\nfunc F() { C.free(nil) }\n');
      fs.rmSync(path.join(root, 'p'), { recursive: true, force: true });
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/preamble-detached'), 30_000);
      await settleBounded(c, 1000);
      const codes = c.published(uri).flatMap((p) => p.diagnostics.map((d: any) => d.code));
      expect(pub.version).toBe(1);
      expect(
        codes.filter((x) => x === 'cgo/cc-not-found' || x === 'cgo/cc-broken'),
        'a vanished directory is misreported as a broken compiler',
      ).toEqual([]);
      await assertNoChildren(c);
      expect(c.proc.exitCode).toBeNull();
      await hoverAt(c, uri, 4, 8);
    } finally {
      await stopServer(c);
    }
  });

  it('a file renamed while it is analysed: the new name gets diagnostics, the old one is cleared', async () => {
    const detached = 'package p\n\n// #include <stdlib.h>\n\nimport "C"\n\nfunc F() {}\n';
    const root = module('renamed', { 'p/a.go': detached });
    let c: LspClient | undefined;
    try {
      c = await startServer(root, baseEnv(), { diagnosticsScope: 'workspace' });
      const oldFile = path.join(root, 'p', 'a.go');
      const newFile = path.join(root, 'p', 'b.go');
      const oldUri = c.open(oldFile);
      fs.renameSync(oldFile, newFile);
      // What an editor sends after a rename: close the old document, open the new one, report the file events.
      c.notify('textDocument/didClose', { textDocument: { uri: oldUri } });
      const newUri = c.open(newFile);
      c.notify('workspace/didChangeWatchedFiles', {
        changes: [
          { uri: oldUri, type: 3 },
          { uri: newUri, type: 1 },
        ],
      });
      await c.waitForDiagnostics(newUri, (p) => p.diagnostics.some((d) => d.code === 'cgo/preamble-detached'), 30_000);
      await settleBounded(c, 1500);
      const last = c.published(oldUri).at(-1);
      expect(last === undefined || last.diagnostics.length === 0, `the renamed-away file keeps diagnostics: ${JSON.stringify(last)}`).toBe(true);
      await assertNoChildren(c);
      await assertResponsive(c, newUri);
    } finally {
      await stopServer(c);
    }
  });

  it('the workspace folder removed while the server runs: it keeps answering, cgo.refresh works, it does not exit', async () => {
    const root = module('wsgone', { 'p/a.go': GOOD, 'q/b.go': GOOD.replace('package p', 'package q') });
    let c: LspClient | undefined;
    try {
      c = await startServer(root, baseEnv(), { diagnosticsScope: 'workspace' });
      const uri = c.open(path.join(root, 'p', 'a.go'));
      const other = uriOf(path.join(root, 'q', 'b.go'));
      await c.waitForDiagnostics(other, () => true, 30_000); // the workspace scan reached the closed file
      await settleBounded(c, 500);
      fs.rmSync(root, { recursive: true, force: true });
      c.notify('workspace/didChangeWatchedFiles', {
        changes: [
          { uri: other, type: 3 },
          { uri: uriOf(path.join(root, 'go.mod')), type: 3 },
        ],
      });
      await settleBounded(c, 1500);
      const res = await c.request('workspace/executeCommand', { command: 'cgo.refresh', arguments: [] }, 30_000);
      expect(res.ok).toBe(true);
      await settleBounded(c, 1500);
      // The closed file that vanished has its diagnostics cleared.
      const last = c.published(other).at(-1)!;
      expect(last.diagnostics.map((d: any) => `${d.code}: ${d.message}`)).toEqual([]);
      expect(c.proc.exitCode).toBeNull();
      await hoverAt(c, uri, IMPORT_C.line, IMPORT_C.character);
      await assertNoChildren(c);
      expect(c.proc.exitCode).toBeNull();
    } finally {
      await stopServer(c);
    }
  });
});
