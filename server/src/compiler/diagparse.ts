// Parsing C compiler diagnostics (gcc, clang, zig cc) into structured records.
//
// Supported inputs:
//  - GNU text format: `file:line:col: error|warning|note|fatal error|remark: msg`, `file:line: error: msg`
//    (no column), program-level lines (`gcc: error: …`, `cc1: warning: …`, `clang: error: …`,
//    `<command-line>: error: …`), include stacks (`In file included from a.h:3,` / `                 from
//    main.go:5:` for gcc, one `In file included from x:N:` line per level for clang), caret/source lines
//    and `In function 'f':` context lines (skipped), gcc -H header lines (`. /usr/include/stdio.h`, reported
//    separately as included headers).
//  - clang `-fdiagnostics-format=msvc` (`file(line,col): error: msg`) and `-fdiagnostics-format=vi`
//    (`file +line:col: error: msg`).
//  - gcc ≥ 9 `-fdiagnostics-format=json` (a JSON array; gcc ≥ 11 adds `byte-column`). Detected by content, so
//    a user who puts `-fdiagnostics-format=json` into CGO_CFLAGS still gets parsed output.
//
// Columns are 1-based; `col` is 0 when the compiler printed none. Columns are bytes when the compiler was
// asked for bytes (`-fdiagnostics-column-unit=byte`), which is what compilePreamble does (see ccinfo.ts).

export type CcSeverity = 'error' | 'fatal' | 'warning' | 'note' | 'remark';

export interface IncludeSite {
  file: string;
  /** 1-based line of the #include directive in `file`. */
  line: number;
  /** 1-based column when the compiler printed one (clang sometimes does), else 0. */
  col: number;
}

export interface CcDiagnostic {
  file: string;
  /** 1-based; 0 for program-level diagnostics (`gcc: error: …`). */
  line: number;
  /** 1-based byte column; 0 when absent. */
  col: number;
  severity: CcSeverity;
  /** The message with quotes normalised to ASCII (gcc prints ‘x’ in UTF-8 locales). */
  message: string;
  /**
   * Where the file was included from, OUTERMOST FIRST: includeChain[0] is in the main file (for a cgo
   * preamble that is the .go file's `#include` line), the last entry is the direct includer of `file`.
   * Empty for diagnostics in the main file or without location.
   */
  includeChain: IncludeSite[];
  /** true when `file` is a program name rather than a source location (`gcc: error: …`). */
  programLevel: boolean;
  /** The line as printed (for reports). */
  raw: string;
}

export interface ParsedDiagnostics {
  diagnostics: CcDiagnostic[];
  /** Headers listed by gcc/clang `-H` (`. path`, `.. path`), in order, deduplicated. */
  headers: string[];
  format: 'text' | 'json';
}

const SEVERITIES: Record<string, CcSeverity> = {
  error: 'error',
  'fatal error': 'fatal',
  warning: 'warning',
  note: 'note',
  remark: 'remark',
  'internal compiler error': 'fatal',
  'sorry, unimplemented': 'error',
};

const SEV_ALT = 'fatal error|internal compiler error|sorry, unimplemented|error|warning|note|remark';

// file:line:col: sev: msg   |   file:line: sev: msg
const RE_GNU = new RegExp(`^(.+?):(\\d+):(?:(\\d+):)? ?(${SEV_ALT}): ?(.*)$`);
// clang -fdiagnostics-format=msvc: file(line,col): error: msg   (also `file(line,col) : error C1234: msg`)
const RE_MSVC = new RegExp(`^(.+?)\\((\\d+)(?:,(\\d+))?\\) ?: ?(${SEV_ALT})(?: [A-Z]+\\d+)?: ?(.*)$`);
// clang -fdiagnostics-format=vi: file +line:col: error: msg
const RE_VI = new RegExp(`^(.+?) \\+(\\d+):(?:(\\d+):)? ?(${SEV_ALT}): ?(.*)$`);
// gcc: error: …, cc1: warning: …, <command-line>: error: …, x86_64-w64-mingw32-gcc.exe: fatal error: …
const RE_PROGRAM = new RegExp(`^([^\\s:][^:]*?): (${SEV_ALT}): ?(.*)$`);
// Legacy form without a severity: `cgo-builtin-prolog:1: stddef.h: No such file or directory`
const RE_LEGACY_NOSUCH = /^(.+?):(\d+):(?:(\d+):)? (.*: No such file or directory)$/;
// Include stack lines.
const RE_INCL_FIRST = /^In file included from (.+?):(\d+)(?::(\d+))?[:,]$/;
const RE_INCL_MORE = /^\s+from (.+?):(\d+)(?::(\d+))?[:,]$/;
// gcc "-H" output
const RE_H = /^(\.+) (.+)$/;
// Caret / source lines (`    3 | #include <x.h>`, `      |          ^~~~`), and clang's plain source echo.
const RE_CARET = /^\s*\d*\s*\|/;

/** Normalise ‘’ “” to ASCII quotes, strip ANSI colour codes and trailing \r. */
export function normalizeMessage(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/\r$/, '')
  );
}

function toInt(s: string | undefined): number {
  if (!s) return 0;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Parse compiler stderr, auto-detecting JSON vs text. Never throws. */
export function parseDiagnostics(stderr: string): ParsedDiagnostics {
  try {
    const trimmed = stderr.trimStart();
    if (trimmed.startsWith('[')) {
      const json = parseJsonDiagnostics(stderr);
      if (json) {
        // gcc prints `compilation terminated.` and -H lines outside the JSON array; pick up -H lines.
        const text = parseTextDiagnostics(stderr.slice(stderr.indexOf(']', stderr.lastIndexOf('}')) + 1));
        return { diagnostics: json, headers: text.headers, format: 'json' };
      }
    }
    return parseTextDiagnostics(stderr);
  } catch {
    return { diagnostics: [], headers: [], format: 'text' };
  }
}

/** Parse GNU/clang text diagnostics. Never throws. */
export function parseTextDiagnostics(stderr: string): ParsedDiagnostics {
  const out: CcDiagnostic[] = [];
  const headers: string[] = [];
  const seenHeaders = new Set<string>();
  // The include stack being collected for the next diagnostic line.
  let pending: { sites: IncludeSite[]; gccStyle: boolean } | null = null;
  // gcc prints the include stack only when it changes: remember the last stack per file.
  const lastChain = new Map<string, IncludeSite[]>();
  const lines = stderr.split('\n');
  for (const rawLine of lines) {
    const line = normalizeMessage(rawLine);
    if (line === '') continue;
    let m = RE_INCL_FIRST.exec(line);
    if (m) {
      const site = { file: m[1]!, line: toInt(m[2]), col: toInt(m[3]) };
      if (pending && !pending.gccStyle)
        pending.sites.push(site); // clang: one line per level, outermost first
      else pending = { sites: [site], gccStyle: false };
      continue;
    }
    m = RE_INCL_MORE.exec(line);
    if (m && pending) {
      pending.gccStyle = true; // gcc: innermost first, then "from" lines going outwards
      pending.sites.push({ file: m[1]!, line: toInt(m[2]), col: toInt(m[3]) });
      continue;
    }
    if (RE_CARET.test(line)) continue;
    const h = RE_H.exec(line);
    if (h && !/:\d+:/.test(h[2]!)) {
      const p = h[2]!.trim();
      if (!seenHeaders.has(p)) {
        seenHeaders.add(p);
        headers.push(p);
      }
      continue;
    }
    let file: string | undefined;
    let ln = 0;
    let col = 0;
    let sev: CcSeverity | undefined;
    let msg = '';
    let programLevel = false;
    if ((m = RE_VI.exec(line)) || (m = RE_GNU.exec(line)) || (m = RE_MSVC.exec(line))) {
      file = m[1]!;
      ln = toInt(m[2]);
      col = toInt(m[3]);
      sev = SEVERITIES[m[4]!];
      msg = m[5]!;
    } else if ((m = RE_PROGRAM.exec(line))) {
      file = m[1]!;
      sev = SEVERITIES[m[2]!];
      msg = m[3]!;
      programLevel = true;
    } else if ((m = RE_LEGACY_NOSUCH.exec(line))) {
      file = m[1]!;
      ln = toInt(m[2]);
      col = toInt(m[3]);
      sev = 'fatal';
      msg = m[4]!;
    }
    if (file === undefined || sev === undefined) continue; // context line (`In function 'f':`), summary, junk
    let chain: IncludeSite[] = [];
    if (pending) {
      chain = pending.gccStyle ? [...pending.sites].reverse() : pending.sites;
      pending = null;
      lastChain.set(file, chain);
    } else if (!programLevel) {
      chain = lastChain.get(file) ?? [];
    }
    out.push({ file, line: ln, col, severity: sev, message: msg, includeChain: chain, programLevel, raw: line });
  }
  return { diagnostics: out, headers, format: 'text' };
}

interface JsonLoc {
  file?: string;
  line?: number;
  column?: number;
  'byte-column'?: number;
}
interface JsonDiag {
  kind?: string;
  message?: string;
  locations?: { caret?: JsonLoc }[];
  children?: JsonDiag[];
  'column-origin'?: number;
}

/** Parse gcc's `-fdiagnostics-format=json` output. Returns null when the text is not such JSON. */
export function parseJsonDiagnostics(stderr: string): CcDiagnostic[] | null {
  const start = stderr.indexOf('[');
  const end = stderr.lastIndexOf(']');
  if (start < 0 || end < start) return null;
  let data: unknown;
  try {
    data = JSON.parse(stderr.slice(start, end + 1));
  } catch {
    return null;
  }
  if (!Array.isArray(data)) return null;
  const out: CcDiagnostic[] = [];
  const visit = (d: JsonDiag) => {
    if (!d || typeof d !== 'object') return;
    const sev = SEVERITIES[String(d.kind ?? '')];
    const caret = d.locations?.[0]?.caret;
    if (sev) {
      const origin = typeof d['column-origin'] === 'number' ? d['column-origin'] : 1;
      const rawCol = caret?.['byte-column'] ?? caret?.column ?? 0;
      const col = rawCol > 0 ? rawCol - origin + 1 : 0;
      const file = caret?.file ?? '';
      out.push({
        file,
        line: caret?.line ?? 0,
        col,
        severity: sev,
        message: normalizeMessage(String(d.message ?? '')),
        includeChain: [],
        programLevel: !caret,
        raw: `${file}:${caret?.line ?? 0}:${col}: ${d.kind}: ${d.message ?? ''}`,
      });
    }
    for (const c of d.children ?? []) visit(c);
  };
  for (const d of data as JsonDiag[]) visit(d);
  return out;
}
