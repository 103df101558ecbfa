// `cgo-ls check [paths…] [--format text|json|sarif|codequality|markdown] [--targets L] [--matrix [--cgo 0,1]]`: the
// engine run over files on disk, printed like a compiler; `--matrix` adds what go build / go vet / go test / go run do
// per target and CGO_ENABLED value (engine/matrix.ts).
//
// Exit codes: 0 — no error diagnostic, every `--targets` verdict buildable and no failing `--matrix` cell (warnings,
// excluded test files and library stubs do not count); 1 — an error diagnostic, an unbuildable target, or a matrix
// cell whose go build / go vet / go test / go run fails (a `go run` that only reaches a stub counts); 2 — usage error
// (bad flag, format, target list or path). `--demo` always exits 0.
import fs from 'node:fs';
import path from 'node:path';
import type { CgoDiagnostic, Logger } from '../core/types.js';
import {
  commandMatrix,
  defaultSettings,
  Engine,
  findModuleRoot,
  isCgoCandidate,
  packageCSources,
  parseCgoValues,
  parseTargets,
  walkGoFiles,
  type CommandMatrix,
  type TargetVerdict,
} from '../engine/index.js';
import { formatCodeQuality, formatJson, formatMarkdown, formatSarif, formatText, type Format } from './format.js';
import { matrixJson, matrixMarkdown, matrixText } from './matrixformat.js';

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
  /** `--matrix`: what go build / go vet / go test / go run do per target × CGO_ENABLED (targets: `targets`, else the host plus windows/amd64). */
  matrix?: boolean;
  /** `--cgo 0,1`: the CGO_ENABLED values of the matrix (default both). */
  cgo?: string | undefined;
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

/**
 * The settings of a `check` run. No login shell is read (checkShellEnv off): `check` judges the environment it runs
 * in, which is the one `go build` run from the same place gets, so an editor-vs-shell drift means nothing here; a
 * login shell with pyenv, nvm or conda took ~500 ms of a 750 ms `check` (and 5 s where it never finishes). `doctor`
 * still compares with it.
 */
export const checkSettings = { ...defaultSettings, checkShellEnv: false };

export async function runCheck(opts: CheckOptions): Promise<number> {
  const engine = new Engine({ env: opts.env, settings: checkSettings, log: opts.log });
  try {
    return await checkWith(engine, opts);
  } finally {
    // The engine's worker threads (the C index's, started by the C field check) end now: an idle one would keep the
    // process alive for its idle timeout (30 s) after the report is printed.
    await engine.close();
  }
}

async function checkWith(engine: Engine, opts: CheckOptions): Promise<number> {
  let cgoValues: (0 | 1)[] | undefined;
  try {
    if (opts.targets !== undefined) parseTargets(opts.targets);
    if (opts.cgo !== undefined) cgoValues = parseCgoValues(opts.cgo);
  } catch (e) {
    opts.log.error(`cgo-ls check: ${(e as Error).message}`);
    return 2;
  }
  if (opts.cgo !== undefined && !opts.matrix) {
    opts.log.error('cgo-ls check: --cgo only applies to --matrix');
    return 2;
  }
  let files: { goFiles: string[]; goMods: string[] };
  try {
    files = collectFiles(opts.paths, opts.cwd, checkSettings.ignoreDirs);
  } catch (e) {
    opts.log.error(`cgo-ls check: ${(e as Error).message}`);
    return 2;
  }
  const diagnostics: CgoDiagnostic[] = [];
  for (const mod of files.goMods) diagnostics.push(...(await engine.analyze(mod, { compile: 'none' })).diagnostics);
  // Cheap pre-filter first, then as many files analysed at once as the compile service runs compilers (two on two
  // cores, one fewer than the cores above that: compilers are the slow part).
  const candidates: string[] = [];
  for (const f of files.goFiles) {
    const text = await engine.getText(f);
    if (text === null) opts.log.warn(`cgo-ls check: ${f} could not be read`);
    else if (isCgoCandidate(text, f)) candidates.push(f);
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
  await Promise.all(Array.from({ length: engine.compiler.concurrency }, worker));
  for (const r of results) diagnostics.push(...(r ?? []));
  // The target matrix, per package directory that has cgo files.
  const matrix: { dir: string; verdicts: TargetVerdict[] }[] = [];
  if (opts.targets !== undefined && !opts.matrix) {
    for (const dir of [...new Set(candidates.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => path.dirname(f)))].sort()) {
      matrix.push({ dir, verdicts: await engine.targetMatrix(dir, opts.targets) });
    }
  }
  diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  // The command matrix, over every package directory of the files asked for (those cgo does not touch are counted).
  let commands: CommandMatrix | null = null;
  if (opts.matrix) {
    const dirs = [...wanted].sort();
    commands =
      dirs.length > 0
        ? await commandMatrix(engine, dirs, { targets: opts.targets, ...(cgoValues ? { cgo: cgoValues } : {}), errors: diagnostics })
        : { targets: [], cgo: cgoValues ?? [0, 1], packages: [], unaffected: 0, failing: 0 };
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (opts.format === 'json') {
    const json = formatJson(diagnostics, opts.cwd);
    if (commands) opts.write(JSON.stringify({ diagnostics: JSON.parse(json), matrix: matrixJson(commands, opts.cwd) }, null, 2) + '\n');
    else if (opts.targets === undefined) opts.write(json + '\n');
    else
      opts.write(
        JSON.stringify(
          { diagnostics: JSON.parse(json), targets: matrix.map((m) => ({ dir: path.relative(opts.cwd, m.dir) || '.', verdicts: m.verdicts })) },
          null,
          2,
        ) + '\n',
      );
  } else if (opts.format === 'sarif') opts.write(formatSarif(diagnostics, Engine.codes(), opts.cwd) + '\n');
  else if (opts.format === 'codequality') opts.write(formatCodeQuality(diagnostics, opts.cwd) + '\n');
  else if (opts.format === 'markdown') {
    opts.write(formatMarkdown(diagnostics, opts.cwd, { files: candidates.length, errors, warnings }) + '\n');
    for (const m of matrix) {
      opts.write(`\n**Targets for \`${path.relative(opts.cwd, m.dir) || '.'}\`**\n\n`);
      for (const v of m.verdicts) opts.write(`- ${v.ok ? '✅' : '❌'} \`${v.target}\` ${v.summary.replace(/([|*_<>])/g, '\\$1')}\n`);
    }
    if (commands) opts.write('\n' + matrixMarkdown(commands, opts.cwd) + '\n');
  } else {
    const text = formatText(diagnostics, opts.cwd);
    if (text) opts.write(text + '\n');
    if (commands) opts.write(matrixText(commands, opts.cwd));
    for (const m of matrix) {
      opts.write(`targets for ${path.relative(opts.cwd, m.dir) || '.'}:\n`);
      for (const v of m.verdicts) opts.write(`  ${v.ok ? '✓' : '✗'} ${v.target.padEnd(15)} ${v.summary}\n`);
    }
    opts.write(`cgo-ls: ${candidates.length} cgo file(s) checked, ${errors} error(s), ${warnings} warning(s)\n`);
  }
  await engine.flush(); // the compiler results go to the disk cache before the process exits
  if (opts.demo) return 0;
  const unbuildable = matrix.some((m) => m.verdicts.some((v) => !v.ok)) || (commands !== null && commands.failing > 0);
  return errors > 0 || unbuildable ? 1 : 0;
}
