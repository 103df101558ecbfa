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
}

export interface CgoDirective {
  /** Range of the whole directive line in the .go file (from `#cgo` to end of line text). */
  range: Range;
  /** The line as go/build prints it in errors (CommentGroup.Text form). */
  orig: string;
  kind: 'flags' | 'noescape' | 'nocallback' | 'invalid';
  verb?: CgoVerb;
  verbRange?: Range;
  /** Condition fields before the verb, each with its range. */
  conditions: { text: string; range: Range }[];
  /** Whether the line applies to the build context (any condition matches, or none given). */
  applies: boolean;
  args: DirectiveArg[];
  /** For noescape/nocallback: the C function name. */
  funcName?: string;
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

export type { GoVersion } from "../core/goversion.js";
