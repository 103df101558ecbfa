// The one shape of every diagnostic message (issue 13): editors show the first line alone (Neovim's virtual
// text, Helix's status line, VS Code's problem list), so it must say the cause by itself and fit; the fix comes
// on its own line, because Helix and Neovim drop relatedInformation and cut long lines at the window edge.
//
//   line 1   the cause, ≤ CAUSE_MAX characters, reads well alone
//   line 2   "Fix: " + what to do
//   line 3…  details: the toolchain's own words, where a flag came from, why cgo is off, compiler notes
//
// `diagnosticMessage` is the only way a check builds a message; it enforces the shape (a cause that is too long is
// cut at a word and kept whole in the details), so no code can break it. Appending details later (the engine
// adds "Why cgo is off", the package adds flags from other files) keeps the shape: they go after the fix.
import type { CgoDiagnostic, DiagnosticCode, DiagnosticData, DiagnosticPayloads, DiagnosticText, Range, Severity } from './types.js';

export const CAUSE_MAX = 100;
export const FIX_PREFIX = 'Fix: ';

export interface MessageParts {
  /** What is wrong, in the fewest words; no newline. Put long values (paths, flag lists) in `details`. */
  cause: string;
  /** What to do. Several ways out are joined with "; " or "or". */
  fix: string;
  /** Further lines: the toolchain's verbatim message, explanations. Empty entries are dropped. */
  details?: readonly (string | undefined | false)[] | string | undefined;
}

/** Builds `cause\nFix: fix\ndetails…`, cutting a too-long cause at a word boundary (the whole cause then opens the details). */
export function diagnosticMessage(p: MessageParts): DiagnosticText {
  const rawCause = oneLine(p.cause);
  const cause = clip(rawCause, CAUSE_MAX);
  const details = (typeof p.details === 'string' ? [p.details] : (p.details ?? [])).filter((d): d is string => typeof d === 'string' && d.trim() !== '');
  if (cause !== rawCause) details.unshift(rawCause);
  const fix = oneLine(p.fix).replace(/^fix:\s*/i, '');
  return [cause, FIX_PREFIX + fix, ...details].join('\n') as DiagnosticText;
}

export interface DiagnosticInit<C extends DiagnosticCode = DiagnosticCode> extends MessageParts {
  file: string;
  range: Range;
  severity: Severity;
  /** A registered code (checks/registry.ts); its payload type is `DiagnosticPayloads[code]`. */
  code: C;
  /** The payload code actions key on, typed by the code; `code` is added. */
  data?: DiagnosticPayloads[C];
  related?: CgoDiagnostic['related'];
  tags?: CgoDiagnostic['tags'];
}

/** The one factory of `CgoDiagnostic`s: message in the one shape, `data.code` always set. */
export function makeDiagnostic<C extends DiagnosticCode>(d: DiagnosticInit<C>): CgoDiagnostic {
  const data: DiagnosticData = { ...((d.data ?? {}) as object), code: d.code };
  return {
    file: d.file,
    range: d.range,
    severity: d.severity,
    code: d.code,
    message: diagnosticMessage(d),
    data,
    ...(d.related && d.related.length > 0 ? { related: d.related } : {}),
    ...(d.tags && d.tags.length > 0 ? { tags: d.tags } : {}),
  };
}

/** Appends detail lines to a built message (after the fix, so the shape holds). */
export function withDetails(message: DiagnosticText, ...lines: (string | undefined | false)[]): DiagnosticText {
  const add = lines.filter((l): l is string => typeof l === 'string' && l.trim() !== '');
  return add.length === 0 ? message : ([message, ...add].join('\n') as DiagnosticText);
}

/** The parts of a message built by `diagnosticMessage` (for hovers, reports and tests). */
export function splitMessage(message: string): { cause: string; fix: string | undefined; details: string[] } {
  const lines = message.split('\n');
  const cause = lines[0] ?? '';
  const second = lines[1];
  if (second !== undefined && second.startsWith(FIX_PREFIX)) return { cause, fix: second.slice(FIX_PREFIX.length), details: lines.slice(2) };
  return { cause, fix: undefined, details: lines.slice(1) };
}

/** A value shown inside a cause (a flag, a path): at most `max` characters, cut in the middle with "…". */
export function short(value: string, max = 40): string {
  const v = oneLine(value);
  if (v.length <= max) return v;
  const head = Math.ceil((max - 1) * 0.6);
  return `${v.slice(0, head)}…${v.slice(v.length - (max - 1 - head))}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const room = s.slice(0, max - 1);
  const cut = room.lastIndexOf(' ');
  return `${(cut > max * 0.6 ? room.slice(0, cut) : room).replace(/[\s,;:\u2014-]+$/, '')}…`;
}
