// The session's file store: what cgo-ls knows about the files of the workspace, so that the keystroke path
// touches no disk. Open documents win over the disk; disk texts, parsed models, package listings, module roots
// and C++ presence are cached until `applyChanges` (the watcher, the client's file events, `cgo.refresh`) says
// a file or directory changed. Both adapters (the LSP server and `cgo-ls check`) go through it.
import path from 'node:path';
import type { GoFile } from '../gomodel/types.js';
import { parseGoFile } from '../gomodel/model.js';
import { findModuleRoot, packageSiblings, readTextFile } from './workspace.js';

/** C++ sources make the go command use CXX (and link libstdc++). */
export const CXX_EXTS = ['.cc', '.cpp', '.cxx'];

export interface FileChange {
  file: string;
  kind: 'created' | 'changed' | 'deleted';
}

export class FileStore {
  private readonly docs = new Map<string, { text: string; version: number }>();
  /** Disk texts read so far (null: unreadable or gone), until the file is reported changed. */
  private readonly disk = new Map<string, string | null>();
  /** Parsed models by text; the promise is stored so that concurrent callers (an analysis and a hover) parse once. */
  private readonly models = new Map<string, { text: string; file: Promise<GoFile> }>();
  /** Non-test .go files per package directory (on disk), until a file appears or vanishes there. */
  private readonly listings = new Map<string, string[]>();
  private readonly moduleRoots = new Map<string, string>();
  private readonly cxxDirs = new Map<string, boolean>();
  /** Counters for tests: how often the store went to the disk. */
  readonly stats = { textReads: 0, dirReads: 0 };

  setDocument(file: string, text: string, version: number): void {
    this.docs.set(path.resolve(file), { text, version });
  }

  removeDocument(file: string): void {
    this.docs.delete(path.resolve(file));
  }

  documentVersion(file: string): number | undefined {
    return this.docs.get(path.resolve(file))?.version;
  }

  isOpen(file: string): boolean {
    return this.docs.has(path.resolve(file));
  }

  openFiles(): string[] {
    return [...this.docs.keys()];
  }

  /** The text of a file: the open buffer, else the disk (read once, then cached until it changes). */
  async text(file: string): Promise<string | null> {
    const abs = path.resolve(file);
    const doc = this.docs.get(abs);
    if (doc) return doc.text;
    if (this.disk.has(abs)) return this.disk.get(abs)!;
    this.stats.textReads++;
    const t = await readTextFile(abs);
    this.disk.set(abs, t);
    return t;
  }

  /** Parsed model of a .go file, cached by text. */
  async model(file: string, text?: string): Promise<GoFile | null> {
    const abs = path.resolve(file);
    const t = text ?? (await this.text(abs));
    if (t === null) {
      this.models.delete(abs);
      return null;
    }
    const cached = this.models.get(abs);
    if (cached && cached.text === t) return cached.file;
    const model = parseGoFile(abs, t); // never rejects
    this.models.set(abs, { text: t, file: model });
    return model;
  }

  /**
   * The non-test .go files of a package directory, as go/build lists them (sorted by name, no `.`/`_` files),
   * plus open buffers in the directory that are not on disk yet.
   */
  packageFiles(dir: string): string[] {
    const abs = path.resolve(dir);
    let list = this.listings.get(abs);
    if (!list) {
      this.stats.dirReads++;
      list = packageSiblings(abs, ['.go']).filter((f) => !f.endsWith('_test.go'));
      this.listings.set(abs, list);
    }
    const open = [...this.docs.keys()].filter(
      (f) => path.dirname(f) === abs && f.endsWith('.go') && !f.endsWith('_test.go') && !path.basename(f).startsWith('.') && !path.basename(f).startsWith('_'),
    );
    if (open.every((f) => list.includes(f))) return list;
    return [...new Set([...list, ...open])].sort((a, b) => (path.basename(a) < path.basename(b) ? -1 : path.basename(a) > path.basename(b) ? 1 : 0));
  }

  /** The directory holding the go.mod that governs `dir`, else `dir` itself (cached). */
  moduleRoot(dir: string): string {
    const abs = path.resolve(dir);
    let root = this.moduleRoots.get(abs);
    if (root === undefined) {
      root = findModuleRoot(abs) ?? abs;
      this.moduleRoots.set(abs, root);
    }
    return root;
  }

  /** Whether a package directory has C++ sources (cached). */
  hasCxxFiles(dir: string): boolean {
    const abs = path.resolve(dir);
    let v = this.cxxDirs.get(abs);
    if (v === undefined) {
      this.stats.dirReads++;
      v = packageSiblings(abs, CXX_EXTS).length > 0;
      this.cxxDirs.set(abs, v);
    }
    return v;
  }

  /** A file changed on disk (or vanished): its cached text and model go. */
  forgetFile(file: string): void {
    const abs = path.resolve(file);
    this.disk.delete(abs);
    if (!this.docs.has(abs)) this.models.delete(abs);
  }

  /** A file appeared in or vanished from `dir`: its listings and every module root at or below it go. */
  forgetDir(dir: string): void {
    const abs = path.resolve(dir);
    this.cxxDirs.delete(abs);
    this.listings.delete(abs);
    for (const d of [...this.moduleRoots.keys()]) if (d === abs || d.startsWith(abs + path.sep)) this.moduleRoots.delete(d);
  }

  /** Applies a batch of file-system changes to the caches. */
  applyChanges(changes: readonly FileChange[]): void {
    for (const c of changes) {
      if (c.kind !== 'changed') this.forgetDir(path.dirname(c.file));
      this.forgetFile(c.file);
    }
  }

  /** Forget everything read from disk (`cgo.refresh`); open buffers stay. */
  clear(): void {
    this.disk.clear();
    this.listings.clear();
    this.moduleRoots.clear();
    this.cxxDirs.clear();
    for (const f of [...this.models.keys()]) if (!this.docs.has(f)) this.models.delete(f);
  }
}
