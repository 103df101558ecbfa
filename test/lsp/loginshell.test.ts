// The login shell is read for one check only (cgo/env-drift), and a login shell can take seconds (nvm, conda, a
// slow .bashrc). The editor must not wait for it: the compiled diagnostics are published first, and the drift
// finding is published when the shell answers.
// Fault injection: SHELL is a script that stands in for a slow login shell. It answers only once the test opens
// its gate (or after 9 s, below the server's 10 s limit), and its environment has a CGO_CFLAGS the editor lacks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LspClient } from '../helpers/lsp-client.js';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-loginshell-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fault-injection shell script in the test's directory (`#!/bin/sh` and the lines), executable; its path. */
function script(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, ['#!/bin/sh', ...lines, ''].join('\n'), { mode: 0o755 });
  return file;
}

function slowShell(gate: string, answered: string, started: string): string {
  return script('slow-login-shell', [
    '# fault injection: a login shell that answers only when the test says so (called as: SHELL -lic SCRIPT)',
    `nice > '${started}'`,
    'i=0',
    `while [ ! -e '${gate}' ] && [ $i -lt 90 ]; do sleep 0.1; i=$((i+1)); done`,
    `: > '${answered}'`,
    'CGO_CFLAGS=-DFROM_LOGIN_SHELL; export CGO_CFLAGS',
    'exec /bin/sh -c "$2"',
  ]);
}

/** A module `example.com/<name>` under the test's directory with one cgo file, a.go. */
function cgoModule(name: string, source: string): { mod: string; file: string } {
  const mod = path.join(dir, name);
  fs.mkdirSync(mod);
  fs.writeFileSync(path.join(mod, 'go.mod'), `module example.com/${name}\n\ngo 1.21\n`);
  const file = path.join(mod, 'a.go');
  fs.writeFileSync(file, source);
  return { mod, file };
}

describe('a slow login shell', () => {
  it('does not hold back the compiled diagnostics; its drift finding is published when it answers', async () => {
    const { mod, file } = cgoModule('loginshell', 'package loginshell\n\n// #include "cgo_ls_no_such_header.h"\nimport "C"\n\nfunc F() {}\n');
    const gate = path.join(dir, 'gate');
    const answered = path.join(dir, 'answered');
    const started = path.join(dir, 'started');
    const env: NodeJS.ProcessEnv = { ...process.env, SHELL: slowShell(gate, answered, started), CGO_LS_CACHE_DIR: 'off' };
    delete env['CGO_CFLAGS'];
    const client = new LspClient({ env });
    try {
      await client.initialize(mod, { initializationOptions: { debounceMs: 0 } });
      const uri = client.open(file);
      const first = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/header-not-found'), 60_000);
      expect(fs.existsSync(answered), 'the shell had not answered when the compiled diagnostic was published').toBe(false);
      expect(first.diagnostics.map((d) => d.code)).not.toContain('cgo/env-drift');

      // Nothing waits for it, so it runs below normal CPU priority (a nice value of 10, inherited by what it runs).
      const niceness = () => (fs.existsSync(started) ? fs.readFileSync(started, 'utf8').trim() : '');
      await expect.poll(niceness, { timeout: 30_000 }).not.toBe('');
      expect(niceness()).toBe('10');
      fs.writeFileSync(gate, '');
      const later = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/env-drift'), 60_000);
      expect(later.diagnostics.map((d) => d.code)).toContain('cgo/header-not-found');
      const drift = later.diagnostics.find((d) => d.code === 'cgo/env-drift')!;
      expect(drift.message).toContain('CGO_CFLAGS: editor ""; login shell "-DFROM_LOGIN_SHELL"');
      expect(drift.range.start.line).toBe(3); // on import "C"
    } finally {
      await client.shutdown();
    }
  });
});

describe('the login shell yields to the compilers', () => {
  it("starts only once the server's subprocesses have gone quiet, not during a long compile", async () => {
    const { mod, file } = cgoModule('quiet', 'package quiet\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n');
    const compileEnd = path.join(dir, 'compile-end');
    const shellStart = path.join(dir, 'shell-start');
    // Fault injection: a C compiler whose compiles take 3 s (its identity probes answer at once), and a login shell
    // that notes when it starts and then runs the script at once.
    const cc = script('slow-cc', [
      '# fault injection: a compile takes 3 s',
      // The time is written to a temporary file and renamed, so the test never reads a file the shell has created but
      // not yet written (a redirection creates the file before date runs).
      `case " $* " in *" -fsyntax-only "*) sleep 3; date +%s%N > '${compileEnd}.tmp'; mv -f '${compileEnd}.tmp' '${compileEnd}' ;; esac`,
      'exec gcc "$@"',
    ]);
    const shell = script('noting-login-shell', [
      '# fault injection: notes when it starts',
      `date +%s%N > '${shellStart}.tmp'; mv -f '${shellStart}.tmp' '${shellStart}'`,
      'exec /bin/sh -c "$2"',
    ]);
    const client = new LspClient({ env: { ...process.env, SHELL: shell, CC: cc, CGO_LS_CACHE_DIR: 'off' } });
    try {
      await client.initialize(mod, { initializationOptions: { debounceMs: 0 } });
      client.open(file);
      await expect.poll(() => fs.existsSync(shellStart), { timeout: 30_000, interval: 100 }).toBe(true);
      expect(fs.existsSync(compileEnd), 'the login shell started while the compile ran').toBe(true);
      expect(BigInt(fs.readFileSync(shellStart, 'utf8').trim())).toBeGreaterThan(BigInt(fs.readFileSync(compileEnd, 'utf8').trim()));
    } finally {
      await client.shutdown();
    }
  });
});
