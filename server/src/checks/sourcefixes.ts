// The fixes of the source checks (checks/source.ts): edits computed from the Go model, so they stay right on
// unsaved text. Each is offered only when the result builds (test/engine/proven.test.ts applies every one).
import fs from 'node:fs';
import path from 'node:path';
import type { CgoDiagnostic, Range, TextEdit } from '../core/types.js';
import { comparePositions } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import type { GoFile, Preamble } from '../gomodel/types.js';
import { getGoParser } from '../gomodel/parser.js';
import { isBlank, lineRange, preambleAt, type Fix, type FixContext, type FixInput } from './fix.js';

export function preambleDetachedFixes({ d, ctx, lines, edit }: FixInput<'cgo/preamble-detached'>): Fix[] {
  const { file } = ctx;
  const imp = file.cImports.find((i) => i.detached && i.detached.group.range.start.line === d.range.start.line) ?? file.cImports.find((i) => i.detached);
  if (!imp?.detached) return [];
  const groupEnd = imp.detached.group.range.end.line;
  if (imp.detached.reason === 'blank-line') {
    // Delete the blank lines below the comment; what follows them (`import "C"` or `import (`) moves up.
    const from = groupEnd + 1;
    let to = from;
    while (to < imp.specRange.start.line && isBlank(lines, to)) to++;
    if (to === from) return [];
    return [
      edit('Remove the blank line between the preamble and import "C"', [{ range: lineRange(lines, from, to), newText: '' }], { preferred: true, safe: true }),
    ];
  }
  // Comment on a parenthesised group with several specs: give "C" its own import declaration.
  const cLine = imp.specRange.start.line;
  const declLine = groupEnd + 1;
  if (lines.lineText(cLine).trim() !== '"C"') return []; // "C" shares its line with something else
  return [
    edit(
      'Move "C" into its own import "C" below the preamble',
      [
        { range: { start: { line: declLine, character: 0 }, end: { line: declLine, character: 0 } }, newText: 'import "C"\n\n' },
        { range: lineRange(lines, cLine, cLine + 1), newText: '' },
      ],
      { preferred: true, safe: true },
    ),
  ];
}

export function preambleSplitFixes({ d, ctx, lines, edit }: FixInput<'cgo/preamble-split'>): Fix[] {
  const { file } = ctx;
  const p = preambleAt(file, d.range.start.line + 2) ?? file.cImports.find((i) => i.splitAbove)?.preamble ?? undefined;
  const imp = file.cImports.find((i) => i.splitAbove);
  if (!imp?.splitAbove || !p) return [];
  const gapFrom = imp.splitAbove.range.end.line + 1;
  let gapTo = gapFrom;
  while (gapTo < p.group.range.start.line && isBlank(lines, gapTo)) gapTo++;
  if (gapTo !== p.group.range.start.line) return [];
  const useSlashes = imp.splitAbove.comments.every((c) => c.text.startsWith('//'));
  const indent = lines.lineText(gapTo).match(/^\s*/)![0];
  const joiner = useSlashes ? `${indent}//\n` : '';
  if (!useSlashes) return [];
  return [
    edit(
      'Join the comment groups with "//" so the lost #cgo/#include lines reach cgo',
      [{ range: lineRange(lines, gapFrom, gapTo), newText: joiner.repeat(gapTo - gapFrom) }],
      { preferred: true, safe: true },
    ),
  ];
}

export async function renamedImportFixes({ ctx, edit }: FixInput<'cgo/renamed-import'>): Promise<Fix[]> {
  const imp = ctx.file.cImports.find((i) => i.renamedTo !== undefined);
  if (!imp || !imp.nameRange || imp.renamedTo === undefined) return [];
  const edits: TextEdit[] = [{ range: { start: imp.nameRange.start, end: imp.pathRange.start }, newText: '' }];
  const name = imp.renamedTo;
  if (name !== '_' && name !== '.') {
    for (const r of await qualifiedUses(ctx.text, name)) edits.push({ range: r, newText: 'C' });
  }
  return [edit(`Use plain import "C"${name !== '_' && name !== '.' ? ` and rewrite ${name}.X as C.X` : ''}`, edits, { preferred: true, safe: name !== '.' })];
}

export function exportNameFixes({ d, ctx, lines, edit }: FixInput<'cgo/export-name'>): Fix[] {
  const { file } = ctx;
  const fixes: Fix[] = [];
  const exp =
    file.exports.find((e) => comparePositions(e.range.start, d.range.start) <= 0 && comparePositions(d.range.start, e.range.end) <= 0) ??
    file.exports.find((e) => e.func && e.name !== e.func.name);
  if (!exp?.func) return fixes;
  const fnName = exp.func.name;
  // Exporting a name that C already defines (a static inline helper, a .c file) fails: "redefinition of 'x'"
  // or "multiple definition of `x'". Such a fix is not offered.
  const collides = (n: string) => cSymbolDefined(file, n);
  // A valid //export makes cmd/cgo compile the preamble twice: while it still has external definitions (their
  // own cgo/export-preamble-definition diagnostics), fixing the name only moves the failure to the link
  // ("multiple definition"), so nothing is offered until those are fixed.
  if ((file.preambleDecls ?? []).some((x) => x.externalDefinition)) return fixes;
  if (exp.name === '') {
    if (!collides(fnName))
      fixes.push(
        edit(
          `Export it as ${fnName}`,
          [
            {
              range: { start: exp.nameRange.start, end: exp.nameRange.end },
              newText: (lines.lineText(exp.range.start.line).endsWith(' ') ? '' : ' ') + fnName,
            },
          ],
          { preferred: true, safe: true },
        ),
      );
  } else {
    if (!collides(fnName))
      fixes.push(edit(`Change the comment to //export ${fnName}`, [{ range: exp.nameRange, newText: fnName }], { preferred: true, safe: true }));
    // Renaming the Go function breaks its Go callers: offered only when nothing else in the package names it.
    if (
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(exp.name) &&
      !collides(exp.name) &&
      !exp.func.receiver &&
      !goNameUsedElsewhere(file, ctx.text, fnName, exp.func.nameRange) &&
      !goNameUsedElsewhere(file, ctx.text, exp.name, null)
    ) {
      fixes.push(edit(`Rename the function to ${exp.name}`, [{ range: exp.func.nameRange, newText: exp.name }]));
    }
  }
  return fixes;
}

export function exportIgnoredFixes({ d, data, ctx, edit }: FixInput<'cgo/export-ignored'>): Fix[] {
  const { file } = ctx;
  const exp = file.exports.find((e) => comparePositions(e.range.start, d.range.start) <= 0 && comparePositions(d.range.start, e.range.end) <= 0);
  const exportedName = exp?.func?.name ?? exp?.name;
  // The fix makes cgo export the function: not offered when that breaks the build (the C name exists, the
  // name is not the function's, or the preamble has definitions that would then be compiled twice).
  if (!exp || !exportedName || cSymbolDefined(file, exportedName) || (exp.func && exp.name !== exp.func.name)) return [];
  if (!file.exports.some((e) => e.ignored === undefined && e.func) && (file.preambleDecls ?? []).some((x) => x.externalDefinition)) return [];
  const { replacement, commentRange } = data;
  if (replacement && commentRange) {
    // `// export X` or `/*export X*/` → `//export X`.
    return [edit(`Write it as ${replacement} so cgo exports the function`, [{ range: commentRange, newText: replacement }], { preferred: true, safe: true })];
  }
  const blank = data.blankLines;
  if (data.reason === 'not-adjacent' && blank) {
    return [edit('Remove the blank line between //export and the function', [{ range: blank, newText: '' }], { preferred: true, safe: true })];
  }
  return [];
}

export function exportPreambleDefinitionFixes({ d, data, ctx, lines, edit }: FixInput<'cgo/export-preamble-definition'>): Fix[] {
  const fixes: Fix[] = [];
  const def = data.definitionRange as Range | undefined;
  const kind = data.kind as string | undefined;
  const start = def?.start ?? d.range.start;
  const name = data.name as string | undefined;
  // `static` hides the function from other C files of the package (and other preambles): offered only when
  // none of them names it, else their link fails with "undefined reference".
  if ((kind === 'function' || kind === undefined) && name && !mentionedInOtherSources(ctx.file.path, name)) {
    fixes.push(
      edit('Make the definition static inline (each C file then gets its own copy)', [{ range: { start, end: start }, newText: 'static inline ' }], {
        preferred: true,
      }),
    );
  }
  if (ctx.canCreateFiles) {
    const moved = moveDefinitionFix(d, data, ctx, lines);
    if (moved) fixes.push(moved);
  }
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
function moveDefinitionFix(d: CgoDiagnostic, data: FixInput<'cgo/export-preamble-definition'>['data'], ctx: FixContext, lines: LineIndex): Fix | null {
  const r = data.definitionRange as Range | undefined;
  const name = data.name as string | undefined;
  const kind = (data.kind as string | undefined) ?? 'function';
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
        edits: [
          {
            range: { start: { line: startLine, character: r.start.character }, end: { line: endLine, character: lines.lineText(endLine).length } },
            newText: declaration,
          },
        ],
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
