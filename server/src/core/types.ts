// Engine-level vocabulary shared by every stage. Nothing here knows about LSP: the LSP adapter maps these
// shapes onto protocol types (they are deliberately compatible: 0-based lines, UTF-16 columns).

/** 0-based line, 0-based UTF-16 code-unit column (the LSP default encoding). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * One finding. `code` is stable (documented in protocol.md, e.g. `preamble-detached`); the message holds the
 * cause *and* the fix because Helix and Neovim drop relatedInformation. `data` carries what code actions need.
 */
export interface CgoDiagnostic {
  /** Absolute path of the file the diagnostic belongs to (a .go file or go.mod). */
  file: string;
  range: Range;
  severity: Severity;
  code: string;
  /** Built only by core/message.ts (`diagnosticMessage`, `withDetails`): cause ≤ 100 chars, then "Fix: …", then details. */
  message: DiagnosticText;
  data?: DiagnosticData;
  /** Optional secondary locations (shown by VS Code; the message already says everything). */
  related?: { file: string; range: Range; message: string }[];
  /** Marks unnecessary / deprecated code (LSP DiagnosticTag). */
  tags?: ('unnecessary' | 'deprecated')[];
}

/** A message in the one shape (see core/message.ts); the brand makes the compiler reject hand-built strings. */
export type DiagnosticText = string & { readonly __shape: 'cause, Fix: line, details' };

/** Payload that code actions key on. Every diagnostic has at least `code`. */
export interface DiagnosticData {
  code: string;
  [key: string]: unknown;
}

/**
 * The payload of each diagnostic code: what its code actions read. It starts empty here (core imports no stage);
 * the check module that owns a code declares its payload beside it (`declare module '../core/types.js'`), so the
 * keys of this interface are exactly the registered codes (checks/registry.ts asserts it) and `makeDiagnostic`
 * accepts only a registered code with that code's payload.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in each check module
export interface DiagnosticPayloads {}

/** A registered diagnostic code. */
export type DiagnosticCode = keyof DiagnosticPayloads & string;

/** The payload of a code as a diagnostic carries it (`code` included). */
export type PayloadOf<C extends DiagnosticCode> = DiagnosticPayloads[C] & { code: C };

export const DIAGNOSTIC_SOURCE = 'cgo';

/** A text edit in engine terms. */
export interface TextEdit {
  range: Range;
  newText: string;
}

export function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function containsPosition(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/** Small logger interface; adapters decide where lines go (LSP window/logMessage, stderr for the CLI). */
export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
}

export const nullLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };
