// Whether go/build would compile a file for a target, decided exactly as (*Context).Import / matchFile /
// shouldBuild do (go/build/build.go): name prefix, GOOS/GOARCH file-name suffixes, //go:build (else // +build),
// `import "C"` implying the cgo constraint (cgo-rules.md §4.3), cgo in tests, package documentation.
import path from 'node:path';
import { ConstraintSyntaxError, evalExpr, fileNameConstraint, fileNameMatches, matchTag, parseGoBuildExpr, type Expr } from './constraint.js';
import type { BuildContext, GoFile } from './types.js';

function isValidPlusBuildTag(word: string): boolean {
  return word.length > 0 && /^[\p{L}\p{Nd}_.]+$/u.test(word);
}

/**
 * go/build/constraint parsePlusBuildExpr: unlike constraint.ts's strict parser (which throws), Go turns `!`, `!!x`
 * and invalid tags into the tag `ignore`, and an empty line into `ignore`; only > 100 operators is an error.
 */
export function parsePlusBuildLineExpr(text: string): Expr {
  const ignore: Expr = { kind: 'tag', tag: 'ignore' };
  let x: Expr | undefined;
  let size = 0;
  for (const clause of text.split(/\s+/).filter(Boolean)) {
    let y: Expr | undefined;
    for (let lit of clause.split(',')) {
      let z: Expr;
      if (lit.startsWith('!!') || lit === '!') z = ignore;
      else {
        const neg = lit.startsWith('!');
        if (neg) lit = lit.slice(1);
        z = isValidPlusBuildTag(lit) ? { kind: 'tag', tag: lit } : ignore;
        if (neg) z = { kind: 'not', x: z };
      }
      if (y === undefined) y = z;
      else {
        if (++size > 100) throw new ConstraintSyntaxError('expression too complex for // +build lines');
        y = { kind: 'and', x: y, y: z };
      }
    }
    if (y === undefined) continue;
    if (x === undefined) x = y;
    else {
      if (++size > 100) throw new ConstraintSyntaxError('expression too complex for // +build lines');
      x = { kind: 'or', x, y };
    }
  }
  return x ?? ignore;
}

function target(ctx: BuildContext): string {
  return `${ctx.goos}/${ctx.goarch}`;
}

function mentionsTag(x: Expr, tag: string): boolean {
  switch (x.kind) {
    case 'tag':
      return x.tag === tag;
    case 'not':
      return mentionsTag(x.x, tag);
    default:
      return mentionsTag(x.x, tag) || mentionsTag(x.y, tag);
  }
}

function constraintReason(what: string, x: Expr, ctx: BuildContext): string {
  if (x.kind === 'tag' && x.tag === 'ignore') return `${what} excludes the file from every build (the tag "ignore" is never set)`;
  let r = `${what} is not satisfied for ${target(ctx)}`;
  if (mentionsTag(x, 'cgo')) r += ` with cgo ${ctx.cgoEnabled ? 'enabled' : 'disabled (CGO_ENABLED=0)'}`;
  return r;
}

/** Decides like go/build whether `file` is compiled for `ctx`; `reason` says why not (or what is wrong). */
export function isFileIncluded(file: GoFile, ctx: BuildContext): { included: boolean; reason?: string } {
  const name = path.basename(file.path);
  if (name.startsWith('_') || name.startsWith('.')) {
    return { included: false, reason: `file names beginning with "${name[0]}" are ignored by the go command` };
  }
  if (!fileNameMatches(name, ctx)) {
    const c = fileNameConstraint(name);
    const want = [c.goos ? `GOOS=${c.goos}` : '', c.goarch ? `GOARCH=${c.goarch}` : ''].filter(Boolean).join(' ');
    return { included: false, reason: `the file name suffix requires ${want} (target is ${target(ctx)})` };
  }
  if (file.build.goBuildError) return { included: false, reason: `invalid file: ${file.build.goBuildError}` };
  if (file.build.goBuild) {
    let x: Expr;
    try {
      x = parseGoBuildExpr(file.build.goBuild.expr);
    } catch (e) {
      return { included: false, reason: `invalid file: parsing //go:build line: ${(e as Error).message}` };
    }
    if (!evalExpr(x, ctx)) return { included: false, reason: constraintReason(`//go:build ${file.build.goBuild.expr}`, x, ctx) };
  } else {
    for (const pb of file.build.plusBuild) {
      let x: Expr;
      try {
        x = parsePlusBuildLineExpr(pb.expr);
      } catch {
        continue; // go/build ignores +build lines that fail to parse
      }
      if (!evalExpr(x, ctx)) return { included: false, reason: constraintReason(`// +build ${pb.expr}`, x, ctx) };
    }
  }
  if (file.packageName === 'documentation') return { included: false, reason: 'package documentation is ignored by go/build' };
  const cgo = file.importsC || file.backquotedCImport !== undefined;
  if (cgo && file.build.isTest) {
    return { included: false, reason: `use of cgo in test ${file.path} not supported` };
  }
  if (cgo && !matchTag('cgo', ctx)) {
    return {
      included: false,
      reason: 'the file imports "C", which implies the "cgo" build constraint, and cgo is disabled (CGO_ENABLED=0): go/build lists it in IgnoredGoFiles',
    };
  }
  return { included: true };
}
