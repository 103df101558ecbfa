// Builds the extension so that it needs no node_modules at run time (`vsce package --no-dependencies`):
//   out/extension.js          the client, bundled with vscode-languageclient (CommonJS; `vscode` stays external)
//   server/dist/main.js       the cgo-ls server (the repo's built dist/main.js), bundled with its dependencies (ESM)
//   server/dist/tree-sitter.wasm   web-tree-sitter's runtime: it loads `new URL('tree-sitter.wasm', import.meta.url)`
//   server/dist/wasm/*.wasm   the Go and C grammars: the server loads <package root>/dist/wasm/<grammar>.wasm
//   server/package.json       { name: "cgo-ls" }: the server finds its package root by that name (gomodel/parser.ts)
//   server/protocol.md, protocol.md   the diagnostic-code documentation that codeDescription.href points at
// Needs the server built first (`npm run build` in the repo root).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(ext, '..', '..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const serverEntry = path.join(repo, 'dist', 'main.js');
const grammars = ['tree-sitter-go.wasm', 'tree-sitter-c.wasm'];

function fail(msg) {
  process.stderr.write(`build: ${msg}\n`);
  process.exit(1);
}

if (rootPkg.name !== 'cgo-ls') fail(`${repo}/package.json is not the cgo-ls package`);
if (!fs.existsSync(serverEntry)) fail(`${serverEntry} is missing: run \`npm run build\` in ${repo} first`);
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

// The server is ESM and relies on import.meta.url (package root, grammar and runtime wasm); its CommonJS
// dependencies (vscode-languageserver, …) need a real `require` inside an ESM bundle.
const banner = ["import { createRequire as __cgoCreateRequire } from 'node:module';", 'const require = __cgoCreateRequire(import.meta.url);'].join('\n');
const result = await esbuild.build({
  entryPoints: [serverEntry],
  outfile: path.join(serverDir, 'dist', 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ESM builds of dependencies first: jsonc-parser's "main" is a UMD build whose require('./impl/…') calls
  // esbuild cannot follow (the bundle then failed at start-up with "Cannot find module './impl/format'").
  mainFields: ['module', 'main'],
  banner: { js: banner },
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

// Anything the bundle still imports at run time must be a Node built-in.
const builtins = new Set((await import('node:module')).builtinModules);
const external = new Set();
for (const out of Object.values(result.metafile.outputs)) {
  for (const imp of out.imports) {
    if (imp.external && !builtins.has(imp.path.replace(/^node:/, ''))) external.add(imp.path);
  }
}
if (external.size > 0) fail(`the server bundle still imports ${[...external].join(', ')} at run time`);

const requireFromRepo = createRequire(path.join(repo, 'package.json'));
const tsRuntime = requireFromRepo.resolve('web-tree-sitter/tree-sitter.wasm'); // an export of web-tree-sitter
fs.copyFileSync(tsRuntime, path.join(serverDir, 'dist', 'tree-sitter.wasm'));
// The reaper (util/reaper.js) runs as its own process next to the bundle; it imports only node:fs.
fs.copyFileSync(path.join(repo, 'dist', 'util', 'reaper.js'), path.join(serverDir, 'dist', 'reaper.js'));
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
