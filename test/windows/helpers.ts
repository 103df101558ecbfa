// Real MinGW-w64 / Go builds for the windows tests. Everything runs through run() (argument arrays, timeouts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../../server/src/util/proc.js';
import { isPeError, parsePeImports } from '../../server/src/windows/pe.js';
import { isSystemDll } from '../../server/src/windows/dlls.js';
import { tool, type Tool } from '../helpers/tools.js';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const fixtures = path.resolve(here, '../fixtures/windows');

export const MINGW_GCC = 'x86_64-w64-mingw32-gcc';
export const MINGW_GXX = 'x86_64-w64-mingw32-g++';
export const GO_NEW = '/usr/local/go/bin/go';
export const GO_119 = '/usr/lib/go-1.19/bin/go';

export const APT_HINT =
  'Install the Windows test toolchain as .ci/run does: apt-get install -y -qq --no-install-recommends ' +
  'gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64 golang-1.19-go';

/** Absolute path of an executable on PATH, or null. */
export function which(name: string): string | null {
  if (path.isAbsolute(name)) return fs.existsSync(name) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** MinGW-w64 gcc and g++, default and both thread models (Debian's gcc-mingw-w64-x86-64 / g++-mingw-w64-x86-64). */
export const MINGW: Tool = tool(
  'MinGW-w64 (x86_64-w64-mingw32-gcc/g++, -win32 and -posix)',
  ['', '-win32', '-posix'].every((m) => which(`${MINGW_GCC}${m}`) && which(`${MINGW_GXX}${m}`)) ? which(MINGW_GCC) : null,
  'apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64',
);
export const WINE: Tool = tool(
  'wine (wine64)',
  which('wine64') ?? which('wine') ?? (fs.existsSync('/usr/lib/wine/wine64') ? '/usr/lib/wine/wine64' : null),
  'apt-get install -y --no-install-recommends wine wine64',
);
export const GO119: Tool = tool(
  'Go 1.19 (Debian golang-1.19-go)',
  fs.existsSync(GO_119) ? GO_119 : null,
  'apt-get install -y --no-install-recommends golang-1.19-go',
);

/** Fail (not skip) with the install line when a required tool is missing (the files gate on MINGW/WINE/GO119 first). */
export function requireTool(name: string): string {
  const p = which(name);
  if (!p) throw new Error(`${name} is not installed. ${APT_HINT}`);
  return p;
}

const created: string[] = [];

export function tmpDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `cgols-win-${prefix}-`));
  created.push(d);
  return d;
}

/** Remove every folder tmpDir made (call from afterAll). */
export function cleanupTmp(): void {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C', LC_ALL: 'C' };
  for (const k of ['GOROOT', 'GOFLAGS', 'GOOS', 'GOARCH', 'CC', 'CXX', 'CGO_ENABLED', 'CGO_LDFLAGS', 'GOTOOLCHAIN', 'DISPLAY', 'WAYLAND_DISPLAY'])
    delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export async function must(r: Promise<RunResult>): Promise<RunResult> {
  const res = await r;
  if (res.exitCode !== 0)
    throw new Error(
      `${res.command} ${res.args.join(' ')} failed (${res.exitCode}${res.timedOut ? ', timed out' : ''}):\n${res.stderr}${res.stdout}${res.spawnError ?? ''}`,
    );
  return res;
}

/** Compile and link with a MinGW-w64 driver. */
export async function mingw(driver: string, args: string[], cwd: string): Promise<RunResult> {
  requireTool(driver);
  return must(run(driver, args, { cwd, env: baseEnv(), timeoutMs: 120_000 }));
}

/** Cross-build a Go package for windows/amd64 with cgo and MinGW-w64. */
export async function goBuildWindows(opts: {
  go: string;
  dir: string;
  out: string;
  cc?: string;
  cxx?: string;
  cgoLdflags?: string;
  timeoutMs?: number;
}): Promise<RunResult> {
  if (!fs.existsSync(opts.go)) throw new Error(`${opts.go} is not installed. ${APT_HINT}`);
  const env = baseEnv({
    GOOS: 'windows',
    GOARCH: 'amd64',
    CGO_ENABLED: '1',
    CC: opts.cc ?? MINGW_GCC,
    CXX: opts.cxx ?? MINGW_GXX,
    GOFLAGS: '-mod=mod',
    GO111MODULE: 'on',
    GOTOOLCHAIN: opts.go === GO_119 ? undefined : 'local',
    CGO_LDFLAGS: opts.cgoLdflags,
  });
  return run(opts.go, ['build', '-o', opts.out, '.'], { cwd: opts.dir, env, timeoutMs: opts.timeoutMs ?? 240_000 });
}

export function copyDir(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src)) fs.copyFileSync(path.join(src, e), path.join(dst, e));
}

/** Imports of a built image, via the parser under test. */
export function importsOf(file: string): { imports: string[]; nonSystem: string[] } {
  const r = parsePeImports(fs.readFileSync(file));
  if (isPeError(r)) throw new Error(`${file}: ${r.error}`);
  return { imports: r.imports, nonSystem: r.imports.map((d) => d.toLowerCase()).filter((d) => !isSystemDll(d)) };
}

/** The `x86_64-w64-mingw32-objdump -p` view of the same thing, as an independent oracle. */
export async function objdumpImports(file: string): Promise<string[]> {
  const r = await must(run('x86_64-w64-mingw32-objdump', ['-p', file], { env: baseEnv(), timeoutMs: 60_000 }));
  return [...r.stdout.matchAll(/^\s*DLL Name: (\S+)/gm)].map((m) => m[1]!);
}

/** 0-based line of `import "C"` in a Go file. */
export function importCLine(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => /^import "C"\s*$/.test(l));
  if (i < 0) throw new Error(`no import "C" in ${file}`);
  return i;
}

/** A synthetic PE image with an import table and a delay-import table (for PE32 and PE32+). */
export function buildSyntheticPe(opts: {
  is64: boolean;
  imports: string[];
  delayImports: string[];
  delayVaBased?: boolean;
  machine?: number;
  subsystem?: number;
}): Buffer {
  const fileAlign = 0x200;
  const sectionRva = 0x1000;
  const optSize = opts.is64 ? 240 : 224;
  const peOff = 0x80;
  const headerSize = 0x200;
  // Layout inside the section: descriptors, then delay descriptors, then names.
  const descSize = (opts.imports.length + 1) * 20;
  const delaySize = (opts.delayImports.length + 1) * 32;
  const names = [...opts.imports, ...opts.delayImports];
  const nameOffsets: number[] = [];
  let cursor = descSize + delaySize;
  for (const n of names) {
    nameOffsets.push(cursor);
    cursor += n.length + 1;
  }
  const rawSize = Math.ceil(cursor / fileAlign) * fileAlign || fileAlign;
  const buf = Buffer.alloc(headerSize + rawSize);
  buf.write('MZ', 0, 'latin1');
  buf.writeUInt32LE(peOff, 0x3c);
  buf.writeUInt32LE(0x4550, peOff);
  const coff = peOff + 4;
  buf.writeUInt16LE(opts.machine ?? (opts.is64 ? 0x8664 : 0x14c), coff);
  buf.writeUInt16LE(1, coff + 2);
  buf.writeUInt16LE(optSize, coff + 16);
  buf.writeUInt16LE(opts.is64 ? 0x22 : 0x102, coff + 18);
  const opt = coff + 20;
  buf.writeUInt16LE(opts.is64 ? 0x20b : 0x10b, opt);
  const imageBase = opts.is64 ? 0x140000000 : 0x400000;
  if (opts.is64) buf.writeBigUInt64LE(BigInt(imageBase), opt + 24);
  else buf.writeUInt32LE(imageBase, opt + 28);
  buf.writeUInt32LE(sectionRva, opt + 32); // SectionAlignment
  buf.writeUInt32LE(fileAlign, opt + 36);
  buf.writeUInt32LE(sectionRva + rawSize, opt + 56); // SizeOfImage
  buf.writeUInt32LE(headerSize, opt + 60);
  buf.writeUInt16LE(opts.subsystem ?? 3, opt + 68);
  buf.writeUInt32LE(16, opt + (opts.is64 ? 108 : 92));
  const dirs = opt + (opts.is64 ? 112 : 96);
  if (opts.imports.length > 0) {
    buf.writeUInt32LE(sectionRva, dirs + 8);
    buf.writeUInt32LE(descSize, dirs + 12);
  }
  if (opts.delayImports.length > 0) {
    buf.writeUInt32LE(sectionRva + descSize, dirs + 13 * 8);
    buf.writeUInt32LE(delaySize, dirs + 13 * 8 + 4);
  }
  const sec = opt + optSize;
  buf.write('.idata', sec, 'latin1');
  buf.writeUInt32LE(rawSize, sec + 8);
  buf.writeUInt32LE(sectionRva, sec + 12);
  buf.writeUInt32LE(rawSize, sec + 16);
  buf.writeUInt32LE(headerSize, sec + 20);
  const body = headerSize;
  opts.imports.forEach((_, i) => {
    buf.writeUInt32LE(sectionRva + nameOffsets[i]!, body + i * 20 + 12);
    buf.writeUInt32LE(sectionRva, body + i * 20 + 16); // FirstThunk (non-zero)
  });
  opts.delayImports.forEach((_, j) => {
    const d = body + descSize + j * 32;
    const rva = sectionRva + nameOffsets[opts.imports.length + j]!;
    if (opts.delayVaBased) {
      buf.writeUInt32LE(0, d);
      buf.writeUInt32LE(imageBase + rva, d + 4);
    } else {
      buf.writeUInt32LE(1, d);
      buf.writeUInt32LE(rva, d + 4);
    }
  });
  names.forEach((n, i) => buf.write(`${n}\0`, body + nameOffsets[i]!, 'latin1'));
  return buf;
}
