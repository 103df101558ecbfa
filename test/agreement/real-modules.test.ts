// Agreement on real code: real cgo packages from the Go module proxy (pinned, cached outside the repository).
// Per package, the oracle is the real `go build` of a program that imports it (the package is compiled and the
// program linked). Where that succeeds, the built `cgo-ls check --format json` must report no error on the
// package's files, nor a C compiler warning the build does not print; where it fails, cgo-ls must report the
// cause: an error at every Go file:line the go command names, or, when it names none, the missing pkg-config
// package or library, in one of the package's files.
// Disagreements known today are listed in KNOWN_DISAGREEMENTS (real-packages.ts) and expected to fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brief, cacheRoot, cgoLsCheck, goErrorLocations, killAll, pool, run, writeAppModule, type CheckDiag, type Run } from './helpers.js';
import { repoRoot } from '../helpers/lsp-client.js';
import { KNOWN_DISAGREEMENTS, REAL_PACKAGES, type RealPackage } from './real-packages.js';

interface Outcome {
  dir: string;
  selected: string; // module@version the go command selected
  build: Run;
  diags: CheckDiag[];
  files: string[];
}

let app = '';
let listMs = 0;
let checkRun: Run | undefined;
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  fs.mkdirSync(cacheRoot(), { recursive: true });
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-agree-'));
  writeAppModule(app, REAL_PACKAGES);
  // One serial go list: downloads what the cache lacks (once) and completes go.sum before the parallel builds.
  const list = await run('go', ['list', '-e', '-deps', '-f', '{{.ImportPath}}\t{{.Dir}}\t{{with .Module}}{{.Path}}@{{.Version}}{{end}}', './...'], {
    cwd: app,
    timeoutMs: 600_000,
  });
  listMs = list.ms;
  if (list.code !== 0) throw new Error(`go list failed: ${list.stderr}`);
  const where = new Map(
    list.stdout
      .trim()
      .split('\n')
      .map((l) => {
        const [imp, dir, mod] = l.split('\t');
        return [imp!, { dir: dir!, mod: mod! }] as const;
      }),
  );
  const pkgFiles = REAL_PACKAGES.map((p) => {
    const w = where.get(p.pkg);
    if (!w || !w.dir) throw new Error(`go list does not know ${p.pkg}: ${list.stderr}`);
    return fs
      .readdirSync(w.dir)
      .filter((f) => f.endsWith('.go'))
      .map((f) => path.join(w.dir, f))
      .sort();
  });
  fs.mkdirSync(path.join(app, 'bin'));
  // The real builds (two at a time) and one cgo-ls check over every package's files, side by side.
  const [builds, check] = await Promise.all([
    pool(REAL_PACKAGES, 2, (_p, i) => run('go', ['build', '-o', path.join(app, 'bin', `prog${i}`), `./prog${i}`], { cwd: app, timeoutMs: 900_000 })),
    cgoLsCheck(pkgFiles.flat(), app),
  ]);
  checkRun = check.run;
  REAL_PACKAGES.forEach((p, i) => {
    const w = where.get(p.pkg)!;
    const files = pkgFiles[i]!;
    outcomes.set(p.pkg, { dir: w.dir, selected: w.mod, build: builds[i]!, diags: check.diags.filter((d) => files.includes(d.file)), files });
  });
}, 1_800_000);

afterAll(() => {
  killAll();
  // The figures the brief asks for: go build + link per package (the first run fills the go build cache).
  const rows = REAL_PACKAGES.map((p) => {
    const o = outcomes.get(p.pkg);
    if (!o) return `  ${p.pkg}: not run`;
    const count = (sev: string) => o.diags.filter((d) => d.severity === sev).length;
    return `  ${p.pkg.padEnd(58)} go build+link ${(o.build.ms / 1000).toFixed(1).padStart(6)} s (${o.build.code === 0 ? 'ok  ' : 'FAIL'})   cgo-ls: ${count('error')} error(s), ${count('warning')} warning(s)`;
  });
  console.log(
    `real-module agreement: go list/download ${(listMs / 1000).toFixed(1)} s, one cgo-ls check over all packages ${((checkRun?.ms ?? 0) / 1000).toFixed(1)} s\n${rows.join('\n')}`,
  );
  if (app) fs.rmSync(app, { recursive: true, force: true });
});

function outcome(p: RealPackage): Outcome {
  const o = outcomes.get(p.pkg);
  if (!o) throw new Error(`${p.pkg} was not built (see beforeAll)`);
  return o;
}

/** The agreement assertion for one package. */
function assertAgreement(p: RealPackage): void {
  const o = outcome(p);
  const errors = o.diags.filter((d) => d.severity === 'error');
  const goOut = (o.build.stdout + o.build.stderr).trim();
  const context = `go build (exit ${o.build.code}):\n${goOut.split('\n').slice(0, 30).join('\n')}\ncgo-ls:\n${brief(o.diags, o.dir).join('\n')}`;
  if (o.build.code === 0) {
    expect(brief(errors, o.dir), `go build and link succeed, so cgo-ls must report no error\n${context}`).toEqual([]);
    // The compiler warnings cgo-ls shows are those of the preamble compiled as cgo compiles it: when the real build
    // prints no warning, there is none to show.
    if (!/warning:/.test(goOut)) {
      const ccWarnings = o.diags.filter((d) => d.code === 'cgo/c-warning');
      expect(brief(ccWarnings, o.dir), `go build prints no C compiler warning\n${context}`).toEqual([]);
    }
    return;
  }
  const locs = goErrorLocations(goOut, app);
  if (locs.length > 0) {
    for (const loc of locs) {
      const hit = errors.some((d) => d.file === loc.file && d.line === loc.line);
      expect(hit, `go build reports ${path.relative(o.dir, loc.file)}:${loc.line}: ${loc.text}; cgo-ls has no error there\n${context}`).toBe(true);
    }
    return;
  }
  const inPkg = errors.filter((d) => o.files.includes(d.file));
  const pc = /Package '?([^'\s]+)'?,? (?:was not found in the pkg-config search path|not found)/.exec(goOut);
  const lib = /cannot find -l(\S+)/.exec(goOut);
  if (pc) {
    expect(
      inPkg.some((d) => d.code === 'cgo/pkg-config-package-not-found' && d.message.includes(pc[1]!)),
      `go build: pkg-config package ${pc[1]} not found\n${context}`,
    ).toBe(true);
  } else if (lib) {
    expect(
      inPkg.some((d) => d.code === 'cgo/library-not-found' && d.message.includes(lib[1]!)),
      `go build: cannot find -l${lib[1]}\n${context}`,
    ).toBe(true);
  } else {
    expect(inPkg.length, `go build fails, so cgo-ls must report an error on the package\n${context}`).toBeGreaterThan(0);
  }
}

describe('real cgo packages from the module proxy: cgo-ls check agrees with go build', () => {
  it('has at least 20 packages, builds and failures, and a well-formed table of known disagreements', () => {
    expect(REAL_PACKAGES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(REAL_PACKAGES.map((p) => p.pkg)).size).toBe(REAL_PACKAGES.length);
    expect(REAL_PACKAGES.some((p) => !p.builds)).toBe(true);
    for (const k of KNOWN_DISAGREEMENTS) {
      expect(
        REAL_PACKAGES.map((p) => p.pkg),
        `KNOWN_DISAGREEMENTS names ${k.pkg}, which is not in REAL_PACKAGES`,
      ).toContain(k.pkg);
      for (const field of [k.cgoLs, k.goBuild, k.cause]) expect(field.trim().length).toBeGreaterThan(10);
    }
    expect(new Set(KNOWN_DISAGREEMENTS.map((k) => k.pkg)).size).toBe(KNOWN_DISAGREEMENTS.length);
  });

  it('.ci/run installs every Debian package the list needs', () => {
    const ci = fs.readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    for (const name of new Set(REAL_PACKAGES.flatMap((p) => p.apt ?? []))) expect(ci, name).toMatch(new RegExp(`\\s${name.replace(/[.+]/g, '\\$&')}(\\s|$)`));
  });

  it('the go command selected exactly the pinned versions', () => {
    for (const p of REAL_PACKAGES) expect(outcome(p).selected, p.pkg).toBe(`${p.module}@${p.version}`);
  });

  it('go build and link do here what the list says (else a Debian package is missing: see .ci/run)', () => {
    for (const p of REAL_PACKAGES) {
      const o = outcome(p);
      const apt = p.apt ? ` (apt-get install ${p.apt.join(' ')})` : '';
      expect(o.build.code === 0, `${p.pkg}${apt}: ${o.build.stderr.slice(0, 1500)}`).toBe(p.builds);
    }
  });

  for (const p of REAL_PACKAGES) {
    const known = KNOWN_DISAGREEMENTS.find((k) => k.pkg === p.pkg);
    const name = `${p.pkg}@${p.version} (${p.builds ? 'builds' : 'fails'}): ${p.why}`;
    if (known) {
      // Expected to disagree; when it agrees, the table is stale: remove the entry from KNOWN_DISAGREEMENTS.
      it(`KNOWN DISAGREEMENT ${name} — cgo-ls: ${known.cgoLs}`, () => {
        expect(outcome(p).build.code === 0, 'go build no longer does what the list says').toBe(p.builds);
        let agrees = true;
        try {
          assertAgreement(p);
        } catch {
          agrees = false;
        }
        expect(agrees, `${p.pkg} agrees with go build now: remove its entry from KNOWN_DISAGREEMENTS`).toBe(false);
      });
    } else {
      it(name, () => assertAgreement(p));
    }
  }
});
