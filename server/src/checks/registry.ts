// The check registry: every check, one line each. The engine runs the static ones from here (in this order), the
// catalogue (`Engine.codes()`, protocol.md) and `FIX_DOCS` are read from here, and engine/fixes.ts dispatches a
// diagnostic's fixes to the check that owns its code. Adding a check = one module (see checks/check.ts) + one line.
import type { CodeInfo } from '../core/codes.js';
import type { CgoDiagnostic, DiagnosticCode } from '../core/types.js';
import type { Check, FileInput, PackageInput, TargetsInput, TestFileInput } from './check.js';
import type { FixFn } from './fix.js';
import { check as source } from './source.js';
import { check as directives } from './directives.js';
import { check as toolchain } from './toolchain.js';
import { check as compiler } from './compiler.js';
import { check as windowsDll } from './windowsdll.js';
import { check as objectFormat } from './objformat.js';
import { check as testsExcluded } from './testsexcluded.js';
import { check as targets } from './targets.js';
import { check as cFields } from './cfields.js';

export const CHECKS = [source, directives, toolchain, compiler, windowsDll, objectFormat, testsExcluded, targets, cFields] as const;

/** Every code some registered check owns. */
export type RegisteredCode = (typeof CHECKS)[number]['codes'][number]['code'];

// Every code with a payload type is registered (the other direction holds by `defineCheck`'s constraint): a
// payload declared for a code no registered check owns fails to compile here.
type Unregistered = Exclude<DiagnosticCode, RegisteredCode>;
const everyPayloadRegistered: [Unregistered] extends [never] ? true : Unregistered = true;
void everyPayloadRegistered;

/** The registered checks with their code types erased (each check's own module keeps them). */
const all: readonly Check<DiagnosticCode>[] = CHECKS as unknown as readonly Check<DiagnosticCode>[];

/** The catalogue: every code with its documentation, in registry order. */
export function registeredCodes(): CodeInfo[] {
  return all.flatMap((c) => c.codes);
}

/** The check that owns a code. */
export function checkOf(code: string): Check<DiagnosticCode> | undefined {
  return all.find((c) => c.codes.some((r) => r.code === code));
}

/** The fix function of a code, if it has fixes. */
export function fixFnOf(code: string): FixFn<DiagnosticCode> | undefined {
  return checkOf(code)?.fixes?.[code as DiagnosticCode]?.fix as FixFn<DiagnosticCode> | undefined;
}

/** The code actions each diagnostic code offers (documented per code in protocol.md). */
export const FIX_DOCS: Readonly<Record<string, string[]>> = Object.fromEntries(
  all.flatMap((c) => Object.entries(c.fixes ?? {}).flatMap(([code, f]) => (f ? [[code, f.docs] as const] : []))),
);

/** Runs `f`, or logs and returns [] when it throws: one failing check never takes the others down. */
export type Guard = (what: string, f: () => CgoDiagnostic[]) => CgoDiagnostic[];

/** The checks that need the file (and, once it has answered, the toolchain): every keystroke. */
export function runFileChecks(input: FileInput, guard: Guard): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  for (const c of all) {
    const r = c.runner;
    if (r.needs === 'model') out.push(...guard(`${c.name} check`, () => r.run(input)));
    else if (r.needs === 'toolchain' && input.toolchain) {
      const withToolchain = { ...input, toolchain: input.toolchain };
      out.push(...guard(`${c.name} check`, () => r.run(withToolchain)));
    }
  }
  return out;
}

/** The checks that need the package's merged flags and link flags: files whose package can be compiled. */
export function runPackageChecks(input: PackageInput, guard: Guard): CgoDiagnostic[] {
  return all.flatMap((c) =>
    c.runner.needs === 'package' ? guard(`${c.name} check`, () => (c.runner as Extract<Check['runner'], { needs: 'package' }>).run(input)) : [],
  );
}

/** The checks that need the target matrix's verdicts. */
export function runTargetChecks(input: TargetsInput, guard: Guard): CgoDiagnostic[] {
  return all.flatMap((c) =>
    c.runner.needs === 'targets' ? guard(`${c.name} check`, () => (c.runner as Extract<Check['runner'], { needs: 'targets' }>).run(input)) : [],
  );
}

/** Whether some test-file check wants this file (a cheap pre-filter on the path and the text). */
export function testFileWanted(file: string, text: string): boolean {
  return all.some((c) => c.runner.needs === 'test-file' && c.runner.wants(file, text));
}

/** The checks of `_test.go` files. */
export function runTestFileChecks(input: TestFileInput, text: string, guard: Guard): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  for (const c of all) {
    const r = c.runner;
    if (r.needs === 'test-file' && r.wants(input.file.path, text)) out.push(...guard(`${c.name} check`, () => r.run(input)));
  }
  return out;
}
