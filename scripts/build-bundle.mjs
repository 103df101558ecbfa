// Bundles the server and CLI with esbuild, so that `node dist/main.js` reads a dozen files instead of ~290 (module
// loading was most of a `cgo-ls check` on a package with no cgo file). `npm run build` runs it after tsc;
// clients/vscode/scripts/build.mjs calls `bundleServer` for the extension's server/dist.
//
// What it writes, all of it flat in the output directory (dist/, next to tsc's output, which dist/engine/index.js
// — the package's "main" — and anything importing dist subpaths still use):
//   main.js             the entry (replaces tsc's dist/main.js: the bin, the tests, the editor configs and the
//                       bench spawn this path), with its dependencies bundled in
//   chunk-<hash>.js     code split out of it: what one command does not need is loaded only by the command that
//                       does (the language server, check, doctor, the tree-sitter runtime, …)
//   <entry>.js          the extra entry points (EXTRA_ENTRIES): scripts run as their own process or thread
//   tree-sitter.wasm    web-tree-sitter's runtime: it loads `new URL('tree-sitter.wasm', import.meta.url)`
//   *.js.map            source maps (linked; Node reads them only with --enable-source-maps: no start-up cost)
// Every bundled file sits in the output directory itself, so a path resolved against `import.meta.url` means the
// same file from whichever chunk the code lands in: ../package.json (version.ts), the package root
// (gomodel/parser.ts, for dist/wasm/*.wasm), ./reaper.js (util/proc.ts), ./cindexworker.js (engine/cindexes.ts).
// tsc writes server/src/<x>.ts to dist/<x>.js; a top-level source named like a bundle file is refused, so the two
// never collide. The previous bundle's chunks are removed first (their names change with their content).
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(root, 'server', 'src');

/**
 * Extra entry points: scripts started as a process or a worker thread by a path relative to the code that starts
 * them (`new URL('./<out>.js', import.meta.url)`, or `path.join(<dir of import.meta.url>, '<out>.js')`). Each is
 * emitted as <outDir>/<out>.js, beside every chunk, so that path resolves from the bundle as it does from tsc's
 * output (where the script sits next to its caller). Sources not in the tree (yet) are skipped. Add a row for
 * every such script.
 */
export const EXTRA_ENTRIES = [
  // The reaper: a process that outlives cgo-ls to kill its compilers (util/proc.ts REAPER_SCRIPT).
  { in: 'util/reaper.ts', out: 'reaper' },
  // The C index worker thread (engine/cindexes.ts: new Worker(new URL('./cindexworker.js', import.meta.url))).
  { in: 'engine/cindexworker.ts', out: 'cindexworker' },
];

const BUNDLE_FILE = /^(?:chunk-[A-Z0-9]+\.js|tree-sitter\.wasm)(?:\.map)?$/;

/**
 * Bundles server/src/main.ts (and EXTRA_ENTRIES) into outDir. Returns the bundle's files (names relative to
 * outDir). Throws if the bundle would still import a package at run time.
 */
export async function bundleServer({ outDir = path.join(root, 'dist') } = {}) {
  const entries = [{ in: path.join(src, 'main.ts'), out: 'main' }];
  for (const e of EXTRA_ENTRIES) {
    const file = path.join(src, e.in);
    if (fs.existsSync(file)) entries.push({ in: file, out: e.out });
  }
  const names = new Set(entries.map((e) => `${e.out}.js`));
  for (const f of fs.readdirSync(src)) {
    const js = f.replace(/\.ts$/, '.js');
    if (js !== 'main.js' && (names.has(js) || BUNDLE_FILE.test(js))) throw new Error(`server/src/${f} would collide with the bundle's ${js}`);
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (BUNDLE_FILE.test(f)) fs.rmSync(path.join(outDir, f));
  // tsc's declarations of main.ts describe nothing a user imports (main.js is the bundle now).
  for (const f of ['main.d.ts', 'main.d.ts.map']) fs.rmSync(path.join(outDir, f), { force: true });

  const result = await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ESM builds of dependencies first: jsonc-parser's "main" is a UMD build whose require('./impl/…') calls
    // esbuild cannot follow.
    mainFields: ['module', 'main'],
    // The CommonJS dependencies (vscode-languageserver, …) need a real `require` inside ESM output.
    banner: { js: "import { createRequire as __cgoCreateRequire } from 'node:module';\nconst require = __cgoCreateRequire(import.meta.url);" },
    // Whitespace and syntax only: identifiers keep their names, so a stack trace in a user's log still names the
    // functions (ARCHITECTURE.md "Build" has the measurements behind this choice).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });

  // Anything the bundle still imports at run time must be a Node built-in: the package needs no node_modules.
  const builtins = new Set(builtinModules);
  const external = new Set();
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports) {
      if (imp.external && !builtins.has(imp.path.replace(/^node:/, ''))) external.add(imp.path);
    }
  }
  if (external.size > 0) throw new Error(`the bundle still imports ${[...external].join(', ')} at run time`);

  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  fs.copyFileSync(requireFromRoot.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(outDir, 'tree-sitter.wasm'));
  fs.chmodSync(path.join(outDir, 'main.js'), 0o755);
  const files = Object.keys(result.metafile.outputs).map((o) => path.relative(outDir, path.resolve(o)));
  files.push('tree-sitter.wasm');
  return { files, metafile: result.metafile };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { files, metafile } = await bundleServer();
    const js = Object.entries(metafile.outputs).filter(([o]) => o.endsWith('.js'));
    const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
    process.stdout.write(
      `build-bundle: dist/ ${js.length} .js files, ${kib(js.reduce((s, [, o]) => s + o.bytes, 0))} (${files.filter((f) => !/^chunk-|\.map$/.test(f)).join(', ')})\n`,
    );
  } catch (e) {
    process.stderr.write(`build-bundle: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
