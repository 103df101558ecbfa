// Test helpers: a minimal preamble extractor for small, well-formed Go files (the comment group that ends on the
// line directly above `import "C"`), and runners for the real go command.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildContext, Preamble, PreambleLine } from '../../server/src/gomodel/types.js';
import type { GoVersion } from '../../server/src/core/goversion.js';

export const linuxAmd64: BuildContext = {
  goos: 'linux',
  goarch: 'amd64',
  cgoEnabled: true,
  goMinor: 26,
  compiler: 'gc',
  buildTags: [],
  toolTags: [],
};

export function gv(minor: number, patch = 0): GoVersion {
  return { major: 1, minor, patch, raw: `go1.${minor}.${patch}` };
}

/** Preambles of every `import "C"` in `src` (each directly preceded by a comment group). */
export function preamblesFromSource(src: string): Preamble[] {
  const lines = src.split('\n');
  const out: Preamble[] = [];
  lines.forEach((l, i) => {
    if (/^\s*import\s+"C"\s*$/.test(l) || /^\s*"C"\s*$/.test(l)) {
      const p = preambleAbove(lines, i);
      if (p) out.push(p);
    }
  });
  return out;
}

function preambleAbove(lines: string[], importLine: number): Preamble | null {
  type C = { text: string; startLine: number; startCol: number; endLine: number };
  const comments: C[] = [];
  let l = importLine - 1;
  while (l >= 0) {
    const text = lines[l]!;
    const trimmed = text.trimEnd();
    const slash = /^\s*\/\//.exec(text);
    if (slash) {
      const col = text.indexOf('//');
      comments.unshift({ text: text.slice(col).replace(/\r$/, ''), startLine: l, startCol: col, endLine: l });
      l--;
      continue;
    }
    if (trimmed.endsWith('*/')) {
      let s = l;
      while (s >= 0 && !lines[s]!.includes('/*')) s--;
      if (s < 0) break;
      const col = lines[s]!.indexOf('/*');
      const endCol = trimmed.lastIndexOf('*/') + 2;
      const parts = lines.slice(s, l + 1);
      parts[0] = parts[0]!.slice(col);
      parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, s === l ? endCol - col : endCol);
      comments.unshift({ text: parts.join('\n'), startLine: s, startCol: col, endLine: l });
      l = s - 1;
      continue;
    }
    break;
  }
  if (comments.length === 0) return null;
  const plines: PreambleLine[] = [];
  let text = '';
  for (const c of comments) {
    if (c.text.startsWith('//')) {
      plines.push({ text: c.text.slice(2), goLine: c.startLine, goCol: c.startCol + 2 });
      text += c.text.slice(2) + '\n';
    } else {
      const inner = c.text.slice(2, -2);
      inner.split('\n').forEach((t, k) => plines.push({ text: t, goLine: c.startLine + k, goCol: k === 0 ? c.startCol + 2 : 0 }));
      text += inner;
    }
  }
  const first = comments[0]!;
  const last = comments[comments.length - 1]!;
  return {
    text,
    lines: plines,
    firstLine: first.startLine,
    group: {
      range: { start: { line: first.startLine, character: first.startCol }, end: { line: last.endLine, character: lines[last.endLine]!.length } },
      comments: comments.map((c) => ({
        text: c.text,
        range: {
          start: { line: c.startLine, character: c.startCol },
          end: { line: c.endLine, character: c.endLine === c.startLine ? c.startCol + c.text.length : c.text.length - c.text.lastIndexOf('\n') - 1 },
        },
      })),
    },
  };
}

/** Preamble from `//` lines given as text (each line becomes `// <line>` on consecutive .go lines from `firstLine`). */
export function preambleFromLines(cgoLines: string[], firstLine = 2, prefix = '// '): Preamble {
  const src = ['package main', '', ...cgoLines.map((l) => prefix + l), 'import "C"'].join('\n');
  const got = preamblesFromSource(src);
  if (got.length !== 1) throw new Error('bad test preamble');
  void firstLine;
  return got[0]!;
}

export const GO = '/usr/local/go/bin/go';
export const haveGo = fs.existsSync(GO);
export const have122 =
  haveGo &&
  (() => {
    try {
      const r = spawnSync(GO, ['version'], { env: { ...process.env, GOTOOLCHAIN: 'go1.22.12' }, encoding: 'utf8', timeout: 60_000 });
      return r.status === 0 && r.stdout.includes('go1.22.12');
    } catch {
      return false;
    }
  })();

export function goEnv(toolchain: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-mod=mod', GOPROXY: 'off', ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('CGO_') && !(k in extra)) delete env[k];
  return env;
}

export interface GoListPkg {
  Dir: string;
  CgoCFLAGS?: string[];
  CgoCPPFLAGS?: string[];
  CgoCXXFLAGS?: string[];
  CgoFFLAGS?: string[];
  CgoLDFLAGS?: string[];
  CgoPkgConfig?: string[];
  Error?: { Err: string };
}

export function goList(dir: string, args: string[], toolchain = 'local', extraEnv: Record<string, string> = {}): GoListPkg {
  const out = execFileSync(GO, ['list', '-e', '-json', ...args, '.'], { cwd: dir, env: goEnv(toolchain, extraEnv), encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out) as GoListPkg;
}

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/cgorules');
