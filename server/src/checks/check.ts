// What a check is (rust-analyzer's ide-diagnostics handlers, one module per check): its codes with their catalogue
// rows, what it needs to run, its run function (or which stage produces its codes), and, per code, its fixes and
// their documentation. Each check module exports one `Check` built with `defineCheck`; checks/registry.ts lists them,
// and everything else — the engine's static checks, the catalogue (`Engine.codes()`, protocol.md), `FIX_DOCS`, the
// fix dispatch — is read from that list. A code's payload type is declared beside the check, by augmenting
// `DiagnosticPayloads` (core/types.ts).
import type { CodeInfo } from '../core/codes.js';
import type { GoVersion } from '../core/goversion.js';
import type { CgoDiagnostic, DiagnosticCode, Range } from '../core/types.js';
import type { BuildContext, GoFile } from '../gomodel/types.js';
import type { ToolchainModel } from '../toolchain/types.js';
import type { DirectiveCheckResult } from './directives.js';
import type { FixFn } from './fix.js';

/** A catalogue row of one of the check's codes. */
export interface CodeRow<C extends DiagnosticCode> extends CodeInfo {
  code: C;
}

/** One analysed .go file up to (not including) the package and the compiler. */
export interface FileInput {
  file: GoFile;
  text: string;
  /** The build context (provisional, from the process environment, while the toolchain probe has not answered). */
  ctx: BuildContext;
  goVersion: GoVersion;
  /** Null while the toolchain probe has not answered. */
  toolchain: ToolchainModel | null;
  /** The target builds the file. */
  included: boolean;
  /** The file's `#cgo` lines as the go command reads them (null without `import "C"`). */
  directives: DirectiveCheckResult | null;
  /** The package directory has C++ sources (read from the file store on demand). */
  hasCxxFiles(): boolean;
}

/** One `#cgo` flag of the package with the file and range it was written at (engine/package.ts `FlagOrigin`). */
export interface FlagAt {
  flag: string;
  file: string;
  range: Range;
  directiveRange: Range;
}

/** A file whose package can be compiled: the merged package flags and what reaches the link. */
export interface PackageInput extends FileInput {
  toolchain: ToolchainModel;
  pkg: { CPPFLAGS: readonly FlagAt[]; CFLAGS: readonly FlagAt[]; LDFLAGS: readonly FlagAt[] };
  /** Every flag that reaches the external link (env, `#cgo LDFLAGS` of the package, pkg-config --libs). */
  ldflags: string[];
}

/** The configured extra targets' verdicts for the file's package (engine/targets.ts `TargetVerdict`). */
export interface TargetsInput {
  file: GoFile;
  verdicts: readonly {
    target: string;
    ok: boolean;
    cgoFiles: string[];
    summary: string;
    compiler: { ok: boolean; argv: string[] };
    nocgo: { verdict: string };
  }[];
}

/** A `_test.go` file (with or without `import "C"`) and the real build configuration. */
export interface TestFileInput {
  file: GoFile;
  ctx: BuildContext;
  /** Which rule decided CGO_ENABLED (the toolchain model's `cgo.rule`). */
  rule?: string;
}

/**
 * What a check needs, and so when the engine runs it:
 * - `model`: every cgo candidate file, on every keystroke, even before the toolchain probe answers;
 * - `toolchain`: the same, once the toolchain model exists;
 * - `package`: files whose package the compiler can build (after the preamble compile input is known);
 * - `targets`: on compiler runs, with `cgo.targets` set (the matrix reads the package's files);
 * - `test-file`: `_test.go` files that `wants(path, text)` lets through, once the toolchain model exists;
 * - `stage`: the codes are produced inside a stage (compiler/, toolchain/, engine/compileservice.ts,
 *   engine/cgooff.ts); `producedBy` says where. Only the catalogue rows, payloads and fixes are registered.
 */
export type Runner =
  | { needs: 'model'; run(input: FileInput): CgoDiagnostic[] }
  | { needs: 'toolchain'; run(input: FileInput & { toolchain: ToolchainModel }): CgoDiagnostic[] }
  | { needs: 'package'; run(input: PackageInput): CgoDiagnostic[] }
  | { needs: 'targets'; run(input: TargetsInput): CgoDiagnostic[] }
  | { needs: 'test-file'; wants(path: string, text: string): boolean; run(input: TestFileInput): CgoDiagnostic[] }
  | { needs: 'stage'; producedBy: string };

/** The fixes of one code and what they are (one line per action, shown in protocol.md). */
export interface CodeFixes<C extends DiagnosticCode> {
  docs: string[];
  fix: FixFn<C>;
}

export interface Check<C extends DiagnosticCode = DiagnosticCode> {
  /** Short name (logs, tests). */
  name: string;
  codes: readonly CodeRow<C>[];
  runner: Runner;
  fixes?: { [K in C]?: CodeFixes<K> };
}

/** Declares a check; `C` is inferred from its catalogue rows, so its fixes are keyed and typed by its own codes. */
export function defineCheck<C extends DiagnosticCode>(check: Check<C>): Check<C> {
  return check;
}
