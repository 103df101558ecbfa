// Trust: what a workspace the user may not trust can make cgo-ls execute.
//
// 1. Executables planted in the workspace. Go's exec.LookPath refuses a program found through a relative PATH
//    entry (`.`, an empty entry, `bin`) — ErrDot — and cmd/go runs the compiler by the absolute path it looked
//    up, whatever the package directory is. cgo-ls must not run a `gcc` / `pkg-config` that a repository ships
//    in a package directory either, even when the user's PATH has such an entry (a trailing `:` is common).
//
// 2. Settings that can point the server at executables (`cgo.env`, `cgo.goCommand`, settings.ts
//    EXECUTABLE_SETTINGS) come from workspace configuration only when the client does not say the workspace is
//    untrusted (protocol.md "Trust: settings that choose programs"): with `initializationOptions.workspaceTrusted:
//    false`, values arriving through `workspace/configuration` / `didChangeConfiguration` are ignored with a
//    window/logMessage warning and only initializationOptions (the user's own configuration) count.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Spies,
  baseEnv,
  cleanupTemps,
  logMessages,
  realGcc,
  realGo,
  realPkgConfig,
  runCheck,
  startServer,
  stopServer,
  tempDir,
  writeScript,
  writeTree,
  type LspClient,
} from './helpers.js';

const haveTools = realGcc !== null && realGo !== null && realPkgConfig !== null;

/** A FAKE tool planted in the workspace by an attacker: it records that it ran, then behaves like the real one. */
function plant(file: string, real: string, marker: string): void {
  writeScript(
    file,
    `#!/bin/sh\n# FAKE planted by an untrusted repository (trust tests): it must never be run.\necho "$0 $*" >> '${marker}'\nexec '${real}' "$@"\n`,
  );
}

function module(prefix: string): { root: string; file: string; marker: string } {
  const root = tempDir(prefix);
  writeTree(root, {
    'go.mod': 'module example.com/trust\n\ngo 1.22\n',
    'sub/a.go': 'package sub\n\n// #cgo pkg-config: zlib\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n',
  });
  const marker = path.join(tempDir(`${prefix}-marker`), 'ran.log');
  return { root, file: path.join(root, 'sub', 'a.go'), marker };
}

const ran = (marker: string) => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '');

describe.skipIf(!haveTools)('executables planted in the workspace never run', () => {
  afterAll(() => cleanupTemps());
  const goBin = path.dirname(realGo!);
  const sysPath = [...new Set([goBin, path.dirname(realGcc!), path.dirname(realPkgConfig!), '/usr/bin', '/bin'])].join(':');

  // Each PATH has a relative entry that Go's LookPath would refuse to use (ErrDot).
  const paths: [string, string][] = [
    ['an empty PATH entry', `${goBin}::${sysPath}`],
    ['a "." PATH entry', `${goBin}:.:${sysPath}`],
    ['a relative PATH entry ("bin")', `${goBin}:bin:${sysPath}`],
  ];

  for (const [what, PATH] of paths) {
    it(`cgo-ls check does not run a gcc or pkg-config shipped in a package directory (PATH with ${what})`, () => {
      const m = module('planted');
      // In the package directory only: at the module root (the server's working directory for probes) the
      // server's LookPath already refuses them, like Go's (see the next test).
      const dirs = [path.join(m.root, 'sub'), path.join(m.root, 'sub', 'bin')];
      for (const d of dirs) {
        plant(path.join(d, 'gcc'), realGcc!, m.marker);
        plant(path.join(d, 'cc'), realGcc!, m.marker);
        plant(path.join(d, 'pkg-config'), realPkgConfig!, m.marker);
      }
      const r = runCheck(['.'], baseEnv({ PATH }), m.root);
      expect(r.status, r.stderr).not.toBeNull();
      expect(ran(m.marker), 'a program planted in the workspace was executed').toBe('');
    });
  }

  it('cgo-ls check does not run a gcc or pkg-config shipped at the module root either (ErrDot, as Go)', () => {
    const m = module('planted-root');
    for (const d of [m.root, path.join(m.root, 'bin')]) {
      plant(path.join(d, 'gcc'), realGcc!, m.marker);
      plant(path.join(d, 'pkg-config'), realPkgConfig!, m.marker);
    }
    for (const PATH of [`${goBin}::${sysPath}`, `${goBin}:.:${sysPath}`, `${goBin}:bin:${sysPath}`]) {
      const r = runCheck(['.'], baseEnv({ PATH }), m.root);
      expect(r.status, r.stderr).not.toBeNull();
      expect(ran(m.marker), `PATH=${PATH}: a program planted in the workspace was executed`).toBe('');
    }
  });

  it('the language server does not run a gcc or pkg-config shipped in a package directory (PATH with an empty entry)', async () => {
    const m = module('planted-lsp');
    for (const d of [path.join(m.root, 'sub')]) {
      plant(path.join(d, 'gcc'), realGcc!, m.marker);
      plant(path.join(d, 'pkg-config'), realPkgConfig!, m.marker);
    }
    const spies = new Spies('planted-lsp-ok');
    let c: LspClient | undefined;
    try {
      // The user's real tools sit after the empty entry; a spy CC proves the analysis really compiled.
      c = await startServer(m.root, baseEnv({ PATH: `${goBin}::${sysPath}`, CC: spies.cc }), { diagnosticsScope: 'openFiles' });
      const uri = c.open(m.file);
      await c.waitForDiagnostics(uri, () => true, 30_000);
      await c.waitFor(() => spies.ccCalls().some((x) => x.args.includes('-fsyntax-only')), 30_000, 'the preamble compile');
      await c.settle(800);
      expect(ran(m.marker), 'a program planted in the workspace was executed').toBe('');
    } finally {
      await stopServer(c);
    }
  });
});

describe.skipIf(!haveTools)('executable settings from workspace configuration are ignored when the client says the workspace is untrusted', () => {
  afterAll(() => cleanupTemps());

  /** Starts a server whose client answers workspace/configuration with `workspaceSettings`. */
  async function run(opts: { init: Record<string, unknown>; workspaceSettings?: unknown; later?: Record<string, unknown> }) {
    const m = module('wscfg');
    const plantedCC = path.join(m.root, 'tools', 'cc');
    const plantedGo = path.join(m.root, 'tools', 'go');
    plant(plantedCC, realGcc!, m.marker);
    plant(plantedGo, realGo!, m.marker);
    const spies = new Spies('wscfg-user');
    const subst = (v: unknown) =>
      JSON.parse(
        JSON.stringify(v ?? null)
          .replaceAll('$CC', plantedCC)
          .replaceAll('$GO', plantedGo),
      );
    const c = await startServer(m.root, baseEnv({ CC: spies.cc }), { diagnosticsScope: 'openFiles', ...subst(opts.init) });
    c.configuration = subst(opts.workspaceSettings ?? {});
    // Give the server time to pull workspace/configuration before the file is opened.
    await c.waitFor(() => c.serverRequests.some((r) => r.method === 'workspace/configuration'), 10_000, 'workspace/configuration');
    const uri = c.open(m.file);
    await c.waitForDiagnostics(uri, () => true, 30_000);
    if (opts.later) {
      // Like VS Code: the setting changes in .vscode/settings.json; the client pushes it and answers pulls with it.
      await c.settle(500);
      const before = c.published(uri).length;
      c.configuration = subst(opts.later);
      c.notify('workspace/didChangeConfiguration', { settings: { cgo: subst(opts.later) } });
      await c.waitFor(() => c.published(uri).length > before, 30_000, 're-analysis after the configuration change');
      // The toolchain model the server now uses (probed with the settings in force).
      await c.request('cgo/toolchain', { uri }, 30_000);
    }
    await c.waitFor(() => ran(m.marker) !== '' || spies.ccCalls().some((x) => x.args.includes('-fsyntax-only')), 30_000, 'a compile');
    await c.settle(800);
    return { c, ran: ran(m.marker), spies };
  }

  it('cgo.env.CC from workspace/configuration is NOT applied when initializationOptions say workspaceTrusted: false', async () => {
    const r = await run({ init: { workspaceTrusted: false }, workspaceSettings: { env: { CC: '$CC' } } });
    try {
      expect(r.ran, 'the CC named by workspace configuration ran in an untrusted workspace').toBe('');
      // The user's CC (the environment's spy) is used instead, and the log says why the setting was dropped.
      expect(r.spies.ccCalls().length).toBeGreaterThan(0);
      expect(logMessages(r.c).join('\n')).toMatch(/cgo\.env.*untrusted/i);
    } finally {
      await stopServer(r.c);
    }
  });

  it('cgo.env from workspace/configuration applies when workspaceTrusted is absent (clients without a trust model; protocol.md)', async () => {
    const r = await run({ init: {}, workspaceSettings: { env: { CC: '$CC' } } });
    try {
      expect(r.ran).not.toBe('');
    } finally {
      await stopServer(r.c);
    }
  });

  for (const trusted of [false, true]) {
    it(`cgo.goCommand pushed later with workspace/didChangeConfiguration is ${trusted ? '' : 'NOT '}applied when workspaceTrusted is ${trusted}`, async () => {
      const r = await run({ init: { workspaceTrusted: trusted }, later: { goCommand: '$GO' } });
      try {
        if (trusted) expect(r.ran, 'positive control: the pushed goCommand was not used at all').not.toBe('');
        else expect(r.ran, 'the go named by workspace configuration ran in an untrusted workspace').toBe('');
      } finally {
        await stopServer(r.c);
      }
    });
  }

  it('with workspaceTrusted: true the workspace configuration is applied (the CC it names runs)', async () => {
    const r = await run({ init: { workspaceTrusted: true }, workspaceSettings: { env: { CC: '$CC' } } });
    try {
      expect(r.ran).not.toBe('');
      // workspaceTrusted is a known key, not reported as an unknown setting.
      expect(logMessages(r.c).join('\n')).not.toMatch(/unknown setting cgo\.workspaceTrusted/);
    } finally {
      await stopServer(r.c);
    }
  });

  it("the user's own settings (initializationOptions) apply without workspace trust", async () => {
    const r = await run({ init: { env: { CC: '$CC' } } });
    try {
      expect(r.ran, "the CC from the user's own settings was not used").not.toBe('');
    } finally {
      await stopServer(r.c);
    }
  });
});
