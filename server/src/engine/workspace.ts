// Finding modules and cgo files on disk. Walks folders (never follows symlinked dirs), skips ignored names,
// and pre-filters files with a cheap byte search for `"C"` before anything parses them.
import fs from 'node:fs';
import path from 'node:path';
import { mayBeCgoConstrainedTest } from '../checks/testsexcluded.js';
import { readTextFileSync } from '../util/files.js';

/** The directory holding the go.mod that governs `dir`, or null when there is none. */
export function findModuleRoot(dir: string): string | null {
  let d = path.resolve(dir);
  for (;;) {
    try {
      if (fs.statSync(path.join(d, 'go.mod')).isFile()) return d;
    } catch {
      /* keep walking */
    }
    const parent = path.dirname(d);
    if (parent === d) return null;
    d = parent;
  }
}

/** Cheap pre-filter: could this Go source import "C"? (false negatives impossible, false positives fine). */
export function mightImportC(text: string): boolean {
  return text.includes('"C"');
}

/**
 * The one pre-filter, used by the server's scan, `cgo-ls check` and the engine: could this Go source matter to
 * cgo-ls? It imports "C", or has an export comment (`//export`, `// export`, or a block-comment export — the checks report the
 * ones cmd/cgo ignores). False positives only cost a parse. Given the file's path, a `_test.go` file that mentions
 * cgo counts too (a test constrained to cgo: `cgo/tests-excluded`).
 */
export function isCgoCandidate(text: string, file?: string): boolean {
  return mightImportC(text) || text.includes('export') || (file !== undefined && mayBeCgoConstrainedTest(file, text));
}

export interface WalkOptions {
  ignoreDirs: string[];
  /** Stop after this many files (a safety net for enormous trees). */
  maxFiles?: number;
  /** Called with each directory the walk reads and its entries (the server's watcher watches it without a second read). */
  onDirectory?: (dir: string, entries: readonly fs.Dirent[]) => void;
}

/** Whether the walk goes into a subdirectory of this name: not a `.` or `_` name (go ignores them), not an ignored name. */
export function walkEntersDir(name: string, ignore: ReadonlySet<string>): boolean {
  return !name.startsWith('.') && !name.startsWith('_') && !ignore.has(name);
}

/**
 * The walk one directory at a time: each step reads one directory and pushes its .go files to `out`, so the
 * synchronous walk and the sliced one (`walkGoFilesSliced`) are the same code.
 */
function* walkSteps(root: string, opts: WalkOptions, out: string[]): Generator<void> {
  const max = opts.maxFiles ?? 500_000;
  const ignore = new Set(opts.ignoreDirs);
  const stack = [path.resolve(root)];
  while (stack.length > 0 && out.length < max) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable folder: skip it
    }
    opts.onDirectory?.(dir, entries);
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) {
        if (walkEntersDir(e.name, ignore)) stack.push(path.join(dir, e.name));
        continue;
      }
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(dir, e.name);
      if (e.isFile() && e.name.endsWith('.go')) {
        out.push(p);
      }
    }
    yield;
  }
}

/** Every .go file below `root` (sorted), skipping ignored folders and anything starting with `.` or `_`. */
export function walkGoFiles(root: string, opts: WalkOptions): string[] {
  const out: string[] = [];
  for (const _ of walkSteps(root, opts, out)) {
    /* one directory per step */
  }
  return out.sort();
}

/** Lets timers, I/O and JSON-RPC requests run between two slices of synchronous work. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long one slice of the scan's synchronous work may hold the event loop (ms). */
export const SCAN_SLICE_MS = 10;

/**
 * `walkGoFiles` for a server: the same list, with the directory reads done in slices of about `sliceMs` and the
 * event loop free between them (a 20 000-file tree takes about half a second to walk).
 */
export async function walkGoFilesSliced(root: string, opts: WalkOptions & { sliceMs?: number }): Promise<string[]> {
  const out: string[] = [];
  const slice = opts.sliceMs ?? SCAN_SLICE_MS;
  let start = performance.now();
  for (const _ of walkSteps(root, opts, out)) {
    if (performance.now() - start < slice) continue;
    await yieldToEventLoop();
    start = performance.now();
  }
  return out.sort();
}

/**
 * The scan's pre-filter over many files: reads each file (synchronously: for thousands of small files one
 * `readFileSync` is several times cheaper than the promise API's open/stat/read/close round trips through the
 * thread pool) in slices of about `sliceMs`, yielding to the event loop between slices, and hands each
 * `isCgoCandidate` to `onCandidate` as soon as it is found. No text is kept. `onProgress` gets the count read.
 */
export async function findCgoCandidates(
  files: readonly string[],
  onCandidate: (file: string) => void,
  opts: { sliceMs?: number; onProgress?: (read: number) => void; maxBytes?: number } = {},
): Promise<number> {
  const slice = opts.sliceMs ?? SCAN_SLICE_MS;
  let found = 0;
  let start = performance.now();
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const text = readTextFileSync(f, opts.maxBytes);
    if (text !== null && isCgoCandidate(text, f)) {
      found++;
      onCandidate(f);
    }
    if (performance.now() - start >= slice || i === files.length - 1) {
      opts.onProgress?.(i + 1);
      await yieldToEventLoop();
      start = performance.now();
    }
  }
  return found;
}

/** Reads a file as UTF-8 text, or null when it vanished / is unreadable / is a directory. */
export async function readTextFile(file: string, maxBytes = 64 * 1024 * 1024): Promise<string | null> {
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile() || st.size > maxBytes) return null;
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** Files of the same package directory with the given extensions (e.g. C/C++ sources next to cgo files). */
export function packageSiblings(dir: string, exts: string[]): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => exts.some((e) => n.endsWith(e)) && !n.startsWith('.') && !n.startsWith('_'))
      .map((n) => path.join(dir, n))
      .sort();
  } catch {
    return [];
  }
}

/** The C-family sources of a package directory that cmd/go compiles in a cgo package (.c .cc .cpp .cxx .S .sx .m). */
export function packageCSources(dir: string): string[] {
  return packageSiblings(dir, ['.c', '.cc', '.cpp', '.cxx', '.S', '.sx', '.m']);
}
