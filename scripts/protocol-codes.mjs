// Regenerates the "Diagnostic codes" section of protocol.md from the check registry's catalogue and fix docs
// (dist/checks/registry.js, rendered by dist/engine/protocol-doc.js).
// `node scripts/protocol-codes.mjs` writes it; `--check` exits 1 when protocol.md is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { renderCodesSection } = await import(path.join(root, 'dist', 'engine', 'protocol-doc.js'));
const file = path.join(root, 'protocol.md');
const text = fs.readFileSync(file, 'utf8');
const start = '<!-- codes:start -->';
const end = '<!-- codes:end -->';
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) {
  console.error('protocol.md has no codes markers');
  process.exit(2);
}
const next = text.slice(0, i + start.length) + '\n' + renderCodesSection() + '\n' + text.slice(j);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('protocol.md is out of date: run node scripts/protocol-codes.mjs');
    process.exit(1);
  }
} else {
  fs.writeFileSync(file, next);
}
