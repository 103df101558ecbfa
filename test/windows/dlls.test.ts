import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/tools.js';
import {
  dllSearchDirs,
  findDll,
  isSystemDll,
  libraryCandidates,
  locateMingwRuntime,
  predictRuntimeDlls,
  probeMingwRuntime,
  splitWindowsPath,
  type MingwRuntime,
} from '../../server/src/windows/dlls.js';
import { baseEnv, copyDir, fixtures, GO_NEW, goBuildWindows, importsOf, mingw, requireTool, tmpDir, cleanupTmp, MINGW } from './helpers.js';

afterAll(cleanupTmp);

const work = tmpDir('dlls');
copyDir(path.join(fixtures, 'native'), work);

interface Variant {
  model: 'win32' | 'posix';
  gcc: string;
  gxx: string;
  runtime: MingwRuntime;
}
const variants: Variant[] = [];
const cc = { family: 'gcc', flavor: 'mingw-w64', target: 'x86_64-w64-mingw32' };

beforeAll(() => {
  for (const model of ['win32', 'posix'] as const) {
    const gcc = requireTool(`x86_64-w64-mingw32-gcc-${model}`);
    const gxx = requireTool(`x86_64-w64-mingw32-g++-${model}`);
    const runtime = locateMingwRuntime({ path: gcc, target: 'x86_64-w64-mingw32' });
    if (!runtime) throw new Error(`cannot locate the runtime of ${gcc}`);
    variants.push({ model, gcc, gxx, runtime });
  }
});

describeWith([MINGW], 'locating the MinGW-w64 runtime', () => {
  it('finds the Debian layout and reads the thread model from the DLLs / the driver name', () => {
    for (const v of variants) {
      expect(v.runtime.threadModel).toBe(v.model);
      expect(v.runtime.found['libstdc++-6.dll']).toBe(`/usr/lib/gcc/x86_64-w64-mingw32/12-${v.model}/libstdc++-6.dll`);
      expect(v.runtime.found['libgcc_s_seh-1.dll']).toBe(`/usr/lib/gcc/x86_64-w64-mingw32/12-${v.model}/libgcc_s_seh-1.dll`);
      // libwinpthread-1.dll is shared by both models (…/x86_64-w64-mingw32/lib).
      expect(v.runtime.found['libwinpthread-1.dll']).toBe('/usr/x86_64-w64-mingw32/lib/libwinpthread-1.dll');
      // Observed: the posix-model runtime DLLs import libwinpthread-1.dll, the win32 ones do not.
      expect(v.runtime.dllImports['libstdc++-6.dll']).toEqual(v.model === 'posix' ? ['libgcc_s_seh-1.dll', 'libwinpthread-1.dll'] : ['libgcc_s_seh-1.dll']);
      expect(v.runtime.dllImports['libgcc_s_seh-1.dll']).toEqual(v.model === 'posix' ? ['libwinpthread-1.dll'] : []);
    }
  });

  it('infers the thread model from the DLLs when the driver name does not say (MSYS2-style gcc path)', () => {
    const fake = tmpDir('msys');
    const bin = path.join(fake, 'mingw64', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'gcc.exe'), '');
    for (const d of ['libstdc++-6.dll', 'libgcc_s_seh-1.dll']) fs.copyFileSync(`/usr/lib/gcc/x86_64-w64-mingw32/12-posix/${d}`, path.join(bin, d));
    const rt = locateMingwRuntime({ path: path.join(bin, 'gcc.exe'), target: 'x86_64-w64-mingw32' });
    expect(rt?.threadModel).toBe('posix');
    expect(rt?.found['libstdc++-6.dll']).toBe(path.join(bin, 'libstdc++-6.dll'));
    expect(locateMingwRuntime({ path: null })).toBeNull();
  });

  it('probeMingwRuntime (gcc -v / -print-search-dirs / -print-file-name) agrees with locateMingwRuntime', async () => {
    for (const v of variants) {
      const p = await probeMingwRuntime({ argv: [v.gcc], path: v.gcc }, baseEnv());
      if ('error' in p) throw new Error(p.error);
      expect(p.threadModel).toBe(v.model);
      expect(p.found).toEqual(v.runtime.found);
      expect(p.libraryDirs.some((d) => d.endsWith(path.join('x86_64-w64-mingw32', 'lib')))).toBe(true);
    }
    expect(await probeMingwRuntime({ argv: ['/nonexistent/gcc'], path: null }, baseEnv())).toHaveProperty('error');
  });
});

/** Build with the real driver, parse the imports, compare with the prediction. */
async function check(v: Variant, lang: 'c' | 'cxx', flags: string[], expected: string[]) {
  const out = `${v.model}-${lang}-${flags.join('_').replace(/[^a-z0-9_+-]/gi, '') || 'plain'}.exe`;
  const src = lang === 'c' ? 'hello.c' : 'hello.cpp';
  await mingw(lang === 'c' ? v.gcc : v.gxx, [...flags, src, '-o', out], work);
  const actual = importsOf(path.join(work, out)).nonSystem;
  const p = predictRuntimeDlls({ hasCxx: lang === 'cxx', ldflags: flags, cc, goarch: 'amd64', runtime: v.runtime });
  expect(p.applies).toBe(true);
  expect([...p.dlls].sort()).toEqual([...actual].sort());
  expect([...actual].sort()).toEqual([...expected].sort());
  return p;
}

describeWith([MINGW], 'predictRuntimeDlls against real g++ links (x86_64-w64-mingw32 12, both thread models)', () => {
  const S = 'libstdc++-6.dll';
  const G = 'libgcc_s_seh-1.dll';
  const P = 'libwinpthread-1.dll';
  const cases: { lang: 'c' | 'cxx'; flags: string[]; win32: string[]; posix: string[] }[] = [
    { lang: 'c', flags: [], win32: [], posix: [] },
    { lang: 'c', flags: ['-mthreads'], win32: [], posix: [] },
    { lang: 'cxx', flags: [], win32: [G, S], posix: [G, S] },
    { lang: 'cxx', flags: ['-static-libgcc'], win32: [S], posix: [S] },
    { lang: 'cxx', flags: ['-static-libstdc++'], win32: [G], posix: [G, P] },
    { lang: 'cxx', flags: ['-static-libgcc', '-static-libstdc++'], win32: [], posix: [P] },
    { lang: 'cxx', flags: ['-static'], win32: [], posix: [] },
  ];
  for (const c of cases) {
    it(`${c.lang} ${c.flags.join(' ') || '(no flags)'}: win32 → [${c.win32.join(', ')}], posix → [${c.posix.join(', ')}]`, async () => {
      for (const v of variants) await check(v, c.lang, c.flags, c[v.model]);
    });
  }

  it('staticFlags name what removes the runtime: -static-libgcc -static-libstdc++ (win32), -static (posix)', async () => {
    const [w, p] = [variants.find((v) => v.model === 'win32')!, variants.find((v) => v.model === 'posix')!];
    const pw = predictRuntimeDlls({ hasCxx: true, ldflags: [], cc, goarch: 'amd64', runtime: w.runtime });
    expect(pw.staticFlags).toEqual(['-static-libgcc', '-static-libstdc++']);
    expect(pw.transitive).toEqual([]);
    await check(w, 'cxx', pw.staticFlags, []);
    const pp = predictRuntimeDlls({ hasCxx: true, ldflags: [], cc, goarch: 'amd64', runtime: p.runtime });
    expect(pp.staticFlags).toEqual(['-static']);
    expect(pp.transitive).toEqual(['libwinpthread-1.dll']);
    await check(p, 'cxx', pp.staticFlags, []);
    // Only the missing flags are proposed.
    expect(predictRuntimeDlls({ hasCxx: true, ldflags: ['-static-libgcc'], cc, goarch: 'amd64', runtime: w.runtime }).staticFlags).toEqual([
      '-static-libstdc++',
    ]);
  });

  it('-lfoo against an import library adds its DLL (found through -L), system import libraries add nothing', async () => {
    const w = variants.find((v) => v.model === 'win32')!;
    await mingw(w.gcc, ['-shared', 'foo.c', '-o', 'foo.dll', '-Wl,--out-implib,libfoo.dll.a'], work);
    const libdir = tmpDir('libs');
    fs.renameSync(path.join(work, 'libfoo.dll.a'), path.join(libdir, 'libfoo.dll.a'));
    const flags = [`-L${libdir}`, '-lfoo', '-lws2_32'];
    await mingw(w.gcc, ['usefoo.c', '-o', 'usefoo.exe', ...flags], work);
    const actual = importsOf(path.join(work, 'usefoo.exe')).nonSystem;
    expect(actual).toEqual(['foo.dll']);
    const p = predictRuntimeDlls({ hasCxx: false, ldflags: flags, cc, goarch: 'amd64', runtime: w.runtime });
    expect(p.dlls).toEqual(actual);
    expect(p.fromLibraries).toEqual([{ flag: '-lfoo', file: path.join(libdir, 'libfoo.dll.a'), dlls: ['foo.dll'] }]);
    expect(p.staticFlags).toEqual([]);
  });

  it('-lpthread / -lwinpthread resolve through the toolchain library folders to libwinpthread-1.dll', async () => {
    for (const v of variants) {
      const out = `pthread-${v.model}.exe`;
      await mingw(v.gcc, ['usepthread.c', '-o', out, '-lpthread'], work);
      const actual = importsOf(path.join(work, out)).nonSystem;
      expect(actual).toEqual(['libwinpthread-1.dll']);
      expect(predictRuntimeDlls({ hasCxx: false, ldflags: ['-lpthread'], cc, goarch: 'amd64', runtime: v.runtime }).dlls).toEqual(actual);
    }
    // With -static ld takes libwinpthread.a: nothing to ship.
    const w = variants[0]!;
    await mingw(w.gcc, ['-static', 'usepthread.c', '-o', 'pthread-static.exe', '-lpthread'], work);
    expect(importsOf(path.join(work, 'pthread-static.exe')).nonSystem).toEqual([]);
    expect(predictRuntimeDlls({ hasCxx: false, ldflags: ['-static', '-lpthread'], cc, goarch: 'amd64', runtime: w.runtime }).dlls).toEqual([]);
  });

  it('go build (1.26, cgo, default Debian g++ = win32 model): prediction equals the imports of the .exe', async () => {
    const w = variants.find((v) => v.model === 'win32')!;
    for (const [pkg, hasCxx, ldflags] of [
      ['c', false, ''],
      ['cxx', true, ''],
      ['cxx', true, '-static-libgcc -static-libstdc++'],
    ] as const) {
      const dir = tmpDir(`go-${pkg}`);
      copyDir(path.join(fixtures, pkg), dir);
      const out = path.join(dir, 'app.exe');
      const r = await goBuildWindows({ go: GO_NEW, dir, out, cgoLdflags: ldflags || undefined });
      expect(r.exitCode, r.stderr).toBe(0);
      const flags = ldflags ? ldflags.split(' ') : [];
      const p = predictRuntimeDlls({ hasCxx, ldflags: flags, cc, goarch: 'amd64', runtime: w.runtime });
      expect([...p.dlls].sort()).toEqual([...importsOf(out).nonSystem].sort());
    }
  }, 240_000);

  it('does not apply to other compilers or architectures it has no model for', () => {
    expect(
      predictRuntimeDlls({ hasCxx: true, ldflags: [], cc: { family: 'clang', flavor: 'llvm-mingw', target: 'x86_64-w64-windows-gnu' }, goarch: 'amd64' })
        .applies,
    ).toBe(false);
    expect(
      predictRuntimeDlls({ hasCxx: true, ldflags: [], cc: { family: 'gcc', flavor: 'debian', target: 'x86_64-linux-gnu' }, goarch: 'amd64' }).applies,
    ).toBe(false);
    expect(predictRuntimeDlls({ hasCxx: true, ldflags: [], cc: { ...cc, banner: 'gcc.exe (tdm64-1) 10.3.0' }, goarch: 'amd64' }).applies).toBe(false);
    expect(predictRuntimeDlls({ hasCxx: true, ldflags: [], cc, goarch: 'arm64' }).applies).toBe(false);
    const i686 = predictRuntimeDlls({ hasCxx: true, ldflags: [], cc: { ...cc, target: 'i686-w64-mingw32' }, goarch: '386' });
    expect(i686.dlls).toEqual(['libstdc++-6.dll', 'libgcc_s_dw2-1.dll']);
    // Junk input does not throw.
    expect(predictRuntimeDlls({ hasCxx: true, ldflags: null as unknown as string[], cc, goarch: 'amd64' }).dlls).toEqual([
      'libstdc++-6.dll',
      'libgcc_s_seh-1.dll',
    ]);
  });
});

describeWith([MINGW], 'Windows DLL lookup helpers', () => {
  it('isSystemDll knows the common system DLLs and API sets, case-insensitively', () => {
    for (const d of [
      'KERNEL32.dll',
      'msvcrt.dll',
      'ucrtbase.dll',
      'api-ms-win-crt-runtime-l1-1-0.dll',
      'WS2_32.dll',
      'ADVAPI32.dll',
      'USER32.dll',
      'ntdll.dll',
    ])
      expect(isSystemDll(d), d).toBe(true);
    for (const d of ['libstdc++-6.dll', 'libgcc_s_seh-1.dll', 'libwinpthread-1.dll', 'foo.dll']) expect(isSystemDll(d), d).toBe(false);
  });

  it('findDll is case-insensitive and returns the first folder that has the DLL', () => {
    const a = tmpDir('a');
    const b = tmpDir('b');
    fs.writeFileSync(path.join(b, 'LibStdC++-6.DLL'), '');
    fs.writeFileSync(path.join(a, 'x.dll'), '');
    fs.writeFileSync(path.join(b, 'x.dll'), '');
    expect(findDll('libstdc++-6.dll', [a, b])).toBe(b);
    expect(findDll('x.dll', [a, b])).toBe(a);
    expect(findDll('y.dll', [a, b, '/nonexistent', ''])).toBeNull();
  });

  it('splitWindowsPath: ; separators, quotes, empty entries', () => {
    expect(splitWindowsPath('C:\\a;;"C:\\Program Files\\x;y";C:\\b\\ ;')).toEqual(['C:\\a', 'C:\\Program Files\\x;y', 'C:\\b\\']);
  });

  it('dllSearchDirs: app dir, System32, System, Windows, cwd, PATH; the toolchain folder only as a non-searched extra', () => {
    const dirs = dllSearchDirs({
      binaryDir: 'C:\\app',
      toolchainBinDir: 'C:\\msys64\\ucrt64\\bin',
      PATH: 'C:\\tools;C:\\app\\',
      systemDirs: ['C:\\Windows\\System32', 'C:\\Windows\\System', 'C:\\Windows'],
      cwd: 'C:\\work',
    });
    expect(dirs).toEqual([
      { dir: 'C:\\app', kind: 'app', searchedByLoader: true },
      { dir: 'C:\\Windows\\System32', kind: 'system', searchedByLoader: true },
      { dir: 'C:\\Windows\\System', kind: 'system', searchedByLoader: true },
      { dir: 'C:\\Windows', kind: 'windows', searchedByLoader: true },
      { dir: 'C:\\work', kind: 'cwd', searchedByLoader: true },
      { dir: 'C:\\tools', kind: 'path', searchedByLoader: true },
      { dir: 'C:\\msys64\\ucrt64\\bin', kind: 'toolchain', searchedByLoader: false },
    ]);
    // On PATH, the toolchain folder is searched (as a PATH entry).
    const onPath = dllSearchDirs({ binaryDir: 'C:\\app', toolchainBinDir: 'c:/msys64/ucrt64/bin/', PATH: 'C:\\msys64\\ucrt64\\bin', systemDirs: [] });
    expect(onPath.map((d) => [d.kind, d.searchedByLoader])).toEqual([
      ['app', true],
      ['path', true],
    ]);
  });

  it('libraryCandidates follows GNU ld on PE', () => {
    expect(libraryCandidates('foo', false)).toEqual(['libfoo.dll.a', 'foo.dll.a', 'libfoo.a', 'foo.lib', 'libfoo.lib', 'libfoo.dll', 'foo.dll']);
    expect(libraryCandidates('foo', true)).toEqual(['libfoo.a', 'foo.lib']);
    expect(libraryCandidates(':libx.dll.a', false)).toEqual(['libx.dll.a']);
  });
});
