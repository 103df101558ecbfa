// Bundles the server and CLI with esbuild, so that `node dist/main.js` reads a handful of files instead of ~290, and
// compiles none of them twice (module loading was most of a `cgo-ls check` on a package with no cgo file). `npm run
// build` runs it after tsc; clients/vscode/scripts/build.mjs calls `bundleServer` for the extension's server/dist.
//
// What it writes, all of it flat in the output directory (dist/, next to tsc's output, which dist/engine/index.js
// — the package's "main" — and anything importing dist subpaths still use):
//   main.js             the entry (replaces tsc's dist/main.js: the bin, the tests, the editor configs and the
//                       bench spawn this path): server/src/boot.ts, a few KiB, which loads main.cjs through V8's
//                       code cache (util/codecache.ts); the build gives it main.cjs's content hash as the build id
//   main.cjs            the program: server/src/main.ts and everything it imports, one CommonJS file, ASCII only.
//                       One file, not ESM chunks: Node 20 can hand V8 cached data only for a classic script. What a
//                       command does not need is still evaluated only on first use (a dynamic import() becomes a
//                       lazy initializer); with the code cache, parsing what it does not run costs almost nothing
//   <entry>.js          the extra entry points (EXTRA_ENTRIES): scripts run as their own process or thread, each an
//                       ES module of its own
//   tree-sitter.wasm    web-tree-sitter's runtime: it loads `new URL('tree-sitter.wasm', import.meta.url)`
//   *.map               source maps (linked; Node reads them only with --enable-source-maps, and not for main.cjs,
//                       which it does not load itself: that one is for reading a trace by hand)
// Every bundled file sits in the output directory itself, so a path resolved against `import.meta.url` (in main.cjs
// the bundle's own file URL, defined by its first line) means the same file from any of them: ../package.json
// (version.ts), the package root (gomodel/parser.ts, for dist/wasm/*.wasm), ./reaper.js (util/proc.ts),
// ./parsethread.js (engine/parseworker.ts). tsc writes server/src/<x>.ts to dist/<x>.js; a top-level source named
// like a bundle file is refused, so the two never collide. A previous build's files (the chunks of the former
// code-splitting build too) are removed first.
import { createHash } from 'node:crypto';
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
 * emitted as <outDir>/<out>.js, beside main.cjs, so that path resolves from the bundle as it does from tsc's
 * output (where the script sits next to its caller). Sources not in the tree (yet) are skipped. Add a row for
 * every such script.
 */
export const EXTRA_ENTRIES = [
  // The reaper: a process that outlives cgo-ls to kill its compilers (util/proc.ts REAPER_SCRIPT).
  { in: 'util/reaper.ts', out: 'reaper' },
  // The parse worker thread (engine/parseworker.ts: new Worker(new URL('./parsethread.js', import.meta.url))).
  { in: 'engine/parsethread.ts', out: 'parsethread' },
];

/**
 * Files a build writes or wrote, removed before each build: chunks (the code-splitting build before main.cjs) and
 * cindexworker.js (the C index worker's script before it became parsethread.js).
 */
const BUNDLE_FILE = /^(?:chunk-[A-Z0-9]+\.js|main\.cjs|tree-sitter\.wasm|cindexworker\.js)(?:\.map)?$/;

/** What every esbuild run here shares. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // ESM builds of dependencies first: jsonc-parser's "main" is a UMD build whose require('./impl/…') calls
  // esbuild cannot follow.
  mainFields: ['module', 'main'],
  // Whitespace and syntax only: identifiers keep their names, so a stack trace in a user's log still names the
  // functions (ARCHITECTURE.md "Build" has the measurements behind this choice).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  charset: 'ascii',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
};

/**
 * Rewrites a dependency's `import("<built-in>")` to `__cgoImportBuiltin("<built-in>")` (main.cjs's first line: the
 * module from require, as a namespace with a default). Only node_modules files that contain such a call are read.
 */
const importBuiltinPlugin = {
  name: 'import-builtin',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      if (!text.includes('import(')) return undefined;
      let changed = false;
      const out = text.replace(/\bimport\(\s*(["'])([^"']+)\1\s*\)/g, (whole, _q, spec) => {
        if (!builtins.has(spec.replace(/^node:/, ''))) return whole;
        changed = true;
        return `__cgoImportBuiltin(${JSON.stringify(spec)})`;
      });
      return changed ? { contents: out, loader: 'js' } : undefined;
    });
  },
};

/**
 * One namespace object per built-in module instead of one per importing module: esbuild's CommonJS output wraps
 * each `import x from 'node:path'` as `__toESM(require("node:path"),1)`, which defines a getter for every property
 * of the module (59 such calls took ≈ 11 ms of every start). Each becomes `__cgoNs("node:path")` (main.cjs's first
 * line: the same wrapper, made once per module), padded with spaces to the same length so that the source map's
 * columns still hold.
 */
function shareBuiltinNamespaces(bytes) {
  const builtins = new Set(builtinModules);
  const text = Buffer.from(bytes).toString('latin1');
  const out = text.replace(/__toESM\(require\("([^"]+)"\),\s*1\)/g, (whole, spec) =>
    builtins.has(spec.replace(/^node:/, '')) ? `__cgoNs(${JSON.stringify(spec)})`.padEnd(whole.length) : whole,
  );
  // A later esbuild that spelled the wrapper otherwise would leave them all in place, silently: refuse instead.
  const left = [...out.matchAll(/__toESM\(require\("([^"]+)"\)/g)].filter((m) => builtins.has(m[1].replace(/^node:/, '')));
  if (left.length > 0 || !out.includes('__cgoNs("')) throw new Error('main.cjs: the built-in namespaces were not shared (esbuild changed its __toESM output?)');
  return Buffer.from(out, 'latin1');
}

/** The CommonJS dependencies (vscode-languageserver, …) need a real `require` inside ESM output. */
const ESM_REQUIRE_BANNER = "import { createRequire as __cgoCreateRequire } from 'node:module';\nconst require = __cgoCreateRequire(import.meta.url);";

/**
 * Bundles server/src/main.ts into outDir/main.cjs, server/src/boot.ts into outDir/main.js and EXTRA_ENTRIES beside
 * them. Returns the bundle's files (names relative to outDir) and esbuild's metafiles. Throws if the bundle would
 * still import a package at run time or main.cjs is not ASCII.
 */
export async function bundleServer({ outDir = path.join(root, 'dist') } = {}) {
  const extra = EXTRA_ENTRIES.filter((e) => fs.existsSync(path.join(src, e.in))).map((e) => ({ in: path.join(src, e.in), out: e.out }));
  const names = new Set(['main.cjs', ...extra.map((e) => `${e.out}.js`)]);
  for (const f of fs.readdirSync(src)) {
    const js = f.replace(/\.ts$/, '.js');
    if (js !== 'main.js' && (names.has(js) || BUNDLE_FILE.test(js))) throw new Error(`server/src/${f} would collide with the bundle's ${js}`);
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (BUNDLE_FILE.test(f)) fs.rmSync(path.join(outDir, f));
  // tsc's declarations of main.ts and boot.ts describe nothing a user imports (main.js is the bundle's entry now).
  for (const f of ['main.d.ts', 'main.d.ts.map', 'boot.d.ts', 'boot.d.ts.map']) fs.rmSync(path.join(outDir, f), { force: true });

  // The program, one CommonJS file run by boot.ts as a vm.Script: `import.meta.url` is the file's own URL (its first
  // line defines it from the __filename boot.ts passes). An import() of bundled code becomes a lazy initializer. No
  // import() may be left: Node 20 loses a vm.Script's import() callback when the script comes from the code cache
  // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so a dependency's import() of a built-in (web-tree-sitter's
  // `await import("module")`) is rewritten to __cgoImportBuiltin, defined by the first line from the top-level
  // `require` (esbuild's own import() → require() would not do: web-tree-sitter's `var require` is hoisted over it).
  const program = await esbuild.build({
    ...COMMON,
    entryPoints: [path.join(src, 'main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
    format: 'cjs',
    define: { 'import.meta.url': '__cgoImportMetaUrl' },
    // "use strict" first: the sources are ES modules (strict), and a directive after the banner would be none.
    banner: {
      js:
        '"use strict";var __cgoImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' +
        'var __cgoImportBuiltin = (m) => { const x = require(m); return Promise.resolve(Object.assign(Object.create(null), x, { default: x })); };' +
        'var __cgoNsMemo = new Map(), __cgoNs = (m) => { let ns = __cgoNsMemo.get(m); if (!ns) __cgoNsMemo.set(m, (ns = __toESM(require(m), 1))); return ns; };',
    },
    plugins: [importBuiltinPlugin],
    write: false,
  });
  const left = Object.values(program.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path));
  if (left.length > 0) throw new Error(`main.cjs would still import() ${[...new Set(left)].join(', ')}: a vm.Script from the code cache cannot`);
  let buildId = '';
  for (const out of program.outputFiles) {
    if (out.path.endsWith('.cjs')) {
      out.contents = shareBuiltinNamespaces(out.contents);
      // boot.ts reads it as latin1 (faster than UTF-8 decoding); charset: 'ascii' escapes everything else.
      const bad = out.contents.findIndex((b) => b > 0x7f);
      if (bad >= 0) throw new Error(`main.cjs is not ASCII at byte ${bad}`);
      buildId = createHash('sha256').update(out.contents).digest('hex').slice(0, 32);
    }
    fs.writeFileSync(out.path, out.contents);
  }
  if (!buildId) throw new Error('esbuild wrote no main.cjs');

  // The entry: boot.ts with the build id (the code cache is keyed by it).
  const entry = await esbuild.build({
    ...COMMON,
    entryPoints: [path.join(src, 'boot.ts')],
    outfile: path.join(outDir, 'main.js'),
    format: 'esm',
    define: { __CGO_LS_BUILD_ID__: JSON.stringify(buildId) },
  });

  // The scripts run as a process or a worker: each an ES module of its own (what they share with main.cjs is copied).
  const scripts =
    extra.length > 0
      ? await esbuild.build({ ...COMMON, entryPoints: extra, outdir: outDir, entryNames: '[name]', format: 'esm', banner: { js: ESM_REQUIRE_BANNER } })
      : null;

  // Anything the bundle still imports at run time must be a Node built-in: the package needs no node_modules.
  const builtins = new Set(builtinModules);
  const external = new Set();
  const outputs = {};
  for (const r of [program, entry, scripts]) {
    if (!r) continue;
    Object.assign(outputs, r.metafile.outputs);
    for (const out of Object.values(r.metafile.outputs)) {
      for (const imp of out.imports) {
        if (imp.external && !builtins.has(imp.path.replace(/^node:/, ''))) external.add(imp.path);
      }
    }
  }
  if (external.size > 0) throw new Error(`the bundle still imports ${[...external].join(', ')} at run time`);

  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  fs.copyFileSync(requireFromRoot.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(outDir, 'tree-sitter.wasm'));
  fs.chmodSync(path.join(outDir, 'main.js'), 0o755);
  const files = Object.keys(outputs).map((o) => path.relative(outDir, path.resolve(o)));
  files.push('tree-sitter.wasm');
  return { files, metafile: { outputs }, buildId };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { files, metafile } = await bundleServer();
    const js = Object.entries(metafile.outputs).filter(([o]) => /\.c?js$/.test(o));
    const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
    process.stdout.write(
      `build-bundle: dist/ ${js.length} .js files, ${kib(js.reduce((s, [, o]) => s + o.bytes, 0))} (${files.filter((f) => !/\.map$/.test(f)).join(', ')})\n`,
    );
  } catch (e) {
    process.stderr.write(`build-bundle: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
