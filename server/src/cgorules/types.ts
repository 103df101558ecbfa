// `#cgo` directives and flag rules, as go/build and cmd/go apply them.
import type { Range } from '../core/types.js';

export type CgoVerb = 'CFLAGS' | 'CPPFLAGS' | 'CXXFLAGS' | 'FFLAGS' | 'LDFLAGS' | 'pkg-config';

export interface DirectiveArg {
  /** The argument after splitQuoted and ${SRCDIR} expansion (before making paths absolute). */
  value: string;
  /** The argument as written (quotes and all). */
  raw: string;
  /** Range of the raw argument in the .go file. */
  range: Range;
  /**
   * The argument after makePathsAbsolute (only for the five *FLAGS verbs; equals `value` otherwise): exactly the
   * string `go list` shows and the allow-list checks. Set by parseDirectives when the line applies.
   */
  flag?: string;
}

export interface CgoDirective {
  /** Range of the whole directive line in the .go file (from `#cgo` to end of line text). */
  range: Range;
  /** The line as go/build prints it in errors (CommentGroup.Text form). */
  orig: string;
  kind: 'flags' | 'noescape' | 'nocallback' | 'invalid';
  verb?: CgoVerb;
  verbRange?: Range;
  /** The verb word as written (also when it is not a valid verb). */
  verbText?: string;
  /** Condition fields before the verb, each with its range. */
  conditions: { text: string; range: Range }[];
  /** Whether the line applies to the build context (any condition matches, or none given). */
  applies: boolean;
  args: DirectiveArg[];
  /** For noescape/nocallback: the C function name. */
  funcName?: string;
  /** The go/build error this line produces (if any); see DirectiveError.failsOnTarget. */
  error?: DirectiveError;
}

/** Flags per verb after condition filtering, ${SRCDIR} expansion and path absolutisation (what `go list` shows). */
export interface DirectiveFlags {
  CFLAGS: string[];
  CPPFLAGS: string[];
  CXXFLAGS: string[];
  FFLAGS: string[];
  LDFLAGS: string[];
  pkgConfig: string[];
}

export type { GoVersion } from '../core/goversion.js';

// ---------------------------------------------------------------------------------------------------------
// Additions (cgorules owner). Everything below is additive; the shapes above are unchanged.

/** One argument produced by splitQuoted, with the UTF-16 offsets of its raw text in the split input. */
export interface SplitArg {
  value: string;
  /** Offset of the first character that belongs to the argument (an opening quote or backslash included). */
  start: number;
  /** Offset just after the last character that belongs to the argument (a closing quote included). */
  end: number;
}

/** Why go/build rejects a `#cgo` line. */
export type DirectiveErrorReason =
  | 'no-colon' // no ':' on the line
  | 'no-verb' // nothing before the ':'
  | 'unclosed quote' // splitQuoted error
  | 'unfinished escaping' // splitQuoted error
  | 'unsafe-char' // an argument has a character outside go/build's safeString
  | 'empty-arg' // an empty argument ('' or "")
  | 'braced-var' // `${NAME}` other than ${SRCDIR}
  | 'srcdir-unsafe' // ${SRCDIR} expands to a directory with unsafe characters
  | 'bad-verb'; // the verb is not one of the six

export interface DirectiveError {
  kind: 'syntax' | 'verb' | 'unsafe-argument';
  reason: DirectiveErrorReason;
  /** go/build's message without the `<file>: ` prefix, e.g. `invalid #cgo line: #cgo CFLAGS -O2`. */
  message: string;
  range: Range;
  /** Index into the `directives` array returned with it. */
  directive: number;
  /** For unsafe-argument: index of the argument in the directive's args. */
  argIndex?: number;
  /**
   * Whether the toolchain fails on the current build context. go/build skips lines whose conditions do not match
   * before it splits the arguments, expands ${SRCDIR} and checks the verb, so those errors only appear when
   * building for a target the conditions select.
   */
  failsOnTarget: boolean;
}

/** What checkFlags found wrong (the first problem, as cmd/go reports it). */
export interface FlagCheckResult {
  kind: 'not-allowed' | 'missing-arg' | 'bad-next-arg' | 'bad-override';
  /** Index of the offending flag in the checked list (-1 for a bad CGO_*_ALLOW/DISALLOW regexp). */
  index: number;
  /** The offending flag (for bad-override: the regexp text). */
  arg: string;
  /** For bad-next-arg: the argument after the flag. */
  next?: string;
  /** The toolchain's message for that Go version, without the package prefix the go command adds. */
  message: string;
  /** How the go command prefixes it with the import path on that version: `go build %s: ` (≤1.20) or `%s: `. */
  versionedPrefix: string;
  /** For bad-override: the environment variable holding the bad regexp. */
  envVar?: string;
}
