// Shared pieces of the fuzz tests: the seed corpus (every fixture .go file), mutations, run counts, and the
// well-formedness checks for models and diagnostics. `scripts/fuzz.mjs --runs N` runs the same properties with
// FUZZ_RUNS=N (and FUZZ_SEED) set.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { repoRoot } from '../helpers/lsp-client.js';
import type { CgoDiagnostic, Range } from '../../server/src/core/types.js';
import type { BuildContext } from '../../server/src/gomodel/types.js';
import { parseGoVersion } from '../../server/src/core/goversion.js';

/** Runs per property: FUZZ_RUNS when set (scripts/fuzz.mjs), else the CI size. */
export function runs(ci: number): number {
  const n = Number(process.env['FUZZ_RUNS'] ?? '');
  return Number.isFinite(n) && n > 0 ? n : ci;
}

/** fast-check parameters: FUZZ_SEED reproduces a reported failure. */
export function params(ci: number): fc.Parameters<unknown> {
  const seed = process.env['FUZZ_SEED'];
  return { numRuns: runs(ci), ...(seed ? { seed: Number(seed) } : {}), endOnFailure: true };
}

/** Test timeout that grows with FUZZ_RUNS. */
export function timeoutFor(ci: number, msPerRun: number, base = 30_000): number {
  return base + runs(ci) * msPerRun;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'hardening' && e.name !== 'node_modules') out.push(...walk(p));
    } else if (e.name.endsWith('.go')) out.push(p);
  }
  return out;
}

/** The seed corpus: every .go fixture (modules first), as text. */
export const corpus: { file: string; text: string }[] = (() => {
  const files = walk(path.join(repoRoot, 'test', 'fixtures')).sort(
    (a, b) => Number(!a.includes('/modules/')) - Number(!b.includes('/modules/')) || a.localeCompare(b),
  );
  return files.map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8') }));
})();

/** Fragments that stress the Go and cgo grammars. */
const FRAGMENTS = [
  '/*',
  '*/',
  '//',
  '// ',
  '#cgo',
  '#cgo CFLAGS: ',
  '#cgo LDFLAGS: -l',
  '#cgo pkg-config: ',
  '#cgo linux && amd64 CFLAGS: -DX',
  '#include <',
  '"',
  '`',
  "'",
  '\\',
  'import "C"',
  'import (\n"C"\n)',
  'import c "C"',
  '//export ',
  '//go:build ',
  '// +build ',
  'C.',
  'C.CString(',
  'C.errno',
  'func (',
  'package ',
  '\n\n',
  '\r\n',
  '\t',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud83d\ude00',
  '\ufffd',
  '${SRCDIR}',
  '${HOME}',
  '-fplugin=x.so',
  '@file',
  ')',
  '(',
  '{',
  '}',
  '\0',
];

/** Builds text from a byte array decoded as UTF-8 with replacement characters (invalid UTF-8). */
const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b).toString('utf8'));

type Mutation = (lines: string[]) => string[];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i) => (ls: string[]) => ls.filter((_, j) => j !== i % Math.max(1, ls.length))),
  fc.nat().map((i) => (ls: string[]) => {
    const k = i % Math.max(1, ls.length);
    return [...ls.slice(0, k + 1), ls[k] ?? '', ...ls.slice(k + 1)];
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...FRAGMENTS)).map(([i, f]) => (ls: string[]) => {
    const k = i % (ls.length + 1);
    return [...ls.slice(0, k), f, ...ls.slice(k)];
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...FRAGMENTS)).map(([i, c, f]) => (ls: string[]) => {
    const k = i % Math.max(1, ls.length);
    const line = ls[k] ?? '';
    const at = c % (line.length + 1);
    return [...ls.slice(0, k), line.slice(0, at) + f + line.slice(at), ...ls.slice(k + 1)];
  }),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 24 })).map(([i, s]) => (ls: string[]) => {
    const k = i % (ls.length + 1);
    return [...ls.slice(0, k), s, ...ls.slice(k)];
  }),
  fc.tuple(fc.nat(), invalidUtf8).map(([i, s]) => (ls: string[]) => {
    const k = i % (ls.length + 1);
    return [...ls.slice(0, k), s, ...ls.slice(k)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, n]) => (ls: string[]) => {
    // truncate a line in the middle (e.g. leaves `/*` without `*/` or an unterminated string)
    const k = i % Math.max(1, ls.length);
    const line = ls[k] ?? '';
    return [...ls.slice(0, k), line.slice(0, n % (line.length + 1)), ...ls.slice(k + 1)];
  }),
  fc.nat().map((i) => (ls: string[]) => ls.slice(0, i % (ls.length + 1))),
  fc.integer({ min: 1, max: 400 }).map((n) => (ls: string[]) => [...ls, '('.repeat(n) + ')'.repeat(n >> 1)]),
  fc.integer({ min: 1, max: 400 }).map((n) => (ls: string[]) => [...ls, '/* '.repeat(n) + '*/']),
);

/** Seeds for mutation: the whole corpus. */
const mutationSeeds = corpus;

/** A corpus file, mutated 1–6 times, optionally with CRLF line ends. */
export const mutatedGoFile: fc.Arbitrary<{ name: string; text: string }> = fc
  .tuple(fc.nat({ max: Math.max(0, mutationSeeds.length - 1) }), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([i, muts, crlf]) => {
    const seed = mutationSeeds[i]!;
    let lines = seed.text.split('\n');
    for (const m of muts) lines = m(lines);
    return { name: path.basename(seed.file), text: lines.join(crlf ? '\r\n' : '\n') };
  });

/** Entirely random text built from Go/cgo fragments and random strings. */
export const randomGoText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }), invalidUtf8), { maxLength: 80 })
  .map((parts) => parts.join(''));

// ---- well-formedness -------------------------------------------------------------------------------------

/** Line lengths of a text as LSP sees it (lines split at \n; a trailing \r still counts as a column). */
export function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => l.length);
}

export function expectRangeInside(r: Range, lens: number[], what: string): void {
  for (const p of [r.start, r.end]) {
    expect(Number.isInteger(p.line) && p.line >= 0, `${what}: bad line ${JSON.stringify(r)}`).toBe(true);
    expect(Number.isInteger(p.character) && p.character >= 0, `${what}: bad character ${JSON.stringify(r)}`).toBe(true);
    expect(p.line, `${what}: line past the end ${JSON.stringify(r)} (lines: ${lens.length})`).toBeLessThan(lens.length);
    expect(p.character, `${what}: column past the end of line ${p.line} ${JSON.stringify(r)}`).toBeLessThanOrEqual(lens[p.line]!);
  }
  const ordered = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
  expect(ordered, `${what}: start after end ${JSON.stringify(r)}`).toBe(true);
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

export function expectDiagnosticWellFormed(d: CgoDiagnostic, file: string, lens: number[]): void {
  expect(d.file).toBe(file);
  expect(d.code).toMatch(/^cgo\/[a-z0-9-]+$/);
  expect(SEVERITIES.has(d.severity), `severity ${d.severity}`).toBe(true);
  expect(typeof d.message === 'string' && d.message.trim().length > 0, `empty message for ${d.code}`).toBe(true);
  expect(d.data?.code, `data.code of ${d.code}`).toBe(d.code);
  expect(() => JSON.stringify(d)).not.toThrow();
  expectRangeInside(d.range, lens, d.code);
}

export const linuxBuild: BuildContext = { goos: 'linux', goarch: 'amd64', cgoEnabled: true, goMinor: 26, compiler: 'gc', buildTags: [], toolTags: [] };
export const go126 = parseGoVersion('go1.26.8')!;
export const go122 = parseGoVersion('go1.22.12')!;
