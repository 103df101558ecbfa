import { describe, expect, it } from 'vitest';
import { objectFormatDiagnostics } from '../../server/src/checks/objformat.js';
import { splitMessage } from '../../server/src/core/message.js';

const importRange = { start: { line: 4, character: 7 }, end: { line: 4, character: 10 } };
const flagRange = { start: { line: 2, character: 29 }, end: { line: 2, character: 42 } };

describe('object format checks', () => {
  it('warns on -Wa,-mbig-obj in a windows build, on the flag', () => {
    const d = objectFormatDiagnostics({
      file: '/x/a.go',
      importRange,
      flags: [{ flag: '-Wa,-mbig-obj', range: flagRange }],
      goos: 'windows',
      cc: { path: '/usr/bin/x86_64-w64-mingw32-gcc' },
    });
    expect(d.map((x) => [x.code, x.range])).toEqual([['cgo/windows-big-obj', flagRange]]);
    expect(splitMessage(d[0]!.message)).toEqual({
      cause: '-Wa,-mbig-obj makes big-obj COFF objects, which cgo cannot read',
      fix: 'drop -Wa,-mbig-obj from the cgo flags',
      details: ['go build: "cgo: cannot parse …_cgo_.o as ELF, Mach-O, PE or XCOFF"', '-Wa,-mbig-obj makes the assembler write big-obj COFF.'],
    });
    expect(d[0]!.data).toEqual({ code: 'cgo/windows-big-obj', flag: '-Wa,-mbig-obj', toolchain: null });
  });

  it('warns about w64devkit\'s big-obj default on import "C", unless -Wa,-mno-big-obj is set', () => {
    const cc = { path: 'C:/w64devkit/bin/gcc.exe' };
    const w = objectFormatDiagnostics({ file: '/x/a.go', importRange, flags: [], goos: 'windows', cc })[0];
    expect(w?.range).toEqual(importRange);
    expect(splitMessage(w!.message).cause).toBe("w64devkit's C compiler writes big-obj COFF by default, which cgo cannot read");
    expect(splitMessage(w!.message).fix).toBe('add -Wa,-mno-big-obj to CGO_CFLAGS, or use MSYS2 UCRT64, WinLibs or llvm-mingw');
    expect(w!.data).toEqual({ code: 'cgo/windows-big-obj', flag: null, toolchain: 'w64devkit' });
    expect(objectFormatDiagnostics({ file: '/x/a.go', importRange, flags: [{ flag: '-Wa,-mno-big-obj' }], goos: 'windows', cc })).toEqual([]);
  });

  it('says nothing for other targets or for -flto (cgo passes -fno-lto to its own compiler runs)', () => {
    expect(objectFormatDiagnostics({ file: '/x/a.go', importRange, flags: [{ flag: '-Wa,-mbig-obj' }], goos: 'linux', cc: { path: '/usr/bin/gcc' } })).toEqual(
      [],
    );
    expect(
      objectFormatDiagnostics({ file: '/x/a.go', importRange, flags: [{ flag: '-flto' }], goos: 'windows', cc: { path: '/usr/bin/x86_64-w64-mingw32-gcc' } }),
    ).toEqual([]);
  });
});
