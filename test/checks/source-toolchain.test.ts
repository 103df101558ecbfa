// The export-definition rule against the real toolchain: what `go build` rejects at link time we flag, and what
// links we leave alone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../server/src/checks/source.js';
import { parseGoVersion } from '../../server/src/core/goversion.js';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { hasGcc, hasGo } from '../gomodel/helpers.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gomodel');

function goBuild(dir: string, cgo = true): { ok: boolean; out: string } {
  const r = spawnSync('go', ['build', '-o', process.platform === 'win32' ? 'NUL' : '/dev/null', '.'], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: cgo ? '1' : '0' },
    encoding: 'utf8',
  });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

async function diagnostics(dir: string) {
  const version = parseGoVersion(spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).stdout)!;
  const all = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.go'))) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    all.push(...checkSource(await parseGoFile(path.join(dir, name), text), { goVersion: version, text }));
  }
  return all;
}

describe.skipIf(!hasGo() || !hasGcc())('source checks vs go build', () => {
  it('flags exactly the symbols the linker reports as "multiple definition" in an exporting file', async () => {
    const dir = path.join(fixtures, 'exportdef');
    const build = goBuild(dir);
    expect(build.ok).toBe(false);
    const linkerSyms = [...build.out.matchAll(/multiple definition of `([^']+)'/g)].map((m) => m[1]).sort();
    const ours = (await diagnostics(dir))
      .filter((d) => d.code === 'cgo/export-preamble-definition')
      .map((d) => d.data!['name'])
      .sort();
    expect(linkerSyms).toEqual(['helper', 'shared']);
    expect(ours).toEqual(linkerSyms);
  });

  it('reports nothing for static / static inline definitions, which link fine', async () => {
    const dir = path.join(fixtures, 'exportstatic');
    expect(goBuild(dir).ok).toBe(true);
    expect(await diagnostics(dir)).toEqual([]);
  });

  it('reports nothing for the healthy package, which builds with and without cgo', async () => {
    const dir = path.join(fixtures, 'healthy');
    expect(goBuild(dir, true)).toMatchObject({ ok: true });
    expect(goBuild(dir, false)).toMatchObject({ ok: true });
    expect(await diagnostics(dir)).toEqual([]);
  });
});
