// Cross-checks against the real go command: `go list` (file inclusion) and `go tool cgo` (the preamble C text).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { buildCgoSource, CGO_BUILTIN_PROLOG, isFileIncluded } from '../../server/src/gomodel/preamble.js';
import type { BuildContext } from '../../server/src/gomodel/types.js';
import { hasGcc, hasGo } from './helpers.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gomodel');
const goEnv = (extra: Record<string, string>) => ({ ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', ...extra });

function goMinor(): number {
  const v = execFileSync('go', ['env', 'GOVERSION'], { env: goEnv({}) }).toString();
  return Number(/go1\.(\d+)/.exec(v)?.[1] ?? 26);
}

describe.skipIf(!hasGo())('isFileIncluded agrees with go list', () => {
  const dir = path.join(fixtures, 'buildlist');
  const targets: [string, string, boolean][] = [
    ['linux', 'amd64', true],
    ['linux', 'amd64', false],
    ['windows', 'amd64', true],
    ['windows', 'amd64', false],
    ['linux', 'arm64', false],
  ];
  for (const [goos, goarch, cgo] of targets) {
    it(`puts the same files in GoFiles/CgoFiles vs IgnoredGoFiles for ${goos}/${goarch} CGO_ENABLED=${cgo ? 1 : 0}`, async () => {
      const out = execFileSync('go', ['list', '-e', '-json', '.'], {
        cwd: dir,
        env: goEnv({ GOOS: goos, GOARCH: goarch, CGO_ENABLED: cgo ? '1' : '0' }),
      }).toString();
      const pkg = JSON.parse(out) as { GoFiles?: string[]; CgoFiles?: string[]; IgnoredGoFiles?: string[] };
      const ctx: BuildContext = { goos, goarch, cgoEnabled: cgo, goMinor: goMinor(), compiler: 'gc', buildTags: [], toolTags: [] };
      const included: string[] = [];
      const ignored: string[] = [];
      for (const name of fs
        .readdirSync(dir)
        .filter((n) => n.endsWith('.go'))
        .sort()) {
        const f = await parseGoFile(path.join(dir, name), fs.readFileSync(path.join(dir, name), 'utf8'));
        const r = isFileIncluded(f, ctx);
        if (r.included) included.push(name);
        else if (!name.startsWith('_') && !name.startsWith('.')) ignored.push(name);
        expect(r.included || typeof r.reason === 'string').toBe(true);
      }
      expect(included).toEqual([...(pkg.GoFiles ?? []), ...(pkg.CgoFiles ?? [])].sort());
      expect(ignored).toEqual([...(pkg.IgnoredGoFiles ?? [])].sort());
    });
  }
});

describe.skipIf(!hasGo() || !hasGcc())('buildCgoSource agrees with go tool cgo', () => {
  it('produces exactly the preamble text cmd/cgo writes into <file>.cgo2.c (after the builtin prolog)', async () => {
    const dir = path.join(fixtures, 'cgosrc');
    const objdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-cgo-'));
    try {
      const names = fs.readdirSync(dir).filter((n) => n.endsWith('.go'));
      execFileSync('go', ['tool', 'cgo', '-objdir', objdir, ...names], { cwd: dir, env: goEnv({}) });
      for (const name of names) {
        const cgo2 = fs.readFileSync(path.join(objdir, name.replace(/\.go$/, '.cgo2.c')), 'utf8');
        expect(cgo2.startsWith(CGO_BUILTIN_PROLOG + '\n')).toBe(true);
        const rest = cgo2.slice(CGO_BUILTIN_PROLOG.length + 1);
        const end = rest.lastIndexOf('#line 1 "cgo-generated-wrapper"\n') + '#line 1 "cgo-generated-wrapper"\n'.length;
        const abs = path.join(dir, name);
        const f = await parseGoFile(abs, fs.readFileSync(abs, 'utf8'));
        expect(buildCgoSource(f).text).toBe(rest.slice(0, end));
      }
    } finally {
      fs.rmSync(objdir, { recursive: true, force: true });
    }
  });
});
