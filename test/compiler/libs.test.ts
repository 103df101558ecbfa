// Library lookup against the real gcc / ld.
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { clearCompilerCaches } from '../../server/src/compiler/ccinfo.js';
import { checkLibraries, libraryDiagnostic, parseLinkerFlags } from '../../server/src/compiler/libs.js';
import { range } from '../../server/src/core/types.js';
import { expectShape, fakeCC, hasProgram } from './helpers.js';

const HAS_GCC = hasProgram('gcc');
if (!HAS_GCC) console.log('SKIP: gcc not installed; library lookup tests are skipped');
const opts = { cc: ['gcc'], goos: 'linux', goarch: 'amd64', env: { ...process.env }, cwd: process.cwd(), timeoutMs: 20_000 };

describe.skipIf(!HAS_GCC)('checkLibraries', () => {
  test('-lm and -lsqlite3 are found; -lnosuchlib is missing with the dirs searched', async () => {
    const r = await checkLibraries(['-O2', '-lm', '-lsqlite3', '-lnosuchlib_cgols'], opts);
    const by = Object.fromEntries(r.libs.map((l) => [l.name, l]));
    expect(by.m!.status).toBe('found');
    expect(by.sqlite3!.status).toBe('found');
    expect(by.sqlite3!.path).toMatch(/libsqlite3\.(so|a)$/);
    expect(by.nosuchlib_cgols!.status).toBe('missing');
    expect(by.nosuchlib_cgols!.method).toBe('trial-link'); // confirmed by the linker itself
    expect(by.nosuchlib_cgols!.searched.length).toBeGreaterThan(0);
    expect(r.missing.map((m) => m.name)).toEqual(['nosuchlib_cgols']);
    const d = libraryDiagnostic({ file: '/x/main.go', check: by.nosuchlib_cgols!, range: range(3, 20, 3, 36), os: { platform: 'linux', id: 'debian' } })!;
    expect(d.code).toBe('cgo/library-not-found');
    const m = expectShape(d.message);
    expect(m.cause).toBe('The linker will fail: cannot find -lnosuchlib_cgols');
    expect(m.fix).toBe('install the development package of libnosuchlib_cgols, or add its directory with `#cgo LDFLAGS: -L<dir>` (or CGO_LDFLAGS)');
    expect(m.details[0]).toMatch(/^No libnosuchlib_cgols\.so \/ libnosuchlib_cgols\.a or platform equivalent in \//);
    expect(libraryDiagnostic({ file: '/x/main.go', check: by.m!, range: range(0, 0, 0, 1) })).toBeNull();
  });

  test('-L directories are searched first', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cgols-lib-'));
    writeFileSync(path.join(dir, 'libmine_cgols.a'), '!<arch>\n');
    const r = await checkLibraries(['-L' + dir, '-lmine_cgols'], opts);
    expect(r.libs[0]!.status).toBe('found');
    expect(r.libs[0]!.path).toBe(path.join(dir, 'libmine_cgols.a'));
    expect(r.libs[0]!.searched[0]).toBe(dir);
  });

  test('a compiler without -print-search-dirs falls back to a trial link (which fails safely)', async () => {
    clearCompilerCaches();
    const r = await checkLibraries(['-lm'], { ...opts, cc: [fakeCC('notgcc.sh')] });
    expect(r.libs[0]!.method).toBe('trial-link');
    expect(r.libs[0]!.status).toBe('unknown'); // not "missing": the fake linker says nothing about -lm
    expect(r.missing).toEqual([]);
  });
});

test('parseLinkerFlags', () => {
  expect(parseLinkerFlags(['-lfoo', '-l', 'bar', '-L/x', '-L', 'rel', '-Wl,-L/y,-lbaz', '-l:libq.a'], '/base')).toEqual({
    libs: [
      { name: 'foo', flag: '-lfoo', index: 0 },
      { name: 'bar', flag: '-l bar', index: 1 },
      { name: 'baz', flag: '-Wl,-L/y,-lbaz', index: 6 },
      { name: ':libq.a', flag: '-l:libq.a', index: 7 },
    ],
    dirs: ['/x', path.resolve('/base', 'rel'), '/y'],
  });
});
