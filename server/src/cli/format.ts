// Output formats of `cgo-ls check`: compiler-style text, JSON for scripts, SARIF 2.1.0 for code scanning, GitLab's
// Code Quality report (a Code Climate subset) for merge requests, Markdown for a CI job summary.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CodeInfo } from '../core/codes.js';
import type { CgoDiagnostic } from '../core/types.js';
import { pathToUri } from '../core/uri.js';
import { VERSION } from '../version.js';

export type Format = 'text' | 'json' | 'sarif' | 'codequality' | 'markdown';

export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'codequality', 'markdown'];

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
}

export function formatText(diags: CgoDiagnostic[], cwd: string): string {
  return diags.map((d) => `${rel(d.file, cwd)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`).join('\n');
}

export function formatJson(diags: CgoDiagnostic[], cwd: string): string {
  return JSON.stringify(
    diags.map((d) => ({
      file: rel(d.file, cwd),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
      data: d.data ?? null,
    })),
    null,
    2,
  );
}

export function formatSarif(diags: CgoDiagnostic[], codes: CodeInfo[], cwd: string): string {
  const used = [...new Set(diags.map((d) => d.code))];
  const rules = used.map((id) => {
    const info = codes.find((c) => c.code === id);
    return {
      id,
      name: id.replace(/^cgo\//, ''),
      shortDescription: { text: info?.title ?? id },
      fullDescription: { text: info?.cause ?? info?.title ?? id },
      help: { text: info?.fix ?? '' },
      defaultConfiguration: { level: level(info?.severity ?? 'error') },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'cgo-ls', version: VERSION, semanticVersion: VERSION, rules } },
        originalUriBaseIds: { SRCROOT: { uri: pathToUri(cwd) + '/' } },
        results: diags.map((d) => {
          const r = rel(d.file, cwd);
          const inside = !path.isAbsolute(r);
          return {
            ruleId: d.code,
            ruleIndex: used.indexOf(d.code),
            level: level(d.severity),
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: inside ? { uri: r.split(path.sep).join('/'), uriBaseId: 'SRCROOT' } : { uri: pathToUri(d.file) },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          };
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

function level(s: CgoDiagnostic['severity']): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/**
 * GitLab Code Quality (`artifacts: reports: codequality`): a JSON array of issues with `description`, `check_name`,
 * `fingerprint` (stable across runs: code, path, line, first message line), `severity` (info/minor/major/critical/
 * blocker) and `location.path` (relative to the repository root, which is the job's working directory) with
 * `location.lines.begin`.
 */
export function formatCodeQuality(diags: CgoDiagnostic[], cwd: string): string {
  const sev = (s: CgoDiagnostic['severity']) => (s === 'error' ? 'major' : s === 'warning' ? 'minor' : 'info');
  return JSON.stringify(
    diags.map((d) => {
      const file = rel(d.file, cwd).split(path.sep).join('/');
      const first = d.message.split('\n')[0]!;
      return {
        type: 'issue',
        check_name: d.code,
        description: first,
        content: { body: d.message },
        categories: ['Bug Risk'],
        fingerprint: createHash('sha256')
          .update(`${d.code}\0${file}\0${d.range.start.line + 1}\0${first}`)
          .digest('hex')
          .slice(0, 32),
        severity: sev(d.severity),
        location: { path: file, lines: { begin: d.range.start.line + 1, end: d.range.end.line + 1 } },
      };
    }),
    null,
    2,
  );
}

/** Text for a Markdown table cell: `|` escaped everywhere (GitHub needs it inside code spans too), `<>*_[]\\`
 * escaped outside code spans so `#include <stdio.h>` is not taken for HTML. */
export function mdCell(s: string): string {
  return s
    .replace(/\n/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/([\\*_[\]])/g, '\\$1')
            .replace(/</g, '&lt;')
            .replace(/>/g, '&gt;'),
    )
    .join('')
    .replace(/\|/g, '\\|');
}

/** Markdown for a job summary: one line of totals, then a table of the diagnostics (first message line). */
export function formatMarkdown(diags: CgoDiagnostic[], cwd: string, totals: { files: number; errors: number; warnings: number }): string {
  const out: string[] = ['## cgo-ls check', ''];
  const mark = totals.errors > 0 ? '❌' : totals.warnings > 0 ? '⚠️' : '✅';
  out.push(`${mark} ${totals.files} cgo file(s) checked: ${totals.errors} error(s), ${totals.warnings} warning(s).`);
  if (diags.length > 0) {
    out.push('', '| Where | Severity | Code | Problem |', '|---|---|---|---|');
    for (const d of diags) {
      const [first, ...rest] = d.message.split('\n');
      const fix = rest.find((l) => l.startsWith('Fix: '));
      const where = `${rel(d.file, cwd).split(path.sep).join('/')}:${d.range.start.line + 1}`;
      out.push(`| \`${where}\` | ${d.severity} | \`${d.code}\` | ${mdCell(first ?? '')}${fix ? `<br>${mdCell(fix)}` : ''} |`);
    }
  }
  return out.join('\n');
}
