// The three argument splitters the Go toolchain uses around cgo, ported exactly:
//  - splitQuoted (go/build, also cmd/cgo): `#cgo` directive arguments;
//  - quotedSplit (cmd/internal/quoted.Split): CC, CXX, FC, CGO_CFLAGS … environment values;
//  - splitPkgConfigOutput (cmd/go/internal/work/exec.go): pkg-config --cflags/--libs output.
// None of them throws; errors are returned as values with the toolchain's wording.
import type { SplitArg } from './types.js';

/** Go's unicode.IsSpace. */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0xff) {
    return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  }
  return cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** Go's strings.TrimSpace, returning the UTF-16 offsets of the kept part. */
export function goTrimSpace(s: string): { text: string; start: number; end: number } {
  let start = 0;
  while (start < s.length) {
    const cp = s.codePointAt(start)!;
    if (!isGoSpace(cp)) break;
    start += cp > 0xffff ? 2 : 1;
  }
  let end = s.length;
  while (end > start) {
    // Walk back one code point.
    let k = end - 1;
    const lo = s.charCodeAt(k);
    if (lo >= 0xdc00 && lo <= 0xdfff && k > start) {
      const hi = s.charCodeAt(k - 1);
      if (hi >= 0xd800 && hi <= 0xdbff) k--;
    }
    if (!isGoSpace(s.codePointAt(k)!)) break;
    end = k;
  }
  return { text: s.slice(start, end), start, end };
}

/** Go's strings.Fields (unicode.IsSpace separators), with UTF-16 offsets. */
export function goFields(s: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  let i = 0;
  let start = -1;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (isGoSpace(cp)) {
      if (start >= 0) {
        out.push({ text: s.slice(start, i), start, end: i });
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
    i += w;
  }
  if (start >= 0) out.push({ text: s.slice(start), start, end: s.length });
  return out;
}

export type SplitQuotedError = 'unclosed quote' | 'unfinished escaping';

/**
 * go/build splitQuoted: splits on Unicode white space; '…' and "…" may appear anywhere in an argument and are
 * removed; a backslash escapes the next rune (inside or outside quotes) and is removed. Like the Go function it
 * returns the arguments found so far *and* the error (`unclosed quote` wins over `unfinished escaping`).
 */
export function splitQuoted(s: string): { args: SplitArg[]; error: SplitQuotedError | null; errorOffset?: number } {
  const args: SplitArg[] = [];
  let cur = '';
  let n = 0; // runes in cur (Go's i)
  let escaped = false;
  let quoted = false;
  let quote = 0;
  let argStart = -1;
  let argEnd = 0;
  let quoteAt = -1;
  let escapeAt = -1;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const at = i;
    i += w;
    if (escaped) {
      escaped = false;
    } else if (cp === 0x5c /* \ */) {
      escaped = true;
      escapeAt = at;
      if (argStart < 0) argStart = at;
      argEnd = i;
      continue;
    } else if (quote !== 0) {
      if (cp === quote) {
        quote = 0;
        argEnd = i;
        continue;
      }
    } else if (cp === 0x22 || cp === 0x27) {
      quoted = true;
      quote = cp;
      quoteAt = at;
      if (argStart < 0) argStart = at;
      argEnd = i;
      continue;
    } else if (isGoSpace(cp)) {
      if (quoted || n > 0) {
        quoted = false;
        args.push({ value: cur, start: argStart, end: argEnd });
        cur = '';
        n = 0;
      }
      argStart = -1;
      continue;
    }
    if (argStart < 0) argStart = at;
    argEnd = i;
    cur += String.fromCodePoint(cp);
    n++;
  }
  if (quoted || n > 0) args.push({ value: cur, start: argStart, end: argEnd });
  if (quote !== 0) return { args, error: 'unclosed quote', errorOffset: quoteAt };
  if (escaped) return { args, error: 'unfinished escaping', errorOffset: escapeAt };
  return { args, error: null };
}

/**
 * cmd/internal/quoted.Split, used for CC/CXX/FC/PKG_CONFIG/CGO_*FLAGS: white space is space, tab, \n, \r; a
 * quote is only recognised at the start of a field and runs to the next identical quote (no escapes).
 */
export function quotedSplit(s: string): { fields: string[]; error: string | null } {
  const fields: string[] = [];
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) break;
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const close = s.indexOf(c, i + 1);
      if (close < 0) return { fields: [], error: `unterminated ${c} string` };
      fields.push(s.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !isSpace(s[j]!)) j++;
    fields.push(s.slice(i, j));
    i = j;
  }
  return { fields, error: null };
}

/** Go's %q formatting of a byte value (as `fmt.Errorf("%q", c)` prints a byte: a quoted rune literal). */
function goQuoteByte(c: number): string {
  switch (c) {
    case 0x07:
      return "'\\a'";
    case 0x08:
      return "'\\b'";
    case 0x0c:
      return "'\\f'";
    case 0x0a:
      return "'\\n'";
    case 0x0d:
      return "'\\r'";
    case 0x09:
      return "'\\t'";
    case 0x0b:
      return "'\\v'";
    case 0x27:
      return "'\\''";
    case 0x5c:
      return "'\\\\'";
  }
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

/**
 * cmd/go splitPkgConfigOutput (POSIX shell quoting without expansions; identical in 1.22 and 1.26). The caller
 * passes pkg-config's output already trimmed as cmd/go does (bytes.TrimSpace). Works on the UTF-8 bytes like Go.
 */
export function splitPkgConfigOutput(out: string): { flags: string[]; error: string | null } {
  const bytes = Buffer.from(out, 'utf8');
  if (bytes.length === 0) return { flags: [], error: null };
  const flags: string[] = [];
  let flag: number[] = [];
  let didQuote = false;
  let escaped = false;
  let quote = 0;
  const push = () => flags.push(Buffer.from(flag).toString('utf8'));
  for (const c of bytes) {
    if (escaped) {
      if (quote === 0x22) {
        if (!(c === 0x24 || c === 0x60 || c === 0x22 || c === 0x5c || c === 0x0a)) {
          flag.push(0x5c, c);
          escaped = false;
          continue;
        }
      }
      if (c !== 0x0a) flag.push(c);
      escaped = false;
      continue;
    }
    if (quote !== 0 && c === quote) {
      quote = 0;
      continue;
    }
    if (quote === 0x27) {
      flag.push(c);
      continue;
    }
    if (quote === 0x22) {
      if (!(c === 0x60 || c === 0x24 || c === 0x5c)) {
        flag.push(c);
        continue;
      }
    }
    switch (c) {
      case 0x7c: // |
      case 0x26: // &
      case 0x3b: // ;
      case 0x3c: // <
      case 0x3e: // >
      case 0x28: // (
      case 0x29: // )
      case 0x24: // $
      case 0x60: // `
        return { flags: [], error: `unexpected shell character ${goQuoteByte(c)} in pkgconf output` };
      case 0x5c:
        escaped = true;
        continue;
      case 0x22:
      case 0x27:
        quote = c;
        didQuote = true;
        continue;
      case 0x20:
      case 0x09:
      case 0x0a:
        if (flag.length > 0 || didQuote) push();
        flag = [];
        didQuote = false;
        continue;
    }
    flag.push(c);
  }
  if (quote !== 0) return { flags: [], error: 'unterminated quoted string in pkgconf output' };
  if (escaped) return { flags: [], error: 'broken character escaping in pkgconf output' };
  if (flag.length > 0 || didQuote) push();
  return { flags, error: null };
}

/**
 * Adapter for callers that want cmd/go's exact call shape `splitPkgConfigOutput(bytes.TrimSpace(out))` with
 * Go's error as an exception (the pkg-config runner's `split` option). Throws `Error(<Go's message>)`.
 */
export function splitPkgConfigOutputStrict(out: string): string[] {
  const r = splitPkgConfigOutput(goTrimSpace(out).text);
  if (r.error !== null) throw new Error(r.error);
  return r.flags;
}
