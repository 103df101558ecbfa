// How `cgo-ls check --matrix` prints the command matrix (engine/matrix.ts): text for a terminal, JSON for scripts,
// Markdown for a CI job summary (one table per package: target × CGO_ENABLED rows, go build / go vet·test / go run
// columns).
import path from 'node:path';
import type { CommandMatrix, CommandVerdict, MatrixCell, MatrixStatus } from '../engine/index.js';
import { mdCell } from './format.js';

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  if (r === '') return '.';
  return !r.startsWith('..') && !path.isAbsolute(r) ? r.split(path.sep).join('/') : file;
}

/** A summary with the paths below `cwd` made relative (the go command's messages hold absolute directories). */
function short(s: string, cwd: string): string {
  return s.split(cwd + path.sep).join('');
}

/** ✓ fine, ! works with a caveat (tests left out, a library that builds a stub), ✗ fails. */
function mark(v: CommandVerdict, isRun = false): string {
  const m: Record<MatrixStatus, string> = { ok: '✓', 'no-test-files': '✓', 'excludes-tests': '!', stub: isRun ? '✗' : '!', fails: '✗' };
  return m[v.status];
}

function emoji(v: CommandVerdict, isRun = false): string {
  const m: Record<MatrixStatus, string> = { ok: '✅', 'no-test-files': '➖', 'excludes-tests': '⚠️', stub: isRun ? '❌' : '⚠️', fails: '❌' };
  return m[v.status];
}

function cellEnv(c: MatrixCell): string {
  return `CGO_ENABLED=${c.cgo}${c.cgo === 1 && c.cc ? ` CC=${c.cc.join(' ')}` : ''}`;
}

export function matrixText(m: CommandMatrix, cwd: string): string {
  const out: string[] = [];
  for (const p of m.packages) {
    out.push(`matrix for ${rel(p.dir, cwd) || '.'} (${p.importPath}${p.main ? ', main' : ''}):`);
    for (const c of p.cells) {
      out.push(`  ${c.target.padEnd(15)} ${cellEnv(c)}`);
      out.push(`    go build  ${mark(c.build)} ${short(c.build.summary, cwd)}`);
      out.push(`    go test   ${mark(c.test)} ${short(c.test.summary, cwd)}`);
      if (c.run) out.push(`    go run    ${mark(c.run, true)} ${short(c.run.summary, cwd)}`);
    }
  }
  const cells = m.packages.reduce((n, p) => n + p.cells.length, 0);
  out.push(
    `cgo-ls matrix: ${m.packages.length} package(s) × ${m.targets.join(', ') || 'no target'} × CGO_ENABLED=${m.cgo.join('/')}: ${m.failing} of ${cells} cell(s) fail${m.unaffected > 0 ? `; ${m.unaffected} package(s) do not depend on cgo` : ''}`,
  );
  return out.join('\n') + '\n';
}

export function matrixJson(m: CommandMatrix, cwd: string): unknown {
  const where = (v: CommandVerdict) => (v.at ? { ...v.at, file: rel(v.at.file, cwd) } : undefined);
  return {
    targets: m.targets,
    cgo: m.cgo,
    failing: m.failing,
    unaffected: m.unaffected,
    packages: m.packages.map((p) => ({
      dir: rel(p.dir, cwd) || '.',
      importPath: p.importPath,
      name: p.name,
      main: p.main,
      cells: p.cells.map((c) => ({
        ...c,
        build: { ...c.build, at: where(c.build) },
        test: { ...c.test, at: where(c.test) },
        run: c.run ? { ...c.run, at: where(c.run) } : null,
      })),
    })),
  };
}

function mdVerdict(v: CommandVerdict, cwd: string, isRun = false): string {
  const at = v.at ? ` at \`${rel(v.at.file, cwd)}:${v.at.line}\`` : '';
  return `${emoji(v, isRun)} ${mdCell(short(v.summary, cwd))}${v.status === 'fails' ? at : ''}`;
}

/** One table per package; reads well in `$GITHUB_STEP_SUMMARY`. */
export function matrixMarkdown(m: CommandMatrix, cwd: string): string {
  const out: string[] = ['## cgo-ls command matrix', ''];
  const cells = m.packages.reduce((n, p) => n + p.cells.length, 0);
  out.push(
    `${m.failing > 0 ? '❌' : '✅'} ${m.packages.length} package(s) × ${m.targets.map((t) => `\`${t}\``).join(', ')} × CGO_ENABLED=${m.cgo.join('/')}: **${m.failing} of ${cells}** cell(s) fail.${m.unaffected > 0 ? ` ${m.unaffected} package(s) do not depend on cgo.` : ''}`,
    '',
    '✅ works · ⚠️ works, but tests are left out or a stub is built · ❌ fails · ➖ no test files',
  );
  for (const p of m.packages) {
    out.push('', `### \`${p.importPath}\`${p.main ? ' (main)' : ''}`, '');
    out.push(
      p.main ? '| Target | Environment | `go build` | `go vet` / `go test` | `go run` |' : '| Target | Environment | `go build` | `go vet` / `go test` |',
    );
    out.push(p.main ? '|---|---|---|---|---|' : '|---|---|---|---|');
    for (const c of p.cells) {
      const row = [`\`${c.target}\``, `\`${cellEnv(c)}\``, mdVerdict(c.build, cwd), mdVerdict(c.test, cwd)];
      if (p.main) row.push(c.run ? mdVerdict(c.run, cwd, true) : '');
      out.push(`| ${row.join(' | ')} |`);
    }
  }
  return out.join('\n');
}
