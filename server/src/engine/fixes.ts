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
import type { ToolchainModel } from '../toolchain/types.js';

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
  /** The client is VS Code (or a fork): offer `.vscode/settings.json`. Other editors do not read that file. */
  vscodeSettings?: boolean;
}

/** Fixes for one diagnostic. */
export async function fixesFor(d: CgoDiagnostic, ctx: FixContext): Promise<Fix[]> {
  const { file } = ctx;
  const lines = new LineIndex(ctx.text);
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
      if (exp.name === '') {
        fixes.push(edit(`Export it as ${fnName}`, [{ range: { start: exp.nameRange.start, end: exp.nameRange.end }, newText: (lines.lineText(exp.range.start.line).endsWith(' ') ? '' : ' ') + fnName }], { preferred: true, safe: true }));
      } else {
        fixes.push(edit(`Change the comment to //export ${fnName}`, [{ range: exp.nameRange, newText: fnName }], { preferred: true, safe: true }));
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(exp.name)) {
          fixes.push(edit(`Rename the function to ${exp.name}`, [{ range: exp.func.nameRange, newText: exp.name }]));
        }
      }
      break;
    }
    case 'cgo/export-ignored': {
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
      if (kind === 'function' || kind === undefined) {
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
  const lines = new LineIndex(text);
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
  if (!r || !name) return null;
  const p = preambleAt(ctx.file, r.start.line);
  if (!p) return null;
  const defText = preambleText(p, r);
  const declaration = declarationOf(defText, kind);
  if (!declaration) return null;
  const includes = p.lines.filter((l) => /^\s*#\s*include\b/.test(l.text)).map((l) => l.text.trim());
  const target = path.join(path.dirname(ctx.file.path), `${path.basename(ctx.file.path, '.go')}_${name}.c`);
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
      if (envVar && re) {
        const fromOsEnv = tc?.values[envVar]?.source === 'process-env';
        out.push(
          goEnvW(
            envVar,
            re,
            `Allow this flag: go env -w ${envVar}='${re}' (only if you trust this code)${fromOsEnv ? ` — note ${envVar} is also set in the environment, which wins over go env -w` : ''}`,
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
  if (envChanges.length > 0) out.push(...snippetFixes(d, envChanges[0]!, folder, ctx.canCreateFiles, ctx.vscodeSettings === true));
  return out;
}

/** Whether an executable of that name is on the PATH of `env` (no subprocess). */
function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  const pathVar = Object.keys(env).find((k) => k.toUpperCase() === 'PATH');
  const exts = process.platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';') : [''];
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
  if (native && goarch === (process.arch === 'x64' ? 'amd64' : process.arch)) {
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

/** Keep an environment change in the project: a direnv `.envrc` / `cgo-env.ps1`, or editor settings. */
function snippetFixes(d: CgoDiagnostic, change: EnvChange, folder: string, canCreateFiles: boolean, vscodeEditor: boolean): Fix[] {
  const out: Fix[] = [];
  const value = change.value ?? '';
  const sq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const snippets = {
    sh: `export ${change.key}=${sq(value)}`,
    fish: `set -gx ${change.key} ${sq(value)}`,
    ps1: `$env:${change.key} = '${value.replace(/'/g, "''")}'`,
    cmd: `set "${change.key}=${value}"`,
  };
  const envrc = path.join(folder, process.platform === 'win32' ? 'cgo-env.ps1' : '.envrc');
  if (canCreateFiles && !fs.existsSync(envrc)) {
    const text = process.platform === 'win32' ? `# cgo settings for this project (dot-source: . .\\cgo-env.ps1)\n${snippets.ps1}\n` : `# cgo settings for this project (direnv: run \`direnv allow\`)\n${snippets.sh}\n`;
    out.push({ title: `Set ${change.key} for this project only: create ${path.basename(envrc)}`, kind: 'quickfix', diagnostic: d, create: [{ file: envrc, text }] });
  }
  const vscodeSettings = path.join(folder, '.vscode', 'settings.json');
  if (canCreateFiles && vscodeEditor && !fs.existsSync(vscodeSettings)) {
    const json = { 'cgo.env': { [change.key]: value }, 'go.toolsEnvVars': { [change.key]: value }, 'gopls': { env: { [change.key]: value } } };
    out.push({ title: `Set ${change.key} in .vscode/settings.json (cgo-ls, the Go extension and gopls)`, kind: 'quickfix', diagnostic: d, create: [{ file: vscodeSettings, text: JSON.stringify(json, null, 2) + '\n' }] });
  }
  out.push({
    title: `Show how to set ${change.key} in your shell or editor`,
    kind: 'quickfix',
    diagnostic: d,
    show: [
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
  'cgo/export-name': ['Change the comment to `//export <FuncName>` (preferred)', 'Rename the function to the exported name'],
  'cgo/export-ignored': ['Write `// export X` as `//export X` (in fix-all)', 'Remove the blank line between `//export` and the function'],
  'cgo/export-preamble-definition': ['Make the function definition `static inline` (preferred)', 'Move the definition to a new `.c` file and keep only its declaration in the preamble'],
  'cgo/condition-spacing': ['Rewrite the condition without spaces (`linux&&arm64`, preferred) or as `linux,arm64`'],
  'cgo/condition-invalid': ['Rewrite `goos/goarch` as `goos,goarch`'],
  'cgo/directive-verb': ['Change the verb to the suggested one (in fix-all)'],
  'cgo/unsafe-argument': ['For a quoted `-DNAME=\\"v\\"`: replace the flag by `#define NAME "v"` in the preamble (in fix-all)'],
  'cgo/unresolved-name': ['Add the `#include` of the header that declares a well-known symbol (in fix-all)', 'Correct a misspelt name to the suggestion (e.g. `C.Cstring` → `C.CString`)'],
  'cgo/c-warning': ['Add the `#include` for an implicitly declared well-known function'],
  'cgo/flag-not-allowed': ['Run `go env -w CGO_<VERB>_ALLOW=<regexp matching exactly this flag>` (only when picked)', 'Create `.envrc` / `cgo-env.ps1` or `.vscode/settings.json` with that variable', 'Show the variable for bash/zsh, fish, PowerShell, cmd, Neovim, Helix and VS Code'],
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
