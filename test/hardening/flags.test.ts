// Untrusted code never runs a disallowed flag (the CVE-2018-6574 class). A SPY C compiler and a SPY pkg-config
// (test/fixtures/hardening/bin: they log their argv and cwd, then run the real gcc / answer from a crafted .pc
// table) stand in for the tools via CC= and PKG_CONFIG= in the server's environment. Every way a flag can enter
// is exercised through `cgo-ls check` and through the real server over stdio (its workspace scan analyses every
// file), and the spy logs must show that nothing Go's allow-list rejects ever reached a tool. Go itself (`go
// list -e -compiled`, real toolchain) is the oracle for what is rejected, so the cases cannot drift from Go.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Spies,
  baseEnv,
  cleanupTemps,
  goListError,
  realGcc,
  realGo,
  runCheck,
  startServer,
  stopServer,
  tempDir,
  uriOf,
  writeTree,
  type LspClient,
  type SpyCall,
} from './helpers.js';

const haveTools = realGcc !== null && realGo !== null;

/** Every argument that carries one of these substrings is an attack payload of some case. */
const EVIL = 'cgo-ls-EVIL';

interface Case {
  name: string;
  /** Preamble lines (without the `// ` prefix) placed between the marker line and the #include. */
  lines: string[];
  /** true: Go rejects the package (the file must never be compiled); false: Go builds it. */
  rejected: boolean;
  /** Diagnostic code the server must publish on the file (rejected cases). */
  code?: string;
  /** Arguments that must never appear, verbatim, in any spy call. */
  forbiddenArgs?: string[];
  /** Arguments that must reach pkg-config (positive controls). */
  pkgConfigMustSee?: string[];
  /** Arguments that must reach the C compiler (positive controls). */
  ccMustSee?: string[];
  /** Whole file text instead of the template. */
  text?: string;
}

const mark = (n: string) => `-DCGO_LS_MARK_${n.replace(/-/g, '_')}=1`;

function fileText(c: Case): string {
  if (c.text) return c.text;
  const pkg = c.name.replace(/-/g, '');
  return [
    `package ${pkg}`,
    '',
    `// #cgo CFLAGS: ${mark(c.name)}`,
    ...c.lines.map((l) => `// ${l}`),
    '// #include <stdlib.h>',
    'import "C"',
    '',
    'func F() { C.free(nil) }',
    '',
  ].join('\n');
}

const CASES: Case[] = [
  // #cgo directives
  { name: 'fplugin', lines: ['#cgo CFLAGS: -fplugin=/tmp/cgo-ls-EVIL-plugin.so'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'cppflags-fplugin', lines: ['#cgo CPPFLAGS: -fplugin=/tmp/cgo-ls-EVIL-cpp.so'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'rsp', lines: ['#cgo CFLAGS: @/tmp/cgo-ls-EVIL.rsp'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'ldrsp', lines: ['#cgo LDFLAGS: @/tmp/cgo-ls-EVIL-ld.rsp'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'lto', lines: ['#cgo LDFLAGS: -lto_library'], rejected: true, code: 'cgo/flag-not-allowed', forbiddenArgs: ['-lto_library'] },
  { name: 'wlplugin', lines: ['#cgo LDFLAGS: -Wl,-plugin=/tmp/cgo-ls-EVIL-ld.so'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'pushstate', lines: ['#cgo LDFLAGS: -Wl,--push-state,-plugin=/tmp/cgo-ls-EVIL-push.so'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'bprefix', lines: ['#cgo CFLAGS: -B/tmp/cgo-ls-EVIL-bdir'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'specs', lines: ['#cgo CFLAGS: -specs=/tmp/cgo-ls-EVIL.specs'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'include', lines: ['#cgo CFLAGS: -include -foo'], rejected: true, code: 'cgo/flag-missing-arg', forbiddenArgs: ['-foo'] },
  { name: 'dend', lines: ['#cgo CFLAGS: -DCGO_LS_OK=1 -D'], rejected: true, code: 'cgo/flag-missing-arg', forbiddenArgs: ['-D'] },
  {
    name: 'xpre',
    lines: ['#cgo CFLAGS: -Xpreprocessor -fplugin=/tmp/cgo-ls-EVIL-xp.so'],
    rejected: true,
    code: 'cgo/flag-not-allowed',
    forbiddenArgs: ['-Xpreprocessor'],
  },
  // the rejected flag is in the second `import "C"` of the file
  {
    name: 'twoimports',
    rejected: true,
    code: 'cgo/flag-not-allowed',
    lines: [],
    text: [
      'package twoimports',
      '',
      `// #cgo CFLAGS: ${mark('twoimports')}`,
      '// #include <stdlib.h>',
      'import "C"',
      '',
      '// #cgo LDFLAGS: -Wl,-plugin=/tmp/cgo-ls-EVIL-two.so',
      'import "C"',
      '',
      'func F() { C.free(nil) }',
      '',
    ].join('\n'),
  },
  // Lines Go does not apply: the flag must not reach the compiler, but the file is compiled (positive control).
  { name: 'cond', lines: ['#cgo windows CFLAGS: -fplugin=/tmp/cgo-ls-EVIL-win.so'], rejected: false, ccMustSee: [mark('cond')] },
  {
    name: 'split',
    rejected: false,
    lines: [],
    ccMustSee: [mark('split')],
    text: [
      'package split',
      '',
      '// #cgo CFLAGS: -fplugin=/tmp/cgo-ls-EVIL-split.so',
      '',
      `// #cgo CFLAGS: ${mark('split')}`,
      '// #include <stdlib.h>',
      'import "C"',
      '',
      'func F() { C.free(nil) }',
      '',
    ].join('\n'),
  },
  {
    name: 'notbuilt',
    rejected: false,
    lines: [],
    text: [
      '//go:build windows',
      '',
      'package notbuilt',
      '',
      '// #cgo CFLAGS: -fplugin=/tmp/cgo-ls-EVIL-notbuilt.so',
      '// #include <stdlib.h>',
      'import "C"',
      '',
      'func F() { C.free(nil) }',
      '',
    ].join('\n'),
  },
  // pkg-config: crafted output (see pc-table.txt) and bad arguments
  { name: 'pc-evil-cflags', lines: ['#cgo pkg-config: evilcflags'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'pc-evil-libs', lines: ['#cgo pkg-config: evillibs'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'pc-evil-rsp', lines: ['#cgo pkg-config: evilrsp'], rejected: true, code: 'cgo/flag-not-allowed' },
  { name: 'pc-evil-lto', lines: ['#cgo pkg-config: evillto'], rejected: true, code: 'cgo/flag-not-allowed', forbiddenArgs: ['-lto_library'] },
  { name: 'pc-name', lines: ['#cgo pkg-config: -lfoo goodpc'], rejected: true, code: 'cgo/pkg-config-name', forbiddenArgs: ['-lfoo'] },
  { name: 'pc-option', lines: ['#cgo pkg-config: --foo-bar goodpc'], rejected: true, code: 'cgo/pkg-config-option', forbiddenArgs: ['--foo-bar'] },
  {
    name: 'pc-defvar',
    lines: ['#cgo pkg-config: --define-variable=prefix=@x goodpc'],
    rejected: true,
    code: 'cgo/pkg-config-option',
    forbiddenArgs: ['--define-variable=prefix=@x'],
  },
  // positive controls: the spies are really in use and good flags do get through
  { name: 'pc-good', lines: ['#cgo pkg-config: goodpc'], rejected: false, ccMustSee: ['-DCGO_LS_GOOD_PC=1', mark('pc-good')], pkgConfigMustSee: ['goodpc'] },
  { name: 'pc-static', lines: ['#cgo pkg-config: --static goodpc'], rejected: false, pkgConfigMustSee: ['--static'], ccMustSee: ['-DCGO_LS_GOOD_PC=1'] },
  { name: 'good', lines: ['#cgo LDFLAGS: -lm'], rejected: false, ccMustSee: [mark('good')] },
];

/** cmd/go's validPkgConfigFlags (go1.26, security.go), plus the verbs cmd/go itself passes. */
const PKG_CONFIG_OPTIONS = [
  /--atleast-pkgconfig-version=\d+\.\d+\.\d+/,
  /--atleast-version=\d+\.\d+\.\d+/,
  /--cflags-only-I/,
  /--cflags/,
  /--define-prefix/,
  /--define-variable=[A-Za-z_][A-Za-z0-9_]*=[^@-]*/,
  /--digraph/,
  /--dont-define-prefix/,
  /--dont-relocate-paths/,
  /--dump-personality/,
  /--env-only/,
  /--errors-to-stdout/,
  /--exact-version=\d+\.\d+\.\d+/,
  /--exists/,
  /--fragment-filter=[A-Za-z_][a-zA-Z0-9_]*/,
  /--ignore-conflicts/,
  /--internal-cflags/,
  /--keep-system-cflags/,
  /--keep-system-libs/,
  /--libs-only-l/,
  /--libs-only-L/,
  /--libs/,
  /--list-all/,
  /--list-package-names/,
  /--max-version=\d+\.\d+\.\d+/,
  /--maximum-traverse-depth=[0-9]+/,
  /--modversion/,
  /--msvc-syntax/,
  /--no-cache/,
  /--no-provides/,
  /--no-uninstalled/,
  /--path/,
  /--personality=(triplet|filename)/,
  /--prefix-variable=[A-Za-z_][a-zA-Z0-9_]*/,
  /--print-errors/,
  /--print-provides/,
  /--print-requires-private/,
  /--print-requires/,
  /--print-variables/,
  /--pure/,
  /--shared/,
  /--short-errors/,
  /--silence-errors/,
  /--simulate/,
  /--static/,
  /--uninstalled/,
  /--validate/,
  /--variable=[A-Za-z_][a-zA-Z0-9_]*/,
  /--with-path=[^@-].*/,
  /--version/,
];
/** Go's leftmost-first "full match": FindString(arg) == arg. */
const fullMatch = (re: RegExp, s: string) => {
  const m = re.exec(s);
  return m !== null && m.index === 0 && m[0] === s;
};
/** cmd/go load.SafeArg. */
const safeArg = (s: string) => s !== '' && (/^[0-9A-Za-z._/]/.test(s) || s.charCodeAt(0) >= 0x80);

function callText(c: SpyCall): string {
  return `[cwd ${c.cwd}] ${c.args.join(' ')}`;
}

/** The assertions shared by the CLI and the LSP run. */
function assertNoRejectedFlagReachedTools(spies: Spies, moduleDir: string): void {
  const cc = spies.ccCalls();
  const pc = spies.pkgConfigCalls();
  expect(cc.length, 'the spy compiler was never run: the test would prove nothing').toBeGreaterThan(0);
  expect(pc.length, 'the spy pkg-config was never run').toBeGreaterThan(0);
  // No attack payload anywhere.
  for (const c of [...cc, ...pc]) {
    const bad = c.args.filter((a) => a.includes(EVIL) || a.startsWith('@') || a.includes('-plugin') || a.startsWith('-specs') || a.startsWith('-B'));
    expect(bad, `a rejected flag reached a tool: ${callText(c)}`).toEqual([]);
  }
  for (const k of CASES) {
    const dir = path.join(moduleDir, k.name);
    const here = cc.filter((c) => c.cwd === dir);
    for (const f of k.forbiddenArgs ?? []) {
      for (const c of [...cc, ...pc]) expect(c.args.includes(f), `${k.name}: ${f} reached a tool: ${callText(c)}`).toBe(false);
    }
    if (k.rejected) {
      // A file with a rejected flag is never compiled: none of its flags (the marker) reaches the compiler.
      const compiled = here.filter((c) => c.args.includes(mark(k.name)));
      expect(compiled.map(callText), `${k.name}: a file Go refuses to build was compiled`).toEqual([]);
    }
    for (const s of k.ccMustSee ?? []) {
      expect(
        here.some((c) => c.args.includes(s)),
        `${k.name}: positive control ${s} never reached the spy compiler (calls here: ${here.length})`,
      ).toBe(true);
    }
    for (const s of k.pkgConfigMustSee ?? []) {
      expect(
        pc.some((c) => c.cwd === dir && c.args.includes(s)),
        `${k.name}: ${s} never reached the spy pkg-config`,
      ).toBe(true);
    }
  }
  // pkg-config is only ever run with allow-listed options and SafeArg package names.
  for (const c of pc) {
    const sep = c.args.indexOf('--');
    const opts = sep < 0 ? c.args : c.args.slice(0, sep);
    const pkgs = sep < 0 ? [] : c.args.slice(sep + 1);
    for (const o of opts)
      expect(
        PKG_CONFIG_OPTIONS.some((re) => fullMatch(re, o)),
        `pkg-config option not in Go's list: ${callText(c)}`,
      ).toBe(true);
    for (const p of pkgs) expect(safeArg(p), `pkg-config package name fails SafeArg: ${callText(c)}`).toBe(true);
  }
}

describe.skipIf(!haveTools)('untrusted #cgo flags and pkg-config output never reach the compiler or pkg-config', () => {
  let moduleDir: string;
  let oracleSpies: Spies;

  beforeAll(() => {
    moduleDir = tempDir('flags');
    const files: Record<string, string> = { 'go.mod': 'module example.com/flags\n\ngo 1.22\n' };
    for (const k of CASES) files[`${k.name}/a.go`] = fileText(k);
    writeTree(moduleDir, files);
    oracleSpies = new Spies('oracle');
  });
  afterAll(() => cleanupTemps());

  it('the cases are what Go itself rejects or accepts (go list -e -compiled with the same pkg-config output)', () => {
    const env = baseEnv({ CC: realGcc!, PKG_CONFIG: oracleSpies.pkgConfig });
    const verdicts = CASES.map((k) => ({ name: k.name, err: goListError(path.join(moduleDir, k.name), env) }));
    for (const k of CASES) {
      const v = verdicts.find((x) => x.name === k.name)!;
      if (k.rejected) expect(v.err, `Go accepts case ${k.name}`).toMatch(/invalid (flag|pkg-config package name)/);
      else if (k.name !== 'notbuilt') expect(v.err, `Go rejects case ${k.name}`).toBe('');
    }
  }, 300_000); // one go list per case: minutes on a loaded 2-core machine

  it('cgo-ls check: no rejected flag reaches the spy CC or spy pkg-config, and each rejected file gets its diagnostic', () => {
    const spies = new Spies('flags-cli');
    const r = runCheck(['.'], baseEnv({ CC: spies.cc, PKG_CONFIG: spies.pkgConfig }), moduleDir);
    expect(r.stderr).not.toMatch(/TypeError|ReferenceError|at .*\.js:\d+/);
    assertNoRejectedFlagReachedTools(spies, moduleDir);
    for (const k of CASES.filter((c) => c.rejected)) {
      const ds = r.diagnostics.filter((d) => d.file === `${k.name}/a.go` || d.file === path.join(moduleDir, k.name, 'a.go'));
      expect(
        ds.map((d) => d.code),
        `${k.name}: ${JSON.stringify(ds)}`,
      ).toContain(k.code);
    }
    // The conditional / detached / excluded flags are not reported as if they applied.
    for (const name of ['cond', 'split', 'notbuilt', 'good', 'pc-good', 'pc-static']) {
      const ds = r.diagnostics.filter((d) => d.file === `${name}/a.go`);
      expect(
        ds.filter((d) => d.code === 'cgo/flag-not-allowed'),
        name,
      ).toEqual([]);
    }
  });

  describe('the language server over stdio (workspace scan + opened files)', () => {
    let client: LspClient | undefined;
    let spies: Spies;
    afterAll(async () => stopServer(client));

    it('publishes cgo/flag-not-allowed (etc.) and never passes a rejected flag to the spy tools', async () => {
      spies = new Spies('flags-lsp');
      client = await startServer(moduleDir, baseEnv({ CC: spies.cc, PKG_CONFIG: spies.pkgConfig }), { compilerTimeoutMs: 20_000 });
      // Open a few files like an editor does (open + library probes); the workspace scan covers the rest.
      for (const name of ['fplugin', 'pc-evil-libs', 'lto', 'pc-good']) client.open(path.join(moduleDir, name, 'a.go'));
      for (const k of CASES.filter((c) => c.rejected)) {
        const uri = uriOf(path.join(moduleDir, k.name, 'a.go'));
        await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === k.code), 60_000);
      }
      // Wait until every positive control was compiled, then let the server go quiet.
      await client.waitFor(
        () => CASES.every((k) => (k.ccMustSee ?? []).every((s) => spies.ccCalls().some((c) => c.cwd === path.join(moduleDir, k.name) && c.args.includes(s)))),
        60_000,
        'the positive controls to be compiled',
      );
      await client.settle(1000);
      assertNoRejectedFlagReachedTools(spies, moduleDir);
      // Edits are analysed too: make a good file bad, then it must not be compiled with the new flag.
      const goodUri = uriOf(path.join(moduleDir, 'good', 'a.go'));
      client.open(path.join(moduleDir, 'good', 'a.go'));
      const edited = fileText(CASES.find((c) => c.name === 'good')!).replace('#cgo LDFLAGS: -lm', '#cgo CFLAGS: -fplugin=/tmp/cgo-ls-EVIL-edit.so');
      client.change(goodUri, edited, 2);
      client.notify('textDocument/didSave', { textDocument: { uri: goodUri } });
      await client.waitForDiagnostics(goodUri, (p) => p.version === 2 && p.diagnostics.some((d) => d.code === 'cgo/flag-not-allowed'), 30_000);
      await client.settle(1000);
      assertNoRejectedFlagReachedTools(spies, moduleDir);
      expect(client.proc.exitCode).toBeNull();
    });
  });
});

describe.skipIf(!haveTools)('flags from the environment are trusted exactly as the go command trusts them', () => {
  let moduleDir: string;
  const cases = {
    allowExact: ['// #cgo CFLAGS: -fplugin=/tmp/cgo-ls-ALLOWED-plugin.so'],
    allowPartial: ['// #cgo CFLAGS: -fplugin=/tmp/cgo-ls-EVIL-partial.so'],
    disallow: ['// #cgo CFLAGS: -DCGO_LS_DISALLOWED=1'],
    pcAllow: ['// #cgo pkg-config: evilcflags'],
    envFlags: ['// #cgo LDFLAGS: -lm'],
  } as const;
  beforeAll(() => {
    moduleDir = tempDir('envflags');
    const files: Record<string, string> = { 'go.mod': 'module example.com/envflags\n\ngo 1.22\n' };
    for (const [name, lines] of Object.entries(cases)) {
      files[`${name}/a.go`] = [
        `package ${name.toLowerCase()}`,
        '',
        `// #cgo CFLAGS: ${mark(name)}`,
        ...lines,
        '// #include <stdlib.h>',
        'import "C"',
        '',
        'func F() { C.free(nil) }',
        '',
      ].join('\n');
    }
    writeTree(moduleDir, files);
  });
  afterAll(() => cleanupTemps());

  /** Runs Go (oracle) and cgo-ls check on one case directory with extra environment. */
  function both(name: keyof typeof cases, extra: Record<string, string>) {
    const dir = path.join(moduleDir, name);
    const oracle = new Spies('env-oracle');
    const goErr = goListError(dir, baseEnv({ CC: realGcc!, PKG_CONFIG: oracle.pkgConfig, ...extra }));
    const spies = new Spies(`env-${name}`);
    const r = runCheck(['.'], baseEnv({ CC: spies.cc, PKG_CONFIG: spies.pkgConfig, ...extra }), dir);
    return { goErr, r, cc: spies.ccCalls(), pc: spies.pkgConfigCalls() };
  }

  it('CGO_CFLAGS_ALLOW matching the whole flag lets a #cgo -fplugin= through, as Go does', () => {
    const { goErr, r, cc } = both('allowExact', { CGO_CFLAGS_ALLOW: '-fplugin=/tmp/cgo-ls-ALLOWED-plugin\\.so' });
    // Go accepts the flag and runs the compiler with it (which then fails to load the missing plugin).
    expect(goErr).not.toMatch(/invalid flag/);
    expect(goErr).toMatch(/cannot load plugin/);
    expect(r.diagnostics.filter((d) => d.code === 'cgo/flag-not-allowed')).toEqual([]);
    expect(cc.some((c) => c.args.includes('-fplugin=/tmp/cgo-ls-ALLOWED-plugin.so'))).toBe(true);
  });

  it('CGO_CFLAGS_ALLOW that matches only a prefix does not admit the flag (full-match semantics)', () => {
    const { goErr, r, cc } = both('allowPartial', { CGO_CFLAGS_ALLOW: '-fplugin' });
    expect(goErr).toMatch(/invalid flag in #cgo CFLAGS/);
    expect(r.diagnostics.map((d) => d.code)).toContain('cgo/flag-not-allowed');
    expect(cc.filter((c) => c.args.some((a) => a.includes(EVIL) || a === mark('allowPartial'))).map(callText)).toEqual([]);
  });

  it('CGO_CFLAGS_DISALLOW blocks a flag the allow-list would accept', () => {
    const { goErr, r, cc } = both('disallow', { CGO_CFLAGS_DISALLOW: '-DCGO_LS_DIS.*' });
    expect(goErr).toMatch(/invalid flag in #cgo CFLAGS: -DCGO_LS_DISALLOWED=1/);
    expect(r.diagnostics.map((d) => d.code)).toContain('cgo/flag-not-allowed');
    expect(cc.filter((c) => c.args.includes('-DCGO_LS_DISALLOWED=1')).map(callText)).toEqual([]);
  });

  it('CGO_CFLAGS_ALLOW also applies to pkg-config output, as Go does', () => {
    const { goErr, r, cc } = both('pcAllow', { CGO_CFLAGS_ALLOW: '-fplugin=.*' });
    expect(goErr).not.toMatch(/invalid flag/);
    expect(r.diagnostics.filter((d) => d.code === 'cgo/flag-not-allowed')).toEqual([]);
    expect(cc.some((c) => c.args.includes('-fplugin=/tmp/cgo-ls-EVIL-plugin.so'))).toBe(true);
  });

  it('CGO_CFLAGS / CGO_LDFLAGS from the environment are not checked (Go documents them as trusted) and do reach the compiler', () => {
    const { goErr, r, cc } = both('envFlags', { CGO_CFLAGS: '-fverbose-asm', CGO_LDFLAGS: '-fno-ident' });
    expect(goErr).toBe('');
    expect(r.diagnostics.filter((d) => d.code === 'cgo/flag-not-allowed')).toEqual([]);
    expect(cc.some((c) => c.args.includes('-fverbose-asm') && c.args.includes(mark('envFlags')))).toBe(true);
  });

  it('CGO_CFLAGS in the cgo.env setting is passed like the environment variable (and the flag in a #cgo line is still refused)', async () => {
    const spies = new Spies('env-setting');
    let client: LspClient | undefined;
    try {
      client = await startServer(moduleDir, baseEnv({ CC: spies.cc, PKG_CONFIG: spies.pkgConfig }), {
        env: { CGO_CFLAGS: '-fno-ident' },
        diagnosticsScope: 'openFiles',
      });
      const uri = client.open(path.join(moduleDir, 'envFlags', 'a.go'));
      const bad = client.open(path.join(moduleDir, 'allowPartial', 'a.go'));
      await client.waitForDiagnostics(bad, (p) => p.diagnostics.some((d) => d.code === 'cgo/flag-not-allowed'), 30_000);
      await client.waitFor(() => spies.ccCalls().some((c) => c.args.includes(mark('envFlags'))), 30_000, 'the envFlags file to be compiled');
      await client.settle(800);
      const compile = spies.ccCalls().filter((c) => c.args.includes(mark('envFlags')));
      expect(compile.every((c) => c.args.includes('-fno-ident'))).toBe(true);
      const pub = client.published(uri).at(-1)!;
      expect(pub.diagnostics.filter((d) => d.code === 'cgo/flag-not-allowed')).toEqual([]);
      expect(
        spies
          .ccCalls()
          .filter((c) => c.args.some((a) => a.includes(EVIL)))
          .map(callText),
      ).toEqual([]);
    } finally {
      await stopServer(client);
    }
  });
});
