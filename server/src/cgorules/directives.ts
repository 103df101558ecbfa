// `#cgo` directive parsing exactly as go/build (*Context).saveCgo does it (cgo-rules.md §2), with ranges in the
// .go file for the line, the verb, each condition and each argument.
import type { Range } from '../core/types.js';
import { atLeast, type GoVersion } from '../core/goversion.js';
import type { BuildContext, Preamble, PreambleLine } from '../gomodel/types.js';
import { matchAuto } from '../gomodel/constraint.js';
import { goFields, goTrimSpace, splitQuoted } from './split.js';
import type { CgoDirective, CgoVerb, DirectiveArg, DirectiveError, DirectiveErrorReason, DirectiveFlags } from './types.js';
import { hostIsWindows } from '../core/host.js';

export type PathStyle = 'posix' | 'win32';

export interface ParseContext {
  build: BuildContext;
  /** Absolute package directory (go/build's di.Dir), in the platform's own form. */
  srcDir: string;
  goVersion: GoVersion;
  /** Path semantics for ${SRCDIR} (ToSlash) and makePathsAbsolute (IsAbs/Join). Default: the host's. */
  pathStyle?: PathStyle;
}

export const VERBS: readonly CgoVerb[] = ['CFLAGS', 'CPPFLAGS', 'CXXFLAGS', 'FFLAGS', 'LDFLAGS', 'pkg-config'];
const FLAG_VERBS = new Set<string>(['CFLAGS', 'CPPFLAGS', 'CXXFLAGS', 'FFLAGS', 'LDFLAGS']);

// ----- go/build helpers -------------------------------------------------------------------------------------

const SAFE_STRING = '+-.,/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz:$@%! ~^';

/** go/build safeCgoName: non-empty, every ASCII byte in safeString (non-ASCII is allowed). */
export function safeCgoName(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 && !SAFE_STRING.includes(s[i]!)) return false;
  }
  return true;
}

/** The ASCII characters of `s` that safeCgoName rejects (deduplicated, in order). */
export function unsafeChars(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 && !SAFE_STRING.includes(s[i]!) && !out.includes(s[i]!)) out.push(s[i]!);
  }
  return out;
}

function toSlash(p: string, style: PathStyle): string {
  return style === 'win32' ? p.replace(/\\/g, '/') : p;
}

/** go/build expandSrcDir. `value` is what go/build prints in `malformed #cgo argument` when !ok. */
export function expandSrcDir(str: string, srcDir: string, pathStyle: PathStyle = hostStyle()): { value: string; ok: boolean } {
  const srcdir = toSlash(srcDir, pathStyle);
  const chunks = str.split('${SRCDIR}');
  if (chunks.length < 2) return { value: str, ok: safeCgoName(str) };
  let ok = true;
  for (const chunk of chunks) ok = ok && (chunk === '' || safeCgoName(chunk));
  ok = ok && (srcdir === '' || safeCgoName(srcdir));
  const res = chunks.join(srcdir);
  return { value: res, ok: ok && res !== '' };
}

function hostStyle(): PathStyle {
  return hostIsWindows() ? 'win32' : 'posix';
}

/** Go's path.Clean (posix) / filepath.Clean on Windows. */
export function goClean(p: string, style: PathStyle): string {
  if (style === 'posix') return cleanSegments(p, '/');
  const vlen = volumeNameLen(p);
  const vol = p.slice(0, vlen);
  const rest = p.slice(vlen);
  if (rest === '' && vlen > 0) {
    // `C:` stays `C:.`; a UNC root stays as is.
    return vlen === 2 ? vol + '.' : vol.replace(/\//g, '\\');
  }
  return vol.replace(/\//g, '\\') + cleanSegments(rest, '\\');
}

function cleanSegments(p: string, sep: string): string {
  const isSep = (c: string) => c === '/' || (sep === '\\' && c === '\\');
  const rooted = p.length > 0 && isSep(p[0]!);
  const out: string[] = [];
  for (const seg of p.split(sep === '\\' ? /[\\/]/ : '/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const s = (rooted ? sep : '') + out.join(sep);
  return s === '' ? '.' : s;
}

function volumeNameLen(p: string): number {
  if (p.length >= 2 && /[A-Za-z]/.test(p[0]!) && p[1] === ':') return 2;
  const isSlash = (c: string | undefined) => c === '\\' || c === '/';
  if (p.length >= 5 && isSlash(p[0]) && isSlash(p[1]) && !isSlash(p[2]) && p[2] !== '.') {
    // \\host\share
    let n = 3;
    while (n < p.length && !isSlash(p[n])) n++;
    n++;
    if (n < p.length && !isSlash(p[n])) {
      while (n < p.length && !isSlash(p[n])) n++;
      return n;
    }
  }
  return 0;
}

/** filepath.IsAbs for the given style. */
export function goIsAbs(p: string, style: PathStyle): boolean {
  if (style === 'posix') return p.startsWith('/');
  const l = volumeNameLen(p);
  if (l === 0) return false;
  if ((p[0] === '\\' || p[0] === '/') && (p[1] === '\\' || p[1] === '/')) return true;
  const rest = p.slice(l);
  return rest !== '' && (rest[0] === '\\' || rest[0] === '/');
}

/** filepath.Join(dir, elem) for the given style. */
export function goJoin(dir: string, elem: string, style: PathStyle): string {
  if (style === 'posix') {
    const parts = [dir, elem].filter((e) => e !== '');
    return parts.length === 0 ? '' : goClean(parts.join('/'), 'posix');
  }
  let b = '';
  let last = '';
  for (let e of [dir, elem]) {
    if (b.length === 0) {
      // first non-empty element unchanged
    } else if (last === '\\' || last === '/') {
      while (e.length > 0 && (e[0] === '\\' || e[0] === '/')) e = e.slice(1);
    } else if (last === ':') {
      // keep relative to the drive's current directory
    } else {
      b += '\\';
      last = '\\';
    }
    if (e.length > 0) {
      b += e;
      last = e[e.length - 1]!;
    }
  }
  return b === '' ? '' : goClean(b, 'win32');
}

/** go/build makePathsAbsolute: `-Ifoo`, `-Lfoo` and the argument after a bare `-I`/`-L` become absolute. */
export function makePathsAbsolute(args: readonly string[], srcDir: string, pathStyle: PathStyle = hostStyle()): string[] {
  const out = [...args];
  let nextPath = false;
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    if (nextPath) {
      if (!goIsAbs(arg, pathStyle)) out[i] = goJoin(srcDir, arg, pathStyle);
      nextPath = false;
    } else if (arg.startsWith('-I') || arg.startsWith('-L')) {
      if (arg.length === 2) nextPath = true;
      else if (!goIsAbs(arg.slice(2), pathStyle)) out[i] = arg.slice(0, 2) + goJoin(srcDir, arg.slice(2), pathStyle);
    }
  }
  return out;
}

// ----- CommentGroup.Text() lines ---------------------------------------------------------------------------

/** One line as go/build's CommentGroup.Text() produces it, with the .go column of every UTF-16 unit. */
export interface TextLine {
  text: string;
  line: number;
  /** cols[i] = .go column of text[i]; cols[text.length] = column just after the text. */
  cols: number[];
}

/** go/ast isDirective (the text after `//`). */
export function isCommentDirective(c: string): boolean {
  if (c.startsWith('line ') || c.startsWith('extern ') || c.startsWith('export ')) return true;
  const colon = c.indexOf(':');
  if (colon <= 0 || colon + 1 >= c.length) return false;
  for (let i = 0; i <= colon + 1; i++) {
    if (i === colon) continue;
    const b = c.charCodeAt(i);
    if (!((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39))) return false;
  }
  return true;
}

/**
 * The preamble lines go/build reads for `#cgo`: cmd/cgo's text (Preamble.lines) turned into CommentGroup.Text()
 * form — for `//` comments one leading space is removed and directive-looking comments (`//line `, `//export `,
 * `//go:…`) are dropped; `\r` is removed (go/scanner strips it from comments); trailing blanks are stripped.
 * Whether a line comes from a `//` comment is read from preamble.group.comments; without comment information
 * every line is treated as a `//` line (this only affects the leading space of `orig`).
 * With `onlyCgo`, only the lines that can be `#cgo` lines are returned (go/build looks at no other).
 */
export function goBuildTextLines(preamble: Preamble, onlyCgo = false): TextLine[] {
  const out: TextLine[] = [];
  const comments = preamble.group?.comments ?? [];
  // cmd/cgo's text joins a `/* … */` comment and the comment after it onto one line; go/build's
  // CommentGroup.Text() keeps every comment on its own line(s). Split such lines back into their pieces.
  const pieces: PreambleLine[] = [];
  for (const pl of preamble.lines) {
    const segs = pl.segments;
    if (!segs || segs.length <= 1) {
      pieces.push(pl);
      continue;
    }
    for (let i = 0; i < segs.length; i++) {
      const from = segs[i]!.col;
      const to = i + 1 < segs.length ? segs[i + 1]!.col : pl.text.length;
      pieces.push({ text: pl.text.slice(from, to), goLine: segs[i]!.goLine, goCol: segs[i]!.goCol });
    }
  }
  // Comments by where their text starts (line and column after the `//` or `/*`): one lookup per line, so a
  // preamble of n `#cgo` lines costs O(n), not O(n²).
  const byStart = new Map<string, string>();
  for (const c of comments) {
    const k = `${c.range.start.line}:${c.range.start.character + 2}`;
    if (!byStart.has(k)) byStart.set(k, c.text);
  }
  for (const pl of pieces) {
    // A line whose text has no `#cgo` cannot become one (only a space, `\r` and trailing blanks are removed).
    if (onlyCgo && !pl.text.includes('#cgo') && !pl.text.includes('\r')) continue;
    let slashComment: boolean;
    if (comments.length === 0) slashComment = true;
    else slashComment = byStart.get(`${pl.goLine}:${pl.goCol}`)?.startsWith('//') ?? false;
    let text = pl.text;
    let cols = Array.from({ length: text.length + 1 }, (_, i) => pl.goCol + i);
    if (slashComment) {
      if (text.startsWith(' ')) {
        text = text.slice(1);
        cols = cols.slice(1);
      } else if (text.length > 0 && isCommentDirective(text.replace(/\r/g, ''))) {
        continue;
      }
    }
    if (text.includes('\r')) {
      let t = '';
      const c2: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '\r') continue;
        t += text[i];
        c2.push(cols[i]!);
      }
      c2.push(cols[text.length]!);
      text = t;
      cols = c2;
    }
    let end = text.length;
    while (end > 0 && ' \t\n\r'.includes(text[end - 1]!)) end--;
    text = text.slice(0, end);
    cols = cols.slice(0, end + 1);
    out.push({ text, line: pl.goLine, cols });
  }
  return out;
}

/**
 * The goBuildTextLines that can be `#cgo` lines, once per preamble object: a generated preamble has thousands of
 * lines, and its directives are parsed for every target and hover.
 */
const cgoLinesMemo = new WeakMap<Preamble, TextLine[]>();
function cgoTextLines(preamble: Preamble): TextLine[] {
  let lines = cgoLinesMemo.get(preamble);
  if (!lines) cgoLinesMemo.set(preamble, (lines = goBuildTextLines(preamble, true)));
  return lines;
}

// ----- parsing ---------------------------------------------------------------------------------------------

function rangeOf(tl: TextLine, start: number, end: number): Range {
  const s = Math.max(0, Math.min(start, tl.text.length));
  const e = Math.max(s, Math.min(end, tl.text.length));
  return { start: { line: tl.line, character: tl.cols[s]! }, end: { line: tl.line, character: tl.cols[e]! } };
}

/** Why an argument fails expandSrcDir (raw = after splitQuoted, before expansion). */
export function unsafeReason(raw: string, srcDir: string, pathStyle: PathStyle): DirectiveErrorReason {
  if (raw === '') return 'empty-arg';
  const chunks = raw.split('${SRCDIR}');
  if (chunks.length >= 2 && chunks.every((c) => c === '' || safeCgoName(c)) && !safeCgoName(toSlash(srcDir, pathStyle))) {
    return 'srcdir-unsafe';
  }
  if (/\$\{[^}]*\}/.test(raw.split('${SRCDIR}').join(''))) return 'braced-var';
  return 'unsafe-char';
}

/**
 * Parses the `#cgo` lines of one preamble as go/build's saveCgo does. Unlike go/build it does not stop at the
 * first error: every line is parsed, and each error says whether the toolchain fails on this build context
 * (`failsOnTarget`). `directives[i].error` is set on the line that produces an error. Argument `flag`s are
 * filled in (after makePathsAbsolute) for lines that apply.
 */
export function parseDirectives(preamble: Preamble, ctx: ParseContext): { directives: CgoDirective[]; errors: DirectiveError[] } {
  const style = ctx.pathStyle ?? hostStyle();
  const directives: CgoDirective[] = [];
  const errors: DirectiveError[] = [];
  const noescapeSupported = atLeast(ctx.goVersion, 22);
  for (const tl of cgoTextLines(preamble)) {
    const orig = tl.text;
    const trimmed = goTrimSpace(orig);
    const line = trimmed.text;
    if (line.length < 5 || !line.startsWith('#cgo') || (line[4] !== ' ' && line[4] !== '\t')) continue;
    const lineRange = rangeOf(tl, trimmed.start, trimmed.end);
    const idx = directives.length;
    const d: CgoDirective = { range: lineRange, orig, kind: 'flags', conditions: [], applies: true, args: [] };
    directives.push(d);
    const fail = (kind: DirectiveError['kind'], reason: DirectiveErrorReason, message: string, range: Range, failsOnTarget: boolean, argIndex?: number) => {
      const e: DirectiveError = { kind, reason, message, range, directive: idx, failsOnTarget };
      if (argIndex !== undefined) e.argIndex = argIndex;
      errors.push(e);
      d.error = e;
      if (d.kind === 'flags') d.kind = 'invalid';
    };

    const fields = goFields(line);
    if (fields.length === 3 && (fields[1]!.text === 'noescape' || fields[1]!.text === 'nocallback')) {
      d.kind = fields[1]!.text as 'noescape' | 'nocallback';
      d.funcName = fields[2]!.text;
      d.verbRange = rangeOf(tl, trimmed.start + fields[1]!.start, trimmed.start + fields[1]!.end);
      if (noescapeSupported) continue; // go/build skips it; cmd/cgo handles it (1.22/1.23: fatal, 1.24+: supported)
    }

    const rest = goTrimSpace(line.slice(4));
    const base = trimmed.start + 4 + rest.start;
    const colon = rest.text.indexOf(':');
    if (colon < 0) {
      // Remember a verb-looking field so a fix can insert the missing colon after it.
      const vf = goFields(rest.text).find((x) => (VERBS as readonly string[]).includes(x.text));
      if (vf && d.kind === 'flags') {
        d.verb = vf.text as CgoVerb;
        d.verbText = vf.text;
        d.verbRange = rangeOf(tl, base + vf.start, base + vf.end);
      }
      fail('syntax', 'no-colon', `invalid #cgo line: ${orig}`, lineRange, true);
      continue;
    }
    const before = rest.text.slice(0, colon);
    const argstr = rest.text.slice(colon + 1);
    const argBase = base + colon + 1;
    const f = goFields(before);
    if (f.length < 1) {
      fail('syntax', 'no-verb', `invalid #cgo line: ${orig}`, lineRange, true);
      continue;
    }
    const verbField = f[f.length - 1]!;
    const verb = verbField.text;
    d.verbRange = rangeOf(tl, base + verbField.start, base + verbField.end);
    d.verbText = verb;
    if ((VERBS as readonly string[]).includes(verb)) d.verb = verb as CgoVerb;
    d.conditions = f.slice(0, -1).map((c) => ({ text: c.text, range: rangeOf(tl, base + c.start, base + c.end) }));
    d.applies = d.conditions.length === 0 || d.conditions.some((c) => matchAuto(c.text, ctx.build));
    const onTarget = d.applies;

    const split = splitQuoted(argstr);
    d.args = split.args.map((a): DirectiveArg => ({
      value: a.value,
      raw: argstr.slice(a.start, a.end),
      range: rangeOf(tl, argBase + a.start, argBase + a.end),
    }));
    if (split.error !== null) {
      const at = argBase + (split.errorOffset ?? 0);
      fail('syntax', split.error, `invalid #cgo line: ${orig}`, rangeOf(tl, at, argBase + argstr.length), onTarget);
      continue;
    }
    let argFailed = false;
    for (let i = 0; i < d.args.length; i++) {
      const a = d.args[i]!;
      const x = expandSrcDir(a.value, ctx.srcDir, style);
      if (!x.ok) {
        fail('unsafe-argument', unsafeReason(a.value, ctx.srcDir, style), `malformed #cgo argument: ${x.value}`, a.range, onTarget, i);
        argFailed = true;
        break; // go/build returns at the first malformed argument of a line
      }
      a.value = x.value;
    }
    if (argFailed) continue;
    if (!(VERBS as readonly string[]).includes(verb)) {
      fail('verb', 'bad-verb', `invalid #cgo verb: ${orig}`, d.verbRange, onTarget);
      continue;
    }
    const flags = FLAG_VERBS.has(verb)
      ? makePathsAbsolute(
          d.args.map((a) => a.value),
          ctx.srcDir,
          style,
        )
      : d.args.map((a) => a.value);
    d.args.forEach((a, i) => {
      a.flag = flags[i]!;
    });
  }
  return { directives, errors };
}

/**
 * What `go list -json` reports as CgoCFLAGS/CgoCPPFLAGS/CgoCXXFLAGS/CgoFFLAGS/CgoLDFLAGS/CgoPkgConfig for these
 * directives (one preamble, in order): lines that apply, after ${SRCDIR} expansion and path absolutisation.
 * Like go/build it stops at the first line that makes go/build fail on this target.
 */
export function directiveFlags(directives: readonly CgoDirective[]): DirectiveFlags {
  const out: DirectiveFlags = { CFLAGS: [], CPPFLAGS: [], CXXFLAGS: [], FFLAGS: [], LDFLAGS: [], pkgConfig: [] };
  for (const { verb, arg } of appliedArgs(directives)) (verb === 'pkg-config' ? out.pkgConfig : out[verb]).push(arg.flag ?? arg.value);
  return out;
}

/**
 * The arguments go/build records for these directives (one preamble, in order), each with its verb: lines that
 * apply, stopping at the first line that makes go/build fail on this target. `directiveFlags` is built on it.
 */
export function* appliedArgs(directives: readonly CgoDirective[]): Generator<{ verb: CgoVerb; arg: DirectiveArg; directive: CgoDirective }> {
  for (const d of directives) {
    if (d.error && d.error.failsOnTarget) return;
    if (d.kind !== 'flags' || !d.applies || !d.verb) continue;
    for (const arg of d.args) yield { verb: d.verb, arg, directive: d };
  }
}

/** Concatenates per-preamble DirectiveFlags (go/build appends every import "C" doc comment in file order). */
export function mergeFlags(list: readonly DirectiveFlags[]): DirectiveFlags {
  const out: DirectiveFlags = { CFLAGS: [], CPPFLAGS: [], CXXFLAGS: [], FFLAGS: [], LDFLAGS: [], pkgConfig: [] };
  for (const f of list) {
    for (const k of Object.keys(out) as (keyof DirectiveFlags)[]) out[k].push(...f[k]);
  }
  return out;
}
