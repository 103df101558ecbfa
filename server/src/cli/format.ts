// Output formats of `cgo-ls check`: compiler-style text, JSON for scripts, SARIF 2.1.0 for code scanning.
import path from 'node:path';
import type { CodeInfo } from '../core/codes.js';
import type { CgoDiagnostic } from '../core/types.js';
import { pathToUri } from '../core/uri.js';
import { VERSION } from '../version.js';

export type Format = 'text' | 'json' | 'sarif';

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
}

export function formatText(diags: CgoDiagnostic[], cwd: string): string {
  return diags
    .map((d) => `${rel(d.file, cwd)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`)
    .join('\n');
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
