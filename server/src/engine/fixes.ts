// Fixes for diagnostics, dispatched to the check that owns the code (checks/registry.ts): each code's fixes live
// beside the check that emits it. Fixes are source edits computed from the Go model (so they stay right on unsaved
// text) and environment changes that run only when the user picks them. Engine-level: the LSP adapter turns these
// into CodeActions and commands.
import type { CgoDiagnostic, Range, TextEdit } from '../core/types.js';
import { comparePositions } from '../core/types.js';
import { fixInput, snippetFixes, type Fix, type FixContext } from '../checks/fix.js';
import { fixFnOf } from '../checks/registry.js';

export type { EnvChange, Fix, FixContext } from '../checks/fix.js';
export { FIX_DOCS } from '../checks/registry.js';

/**
 * The server's own diagnostics matching those a client sent back (same code and range): fixes are computed from
 * these, never from the client's `data`, so a forged payload cannot choose a `go env` key or a file to create.
 */
export function trustedDiagnostics(fromClient: CgoDiagnostic[], own: CgoDiagnostic[]): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  for (const c of fromClient) {
    const m = own.find((o) => o.code === c.code && comparePositions(o.range.start, c.range.start) === 0 && comparePositions(o.range.end, c.range.end) === 0);
    if (m && !out.includes(m)) out.push(m);
  }
  return out;
}

/** Fixes for one diagnostic: its code's own (checks/*.ts), then, for an environment change, ways to keep it in the project. */
export async function fixesFor(d: CgoDiagnostic, ctx: FixContext): Promise<Fix[]> {
  const fix = fixFnOf(d.code);
  if (!fix) return [];
  const fixes = await fix(fixInput(d, ctx));
  // Every environment change can also be kept in the project instead of the user's GOENV file.
  const change = fixes.find((f) => f.env && f.env.value !== null)?.env;
  if (change) fixes.push(...snippetFixes(d, change, change.folder, ctx));
  return fixes;
}

/** All safe source fixes of a file, merged (later overlapping edits are dropped). */
export async function fixAll(diagnostics: CgoDiagnostic[], ctx: FixContext): Promise<Fix | null> {
  const edits: TextEdit[] = [];
  for (const d of diagnostics) {
    for (const f of await fixesFor(d, ctx)) {
      if (!f.safe || !f.edits || f.create) continue;
      const own = f.edits.filter((e) => e.file === ctx.file.path).flatMap((e) => e.edits);
      if (own.some((e) => edits.some((x) => overlaps(x.range, e.range)))) continue;
      edits.push(...own);
      break; // one fix per diagnostic
    }
  }
  if (edits.length === 0) return null;
  return { title: 'Fix all cgo problems in this file', kind: 'source.fixAll', edits: [{ file: ctx.file.path, edits }], safe: true };
}

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0 ? true : comparePositions(a.start, b.start) === 0;
}
