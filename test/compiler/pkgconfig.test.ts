// pkg-config probing against the real pkg-config and sqlite3.pc (libsqlite3-dev).
import { describe, expect, test } from 'vitest';
import {
  missingFromStderr,
  packageManagerFor,
  packageManagerHint,
  parseOsRelease,
  pkgConfigDiagnostic,
  probePkgConfig,
  splitPkgConfigOutputLocal,
} from '../../server/src/compiler/pkgconfig.js';
import { range } from '../../server/src/core/types.js';
import { expectShape, hasProgram } from './helpers.js';

const HAS_PC = hasProgram('pkg-config');
if (!HAS_PC) console.log('SKIP: pkg-config not installed; live pkg-config tests are skipped');
const base = { argv: ['pkg-config'], env: { ...process.env }, cwd: process.cwd(), timeoutMs: 10_000 };
const debian = { platform: 'linux' as const, id: 'debian' };

describe.skipIf(!HAS_PC)('probePkgConfig (real pkg-config)', () => {
  test('sqlite3 exists: version, cflags, libs', async () => {
    const r = await probePkgConfig(['sqlite3'], base);
    expect(r.ok).toBe(true);
    expect(r.packages[0]!.exists).toBe(true);
    expect(r.packages[0]!.version).toMatch(/^3\.\d+/);
    expect(r.libs).toContain('-lsqlite3');
    expect(r.error).toBeUndefined();
  });

  test('a missing package: exact pkg-config text, go-style header, diagnostic with install hint', async () => {
    const r = await probePkgConfig(['nosuchpkg_cgols', 'sqlite3'], { ...base, goVersion: { minor: 26, patch: 8 } });
    expect(r.ok).toBe(false);
    expect(r.packages).toEqual([{ name: 'nosuchpkg_cgols', exists: false }, expect.objectContaining({ name: 'sqlite3', exists: true })]);
    expect(r.error!.kind).toBe('not-found');
    expect(r.error!.missing).toEqual(['nosuchpkg_cgols']);
    expect(r.error!.display.split('\n')[0]).toBe('# [pkg-config --cflags  -- nosuchpkg_cgols sqlite3]');
    expect(r.error!.display).toContain('Package nosuchpkg_cgols was not found in the pkg-config search path');
    const old = await probePkgConfig(['nosuchpkg_cgols'], { ...base, goVersion: { minor: 19, patch: 8 } });
    expect(old.error!.display.split('\n')[0]).toBe('# pkg-config --cflags  -- nosuchpkg_cgols');
    expect(old.error!.display).toMatch(/pkg-config: exit status 1$/);
    const rng = range(2, 20, 2, 35);
    const diags = pkgConfigDiagnostic({
      file: '/x/main.go',
      probe: r,
      rangeOf: (p) => (p === 'nosuchpkg_cgols' ? rng : undefined),
      fallbackRange: range(2, 0, 2, 5),
      os: debian,
    });
    expect(diags).toHaveLength(1);
    expect(diags[0]!.code).toBe('cgo/pkg-config-package-not-found');
    expect(diags[0]!.range).toEqual(rng);
    const m = expectShape(diags[0]!.message);
    expect(m.cause).toBe("pkg-config cannot find package 'nosuchpkg_cgols', so the build fails");
    expect(m.fix).toMatch(/add the directory containing nosuchpkg_cgols\.pc to PKG_CONFIG_PATH$/);
    // pkg-config's own output, with go's header line, follows.
    expect(m.details[0]).toBe('# [pkg-config --cflags  -- nosuchpkg_cgols sqlite3]');
    expect(m.detailText).toContain('Package nosuchpkg_cgols was not found in the pkg-config search path');
  });

  test('pkg-config options go before --, like cmd/go', async () => {
    const r = await probePkgConfig(['sqlite3'], { ...base, options: ['--static'] });
    expect(r.ok).toBe(true);
    const bad = await probePkgConfig(['nosuchpkg_cgols'], { ...base, options: ['--static'] });
    expect(bad.error!.commandLine).toEqual(['pkg-config', '--cflags', '--static', '--', 'nosuchpkg_cgols']);
  });

  test('pkg-config itself missing → cgo/pkg-config-failed saying how to fix', async () => {
    const r = await probePkgConfig(['sqlite3'], { ...base, argv: ['pkg-config-does-not-exist-xyz'] });
    expect(r.error!.kind).toBe('spawn');
    expect(r.error!.display).toContain('executable file not found in $PATH');
    const d = pkgConfigDiagnostic({ file: '/x/main.go', probe: r, rangeOf: () => undefined, fallbackRange: range(1, 0, 1, 1) });
    expect(d.map((x) => x.code)).toEqual(['cgo/pkg-config-failed']);
    const m = expectShape(d[0]!.message);
    expect(m.cause).toBe('pkg-config could not be run, so the build fails');
    expect(m.fix).toMatch(/^install pkg-config \(pkgconf\)/);
    expect(m.detailText).toContain('executable file not found in $PATH');
  });

  test('an injected splitter is used, and its error is reported', async () => {
    const r = await probePkgConfig(['sqlite3'], {
      ...base,
      split: () => {
        throw new Error("unexpected shell character '$' in pkgconf output");
      },
    });
    expect(r.error!.kind).toBe('split');
    expect(r.error!.display).toBe("unexpected shell character '$' in pkgconf output");
    const d = pkgConfigDiagnostic({ file: '/x/main.go', probe: r, rangeOf: () => undefined, fallbackRange: range(1, 0, 1, 1) });
    expect(d.map((x) => x.code)).toEqual(['cgo/pkg-config-failed']);
    const m = expectShape(d[0]!.message);
    expect(m.cause).toBe('pkg-config printed flags the go command cannot split');
    expect(m.fix).toBe('fix the quotes or escapes in the .pc file');
    expect(m.details).toEqual(["unexpected shell character '$' in pkgconf output"]);
    const ok = await probePkgConfig(['sqlite3'], { ...base, split: (s) => ['X' + s.trim()] });
    expect(ok.libs[0]).toMatch(/^X-l/);
  });
});

describe('pkg-config helpers', () => {
  test('splitPkgConfigOutputLocal follows cmd/go', () => {
    expect(splitPkgConfigOutputLocal('-I/usr/include -DX=1\n')).toEqual(['-I/usr/include', '-DX=1']);
    expect(splitPkgConfigOutputLocal('-I/a\\ b "-DQ=x y" \'-Ds=$\'')).toEqual(['-I/a b', '-DQ=x y', '-Ds=$']);
    expect(splitPkgConfigOutputLocal('"" -x')).toEqual(['', '-x']);
    expect(splitPkgConfigOutputLocal('"a\\q"')).toEqual(['a\\q']);
    expect(() => splitPkgConfigOutputLocal('-I$(HOME)')).toThrow("unexpected shell character '$' in pkgconf output");
    expect(() => splitPkgConfigOutputLocal('"abc')).toThrow('unterminated quoted string in pkgconf output');
    expect(() => splitPkgConfigOutputLocal('abc\\')).toThrow('broken character escaping in pkgconf output');
  });

  test('missingFromStderr reads pkg-config and pkgconf wording', () => {
    expect(missingFromStderr("Package foo was not found in the pkg-config search path.\nNo package 'foo' found\n")).toEqual(['foo']);
    expect(missingFromStderr("Package 'dep', required by 'top', not found\n")).toEqual(['dep']);
  });

  test('packageManagerHint only answers when sure', () => {
    expect(packageManagerHint('sqlite3', debian)!.command).toBe('sudo apt install libsqlite3-dev');
    expect(packageManagerHint('sqlite3', { platform: 'linux', id: 'fedora' })!.command).toBe('sudo dnf install sqlite-devel');
    expect(packageManagerHint('sqlite3', { platform: 'linux', id: 'alpine' })!.command).toBe('apk add sqlite-dev');
    expect(packageManagerHint('sqlite3', { platform: 'linux', id: 'arch' })!.command).toBe('sudo pacman -S sqlite');
    expect(packageManagerHint('sqlite3', { platform: 'darwin' })!.command).toBe('brew install sqlite');
    expect(packageManagerHint('sqlite3', { platform: 'win32', msystem: 'UCRT64' })!.command).toBe('pacman -S mingw-w64-ucrt-x86_64-sqlite3');
    expect(packageManagerHint('sqlite3', { platform: 'win32' })).toBeNull();
    expect(packageManagerHint('sqlite3', { platform: 'linux', id: 'gentoo' })).toBeNull();
    expect(packageManagerHint('some-unknown-lib', debian)).toBeNull();
    expect(packageManagerFor({ platform: 'linux', ...parseOsRelease('ID=linuxmint\nID_LIKE="ubuntu debian"\n') })).toBe('apt');
    expect(packageManagerFor({ platform: 'linux', ...parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\n') })).toBe('dnf');
  });
});
