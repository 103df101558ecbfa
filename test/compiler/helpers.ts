// Test helper: a tiny, self-contained extractor of the cgo preamble and C.name references from Go source,
// so the compiler tests do not depend on the gomodel implementation.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type { PreambleInput, PreambleSource } from '../../server/src/compiler/preamble.js';

export function hasProgram(p: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${p}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export function extract(src: string): { preambles: PreambleSource[]; importLine: number; cNames: PreambleInput['cNames']; lines: string[] } {
  const lines = src.split('\n');
  const importLine = lines.findIndex((l) => /^import\s+"C"/.test(l) || /^\s*"C"\s*$/.test(l));
  const preambles: PreambleSource[] = [];
  if (importLine > 0) {
    const above = lines[importLine - 1]!;
    if (/\*\/\s*$/.test(above)) {
      let s = importLine - 1;
      while (s >= 0 && !lines[s]!.includes('/*')) s--;
      const pl: PreambleSource['lines'] = [];
      for (let i = s; i < importLine; i++) {
        let t = lines[i]!;
        let col = 0;
        if (i === s) {
          col = t.indexOf('/*') + 2;
          t = t.slice(col);
        }
        if (i === importLine - 1) t = t.slice(0, t.lastIndexOf('*/') - (i === s ? col : 0));
        pl.push({ text: t, goLine: i, goCol: col });
      }
      preambles.push({ lines: pl, firstLine: s });
    } else {
      let s = importLine - 1;
      while (s >= 0 && /^\s*\/\//.test(lines[s]!)) s--;
      s++;
      if (s < importLine) {
        const pl: PreambleSource['lines'] = [];
        for (let i = s; i < importLine; i++) {
          const col = lines[i]!.indexOf('//') + 2;
          pl.push({ text: lines[i]!.slice(col), goLine: i, goCol: col });
        }
        preambles.push({ lines: pl, firstLine: s });
      }
    }
  }
  const cNames: PreambleInput['cNames'] = [];
  lines.forEach((l, i) => {
    if (i <= importLine) return;
    for (const m of l.matchAll(/\bC\.([\p{L}_][\p{L}\p{N}_]*)/gu)) {
      cNames.push({ name: m[1]!, range: { start: { line: i, character: m.index! }, end: { line: i, character: m.index! + m[0].length } } });
    }
  });
  return { preambles, importLine, cNames, lines };
}

export function inputFromGo(goFile: string, src: string, over: Partial<PreambleInput> = {}): PreambleInput {
  const x = extract(src);
  return {
    goFile,
    preambles: x.preambles,
    goLineText: (l) => x.lines[l] ?? '',
    cNames: x.cNames,
    cc: ['gcc'],
    cppflags: [],
    cflags: ['-O2', '-g'],
    goarch: 'amd64',
    goos: 'linux',
    goVersion: { minor: 26, patch: 8 },
    family: 'gcc',
    env: { ...process.env },
    cwd: path.dirname(goFile),
    importLine: x.importLine,
    ...over,
  };
}

const fakeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'compiler', 'fakecc');
let fakeTmp: string | null = null;

/** Copy a fake compiler script to a temp dir and make it executable (fixtures carry no exec bit). */
export function fakeCC(name: string): string {
  fakeTmp ??= mkdtempSync(path.join(os.tmpdir(), 'cgols-fakecc-'));
  const dst = path.join(fakeTmp, name.replace(/\.sh$/, '') + '-cc');
  if (!existsSync(dst)) {
    copyFileSync(path.join(fakeDir, name), dst);
    chmodSync(dst, 0o755);
  }
  return dst;
}

export { expectShape } from '../helpers/messages.js';
