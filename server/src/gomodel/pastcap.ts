// `C.name` references past the modelled part of a file over the cap (model.ts MAX_ANALYSED_CHARS). The model of
// such a file holds the preambles but no reference beyond its cut; a hover, definition or signature help there
// lexes only what it needs: whether the position is Go code (not in a comment, string or rune literal, scanned
// from the start of the file with Go's lexical rules for those tokens, linear and without a tree) and the
// `C . name` selector on the position's line. Scoping is not looked at: cmd/cgo rewrites every `C.name` selector
// whatever a local `C` declaration says (the model flags those refs `shadowed` and still keeps them).
import { LineIndex, offsetOfLine } from '../core/text.js';
import type { Position } from '../core/types.js';
import type { CRef, GoFile } from './types.js';

/** The last text scanned and the lexical state at its checkpoints (hovers come one after another on one text). */
let memo: { text: string; offsets: number[] } | null = null;
const CHECKPOINT = 64 * 1024;

/**
 * Whether `offset` of Go source `text` is in Go code: not inside a comment, an interpreted or raw string literal
 * or a rune literal (a literal's delimiters count as inside). A scan from the start, resumed from the nearest
 * offset known to be between tokens when the same text was scanned before.
 */
export function isGoCodeAt(text: string, offset: number): boolean {
  if (memo?.text !== text) memo = { text, offsets: [0] };
  const offsets = memo.offsets;
  let i = 0;
  for (const o of offsets) if (o <= offset) i = o;
  const token = /\/\/|\/\*|["'`]/g;
  while (i <= offset) {
    token.lastIndex = i;
    const m = token.exec(text);
    if (!m || m.index > offset) return true;
    const start = m.index;
    let end: number;
    switch (m[0]) {
      case '//': {
        const nl = text.indexOf('\n', start);
        end = nl < 0 ? text.length : nl;
        break;
      }
      case '/*': {
        const close = text.indexOf('*/', start + 2);
        end = close < 0 ? text.length : close + 2;
        break;
      }
      case '`': {
        const close = text.indexOf('`', start + 1);
        end = close < 0 ? text.length : close + 1;
        break;
      }
      default: {
        // "…" and '…': a backslash escapes the next character; a newline ends an unterminated literal.
        const q = m[0];
        let j = start + 1;
        while (j < text.length && text[j] !== q && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
        end = j < text.length && text[j] === q ? j + 1 : Math.min(j, text.length);
      }
    }
    if (offset >= start && offset < end) return false;
    i = end;
    const last = offsets[offsets.length - 1]!;
    if (i - last >= CHECKPOINT) offsets.push(i);
  }
  return true;
}

/**
 * The `C.name` reference at `pos` in a part of a file the model does not cover (past its cut), or null: the
 * position is on the name (or the `C.`) of a `C . name` selector of Go code on that line.
 */
export function cRefPastCap(model: GoFile, text: string, pos: Position): CRef | null {
  if (!model.importsC || model.limited?.reason !== 'size') return null;
  return cRefLexedAt(text, pos, model.limited.analysedBytes);
}

/**
 * The `C.name` reference at `pos` found by lexing alone (no model), or null; positions before offset `from` are
 * not looked at. Also what a hover says while a big file's model is still being built (engine/session.ts).
 */
export function cRefLexedAt(text: string, pos: Position, from = 0): CRef | null {
  if (from > 0) {
    // A position inside the modelled part needs no line index of the whole text (a 20 MB file's took ≈ 150 ms,
    // before its first hover): its line's start is found scanning no further than `from`.
    const start = pos.line >= 0 ? offsetOfLine(text, pos.line, from) : null;
    if (start !== null && start + Math.max(0, pos.character) < from) return null;
  }
  // The document's shared line index (core/text.ts): hovers come one after another on one text.
  const idx = LineIndex.of(text);
  if (pos.line < 0 || pos.line >= idx.lineCount) return null;
  const offset = idx.offsetAt(pos);
  if (offset < from) return null;
  const lineStart = idx.lineStarts[pos.line]!;
  const line = idx.lineText(pos.line);
  const col = offset - lineStart;
  const sel = /(?<![\w.])C[ \t]*\.[ \t]*([A-Za-z_]\w*)/g;
  for (let m = sel.exec(line); m; m = sel.exec(line)) {
    const start = m.index;
    const end = start + m[0].length;
    if (col < start || col > end) continue;
    const nameStart = end - m[1]!.length;
    if (!isGoCodeAt(text, lineStart + start)) return null;
    const rest = line.slice(end);
    return {
      name: m[1]!,
      range: { start: { line: pos.line, character: start }, end: { line: pos.line, character: end } },
      nameRange: { start: { line: pos.line, character: nameStart }, end: { line: pos.line, character: end } },
      context: /^\s*\(/.test(rest) ? 'call' : 'value',
    };
  }
  return null;
}

/**
 * The model, with the `C.name` reference at `pos` added when the position is past the modelled part of a file
 * over the cap (the editor features then answer there as anywhere else); the model itself is not changed.
 */
export function withRefAt(model: GoFile, text: string, pos: Position): GoFile {
  const ref = cRefPastCap(model, text, pos);
  return ref ? { ...model, cRefs: [...model.cRefs, ref] } : model;
}
