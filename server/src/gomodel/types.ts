// The Go source model: what one .go file says about cgo, computed from the document text (unsaved buffers
// work). Positions are engine positions (0-based line, UTF-16 column) in the .go file.
import type { Range } from '../core/types.js';

/** One line of preamble text and where its first character sits in the .go file. */
export interface PreambleLine {
  /** The text cmd/cgo sees for this line (comment markers removed exactly as cmd/cgo's commentText). */
  text: string;
  /** 0-based line in the .go file. */
  goLine: number;
  /** 0-based UTF-16 column in the .go file of text[0]. */
  goCol: number;
}

export interface CommentGroupInfo {
  /** Range of the whole comment group in the .go file. */
  range: Range;
  /** Raw comment texts as written (with their comment markers), one per comment. */
  comments: { text: string; range: Range }[];
}

export interface Preamble {
  /** Exactly cmd/cgo's commentText(): `//` lines keep everything after the slashes, block comments keep their inner text. */
  text: string;
  /** text split into lines, each mapped back to the .go file. `lines.length` = number of lines of text. */
  lines: PreambleLine[];
  /** 0-based .go line of the first comment in the group (cmd/cgo's `#line N` uses N = this + 1). */
  firstLine: number;
  group: CommentGroupInfo;
}

export interface CgoImport {
  /** Range of the `"C"` path literal (cmd/cgo reports rename errors here). */
  pathRange: Range;
  /** Range of the whole import spec (name + path). */
  specRange: Range;
  /** `c`, `_`, `.` when the import is renamed. */
  renamedTo?: string;
  nameRange?: Range;
  /** The preamble cmd/cgo will use for this spec, or null when there is none. */
  preamble: Preamble | null;
  /** The import declaration has parentheses and this many specs. */
  groupSpecCount: number;
  parenthesized: boolean;
  /**
   * A comment that looks meant as the preamble but is not one: separated by a blank line, or attached to a
   * parenthesised group with more than one spec. (Rule cgo-rules.md §10 #1.)
   */
  detached?: { group: CommentGroupInfo; reason: 'blank-line' | 'group-doc' };
  /**
   * Comment groups directly above the preamble (one blank line apart) that contain `#cgo`/`#include`/`#define`
   * lines and are silently lost (§10 #2).
   */
  splitAbove?: CommentGroupInfo;
}

export type CRefContext = 'call' | 'type' | 'value' | 'selector-operand';

export interface CRef {
  /** The name after `C.` (e.g. `puts`, `struct_foo`, `CString`). */
  name: string;
  /** Range of `C.name` as a whole. */
  range: Range;
  /** Range of just `name`. */
  nameRange: Range;
  context: CRefContext;
  /** For calls: number of arguments (used for variadic/two-result checks). */
  argCount?: number;
  /** `x, err := C.f()` form. */
  twoResult?: boolean;
}

export interface ExportComment {
  /** The name after `//export ` (may be empty). */
  name: string;
  /** Range of the whole comment line. */
  range: Range;
  /** Range of the name (or of the comment end when empty). */
  nameRange: Range;
  /** The function it documents, when it is the func's doc comment (adjacent). */
  func?: { name: string; nameRange: Range; receiver?: string; paramsText: string; resultText: string; range: Range };
  /** Why cmd/cgo will not see it: `// export` with a space, not adjacent, or the file has no import "C". */
  ignored?: 'space-after-slashes' | 'not-adjacent' | 'no-import-c' | 'block-comment';
}

export interface BuildInfo {
  /** The `//go:build` expression text (without the prefix), if any. */
  goBuild?: { expr: string; range: Range };
  /** `// +build` lines (only used when there is no //go:build). */
  plusBuild: { expr: string; range: Range }[];
  /** GOOS / GOARCH implied by the file name (`_linux.go`, `_windows_amd64.go`), if any. */
  fileGOOS?: string;
  fileGOARCH?: string;
  isTest: boolean;
}

export interface GoFile {
  path: string;
  packageName: string | null;
  packageRange?: Range;
  build: BuildInfo;
  cImports: CgoImport[];
  /** Every C.name reference in the file (only meaningful when it imports "C"). */
  cRefs: CRef[];
  exports: ExportComment[];
  /** Other misuse the static checks need: receivers of C types, embedded C fields. */
  cTypeReceivers: { typeName: string; range: Range }[];
  cEmbeddedFields: { typeName: string; range: Range }[];
  /** `//go:debug cgocheck=0` lines. */
  goDebug: { key: string; value: string; range: Range }[];
  /** Tree-sitter found syntax errors (the file is still modelled as far as possible). */
  hasSyntaxErrors: boolean;
  /** The whole preamble text cmd/cgo would compile (all cImports' preambles joined), '' if none. */
  readonly importsC: boolean;
}

/** The build target a file is evaluated for. */
export interface BuildContext {
  goos: string;
  goarch: string;
  cgoEnabled: boolean;
  /** Go minor version (e.g. 26 for go1.26.x) for release tags go1.1…go1.N. */
  goMinor: number;
  compiler: 'gc';
  buildTags: string[];
  toolTags: string[];
}
