// Loads web-tree-sitter and the Go / C grammars once (lazy singletons). The grammar .wasm files are shipped in
// <package root>/dist/wasm (copied there by `npm run build`), so no native addon is ever needed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Parser } from 'web-tree-sitter';

export type { Parser, Tree, Node } from 'web-tree-sitter';

const moduleDir = path.dirname(fileURLToPath(import.meta.url));
let packageRootCache: string | undefined;

/** The directory holding the `cgo-ls` package.json, found by walking up from `start` (default: this module). */
export function findPackageRoot(start: string = moduleDir): string {
  if (start === moduleDir && packageRootCache !== undefined) return packageRootCache;
  for (let dir = start; ;) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (json.name === 'cgo-ls') {
        if (start === moduleDir) packageRootCache = dir;
        return dir;
      }
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cgo-ls: cannot find the cgo-ls package root (package.json with "name": "cgo-ls") above ${start}`);
    dir = parent;
  }
}

/** Absolute path of a grammar wasm (`tree-sitter-go.wasm` / `tree-sitter-c.wasm`); throws a clear error if missing. */
export function grammarWasmPath(file: 'tree-sitter-go.wasm' | 'tree-sitter-c.wasm', root: string = findPackageRoot()): string {
  const p = path.join(root, 'dist', 'wasm', file);
  if (!fs.existsSync(p)) {
    throw new Error(`cgo-ls: grammar ${p} is missing; run \`npm run build\` (it copies the tree-sitter grammars into dist/wasm)`);
  }
  return p;
}

// web-tree-sitter is loaded by the first parse, not at start-up (a check of a package without cgo files parses nothing).
type TreeSitter = typeof import('web-tree-sitter');
let initPromise: Promise<TreeSitter> | undefined;
function initTreeSitter(): Promise<TreeSitter> {
  if (!initPromise) {
    initPromise = import('web-tree-sitter')
      .then(async (ts) => {
        await ts.Parser.init();
        return ts;
      })
      .catch((e: unknown) => {
        initPromise = undefined;
        throw e;
      });
  }
  return initPromise;
}

function lazyParser(file: 'tree-sitter-go.wasm' | 'tree-sitter-c.wasm') {
  let pending: Promise<Parser> | undefined;
  let ready: Parser | undefined;
  const get = (): Promise<Parser> => {
    if (!pending) {
      pending = (async () => {
        const wasm = grammarWasmPath(file);
        const { Language, Parser } = await initTreeSitter();
        const lang = await Language.load(wasm);
        const parser = new Parser();
        parser.setLanguage(lang);
        ready = parser;
        return parser;
      })().catch((e: unknown) => {
        pending = undefined; // allow a retry after `npm run build`
        throw e;
      });
    }
    return pending;
  };
  return { get, peek: (): Parser | undefined => ready };
}

const goLazy = lazyParser('tree-sitter-go.wasm');
const cLazy = lazyParser('tree-sitter-c.wasm');

/** The shared tree-sitter parser for Go. Parsers are not re-entrant: parse and finish before awaiting. */
export function getGoParser(): Promise<Parser> {
  return goLazy.get();
}

/** The shared tree-sitter parser for C (used on preamble text). */
export function getCParser(): Promise<Parser> {
  return cLazy.get();
}

/** The Go parser if it is already loaded (for synchronous callers), else undefined. */
export function peekGoParser(): Parser | undefined {
  return goLazy.peek();
}

/** The C parser if it is already loaded, else undefined. */
export function peekCParser(): Parser | undefined {
  return cLazy.peek();
}
