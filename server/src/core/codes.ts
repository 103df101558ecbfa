// The catalogue entry every diagnostic code has. Each stage exports `codes: CodeInfo[]` for the codes it
// emits; the engine joins them, protocol.md documents each one, and a test checks that both agree.
import type { Severity } from './types.js';

export interface CodeInfo {
  /** Stable, `cgo/<kebab-name>`. */
  code: string;
  severity: Severity;
  /** One line: what is wrong. */
  title: string;
  /** What triggers it (and the toolchain's own message, verbatim, if the toolchain prints one). */
  cause: string;
  /** What the user should do. */
  fix: string;
  /** A minimal Go/preamble snippet that triggers it. */
  example?: string;
}
