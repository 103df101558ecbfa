// A small, defensive reader for the two Windows binary formats cgo-ls needs to look inside:
//   * PE/COFF images (.exe/.dll): which DLLs does the image import (normal and delay-load imports)?
//   * import libraries (`libfoo.dll.a`, `libfoo.a`, `foo.lib`): which DLL does `-lfoo` make the program import?
// Nothing here throws: every read is bounds-checked, every loop is bounded, and a malformed file yields `{ error }`.

import fs from 'node:fs';

export interface PeImports {
  /** `amd64`, `386`, `arm64`, `arm`, or `unknown(0x…)`. */
  machine: string;
  /** PE32+ (64-bit optional header). */
  is64: boolean;
  /** `windows-cui` (console), `windows-gui`, `native`, `efi-application` … or `unknown(n)`. */
  subsystem: string;
  /** DLL names of the import table, in table order, as spelled in the image (e.g. `KERNEL32.dll`). */
  imports: string[];
  /** DLL names of the delay-load import table. */
  delayImports: string[];
}

export interface PeError {
  error: string;
}

export type PeResult = PeImports | PeError;

export function isPeError(r: PeResult): r is PeError {
  return (r as PeError).error !== undefined;
}

const MACHINES: Record<number, string> = {
  0x14c: '386',
  0x8664: 'amd64',
  0xaa64: 'arm64',
  0x1c0: 'arm',
  0x1c4: 'arm',
  0x200: 'ia64',
};

const SUBSYSTEMS: Record<number, string> = {
  1: 'native',
  2: 'windows-gui',
  3: 'windows-cui',
  5: 'os2-cui',
  7: 'posix-cui',
  9: 'windows-ce-gui',
  10: 'efi-application',
  11: 'efi-boot-service-driver',
  12: 'efi-runtime-driver',
  13: 'efi-rom',
  14: 'xbox',
  16: 'windows-boot-application',
};

/** Upper bounds that keep a hostile file from making us loop for long. */
const MAX_SECTIONS = 96; // the PE loader's own limit
const MAX_DESCRIPTORS = 4096;
const MAX_NAME = 512;

/**
 * Random access to the bytes of an image: a Buffer, or a file read page by page (libstdc++-6.dll is 23 MB; its import
 * table is a few KB). Out-of-range reads return null instead of throwing.
 */
interface ByteSource {
  readonly length: number;
  /** `len` bytes at `off`, or null when the range is not inside the source. */
  bytes(off: number, len: number): Buffer | null;
}

class BufferSource implements ByteSource {
  constructor(private readonly buf: Buffer) {}
  get length(): number {
    return this.buf.length;
  }
  bytes(off: number, len: number): Buffer | null {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.buf.length) return null;
    return this.buf.subarray(off, off + len);
  }
}

const PAGE = 64 * 1024;
const MAX_PAGES = 64;

class FileSource implements ByteSource {
  private readonly pages = new Map<number, Buffer>();
  constructor(
    private readonly fd: number,
    readonly length: number,
  ) {}
  private page(n: number): Buffer | null {
    const hit = this.pages.get(n);
    if (hit) return hit;
    if (this.pages.size >= MAX_PAGES) return null; // a sane import table never needs this many pages
    const start = n * PAGE;
    const size = Math.min(PAGE, this.length - start);
    if (size <= 0) return null;
    const b = Buffer.alloc(size);
    const got = fs.readSync(this.fd, b, 0, size, start);
    const page = got === size ? b : b.subarray(0, got);
    this.pages.set(n, page);
    return page;
  }
  bytes(off: number, len: number): Buffer | null {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.length) return null;
    const first = Math.floor(off / PAGE);
    const last = Math.floor((off + Math.max(len, 1) - 1) / PAGE);
    if (first === last) {
      const p = this.page(first);
      if (!p) return null;
      const o = off - first * PAGE;
      return o + len <= p.length ? p.subarray(o, o + len) : null;
    }
    const parts: Buffer[] = [];
    for (let n = first; n <= last; n++) {
      const p = this.page(n);
      if (!p) return null;
      parts.push(p);
    }
    const joined = Buffer.concat(parts);
    const o = off - first * PAGE;
    return o + len <= joined.length ? joined.subarray(o, o + len) : null;
  }
}

interface Section {
  name: string;
  va: number;
  vsize: number;
  rawPtr: number;
  rawSize: number;
}

/** A NUL-terminated printable ASCII string at `off`, or null when it is not one (junk, unterminated, too long). */
function cString(buf: Buffer, off: number, max = MAX_NAME): string | null {
  if (off < 0 || off >= buf.length) return null;
  const end = Math.min(buf.length, off + max);
  let i = off;
  while (i < end && buf[i] !== 0) {
    const c = buf[i]!;
    if (c < 0x20 || c > 0x7e) return null;
    i++;
  }
  if (i >= end || i === off) return null;
  return buf.toString('latin1', off, i);
}

function srcString(src: ByteSource, off: number): string | null {
  const avail = Math.min(MAX_NAME, src.length - off);
  if (avail <= 0) return null;
  const b = src.bytes(off, avail);
  return b ? cString(b, 0, avail) : null;
}

/** Parse a PE image and list the DLLs it imports. Never throws. */
export function parsePeImports(buf: Buffer): PeResult {
  if (!Buffer.isBuffer(buf)) return { error: 'not a buffer' };
  return guarded(() => parse(new BufferSource(buf)));
}

/**
 * The same for a file on disk, reading only the headers and the pages that hold the import tables (a 23 MB
 * libstdc++-6.dll costs a few reads). Never throws; a missing or unreadable file is `{ error }`.
 */
export function readPeImportsFile(file: string): PeResult {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { error: `${file} is not a regular file` };
    const src = new FileSource(fd, st.size);
    return guarded(() => parse(src));
  } catch (e) {
    return { error: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }
}

function guarded(f: () => PeResult): PeResult {
  try {
    return f();
  } catch (e) {
    // Defence in depth: every access is checked, but a parser of untrusted input must never throw.
    return { error: `malformed PE image (${e instanceof Error ? e.message : String(e)})` };
  }
}

function parse(src: ByteSource): PeResult {
  if (src.length < 64) return { error: `file too short for a DOS header (${src.length} bytes)` };
  const dos = src.bytes(0, 64)!;
  if (dos[0] !== 0x4d || dos[1] !== 0x5a) return { error: 'not a PE image: no MZ signature' };
  const peOff = dos.readUInt32LE(0x3c);
  const head = src.bytes(peOff, 24);
  if (!head) return { error: `truncated: PE header offset 0x${peOff.toString(16)} is past the end of the file` };
  if (head.readUInt32LE(0) !== 0x00004550) return { error: 'not a PE image: no PE\\0\\0 signature at e_lfanew' };
  const machineNum = head.readUInt16LE(4);
  const machine = MACHINES[machineNum] ?? `unknown(0x${machineNum.toString(16)})`;
  const nSections = head.readUInt16LE(6);
  const optSize = head.readUInt16LE(20);
  const optOff = peOff + 24;
  if (nSections > MAX_SECTIONS) return { error: `corrupt: ${nSections} sections (the limit is ${MAX_SECTIONS})` };
  if (optSize < 2) return { error: 'not an image: no optional header (an object file?)' };
  const opt = src.bytes(optOff, optSize);
  if (!opt) return { error: 'truncated: optional header is past the end of the file' };
  const magic = opt.readUInt16LE(0);
  if (magic !== 0x10b && magic !== 0x20b) return { error: `corrupt: unknown optional header magic 0x${magic.toString(16)}` };
  const is64 = magic === 0x20b;
  const minOpt = is64 ? 112 : 96;
  if (optSize < minOpt) return { error: `corrupt: optional header is ${optSize} bytes, shorter than ${minOpt}` };
  const subsystemNum = opt.readUInt16LE(68);
  const subsystem = SUBSYSTEMS[subsystemNum] ?? `unknown(${subsystemNum})`;
  const imageBase = is64 ? Number(opt.readBigUInt64LE(24)) : opt.readUInt32LE(28);
  const sizeOfHeaders = opt.readUInt32LE(60);
  const nDirs = opt.readUInt32LE(is64 ? 108 : 92);
  const maxDirs = Math.min(nDirs, 16, Math.floor((optSize - minOpt) / 8));
  const dir = (i: number): { rva: number; size: number } | null => {
    if (i >= maxDirs) return null;
    const rva = opt.readUInt32LE(minOpt + i * 8);
    const size = opt.readUInt32LE(minOpt + i * 8 + 4);
    return rva === 0 ? null : { rva, size };
  };

  const table = src.bytes(optOff + optSize, nSections * 40);
  if (!table) return { error: 'truncated: section table is past the end of the file' };
  const sections: Section[] = [];
  for (let i = 0; i < nSections; i++) {
    const s = i * 40;
    sections.push({
      name: table.toString('latin1', s, s + 8).replace(/\0.*$/s, ''),
      vsize: table.readUInt32LE(s + 8),
      va: table.readUInt32LE(s + 12),
      rawSize: table.readUInt32LE(s + 16),
      rawPtr: table.readUInt32LE(s + 20),
    });
  }
  const rvaToOffset = (rva: number): number | null => {
    if (!Number.isSafeInteger(rva) || rva < 0) return null;
    for (const s of sections) {
      const span = Math.max(s.vsize, s.rawSize);
      if (rva >= s.va && rva < s.va + span) {
        const delta = rva - s.va;
        if (delta >= s.rawSize) return null; // in the zero-filled tail: no bytes in the file
        const off = s.rawPtr + delta;
        return off < src.length ? off : null;
      }
    }
    if (rva < sizeOfHeaders && rva < src.length) return rva;
    return null;
  };

  const imports: string[] = [];
  const importDir = dir(1);
  if (importDir) {
    const start = rvaToOffset(importDir.rva);
    if (start === null) return { error: `corrupt: import table RVA 0x${importDir.rva.toString(16)} is not in any section` };
    for (let i = 0; i < MAX_DESCRIPTORS; i++) {
      const d = src.bytes(start + i * 20, 20);
      if (!d) return { error: 'truncated: import descriptors run past the end of the file' };
      const original = d.readUInt32LE(0);
      const nameRva = d.readUInt32LE(12);
      const thunk = d.readUInt32LE(16);
      if (nameRva === 0 && thunk === 0 && original === 0) break;
      if (i === MAX_DESCRIPTORS - 1) return { error: `corrupt: more than ${MAX_DESCRIPTORS} import descriptors` };
      const off = rvaToOffset(nameRva);
      const name = off === null ? null : srcString(src, off);
      if (name === null) return { error: `corrupt: import descriptor ${i} has an unreadable DLL name (RVA 0x${nameRva.toString(16)})` };
      imports.push(name);
    }
  }

  const delayImports: string[] = [];
  const delayDir = dir(13);
  if (delayDir) {
    const start = rvaToOffset(delayDir.rva);
    if (start === null) return { error: `corrupt: delay-import table RVA 0x${delayDir.rva.toString(16)} is not in any section` };
    for (let i = 0; i < MAX_DESCRIPTORS; i++) {
      const d = src.bytes(start + i * 32, 32);
      if (!d) return { error: 'truncated: delay-import descriptors run past the end of the file' };
      const attrs = d.readUInt32LE(0);
      let nameRef = d.readUInt32LE(4);
      if (nameRef === 0) break;
      if (i === MAX_DESCRIPTORS - 1) return { error: `corrupt: more than ${MAX_DESCRIPTORS} delay-import descriptors` };
      // Attribute bit 0 clear: the (VC6-era) descriptor holds virtual addresses, not RVAs.
      if ((attrs & 1) === 0 && imageBase < 2 ** 32 && nameRef >= imageBase) nameRef -= imageBase;
      const off = rvaToOffset(nameRef);
      const name = off === null ? null : srcString(src, off);
      if (name === null) return { error: `corrupt: delay-import descriptor ${i} has an unreadable DLL name` };
      delayImports.push(name);
    }
  }
  return { machine, is64, subsystem, imports, delayImports };
}

// ---------------------------------------------------------------------------------------------------------------
// Import libraries

export interface ImportLibraryResult {
  /** DLLs the library imports from, in first-seen order (an import library names one; a static archive, none). */
  dlls: string[];
  /** Archive members read. */
  members: number;
}

const MAX_MEMBERS = 200_000;

/**
 * The DLL names an `ar` archive imports from: the `.idata$7` string of GNU dlltool /
 * binutils import members, and the DLL name of short-format (MSVC / llvm-dlltool) import members. A plain static
 * library yields `dlls: []`. Never throws; `{ error }` for a file that is not an archive.
 */
export function importLibraryDlls(buf: Buffer): ImportLibraryResult | PeError {
  try {
    return readArchive(buf);
  } catch (e) {
    return { error: `malformed archive (${e instanceof Error ? e.message : String(e)})` };
  }
}

function readArchive(buf: Buffer): ImportLibraryResult | PeError {
  if (!Buffer.isBuffer(buf) || buf.length < 8 || buf.toString('latin1', 0, 8) !== '!<arch>\n') return { error: 'not an ar archive' };
  const dlls: string[] = [];
  const seen = new Set<string>();
  const add = (n: string | null) => {
    if (n === null || !/\.(dll|drv|ocx|sys|exe)$/i.test(n)) return;
    const k = n.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      dlls.push(n);
    }
  };
  let off = 8;
  let members = 0;
  while (off + 60 <= buf.length && members < MAX_MEMBERS) {
    const name = buf.toString('latin1', off, off + 16).trimEnd();
    const size = Number.parseInt(buf.toString('latin1', off + 48, off + 58).trim(), 10);
    if (!Number.isFinite(size) || size < 0) return { error: `corrupt archive member header at offset ${off}` };
    let data = off + 60;
    let len = Math.min(size, buf.length - data);
    const bsd = /^#1\/(\d+)$/.exec(name);
    if (bsd) {
      const n = Number(bsd[1]);
      data += n;
      len -= n;
    }
    members++;
    if (len > 0 && name !== '/' && name !== '//' && name !== '/SYM64/' && !name.startsWith('__.SYMDEF')) {
      for (const d of memberDlls(buf, data, len)) add(d);
    }
    off = off + 60 + size + (size % 2);
  }
  return { dlls, members };
}

function memberDlls(buf: Buffer, start: number, len: number): string[] {
  const end = start + len;
  if (len >= 20 && buf.readUInt16LE(start) === 0 && buf.readUInt16LE(start + 2) === 0xffff) {
    // Short import format: 20-byte header, symbol name\0, DLL name\0.
    const sym = cString(buf, start + 20, Math.min(MAX_NAME * 8, end - start - 20));
    if (sym === null) return [];
    const dll = cString(buf, start + 20 + sym.length + 1, Math.min(MAX_NAME, end - (start + 20 + sym.length + 1)));
    return dll === null ? [] : [dll];
  }
  // A COFF object: look for .idata$7 / .idata$6 sections holding a DLL name.
  if (len < 20) return [];
  const nSections = buf.readUInt16LE(start + 2);
  const optSize = buf.readUInt16LE(start + 16);
  if (nSections === 0 || nSections > MAX_SECTIONS) return [];
  const table = start + 20 + optSize;
  if (table + nSections * 40 > end) return [];
  const out: string[] = [];
  for (let i = 0; i < nSections; i++) {
    const s = table + i * 40;
    const sname = buf.toString('latin1', s, s + 8).replace(/\0.*$/s, '');
    if (sname !== '.idata$7') continue;
    const rawSize = buf.readUInt32LE(s + 16);
    const rawPtr = buf.readUInt32LE(s + 20);
    if (rawSize === 0 || rawPtr === 0 || rawPtr + rawSize > len) continue;
    const str = cString(buf, start + rawPtr, Math.min(MAX_NAME, rawSize));
    if (str !== null && /\.(dll|drv|ocx|sys|exe)$/i.test(str)) out.push(str);
  }
  return out;
}
