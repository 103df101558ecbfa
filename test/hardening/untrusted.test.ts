// Issue 12, item 4: what a workspace the client reports as untrusted may set. Every setting has a rule
// (settings.ts UNTRUSTED_RULES, rendered in protocol.md); values outside it are clamped or refused, and the log
// says so. The last test runs the real server: a workspace asking for a 10-minute compiler timeout does not get it.
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { defaultSettings, parseSettings, restrictUntrusted, UNTRUSTED_RULES, type Settings } from '../../server/src/engine/settings.js';
import { baseEnv, cleanupTemps, logMessages, realGcc, realGo, stopServer, tempDir, writeScript, writeTree, LspClient } from './helpers.js';

// Real servers and compilers on a shared 2-core machine: generous per-test time (no timing asserts here).
vi.setConfig({ testTimeout: 180000 });

const user = defaultSettings;
const ws = (over: Partial<Settings>): Settings => ({ ...defaultSettings, ...over });

describe('restrictUntrusted', () => {
  it('has a rule for every setting', () => {
    expect(Object.keys(UNTRUSTED_RULES).sort()).toEqual(Object.keys(defaultSettings).sort());
  });

  it('refuses env and goCommand (programs), keeping the user values', () => {
    const r = restrictUntrusted(ws({ env: { CC: '/tmp/evil' }, goCommand: '/tmp/go' }), ws({ env: { CC: 'gcc' } }));
    expect(r.settings.env).toEqual({ CC: 'gcc' });
    expect(r.settings.goCommand).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/cgo\.env .*untrusted/);
    expect(r.warnings.join('\n')).toMatch(/cgo\.goCommand .*untrusted/);
  });

  it('clamps compilerTimeoutMs to the user value (a workspace may not ask for 10 minutes) and to at least 1 s', () => {
    expect(restrictUntrusted(ws({ compilerTimeoutMs: 600_000 }), user).settings.compilerTimeoutMs).toBe(20_000);
    expect(restrictUntrusted(ws({ compilerTimeoutMs: 5_000 }), user).settings.compilerTimeoutMs).toBe(5_000);
    expect(restrictUntrusted(ws({ compilerTimeoutMs: 0 }), user).settings.compilerTimeoutMs).toBe(1_000);
    const r = restrictUntrusted(ws({ compilerTimeoutMs: 600_000 }), user);
    expect(r.warnings.join('\n')).toMatch(/cgo\.compilerTimeoutMs 600000 from the workspace configuration not applied, using 20000/);
  });

  it('lets debounceMs only go up (at most 10 s): a workspace may not make cgo-ls compile on every keystroke', () => {
    expect(restrictUntrusted(ws({ debounceMs: 0 }), user).settings.debounceMs).toBe(300);
    expect(restrictUntrusted(ws({ debounceMs: 2_000 }), user).settings.debounceMs).toBe(2_000);
    expect(restrictUntrusted(ws({ debounceMs: 600_000 }), user).settings.debounceMs).toBe(10_000);
  });

  it('lets compileOnChange, checkShellEnv and diagnosticsScope only be narrowed', () => {
    const off = ws({ compileOnChange: false, checkShellEnv: false, diagnosticsScope: 'openFiles' });
    expect(restrictUntrusted(ws({ compileOnChange: true, checkShellEnv: true, diagnosticsScope: 'workspace' }), off).settings).toMatchObject({
      compileOnChange: false,
      checkShellEnv: false,
      diagnosticsScope: 'openFiles',
    });
    expect(restrictUntrusted(off, user).settings).toMatchObject({ compileOnChange: false, checkShellEnv: false, diagnosticsScope: 'openFiles' });
  });

  it('caps targets at 8 and keeps the user ignoreDirs', () => {
    const targets = Array.from({ length: 20 }, (_, i) => `linux/arch${i}`);
    expect(restrictUntrusted(ws({ targets }), user).settings.targets).toHaveLength(8);
    expect(restrictUntrusted(ws({ ignoreDirs: ['gen'] }), user).settings.ignoreDirs).toEqual([...defaultSettings.ignoreDirs, 'gen']);
    expect(restrictUntrusted(ws({ ignoreDirs: [] }), user).settings.ignoreDirs).toEqual(defaultSettings.ignoreDirs);
  });

  it('says nothing when the workspace asks for nothing beyond its rules', () => {
    const asked = parseSettings({ logLevel: 'debug', debounceMs: 500 }, user).settings;
    expect(restrictUntrusted(asked, user).warnings).toEqual([]);
  });
});

const haveTools = realGcc !== null && realGo !== null;

describe.skipIf(!haveTools)('the server with workspaceTrusted: false (FAULT-INJECTION FAKE compiler that hangs)', () => {
  afterAll(() => cleanupTemps());

  it('a workspace cgo.compilerTimeoutMs of 10 minutes is clamped: the hung compile stops at the user timeout (3 s)', async () => {
    const root = tempDir('untrusted');
    writeTree(root, { 'go.mod': 'module example.com/u\n\ngo 1.22\n', 'p/a.go': 'package p\n\n// #include <stdlib.h>\nimport "C"\n' });
    const cc = writeScript(
      path.join(tempDir('untrusted-cc'), 'hang-cc'),
      `#!/bin/sh\n# FAULT-INJECTION FAKE C COMPILER (untrusted.test.ts): real gcc for probes, hangs for the preamble compile.\nfor a in "$@"; do case "$a" in -fmessage-length=0) exec sleep 600;; esac; done\nexec '${realGcc}' "$@"\n`,
    );
    const c = new LspClient({ env: baseEnv({ CC: cc }) });
    c.configuration = { compilerTimeoutMs: 600_000 };
    try {
      await c.initialize(root, {
        initializationOptions: { checkShellEnv: false, workspaceTrusted: false, compilerTimeoutMs: 3_000, diagnosticsScope: 'openFiles' },
      });
      await c.waitFor(() => logMessages(c).some((m) => /compilerTimeoutMs/.test(m)), 30_000, 'the clamp warning');
      const uri = c.open(path.join(root, 'p', 'a.go'));
      const pub = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((d: any) => d.code === 'cgo/compiler-timeout'), 60_000);
      expect(pub.diagnostics.find((d: any) => d.code === 'cgo/compiler-timeout').data.timeoutMs).toBe(3_000);
      expect(logMessages(c).join('\n')).toMatch(/cgo\.compilerTimeoutMs 600000 from the workspace configuration not applied, using 3000: .*untrusted/);
    } finally {
      await stopServer(c);
    }
  });

  it('every other setting a workspace asks for beyond its rule is refused or clamped, named in the log, and not used', async () => {
    const root = tempDir('untrusted-all');
    writeTree(root, { 'go.mod': 'module example.com/u\n\ngo 1.22\n', 'p/a.go': 'package p\n\n// #include <stdlib.h>\nimport "C"\n' });
    const evil = writeScript(
      path.join(tempDir('untrusted-evil'), 'evil-cc'),
      '#!/bin/sh\n# FAULT-INJECTION FAKE: a compiler the workspace must not choose.\nexit 1\n',
    );
    const c = new LspClient({ env: baseEnv() });
    c.configuration = {
      env: { CC: evil },
      goCommand: evil,
      debounceMs: 0,
      compileOnChange: true,
      diagnosticsScope: 'workspace',
      checkShellEnv: true,
      targets: Array.from({ length: 12 }, (_, i) => (i % 2 ? 'windows/amd64' : 'linux/arm64')),
    };
    try {
      await c.initialize(root, {
        initializationOptions: { checkShellEnv: false, workspaceTrusted: false, compileOnChange: false, diagnosticsScope: 'openFiles' },
      });
      for (const key of ['env', 'goCommand', 'debounceMs', 'compileOnChange', 'diagnosticsScope', 'checkShellEnv', 'targets']) {
        await c.waitFor(() => logMessages(c).some((m) => m.includes(`cgo.${key} `) && /untrusted/.test(m)), 30_000, `the warning for cgo.${key}`);
      }
      // What is used: the user's compiler (not the workspace's), found through the go command on PATH.
      const uri = c.open(path.join(root, 'p', 'a.go'));
      const report = await c.request('cgo/toolchain', { uri }, 60_000);
      expect(JSON.stringify(report)).not.toContain(evil);
    } finally {
      await stopServer(c);
    }
  });
});
