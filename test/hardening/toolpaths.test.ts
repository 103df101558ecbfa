// Issue 12, items 1 and 12: paths named by tool output are never opened unless they are regular files the compile
// could read (a `#line` directive names anything: /dev/stdin, /dev/tty, /proc/self/fd/N); a compile killed by a
// signal is reported; a hover on an absolute #include resolves it. Real gcc for the #line cases.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readCompilerFileLine } from '../../server/src/compiler/preamble.js';
import {
  baseEnv,
  cleanupTemps,
  hoverAt,
  realGcc,
  realGo,
  runCheck,
  serverMain,
  spawn,
  startServer,
  stopServer,
  tempDir,
  writeScript,
  writeTree,
} from './helpers.js';
import { CAUSE_MAX, splitMessage } from '../../server/src/core/message.js';

// Real servers and compilers on a shared 2-core machine: generous per-test time (no timing asserts here).
vi.setConfig({ testTimeout: 180000 });

const haveTools = realGcc !== null && realGo !== null;
if (process.env['CI'] === 'true' && !haveTools) throw new Error('CI: toolpaths.test.ts needs gcc and go');

afterAll(() => cleanupTemps());

describe('readCompilerFileLine: only regular files inside the compile, bounded, asynchronous', () => {
  it('reads a line of a header under an allowed directory', async () => {
    const d = tempDir('rcl');
    fs.writeFileSync(path.join(d, 'h.h'), 'int a;\nclass X {};\n');
    expect(await readCompilerFileLine(path.join(d, 'h.h'), 2, { files: new Set(), dirs: [d] })).toBe('class X {};');
  });

  it('reads a file the compiler reported opening (-H) even outside the directories', async () => {
    const d = tempDir('rcl2');
    fs.writeFileSync(path.join(d, 'h.h'), 'x\n');
    expect(await readCompilerFileLine(path.join(d, 'h.h'), 1, { files: new Set([path.join(d, 'h.h')]), dirs: [] })).toBe('x');
  });

  it('refuses devices and /proc/self/fd (even when listed), whatever the line', async () => {
    for (const f of ['/dev/zero', '/dev/stdin', '/dev/tty', '/proc/self/fd/0', '/dev/null']) {
      expect(await readCompilerFileLine(f, 1, { files: new Set([f]), dirs: ['/'] })).toBeNull();
    }
  });

  it('refuses a FIFO inside the package directory (it would block the reader)', async () => {
    const d = tempDir('rcl3');
    const fifo = path.join(d, 'evil.h');
    execFileSync('mkfifo', [fifo]);
    expect(await readCompilerFileLine(fifo, 1, { files: new Set(), dirs: [d] })).toBeNull();
  });

  it('refuses a regular file outside the compile, and a symlink that leads out of it', async () => {
    const outside = tempDir('rcl-out');
    const inside = tempDir('rcl-in');
    fs.writeFileSync(path.join(outside, 'secret.h'), 'class Secret;\n');
    fs.symlinkSync(path.join(outside, 'secret.h'), path.join(inside, 'link.h'));
    expect(await readCompilerFileLine(path.join(outside, 'secret.h'), 1, { files: new Set(), dirs: [inside] })).toBeNull();
    expect(await readCompilerFileLine(path.join(inside, 'link.h'), 1, { files: new Set(), dirs: [inside] })).toBeNull();
  });

  it('reads at most the first MiB of a huge file', async () => {
    const d = tempDir('rcl4');
    const f = path.join(d, 'big.h');
    fs.writeFileSync(f, 'a\n'.repeat(1 << 20)); // 2 MiB, 1 Mi lines
    expect(await readCompilerFileLine(f, 10, { files: new Set(), dirs: [d] })).toBe('a');
    expect(await readCompilerFileLine(f, (1 << 20) - 5, { files: new Set(), dirs: [d] })).toBeNull();
  });
});

const EVIL_GO = 'package p\n\n// #include "evil.h"\nimport "C"\n\nvar _ = C.x\n';

describe.skipIf(!haveTools)('a header whose #line names a device (real gcc)', () => {
  for (const target of ['/dev/stdin', '/proc/self/fd/0', '/dev/tty']) {
    it(`#line 1 "${target}": cgo-ls check (stdin an open pipe nobody writes to) ends and reports the C error`, async () => {
      const root = tempDir('evil-check');
      writeTree(root, { 'go.mod': 'module example.com/evil\n\ngo 1.22\n', 'p/a.go': EVIL_GO, 'p/evil.h': `#line 1 "${target}"\nint x = ;\n` });
      const child = spawn(process.execPath, [serverMain, 'check', '--format', 'json', path.join(root, 'p')], {
        env: baseEnv(),
        cwd: root,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(-1);
        }, 90_000);
        child.on('exit', (c) => {
          clearTimeout(t);
          resolve(c);
        });
      });
      child.stdin.destroy();
      expect(code, 'cgo-ls check hung reading the file the #line directive names').toBe(1);
      const parsed = JSON.parse(out);
      const diags: any[] = Array.isArray(parsed) ? parsed : (parsed.diagnostics ?? []);
      expect(diags.map((d: any) => d.code)).toContain('cgo/c-error');
    });
  }

  it('#line 1 "/dev/stdin" through the language server: the LSP stream is not read by the server, requests keep working', async () => {
    const root = tempDir('evil-lsp');
    writeTree(root, { 'go.mod': 'module example.com/evil\n\ngo 1.22\n', 'p/a.go': EVIL_GO, 'p/evil.h': '#line 1 "/dev/stdin"\nint x = ;\n' });
    const c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
    try {
      const uri = c.open(path.join(root, 'p', 'a.go'));
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d: any) => d.code === 'cgo/c-error'), 60_000);
      expect(pub.diagnostics.find((d: any) => d.code === 'cgo/c-error').message).toMatch(/\/dev\/stdin:1/);
      for (let i = 0; i < 3; i++) {
        const h = await hoverAt(c, uri, 3, 8, 15_000);
        expect(h.result?.contents?.value ?? '').toMatch(/./);
      }
    } finally {
      await stopServer(c);
    }
  });
});

describe.skipIf(!haveTools)('a compile killed by a signal (FAULT-INJECTION FAKE compiler: SIGKILLs itself for the preamble run)', () => {
  it('is reported as cgo/cc-broken naming the signal, not as a clean file', () => {
    const root = tempDir('killed');
    writeTree(root, {
      'go.mod': 'module example.com/killed\n\ngo 1.22\n',
      'p/a.go': 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n',
    });
    const cc = writeScript(
      path.join(tempDir('killcc'), 'killed-cc'),
      `#!/bin/sh
# FAULT-INJECTION FAKE C COMPILER (toolpaths.test.ts): real gcc, except that the preamble run kills itself.
for a in "$@"; do case "$a" in -fmessage-length=0) kill -KILL $$;; esac; done
exec '${realGcc}' "$@"
`,
    );
    const r = runCheck([path.join(root, 'p')], baseEnv({ CC: cc }), root, 60_000);
    const broken = r.diagnostics.find((d: any) => d.code === 'cgo/cc-broken');
    expect(broken, JSON.stringify(r.diagnostics)).toBeDefined();
    expect(broken.message).toMatch(/killed by SIGKILL/);
    const m = splitMessage(broken.message);
    expect(m.cause).toBe('The C compiler killed-cc was killed by SIGKILL, so the preamble was not checked');
    expect(m.cause.length).toBeLessThanOrEqual(CAUSE_MAX);
    expect(m.fix).toMatch(/^check that `.*killed-cc` works \(a crash, or something on this machine killing it/);
    expect(r.status).toBe(1);
  });
});

describe.skipIf(!haveTools || !fs.existsSync('/usr/include/stdio.h'))('hover on an absolute #include', () => {
  it('#include "/usr/include/stdio.h" resolves to that file', async () => {
    const root = tempDir('abs');
    writeTree(root, {
      'go.mod': 'module example.com/abs\n\ngo 1.22\n',
      'p/a.go': 'package p\n\n// #include "/usr/include/stdio.h"\nimport "C"\n\nfunc F() { C.puts(nil) }\n',
    });
    const c = await startServer(root, baseEnv(), { diagnosticsScope: 'openFiles' });
    try {
      const uri = c.open(path.join(root, 'p', 'a.go'));
      await c.waitForDiagnostics(uri, () => true, 60_000);
      // A hover does not wait for the toolchain probe (it says so while it is pending): ask again until it answers.
      let md = '';
      for (let i = 0; i < 60; i++) {
        const h = await hoverAt(c, uri, 2, 14, 15_000);
        md = String(h.result?.contents?.value ?? '');
        if (!/has not answered|pending/i.test(md)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(md).toMatch(/Resolves to `\/usr\/include\/stdio\.h`/);
      expect(md).not.toMatch(/not found/);
    } finally {
      await stopServer(c);
    }
  });
});
