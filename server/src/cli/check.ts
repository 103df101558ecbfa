// `cgo-ls check [paths…] [--format text|json|sarif]`: the engine run over files on disk, printed like a compiler.
import fs from 'node:fs';
import path from 'node:path';
import type { CgoDiagnostic, Logger } from '../core/types.js';
import { defaultSettings, Engine, findModuleRoot, isCgoCandidate, packageCSources, parseTargets, walkGoFiles, type TargetVerdict } from '../engine/index.js';
import { formatJson, formatSarif, formatText, type Format } from './format.js';

export interface CheckOptions {
  paths: string[];
  format: Format;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Exit 0 even with errors (the bundled demo expects problems). */
  demo?: boolean;
  /** Extra GOOS/GOARCH targets to evaluate (comma-separated), printed as a per-package verdict. */
  targets?: string | undefined;
  write: (s: string) => void;
}

/** Collects the .go files and go.mod files to check for the given paths. */
export function collectFiles(paths: string[], cwd: string, ignoreDirs: string[]): { goFiles: string[]; goMods: string[] } {
  const goFiles = new Set<string>();
  const modRoots = new Set<string>();
  for (const p of paths.length > 0 ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new Error(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const f of walkGoFiles(abs, { ignoreDirs })) goFiles.add(f);
      const root = findModuleRoot(abs);
      if (root) modRoots.add(root);
      // Modules below the folder (examples/, a go.work workspace …) are checked too.
      for (const f of goFiles) {
        const r = findModuleRoot(path.dirname(f));
        if (r) modRoots.add(r);
      }
    } else if (abs.endsWith('.go')) {
      goFiles.add(abs);
      const r = findModuleRoot(path.dirname(abs));
      if (r) modRoots.add(r);
    } else if (path.basename(abs) === 'go.mod') {
      modRoots.add(path.dirname(abs));
    }
  }
  return { goFiles: [...goFiles].sort(), goMods: [...modRoots].sort().map((r) => path.join(r, 'go.mod')) };
}

export async function runCheck(opts: CheckOptions): Promise<number> {
  const engine = new Engine({ env: opts.env, settings: defaultSettings, log: opts.log });
  if (opts.targets !== undefined) {
    try {
      parseTargets(opts.targets);
    } catch (e) {
      opts.log.error(`cgo-ls check: ${(e as Error).message}`);
      return 2;
    }
  }
  let files: { goFiles: string[]; goMods: string[] };
  try {
    files = collectFiles(opts.paths, opts.cwd, defaultSettings.ignoreDirs);
  } catch (e) {
    opts.log.error(`cgo-ls check: ${(e as Error).message}`);
    return 2;
  }
  const diagnostics: CgoDiagnostic[] = [];
  for (const mod of files.goMods) diagnostics.push(...(await engine.analyze(mod, { compile: 'none' })).diagnostics);
  // Cheap pre-filter first, then at most two files analysed at once (compilers are the slow part).
  const candidates: string[] = [];
  for (const f of files.goFiles) {
    const text = await engine.getText(f);
    if (text === null) opts.log.warn(`cgo-ls check: ${f} could not be read`);
    else if (isCgoCandidate(text)) candidates.push(f);
  }
  // The packages' own C sources are compiled with the package's flags too (go build fails there as well).
  const wanted = new Set(files.goFiles.map((f) => path.dirname(f)));
  for (const dir of [...new Set(candidates.map((f) => path.dirname(f)))].sort()) {
    if (wanted.has(dir)) candidates.push(...packageCSources(dir));
  }
  const results: CgoDiagnostic[][] = new Array(candidates.length);
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const i = next++;
      results[i] = (await engine.analyze(candidates[i]!, { compile: 'run', libraries: true })).diagnostics;
    }
  };
  await Promise.all([worker(), worker()]);
  for (const r of results) diagnostics.push(...(r ?? []));
  // The target matrix, per package directory that has cgo files.
  const matrix: { dir: string; verdicts: TargetVerdict[] }[] = [];
  if (opts.targets !== undefined) {
    for (const dir of [...new Set(candidates.map((f) => path.dirname(f)))].sort()) {
      matrix.push({ dir, verdicts: await engine.targetMatrix(dir, opts.targets) });
    }
  }
  diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (opts.format === 'json') {
    const json = formatJson(diagnostics, opts.cwd);
    if (opts.targets === undefined) opts.write(json + '\n');
    else opts.write(JSON.stringify({ diagnostics: JSON.parse(json), targets: matrix.map((m) => ({ dir: path.relative(opts.cwd, m.dir) || '.', verdicts: m.verdicts })) }, null, 2) + '\n');
  }
  else if (opts.format === 'sarif') opts.write(formatSarif(diagnostics, Engine.codes(), opts.cwd) + '\n');
  else {
    const text = formatText(diagnostics, opts.cwd);
    if (text) opts.write(text + '\n');
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
    for (const m of matrix) {
      opts.write(`targets for ${path.relative(opts.cwd, m.dir) || '.'}:\n`);
      for (const v of m.verdicts) opts.write(`  ${v.ok ? '✓' : '✗'} ${v.target.padEnd(15)} ${v.summary}\n`);
    }
    opts.write(`cgo-ls: ${candidates.length} cgo file(s) checked, ${errors} error(s), ${warnings} warning(s)\n`);
  }
  if (opts.demo) return 0;
  const unbuildable = matrix.some((m) => m.verdicts.some((v) => !v.ok));
  return diagnostics.some((d) => d.severity === 'error') || unbuildable ? 1 : 0;
}
