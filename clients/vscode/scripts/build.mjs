// Builds the extension so that it needs no node_modules at run time (`vsce package --no-dependencies`):
//   out/extension.js          the client, bundled with vscode-languageclient (CommonJS; `vscode` stays external)
//   server/dist/main.js, main.cjs, reaper.js, …   the cgo-ls server bundle, made by the repo's own
//                             scripts/build-bundle.mjs (the same entry, program, scripts and runtime tree-sitter.wasm
//                             as the repo's dist/; see that file)
//   server/dist/wasm/*.wasm   the Go and C grammars: the server loads <package root>/dist/wasm/<grammar>.wasm
//   server/package.json       { name: "cgo-ls" }: the server finds its package root by that name (gomodel/parser.ts)
//   server/protocol.md, protocol.md   the diagnostic-code documentation that codeDescription.href points at
// Needs the server built first (`npm run build` in the repo root: it copies the grammars into dist/wasm).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleServer } from '../../../scripts/build-bundle.mjs';

const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(ext, '..', '..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const grammars = ['tree-sitter-go.wasm', 'tree-sitter-c.wasm'];

function fail(msg) {
  process.stderr.write(`build: ${msg}\n`);
  process.exit(1);
}

if (rootPkg.name !== 'cgo-ls') fail(`${repo}/package.json is not the cgo-ls package`);
for (const g of grammars) {
  if (!fs.existsSync(path.join(repo, 'dist', 'wasm', g))) fail(`${repo}/dist/wasm/${g} is missing: run \`npm run build\` in ${repo} first`);
}

const outDir = path.join(ext, 'out');
const serverDir = path.join(ext, 'server');
fs.rmSync(outDir, { recursive: true, force: true });
fs.rmSync(serverDir, { recursive: true, force: true });

await esbuild.build({
  entryPoints: [path.join(ext, 'src', 'extension.ts')],
  outfile: path.join(outDir, 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18', // VS Code 1.82 runs extensions on Node 18
  external: ['vscode'],
  sourcemap: true,
  logLevel: 'warning',
});

// The server: the same bundle as the repo's dist/ (entry, program, extra entry points, runtime wasm).
try {
  await bundleServer({ outDir: path.join(serverDir, 'dist') });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
fs.mkdirSync(path.join(serverDir, 'dist', 'wasm'), { recursive: true });
for (const g of grammars) fs.copyFileSync(path.join(repo, 'dist', 'wasm', g), path.join(serverDir, 'dist', 'wasm', g));
fs.writeFileSync(
  path.join(serverDir, 'package.json'),
  JSON.stringify(
    { name: 'cgo-ls', version: rootPkg.version, private: true, type: 'module', description: 'cgo-ls server, bundled for the VS Code extension' },
    null,
    2,
  ) + '\n',
);
for (const dest of [path.join(serverDir, 'protocol.md'), path.join(ext, 'protocol.md')]) fs.copyFileSync(path.join(repo, 'protocol.md'), dest);

const size = (f) => `${(fs.statSync(f).size / 1024).toFixed(0)} KiB`;
process.stdout.write(
  `build: out/extension.js ${size(path.join(outDir, 'extension.js'))}, server/dist/main.js ${size(path.join(serverDir, 'dist', 'main.js'))} (cgo-ls ${rootPkg.version})\n`,
);
