// Finding modules and cgo files on disk. Walks folders (never follows symlinked dirs), skips ignored names,
// and pre-filters files with a cheap byte search for `"C"` before anything parses them.
import fs from 'node:fs';
import path from 'node:path';
import { mayBeCgoConstrainedTest } from '../checks/testsexcluded.js';

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
}

/** Every .go file below `root` (sorted), skipping ignored folders and anything starting with `.` or `_`. */
export function walkGoFiles(root: string, opts: WalkOptions): string[] {
  const out: string[] = [];
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
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!ignore.has(e.name)) stack.push(p);
      } else if (e.isFile() && e.name.endsWith('.go')) {
        out.push(p);
      }
    }
  }
  return out.sort();
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
