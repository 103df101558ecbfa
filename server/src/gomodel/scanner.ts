// A small Go scanner that reproduces exactly what go/scanner + go/parser do with comments:
//  - which comments form one ast.CommentGroup (consumeCommentGroup: adjacent lines, the first group after a
//    token on the same line only takes same-line comments),
//  - which group is a *lead* comment (doc comment) of the next token (group ends on the line right before it),
//  - which group is a *line* comment (trailing comment of the previous token),
// including automatic semicolon insertion, which changes how comments after a line's last token are grouped.
// Offsets are JS string (UTF-16) offsets; lines are 0-based.
// The scanner never throws: unterminated strings/comments end at the line end / EOF like go/scanner does.

export interface GoComment {
  /** Raw text as go/scanner returns it (comment markers included, `\r` stripped like go/scanner's stripCR). */
  text: string;
  /** Raw source slice (with any `\r`). */
  raw: string;
  start: number;
  end: number;
  line: number;
  /** Line of the last character of the comment. */
  endLine: number;
  block: boolean;
}

export type TokKind = 'comment' | 'semicolon' | 'eof' | 'ident' | 'literal' | 'op';

export interface GoToken {
  kind: TokKind;
  start: number;
  end: number;
  line: number;
  /** For ident/op/literal: the token text (literals: the raw literal). */
  text: string;
  /** Index into `comments` for comment tokens. */
  comment?: number;
  /** Semicolons: true when automatically inserted (lit "\n"). */
  auto?: boolean;
}

export interface CommentGroup {
  comments: GoComment[];
  start: number;
  end: number;
  line: number;
  endLine: number;
  /** Trailing comment of the previous token (go/parser lineComment). */
  isLineComment: boolean;
  /** Index (into the non-comment token list) of the token this group is the lead (doc) comment of. */
  leadFor: number | null;
  /** Index (into the non-comment token list) of the first non-comment token after the group. */
  nextToken: number;
}

export interface ScanResult {
  /** All non-comment tokens, including automatic semicolons and a final EOF token. */
  tokens: GoToken[];
  comments: GoComment[];
  groups: CommentGroup[];
  /** Index in `tokens` of the (non-semicolon) token starting exactly at `offset`, or undefined. */
  tokenAt(offset: number): number | undefined;
}

const PUNCT = new Set('()[]{},.:=!<>&|^%*/+-~'.split(''));
const KEYWORDS = new Set(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(
    ' ',
  ),
);
const KEYWORDS_SEMI = new Set(['break', 'continue', 'fallthrough', 'return']);

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return /\p{L}/u.test(ch);
}
function isDigit(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c >= 48 && c <= 57;
}
function isIdentPart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
  return /[\p{L}\p{Nd}]/u.test(ch);
}

/** go/scanner stripCR: removes `\r` from a comment's text (keeping the one in a `*\r/` sequence of block comments). */
export function stripCR(b: string, block: boolean): string {
  if (!b.includes('\r')) return b;
  let out = '';
  for (let j = 0; j < b.length; j++) {
    const ch = b[j]!;
    if (ch !== '\r' || (block && out.length > 2 && out[out.length - 1] === '*' && j + 1 < b.length && b[j + 1] === '/')) {
      out += ch;
    }
  }
  return out;
}

/** Tokenizes Go source into comments and (approximate, but line-exact) tokens with go/scanner semicolon rules. */
export function scanGo(src: string): ScanResult {
  const raw: GoToken[] = []; // all tokens including comments, in order
  const comments: GoComment[] = [];
  let i = 0;
  let line = 0;
  let insertSemi = false;
  const n = src.length;
  if (src.charCodeAt(0) === 0xfeff) i = 1; // BOM is skipped at file start

  const pushTok = (kind: TokKind, start: number, end: number, l: number, semiAfter: boolean) => {
    raw.push({ kind, start, end, line: l, text: src.slice(start, end) });
    insertSemi = semiAfter;
  };

  while (i < n) {
    const ch = src[i]!;
    if (ch === '\n') {
      if (insertSemi) {
        raw.push({ kind: 'semicolon', start: i, end: i + 1, line, text: '\n', auto: true });
        insertSemi = false;
      }
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    if (ch === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) {
      const block = src[i + 1] === '*';
      let nlOffset = -1;
      let end: number;
      if (!block) {
        const nl = src.indexOf('\n', i);
        end = nl < 0 ? n : nl;
      } else {
        const close = src.indexOf('*/', i + 2);
        end = close < 0 ? n : close + 2;
        for (let k = i; k < end; k++) {
          if (src.charCodeAt(k) === 10) {
            if (nlOffset < 0) nlOffset = k;
            line++;
          }
        }
      }
      const rawText = src.slice(start, end);
      const c: GoComment = {
        text: stripCR(rawText, block),
        raw: rawText,
        start,
        end,
        line: startLine,
        endLine: line,
        block,
      };
      comments.push(c);
      raw.push({ kind: 'comment', start, end, line: startLine, text: rawText, comment: comments.length - 1 });
      if (insertSemi && nlOffset >= 0) {
        // go/scanner: COMMENT, then an artificial SEMICOLON at the first newline inside the comment.
        raw.push({ kind: 'semicolon', start: nlOffset, end: nlOffset + 1, line: startLine, text: '\n', auto: true });
        insertSemi = false;
      }
      // otherwise insertSemi is preserved
      i = end;
      continue;
    }
    if (isLetter(ch)) {
      let j = i + 1;
      while (j < n) {
        const c = src.charCodeAt(j);
        if (c < 0x80) {
          if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57))) break;
          j++;
          continue;
        }
        const s = String.fromCodePoint(src.codePointAt(j)!);
        if (!isIdentPart(s)) break;
        j += s.length;
      }
      const word = src.slice(i, j);
      const kw = KEYWORDS.has(word);
      pushTok('ident', i, j, startLine, !kw || KEYWORDS_SEMI.has(word));
      i = j;
      continue;
    }
    if (isDigit(ch) || (ch === '.' && isDigit(src[i + 1] ?? ''))) {
      const hex = ch === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X');
      const expRe = hex ? /[pP]/ : /[eE]/;
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(src[j]!)) {
        if (expRe.test(src[j]!) && (src[j + 1] === '+' || src[j + 1] === '-')) j += 2;
        else j++;
      }
      pushTok('literal', i, j, startLine, true);
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && src[j] !== ch && src[j] !== '\n') {
        if (src[j] === '\\' && j + 1 < n && src[j + 1] !== '\n') j++;
        j++;
      }
      if (j < n && src[j] === ch) j++;
      pushTok('literal', i, j, startLine, true);
      i = j;
      continue;
    }
    if (ch === '`') {
      let j = i + 1;
      while (j < n && src[j] !== '`') {
        if (src.charCodeAt(j) === 10) line++;
        j++;
      }
      if (j < n) j++;
      pushTok('literal', i, j, startLine, true);
      i = j;
      continue;
    }
    // operators / punctuation
    if ((ch === '+' || ch === '-') && src[i + 1] === ch) {
      pushTok('op', i, i + 2, startLine, true);
      i += 2;
      continue;
    }
    if (ch === ';') {
      raw.push({ kind: 'semicolon', start: i, end: i + 1, line, text: ';' });
      insertSemi = false;
      i++;
      continue;
    }
    // surrogate pairs / illegal characters are one token each; go/scanner keeps insertSemi for ILLEGAL
    const cp = src.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const isPunct = PUNCT.has(ch);
    if (isPunct) pushTok('op', i, i + len, startLine, ch === ')' || ch === ']' || ch === '}');
    else raw.push({ kind: 'op', start: i, end: i + len, line: startLine, text: src.slice(i, i + len) });
    i += len;
  }
  if (insertSemi) raw.push({ kind: 'semicolon', start: n, end: n, line, text: '\n', auto: true });
  raw.push({ kind: 'eof', start: n, end: n, line, text: '' });

  return groupComments(raw, comments);
}

/** Reproduces go/parser (*parser).next / consumeCommentGroup over the raw token stream. */
function groupComments(raw: GoToken[], comments: GoComment[]): ScanResult {
  const tokens: GoToken[] = [];
  const groups: CommentGroup[] = [];
  // index of each raw non-comment token in `tokens`
  const nonCommentIndex: number[] = new Array(raw.length).fill(-1);
  for (let k = 0; k < raw.length; k++) {
    const t = raw[k]!;
    if (t.kind !== 'comment') {
      nonCommentIndex[k] = tokens.length;
      tokens.push(t);
    }
  }
  const nextNonComment = (k: number): number => {
    while (k < raw.length && raw[k]!.kind === 'comment') k++;
    return k;
  };

  let p = 0; // current raw index
  let prevLine = -1; // line of the previous token (go/parser `prev`); -1 = NoPos
  while (p < raw.length) {
    const tok = raw[p]!;
    if (tok.kind !== 'comment') {
      prevLine = tok.line;
      p++;
      continue;
    }
    const consumeGroup = (n: number): { group: CommentGroup; endline: number } => {
      const list: GoComment[] = [];
      let endline = raw[p]!.line;
      while (p < raw.length && raw[p]!.kind === 'comment' && raw[p]!.line <= endline + n) {
        const c = comments[raw[p]!.comment!]!;
        list.push(c);
        endline = c.endLine;
        p++;
      }
      const q = nextNonComment(p);
      const group: CommentGroup = {
        comments: list,
        start: list[0]!.start,
        end: list[list.length - 1]!.end,
        line: list[0]!.line,
        endLine: endline,
        isLineComment: false,
        leadFor: null,
        nextToken: nonCommentIndex[q] ?? tokens.length - 1,
      };
      groups.push(group);
      return { group, endline };
    };

    if (tok.line === prevLine) {
      const { group, endline } = consumeGroup(0);
      const cur = raw[p]!;
      if (cur.line !== endline || cur.kind === 'semicolon' || cur.kind === 'eof') group.isLineComment = true;
    }
    let endline = -1;
    let last: CommentGroup | null = null;
    while (p < raw.length && raw[p]!.kind === 'comment') {
      const r = consumeGroup(1);
      endline = r.endline;
      last = r.group;
    }
    const cur = raw[p];
    if (last && cur && endline + 1 === cur.line) last.leadFor = nonCommentIndex[p]!;
  }
  const tokenAt = (offset: number): number | undefined => {
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = tokens[mid]!;
      if (t.start < offset) lo = mid + 1;
      else if (t.start > offset) hi = mid - 1;
      else {
        // an artificial semicolon can share the offset only at EOF; prefer the real token
        let k = mid;
        while (k > 0 && tokens[k - 1]!.start === offset) k--;
        while (k < tokens.length && tokens[k]!.start === offset && (tokens[k]!.kind === 'semicolon' || tokens[k]!.kind === 'eof')) k++;
        return k < tokens.length && tokens[k]!.start === offset ? k : undefined;
      }
    }
    return undefined;
  };
  return { tokens, comments, groups, tokenAt };
}
