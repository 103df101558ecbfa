// Build constraints exactly as go/build evaluates them: `//go:build` expressions, `// +build` lines,
// `#cgo` condition fields (matchAuto) and GOOS/GOARCH file-name suffixes (goodOSArchFile).
import type { BuildContext } from './types.js';

export type Expr = { kind: 'tag'; tag: string } | { kind: 'not'; x: Expr } | { kind: 'and'; x: Expr; y: Expr } | { kind: 'or'; x: Expr; y: Expr };

export class ConstraintSyntaxError extends Error {}

export const KNOWN_OS = new Set(
  'aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos'.split(' '),
);
export const KNOWN_ARCH = new Set(
  '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(
    ' ',
  ),
);
export const UNIX_OS = new Set('aix android darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd solaris'.split(' '));

function isValidTag(s: string): boolean {
  return s.length > 0 && /^[A-Za-z0-9_.]+$/.test(s);
}

/** Parses the expression of a `//go:build` line (the text after `//go:build`). Throws ConstraintSyntaxError. */
export function parseGoBuildExpr(text: string): Expr {
  const toks: string[] = [];
  const re = /\s*(\|\||&&|!|\(|\)|[A-Za-z0-9_.]+|\S)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) toks.push(m[1]!);
  let i = 0;
  const peek = () => toks[i];
  const or = (): Expr => {
    let x = and();
    while (peek() === '||') {
      i++;
      x = { kind: 'or', x, y: and() };
    }
    return x;
  };
  const and = (): Expr => {
    let x = not();
    while (peek() === '&&') {
      i++;
      x = { kind: 'and', x, y: not() };
    }
    return x;
  };
  const not = (): Expr => {
    if (peek() === '!') {
      i++;
      return { kind: 'not', x: not() };
    }
    return atom();
  };
  const atom = (): Expr => {
    const t = peek();
    if (t === '(') {
      i++;
      const x = or();
      if (peek() !== ')') throw new ConstraintSyntaxError('missing )');
      i++;
      return x;
    }
    if (t === undefined) throw new ConstraintSyntaxError('unexpected end of expression');
    if (!isValidTag(t)) throw new ConstraintSyntaxError(`unexpected token ${t}`);
    i++;
    return { kind: 'tag', tag: t };
  };
  if (toks.length === 0) throw new ConstraintSyntaxError('empty expression');
  const x = or();
  if (i !== toks.length) throw new ConstraintSyntaxError(`unexpected token ${toks[i]}`);
  return x;
}

/** Parses the text after `// +build` (space = OR, comma = AND, leading ! = NOT). Throws ConstraintSyntaxError. */
export function parsePlusBuildExpr(text: string): Expr {
  let result: Expr | undefined;
  for (const clause of text.split(/\s+/).filter(Boolean)) {
    let and: Expr | undefined;
    for (let lit of clause.split(',')) {
      // As go/build/constraint: `!!x`, a lone `!` and invalid tags become the tag "ignore" (never set).
      let x: Expr;
      if (lit.startsWith('!!') || lit === '!') x = { kind: 'tag', tag: 'ignore' };
      else {
        const neg = lit.startsWith('!');
        if (neg) lit = lit.slice(1);
        x = isValidTag(lit) ? { kind: 'tag', tag: lit } : { kind: 'tag', tag: 'ignore' };
        if (neg) x = { kind: 'not', x };
      }
      and = and ? { kind: 'and', x: and, y: x } : x;
    }
    if (!and) throw new ConstraintSyntaxError('empty clause');
    result = result ? { kind: 'or', x: result, y: and } : and;
  }
  if (!result) throw new ConstraintSyntaxError('empty +build line');
  return result;
}

/** go/build (*Context).matchTag. */
export function matchTag(tag: string, ctx: BuildContext): boolean {
  if (tag === '') return false;
  if (tag === 'cgo') return ctx.cgoEnabled;
  if (tag === ctx.goos || tag === ctx.goarch || tag === ctx.compiler) return true;
  if (tag === 'unix' && UNIX_OS.has(ctx.goos)) return true;
  if (ctx.goos === 'android' && tag === 'linux') return true;
  if (ctx.goos === 'illumos' && tag === 'solaris') return true;
  if (ctx.goos === 'ios' && tag === 'darwin') return true;
  if (ctx.buildTags.includes(tag) || ctx.toolTags.includes(tag)) return true;
  const rel = /^go1\.(\d+)$/.exec(tag);
  if (rel && Number(rel[1]) >= 1 && Number(rel[1]) <= ctx.goMinor) return true;
  return false;
}

export function evalExpr(x: Expr, ctx: BuildContext, allTags?: Set<string>): boolean {
  switch (x.kind) {
    case 'tag':
      allTags?.add(x.tag);
      return matchTag(x.tag, ctx);
    case 'not':
      return !evalExpr(x.x, ctx, allTags);
    case 'and': {
      const a = evalExpr(x.x, ctx, allTags);
      const b = evalExpr(x.y, ctx, allTags);
      return a && b;
    }
    case 'or': {
      const a = evalExpr(x.x, ctx, allTags);
      const b = evalExpr(x.y, ctx, allTags);
      return a || b;
    }
  }
}

/** go/build matchAuto: one `#cgo` condition field. A parse error means false (silently, as in go/build). */
export function matchAuto(text: string, ctx: BuildContext): boolean {
  try {
    const x = /[&|()]/.test(text) ? parseGoBuildExpr(text) : parsePlusBuildExpr(text);
    return evalExpr(x, ctx);
  } catch {
    return false;
  }
}

/** Whether a `#cgo` condition field parses at all (a field like `&&` or `(linux` never matches). */
export function conditionParses(text: string): boolean {
  try {
    if (/[&|()]/.test(text)) parseGoBuildExpr(text);
    else parsePlusBuildExpr(text);
    return true;
  } catch {
    return false;
  }
}

/** GOOS/GOARCH implied by a file name, as go/build goodOSArchFile reads it. */
export function fileNameConstraint(fileName: string): { goos?: string; goarch?: string } {
  let name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.indexOf('.');
  if (dot >= 0) name = name.slice(0, dot);
  const us = name.indexOf('_');
  if (us < 0) return {};
  let l = name.slice(us).split('_');
  if (l.length > 0 && l[l.length - 1] === 'test') l = l.slice(0, -1);
  const n = l.length;
  if (n >= 2 && KNOWN_OS.has(l[n - 2]!) && KNOWN_ARCH.has(l[n - 1]!)) return { goos: l[n - 2], goarch: l[n - 1] };
  if (n >= 1 && KNOWN_OS.has(l[n - 1]!)) return { goos: l[n - 1] };
  if (n >= 1 && KNOWN_ARCH.has(l[n - 1]!)) return { goarch: l[n - 1] };
  return {};
}

/** goodOSArchFile: does the file name allow this target? */
export function fileNameMatches(fileName: string, ctx: BuildContext): boolean {
  const c = fileNameConstraint(fileName);
  if (c.goos !== undefined && !matchTag(c.goos, ctx)) return false;
  if (c.goarch !== undefined && !matchTag(c.goarch, ctx)) return false;
  return true;
}
