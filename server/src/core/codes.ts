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
  /**
   * What gopls (beside cgo-ls in the editor) publishes for the same problem. `sameWords`: at the same range, in
   * the same words — the editor adapter then leaves cgo-ls's diagnostic out (setting `besideGopls`) and still
   * offers its code actions on that range; otherwise cgo-ls's message says what gopls's does not.
   */
  gopls?: { says: string; sameRange: boolean; sameWords: boolean };
}
