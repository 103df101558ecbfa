// Reading messages in the one shape (core/message.ts) in tests.
import { expect } from 'vitest';
import { CAUSE_MAX, FIX_PREFIX, splitMessage } from '../../server/src/core/message.js';

/** What the message quotes the go command as printing ("go build: …" details line), or else its first line. */
export function toolchainWords(message: string): string {
  const q = splitMessage(message).details.find((l) => /^go (build|test|vet): /.test(l));
  return q ? q.replace(/^go (build|test|vet): /, '') : splitMessage(message).cause;
}

export { splitMessage };

/**
 * The parts of a diagnostic message, after checking the one shape (issue 13): a cause of at most CAUSE_MAX
 * characters that was not cut and does not open with a file name, then a one-line "Fix: …", then details.
 */
export function expectShape(message: string): { cause: string; fix: string; details: string[]; detailText: string } {
  const { cause, fix, details } = splitMessage(message);
  expect(cause.length, `first line too long: ${cause}`).toBeLessThanOrEqual(CAUSE_MAX);
  expect(cause.endsWith('…') && (details[0] ?? '').startsWith(cause.slice(0, -1)), `cause was cut: ${cause}`).toBe(false);
  expect(cause, 'cause opens with a file name').not.toMatch(/^[\w.-]+\.(go|c|h|mod)(:\d+)*:\s/);
  expect(fix, `line 2 is not "${FIX_PREFIX}…": ${message}`).toBeDefined();
  expect(fix!.trim().length).toBeGreaterThan(3);
  expect(
    details.some((d) => d.startsWith(FIX_PREFIX)),
    'a second Fix: line in the details',
  ).toBe(false);
  return { cause, fix: fix!, details, detailText: details.join('\n') };
}
