// Builds the GoFile model of one .go file: imports of "C" with their preambles chosen exactly as cmd/cgo does
// (cgo-rules.md §1), C.name references, //export comments (§7), build constraints, misuse facts (§1.5).
// Comment grouping comes from scanner.ts (a faithful go/parser reimplementation); the syntax tree from tree-sitter.
import path from 'node:path';
import type { Position, Range } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import { fileNameConstraint } from './constraint.js';
import { findCDeclarations, goTrimSpace } from './cdecls.js';
import { getCParser, getGoParser, type Node, type Parser, type Tree } from './parser.js';
import { scanGo, type CommentGroup, type GoComment, type ScanResult } from './scanner.js';
import type { BuildInfo, CgoImport, CommentGroupInfo, CRef, ExportComment, GoFile, Preamble, PreambleCDecl, PreambleLine } from './types.js';

/**
 * Parses a Go file (loads the grammars on first use). Never throws: junk input gives a model with hasSyntaxErrors.
 * With `totalLength` beyond the text's own length, `text` is the `modelPart` of a text that long.
 */
export async function parseGoFile(filePath: string, text: string, totalLength = text.length): Promise<GoFile> {
  // A big file arrives in a big message whose decoding has just held the event loop: let the requests queued
  // behind it be read and served before the (synchronous) model build holds it again (the second turn comes after
  // an I/O poll, so the requests that poll reads are dispatched before it).
  if (totalLength > MAX_ANALYSED_CHARS) for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  let goParser: Parser;
  let cParser: Parser | undefined;
  try {
    goParser = await getGoParser();
  } catch {
    // No grammar (dist/wasm missing): still return the comment-level model, which needs no tree.
    return parseGoFileSync(undefined, filePath, text, undefined, totalLength);
  }
  try {
    cParser = await getCParser();
  } catch {
    cParser = undefined;
  }
  return parseGoFileSync(goParser, filePath, text, cParser, totalLength);
}

/**
 * Loads the grammars and runs a first small parse of each (the first parse of a process pays for compiling the
 * parser's code: about as much as modelling a big file), so that the first file opened is modelled at full speed.
 */
export async function warmModel(): Promise<void> {
  await parseGoFile(
    'warm.go',
    'package p\n\n// #include <stdlib.h>\n// static int add(int a, int b) { return a + b; }\nimport "C"\n\nfunc F() { C.free(nil) }\n',
  );
}

/** Synchronous variant for callers that already hold the parsers (see getGoParser/getCParser). Never throws. */
export function parseGoFileSync(goParser: Parser | undefined, filePath: string, fullText: string, cParser?: Parser, totalLength = fullText.length): GoFile {
  try {
    if (looksBinary(fullText)) {
      const m = emptyModel(filePath, true);
      m.limited = { reason: 'binary', analysedBytes: 0, totalBytes: totalLength };
      return m;
    }
    // A modelPart is modelled whole: it is the part analysisCut kept.
    const cut = totalLength > fullText.length ? fullText.length : analysisCut(fullText);
    const text = cut < fullText.length ? fullText.slice(0, cut) : fullText;
    const m = buildModel(goParser, filePath, text, cParser);
    if (cut < totalLength && m.limited?.reason !== 'time')
      m.limited = { reason: 'size', analysedBytes: cut, totalBytes: totalLength, endLine: lineCountOf(text) };
    return m;
  } catch {
    return emptyModel(filePath, true);
  }
}

// ---- per-file work caps --------------------------------------------------------------------------------------
// A generated 20 MB .go file, a binary named .go or 100 000 `import "C"` lines must not hold the event loop for
// seconds (the tree-sitter parse and the C.name walk are synchronous). Real cgo files are far below these caps.

/**
 * At most this many characters of a file are modelled (cut before a top-level declaration or at a line boundary),
 * except that the cut moves past the `import "C"` when that comes later (a preamble can be hundreds of KB of C):
 * the preamble and its import are always modelled, up to MAX_IMPORT_SEARCH characters.
 */
export const MAX_ANALYSED_CHARS = 128 * 1024;
/** How far an `import "C"` beyond MAX_ANALYSED_CHARS is still looked for. */
export const MAX_IMPORT_SEARCH = 8 * 1024 * 1024;
/** At most this many `import "C"` specs are modelled per file (cmd/cgo joins their preambles; more is junk). */
export const MAX_C_IMPORTS = 64;

/** NUL in the first 8 KiB: not Go source (the go command stops at "illegal character NUL"). */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

/**
 * The part of a text its model reads (for a file over the cap, what analysisCut keeps; for a binary text, the
 * first 8 KiB that say so) and the text's length: `parseGoFile(path, part.text, part.totalLength)` is the model of
 * the whole text. What a model worker is sent instead of a 20 MB text (a structured clone copies it all).
 */
export function modelPart(fullText: string): { text: string; totalLength: number } {
  if (looksBinary(fullText)) return { text: fullText.slice(0, 8192), totalLength: fullText.length };
  const cut = analysisCut(fullText);
  return { text: cut < fullText.length ? fullText.slice(0, cut) : fullText, totalLength: fullText.length };
}

/**
 * Where the modelled prefix of `text` ends: all of it when at most `limit` characters, else before a top-level
 * declaration in the second half of the first `limit` characters (else at a line boundary).
 */
export function analysisCut(text: string, limit = MAX_ANALYSED_CHARS): number {
  if (text.length <= limit) return text.length;
  let best = -1;
  for (const kw of ['\nfunc ', '\ntype ', '\nvar ', '\nconst ', '\n}\n']) {
    const at = text.lastIndexOf(kw, limit - kw.length);
    if (at < 0) continue;
    const cut = kw === '\n}\n' ? at + 3 : at + 1;
    if (cut > best) best = cut;
  }
  let cut = best > limit / 2 ? best : text.lastIndexOf('\n', limit - 1) + 1 || limit;
  // An import "C" after the cut (behind a long preamble): keep it and its import declaration.
  const window = text.slice(cut - 1, MAX_IMPORT_SEARCH);
  const m = /\nimport[ \t]*(\()?[ \t]*(?:\/\/[^\n]*\n[ \t]*)*"C"|\n[ \t]*"C"[ \t]*(?:\/\/[^\n]*)?\n/.exec(window);
  if (m) {
    const at = cut - 1 + m.index;
    const grouped = m[0].startsWith('\nimport') ? m[1] !== undefined : true;
    let end = grouped ? text.indexOf('\n)', at + 1) : text.indexOf('\n', at + 1 + m[0].length - 1);
    if (end < 0) end = text.length;
    else end = text.indexOf('\n', end + 1) < 0 ? text.length : text.indexOf('\n', end + 1) + 1;
    cut = Math.max(cut, Math.min(end, text.length));
  }
  return cut;
}

/** The smallest prefix model first tried for a position (see prefixLimit). */
export const MIN_PREFIX_CHARS = 16 * 1024;

/**
 * How much of a file over the cap to model so that the model covers the line of `offset`: a power of two from
 * MIN_PREFIX_CHARS up to MAX_ANALYSED_CHARS, at least twice past the offset's line, so that the cut analysisCut
 * chooses (before a top-level declaration in the second half) comes after the declaration holding the offset.
 * Null when the offset is beyond what the whole-file model covers anyway.
 */
export function prefixLimit(text: string, offset: number): number | null {
  const lineEnd = text.indexOf('\n', offset);
  const need = lineEnd < 0 ? text.length : lineEnd + 1;
  let limit = MIN_PREFIX_CHARS;
  while (limit < MAX_ANALYSED_CHARS && limit / 2 < need) limit *= 2;
  return limit / 2 < need ? null : limit;
}

/**
 * The model of the first `limit` characters of a file over the cap (cut as analysisCut cuts), marked `limited`:
 * what a hover near the top of a huge file needs, built in a fraction of the time of the whole-file model.
 */
export async function parseGoPrefix(filePath: string, text: string, limit: number): Promise<GoFile> {
  if (looksBinary(text)) return parseGoFile(filePath, text);
  const cut = analysisCut(text, limit);
  const part = text.slice(0, cut);
  const m = await parseGoFile(filePath, part);
  if (cut < text.length) m.limited ??= { reason: 'size', analysedBytes: cut, totalBytes: text.length, endLine: lineCountOf(part) };
  return m;
}

function lineCountOf(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function emptyModel(filePath: string, hasSyntaxErrors: boolean): GoFile {
  const base = path.basename(filePath);
  const fc = fileNameConstraint(base);
  return {
    path: filePath,
    packageName: null,
    build: {
      plusBuild: [],
      isTest: base.endsWith('_test.go'),
      ...(fc.goos !== undefined ? { fileGOOS: fc.goos } : {}),
      ...(fc.goarch !== undefined ? { fileGOARCH: fc.goarch } : {}),
    },
    cImports: [],
    cRefs: [],
    exports: [],
    cTypeReceivers: [],
    cEmbeddedFields: [],
    goDebug: [],
    hasSyntaxErrors,
    importsC: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------

interface Ctx {
  text: string;
  idx: LineIndex;
  scan: ScanResult;
  /** lead comment group by the index of the token it documents */
  leadByToken: Map<number, CommentGroup>;
  /** comment groups by the index of the next non-comment token */
  groupsBeforeToken: Map<number, CommentGroup[]>;
}

function rangeOf(idx: LineIndex, start: number, end: number): Range {
  return { start: idx.positionAt(start), end: idx.positionAt(end) };
}

function nodeRange(n: Node): Range {
  return {
    start: { line: n.startPosition.row, character: n.startPosition.column },
    end: { line: n.endPosition.row, character: n.endPosition.column },
  };
}

function groupInfo(ctx: Ctx, g: CommentGroup): CommentGroupInfo {
  return {
    range: rangeOf(ctx.idx, g.start, g.end),
    comments: g.comments.map((c) => ({ text: c.raw, range: rangeOf(ctx.idx, c.start, c.end) })),
  };
}

/** cmd/cgo commentText (ast.go line 183) with a map of every resulting line back to the .go file. */
export function buildPreamble(idx: LineIndex, comments: GoComment[]): Preamble {
  type Seg = { col: number; goLine: number; goCol: number };
  const lines: { text: string; segs: Seg[] }[] = [];
  let cur: { text: string; segs: Seg[] } = { text: '', segs: [] };
  let text = '';
  const append = (s: string, goLine: number, goCol: number) => {
    text += s;
    const parts = s.split('\n');
    for (let k = 0; k < parts.length; k++) {
      const gl = goLine + k;
      const gc = k === 0 ? goCol : 0;
      if (k > 0) {
        lines.push(cur);
        cur = { text: '', segs: [] };
      }
      const part = parts[k]!;
      const last = cur.segs[cur.segs.length - 1];
      if (last && last.col === cur.text.length) {
        // the previous segment is empty: this text takes its place
        last.goLine = gl;
        last.goCol = gc;
      } else if (part.length > 0 || cur.segs.length === 0) {
        cur.segs.push({ col: cur.text.length, goLine: gl, goCol: gc });
      }
      cur.text += part;
    }
  };
  for (const c of comments) {
    const p = idx.positionAt(c.start);
    if (c.text[1] === '/') append(c.text.slice(2) + '\n', p.line, p.character + 2);
    else if (c.text[1] === '*') append(c.text.slice(2, Math.max(2, c.text.length - 2)), p.line, p.character + 2);
  }
  if (!text.endsWith('\n') || cur.text.length > 0) lines.push(cur);
  const first = comments[0] ? idx.positionAt(comments[0].start) : { line: 0, character: 0 };
  const last = comments[comments.length - 1];
  const out: PreambleLine[] = lines.map((l) => {
    const s0 = l.segs[0] ?? { col: 0, goLine: first.line, goCol: 0 };
    const pl: PreambleLine = { text: l.text, goLine: s0.goLine, goCol: s0.goCol };
    if (l.segs.length > 1) pl.segments = l.segs.map((s) => ({ ...s }));
    return pl;
  });
  return {
    text,
    lines: out,
    firstLine: first.line,
    group: {
      range: { start: first, end: last ? idx.positionAt(last.end) : first },
      comments: comments.map((c) => ({ text: c.raw, range: { start: idx.positionAt(c.start), end: idx.positionAt(c.end) } })),
    },
  };
}

/** commentText of a group, for content tests. */
function groupText(g: CommentGroup): string {
  return g.comments.map((c) => (c.text[1] === '/' ? c.text.slice(2) + '\n' : c.text.slice(2, Math.max(2, c.text.length - 2)))).join('');
}

/** A comment that was evidently meant as C preamble text (conservative: a licence header is not). */
export function looksLikePreamble(text: string): boolean {
  for (const raw of text.split('\n')) {
    const l = goTrimSpace(raw);
    if (/^#\s*(include|define|undef|if|ifdef|ifndef|pragma|import)\b/.test(l)) return true;
    if (/^#cgo[ \t]/.test(l)) return true;
    if (/\btypedef\b/.test(l)) return true;
    if (l.endsWith(';') || l.includes('{') || l.includes('}')) return true;
  }
  return false;
}

function hasDirectiveLines(text: string): boolean {
  return text.split('\n').some((raw) => /^(#cgo[ \t]|#\s*include\b|#\s*define\b)/.test(goTrimSpace(raw)));
}

// ---------------------------------------------------------------------------------------------------------------

/** Wall-clock budget for one tree-sitter parse; real files take milliseconds, hostile ones are cut off. */
const PARSE_BUDGET_MS = 3_000;

function parseDeadline(ms: number): () => boolean {
  const end = performance.now() + ms;
  return () => performance.now() > end;
}

/**
 * go/scanner makes an unterminated block comment run to the end of the file. tree-sitter's error recovery on
 * such text (e.g. thousands of `/*`) is very slow, so it gets the same text with that comment blanked out:
 * offsets and lines are unchanged and nothing Go would parse is lost.
 */
function treeSitterInput(text: string, scan: ReturnType<typeof scanGo>): string {
  const last = scan.comments[scan.comments.length - 1];
  if (!last || !last.block || last.raw.endsWith('*/') || last.end < text.length) return text;
  return text.slice(0, last.start) + text.slice(last.start).replace(/[^\n]/g, ' ');
}

function buildModel(goParser: Parser | undefined, filePath: string, text: string, cParser: Parser | undefined): GoFile {
  const idx = LineIndex.of(text);
  const scan = scanGo(text);
  const leadByToken = new Map<number, CommentGroup>();
  const groupsBeforeToken = new Map<number, CommentGroup[]>();
  for (const g of scan.groups) {
    if (g.leadFor !== null) leadByToken.set(g.leadFor, g);
    const list = groupsBeforeToken.get(g.nextToken);
    if (list) list.push(g);
    else groupsBeforeToken.set(g.nextToken, [g]);
  }
  const ctx: Ctx = { text, idx, scan, leadByToken, groupsBeforeToken };
  const file = emptyModel(filePath, false);
  const build = file.build;

  // Build constraints and //go:debug come from the file header (go/build parseFileHeader), no tree needed.
  readHeader(ctx, build, file);

  if (!goParser) {
    file.hasSyntaxErrors = true;
    return file;
  }
  let tree: Tree | null = null;
  try {
    tree = goParser.parse(treeSitterInput(text, scan), null, { progressCallback: parseDeadline(PARSE_BUDGET_MS) });
  } catch {
    tree = null;
  }
  if (!tree) {
    file.hasSyntaxErrors = true;
    file.limited = { reason: 'time', analysedBytes: 0, totalBytes: text.length };
    return file;
  }
  try {
    const root = tree.rootNode;
    file.hasSyntaxErrors = root.hasError;
    const tokIndex = (n: Node): number | undefined => scan.tokenAt(n.startIndex);

    const funcs: Node[] = [];
    for (const decl of root.namedChildren) {
      if (!decl) continue;
      if (decl.type === 'package_clause' && file.packageName === null) {
        const id = decl.namedChildren.find((c) => c?.type === 'package_identifier');
        if (id) {
          file.packageName = id.text;
          file.packageRange = nodeRange(id);
        }
      } else if (decl.type === 'import_declaration') {
        if (file.cImports.length >= MAX_C_IMPORTS) {
          file.limited ??= { reason: 'imports', analysedBytes: decl.startIndex, totalBytes: text.length };
          continue;
        }
        readImports(ctx, decl, file, tokIndex);
      } else if (decl.type === 'function_declaration' || decl.type === 'method_declaration') {
        funcs.push(decl);
        if (decl.type === 'method_declaration') readReceiver(decl, file);
      }
    }
    const importsC = file.cImports.length > 0;
    (file as { importsC: boolean }).importsC = importsC;
    readExports(ctx, funcs, file, tokIndex);
    if (importsC) readCRefs(ctx, root, file);
    if (importsC && cParser) file.preambleDecls = readPreambleDecls(cParser, file);
  } finally {
    tree.delete();
  }
  return file;
}

function readHeader(ctx: Ctx, build: BuildInfo, file: GoFile): void {
  const { text, idx } = ctx;
  // go/build parseFileHeader, line by line (build.go line 1627).
  let end = 0; // line index (exclusive) of the last blank line before the first non-comment line
  let ended = false;
  let inSlashStar = false;
  let goBuildCount = 0;
  const candidatesPlus: { expr: string; range: Range; line: number }[] = [];
  for (let ln = 0; ln < idx.lineCount; ln++) {
    const rawLine = idx.lineText(ln);
    let line = goTrimSpace(ln === 0 && rawLine.charCodeAt(0) === 0xfeff ? rawLine.slice(1) : rawLine);
    if (line.length === 0 && !ended) {
      end = ln + 1;
      continue;
    }
    if (!line.startsWith('//')) ended = true;
    const lineRange: Range = { start: { line: ln, character: rawLine.length - goTrimStartLen(rawLine) }, end: { line: ln, character: rawLine.length } };
    if (!inSlashStar && isGoBuildComment(line)) {
      goBuildCount++;
      if (goBuildCount === 1) build.goBuild = { expr: goTrimSpace(line.slice('//go:build'.length)), range: lineRange };
      else build.goBuildError = 'multiple //go:build comments';
    }
    if (!inSlashStar && line.startsWith('//') && line.includes('+build')) {
      const expr = splitPlusBuild(line);
      if (expr !== null) candidatesPlus.push({ expr, range: lineRange, line: ln });
    }
    let stop = false;
    for (;;) {
      if (line.length === 0) break;
      if (inSlashStar) {
        const i = line.indexOf('*/');
        if (i >= 0) {
          inSlashStar = false;
          line = goTrimSpace(line.slice(i + 2));
          continue;
        }
        break;
      }
      if (line.startsWith('//')) break;
      if (line.startsWith('/*')) {
        inSlashStar = true;
        line = goTrimSpace(line.slice(2));
        continue;
      }
      stop = true;
      break;
    }
    if (stop) break;
  }
  build.plusBuild = candidatesPlus.filter((c) => c.line < end).map(({ expr, range }) => ({ expr, range }));

  // //go:debug directives: comments before the package clause (go/build readGoInfo directives).
  const pkgTok = ctx.scan.tokens.find((t) => t.kind === 'ident' && t.text === 'package');
  const limit = pkgTok ? pkgTok.start : text.length;
  for (const c of ctx.scan.comments) {
    if (c.start >= limit) break;
    if (c.block) continue;
    const m = /^\/\/go:debug(?:[ \t](.*))?$/.exec(c.text);
    if (!m) continue;
    const body = goTrimSpace(m[1] ?? '');
    const eq = body.indexOf('=');
    if (eq <= 0) continue;
    file.goDebug.push({ key: goTrimSpace(body.slice(0, eq)), value: goTrimSpace(body.slice(eq + 1)), range: rangeOf(idx, c.start, c.end) });
  }
}

function goTrimStartLen(s: string): number {
  let a = 0;
  while (a < s.length && /\s/.test(s[a]!)) a++;
  return s.length - a;
}

/** go/build isGoBuildComment (build.go line 1539). */
export function isGoBuildComment(line: string): boolean {
  if (!line.startsWith('//go:build')) return false;
  const t = goTrimSpace(line);
  const rest = t.slice('//go:build'.length);
  return rest.length === 0 || goTrimSpace(rest).length < rest.length;
}

/** go/build/constraint splitPlusBuild: the expression of a `// +build` line, or null. */
export function splitPlusBuild(line: string): string | null {
  if (!line.startsWith('//')) return null;
  let l = goTrimSpace(line.slice(2));
  if (!l.startsWith('+build')) return null;
  l = l.slice('+build'.length);
  const trim = goTrimSpace(l);
  if (l.length === trim.length && l !== '') return null;
  return trim;
}

function readImports(ctx: Ctx, decl: Node, file: GoFile, tokIndex: (n: Node) => number | undefined): void {
  const list = decl.namedChildren.find((c) => c?.type === 'import_spec_list') ?? null;
  const parenthesized = list !== null;
  const specs = (list ?? decl).namedChildren.filter((c): c is Node => !!c && c.type === 'import_spec');
  const declTok = tokIndex(decl);
  const declDoc = declTok !== undefined ? ctx.leadByToken.get(declTok) : undefined;
  for (const spec of specs) {
    if (file.cImports.length >= MAX_C_IMPORTS) {
      file.limited ??= { reason: 'imports', analysedBytes: spec.startIndex, totalBytes: ctx.text.length };
      break;
    }
    const pathNode = spec.childForFieldName('path');
    if (!pathNode) continue;
    if (pathNode.type === 'raw_string_literal' && pathNode.text === '`C`') {
      file.backquotedCImport = nodeRange(pathNode);
      continue;
    }
    if (pathNode.text !== '"C"') continue;
    const nameNode = spec.childForFieldName('name');
    const specTok = tokIndex(spec);
    // go/parser: an unparenthesized spec gets no doc of its own (parseGenDecl passes nil).
    const specDoc = parenthesized && specTok !== undefined ? ctx.leadByToken.get(specTok) : undefined;
    const cg = specDoc ?? (specs.length === 1 ? declDoc : undefined);
    const imp: CgoImport = {
      pathRange: nodeRange(pathNode),
      specRange: nodeRange(spec),
      preamble: cg ? buildPreamble(ctx.idx, cg.comments) : null,
      groupSpecCount: specs.length,
      parenthesized,
    };
    if (nameNode) {
      imp.renamedTo = nameNode.text;
      imp.nameRange = nodeRange(nameNode);
    }
    if (!cg) {
      if (parenthesized && specs.length > 1 && declDoc && looksLikePreamble(groupText(declDoc))) {
        imp.detached = { group: groupInfo(ctx, declDoc), reason: 'group-doc' };
      } else {
        // the closest comment group before "C" (inside the parens) or before `import`, not touching it
        const candidates: [number | undefined, 'spec' | 'decl'][] = parenthesized
          ? [
              [specTok, 'spec'],
              [declTok, 'decl'],
            ]
          : [[declTok, 'decl']];
        for (const [tok, where] of candidates) {
          if (tok === undefined) continue;
          const groups = ctx.groupsBeforeToken.get(tok);
          const g = groups?.[groups.length - 1];
          if (!g || g.isLineComment || g.leadFor !== null) continue;
          if (!looksLikePreamble(groupText(g))) continue;
          const reason = where === 'decl' && specs.length > 1 ? 'group-doc' : 'blank-line';
          const next = ctx.scan.tokens[tok]!;
          imp.detached = {
            group: groupInfo(ctx, g),
            reason,
            blankLines: { start: { line: g.endLine + 1, character: 0 }, end: { line: next.line, character: 0 } },
          };
          break;
        }
      }
    } else {
      // a group one blank line above the preamble with #cgo/#include/#define lines is silently lost
      const groups = ctx.groupsBeforeToken.get(cg.nextToken) ?? [];
      const i = groups.indexOf(cg);
      const prev = i > 0 ? groups[i - 1] : undefined;
      if (prev && !prev.isLineComment && cg.line - prev.endLine === 2 && hasDirectiveLines(groupText(prev))) {
        imp.splitAbove = groupInfo(ctx, prev);
      }
    }
    file.cImports.push(imp);
  }
}

function stripTypeWrappers(n: Node | null): { inner: Node | null; text: string } {
  const text = n ? n.text.replace(/\s+/g, '') : '';
  let t = n;
  while (t && (t.type === 'parenthesized_type' || t.type === 'pointer_type')) {
    t = t.namedChildren.find((c) => !!c && c.type !== 'comment') ?? null;
  }
  return { inner: t, text };
}

function readReceiver(decl: Node, file: GoFile): void {
  const recv = decl.childForFieldName('receiver');
  const param = recv?.namedChildren.find((c) => c?.type === 'parameter_declaration') ?? null;
  if (!param) return;
  const type = param.childForFieldName('type');
  const { inner, text } = stripTypeWrappers(type);
  if (inner?.type === 'qualified_type' && inner.childForFieldName('package')?.text === 'C') {
    // cmd/cgo formats the whole receiver type (format.Node), e.g. `*C.T`; parentheses are kept as written.
    file.cTypeReceivers.push({ typeName: text, range: nodeRange(inner) });
  }
}

function readExports(ctx: Ctx, funcs: Node[], file: GoFile, tokIndex: (n: Node) => number | undefined): void {
  const importsC = file.cImports.length > 0;
  for (const fn of funcs) {
    const tok = tokIndex(fn);
    if (tok === undefined) continue;
    const before = ctx.groupsBeforeToken.get(tok);
    if (!before) continue; // no comment above this func: nothing to record
    const doc = ctx.leadByToken.get(tok);
    const groups = before.filter((g) => !g.isLineComment && g.comments.some((c) => classifyExportComment(c) !== null));
    if (groups.length === 0) continue;
    const nameNode = fn.childForFieldName('name');
    const recv = fn.type === 'method_declaration' ? fn.childForFieldName('receiver') : null;
    const params = fn.childForFieldName('parameters');
    const result = fn.childForFieldName('result');
    const funcInfo: NonNullable<ExportComment['func']> | undefined = nameNode
      ? {
          name: nameNode.text,
          nameRange: nodeRange(nameNode),
          ...(recv ? { receiver: recv.text } : {}),
          paramsText: params?.text ?? '()',
          resultText: result?.text ?? '',
          range: nodeRange(fn),
        }
      : undefined;
    let sawFirst = false;
    for (const g of groups) {
      const isDoc = g === doc;
      for (const c of g.comments) {
        const exp = classifyExportComment(c);
        if (!exp) continue;
        const nameStart = c.start + exp.nameOffset;
        const ec: ExportComment = {
          name: exp.name,
          range: rangeOf(ctx.idx, c.start, c.end),
          nameRange: rangeOf(ctx.idx, nameStart, nameStart + exp.name.length),
        };
        if (exp.kind === 'export') {
          if (isDoc && sawFirst) ec.ignored = 'not-first';
          else if (!importsC) ec.ignored = 'no-import-c';
          else if (!isDoc) ec.ignored = 'not-adjacent';
          if (isDoc) {
            sawFirst = true;
            if (funcInfo) ec.func = funcInfo;
          } else if (ec.ignored === 'not-adjacent') {
            // blank lines between the group and the func (the next token)
            const next = ctx.scan.tokens[g.nextToken]!;
            if (next.line - g.endLine >= 2) {
              ec.blankLines = { start: { line: g.endLine + 1, character: 0 }, end: { line: next.line, character: 0 } };
            }
          }
        } else {
          if (!importsC) continue; // prose in a non-cgo file
          ec.ignored = exp.kind === 'block' ? 'block-comment' : 'space-after-slashes';
          if (isDoc && funcInfo) ec.func = funcInfo;
        }
        file.exports.push(ec);
      }
    }
  }
}

/** Recognizes `//export X` (cmd/cgo prefix "//export "), `// export X` and `/*export X*\/`. */
export function classifyExportComment(c: GoComment): { kind: 'export' | 'space' | 'block'; name: string; nameOffset: number } | null {
  const t = c.text;
  if (t.startsWith('//export ')) {
    const rest = t.slice(9);
    const name = goTrimSpace(rest);
    const lead = rest.length - rest.replace(/^\s+/, '').length;
    return { kind: 'export', name, nameOffset: name === '' ? t.length : 9 + lead };
  }
  let m = /^\/\/([ \t]+)export[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)[ \t]*$/u.exec(t);
  if (m) return { kind: 'space', name: m[2]!, nameOffset: t.indexOf(m[2]!, 2 + m[1]!.length + 6) };
  m = /^\/\*[ \t]*export[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)\s*\*\/$/u.exec(t);
  if (m) return { kind: 'block', name: m[1]!, nameOffset: t.indexOf(m[1]!, 8) };
  return null;
}

const TRANSPARENT_EXPR = new Set(['parenthesized_expression', 'parenthesized_type', 'pointer_type']);

function readCRefs(ctx: Ctx, root: Node, file: GoFile): void {
  const toks = ctx.scan.tokens;
  // local declarations of an identifier `C` (cmd/cgo ignores scoping; we only flag the refs as shadowed)
  const shadowDecls: { at: number; scopeStart: number; scopeEnd: number }[] = [];
  const refs: { c: number; name: number }[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind !== 'ident' || t.text !== 'C') continue;
    if (k > 0 && toks[k - 1]!.kind === 'op' && toks[k - 1]!.text === '.') continue; // x.C
    const dot = toks[k + 1];
    const name = toks[k + 2];
    if (dot?.kind === 'op' && dot.text === '.' && name?.kind === 'ident') refs.push({ c: k, name: k + 2 });
    else {
      const node = root.descendantForIndex(t.start, t.end);
      if (node && isDeclarationName(node)) {
        let top: Node | null = node;
        while (top?.parent && top.parent.type !== 'source_file') top = top.parent;
        if (top && top.type !== 'import_declaration') shadowDecls.push({ at: t.start, scopeStart: top.startIndex, scopeEnd: top.endIndex });
      }
    }
  }
  for (const r of refs) {
    const ct = toks[r.c]!;
    const nt = toks[r.name]!;
    const ref: CRef = {
      name: nt.text,
      range: rangeOf(ctx.idx, ct.start, nt.end),
      nameRange: rangeOf(ctx.idx, nt.start, nt.end),
      context: 'value',
    };
    const node = root.descendantForIndex(ct.start, ct.end);
    const parent = node?.parent ?? null;
    if (parent && parent.type === 'qualified_type') {
      ref.context = 'type';
      // embedded field: struct field_declaration without a name, or an interface type_elem
      let up: Node | null = parent;
      while (up?.parent && (up.parent.type === 'pointer_type' || up.parent.type === 'parenthesized_type')) up = up.parent;
      const holder = up?.parent ?? null;
      if (
        holder &&
        ((holder.type === 'field_declaration' && !holder.childForFieldName('name')) ||
          (holder.type === 'type_elem' && holder.parent?.type === 'interface_type'))
      ) {
        file.cEmbeddedFields.push({ typeName: `C.${nt.text}`, range: ref.range });
      }
    } else if (parent && parent.type === 'selector_expression' && parent.childForFieldName('operand')?.startIndex === ct.start) {
      const outer = parent.parent;
      if (
        outer?.type === 'selector_expression' &&
        outer.childForFieldName('operand')?.startIndex === parent.startIndex &&
        outer.childForFieldName('operand')?.endIndex === parent.endIndex
      ) {
        ref.context = 'selector-operand';
      } else {
        let up: Node = parent;
        while (up.parent && (TRANSPARENT_EXPR.has(up.parent.type) || (up.parent.type === 'unary_expression' && up.parent.child(0)?.type === '*')))
          up = up.parent;
        const holder = up.parent;
        if (holder?.type === 'call_expression' && holder.childForFieldName('function')?.startIndex === up.startIndex) {
          ref.context = 'call';
          const args = holder.childForFieldName('arguments');
          ref.argCount = args ? args.namedChildren.filter((a) => !!a && a.type !== 'comment').length : 0;
          if (isTwoResult(holder)) ref.twoResult = true;
        } else if (holder?.type === 'composite_literal' && holder.childForFieldName('type')?.startIndex === up.startIndex) {
          ref.context = 'type';
        }
      }
    }
    if (shadowDecls.some((d) => d.at < ct.start && ct.start >= d.scopeStart && ct.start < d.scopeEnd)) ref.shadowed = true;
    file.cRefs.push(ref);
  }
}

function isDeclarationName(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  switch (p.type) {
    case 'parameter_declaration':
    case 'variadic_parameter_declaration':
    case 'var_spec':
    case 'const_spec':
      return p.childrenForFieldName('name').some((c) => c?.startIndex === n.startIndex);
    case 'expression_list': {
      const g = p.parent;
      return !!g && (g.type === 'short_var_declaration' || g.type === 'range_clause') && g.childForFieldName('left')?.startIndex === p.startIndex;
    }
    case 'range_clause':
      return p.childForFieldName('left')?.startIndex === n.startIndex;
    default:
      return false;
  }
}

/** cmd/cgo ctxCall2: `a, b := C.f()`, `a, b = C.f()`, `var a, b = C.f()` (parentheses are transparent). */
function isTwoResult(call: Node): boolean {
  let up: Node = call;
  while (up.parent?.type === 'parenthesized_expression') up = up.parent;
  const list = up.parent;
  if (list?.type !== 'expression_list') return false;
  if (list.namedChildren.filter((c) => c && c.type !== 'comment').length !== 1) return false;
  const stmt = list.parent;
  if (!stmt) return false;
  if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
    if (stmt.childForFieldName('right')?.startIndex !== list.startIndex) return false;
    const left = stmt.childForFieldName('left');
    return !!left && left.namedChildren.filter((c) => c && c.type !== 'comment').length === 2;
  }
  if (stmt.type === 'var_spec') {
    return stmt.childrenForFieldName('name').filter((c) => !!c).length === 2;
  }
  return false;
}

function readPreambleDecls(cParser: Parser, file: GoFile): PreambleCDecl[] {
  const out: PreambleCDecl[] = [];
  file.cImports.forEach((imp, i) => {
    const pre = imp.preamble;
    if (!pre) return;
    for (const d of findCDeclarations(cParser, pre.text)) {
      out.push({
        name: d.name,
        kind: d.kind,
        definition: d.definition,
        storage: d.storage,
        inline: d.inline,
        variadic: d.variadic,
        externalDefinition: d.externalDefinition,
        cImport: i,
        range: { start: mapPre(pre, d.start), end: mapPre(pre, d.end) },
        nameRange: { start: mapPre(pre, d.nameStart), end: mapPre(pre, d.nameEnd) },
      });
    }
  });
  return out;
}

/** Preamble (line, UTF-16 column) → .go position. Lines past the end map to the end of the comment group. */
export function mapPre(pre: Preamble, p: Position): Position {
  const line = pre.lines[p.line];
  if (!line) return { ...pre.group.range.end };
  const segs = line.segments ?? [{ col: 0, goLine: line.goLine, goCol: line.goCol }];
  let seg = segs[0]!;
  for (const s of segs) if (s.col <= p.character) seg = s;
  return { line: seg.goLine, character: seg.goCol + Math.max(0, p.character - seg.col) };
}
