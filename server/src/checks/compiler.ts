// The compiler-backed codes: produced inside the compiler stage (compiler/preamble.ts runs CC on the preamble the
// way cmd/cgo does, compiler/csource.ts on the package's C sources, compiler/pkgconfig.ts and compiler/libs.ts
// through engine/compileservice.ts). Their catalogue rows stay beside the producer (compiler/codes.ts); their
// payloads and fixes are registered here.
import { codes, type CompilerCode } from '../compiler/codes.js';
import { defineCheck } from './check.js';
import { insertInclude, showInstall, type Fix, type FixInput } from './fix.js';

/** What every compiler finding carries: the compiler's own words and where it said them. */
interface CompilerOutput {
  compilerMessage?: string;
  compilerFile?: string;
  compilerLine?: number;
  /** The header to include (named by the compiler's note, or known for the symbol). */
  header?: string;
  headerLocation?: unknown;
  /** From one of the package's own C sources, not a preamble. */
  cSource?: boolean;
}

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/header-not-found': CompilerOutput;
    'cgo/c-error': CompilerOutput;
    'cgo/c-warning': CompilerOutput & { name?: string; suggestion?: string };
    'cgo/cxx-in-c-preamble': CompilerOutput;
    'cgo/unresolved-name': { name: string; header?: string; suggestion?: string };
    'cgo/cc-broken': CompilerOutput;
    'cgo/cc-rejected-flag': CompilerOutput;
    'cgo/compiler-timeout': CompilerOutput;
    'cgo/pkg-config-package-not-found': { package: string; missing: unknown; installCommand?: string | undefined; commandLine?: string[] };
    'cgo/pkg-config-failed': { kind: string; commandLine: string[] };
    'cgo/library-not-found': { library: string; searched: unknown; installCommand?: string | undefined; method: string };
  }
}

/** A misspelt C name corrected at every use; the `#include` that declares a well-known name. */
function includeFixes({ data, ctx, lines, edit }: FixInput<'cgo/unresolved-name' | 'cgo/c-warning'>): Fix[] {
  const { file } = ctx;
  const fixes: Fix[] = [];
  const { suggestion, name } = data;
  if (suggestion && name) {
    // Replace every use of the misspelt name (they all fail the same way).
    const uses = file.cRefs.filter((r) => r.name === name).map((r) => ({ range: r.nameRange, newText: suggestion }));
    if (uses.length > 0) fixes.push(edit(`Change C.${name} to C.${suggestion}`, uses, { preferred: true, safe: true }));
  }
  const header = data.header;
  if (!header) return fixes;
  const p = file.cImports.find((i) => i.preamble)?.preamble;
  const include = header.startsWith('<') || header.startsWith('"') ? `#include ${header}` : `#include <${header}>`;
  if (p) {
    fixes.push(edit(`Add ${include} to the preamble`, [insertInclude(lines, p, include)], { preferred: true, safe: true }));
  } else {
    const imp = file.cImports[0];
    // With a detached comment the fix is to re-attach it (its own action), not to add a second preamble.
    if (imp && !imp.parenthesized && !imp.detached) {
      const at = { line: imp.specRange.start.line, character: 0 };
      fixes.push(edit(`Add a preamble with ${include}`, [{ range: { start: at, end: at }, newText: `// ${include}\n` }], { preferred: true, safe: true }));
    }
  }
  return fixes;
}

/** The install command the stage found for the missing package or library (cgo-ls never runs it). */
function installFixes({ d, data }: FixInput<'cgo/pkg-config-package-not-found' | 'cgo/library-not-found'>): Fix[] {
  return data.installCommand ? [showInstall(data.installCommand, d)] : [];
}

export const check = defineCheck<CompilerCode>({
  name: 'compiler',
  codes,
  runner: {
    needs: 'stage',
    producedBy: 'compiler/preamble.ts, compiler/csource.ts, compiler/pkgconfig.ts, compiler/libs.ts (through engine/compileservice.ts)',
  },
  fixes: {
    'cgo/unresolved-name': {
      docs: [
        'Add the `#include` of the header that declares a well-known symbol (in fix-all)',
        'Correct a misspelt name to the suggestion (e.g. `C.Cstring` → `C.CString`)',
      ],
      fix: includeFixes,
    },
    'cgo/c-warning': { docs: ['Add the `#include` for an implicitly declared well-known function'], fix: includeFixes },
    'cgo/pkg-config-package-not-found': {
      docs: ['Show the command that installs the package (apt/dnf/pacman/apk/brew/MSYS2) when it can be named reliably'],
      fix: installFixes,
    },
    'cgo/library-not-found': { docs: ['Show the command that installs the library (when it can be named reliably)'], fix: installFixes },
  },
});
