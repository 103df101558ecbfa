// Agreement with the real toolchain: for each fixture module, every error `go build` reports at
// `<file>.go:<line>` (and every `In file included from <file>.go:<line>:` that leads to an error) must also
// be reported by compilePreamble on the same Go line; a module that builds must get no errors from us.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compilePreamble } from '../../server/src/compiler/preamble.js';
import { parseGoVersion } from '../../server/src/core/goversion.js';
import { hasProgram, inputFromGo } from './helpers.js';
import { splitMessage } from '../../server/src/core/message.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'compiler');
const HAS_GO = hasProgram('go') && hasProgram('gcc');
if (!HAS_GO) console.log('SKIP: go or gcc not installed; agreement tests are skipped');

const modules = readdirSync(fixtures).filter((d) => {
  try {
    return statSync(path.join(fixtures, d, 'go.mod')).isFile();
  } catch {
    return false;
  }
});

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '1', GOPROXY: 'off', LC_ALL: 'C' };
}

/** `#cgo CFLAGS:` lines of a preamble (unconditional ones only; the fixtures use no conditions). */
function directiveCflags(src: string, dir: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/^\/\/\s*#cgo\s+(?:CFLAGS|CPPFLAGS):(.*)$/gm)) {
    out.push(
      ...m[1]!
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((a) => a.replace('${SRCDIR}', dir)),
    );
  }
  return out;
}

interface GoError {
  file: string;
  line: number; // 1-based
  col: number;
  text: string;
}

function goBuildErrors(dir: string): { ok: boolean; errors: GoError[]; output: string } {
  const r = spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env: goEnv(), encoding: 'utf8', timeout: 120_000 });
  const output = (r.stdout ?? '') + (r.stderr ?? '');
  const errors: GoError[] = [];
  let pendingInclude: GoError | null = null;
  for (const line of output.split('\n')) {
    const inc = /^In file included from (?:\.\/)?([^\s:]+\.go):(\d+)[:,]$/.exec(line);
    if (inc) {
      pendingInclude = { file: inc[1]!, line: Number(inc[2]), col: 0, text: line };
      continue;
    }
    const m = /^(?:\.\/)?([^\s:]+\.go):(\d+):(?:(\d+):)? (.*)$/.exec(line);
    if (m && !/^(warning|note):/.test(m[4]!)) errors.push({ file: m[1]!, line: Number(m[2]), col: Number(m[3] ?? 0), text: m[4]! });
    if (pendingInclude && /: (fatal )?error: /.test(line) && !/\.go:/.test(line)) {
      errors.push(pendingInclude);
      pendingInclude = null;
    }
  }
  return { ok: r.status === 0, errors, output };
}

describe.skipIf(!HAS_GO)('agreement with go build', () => {
  const goVersion = HAS_GO ? parseGoVersion(execFileSync('go', ['env', 'GOVERSION'], { env: goEnv(), encoding: 'utf8' })) : null;
  const cc = HAS_GO ? execFileSync('go', ['env', 'CC'], { env: goEnv(), encoding: 'utf8' }).trim().split(/\s+/) : ['gcc'];

  test('there are fixtures', () => {
    expect(modules.length).toBeGreaterThanOrEqual(6);
  });

  for (const mod of modules) {
    test(mod, { timeout: 180_000 }, async () => {
      const dir = path.join(fixtures, mod);
      const go = goBuildErrors(dir);
      const goFiles = readdirSync(dir).filter((f) => f.endsWith('.go'));
      const ours = new Map<string, Awaited<ReturnType<typeof compilePreamble>>>();
      for (const f of goFiles) {
        const file = path.join(dir, f);
        const src = readFileSync(file, 'utf8');
        const input = inputFromGo(file, src, {
          cc,
          cflags: ['-O2', '-g', ...directiveCflags(src, dir)],
          goVersion: { minor: goVersion?.minor ?? 26, patch: goVersion?.patch ?? 0 },
          env: goEnv(),
        });
        ours.set(f, await compilePreamble(input, { timeoutMs: 60_000 }));
      }
      const summary = JSON.stringify(
        { go: go.output, ours: [...ours].map(([f, r]) => [f, r.diagnostics.map((d) => [d.code, d.range.start.line + 1, d.message.split('\n')[0]])]) },
        null,
        1,
      );
      if (go.ok) {
        for (const r of ours.values())
          expect(
            r.diagnostics.filter((d) => d.severity === 'error'),
            summary,
          ).toEqual([]);
        return;
      }
      expect(go.errors.length, summary).toBeGreaterThan(0);
      for (const e of go.errors) {
        const r = ours.get(e.file);
        expect(r, `${e.file} ${summary}`).toBeDefined();
        const hit = r!.diagnostics.filter((d) => d.severity === 'error' && d.range.start.line === e.line - 1);
        expect(hit.length, `go reported ${e.file}:${e.line}: ${e.text}\n${summary}`).toBeGreaterThan(0);
        // cmd/cgo's own messages (not C compiler messages) must be carried verbatim (they open the details,
        // after the cause and the fix), at the same column.
        if (/^could not determine /.test(e.text)) {
          const same = hit.find((d) => splitMessage(d.message).details[0] === e.text);
          expect(same, `${e.text}\n${summary}`).toBeDefined();
          expect(same!.range.start.character + 1).toBe(e.col);
        }
      }
    });
  }
});
