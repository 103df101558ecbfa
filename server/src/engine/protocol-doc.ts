// Renders the diagnostic-code catalogue as the markdown section of protocol.md (one heading per code so each
// has a stable anchor that `codeDescription.href` can point at). Rows and code actions come from the check
// registry (checks/registry.ts).
import { FIX_DOCS, registeredCodes } from '../checks/registry.js';

export function renderCodesSection(): string {
  const codes = [...registeredCodes()].sort((a, b) => a.code.localeCompare(b.code));
  const out: string[] = ['| Code | Severity | Title |', '|---|---|---|'];
  for (const c of codes) out.push(`| [\`${c.code}\`](#${anchor(c.code)}) | ${c.severity} | ${escapeCell(c.title)} |`);
  for (const c of codes) {
    out.push('', `### \`${c.code}\``, '', `**${c.severity}** — ${c.title}`, '', `- **Cause:** ${c.cause}`, `- **Fix:** ${c.fix}`);
    const actions = FIX_DOCS[c.code];
    out.push(
      actions
        ? `- **Code actions:** ${actions.join('; ')}.`
        : '- **Code actions:** none (the fix needs a decision only the user can make; the message says what to do).',
    );
    if (c.gopls) {
      out.push(
        `- **Beside gopls:** gopls reports ${c.gopls.says}. ${
          c.gopls.sameWords
            ? "Same range, same words: with `besideGopls` (the default) the editor gets only gopls's diagnostic, and cgo-ls's code actions are still offered on that range; `cgo-ls check` reports it."
            : c.gopls.sameRange
              ? "Same range, other words: cgo-ls's first line names the cause, not the symptom gopls shows."
              : 'Not at the same range: cgo-ls reports it where the cause is written.'
        }`,
      );
    }
    if (c.example) out.push('- **Example:**', '', '```go', c.example, '```');
  }
  return out.join('\n');
}

/** GitHub's heading anchor for a heading that is just the code in backticks. */
export function anchor(code: string): string {
  return code
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
