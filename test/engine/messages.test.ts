// Issue 13, "Messages": every diagnostic has the one shape — a first line that says the cause in ≤ 100 characters
// and reads alone, the fix on its own line ("Fix: …"), then details. The factory (core/message.ts) enforces the
// limit by cutting; this test runs `cgo-ls check` over the examples and every fixture module, with cgo on, with
// cgo off and with no C compiler, and requires that no message needed cutting, that line 2 is the fix, and that
// the cause does not open with a file name. It also requires that the corpus covers the catalogue, naming the
// test that covers each code it cannot produce here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAUSE_MAX, FIX_PREFIX } from '../../server/src/core/message.js';
import { Engine } from '../../server/src/engine/engine.js';
import { serverMain } from '../helpers/lsp-client.js';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Codes this corpus cannot raise (they need another OS, a fake toolchain or a client); where each is exercised. */
const TC = 'test/toolchain/messages.test.ts (real probe, fake toolchains where needed)';
const ELSEWHERE: Record<string, string> = {
  'cgo/test-file': 'test/checks/source.test.ts "every diagnostic message has the one shape"',
  'cgo/file-too-large': 'test/hardening/bigfiles.test.ts (a 20 MB file over the server)',
  'cgo/noescape-version': 'test/checks/directives.test.ts row 8 (needs Go ≤ 1.23 semantics)',
  'cgo/flag-override-invalid': 'test/checks/directives.test.ts "a bad ALLOW regexp" (needs CGO_CFLAGS_ALLOW set)',
  'cgo/target-unbuildable': 'test/engine/engine.test.ts (needs the cgo.targets setting)',
  'cgo/c-warning': 'test/compiler/preamble.test.ts "implicit declaration"',
  'cgo/cc-broken': 'test/compiler/faults.test.ts, test/hardening/exitpaths.test.ts, test/hardening/toolpaths.test.ts',
  'cgo/cc-rejected-flag': 'test/compiler/preamble.test.ts "GOARCH=arm with an x86 gcc"',
  'cgo/compiler-timeout': 'test/compiler/faults.test.ts, test/hardening/faults.test.ts (a hanging compiler)',
  'cgo/pkg-config-failed': 'test/compiler/pkgconfig.test.ts (pkg-config missing, an unsplittable output)',
  ...Object.fromEntries(
    [
      'go-not-found',
      'go-env-failed',
      'go-shadowed',
      'goroot-mismatch',
      'go-version-too-old',
      'toolchain-switch',
      'cc-invalid-env',
      'cc-wrong-target',
      'cc-probe-failed',
      'msvc-compiler',
      'cygwin-compiler',
      'mingw32-for-amd64',
      'cgocheck-off',
      'cgocheck2-removed',
      'godebug-cgocheck-gomod',
      'env-drift',
      'gopath-mode',
      'pkg-config-missing',
      'wsl-windows-toolchain',
      'goenv-unreadable',
      'windows-runtime-dll',
      'windows-big-obj',
    ].map((c) => [`cgo/${c}`, TC]),
  ),
};

interface Seen {
  code: string;
  file: string;
  message: string;
}

function corpusDirs(): string[] {
  const dirs = [path.join(root, 'examples')];
  for (const group of ['modules', 'compiler', 'cgorules']) {
    const base = path.join(root, 'test', 'fixtures', group);
    for (const d of fs.readdirSync(base, { withFileTypes: true })) if (d.isDirectory() && d.name !== 'fakecc') dirs.push(path.join(base, d.name));
  }
  return dirs;
}

function check(env: NodeJS.ProcessEnv): Seen[] {
  const r = spawnSync(process.execPath, [serverMain, 'check', '--format', 'json', ...corpusDirs()], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 300_000,
  });
  if (r.stdout.trim() === '') throw new Error(`cgo-ls check printed nothing: ${r.stderr}`);
  const diags = JSON.parse(r.stdout) as { file: string; code: string; message: string }[];
  return diags.map((d) => ({ code: d.code, file: path.relative(root, d.file), message: d.message }));
}

function shapeProblems(d: Seen): string[] {
  const lines = d.message.split('\n');
  const cause = lines[0] ?? '';
  const out: string[] = [];
  if (cause.length > CAUSE_MAX) out.push(`first line is ${cause.length} characters`);
  if (cause.endsWith('…') && (lines[2] ?? '').startsWith(cause.slice(0, -1))) out.push(`first line was cut (${(lines[2] ?? '').length} characters)`);
  if (!(lines[1] ?? '').startsWith(FIX_PREFIX) || (lines[1] ?? '').length <= FIX_PREFIX.length + 3) out.push('line 2 is not "Fix: …"');
  if (/^[\w.-]+\.(go|c|h|mod):\s/.test(cause) && !/^go\.mod: /.test(cause)) out.push('opens with a file name');
  return out.map((p) => `${d.code} (${d.file}): ${p}\n    ${JSON.stringify(d.message.slice(0, 300))}`);
}

describe('every message has the one shape (cause ≤ 100 characters, then "Fix: …", then details)', () => {
  const seen: Seen[] = [];
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-messages-'));
  const base = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };

  it('with cgo on (the machine’s gcc)', () => {
    const s = check(base);
    seen.push(...s);
    expect(s.flatMap(shapeProblems)).toEqual([]);
  }, 300_000);

  it('with CGO_ENABLED=0', () => {
    const s = check({ ...base, CGO_ENABLED: '0' });
    seen.push(...s);
    expect(s.flatMap(shapeProblems)).toEqual([]);
  }, 300_000);

  it('with CC pointing at no compiler', () => {
    const s = check({ ...base, CC: path.join(home, 'no-such-cc') });
    seen.push(...s);
    expect(s.flatMap(shapeProblems)).toEqual([]);
  }, 300_000);

  it('the corpus covers the catalogue (or names the test that covers a code)', () => {
    const codes = Engine.codes().map((c) => c.code);
    const got = new Set(seen.map((s) => s.code));
    const missing = codes.filter((c) => !got.has(c) && !(c in ELSEWHERE));
    expect(missing, `codes no corpus run raised: add a fixture or name their test in ELSEWHERE`).toEqual([]);
  });
});
