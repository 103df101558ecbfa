// First lines for messages that carry a C compiler's words (issue 13): the compiler's own text is the best cause
// when it fits on the first line; when it does not, a shorter cause is composed and the verbatim text stays in
// the details (never a cut in the middle of the compiler's sentence).
import * as path from 'node:path';
import { CAUSE_MAX, short } from '../core/message.js';

/**
 * `prefix + message` when it fits in CAUSE_MAX; else the message without its trailing `[-Wflag]`, or its first
 * clause (up to "; "); else a cause saying what the message is about (its first quoted name) and that the
 * compiler's words follow. `where` names the place for that last form ("in the preamble", "in foo.h").
 */
export function compilerCause(prefix: string, message: string, where: string): string {
  const msg = message.replace(/\s+/g, ' ').trim();
  const candidates = [msg, msg.replace(/\s*\[-W[^\]]*\]$/, ''), msg.replace(/\s*\[-W[^\]]*\]$/, '').split('; ')[0]!];
  for (const c of candidates) if (c !== '' && (prefix + c).length <= CAUSE_MAX) return prefix + c;
  const quoted = /'([^']{1,40})'/.exec(msg)?.[1];
  const about = quoted ? ` about '${quoted}'` : '';
  return `${prefix.replace(/:\s*$/, '')}${about} ${where} (the compiler's message is below)`.replace(/\s+/g, ' ');
}

/** A file name for a first line: its base name, shortened when long. */
export function baseName(file: string): string {
  return short(path.basename(file.replace(/\\/g, '/')), 40);
}
