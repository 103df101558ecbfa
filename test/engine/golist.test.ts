// The model against the real toolchain, for every fixture module: which files are cgo files, and the #cgo flags
// after condition filtering, ${SRCDIR} expansion and absolute paths, equal what `go list -json` reports.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { isFileIncluded } from '../../server/src/gomodel/preamble.js';
import { directiveFlags, mergeFlags, parseDirectives } from '../../server/src/cgorules/directives.js';
import { NEWEST_KNOWN } from '../../server/src/core/goversion.js';

const root = path.resolve(import.meta.dirname, '..', 'fixtures', 'modules');
const modules = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'go.mod')));

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
  const out = execFileSync('go', ['list', '-e', '-json', './...'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' }, encoding: 'utf8' });
  return JSON.parse(`[${out.replace(/}\n{/g, '},{')}]`) as ListedPackage[];
}

describe('model vs go list -json', () => {
  for (const mod of modules) {
    it(`${mod}: CgoFiles and Cgo*FLAGS match`, async () => {
      const engine = new Engine({ env: process.env, settings: { ...defaultSettings, checkShellEnv: false } });
      for (const pkg of goList(path.join(root, mod))) {
        if (pkg.Error) continue; // a package-load error (e.g. an invalid #cgo verb) stops go list's own flag collection
        const tc = await engine.toolchain(path.join(pkg.Dir, 'x.go'));
        const ctx = engine.buildContext(tc);
        const goFiles = fs.readdirSync(pkg.Dir).filter((f) => f.endsWith('.go')).sort();
        const cgoFiles: string[] = [];
        const flags = [];
        for (const name of goFiles) {
          const model = (await engine.model(path.join(pkg.Dir, name)))!;
          if (!model.importsC || !isFileIncluded(model, ctx).included) continue;
          cgoFiles.push(name);
          for (const imp of model.cImports) {
            if (imp.preamble) flags.push(directiveFlags(parseDirectives(imp.preamble, { build: ctx, srcDir: pkg.Dir, goVersion: tc.go.version ?? NEWEST_KNOWN }).directives));
          }
        }
        expect(cgoFiles, pkg.Dir).toEqual(pkg.CgoFiles ?? []);
        const merged = mergeFlags(flags);
        expect({ dir: pkg.Dir, CFLAGS: merged.CFLAGS, CPPFLAGS: merged.CPPFLAGS, LDFLAGS: merged.LDFLAGS, pkgConfig: merged.pkgConfig }).toEqual({
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
