// The model against the real toolchain, for every fixture module: which files are cgo files, and the #cgo flags
// after condition filtering, ${SRCDIR} expansion and absolute paths, equal what `go list -json` reports.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { flagsOf } from '../../server/src/engine/package.js';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures');
// Every fixture module: the multi-package ones, the compiler and the #cgo-rule fixtures.
const modules = ['modules', 'compiler', 'cgorules'].flatMap((group) =>
  fs
    .readdirSync(path.join(fixtures, group))
    .filter((d) => fs.existsSync(path.join(fixtures, group, d, 'go.mod')))
    .map((d) => `${group}/${d}`),
);

interface ListedPackage {
  Dir: string;
  CgoFiles?: string[];
  CgoCFLAGS?: string[];
  CgoCPPFLAGS?: string[];
  CgoLDFLAGS?: string[];
  CgoPkgConfig?: string[];
  Error?: { Err: string };
}

function goList(dir: string): ListedPackage[] {
  const out = execFileSync('go', ['list', '-e', '-json', './...'], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
  });
  return JSON.parse(`[${out.replace(/}\n{/g, '},{')}]`) as ListedPackage[];
}

describe('model vs go list -json', () => {
  for (const mod of modules) {
    it(`${mod}: CgoFiles and Cgo*FLAGS match`, async () => {
      const engine = new Engine({ env: process.env, settings: { ...defaultSettings, checkShellEnv: false } });
      for (const pkg of goList(path.join(fixtures, mod))) {
        if (pkg.Error) continue; // a package-load error (e.g. an invalid #cgo verb) stops go list's own flag collection
        // The engine's package model (what every preamble of the package is compiled with) is the one under test.
        const cgoFiles = (pkg.CgoFiles ?? []).map((f) => path.join(pkg.Dir, f));
        const probe =
          cgoFiles[0] ??
          fs
            .readdirSync(pkg.Dir)
            .filter((f) => f.endsWith('.go'))
            .map((f) => path.join(pkg.Dir, f))[0];
        if (!probe) continue;
        const model = await engine.packageFlags(probe);
        expect(model?.cgoFiles ?? [], pkg.Dir).toEqual(cgoFiles);
        if (!model) continue;
        expect({
          dir: pkg.Dir,
          CFLAGS: flagsOf(model, 'CFLAGS'),
          CPPFLAGS: flagsOf(model, 'CPPFLAGS'),
          LDFLAGS: flagsOf(model, 'LDFLAGS'),
          pkgConfig: flagsOf(model, 'pkgConfig'),
        }).toEqual({
          dir: pkg.Dir,
          CFLAGS: pkg.CgoCFLAGS ?? [],
          CPPFLAGS: pkg.CgoCPPFLAGS ?? [],
          LDFLAGS: pkg.CgoLDFLAGS ?? [],
          pkgConfig: pkg.CgoPkgConfig ?? [],
        });
      }
    });
  }
});
