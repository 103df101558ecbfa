// Regenerates protocol.md's settings and trust tables and clients/vscode/package.json `contributes.configuration`
// from the settings schema (server/src/engine/settings.ts, via dist/). `node scripts/settings-doc.mjs` writes them;
// `--check` exits 1 when either file is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { renderProtocol, renderVscodeManifest } = await import(path.join(root, 'dist', 'engine', 'settings-doc.js'));
const check = process.argv.includes('--check');
let stale = false;
for (const [file, render] of [
  [path.join(root, 'protocol.md'), renderProtocol],
  [path.join(root, 'clients', 'vscode', 'package.json'), renderVscodeManifest],
]) {
  const text = fs.readFileSync(file, 'utf8');
  const next = render(text);
  if (next === null) {
    console.error(`${path.relative(root, file)} has no settings/trust markers`);
    process.exit(2);
  }
  if (next === text) continue;
  if (check) {
    console.error(`${path.relative(root, file)} is out of date: run node scripts/settings-doc.mjs`);
    stale = true;
  } else fs.writeFileSync(file, next);
}
process.exit(stale ? 1 : 0);
