// Conversions between the engine's types and LSP's: diagnostics (severity, code link, related information, tags),
// the hover text that explains the diagnostics under the cursor, and fixes as workspace edits. Pure functions of
// their arguments; the handlers call them.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type ClientCapabilities, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver/node.js';
import type { CgoDiagnostic, Position, Range } from '../core/types.js';
import { DIAGNOSTIC_SOURCE } from '../core/types.js';
import { pathToUri } from '../core/uri.js';
import { anchor, Engine, findPackageRoot, type Fix } from '../engine/index.js';

const SEVERITY: Record<CgoDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const protocolDoc = pathToFileURL(path.join(findPackageRoot(), 'protocol.md')).toString();

/** The anchor of a code's row in protocol.md (`cgo/preamble-detached` → `#cgopreamble-detached`). */
export function codeHref(code: string): string {
  return `${protocolDoc}#${anchor(code)}`;
}

const CATALOGUE = new Map(Engine.codes().map((c) => [c.code, c]));

/** Codes gopls publishes at the same range in the same words (the catalogue's `gopls.sameWords`). */
export const SAID_BY_GOPLS: ReadonlySet<string> = new Set(
  Engine.codes()
    .filter((c) => c.gopls?.sameWords)
    .map((c) => c.code),
);

/**
 * The hover part for the diagnostics under the cursor (issue 13: long explanations go to the hover on the
 * diagnostic's range): each message with its lines kept, the catalogue's explanation and the link to protocol.md.
 * Helix flattens a multi-line message into one status line and Neovim's virtual text cuts it; the hover shows all.
 */
export function diagnosticHover(diags: CgoDiagnostic[]): string | null {
  if (diags.length === 0) return null;
  return diags
    .map((d) => {
      const [cause, ...rest] = d.message.split('\n');
      const info = CATALOGUE.get(d.code);
      return [`**${cause}** (\`${d.code}\`)`, ...rest.map((l) => `- ${l}`), info ? `\n${info.cause}` : '', `\n[${d.code} in protocol.md](${codeHref(d.code)})`]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n\n---\n\n');
}

/** The diagnostics whose range contains `pos` (both ends inclusive). */
export function diagnosticsAt(diags: readonly CgoDiagnostic[], pos: Position): CgoDiagnostic[] {
  return diags.filter(
    (d) =>
      (d.range.start.line < pos.line || (d.range.start.line === pos.line && d.range.start.character <= pos.character)) &&
      (d.range.end.line > pos.line || (d.range.end.line === pos.line && d.range.end.character >= pos.character)),
  );
}

export function linesTouch(a: Range, b: Range): boolean {
  return a.start.line <= b.end.line && b.start.line <= a.end.line;
}

export interface DiagnosticCaps {
  codeDescription: boolean;
  related: boolean;
}

export function diagnosticCaps(caps: ClientCapabilities): DiagnosticCaps {
  return {
    codeDescription: caps.textDocument?.publishDiagnostics?.codeDescriptionSupport === true,
    related: caps.textDocument?.publishDiagnostics?.relatedInformation === true,
  };
}

export function toLspDiagnostic(d: CgoDiagnostic, caps: DiagnosticCaps): Diagnostic {
  const out: Diagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    source: DIAGNOSTIC_SOURCE,
    code: d.code,
    message: d.message,
    data: d.data ?? { code: d.code },
  };
  if (caps.codeDescription) out.codeDescription = { href: codeHref(d.code) };
  if (caps.related && d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: pathToUri(r.file), range: r.range }, message: r.message }));
  }
  if (d.tags) out.tags = d.tags.map((t) => (t === 'unnecessary' ? 1 : 2));
  return out;
}

/**
 * A diagnostic of ours sent back by the client in a code-action request, as the engine's type. Only the code and
 * the range are used: what a fix does is computed again from the server's own state, never from the client's data.
 */
export function fromLspDiagnostic(file: string, d: Diagnostic): CgoDiagnostic {
  return {
    file,
    range: d.range,
    severity: 'error',
    code: String(d.code),
    message: d.message as CgoDiagnostic['message'], // our own message, sent back by the client
    data: (d.data as CgoDiagnostic['data']) ?? { code: String(d.code) },
  };
}

/** A fix's edits and file creations as a WorkspaceEdit the client can apply (undefined: it has none). */
export function toWorkspaceEdit(f: Fix, caps: ClientCapabilities, versionOf: (uri: string) => number | undefined): WorkspaceEdit | undefined {
  if (!f.edits && !f.create) return undefined;
  const canDocChanges = caps.workspace?.workspaceEdit?.documentChanges === true;
  if (f.create && f.create.length > 0) {
    const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
    for (const c of f.create) {
      const uri = pathToUri(c.file);
      // Neither overwrite nor ignoreIfExists: if the file appeared since the action was offered, the client fails
      // the whole edit instead of inserting a second copy (a second JSON object) at the top of the user's file.
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      documentChanges.push({
        textDocument: { uri, version: null },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text }],
      });
    }
    for (const e of f.edits ?? []) {
      const uri = pathToUri(e.file);
      documentChanges.push({ textDocument: { uri, version: versionOf(uri) ?? null }, edits: e.edits });
    }
    return { documentChanges };
  }
  if (canDocChanges) {
    return {
      documentChanges: (f.edits ?? []).map((e) => {
        const uri = pathToUri(e.file);
        return { textDocument: { uri, version: versionOf(uri) ?? null }, edits: e.edits };
      }),
    };
  }
  const changes: NonNullable<WorkspaceEdit['changes']> = {};
  for (const e of f.edits ?? []) changes[pathToUri(e.file)] = e.edits;
  return { changes };
}
