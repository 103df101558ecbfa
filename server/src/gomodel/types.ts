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
  /**
   * Present only when the line is made of text from several places: cmd/cgo's commentText does not add a newline
   * after a block comment, so `/* a *\/` followed by `// b` on the next line become ONE preamble line. Each segment
   * starts at `col` (UTF-16 index in `text`) and maps to goLine/goCol. The first segment equals goLine/goCol.
   */
  segments?: { col: number; goLine: number; goCol: number }[];
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
  detached?: {
    group: CommentGroupInfo;
    reason: 'blank-line' | 'group-doc';
    /** The blank lines between the comment and the next token (whole lines; deleting them attaches the comment). */
    blankLines?: Range;
  };
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
  /**
   * A local declaration named `C` precedes this reference in the same function. cmd/cgo does no scoping (it
   * treats every `C.x` as a C reference, ast.go saveRef), so the reference is still in cRefs; consumers that want
   * Go scoping can skip it.
   */
  shadowed?: boolean;
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
  ignored?: 'space-after-slashes' | 'not-adjacent' | 'no-import-c' | 'block-comment' | 'not-first';
  /** For not-adjacent: the blank lines between the comment group and the func (delete them to attach it). */
  blankLines?: Range;
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
  /** go/build rejects the file: a second //go:build line, or a //go:build expression that does not parse. */
  goBuildError?: string;
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
  /**
   * Set when the file was not analysed in full (per-file work caps, gomodel/model.ts): `size` — only the first
   * `analysedBytes` characters of `totalBytes` were modelled; `binary` — NUL bytes, not Go source, nothing modelled;
   * `imports` — more `import "C"` specs than MAX_C_IMPORTS, the rest ignored; `time` — the parse ran out of time.
   */
  limited?: { reason: 'size' | 'binary' | 'imports' | 'time'; analysedBytes: number; totalBytes: number; endLine?: number };
  /** The whole preamble text cmd/cgo would compile (all cImports' preambles joined), '' if none. */
  readonly importsC: boolean;
  /**
   * `import \`C\`` (raw string): go/build unquotes the path and treats the file as a cgo file (cgo tag, CgoFiles),
   * but cmd/cgo compares the literal with `"C"` and does not see it. Not in cImports.
   */
  backquotedCImport?: Range;
  /** Top-level C declarations/definitions found in the preambles (tree-sitter-c), with Go-file positions. */
  preambleDecls?: PreambleCDecl[];
}

/** A top-level C function or variable declared/defined in an import "C" preamble. */
export interface PreambleCDecl {
  name: string;
  kind: 'function' | 'variable';
  /** Function with a body, or an object definition (initialised or tentative, not `extern` without initialiser). */
  definition: boolean;
  storage: 'static' | 'extern' | 'none';
  inline: boolean;
  /** Functions: the parameter list ends with `...`. */
  variadic: boolean;
  /**
   * A definition with external linkage: a non-static function definition (not a C99 plain `inline` one) or a
   * non-static object definition (not weak). Compiled into both _cgo_export.c and <file>.cgo2.c when the file has
   * an //export, which makes the link fail with "multiple definition" (cgo-rules.md §7.2).
   */
  externalDefinition: boolean;
  /** Index into GoFile.cImports of the preamble it is in. */
  cImport: number;
  /** Go-file range of the whole declaration (start and end mapped through the preamble). */
  range: Range;
  /** Go-file range of the declared name. */
  nameRange: Range;
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
