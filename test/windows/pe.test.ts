import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/tools.js';
import { importLibraryDlls, isPeError, parsePeImports, readPeImportsFile, type PeImports } from '../../server/src/windows/pe.js';
import {
  buildSyntheticPe,
  copyDir,
  fixtures,
  GO_NEW,
  goBuildWindows,
  mingw,
  MINGW_GCC,
  MINGW_GXX,
  objdumpImports,
  tmpDir,
  cleanupTmp,
  MINGW,
} from './helpers.js';

afterAll(cleanupTmp);

const work = tmpDir('pe');
const exe = (n: string) => path.join(work, n);

function ok(r: ReturnType<typeof parsePeImports>): PeImports {
  if (isPeError(r)) throw new Error(r.error);
  return r;
}

beforeAll(async () => {
  copyDir(path.join(fixtures, 'native'), work);
  await mingw(MINGW_GCC, ['hello.c', '-o', 'c.exe'], work);
  await mingw(MINGW_GXX, ['hello.cpp', '-o', 'cxx.exe'], work);
  await mingw(MINGW_GXX, ['-static-libstdc++', '-static-libgcc', 'hello.cpp', '-o', 'cxx-static.exe'], work);
  await mingw(MINGW_GCC, ['-mwindows', 'hello.c', '-o', 'gui.exe'], work);
  await mingw(MINGW_GCC, ['-shared', 'foo.c', '-o', 'foo.dll', '-Wl,--out-implib,libfoo.dll.a'], work);
  const go = tmpDir('pe-go');
  copyDir(path.join(fixtures, 'cxx'), go);
  const r = await goBuildWindows({ go: GO_NEW, dir: go, out: exe('gocxx.exe') });
  if (r.exitCode !== 0) throw new Error(`go build failed:\n${r.stderr}`);
}, 300_000);

describeWith(MINGW, 'parsePeImports on real MinGW-w64 binaries', () => {
  it('C program: KERNEL32.dll and msvcrt.dll only, amd64 PE32+ console', async () => {
    const r = ok(parsePeImports(fs.readFileSync(exe('c.exe'))));
    expect(r).toMatchObject({ machine: 'amd64', is64: true, subsystem: 'windows-cui', delayImports: [] });
    expect(r.imports).toEqual(['KERNEL32.dll', 'msvcrt.dll']);
    expect(r.imports).toEqual(await objdumpImports(exe('c.exe')));
  });

  it('C++ program: adds libgcc_s_seh-1.dll and libstdc++-6.dll (observed with g++ 12, both thread models)', async () => {
    const r = ok(parsePeImports(fs.readFileSync(exe('cxx.exe'))));
    expect(r.imports).toEqual(['KERNEL32.dll', 'msvcrt.dll', 'libgcc_s_seh-1.dll', 'libstdc++-6.dll']);
    expect(r.imports).toEqual(await objdumpImports(exe('cxx.exe')));
  });

  it('C++ with -static-libstdc++ -static-libgcc: no runtime DLL (win32 thread model)', async () => {
    const r = ok(parsePeImports(fs.readFileSync(exe('cxx-static.exe'))));
    expect(r.imports).toEqual(await objdumpImports(exe('cxx-static.exe')));
    expect(r.imports.map((d) => d.toLowerCase())).not.toContain('libstdc++-6.dll');
    expect(r.imports.map((d) => d.toLowerCase())).not.toContain('libgcc_s_seh-1.dll');
  });

  it('-mwindows gives the GUI subsystem', () => {
    expect(ok(parsePeImports(fs.readFileSync(exe('gui.exe')))).subsystem).toBe('windows-gui');
  });

  it('a Go cgo .exe with C++ (go 1.26 cross build) imports the C++ runtime DLLs', async () => {
    const r = ok(parsePeImports(fs.readFileSync(exe('gocxx.exe'))));
    expect(r.machine).toBe('amd64');
    expect(r.imports).toEqual(await objdumpImports(exe('gocxx.exe')));
    expect(r.imports).toEqual(['KERNEL32.dll', 'msvcrt.dll', 'libgcc_s_seh-1.dll', 'libstdc++-6.dll']);
  });

  it('reads a DLL and the toolchain runtime from disk page by page', async () => {
    const dll = ok(readPeImportsFile(exe('foo.dll')));
    expect(dll.imports).toEqual(await objdumpImports(exe('foo.dll')));
    const big = ok(readPeImportsFile('/usr/lib/gcc/x86_64-w64-mingw32/12-posix/libstdc++-6.dll'));
    expect(big.imports).toContain('libwinpthread-1.dll');
    expect(big.imports).toEqual(ok(parsePeImports(fs.readFileSync('/usr/lib/gcc/x86_64-w64-mingw32/12-posix/libstdc++-6.dll'))).imports);
    expect(readPeImportsFile(path.join(work, 'nope.exe'))).toMatchObject({ error: expect.stringContaining('cannot read') });
    expect(readPeImportsFile(work)).toHaveProperty('error');
  });
});

describeWith(MINGW, 'parsePeImports on synthetic images', () => {
  it('PE32 and PE32+ with import and delay-import tables', () => {
    for (const is64 of [false, true]) {
      const buf = buildSyntheticPe({ is64, imports: ['KERNEL32.dll', 'foo.dll'], delayImports: ['bar.dll'] });
      expect(ok(parsePeImports(buf))).toEqual({
        machine: is64 ? 'amd64' : '386',
        is64,
        subsystem: 'windows-cui',
        imports: ['KERNEL32.dll', 'foo.dll'],
        delayImports: ['bar.dll'],
      });
    }
  });

  it('VA-based (attribute bit 0 clear) delay descriptors are converted with ImageBase', () => {
    const buf = buildSyntheticPe({ is64: false, imports: [], delayImports: ['old.dll'], delayVaBased: true, machine: 0xaa64, subsystem: 2 });
    expect(ok(parsePeImports(buf))).toMatchObject({ machine: 'arm64', subsystem: 'windows-gui', imports: [], delayImports: ['old.dll'] });
  });
});

describeWith(MINGW, 'parsePeImports on junk', () => {
  const real = () => fs.readFileSync(exe('cxx.exe'));

  it('returns typed errors for truncated and corrupt files', () => {
    expect(parsePeImports(Buffer.alloc(0))).toMatchObject({ error: expect.stringContaining('too short') });
    expect(parsePeImports(Buffer.from('#!/bin/sh\necho not a pe'.padEnd(80, ' ')))).toMatchObject({ error: expect.stringContaining('MZ') });
    const b = real();
    expect(parsePeImports(b.subarray(0, 100))).toHaveProperty('error');
    expect(parsePeImports(b.subarray(0, 400))).toHaveProperty('error');
    const badSig = Buffer.from(b);
    badSig.writeUInt32LE(0x12345678, badSig.readUInt32LE(0x3c));
    expect(parsePeImports(badSig)).toMatchObject({ error: expect.stringContaining('PE') });
    const farLfanew = Buffer.from(b);
    farLfanew.writeUInt32LE(0xfffffff0, 0x3c);
    expect(parsePeImports(farLfanew)).toMatchObject({ error: expect.stringContaining('truncated') });
    const badMagic = Buffer.from(b);
    badMagic.writeUInt16LE(0x1234, badMagic.readUInt32LE(0x3c) + 24);
    expect(parsePeImports(badMagic)).toMatchObject({ error: expect.stringContaining('magic') });
    const manySections = Buffer.from(b);
    manySections.writeUInt16LE(0xffff, manySections.readUInt32LE(0x3c) + 6);
    expect(parsePeImports(manySections)).toMatchObject({ error: expect.stringContaining('sections') });
  });

  it('an import table pointing outside every section is an error, not a crash', () => {
    const b = Buffer.from(real());
    const peOff = b.readUInt32LE(0x3c);
    b.writeUInt32LE(0x7fff0000, peOff + 24 + 112 + 8);
    expect(parsePeImports(b)).toMatchObject({ error: expect.stringContaining('import table') });
  });

  it('a missing descriptor terminator is bounded (truncation error)', () => {
    const buf = buildSyntheticPe({ is64: true, imports: ['a.dll'], delayImports: [] });
    // Overwrite the terminator and everything after with non-zero descriptors that point at a valid name.
    const body = 0x200;
    for (let off = body + 20; off + 20 <= buf.length; off += 20) buf.copy(buf, off, body, body + 20);
    const r = parsePeImports(buf);
    expect(r).toHaveProperty('error');
  });

  it('a non-printable DLL name is an error', () => {
    const buf = buildSyntheticPe({ is64: true, imports: ['a.dll'], delayImports: [] });
    const at = buf.indexOf('a.dll');
    buf[at] = 0x01;
    expect(parsePeImports(buf)).toMatchObject({ error: expect.stringContaining('unreadable DLL name') });
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const r = parsePeImports(Buffer.from(bytes));
        expect(isPeError(r) ? typeof r.error : Array.isArray(r.imports)).toBeTruthy();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated real and synthetic images (property)', () => {
    const seeds = [real().subarray(0, 64 * 1024), buildSyntheticPe({ is64: true, imports: ['x.dll', 'y.dll'], delayImports: ['z.dll'] })];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const b = Buffer.from(seeds[which]!);
          // Bias mutations toward the headers, where the structure is.
          for (const [pos, val] of edits) b[pos % Math.min(b.length, pos % 2 === 0 ? 1024 : b.length)] = val;
          const input = cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
          const r = parsePeImports(input);
          if (!isPeError(r)) {
            expect(r.imports.length).toBeLessThan(4096);
            for (const n of [...r.imports, ...r.delayImports]) expect(n).toMatch(/^[\x20-\x7e]+$/);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describeWith(MINGW, 'importLibraryDlls', () => {
  it('reads the DLL name of a GNU import library built here', () => {
    expect(importLibraryDlls(fs.readFileSync(path.join(work, 'libfoo.dll.a')))).toMatchObject({ dlls: ['foo.dll'] });
  });

  it('reads the toolchain import libraries (libwinpthread, libkernel32) and finds none in a static archive', () => {
    expect(importLibraryDlls(fs.readFileSync('/usr/x86_64-w64-mingw32/lib/libwinpthread.dll.a'))).toMatchObject({ dlls: ['libwinpthread-1.dll'] });
    expect(importLibraryDlls(fs.readFileSync('/usr/x86_64-w64-mingw32/lib/libkernel32.a'))).toMatchObject({ dlls: ['KERNEL32.dll'] });
    expect(importLibraryDlls(fs.readFileSync('/usr/lib/gcc/x86_64-w64-mingw32/12-win32/libstdc++.dll.a'))).toMatchObject({ dlls: ['libstdc++-6.dll'] });
    expect(importLibraryDlls(fs.readFileSync('/usr/x86_64-w64-mingw32/lib/libmingwex.a'))).toMatchObject({ dlls: [] });
  });

  it('reads short-format (MSVC / llvm-dlltool) import members', () => {
    const member = Buffer.concat([Buffer.from([0, 0, 0xff, 0xff]), Buffer.alloc(16), Buffer.from('sym_a\0short.dll\0', 'latin1')]);
    const header = Buffer.from(
      'x.obj/'.padEnd(16) + '0'.padEnd(12) + '0'.padEnd(6) + '0'.padEnd(6) + '644'.padEnd(8) + String(member.length).padEnd(10) + '`\n',
      'latin1',
    );
    const ar = Buffer.concat([Buffer.from('!<arch>\n', 'latin1'), header, member]);
    expect(importLibraryDlls(ar)).toMatchObject({ dlls: ['short.dll'], members: 1 });
  });

  it('never throws on junk (property)', () => {
    const seed = fs.readFileSync(path.join(work, 'libfoo.dll.a'));
    expect(importLibraryDlls(Buffer.from('not an archive'))).toHaveProperty('error');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 16 }), fc.nat(), (edits, cut) => {
        const b = Buffer.from(seed);
        for (const [pos, val] of edits) b[pos % b.length] = val;
        const r = importLibraryDlls(b.subarray(0, cut % (b.length + 1)));
        expect('error' in r || Array.isArray(r.dlls)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
