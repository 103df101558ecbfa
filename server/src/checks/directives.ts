// `#cgo` directive checks (cgo-rules.md §10 rows 4–12): syntax, verb, unsafe arguments, condition spacing,
// noescape/nocallback by Go version, the flag allow-lists and the pkg-config argument checks.
// Every message has the one shape of core/message.ts: the cause (≤ 100 characters, in the toolchain's words where it
// has some), "Fix: …", then details (the go command's full text, why, on which targets).
import { makeDiagnostic, short } from '../core/message.js';
import { defineCheck, type CodeRow } from './check.js';
import { conditionFixes, directiveVerbFixes, flagNotAllowedFixes, unsafeArgumentFixes } from './directivefixes.js';
import { atLeast, formatGoVersion, type GoVersion } from '../core/goversion.js';
import type { CgoDiagnostic, DiagnosticPayloads, Range, Severity } from '../core/types.js';
import type { BuildContext, Preamble } from '../gomodel/types.js';
import { conditionParses, evalExpr, parseGoBuildExpr, type Expr } from '../gomodel/constraint.js';
import { allowRegexpFor, checkFlagsAll, checkPkgConfigArgs, rulesFor, type FlagName } from '../cgorules/allowlist.js';
import { directiveFlags, expandSrcDir, mergeFlags, parseDirectives, unsafeChars, unsafeReason, VERBS, type PathStyle } from '../cgorules/directives.js';
import type { CgoDirective, DirectiveArg, DirectiveError, DirectiveFlags } from '../cgorules/types.js';
import { hostIsWindows } from '../core/host.js';

export type DirectiveCode =
  | 'cgo/directive-syntax'
  | 'cgo/directive-verb'
  | 'cgo/unsafe-argument'
  | 'cgo/condition-spacing'
  | 'cgo/condition-invalid'
  | 'cgo/noescape-version'
  | 'cgo/flag-not-allowed'
  | 'cgo/flag-missing-arg'
  | 'cgo/flag-override-invalid'
  | 'cgo/pkg-config-name'
  | 'cgo/pkg-config-option';

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/directive-syntax': { reason: string; edit?: { range: Range; newText: string } };
    'cgo/directive-verb': { verb: string; suggestion?: string | null; range?: Range | undefined };
    'cgo/unsafe-argument': {
      reason: string;
      arg: string;
      /** A quoted `-DNAME="v"`: the `#define` that replaces it. */
      macroName?: string;
      macroValue?: string;
      defineText?: string;
      variables?: string[];
      srcDir?: string;
      chars?: string[];
      envVar?: string;
    };
    'cgo/condition-spacing': { replacement: string; alternative?: string | null; range: Range; appliesNow: boolean; intendedAppliesNow: boolean };
    'cgo/condition-invalid': { condition: string; replacement?: string; range?: Range };
    'cgo/noescape-version': { kind: string; funcName?: string | undefined; goVersion?: string; requires?: string };
    /** From a `#cgo` line (checks/directives.ts) or from pkg-config's output (`fromPkgConfig`, engine/compileservice.ts). */
    'cgo/flag-not-allowed': {
      flag?: string;
      arg?: string;
      verb?: string;
      envVar: string;
      /** The CGO_<VERB>_ALLOW value that admits exactly this flag (combined with an existing value). */
      allowRegexp?: string;
      envFlagsVar?: string;
      goVersion?: string;
      rules?: string;
      fromPkgConfig?: boolean;
    };
    'cgo/flag-missing-arg': { flag: string; envVar: string; [key: string]: unknown };
    'cgo/flag-override-invalid': { envVar?: string | undefined; value?: string | undefined };
    'cgo/pkg-config-name': { arg: string; suggestedVerb?: string };
    'cgo/pkg-config-option': { arg: string };
  }
}

export const codes: CodeRow<DirectiveCode>[] = [
  {
    code: 'cgo/directive-syntax',
    severity: 'error',
    title: 'Malformed #cgo line',
    cause:
      'go/build rejects a `#cgo` line with no `:`, nothing before the `:`, an unclosed quote or a trailing backslash in the arguments: `<file>: invalid #cgo line: <line>` (a package-load error). For a line whose conditions do not match the current target, the quote/backslash errors only appear when building for a matching target (warning).',
    fix: 'Write `#cgo [conditions] VERB: arguments`, e.g. `#cgo linux CFLAGS: -O2`; close quotes and drop a trailing `\\`.',
    example: '// #cgo CFLAGS -O2\nimport "C"',
  },
  {
    code: 'cgo/directive-verb',
    severity: 'error',
    title: 'Unknown #cgo verb',
    cause:
      'The last word before the `:` must be one of CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS, pkg-config (case-sensitive): `<file>: invalid #cgo verb: <line>`. Checked only for lines whose conditions match (warning otherwise).',
    fix: 'Fix the verb (the diagnostic suggests the closest one).',
    example: '// #cgo CLFAGS: -O2\nimport "C"',
  },
  {
    code: 'cgo/unsafe-argument',
    severity: 'error',
    title: 'Character not allowed in a #cgo argument',
    cause:
      'After splitting and ${SRCDIR} expansion every argument must consist of letters, digits, space, `+ - . , / = _ : $ @ % ! ~ ^` or non-ASCII characters: `<file>: malformed #cgo argument: <arg>`. Quoted C string macros (`-DNAME=\\"v\\"`), `${HOME}`-style variables (only ${SRCDIR} is expanded), empty arguments and a package directory with such characters used through ${SRCDIR} all fail. Warning when the line does not apply to the current target.',
    fix: 'Put string macros in the preamble as `#define NAME "v"`; pass other such flags through the CGO_CFLAGS/CGO_LDFLAGS environment variables (not checked); use ${SRCDIR} or absolute paths; move the package to a plain directory.',
    example: '// #cgo CFLAGS: -DVERSION=\\"1.0\\"\nimport "C"',
  },
  {
    code: 'cgo/condition-spacing',
    severity: 'warning',
    title: '#cgo condition written with spaces',
    cause:
      'Each space-separated word before the verb is a separate condition and the line applies if ANY matches; a word that is not a valid build constraint (`&&`, `||`, `(linux`) never matches. So `#cgo linux && arm64 CFLAGS:` applies on every linux target and `#cgo (linux || windows) CFLAGS:` never applies. The toolchain says nothing.',
    fix: 'Write the expression without spaces: `linux&&arm64` or `linux,arm64`; `linux||windows` or `linux windows`.',
    example: '// #cgo linux && arm64 CFLAGS: -DARM\nimport "C"',
  },
  {
    code: 'cgo/condition-invalid',
    severity: 'warning',
    title: '#cgo condition that never matches',
    cause:
      'A condition word that is not a valid build constraint (e.g. `linux/amd64`, `!!cgo`) silently evaluates to false; if no other condition on the line matches, the line is ignored everywhere.',
    fix: 'Use build-tag syntax: `linux`, `!windows`, `linux,amd64` (AND), `linux&&amd64`, or several words for OR.',
    example: '// #cgo linux/amd64 LDFLAGS: -lm\nimport "C"',
  },
  {
    code: 'cgo/noescape-version',
    severity: 'error',
    title: '#cgo noescape/nocallback not supported by this Go version, or names no C function',
    cause:
      'Go ≤1.21: `<file>: invalid #cgo line: #cgo noescape f`; Go 1.22–1.23: `cgo: #cgo noescape disabled until Go 1.23` (also for nocallback); Go ≥1.24: `cgo: #cgo noescape f: no matched C function` when `f` is not a C function called from Go.',
    fix: 'Use Go 1.24 or later (go.mod `go`/`toolchain` line), or remove the line; name a C function that Go code calls as `C.f(...)`.',
    example: '// #cgo noescape strlen\n// #include <string.h>\nimport "C"',
  },
  {
    code: 'cgo/flag-not-allowed',
    severity: 'error',
    title: "#cgo flag rejected by the go command's security allow-list",
    cause:
      'cmd/go only passes #cgo CFLAGS/CPPFLAGS/CXXFLAGS/FFLAGS/LDFLAGS that fully match its allow-list (leftmost-first full match, so e.g. `x.obj` and `libx.so.1` fail): `<pkg>: invalid flag in #cgo CFLAGS: <arg>` (Go ≤1.24.11), `… (see https://go.dev/s/invalidflag)` (1.24.12+/1.25.6+/1.26+); Go 1.19 prints `go build <pkg>: …`.',
    fix: "Allow it with CGO_<VERB>_ALLOW='<regexp matching the whole flag>' (environment or `go env -w`), or pass it through the CGO_<VERB> environment variable, which is not checked.",
    example: '// #cgo CFLAGS: -fplugin=evil.so\nimport "C"',
    gopls: { says: '`invalid flag in #cgo …` as a go list error on the package clause, and `undefined: C.x` at every use', sameRange: false, sameWords: false },
  },
  {
    code: 'cgo/flag-missing-arg',
    severity: 'error',
    title: '#cgo flag whose argument is missing or unsafe',
    cause:
      'Flags such as -D -U -I -include -isystem -framework -x (compiler) and -l -L -framework -Wl,-rpath (linker) consume the next argument, which must start with a letter, digit, `.`, `_` or `/`: `invalid flag in #cgo CFLAGS: -D without argument (see https://golang.org/s/invalidflag)` / `… -include -foo (see …)` (go.dev URL from 1.24.12/1.25.6/1.26).',
    fix: 'Attach the value to the flag (`-DNAME`, `-I/path`) or fix the following argument.',
    example: '// #cgo CFLAGS: -D\nimport "C"',
  },
  {
    code: 'cgo/flag-override-invalid',
    severity: 'error',
    title: 'CGO_<VERB>_ALLOW / _DISALLOW is not a valid Go regexp',
    cause:
      'cmd/go compiles CGO_<VERB>_ALLOW and CGO_<VERB>_DISALLOW as Go regexps before checking any cgo package: `<pkg>: parsing $CGO_CFLAGS_ALLOW: error parsing regexp: …`; every cgo build fails.',
    fix: 'Fix the regexp (Go RE2 syntax, matched against the whole flag) or unset the variable (also check `go env -w`).',
  },
  {
    code: 'cgo/pkg-config-name',
    severity: 'error',
    title: 'Invalid pkg-config package name',
    cause:
      'Arguments of `#cgo pkg-config:` that do not start with `--` are package names and must start with a letter, digit, `.`, `_` or `/`: `<pkg>: invalid pkg-config package name: <arg>`.',
    fix: 'Only list package names and `--options`; put linker flags such as -lfoo in `#cgo LDFLAGS`.',
    example: '// #cgo pkg-config: -lfoo\nimport "C"',
  },
  {
    code: 'cgo/pkg-config-option',
    severity: 'error',
    title: 'pkg-config option rejected by the go command',
    cause:
      "Since Go 1.24.12/1.25.6 (CVE-2025-61731) `--options` in `#cgo pkg-config:` must match cmd/go's list of pkg-config options (no CGO_*_ALLOW override): `<pkg>: invalid flag in pkg-config: <opt> (see https://go.dev/s/invalidflag)`. `--define-variable=NAME=VALUE` with `-` or `@` in VALUE is rejected too (golang/go#79330).",
    fix: 'Remove the option, or set PKG_CONFIG to a wrapper script that adds it.',
    example: '// #cgo pkg-config: --foo-bar zlib\nimport "C"',
  },
];

export interface DirectiveCheckInput {
  /** Absolute path of the .go file (diagnostics belong to it; go/build errors name its base name). */
  file: string;
  preambles: Preamble[];
  build: BuildContext;
  srcDir: string;
  goVersion: GoVersion;
  /** The go command's environment (process env + go env -w values) for CGO_<VERB>_ALLOW/DISALLOW. */
  env: Record<string, string | undefined>;
  pathStyle?: PathStyle;
  /**
   * Names of C functions the package's Go code calls as `C.name(…)`. When given, `#cgo noescape/nocallback f` on
   * Go ≥1.24 is checked against it (cmd/cgo: `no matched C function`); when absent that check is skipped.
   */
  cFunctionRefs?: readonly string[];
}

export interface DirectiveCheckResult {
  diagnostics: CgoDiagnostic[];
  /** What `go list -json` reports as Cgo*FLAGS / CgoPkgConfig for this file (all preambles, in order). */
  flags: DirectiveFlags;
  /**
   * True when the go command refuses to build this file on the current target because of its #cgo lines: a
   * go/build error on an applying line, or a flag / pkg-config argument / override regexp the security checks
   * reject. The compiler stage should then not run the C compiler with these flags.
   */
  rejected: boolean;
  /** The parsed `#cgo` lines of each preamble (positions included), for the package model and other checks. */
  directives: CgoDirective[][];
}

const FLAG_ORDER: FlagName[] = ['CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'FFLAGS', 'LDFLAGS'];

/**
 * Whether a `#cgo` condition field is well formed. A `//go:build`-style field (with `&|()`) that fails to parse is
 * false; in `+build` style go/build/constraint silently turns `!!x`, a lone `!` and invalid tags (e.g.
 * `linux/amd64`) into the never-set tag "ignore". Both never match, which is what these checks warn about.
 */
export function conditionWellFormed(text: string): boolean {
  if (/[&|()]/.test(text)) return conditionParses(text);
  return text.split(',').every((lit) => {
    if (lit.startsWith('!!') || lit === '!') return false;
    const tag = lit.startsWith('!') ? lit.slice(1) : lit;
    return /^[\p{L}\p{Nd}_.]+$/u.test(tag);
  });
}

function osaDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest valid verb to `verb` (case-insensitive match first, then edit distance ≤ 3), or null. */
export function suggestVerb(verb: string): string | null {
  const ci = VERBS.find((v) => v.toLowerCase() === verb.toLowerCase());
  if (ci) return ci;
  let best: string | null = null;
  let bestD = Infinity;
  for (const v of VERBS) {
    const dist = osaDistance(verb.toUpperCase(), v.toUpperCase());
    if (dist < bestD) {
      bestD = dist;
      best = v;
    }
  }
  return bestD <= 3 ? best : null;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function exprToString(x: Expr): string {
  switch (x.kind) {
    case 'tag':
      return x.tag;
    case 'not':
      return '!' + (x.x.kind === 'tag' || x.x.kind === 'not' ? exprToString(x.x) : `(${exprToString(x.x)})`);
    case 'and': {
      const side = (e: Expr) => (e.kind === 'or' ? `(${exprToString(e)})` : exprToString(e));
      return `${side(x.x)}&&${side(x.y)}`;
    }
    case 'or':
      return `${exprToString(x.x)}||${exprToString(x.y)}`;
  }
}

/** For `a && b && c` of plain tags / negated tags: the `+build` comma form `a,b,c`. */
function commaForm(x: Expr): string | null {
  const lits: string[] = [];
  const walk = (e: Expr): boolean => {
    if (e.kind === 'and') return walk(e.x) && walk(e.y);
    if (e.kind === 'tag') return lits.push(e.tag) > 0;
    if (e.kind === 'not' && e.x.kind === 'tag') return lits.push('!' + e.x.tag) > 0;
    return false;
  };
  return walk(x) && lits.length > 1 ? lits.join(',') : null;
}

export function checkDirectives(input: DirectiveCheckInput): DirectiveCheckResult {
  const diagnostics: CgoDiagnostic[] = [];
  const style: PathStyle = input.pathStyle ?? (hostIsWindows() ? 'win32' : 'posix');
  const ver = formatGoVersion(input.goVersion);
  const target = `${input.build.goos}/${input.build.goarch}`;
  // go/build errors name the file; the go command prints it relative to the package directory (`main.go: …`,
  // as in `go build` / `go list` output for indexed packages).
  const shortFile = input.file.split(/[\\/]/).pop() ?? input.file;
  let rejected = false;
  const parsed = input.preambles.map((p) => parseDirectives(p, { build: input.build, srcDir: input.srcDir, goVersion: input.goVersion, pathStyle: style }));
  const flags = mergeFlags(parsed.map((p) => directiveFlags(p.directives)));
  const all: CgoDirective[] = parsed.flatMap((p) => p.directives);

  const push = <C extends DirectiveCode>(
    range: Range,
    severity: Severity,
    code: C,
    cause: string,
    fix: string,
    details: (string | undefined | false)[],
    data: DiagnosticPayloads[C],
  ) => {
    diagnostics.push(makeDiagnostic({ file: input.file, range, severity, code, cause, fix, details, data }));
  };
  const condText = (d: CgoDirective) => d.conditions.map((c) => c.text).join(' ');
  const notHere = (d: CgoDirective) =>
    `The go command reports this only when building for a target matching \`${condText(d)}\`; on ${target} the line is skipped.`;
  /** The go command's words as a cause: "<what>: <value>" with the value shortened to fit. */
  const causeOf = (message: string) => {
    const m = message.replace(/ \(see https?:\/\/[^)]*\)$/, '');
    const at = m.indexOf(': ');
    return at < 0 ? m : `${m.slice(0, at)}: ${short(m.slice(at + 2), Math.max(30, 98 - at))}`;
  };
  /** The go command's full error, as it prints it. */
  const goSays = (message: string) => `go build: ${message}`;

  // ----- go/build errors (rows 4, 5, 6, and 8 for Go ≤1.21) -----
  for (const p of parsed) {
    for (const e of p.errors) {
      const d = p.directives[e.directive]!;
      if (e.failsOnTarget) rejected = true;
      const sev: Severity = e.failsOnTarget ? 'error' : 'warning';
      const details = [e.failsOnTarget ? undefined : notHere(d), goSays(`${shortFile}: ${e.message}`)];
      if (d.kind === 'noescape' || d.kind === 'nocallback') {
        push(
          e.range,
          'error',
          'cgo/noescape-version',
          `#cgo ${d.kind} needs Go 1.24 or later; this module builds with ${ver}`,
          'raise the go/toolchain line in go.mod, or remove the line',
          details,
          { kind: d.kind, funcName: d.funcName, goVersion: ver, requires: 'go1.24' },
        );
        continue;
      }
      if (e.kind === 'syntax') syntaxDiagnostic(e, d, details, sev);
      else if (e.kind === 'verb') verbDiagnostic(e, d, details, sev);
      else unsafeDiagnostics(e, d, sev);
    }
  }

  function syntaxDiagnostic(e: DirectiveError, d: CgoDirective, details: (string | undefined)[], sev: Severity) {
    const data: DiagnosticPayloads['cgo/directive-syntax'] = { reason: e.reason };
    let fix: string;
    switch (e.reason) {
      case 'no-colon':
        if (d.verb && d.verbRange) {
          fix = `add a colon after the verb: \`#cgo … ${d.verb}: …\``;
          data.edit = { range: { start: d.verbRange.end, end: d.verbRange.end }, newText: ':' };
        } else {
          fix = 'write `#cgo [conditions] VERB: arguments` with VERB one of CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS, pkg-config';
        }
        break;
      case 'no-verb':
        fix = 'name the verb before the colon, e.g. `#cgo CFLAGS: …` or `#cgo LDFLAGS: …`';
        break;
      case 'unclosed quote':
        fix = 'close the quote';
        details = ['Quotes only group words in #cgo arguments and are removed; they cannot put a quote character into a flag.', ...details];
        break;
      default:
        fix = 'remove the trailing backslash (a backslash escapes the next character in #cgo arguments)';
    }
    const what =
      e.reason === 'no-colon'
        ? 'no colon after the verb'
        : e.reason === 'no-verb'
          ? 'no verb before the colon'
          : e.reason === 'unclosed quote'
            ? 'unclosed quote'
            : 'trailing backslash';
    push(e.range, sev, 'cgo/directive-syntax', `invalid #cgo line: ${what}`, fix, details, data);
  }

  function verbDiagnostic(e: DirectiveError, d: CgoDirective, details: (string | undefined)[], sev: Severity) {
    const verbField = d.verbText ?? '';
    const suggestion = suggestVerb(verbField);
    const fix = suggestion ? `write ${suggestion} (did you mean it?)` : 'use one of CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS, pkg-config';
    push(
      e.range,
      sev,
      'cgo/directive-verb',
      `invalid #cgo verb: ${short(verbField, 40)}`,
      fix,
      ['Verbs are case-sensitive: CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS, pkg-config.', ...details],
      {
        verb: verbField,
        suggestion,
        range: d.verbRange,
      },
    );
  }

  function unsafeDiagnostics(e: DirectiveError, d: CgoDirective, sev: Severity) {
    // go/build stops at the first bad argument; report the others on the line too.
    const first = e.argIndex ?? 0;
    for (let i = first; i < d.args.length; i++) {
      const a = d.args[i]!;
      const x = i === first ? null : expandSrcDir(a.value, input.srcDir, style);
      if (x && x.ok) continue;
      const shown = i === first ? e.message.replace(/^malformed #cgo argument: /, '') : x!.value;
      const reason = i === first ? e.reason : unsafeReason(a.value, input.srcDir, style);
      const { fix, why, data } = unsafeFix(a, shown, reason, d);
      push(
        a.range,
        sev,
        'cgo/unsafe-argument',
        `malformed #cgo argument: ${short(shown, 60)}`,
        fix,
        [why, sev === 'error' ? undefined : notHere(d), goSays(`${shortFile}: malformed #cgo argument: ${shown}`)],
        {
          reason,
          arg: shown,
          ...data,
        },
      );
    }
  }

  function unsafeFix(a: DirectiveArg, shown: string, reason: string, d: CgoDirective): { fix: string; why?: string; data: Record<string, unknown> } {
    const envVar = d.verb && d.verb !== 'pkg-config' ? `CGO_${d.verb}` : 'CGO_CFLAGS';
    const macro = /^-D([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(a.value);
    if (macro && /["']/.test(macro[2]!)) {
      const [, name, value] = macro;
      return {
        fix: `put \`#define ${name} ${value}\` in the preamble, or pass the flag through the ${envVar} environment variable`,
        why: 'A C string macro cannot be written in a #cgo line: quote characters are not allowed in arguments.',
        data: { reason: 'string-macro', macroName: name, macroValue: value, defineText: `#define ${name} ${value}` },
      };
    }
    switch (reason) {
      case 'empty-arg':
        return { fix: 'remove the empty argument', why: 'Empty arguments (\'\' or "") are not allowed in #cgo lines.', data: {} };
      case 'braced-var': {
        const vars = [...a.value.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[0]).filter((v) => v !== '${SRCDIR}');
        return {
          fix: `use a path relative to \${SRCDIR} or an absolute path, or pass the flag through the ${envVar} environment variable`,
          why: `#cgo lines expand only \${SRCDIR}; ${vars.join(', ')} is not an environment-variable expansion, and \`{\`/\`}\` are not allowed.`,
          data: { variables: vars },
        };
      }
      case 'srcdir-unsafe': {
        const bad = unsafeChars(input.srcDir.replace(/\\/g, '/'));
        return {
          fix: `move or rename the package directory, or avoid \${SRCDIR} here`,
          why: `\${SRCDIR} expands to the package directory ${input.srcDir}, which contains ${bad.map((c) => `\`${c}\``).join(' ')} (allowed: letters, digits, space and + - . , / = _ : $ @ % ! ~ ^).`,
          data: { srcDir: input.srcDir, chars: bad },
        };
      }
      default: {
        const bad = unsafeChars(shown);
        return {
          fix: `pass the flag through the ${envVar} environment variable instead (environment flags are not checked)`,
          why: `${bad.map((c) => (c === '\t' ? 'a tab' : `\`${c}\``)).join(' ')} ${bad.length === 1 ? 'is' : 'are'} not allowed in #cgo arguments (allowed: letters, digits, space and + - . , / = _ : $ @ % ! ~ ^).`,
          data: { chars: bad, envVar },
        };
      }
    }
  }

  // ----- conditions (row 7) -----
  for (const d of all) {
    if (d.conditions.length === 0 || d.conditions.every((c) => conditionWellFormed(c.text))) continue;
    const condRange: Range = { start: d.conditions[0]!.range.start, end: d.conditions[d.conditions.length - 1]!.range.end };
    const joined = condText(d);
    let intended: Expr | null = null;
    if (d.conditions.length > 1) {
      try {
        intended = parseGoBuildExpr(joined);
      } catch {
        intended = null;
      }
    }
    if (intended) {
      const replacement = exprToString(intended);
      const comma = commaForm(intended);
      const wouldApply = evalExpr(intended, input.build);
      const pieces = d.conditions.map((c) => `\`${c.text}\``).join(' OR ');
      const bad = d.conditions.filter((c) => !conditionWellFormed(c.text)).map((c) => `\`${c.text}\``);
      const effect = d.applies
        ? `so on ${target} this line applies${wouldApply ? '' : ` although \`${joined}\` is false here`}`
        : `so on ${target} this line does not apply${wouldApply ? ` although \`${joined}\` is true here` : ''}`;
      push(
        condRange,
        'warning',
        'cgo/condition-spacing',
        `\`${short(joined, 40)}\` is ${d.conditions.length} conditions, any of which applies the line`,
        `write \`${replacement}\`${comma ? ` (or \`${comma}\`)` : ''} without spaces`,
        [
          `#cgo conditions are separated by spaces and each one is tested on its own: \`${joined}\` is read as ${pieces}, and ${bad.join(', ')} ${bad.length === 1 ? 'is not a valid condition and never matches' : 'are not valid conditions and never match'}, ${effect}.`,
        ],
        { replacement, alternative: comma, range: condRange, appliesNow: d.applies, intendedAppliesNow: wouldApply },
      );
      continue;
    }
    for (const c of d.conditions) {
      if (conditionWellFormed(c.text)) continue;
      let fix = 'use build-tag syntax: `linux`, `!windows`, `linux,amd64` (AND) or `linux&&amd64`; separate alternatives with spaces';
      let replacement: string | undefined;
      const slash = /^([A-Za-z0-9_.]+)\/([A-Za-z0-9_.]+)$/.exec(c.text);
      if (slash) {
        replacement = `${slash[1]},${slash[2]}`;
        fix = `write \`${replacement}\` to require both GOOS and GOARCH`;
      }
      push(
        c.range,
        'warning',
        'cgo/condition-invalid',
        `\`${short(c.text, 40)}\` is not a valid build constraint: this condition never matches`,
        fix,
        [d.applies ? undefined : 'The line is ignored on every target unless another of its conditions matches.'],
        { condition: c.text, ...(replacement ? { replacement } : {}) },
      );
    }
  }

  // ----- noescape / nocallback on Go ≥1.22 (row 8) -----
  for (const d of all) {
    if ((d.kind !== 'noescape' && d.kind !== 'nocallback') || d.error) continue;
    const fn = d.funcName ?? '';
    if (!atLeast(input.goVersion, 24)) {
      rejected = true;
      push(
        d.range,
        'error',
        'cgo/noescape-version',
        `#cgo ${d.kind} needs Go 1.24 or later; this module builds with ${ver}`,
        'raise the go/toolchain line in go.mod, or remove the line',
        [goSays(`cgo: #cgo ${d.kind} disabled until Go 1.23`)],
        { kind: d.kind, funcName: fn, goVersion: ver, requires: 'go1.24' },
      );
    } else if (input.cFunctionRefs && !input.cFunctionRefs.includes(fn)) {
      push(
        d.range,
        'error',
        'cgo/noescape-version',
        `#cgo ${d.kind} ${short(fn, 40)}: no matched C function`,
        `name a C function that Go code in this package calls as C.${fn}(…), or remove the line`,
        [goSays(`cgo: #cgo ${d.kind} ${fn}: no matched C function`)],
        { kind: d.kind, funcName: fn, goVersion: ver },
      );
    }
  }

  // ----- allow-lists (rows 9, 10) -----
  const usable = (d: CgoDirective) => d.kind === 'flags' && d.applies && d.verb !== undefined && !(d.error && d.error.failsOnTarget);
  const byVerb = new Map<string, { flag: string; arg: DirectiveArg; d: CgoDirective }[]>();
  for (const d of all) {
    if (!usable(d)) continue;
    const list = byVerb.get(d.verb!) ?? [];
    for (const a of d.args) list.push({ flag: a.flag ?? a.value, arg: a, d });
    byVerb.set(d.verb!, list);
  }
  const firstLine = (): Range => {
    const d = all[0];
    if (d) return d.range;
    const l = input.preambles[0]?.lines[0];
    return l
      ? { start: { line: l.goLine, character: l.goCol }, end: { line: l.goLine, character: l.goCol + l.text.length } }
      : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  };
  const hasCgoLines = input.preambles.length > 0;
  for (const name of FLAG_ORDER) {
    const list = byVerb.get(name) ?? [];
    const kind = name === 'LDFLAGS' ? 'linker' : 'compiler';
    const res = checkFlagsAll(
      kind,
      name,
      `#cgo ${name}`,
      list.map((x) => x.flag),
      { goVersion: input.goVersion, env: input.env },
    );
    for (const p of res.problems) {
      rejected = true;
      if (p.kind === 'bad-override') {
        if (!hasCgoLines) continue;
        const at = list[0]?.d.range ?? firstLine();
        push(
          at,
          'error',
          'cgo/flag-override-invalid',
          causeOf(p.message),
          `make ${p.envVar} a Go regexp that matches whole flags, or unset it`,
          [`Check \`go env ${p.envVar}\`: the value may come from \`go env -w\`.`, goSays(p.message)],
          { envVar: p.envVar, value: p.arg },
        );
        continue;
      }
      const item = list[p.index]!;
      if (p.kind === 'not-allowed') {
        const existing = input.env[`CGO_${name}_ALLOW`];
        const allowRegexp = allowRegexpFor(p.arg, existing || undefined);
        const envVar = `CGO_${name}_ALLOW`;
        const hint = notAllowedHint(p.arg, name, input.goVersion);
        push(
          item.arg.range,
          'error',
          'cgo/flag-not-allowed',
          causeOf(p.message),
          `${hint.alt ?? ''}set ${envVar}=${shellQuote(allowRegexp)} to allow exactly this flag, or pass it through CGO_${name} instead of a #cgo line`,
          [hint.why, `${envVar} can be set in the environment or with go env -w; flags from CGO_${name} are not checked.`, goSays(p.message)],
          { flag: p.arg, verb: name, envVar, allowRegexp, envFlagsVar: `CGO_${name}`, goVersion: ver, rules: rulesFor(input.goVersion).id },
        );
      } else {
        const next = p.kind === 'bad-next-arg' ? list[p.index + 1] : undefined;
        const range: Range =
          next && next.arg.range.end.line === item.arg.range.start.line ? { start: item.arg.range.start, end: next.arg.range.end } : item.arg.range;
        const fix =
          p.kind === 'missing-arg' ? `attach the value (e.g. \`${p.arg}VALUE\`) or add it after ${p.arg}` : 'fix the argument, or attach the value to the flag';
        const why =
          p.kind === 'missing-arg'
            ? `\`${p.arg}\` takes the next argument as its value, but it is the last #cgo ${name} argument.`
            : `\`${p.arg}\` consumes the next argument, which must start with a letter, digit, \`.\`, \`_\` or \`/\`; \`${p.next}\` does not.`;
        push(range, 'error', 'cgo/flag-missing-arg', causeOf(p.message), fix, [why, goSays(p.message)], {
          flag: p.arg,
          next: p.next,
          verb: name,
          envVar: `CGO_${name}_ALLOW`,
          allowRegexp: allowRegexpFor(p.arg, input.env[`CGO_${name}_ALLOW`] || undefined),
        });
      }
    }
  }

  // ----- pkg-config (rows 11, 12) -----
  const pc = byVerb.get('pkg-config') ?? [];
  for (const p of checkPkgConfigArgs(
    pc.map((x) => x.flag),
    input.goVersion,
  )) {
    rejected = true;
    const item = pc[p.index]!;
    if (p.kind === 'name') {
      const looksLikeFlag = /^-[lLI]/.test(p.arg);
      push(
        item.arg.range,
        'error',
        'cgo/pkg-config-name',
        causeOf(p.message),
        looksLikeFlag
          ? `move \`${p.arg}\` to a \`#cgo ${p.arg.startsWith('-I') ? 'CFLAGS' : 'LDFLAGS'}:\` line`
          : 'write a package name as `pkg-config --list-all` shows it, or a --option',
        ['`#cgo pkg-config:` takes package names and --options only.', goSays(p.message)],
        { arg: p.arg, suggestedVerb: looksLikeFlag ? (p.arg.startsWith('-I') ? 'CFLAGS' : 'LDFLAGS') : undefined },
      );
    } else {
      const defVar = p.arg.startsWith('--define-variable=');
      push(
        item.arg.range,
        'error',
        'cgo/pkg-config-option',
        causeOf(p.message),
        'remove it, or set PKG_CONFIG to a wrapper script that adds it',
        [
          `Since Go 1.24.12/1.25.6 the go command only passes known pkg-config options (this module builds with ${ver})${defVar ? '; --define-variable values containing `-` or `@` are rejected (golang/go#79330)' : ''}.`,
          goSays(p.message),
        ],
        { arg: p.arg },
      );
    }
  }

  return { diagnostics, flags, rejected, directives: parsed.map((p) => p.directives) };
}

/** Why the allow-list refuses this flag and what else works, where there is more to say than "allow it". */
function notAllowedHint(flag: string, name: FlagName, v: GoVersion): { why?: string; alt?: string } {
  if (/\.obj$/.test(flag)) {
    return { why: 'The allow-list never accepts `.obj` files (its leftmost-first match stops at `.o`).', alt: 'link with -L<dir> -l<name>, or ' };
  }
  if (/\.(so|dylib)(\.[0-9]+)+$/.test(flag)) {
    const base = flag.split('/').pop()!;
    return { why: 'Versioned library files do not match the allow-list.', alt: `use \`-l:${base}\` (with -L for its directory), or ` };
  }
  if (flag.startsWith('-Wl,--push-state,') && !atLeast(v, 24)) {
    return { why: '-Wl,--push-state is allowed from Go 1.24 on.', alt: 'upgrade Go, split it into separate -Wl, flags, or ' };
  }
  if (/^-(fplugin|B|specs)/.test(flag) || /^-Wl,-plugin/.test(flag) || /^@/.test(flag)) {
    return { why: 'The go command blocks this flag because it can run arbitrary code during the build.', alt: 'only if you trust it, ' };
  }
  if (name === 'LDFLAGS' && /^-Wl,/.test(flag)) {
    return { why: 'Only specific -Wl, options are allowed, and no commas inside their values.' };
  }
  return {};
}

/** Flag checks apply only to files the target builds (a file it does not build is not checked as if it were). */
const ONLY_WHEN_BUILT = new Set(['cgo/flag-not-allowed', 'cgo/flag-missing-arg', 'cgo/pkg-config-name', 'cgo/pkg-config-option']);

/**
 * The `#cgo` line checks. `checkDirectives` also yields the file's contribution to its package, so the engine
 * runs it (cached per model and build context, siblings included) and this check reports its findings.
 */
export const check = defineCheck<DirectiveCode>({
  name: 'directives',
  codes,
  runner: { needs: 'model', run: ({ directives, included }) => (directives?.diagnostics ?? []).filter((d) => included || !ONLY_WHEN_BUILT.has(d.code)) },
  fixes: {
    'cgo/condition-spacing': { docs: ['Rewrite the condition without spaces (`linux&&arm64`, preferred) or as `linux,arm64`'], fix: conditionFixes },
    'cgo/condition-invalid': { docs: ['Rewrite `goos/goarch` as `goos,goarch`'], fix: conditionFixes },
    'cgo/directive-verb': { docs: ['Change the verb to the suggested one (in fix-all)'], fix: directiveVerbFixes },
    'cgo/unsafe-argument': {
      docs: ['For a quoted `-DNAME=\\"v\\"`: replace the flag by `#define NAME "v"` in the preamble (in fix-all)'],
      fix: unsafeArgumentFixes,
    },
    'cgo/flag-not-allowed': {
      docs: [
        'Run `go env -w CGO_<VERB>_ALLOW=<regexp matching exactly this flag>` (only when picked)',
        "Create `.envrc` / `cgo-env.ps1`, or set the variable in the workspace folder's `.vscode/settings.json` (an existing JSONC file is edited in place, comments kept)",
        'Show the variable for bash/zsh, fish, PowerShell, cmd, Neovim, Helix and VS Code',
        'Every variant says "only if you trust this code" (and, for a flag that loads code such as `-fplugin=`, that it does); none is offered when that flag names a file that does not exist',
      ],
      fix: flagNotAllowedFixes,
    },
  },
});
