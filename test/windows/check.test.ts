import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/tools.js';
import { CAUSE_MAX, splitMessage } from '../../server/src/core/message.js';
import { range } from '../../server/src/core/types.js';
import type { CompilerInfo, ToolchainModel } from '../../server/src/toolchain/types.js';
import {
  codes,
  doctorBinaryReport,
  effectiveLdflags,
  runtimeDllDiagnostics,
  staticFlagsDirective,
  WINDOWS_RUNTIME_DLL,
} from '../../server/src/windows/check.js';
import { copyDir, fixtures, mingw, requireTool, tmpDir, cleanupTmp, MINGW } from './helpers.js';

afterAll(cleanupTmp);

type TC = Pick<ToolchainModel, 'goos' | 'goarch' | 'cc' | 'childEnv' | 'values'>;

function mingwCc(model: 'win32' | 'posix' | 'default'): CompilerInfo {
  const name = model === 'default' ? 'x86_64-w64-mingw32-gcc' : `x86_64-w64-mingw32-gcc-${model}`;
  const p = requireTool(name);
  return {
    argv: [name],
    source: 'process-env',
    path: p,
    family: 'gcc',
    flavor: 'mingw-w64',
    target: 'x86_64-w64-mingw32',
    version: model === 'posix' ? '12-posix' : '12-win32',
    banner: `${name} (GCC) ${model === 'posix' ? '12-posix' : '12-win32'}`,
  };
}

function toolchain(cc: CompilerInfo | null, over: Partial<TC> = {}): TC {
  return { goos: 'windows', goarch: 'amd64', cc, childEnv: {}, values: {}, ...over };
}

const file = '/ws/app/main.go';
const importRange = range(4, 0, 4, 10);

describeWith([MINGW], 'runtimeDllDiagnostics', () => {
  it('warns on import "C" for C++ with MinGW-w64, naming both fixes and the folder of the DLLs', () => {
    const d = runtimeDllDiagnostics({ file, importRange, toolchain: toolchain(mingwCc('default')), hasCxx: true, ldflags: [] });
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file, range: importRange, severity: 'warning', code: WINDOWS_RUNTIME_DLL });
    expect(d[0]!.data).toEqual({
      code: WINDOWS_RUNTIME_DLL,
      dlls: ['libstdc++-6.dll', 'libgcc_s_seh-1.dll'],
      staticFlags: ['-static-libgcc', '-static-libstdc++'],
      toolchainBinDir: '/usr/lib/gcc/x86_64-w64-mingw32/12-win32',
      transitive: [],
      dllPaths: {
        'libstdc++-6.dll': '/usr/lib/gcc/x86_64-w64-mingw32/12-win32/libstdc++-6.dll',
        'libgcc_s_seh-1.dll': '/usr/lib/gcc/x86_64-w64-mingw32/12-win32/libgcc_s_seh-1.dll',
      },
      libraryDlls: [],
      threadModel: 'win32',
    });
    // One shape: the cause alone on line 1, both fixes on the Fix line, the loader's words and the folder below.
    const { cause, fix, details } = splitMessage(d[0]!.message);
    expect(cause).toBe('the windows/amd64 .exe needs libstdc++-6.dll, libgcc_s_seh-1.dll to start (MinGW-w64 runtime)');
    expect(cause.length).toBeLessThanOrEqual(CAUSE_MAX);
    expect(fix).toBe(
      'add `#cgo windows LDFLAGS: -static-libgcc -static-libstdc++` to link the runtime into the .exe, or ship libstdc++-6.dll, libgcc_s_seh-1.dll next to the .exe',
    );
    expect(details).toEqual([
      '`go build` succeeds, but the program fails to start where they are not found ("The code execution cannot proceed because libstdc++-6.dll was not found", exit status 0xc0000135 STATUS_DLL_NOT_FOUND).',
      'The windows/amd64 .exe will import libstdc++-6.dll, libgcc_s_seh-1.dll from the MinGW-w64 runtime.',
      'They are in /usr/lib/gcc/x86_64-w64-mingw32/12-win32; or put that folder on PATH.',
    ]);
  });

  it('posix thread model: proposes -static and lists libwinpthread-1.dll to ship', () => {
    const d = runtimeDllDiagnostics({ file, importRange, toolchain: toolchain(mingwCc('posix')), hasCxx: true, ldflags: [] });
    expect(d[0]!.data).toMatchObject({ staticFlags: ['-static'], transitive: ['libwinpthread-1.dll'], threadModel: 'posix' });
    const posix = splitMessage(d[0]!.message);
    expect(posix.fix).toMatch(/^add `#cgo windows LDFLAGS: -static` to link the runtime into the \.exe, or ship .*libwinpthread-1\.dll next to the \.exe$/);
    expect(posix.details).toContain(
      'The toolchain uses the posix thread model, so -static-libgcc -static-libstdc++ alone would still leave libwinpthread-1.dll.',
    );
    expect(posix.details.join('\n')).toContain('/usr/x86_64-w64-mingw32/lib');
    // Already -static-libgcc -static-libstdc++: still warns, for libwinpthread-1.dll.
    const d2 = runtimeDllDiagnostics({
      file,
      importRange,
      toolchain: toolchain(mingwCc('posix')),
      hasCxx: true,
      ldflags: ['-static-libgcc', '-static-libstdc++'],
    });
    expect(d2[0]!.data).toMatchObject({ dlls: ['libwinpthread-1.dll'], staticFlags: ['-static'] });
  });

  it('goes on the #cgo LDFLAGS line when given', () => {
    const ldflagsLine = range(2, 3, 2, 30);
    const d = runtimeDllDiagnostics({ file, importRange, ldflagsLine, toolchain: toolchain(mingwCc('default')), hasCxx: true, ldflags: ['-static-libgcc'] });
    expect(d[0]!.range).toEqual(ldflagsLine);
    expect(d[0]!.data).toMatchObject({ dlls: ['libstdc++-6.dll'], staticFlags: ['-static-libstdc++'] });
  });

  it('is silent when nothing is needed or the model does not apply', () => {
    const cc = mingwCc('default');
    const none = (tc: TC, hasCxx: boolean, ldflags: string[]) =>
      expect(runtimeDllDiagnostics({ file, importRange, toolchain: tc, hasCxx, ldflags })).toEqual([]);
    none(toolchain(cc), false, []);
    none(toolchain(cc), true, ['-static-libgcc', '-static-libstdc++']);
    none(toolchain(cc), true, ['-static']);
    none(toolchain(cc, { goos: 'linux' }), true, []);
    none(toolchain(null), true, []);
    none(toolchain({ ...cc, family: 'clang', flavor: 'llvm-mingw' }), true, []);
    // CGO_LDFLAGS and -extldflags in GOFLAGS count.
    none(toolchain(cc, { values: { CGO_LDFLAGS: { value: '-O2 -static-libgcc -static-libstdc++', source: 'process-env' } } }), true, []);
    none(toolchain(cc, { values: { GOFLAGS: { value: '-ldflags=-extldflags=-static', source: 'goenv-file' } } }), true, []);
    // -lfoo alone (no runtime DLL) does not warn.
    none(toolchain(cc), false, ['-lpthread']);
  });

  it('mentions DLLs of -l import libraries alongside the runtime ones', () => {
    const d = runtimeDllDiagnostics({ file, importRange, toolchain: toolchain(mingwCc('default')), hasCxx: true, ldflags: ['-lpthread'] });
    expect(splitMessage(d[0]!.message).details).toContain('Libraries linked with -l also need their DLLs beside the .exe: libwinpthread-1.dll (-lpthread).');
    expect(d[0]!.data).toMatchObject({ dlls: ['libstdc++-6.dll', 'libgcc_s_seh-1.dll'], libraryDlls: [{ flag: '-lpthread', dlls: ['libwinpthread-1.dll'] }] });
  });

  it('never throws on junk input', () => {
    expect(runtimeDllDiagnostics(null as never)).toEqual([]);
    expect(
      runtimeDllDiagnostics({ file, importRange, toolchain: toolchain({ path: '/nonexistent/x86_64-w64-mingw32-gcc' } as never), hasCxx: true, ldflags: [] }),
    ).toEqual([]);
    const d = runtimeDllDiagnostics({
      file,
      importRange,
      toolchain: toolchain({ ...mingwCc('default'), path: '/nonexistent/bin/x86_64-w64-mingw32-gcc' }),
      hasCxx: true,
      ldflags: [],
    });
    expect(d[0]!.data).toMatchObject({ dlls: ['libstdc++-6.dll', 'libgcc_s_seh-1.dll'], dllPaths: {} });
    expect(splitMessage(d[0]!.message).details).toContain("Ship the DLLs from the toolchain's bin folder.");
  });

  it('effectiveLdflags joins CGO_LDFLAGS (quoted) and the package flags', () => {
    expect(effectiveLdflags({ CGO_LDFLAGS: { value: `'-L/a b' -lx -L'c d'` } }, ['-ly'])).toEqual(['-L/a b', '-lx', "-L'c", "d'", '-ly']); // quotes only around whole fields, as cmd/internal/quoted.Split
  });

  it('staticFlagsDirective renders the line a code action inserts', () => {
    expect(staticFlagsDirective(['-static-libgcc', '-static-libstdc++'])).toBe('// #cgo windows LDFLAGS: -static-libgcc -static-libstdc++\n');
  });

  it('the catalogue documents the code', () => {
    expect(codes.map((c) => c.code)).toEqual([WINDOWS_RUNTIME_DLL]);
    expect(codes[0]!.cause).toContain('0xc0000135');
    expect(codes[0]!.fix).toContain('-static-libgcc -static-libstdc++');
  });
});

describeWith([MINGW], 'doctorBinaryReport', () => {
  const work = tmpDir('doctor');
  beforeAll(async () => {
    copyDir(path.join(fixtures, 'native'), work);
    await mingw('x86_64-w64-mingw32-g++-posix', ['hello.cpp', '-o', 'app.exe'], work);
    await mingw('x86_64-w64-mingw32-gcc', ['hello.c', '-o', 'c.exe'], work);
  });
  const posixDir = '/usr/lib/gcc/x86_64-w64-mingw32/12-posix';

  it('C program: only system DLLs, exit 0', () => {
    const r = doctorBinaryReport(path.join(work, 'c.exe'), { PATH: '' });
    expect(r.exitCode).toBe(0);
    expect(r.json.dlls.map((d) => [d.name, d.status])).toEqual([
      ['KERNEL32.dll', 'system'],
      ['msvcrt.dll', 'system'],
    ]);
    expect(r.text).toContain('✓ KERNEL32.dll — Windows system DLL');
  });

  it('C++ program: runtime DLLs in the toolchain folder only → ✗ and exit 1; the toolchain folder is named', () => {
    const r = doctorBinaryReport(path.join(work, 'app.exe'), { toolchainBinDir: posixDir, toolchainDirs: ['/usr/x86_64-w64-mingw32/lib'], PATH: '' });
    expect(r.exitCode).toBe(1);
    const by = Object.fromEntries(r.json.dlls.map((d) => [d.name, d]));
    expect(by['libstdc++-6.dll']).toMatchObject({ status: 'toolchain-only', toolchainDir: posixDir });
    expect(by['libgcc_s_seh-1.dll']).toMatchObject({ status: 'toolchain-only' });
    // Transitive: the posix-model runtime needs libwinpthread-1.dll.
    expect(by['libwinpthread-1.dll']).toMatchObject({ status: 'toolchain-only', toolchainDir: '/usr/x86_64-w64-mingw32/lib' });
    expect(r.json.missing.sort()).toEqual(['libgcc_s_seh-1.dll', 'libstdc++-6.dll', 'libwinpthread-1.dll']);
    expect(r.text).toMatch(/✗ libstdc\+\+-6\.dll — NOT FOUND by Windows; it is in the toolchain folder \/usr\/lib\/gcc\/x86_64-w64-mingw32\/12-posix/);
    expect(r.text).toContain('0xc0000135');
    // The verdict, then the fix on a line of its own.
    expect(r.text).toMatch(
      /^✗ \d+ DLLs? will not be found: the program fails to start with 0xc0000135 \(STATUS_DLL_NOT_FOUND\)\.\n {2}Fix: ship them next to the \.exe, or relink with /m,
    );
    // Without any toolchain folder: plain NOT FOUND.
    const bare = doctorBinaryReport(path.join(work, 'app.exe'), { PATH: '' });
    expect(bare.exitCode).toBe(1);
    expect(bare.text).toContain('✗ libstdc++-6.dll — NOT FOUND');
  });

  it('DLLs next to the binary or on PATH are found (PATH with Windows ; semantics)', () => {
    const shipped = tmpDir('shipped');
    fs.copyFileSync(path.join(work, 'app.exe'), path.join(shipped, 'app.exe'));
    fs.copyFileSync(path.join(posixDir, 'libstdc++-6.dll'), path.join(shipped, 'libstdc++-6.dll'));
    const r = doctorBinaryReport(path.join(shipped, 'app.exe'), { PATH: `${posixDir};/usr/x86_64-w64-mingw32/lib` });
    expect(r.exitCode).toBe(0);
    const by = Object.fromEntries(r.json.dlls.map((d) => [d.name, d]));
    expect(by['libstdc++-6.dll']).toMatchObject({ status: 'found', where: 'app', path: path.join(shipped, 'libstdc++-6.dll') });
    expect(by['libgcc_s_seh-1.dll']).toMatchObject({ status: 'found', where: 'path' });
    expect(by['libwinpthread-1.dll']).toMatchObject({ status: 'found', where: 'path', neededBy: 'libgcc_s_seh-1.dll' });
    expect(r.text).toContain('✓ libstdc++-6.dll — next to the binary');
    expect(JSON.parse(JSON.stringify(r.json)).ok).toBe(true);
  });

  it('exit 2 with an error for a file that is not a PE image', () => {
    const junk = path.join(work, 'junk.exe');
    fs.writeFileSync(junk, 'MZ but not really');
    const r = doctorBinaryReport(junk);
    expect(r.exitCode).toBe(2);
    expect(r.json.error).toBeTruthy();
    expect(doctorBinaryReport(path.join(work, 'missing.exe')).exitCode).toBe(2);
  });
});
