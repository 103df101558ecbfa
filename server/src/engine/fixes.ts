// Fixes for diagnostics: source edits computed from the Go model (so they stay right on unsaved text) and
// environment changes that run only when the user picks them. Engine-level: the LSP adapter turns these into
// CodeActions and commands.
import fs from 'node:fs';
import path from 'node:path';
import { detectOs, packageManagerFor, type OsInfo } from '../compiler/pkgconfig.js';
import type { CgoDiagnostic, Range, TextEdit } from '../core/types.js';
import { comparePositions } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import type { GoFile, Preamble } from '../gomodel/types.js';
import { getGoParser } from '../gomodel/parser.js';
import * as jsonc from 'jsonc-parser';
import type { ToolchainModel } from '../toolchain/types.js';
import { host, hostIsWindows } from '../core/host.js';

export interface EnvChange {
  /** `go env -w KEY=VALUE` (value set) or `go env -u KEY` (value null). */
  key: string;
  value: string | null;
  /** Folder whose go command runs it (cwd). */
  folder: string;
}

export interface Fix {
  title: string;
  kind: 'quickfix' | 'source.fixAll';
  isPreferred?: boolean;
  /** Codes of the diagnostics this fix addresses (the adapter attaches the matching diagnostics). */
  diagnostic?: CgoDiagnostic;
  /** Text edits to existing files. */
  edits?: { file: string; edits: TextEdit[] }[];
  /** Files to create (with content). */
  create?: { file: string; text: string }[];
  /** An environment change, executed by `cgo.applyEnvFix` only when the user picks the action. */
  env?: EnvChange;
  /** Text to show the user (an install command, a snippet for an editor config). */
  show?: string;
  /** Safe, unambiguous source fix: part of `source.fixAll.cgo`. */
  safe?: boolean;
}

function lineRange(lines: LineIndex, from: number, toExclusive: number): Range {
  return { start: { line: from, character: 0 }, end: { line: toExclusive, character: 0 } };
}

function isBlank(lines: LineIndex, l: number): boolean {
  return lines.lineText(l).trim() === '';
}

/** The preamble a diagnostic's line falls in. */
function preambleAt(file: GoFile, line: number): Preamble | undefined {
  for (const imp of file.cImports) {
    const p = imp.preamble;
    if (p && line >= p.group.range.start.line && line <= p.group.range.end.line) return p;
  }
  return undefined;
}

/** An edit that inserts a new preamble line after `afterLine`, written in the style of the preamble. */
function insertPreambleLine(lines: LineIndex, p: Preamble, afterIndex: number, text: string): TextEdit {
  const after = p.lines[Math.max(0, Math.min(afterIndex, p.lines.length - 1))]!;
  const goText = lines.lineText(after.goLine);
  const isLineComment = p.group.comments.some((c) => c.text.startsWith('//') && c.range.start.line === after.goLine);
  let newLine: string;
  if (isLineComment) {
    const slash = goText.indexOf('//');
    const prefix = goText.slice(0, slash + 2);
    const space = /^\/\/\s/.test(goText.slice(slash)) ? goText.slice(slash + 2).match(/^\s*/)![0] : '';
    newLine = `${prefix}${space}${text}`;
  } else {
    // Inside a block comment: keep the indentation of the line we insert after.
    newLine = `${goText.match(/^\s*/)![0]}${text}`;
    if (after.goLine === p.group.range.start.line) newLine = text; // `/*` line: start a fresh line
  }
  const endOfLine = { line: after.goLine, character: goText.length };
  return { range: { start: endOfLine, end: endOfLine }, newText: '\n' + newLine };
}

/**
 * An edit adding `#include …` where C sees it before any use: after the last `#include`, or else at the very top
 * of the preamble (above the first `//` line, or right after the `/*` of a block comment).
 */
function insertInclude(lines: LineIndex, p: Preamble, include: string): TextEdit {
  if (p.lines.some((l) => /^\s*#\s*include\b/.test(l.text))) return insertPreambleLine(lines, p, includeInsertionIndex(p), include);
  const first = p.lines[0]!;
  const goText = lines.lineText(first.goLine);
  const isLineComment = p.group.comments.some((c) => c.text.startsWith('//') && c.range.start.line === first.goLine);
  if (isLineComment) {
    const slash = goText.indexOf('//');
    const space = /^\/\/\s/.test(goText.slice(slash)) ? goText.slice(slash + 2).match(/^\s*/)![0] : '';
    const at = { line: first.goLine, character: 0 };
    return { range: { start: at, end: at }, newText: `${goText.slice(0, slash + 2)}${space}${include}\n` };
  }
  if (first.text.trim() === '') return insertPreambleLine(lines, p, 0, include);
  const at = { line: first.goLine, character: first.goCol };
  return { range: { start: at, end: at }, newText: `\n${include}\n` };
}

/** Index of the preamble line after which a new `#include` goes: after the last `#include`, else first line. */
function includeInsertionIndex(p: Preamble): number {
  let idx = -1;
  p.lines.forEach((l, i) => {
    if (/^\s*#\s*include\b/.test(l.text)) idx = i;
  });
  if (idx >= 0) return idx;
  // A block comment's first line is often empty (`/*` alone): insert after it.
  return 0;
}

export interface FixContext {
  file: GoFile;
  text: string;
  toolchain: ToolchainModel | null;
  /** Whether the client can create files through a WorkspaceEdit. */
  canCreateFiles: boolean;
  /** The editor's workspace folders (where `.vscode/settings.json` is read), when known. */
  workspaceFolders?: string[];
  /** The client is VS Code (or a fork): offer `.vscode/settings.json`. Other editors do not read that file. */
  vscodeSettings?: boolean;
}

/**
 * The server's own diagnostics matching those a client sent back (same code and range): fixes are computed from
 * these, never from the client's `data`, so a forged payload cannot choose a `go env` key or a file to create.
 */
export function trustedDiagnostics(fromClient: CgoDiagnostic[], own: CgoDiagnostic[]): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  for (const c of fromClient) {
    const m = own.find((o) => o.code === c.code && comparePositions(o.range.start, c.range.start) === 0 && comparePositions(o.range.end, c.range.end) === 0);
    if (m && !out.includes(m)) out.push(m);
  }
  return out;
}

/** Fixes for one diagnostic. */
export async function fixesFor(d: CgoDiagnostic, ctx: FixContext): Promise<Fix[]> {
  const { file } = ctx;
  const lines = LineIndex.of(ctx.text);
  const data = (d.data ?? { code: d.code }) as Record<string, unknown>;
  const fixes: Fix[] = [];
  const edit = (title: string, edits: TextEdit[], opts: { preferred?: boolean; safe?: boolean } = {}): Fix => ({
    title,
    kind: 'quickfix',
    diagnostic: d,
    edits: [{ file: file.path, edits }],
    ...(opts.preferred ? { isPreferred: true } : {}),
    ...(opts.safe ? { safe: true } : {}),
  });
  switch (d.code) {
    case 'cgo/preamble-detached': {
      const imp = file.cImports.find((i) => i.detached && i.detached.group.range.start.line === d.range.start.line) ?? file.cImports.find((i) => i.detached);
      if (!imp?.detached) break;
      const groupEnd = imp.detached.group.range.end.line;
      if (imp.detached.reason === 'blank-line') {
        // Delete the blank lines below the comment; what follows them (`import "C"` or `import (`) moves up.
        const from = groupEnd + 1;
        let to = from;
        while (to < imp.specRange.start.line && isBlank(lines, to)) to++;
        if (to === from) break;
        fixes.push(edit('Remove the blank line between the preamble and import "C"', [{ range: lineRange(lines, from, to), newText: '' }], { preferred: true, safe: true }));
      } else {
        // Comment on a parenthesised group with several specs: give "C" its own import declaration.
        const cLine = imp.specRange.start.line;
        const declLine = groupEnd + 1;
        if (lines.lineText(cLine).trim() !== '"C"') break; // "C" shares its line with something else

        fixes.push(
          edit(
            'Move "C" into its own import "C" below the preamble',
            [
              { range: { start: { line: declLine, character: 0 }, end: { line: declLine, character: 0 } }, newText: 'import "C"\n\n' },
              { range: lineRange(lines, cLine, cLine + 1), newText: '' },
            ],
            { preferred: true, safe: true },
          ),
        );
      }
      break;
    }
    case 'cgo/preamble-split': {
      const p = preambleAt(file, d.range.start.line + 2) ?? file.cImports.find((i) => i.splitAbove)?.preamble ?? undefined;
      const imp = file.cImports.find((i) => i.splitAbove);
      if (!imp?.splitAbove || !p) break;
      const gapFrom = imp.splitAbove.range.end.line + 1;
      let gapTo = gapFrom;
      while (gapTo < p.group.range.start.line && isBlank(lines, gapTo)) gapTo++;
      if (gapTo !== p.group.range.start.line) break;
      const useSlashes = imp.splitAbove.comments.every((c) => c.text.startsWith('//'));
      const indent = lines.lineText(gapTo).match(/^\s*/)![0];
      const joiner = useSlashes ? `${indent}//\n` : '';
      if (!useSlashes) break;
      fixes.push(edit('Join the comment groups with "//" so the lost #cgo/#include lines reach cgo', [{ range: lineRange(lines, gapFrom, gapTo), newText: joiner.repeat(gapTo - gapFrom) }], { preferred: true, safe: true }));
      break;
    }
    case 'cgo/renamed-import': {
      const imp = file.cImports.find((i) => i.renamedTo !== undefined);
      if (!imp || !imp.nameRange || imp.renamedTo === undefined) break;
      const edits: TextEdit[] = [{ range: { start: imp.nameRange.start, end: imp.pathRange.start }, newText: '' }];
      const name = imp.renamedTo;
      if (name !== '_' && name !== '.') {
        for (const r of await qualifiedUses(ctx.text, name)) edits.push({ range: r, newText: 'C' });
      }
      fixes.push(edit(`Use plain import "C"${name !== '_' && name !== '.' ? ` and rewrite ${name}.X as C.X` : ''}`, edits, { preferred: true, safe: name !== '.' }));
      break;
    }
    case 'cgo/export-name': {
      const exp = file.exports.find((e) => comparePositions(e.range.start, d.range.start) <= 0 && comparePositions(d.range.start, e.range.end) <= 0) ?? file.exports.find((e) => e.func && e.name !== e.func.name);
      if (!exp?.func) break;
      const fnName = exp.func.name;
      // Exporting a name that C already defines (a static inline helper, a .c file) fails: "redefinition of 'x'"
      // or "multiple definition of `x'". Such a fix is not offered.
      const collides = (n: string) => cSymbolDefined(file, n);
      // A valid //export makes cmd/cgo compile the preamble twice: while it still has external definitions (their
      // own cgo/export-preamble-definition diagnostics), fixing the name only moves the failure to the link
      // ("multiple definition"), so nothing is offered until those are fixed.
      if ((file.preambleDecls ?? []).some((x) => x.externalDefinition)) break;
      if (exp.name === '') {
        if (!collides(fnName)) fixes.push(edit(`Export it as ${fnName}`, [{ range: { start: exp.nameRange.start, end: exp.nameRange.end }, newText: (lines.lineText(exp.range.start.line).endsWith(' ') ? '' : ' ') + fnName }], { preferred: true, safe: true }));
      } else {
        if (!collides(fnName)) fixes.push(edit(`Change the comment to //export ${fnName}`, [{ range: exp.nameRange, newText: fnName }], { preferred: true, safe: true }));
        // Renaming the Go function breaks its Go callers: offered only when nothing else in the package names it.
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(exp.name) && !collides(exp.name) && !exp.func.receiver && !goNameUsedElsewhere(file, ctx.text, fnName, exp.func.nameRange) && !goNameUsedElsewhere(file, ctx.text, exp.name, null)) {
          fixes.push(edit(`Rename the function to ${exp.name}`, [{ range: exp.func.nameRange, newText: exp.name }]));
        }
      }
      break;
    }
    case 'cgo/export-ignored': {
      const exp = file.exports.find((e) => comparePositions(e.range.start, d.range.start) <= 0 && comparePositions(d.range.start, e.range.end) <= 0);
      const exportedName = exp?.func?.name ?? exp?.name;
      // The fix makes cgo export the function: not offered when that breaks the build (the C name exists, the
      // name is not the function's, or the preamble has definitions that would then be compiled twice).
      if (!exp || !exportedName || cSymbolDefined(file, exportedName) || (exp.func && exp.name !== exp.func.name)) break;
      if (!file.exports.some((e) => e.ignored === undefined && e.func) && (file.preambleDecls ?? []).some((x) => x.externalDefinition)) break;
      const replacement = data['replacement'] as string | undefined;
      const commentRange = data['commentRange'] as Range | undefined;
      if (replacement && commentRange) {
        // `// export X` or `/*export X*/` → `//export X`.
        fixes.push(edit(`Write it as ${replacement} so cgo exports the function`, [{ range: commentRange, newText: replacement }], { preferred: true, safe: true }));
        break;
      }
      const blank = data['blankLines'] as Range | undefined;
      if (data['reason'] === 'not-adjacent' && blank) {
        fixes.push(edit('Remove the blank line between //export and the function', [{ range: blank, newText: '' }], { preferred: true, safe: true }));
      }
      break;
    }
    case 'cgo/export-preamble-definition': {
      const def = data['definitionRange'] as Range | undefined;
      const kind = data['kind'] as string | undefined;
      const start = def?.start ?? d.range.start;
      const name = data['name'] as string | undefined;
      // `static` hides the function from other C files of the package (and other preambles): offered only when
      // none of them names it, else their link fails with "undefined reference".
      if ((kind === 'function' || kind === undefined) && name && !mentionedInOtherSources(file.path, name)) {
        fixes.push(edit('Make the definition static inline (each C file then gets its own copy)', [{ range: { start, end: start }, newText: 'static inline ' }], { preferred: true }));
      }
      if (ctx.canCreateFiles) {
        const moved = moveDefinitionFix(d, ctx, lines);
        if (moved) fixes.push(moved);
      }
      break;
    }
    case 'cgo/condition-spacing':
    case 'cgo/condition-invalid': {
      const replacement = data['replacement'] as string | undefined;
      const r = (data['range'] as Range | undefined) ?? d.range;
      if (replacement !== undefined) fixes.push(edit(`Write the condition as ${replacement}`, [{ range: r, newText: replacement }], { preferred: true, safe: true }));
      const alternative = data['alternative'] as string | undefined;
      if (alternative && alternative !== replacement) fixes.push(edit(`Write the condition as ${alternative}`, [{ range: r, newText: alternative }]));
      break;
    }
    case 'cgo/directive-verb': {
      const suggestion = data['suggestion'] as string | undefined;
      const r = data['range'] as Range | undefined;
      if (suggestion && r) fixes.push(edit(`Change the verb to ${suggestion}`, [{ range: r, newText: suggestion }], { preferred: true, safe: true }));
      break;
    }
    case 'cgo/unsafe-argument': {
      const macro = typeof data['macroName'] === 'string' ? { name: data['macroName'] as string, value: String(data['macroValue'] ?? '') } : undefined;
      const argRange = d.range;
      const p = preambleAt(file, d.range.start.line);
      if (macro && p) {
        const idx = p.lines.findIndex((l) => l.goLine === d.range.start.line);
        const lineText = lines.lineText(argRange.start.line);
        // Remove the argument and one adjacent space.
        let s = argRange.start.character;
        let e = argRange.end.character;
        if (lineText[e] === ' ') e++;
        else if (lineText[s - 1] === ' ') s--;
        const define = `#define ${macro.name} ${macro.value}`;
        fixes.push(
          edit(
            `Replace the flag by ${define} in the preamble`,
            [
              { range: { start: { line: argRange.start.line, character: s }, end: { line: argRange.end.line, character: e } }, newText: '' },
              insertPreambleLine(lines, p, idx >= 0 ? idx : p.lines.length - 1, define),
            ],
            { preferred: true, safe: true },
          ),
        );
      }
      break;
    }
    case 'cgo/windows-runtime-dll': {
      const flags = data['staticFlags'] as string[] | undefined;
      const imp = file.cImports.find((i) => i.preamble) ?? file.cImports[0];
      if (flags && flags.length > 0 && imp) {
        const line = `#cgo windows LDFLAGS: ${flags.join(' ')}`;
        const p = imp.preamble;
        const e = p ? insertPreambleLine(lines, p, p.lines.length - 1, line) : { range: { start: { line: imp.specRange.start.line, character: 0 }, end: { line: imp.specRange.start.line, character: 0 } }, newText: `// ${line}\n` };
        fixes.push(edit(`Link the MinGW runtime statically: ${line}`, [e], { preferred: true, safe: true }));
      }
      const dir = data['toolchainBinDir'] as string | undefined;
      const dlls = (data['dlls'] as string[] | undefined) ?? [];
      if (dlls.length > 0) {
        fixes.push({
          title: `Show how to ship ${dlls.join(', ')} instead`,
          kind: 'quickfix',
          diagnostic: d,
          show: `Copy ${dlls.join(', ')}${dir ? ` from ${dir}` : ''} next to the .exe, or put ${dir ?? 'the toolchain\'s bin folder'} on PATH of the process that starts it. Check a built binary with: cgo-ls doctor --binary app.exe`,
        });
      }
      break;
    }
    case 'cgo/unresolved-name':
    case 'cgo/c-warning': {
      const suggestion = data['suggestion'] as string | undefined;
      const name = data['name'] as string | undefined;
      if (suggestion && name) {
        // Replace every use of the misspelt name (they all fail the same way).
        const uses = file.cRefs.filter((r) => r.name === name).map((r) => ({ range: r.nameRange, newText: suggestion }));
        if (uses.length > 0) fixes.push(edit(`Change C.${name} to C.${suggestion}`, uses, { preferred: true, safe: true }));
      }
      const header = data['header'] as string | undefined;
      if (!header) break;
      const p = file.cImports.find((i) => i.preamble)?.preamble;
      const include = header.startsWith('<') || header.startsWith('"') ? `#include ${header}` : `#include <${header}>`;
      if (p) {
        fixes.push(edit(`Add ${include} to the preamble`, [insertInclude(lines, p, include)], { preferred: true, safe: true }));
      } else {
        const imp = file.cImports[0];
        // With a detached comment the fix is to re-attach it (its own action), not to add a second preamble.
        if (imp && !imp.parenthesized && !imp.detached) {
          const at = { line: imp.specRange.start.line, character: 0 };
          fixes.push(edit(`Add a preamble with ${include}`, [{ range: { start: at, end: at }, newText: `// ${include}\n` }], { preferred: true, safe: true }));
        }
      }
      break;
    }
  }
  fixes.push(...envFixes(d, ctx));
  return fixes;
}

/** Uses of `name.X` as a package qualifier (selector on an identifier, qualified type), as ranges of `name`. */
async function qualifiedUses(text: string, name: string): Promise<Range[]> {
  const parser = await getGoParser();
  const tree = parser.parse(text);
  if (!tree) return [];
  const lines = LineIndex.of(text);
  const out: Range[] = [];
  try {
    const visit = (node: import('web-tree-sitter').Node) => {
      if (node.type === 'selector_expression') {
        const op = node.childForFieldName('operand');
        if (op && op.type === 'identifier' && op.text === name) out.push({ start: lines.positionAt(op.startIndex), end: lines.positionAt(op.endIndex) });
      } else if (node.type === 'qualified_type') {
        const pkg = node.childForFieldName('package');
        if (pkg && pkg.text === name) out.push({ start: lines.positionAt(pkg.startIndex), end: lines.positionAt(pkg.endIndex) });
      }
      for (const c of node.namedChildren) if (c) visit(c);
    };
    visit(tree.rootNode);
  } finally {
    tree.delete();
  }
  return out;
}

/** The C text of a Go-file range inside a preamble (comment markers of `//` lines left out). */
function preambleText(p: Preamble, r: Range): string {
  const out: string[] = [];
  for (const l of p.lines) {
    if (l.goLine < r.start.line || l.goLine > r.end.line) continue;
    let t = l.text;
    if (l.goLine === r.end.line) t = t.slice(0, Math.max(0, r.end.character - l.goCol));
    if (l.goLine === r.start.line) t = t.slice(Math.max(0, r.start.character - l.goCol));
    out.push(t);
  }
  return out.join('\n');
}

/** `int f(int a) { … }` → `int f(int a);`, `int32_t n = 0;` → `extern int32_t n;`. */
function declarationOf(def: string, kind: string): string | null {
  if (kind === 'function') {
    const brace = def.indexOf('{');
    return brace > 0 ? def.slice(0, brace).trim().replace(/\s+/g, ' ') + ';' : null;
  }
  const head = def.split(/[=;]/)[0]?.trim();
  return head ? `extern ${head.replace(/\s+/g, ' ')};` : null;
}

/** Moves a function/variable definition from an exporting preamble into a new .c file, leaving a declaration. */
function moveDefinitionFix(d: CgoDiagnostic, ctx: FixContext, lines: LineIndex): Fix | null {
  const data = (d.data ?? {}) as Record<string, unknown>;
  const r = data['definitionRange'] as Range | undefined;
  const name = data['name'] as string | undefined;
  const kind = (data['kind'] as string | undefined) ?? 'function';
  if (!r || !name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return null;
  const p = preambleAt(ctx.file, r.start.line);
  if (!p) return null;
  const defText = preambleText(p, r);
  const declaration = declarationOf(defText, kind);
  if (!declaration) return null;
  const includes = p.lines.filter((l) => /^\s*#\s*include\b/.test(l.text)).map((l) => l.text.trim());
  // The new file gets only the #include lines: a definition that uses anything else of the preamble (a global,
  // a macro, a type, another function) would not compile there ("'counter' undeclared"), so it is not moved.
  const rest = p.lines
    .filter((l) => l.goLine < r.start.line || l.goLine > r.end.line)
    .filter((l) => !/^\s*#\s*include\b/.test(l.text) && !/^\s*#cgo\s/.test(l.text))
    .map((l) => l.text)
    .join('\n');
  const own = new Set([name, ...(defText.match(/\b[A-Za-z_]\w*\b/g) ?? [])]);
  for (const id of own) if (id !== name && new RegExp(`\\b${id}\\b`).test(rest)) return null;
  const dir = path.dirname(ctx.file.path);
  const target = path.join(dir, `${path.basename(ctx.file.path, '.go')}_${name}.c`);
  if (path.dirname(target) !== dir || fs.existsSync(target)) return null;
  const startLine = r.start.line;
  const endLine = r.end.line;
  return {
    title: `Move ${name} to ${path.basename(target)} and keep only its declaration in the preamble`,
    kind: 'quickfix',
    diagnostic: d,
    edits: [
      {
        file: ctx.file.path,
        edits: [{ range: { start: { line: startLine, character: r.start.character }, end: { line: endLine, character: lines.lineText(endLine).length } }, newText: declaration }],
      },
    ],
    create: [{ file: target, text: `${includes.join('\n')}${includes.length ? '\n\n' : ''}${defText.trim()}\n` }],
  };
}

/** C sources of the package directory other than `goFile` (other .go files' preambles, .c/.h/.cc files). */
function otherSources(goFile: string): { file: string; text: string }[] {
  const dir = path.dirname(goFile);
  const out: { file: string; text: string }[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const f = path.join(dir, n);
    if (f === goFile || !/\.(go|c|h|cc|cpp|cxx|hh|hpp|m|s|S)$/.test(n) || n.endsWith('_test.go')) continue;
    try {
      const st = fs.statSync(f);
      if (!st.isFile() || st.size > 4 * 1024 * 1024) continue;
      out.push({ file: f, text: fs.readFileSync(f, 'utf8') });
    } catch {
      /* unreadable: ignored */
    }
  }
  return out;
}

/** Whether another C source of the package (or another preamble) names `name`. */
function mentionedInOtherSources(goFile: string, name: string): boolean {
  const re = new RegExp(`\\b${name}\\b`);
  return otherSources(goFile).some((s) => (s.file.endsWith('.go') ? /import\s*(\(\s*)?"C"/.test(s.text) && re.test(s.text) : re.test(s.text)));
}

/** Whether C already has a symbol `name` that an //export of the same name would clash with. */
function cSymbolDefined(file: GoFile, name: string): boolean {
  // A definition collides; a matching prototype (declaring the exported function for C callers) does not.
  if ((file.preambleDecls ?? []).some((x) => x.name === name && (x.definition || x.kind === 'variable' || x.storage === 'static'))) return true;
  const def = new RegExp(`\\b${name}\\s*\\([^;]*\\)\\s*\\{`);
  for (const imp of file.cImports) if (imp.preamble && def.test(imp.preamble.text)) return true;
  return otherSources(file.path).some((s) => !s.file.endsWith('.go') && def.test(s.text));
}

/** Whether Go code of the package other than `except` (a declaration) names `name`. */
function goNameUsedElsewhere(file: GoFile, text: string, name: string, except: Range | null): boolean {
  const re = new RegExp(`\\b${name}\\b`, 'g');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i]!.matchAll(re)) {
      if (except && i === except.start.line && m.index === except.start.character) continue;
      const before = lines[i]!.slice(0, m.index);
      if (/^\s*\/\//.test(before) || before.includes('//')) continue; // comments (the //export line itself)
      return true;
    }
  }
  return otherSources(file.path).some((s) => s.file.endsWith('.go') && new RegExp(`\\b${name}\\b`).test(s.text));
}

/** Environment fixes: `go env -w/-u`, and install commands to show. */
function envFixes(d: CgoDiagnostic, ctx: FixContext): Fix[] {
  const data = (d.data ?? {}) as Record<string, unknown>;
  const tc = ctx.toolchain;
  const folder = tc?.folder ?? path.dirname(ctx.file.path);
  const out: Fix[] = [];
  const goEnvW = (key: string, value: string, title?: string, preferred = false): Fix => ({
    title: title ?? `Run go env -w ${key}=${value}`,
    kind: 'quickfix',
    diagnostic: d,
    env: { key, value, folder },
    ...(preferred ? { isPreferred: true } : {}),
  });
  switch (d.code) {
    case 'cgo/flag-not-allowed': {
      const envVar = data['envVar'] as string | undefined;
      const re = data['allowRegexp'] as string | undefined; // already combined with an existing value
      // Only the allow-list variables; anything else in data is not an action this diagnostic can ask for.
      // A flag that loads code from a file that does not exist (`-fplugin=evil.so`) fails the build once allowed:
      // allowing it is not offered.
      const flag = data['flag'] ?? data['arg'];
      const missingFile = loadsCode(flag) && !codeFileExists(String(flag), path.dirname(ctx.file.path));
      if (envVar && re && /^CGO_(CFLAGS|CPPFLAGS|CXXFLAGS|FFLAGS|LDFLAGS)_ALLOW$/.test(envVar) && !missingFile) {
        const fromOsEnv = tc?.values[envVar]?.source === 'process-env';
        out.push(
          goEnvW(
            envVar,
            re,
            `Allow this flag: go env -w ${envVar}='${re}' (${trustNote(flag)})${fromOsEnv ? ` — note ${envVar} is also set in the environment, which wins over go env -w` : ''}`,
          ),
        );
      }
      break;
    }
    case 'cgo/cc-wrong-target':
    case 'cgo/msvc-compiler':
    case 'cgo/cygwin-compiler':
    case 'cgo/mingw32-for-amd64': {
      if (!tc) break;
      const variable = (data['variable'] as string | undefined) ?? 'CC';
      const cross = crossCompilerFor(tc.goos, tc.goarch, variable);
      if (cross) out.push(goEnvW(variable, cross, `Use ${cross}: go env -w ${variable}=${cross}`, true));
      if (tc.values[variable]?.source === 'goenv-file') out.push(goEnvU(variable, d, folder));
      const install = installCompilerCommand(tc.goos, tc.goarch);
      if (install) out.push(showInstall(install, d));
      break;
    }
    case 'cgo/cc-not-found': {
      if (!tc) break;
      const variable = (data['variable'] as string | undefined) ?? 'CC';
      if (tc.values[variable]?.source === 'goenv-file') out.push(goEnvU(variable, d, folder, true));
      const install = installCompilerCommand(tc.goos, tc.goarch);
      if (install) out.push(showInstall(install, d));
      break;
    }
    case 'cgo/disabled': {
      if (!tc) break;
      const rule = data['rule'] as string | undefined;
      if (rule === 'cross-compiling') {
        const cross = crossCompilerFor(tc.goos, tc.goarch, 'CC');
        if (cross) {
          out.push(goEnvW('CGO_ENABLED', '1', `Enable cgo for ${tc.goos}/${tc.goarch}: go env -w CGO_ENABLED=1 (with CC=${cross})`));
          out.push(goEnvW('CC', cross, `Use ${cross}: go env -w CC=${cross}`));
        }
      } else if (tc.values['CGO_ENABLED']?.source === 'goenv-file') {
        out.push(goEnvU('CGO_ENABLED', d, folder, true));
      }
      const needed = rule === 'cross-compiling' ? crossCompilerFor(tc.goos, tc.goarch, 'CC') : null;
      const missing = needed ? !onPath(needed, tc.childEnv) : !tc.cc?.path;
      const install = rule === 'unsupported' ? null : installCompilerCommand(tc.goos, tc.goarch);
      if (install && missing) out.push(showInstall(install, d));
      break;
    }
    case 'cgo/go-version-too-old':
      out.push(goEnvW('GOTOOLCHAIN', 'auto', 'Let the go command fetch the Go release go.mod asks for: go env -w GOTOOLCHAIN=auto'));
      break;
  }
  const install = data['installCommand'] as string | undefined;
  if (install) out.push(showInstall(install, d));
  // Every environment change can also be kept in the project instead of the user's GOENV file.
  const envChanges = out.filter((f) => f.env && f.env.value !== null).map((f) => f.env!);
  if (envChanges.length > 0) out.push(...snippetFixes(d, envChanges[0]!, folder, ctx));
  return out;
}

/** Whether an executable of that name is on the PATH of `env` (no subprocess). */
function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  const pathVar = Object.keys(env).find((k) => k.toUpperCase() === 'PATH');
  const exts = hostIsWindows() ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (pathVar ? env[pathVar] ?? '' : '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      try {
        if (fs.statSync(path.join(dir, name + ext)).isFile()) return true;
      } catch {
        /* not here */
      }
    }
  }
  return false;
}

function goEnvU(key: string, d: CgoDiagnostic, folder: string, preferred = false): Fix {
  return { title: `Remove ${key} from the go env file: go env -u ${key}`, kind: 'quickfix', diagnostic: d, env: { key, value: null, folder }, ...(preferred ? { isPreferred: true } : {}) };
}

function showInstall(command: string, d: CgoDiagnostic): Fix {
  return { title: `Install: ${command}`, kind: 'quickfix', diagnostic: d, show: `To fix this, run:\n\n  ${command}\n\ncgo-ls never runs package managers itself.` };
}

/** The C (or C++) compiler to use for a target, by its usual cross-compiler name. */
export function crossCompilerFor(goos: string, goarch: string, variable: string): string | null {
  const cxx = variable === 'CXX';
  if (goos === 'windows') {
    const base = goarch === '386' ? 'i686-w64-mingw32' : goarch === 'arm64' ? 'aarch64-w64-mingw32' : 'x86_64-w64-mingw32';
    return goarch === 'arm64' ? `${base}-${cxx ? 'clang++' : 'clang'}` : `${base}-${cxx ? 'g++' : 'gcc'}`;
  }
  const linux: Record<string, string> = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf', '386': 'i686-linux-gnu', riscv64: 'riscv64-linux-gnu', ppc64le: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu' };
  if (goos === 'linux' && linux[goarch]) return `${linux[goarch]}-${cxx ? 'g++' : 'gcc'}`;
  return null;
}

/** The command that installs a C compiler for a target on this machine, when it can be said reliably. */
export function installCompilerCommand(goos: string, goarch: string, os: OsInfo = detectOs()): string | null {
  const pm = packageManagerFor(os);
  const native = (os.platform === 'linux' && goos === 'linux') || (os.platform === 'darwin' && goos === 'darwin') || (os.platform === 'win32' && goos === 'windows');
  if (native && goarch === (host().arch === 'x64' ? 'amd64' : host().arch)) {
    if (pm === 'apt') return 'sudo apt install gcc';
    if (pm === 'dnf') return 'sudo dnf install gcc';
    if (pm === 'pacman') return 'sudo pacman -S gcc';
    if (pm === 'apk') return 'apk add gcc musl-dev';
    if (os.platform === 'darwin') return 'xcode-select --install';
    if (pm === 'msys2') return 'pacman -S mingw-w64-ucrt-x86_64-gcc';
    return null;
  }
  if (goos === 'windows' && (goarch === 'amd64' || goarch === '386')) {
    if (pm === 'apt') return `sudo apt install gcc-mingw-w64-${goarch === '386' ? 'i686' : 'x86-64'}`;
    if (pm === 'dnf') return `sudo dnf install mingw${goarch === '386' ? '32' : '64'}-gcc`;
    if (pm === 'pacman') return 'sudo pacman -S mingw-w64-gcc';
    if (pm === 'brew') return 'brew install mingw-w64';
  }
  if (goos === 'linux' && pm === 'apt') {
    const cross = crossCompilerFor(goos, goarch, 'CC');
    if (cross) return `sudo apt install gcc-${cross.replace(/-gcc$/, '').replace(/_/g, '-')}`;
  }
  return null;
}

/** Flags that make the compiler or linker load and run code chosen by the flag's value. */
export function loadsCode(flag: unknown): boolean {
  return typeof flag === 'string' && /^(-fplugin\b|-fplugin-arg|-Xclang$|-load$|-B|--?specs|-wrapper|-Wl,.*-?-plugin|--?plugin|-fuse-ld=\/|--?ld-path)/.test(flag);
}

/** Whether the file or directory a code-loading flag names exists (relative names: from the package directory). */
function codeFileExists(flag: string, dir: string): boolean {
  const m = /^(?:-fplugin=|-B|--?specs=|-wrapper,?|-fuse-ld=|--?ld-path=|-Wl,-?-plugin[=,]|--?plugin[=,]?)(.+)$/.exec(flag);
  if (!m) return true; // e.g. -Xclang: its argument is the next flag, nothing to look at here
  const target = m[1]!.split(',')[0]!;
  if (!/[\\/.]/.test(target) && flag.startsWith('-fuse-ld=')) return true;
  try {
    fs.statSync(path.resolve(dir, target));
    return true;
  } catch {
    return false;
  }
}

/** The warning every variant of a trust-changing action carries. */
function trustNote(flag: unknown): string {
  return loadsCode(flag) ? `${String(flag)} makes the compiler load and run code: only if you trust this code` : 'only if you trust this code';
}

/** The workspace folder containing `dir` (the innermost), where VS Code reads `.vscode/settings.json`. */
function workspaceFolderOf(dir: string, folders: string[] | undefined): string {
  let best: string | null = null;
  for (const f of folders ?? []) {
    const rel = path.relative(f, dir);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) if (!best || f.length > best.length) best = f;
  }
  return best ?? dir;
}

/** Edits an existing JSONC settings.json in place (comments and trailing commas kept), or null if it cannot. */
function settingsEdit(file: string, key: string, value: string): TextEdit[] | null {
  let text: string;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) return null;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const errors: jsonc.ParseError[] = [];
  const tree = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (text.trim() !== '' && (!tree || tree.type !== 'object' || errors.length > 0)) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  const formattingOptions = { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol };
  let next = text.trim() === '' ? '{}' : text;
  for (const p of [['cgo.env', key], ['go.toolsEnvVars', key], ['gopls', 'env', key]]) {
    next = jsonc.applyEdits(next, jsonc.modify(next, p, value, { formattingOptions }));
  }
  if (next === text) return [];
  const lines = LineIndex.of(text);
  return [{ range: { start: { line: 0, character: 0 }, end: lines.positionAt(text.length) }, newText: next }];
}

/** Keep an environment change in the project: a direnv `.envrc` / `cgo-env.ps1`, or editor settings. */
function snippetFixes(d: CgoDiagnostic, change: EnvChange, folder: string, ctx: FixContext): Fix[] {
  const out: Fix[] = [];
  const data = (d.data ?? {}) as Record<string, unknown>;
  const value = change.value ?? '';
  // Every variant of an allow-list change loads what the repository asks for: each says so.
  const flag = data['flag'] ?? data['arg'];
  const trust = /_ALLOW$/.test(change.key) ? ` (${trustNote(flag)})` : '';
  const sq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const snippets = {
    sh: `export ${change.key}=${sq(value)}`,
    fish: `set -gx ${change.key} ${sq(value)}`,
    ps1: `$env:${change.key} = '${value.replace(/'/g, "''")}'`,
    cmd: `set "${change.key}=${value}"`,
  };
  const envrc = path.join(folder, hostIsWindows() ? 'cgo-env.ps1' : '.envrc');
  if (ctx.canCreateFiles && !fs.existsSync(envrc)) {
    const text = hostIsWindows() ? `# cgo settings for this project (dot-source: . .\\cgo-env.ps1)\n${snippets.ps1}\n` : `# cgo settings for this project (direnv: run \`direnv allow\`)\n${snippets.sh}\n`;
    out.push({ title: `Set ${change.key} for this project only: create ${path.basename(envrc)}${trust}`, kind: 'quickfix', diagnostic: d, create: [{ file: envrc, text }] });
  }
  // VS Code reads .vscode/settings.json of the workspace folder, not of a module below it.
  const vscodeSettings = path.join(workspaceFolderOf(folder, ctx.workspaceFolders), '.vscode', 'settings.json');
  const title = `Set ${change.key} in .vscode/settings.json (cgo-ls, the Go extension and gopls)${trust}`;
  if (ctx.vscodeSettings !== true) {
    // Only VS Code (and its forks) read .vscode/settings.json: other editors are not offered it.
  } else if (fs.existsSync(vscodeSettings)) {
    const edits = settingsEdit(vscodeSettings, change.key, value);
    if (edits && edits.length > 0) out.push({ title, kind: 'quickfix', diagnostic: d, edits: [{ file: vscodeSettings, edits }] });
  } else if (ctx.canCreateFiles) {
    const json = { 'cgo.env': { [change.key]: value }, 'go.toolsEnvVars': { [change.key]: value }, 'gopls': { env: { [change.key]: value } } };
    out.push({ title, kind: 'quickfix', diagnostic: d, create: [{ file: vscodeSettings, text: JSON.stringify(json, null, 2) + '\n' }] });
  }
  out.push({
    title: `Show how to set ${change.key} in your shell or editor${trust}`,
    kind: 'quickfix',
    diagnostic: d,
    show: [
      ...(trust ? [`Only if you trust this code: ${trustNote(flag)}.`] : []),
      `${change.key}=${value}`,
      `bash/zsh:   ${snippets.sh}`,
      `fish:       ${snippets.fish}`,
      `PowerShell: ${snippets.ps1}`,
      `cmd.exe:    ${snippets.cmd}`,
      `Neovim:     cmd_env = { ${change.key} = ${JSON.stringify(value)} }  (in the cgo_ls / gopls config)`,
      `Helix:      [language-server.cgo-ls] environment = { ${change.key} = ${JSON.stringify(value)} }`,
      `VS Code:    "go.toolsEnvVars": { "${change.key}": ${JSON.stringify(value)} }, "cgo.env": { "${change.key}": ${JSON.stringify(value)} }`,
    ].join('\n'),
  });
  return out;
}

/** All safe source fixes of a file, merged (later overlapping edits are dropped). */
export async function fixAll(diagnostics: CgoDiagnostic[], ctx: FixContext): Promise<Fix | null> {
  const edits: TextEdit[] = [];
  for (const d of diagnostics) {
    for (const f of await fixesFor(d, ctx)) {
      if (!f.safe || !f.edits || f.create) continue;
      const own = f.edits.filter((e) => e.file === ctx.file.path).flatMap((e) => e.edits);
      if (own.some((e) => edits.some((x) => overlaps(x.range, e.range)))) continue;
      edits.push(...own);
      break; // one fix per diagnostic
    }
  }
  if (edits.length === 0) return null;
  return { title: 'Fix all cgo problems in this file', kind: 'source.fixAll', edits: [{ file: ctx.file.path, edits }], safe: true };
}

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0 ? true : comparePositions(a.start, b.start) === 0;
}

/** The code actions each diagnostic code offers (documented per code in protocol.md). */
export const FIX_DOCS: Record<string, string[]> = {
  'cgo/preamble-detached': ['Remove the blank line between the preamble and `import "C"` (preferred, in fix-all)', 'For a comment on an import group: move "C" into its own `import "C"` below the comment'],
  'cgo/preamble-split': ['Join the comment groups with `//` lines so the lost `#cgo`/`#include` lines reach cgo (in fix-all)'],
  'cgo/renamed-import': ['Use plain `import "C"` and rewrite `c.X` as `C.X` (in fix-all)'],
  'cgo/export-name': ['Change the comment to `//export <FuncName>` (preferred)', 'Rename the function to the exported name (only when no other Go code names the function)', 'Neither is offered when C already defines a symbol of that name (a static inline helper, a .c file): the build would fail with "redefinition" / "multiple definition"; nor while the preamble has definitions that a valid //export would compile twice (fix cgo/export-preamble-definition first)'],
  'cgo/export-ignored': ['Write `// export X` as `//export X` (in fix-all)', 'Remove the blank line between `//export` and the function', 'Not offered when exporting would break the build: C already defines the name, or the preamble has definitions that an //export would compile twice'],
  'cgo/export-preamble-definition': ['Make the function definition `static inline` (preferred; not offered when another C file or preamble of the package names it: its link would fail)', 'Move the definition to a new `.c` file and keep only its declaration in the preamble (only when the definition uses nothing else of the preamble but its #includes)'],
  'cgo/condition-spacing': ['Rewrite the condition without spaces (`linux&&arm64`, preferred) or as `linux,arm64`'],
  'cgo/condition-invalid': ['Rewrite `goos/goarch` as `goos,goarch`'],
  'cgo/directive-verb': ['Change the verb to the suggested one (in fix-all)'],
  'cgo/unsafe-argument': ['For a quoted `-DNAME=\\"v\\"`: replace the flag by `#define NAME "v"` in the preamble (in fix-all)'],
  'cgo/unresolved-name': ['Add the `#include` of the header that declares a well-known symbol (in fix-all)', 'Correct a misspelt name to the suggestion (e.g. `C.Cstring` → `C.CString`)'],
  'cgo/c-warning': ['Add the `#include` for an implicitly declared well-known function'],
  'cgo/flag-not-allowed': ['Run `go env -w CGO_<VERB>_ALLOW=<regexp matching exactly this flag>` (only when picked)', 'Create `.envrc` / `cgo-env.ps1`, or set the variable in the workspace folder\'s `.vscode/settings.json` (an existing JSONC file is edited in place, comments kept)', 'Show the variable for bash/zsh, fish, PowerShell, cmd, Neovim, Helix and VS Code', 'Every variant says "only if you trust this code" (and, for a flag that loads code such as `-fplugin=`, that it does); none is offered when that flag names a file that does not exist'],
  'cgo/cc-not-found': ['Run `go env -u CC` when CC comes from the GOENV file', 'Show the command that installs a C compiler for this OS'],
  'cgo/cc-wrong-target': ['Run `go env -w CC=<cross compiler>` (e.g. `x86_64-w64-mingw32-gcc`)', 'Project-local `.envrc` / `.vscode/settings.json` with CC', 'Show the install command for the cross compiler'],
  'cgo/msvc-compiler': ['Run `go env -w CC=<MinGW-w64 compiler>`', 'Show the install command for MinGW-w64'],
  'cgo/cygwin-compiler': ['Run `go env -w CC=<MinGW-w64 compiler>`', 'Show the install command for MinGW-w64'],
  'cgo/mingw32-for-amd64': ['Run `go env -w CC=x86_64-w64-mingw32-gcc`', 'Show the install command for 64-bit MinGW-w64'],
  'cgo/disabled': ['Cross-compiling: `go env -w CGO_ENABLED=1` and `go env -w CC=<cross compiler>`', 'CGO_ENABLED=0 from the GOENV file: `go env -u CGO_ENABLED`', 'Show the install command for a C compiler'],
  'cgo/go-version-too-old': ['Run `go env -w GOTOOLCHAIN=auto` so the go command fetches the Go release go.mod asks for'],
  'cgo/windows-runtime-dll': ['Insert `#cgo windows LDFLAGS: -static-libgcc -static-libstdc++` (or `-static`) into the preamble (preferred)', 'Show which DLLs to ship next to the .exe, or the folder to put on PATH'],
  'cgo/pkg-config-package-not-found': ['Show the command that installs the package (apt/dnf/pacman/apk/brew/MSYS2) when it can be named reliably'],
  'cgo/library-not-found': ['Show the command that installs the library (when it can be named reliably)'],
};
