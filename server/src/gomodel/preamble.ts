// Preamble ↔ .go position mapping and the C text cmd/cgo compiles (cgo-rules.md §1.2–1.4).
import type { Position } from '../core/types.js';
import { byteColumnToUtf16 } from '../core/text.js';
import { isCgoDirectiveLine } from './cdecls.js';
import { mapPre } from './model.js';
import type { CgoImport, GoFile, Preamble } from './types.js';
import { goQuote } from '../core/goquote.js';

export { isFileIncluded, parsePlusBuildLineExpr } from './build.js';

/** Preamble line index + 0-based UTF-16 column → position in the .go file (null when the line does not exist). */
export function preambleToGoPosition(preamble: Preamble, preambleLine: number, col: number): Position | null {
  if (preambleLine < 0 || preambleLine >= preamble.lines.length) return null;
  return mapPre(preamble, { line: preambleLine, character: Math.max(0, col) });
}

/** .go position → preamble line index + UTF-16 column, or null when the position is not preamble text (e.g. on `//`). */
export function goPositionToPreamble(preamble: Preamble, pos: Position): { line: number; character: number } | null {
  for (let i = 0; i < preamble.lines.length; i++) {
    const l = preamble.lines[i]!;
    const segs = l.segments ?? [{ col: 0, goLine: l.goLine, goCol: l.goCol }];
    for (let s = 0; s < segs.length; s++) {
      const seg = segs[s]!;
      const segEnd = s + 1 < segs.length ? segs[s + 1]!.col : l.text.length;
      if (pos.line !== seg.goLine) continue;
      const off = pos.character - seg.goCol;
      if (off >= 0 && off <= segEnd - seg.col) return { line: i, character: seg.col + off };
    }
  }
  return null;
}

/** The import "C" whose preamble comment contains `pos`. */
export function preambleContaining(file: GoFile, pos: Position): { cImport: CgoImport; index: number; preamble: Preamble } | null {
  for (let index = 0; index < file.cImports.length; index++) {
    const cImport = file.cImports[index]!;
    const p = cImport.preamble;
    if (!p) continue;
    const r = p.group.range;
    const after = pos.line > r.start.line || (pos.line === r.start.line && pos.character >= r.start.character);
    const before = pos.line < r.end.line || (pos.line === r.end.line && pos.character <= r.end.character);
    if (after && before) return { cImport, index, preamble: p };
  }
  return null;
}

/** cmd/cgo builtinProlog (cmd/cgo/out.go, go1.26): prepended to the preamble for every compiler run. */
export { goQuote };

export const CGO_BUILTIN_PROLOG = `
#line 1 "cgo-builtin-prolog"
#include <stddef.h>

/* Define intgo when compiling with GCC.  */
typedef ptrdiff_t intgo;

#define GO_CGO_GOSTRING_TYPEDEF
typedef struct { const char *p; intgo n; } _GoString_;
typedef struct { char *p; intgo n; intgo c; } _GoBytes_;
_GoString_ GoString(char *p);
_GoString_ GoStringN(char *p, int l);
_GoBytes_ GoBytes(void *p, int n);
char *CString(_GoString_);
void *CBytes(_GoBytes_);
void *_CMalloc(size_t);

__attribute__ ((unused))
static size_t _GoStringLen(_GoString_ s) { return (size_t)s.n; }

__attribute__ ((unused))
static const char *_GoStringPtr(_GoString_ s) { return s.p; }
`;

/** Where a line of the generated C text came from. */
export interface CgoSourceLine {
  /** Index into file.cImports. */
  cImport: number;
  /** Line index in that import's preamble. */
  preambleLine: number;
}

export interface CgoSource {
  /** The C text: [prolog +] per preamble `#line N "<abs path>"`, the preamble, `#line 1 "cgo-generated-wrapper"`; #cgo lines blanked. */
  text: string;
  /** Per 0-based line of `text`: the preamble line it is, or null (directives, prolog, blank separators). */
  lineMap: (CgoSourceLine | null)[];
}

/**
 * The preamble C text exactly as cmd/cgo builds f.Preamble (ast.go ParseGo) and then ProcessCgoDirectives
 * (gcc.go line 82: `#cgo` lines become empty lines). With `withProlog`, cmd/cgo's builtinProlog is prepended, as
 * cgo does for every gcc run. `absPath` defaults to file.path (it must be absolute for #line to match cmd/cgo).
 */
export function buildCgoSource(file: GoFile, opts: { absPath?: string; withProlog?: boolean } = {}): CgoSource {
  const abspath = opts.absPath ?? file.path;
  const lines: string[] = [];
  const lineMap: (CgoSourceLine | null)[] = [];
  if (opts.withProlog) {
    for (const l of CGO_BUILTIN_PROLOG.split('\n').slice(0, -1)) {
      lines.push(l);
      lineMap.push(null);
    }
  }
  file.cImports.forEach((imp, cImport) => {
    const p = imp.preamble;
    if (!p) return;
    lines.push(`#line ${p.firstLine + 1} ${goQuote(abspath)}`);
    lineMap.push(null);
    // commentText + "\n": the text's own lines, plus the (possibly empty) line after the last newline
    const textLines = p.text.split('\n');
    textLines.forEach((l, i) => {
      lines.push(isCgoDirectiveLine(l) ? '' : l);
      lineMap.push(i < p.lines.length ? { cImport, preambleLine: i } : null);
    });
    lines.push('#line 1 "cgo-generated-wrapper"');
    lineMap.push(null);
  });
  // f.Preamble ends with "\n"; an empty file preamble is "".
  const text = lines.length ? lines.join('\n') + '\n' : '';
  lineMap.push(null);
  return { text, lineMap };
}

/**
 * Maps a compiler diagnostic reported against the .go file through cmd/cgo's `#line N` (1-based line, 1-based
 * UTF-8 byte column) to the real .go position. The reported line counts preamble lines from the first comment of
 * the group, which drifts from the real line when a block comment is followed by a `//` line (commentText joins
 * them); this undoes it. Returns null when the line is outside every preamble.
 */
export function compilerPositionToGo(file: GoFile, line1: number, byteCol1: number): Position | null {
  for (const imp of file.cImports) {
    const p = imp.preamble;
    if (!p) continue;
    const i = line1 - (p.firstLine + 1);
    if (i < 0 || i > p.lines.length) continue;
    if (i === p.lines.length) return { ...p.group.range.end };
    const col = byteColumnToUtf16(p.lines[i]!.text, Math.max(1, byteCol1));
    return mapPre(p, { line: i, character: col });
  }
  return null;
}
