// Copies the tree-sitter grammar .wasm files into dist/wasm so that the published package carries them
// and never needs a native addon. Run by `npm run build` (and so by `npm install` through `prepare`).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));
const out = path.join(root, 'dist', 'wasm');
fs.mkdirSync(out, { recursive: true });
for (const [pkg, file] of [
  ['tree-sitter-go', 'tree-sitter-go.wasm'],
  ['tree-sitter-c', 'tree-sitter-c.wasm'],
]) {
  let src;
  try {
    src = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
  } catch {
    if (fs.existsSync(path.join(out, file))) continue; // installed as a dependency: dist already has it
    throw new Error(`${pkg} is not installed; cannot copy ${file}`);
  }
  fs.copyFileSync(src, path.join(out, file));
}
