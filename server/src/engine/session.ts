// The session's file store: what cgo-ls knows about the files of the workspace, so that the keystroke path
// touches no disk. Open documents win over the disk; disk texts, parsed models, package listings, module roots
// and C++ presence are cached until `applyChanges` (the watcher, the client's file events, `cgo.refresh`) says
// a file or directory changed. Both adapters (the LSP server and `cgo-ls check`) go through it.
import path from 'node:path';
import { offsetOfLine } from '../core/text.js';
import type { Position } from '../core/types.js';
import type { GoFile } from '../gomodel/types.js';
import { emptyModel, MAX_ANALYSED_CHARS, parseGoFile, parseGoPrefix, prefixLimit } from '../gomodel/model.js';
import type { ParseWorker } from './parseworker.js';
import { findModuleRoot, packageSiblings, readTextFile } from './workspace.js';

/**
 * For a text over the modelling cap, where the model of the part around `pos` ends (gomodel's prefixLimit), or null
 * when `pos` is not near enough the top for one (or the text is not over the cap).
 */
function prefixLimitOf(text: string, pos: Position): number | null {
  if (text.length <= MAX_ANALYSED_CHARS) return null;
  const offset = offsetOfLine(text, pos.line, MAX_ANALYSED_CHARS);
  return offset === null ? null : prefixLimit(text, offset + Math.max(0, pos.character));
}

/** C++ sources make the go command use CXX (and link libstdc++). */
export const CXX_EXTS = ['.cc', '.cpp', '.cxx'];

/**
 * Texts at least this long are modelled in the model worker when there is one (the editor): the first model of
 * go-gl's 1 MB file held the event loop ≈ 0.5 s, and every hover sent meanwhile waited for it.
 */
export const MODEL_WORKER_MIN_CHARS = 64 * 1024;

export interface FileStoreOptions {
  /** Where big texts are modelled (engine/parseworker.ts); none: on this thread. */
  modelWorker?: ParseWorker | null;
  log?: (message: string) => void;
}

export interface FileChange {
  file: string;
  kind: 'created' | 'changed' | 'deleted';
}

export class FileStore {
  private readonly docs = new Map<string, { text: string; version: number }>();
  /** Disk texts read so far (null: unreadable or gone), until the file is reported changed. */
  private readonly disk = new Map<string, string | null>();
  /** Parsed models by text; the promise is stored so that concurrent callers (an analysis and a hover) parse once. */
  private readonly models = new Map<string, { text: string; file: Promise<GoFile>; done?: GoFile }>();
  /** Per file over the modelling cap: the prefix model built for a position while the whole-file one was not done. */
  private readonly prefixModels = new Map<string, { text: string; limit: number; file: Promise<GoFile> }>();
  /** Non-test .go files per package directory (on disk), until a file appears or vanishes there. */
  private readonly listings = new Map<string, string[]>();
  private readonly moduleRoots = new Map<string, string>();
  private readonly cxxDirs = new Map<string, boolean>();
  /**
   * The last prefixLimitOf answer: one hover asks twice (modelAt, then whether it waits for the worker), on the same
   * text and position. Dropped when any document changes or closes, so a closed file's big text is not kept.
   */
  private prefixMemo: { text: string; line: number; character: number; limit: number | null } | undefined;
  /** Counters for tests: how often the store went to the disk, and how many models the worker built. */
  readonly stats = { textReads: 0, dirReads: 0, workerModels: 0 };

  constructor(private readonly opts: FileStoreOptions = {}) {}

  /** Whether a big text's model is built off this thread (hovers then need not wait for it). */
  modelsInWorker(text: string): boolean {
    return !!this.opts.modelWorker && text.length >= MODEL_WORKER_MIN_CHARS;
  }

  /** Whether the model of this exact text is built. */
  modelDone(file: string, text: string): boolean {
    const cached = this.models.get(path.resolve(file));
    return cached?.text === text && cached.done !== undefined;
  }

  /**
   * Whether `modelAt(file, pos, text)` waits for a model the worker is still building (not for a model of the part
   * around `pos`, built here): a hover then need not wait, as the event loop is free meanwhile.
   */
  waitsForWorker(file: string, pos: Position, text: string): boolean {
    return this.modelsInWorker(text) && !this.modelDone(file, text) && this.prefixLimitAt(text, pos) === null;
  }

  private prefixLimitAt(text: string, pos: Position): number | null {
    const m = this.prefixMemo;
    if (m?.text === text && m.line === pos.line && m.character === pos.character) return m.limit;
    const limit = prefixLimitOf(text, pos);
    if (text.length > MAX_ANALYSED_CHARS) this.prefixMemo = { text, line: pos.line, character: pos.character, limit };
    return limit;
  }

  /** Whether the store holds a text for the prefix memo (tests: a closed document's text must not stay). */
  holdsPrefixMemo(): boolean {
    return this.prefixMemo !== undefined;
  }

  /** The model of a text: in the worker when it is big and there is one, else here. Never rejects. */
  private parse(abs: string, t: string): Promise<GoFile> {
    const worker = this.opts.modelWorker;
    if (!worker || t.length < MODEL_WORKER_MIN_CHARS) return parseGoFile(abs, t);
    return worker.model(abs, t).then(
      (m) => {
        this.stats.workerModels++;
        return m;
      },
      (e: unknown) => {
        const why = e instanceof Error ? e.message : String(e);
        if (/took over|memory/i.test(why)) {
          // Past the job's time or the worker's heap: the same text would hold (or sink) this thread too.
          this.opts.log?.(`model worker: ${why}; ${path.basename(abs)} is not analysed`);
          const m = emptyModel(abs, true);
          m.limited = { reason: 'time', analysedBytes: 0, totalBytes: t.length };
          return m;
        }
        // The worker crashed, could not start or is closed: model it here, as without a worker.
        this.opts.log?.(`model worker: ${why}; modelling ${path.basename(abs)} on the main thread`);
        return parseGoFile(abs, t);
      },
    );
  }

  setDocument(file: string, text: string, version: number): void {
    this.docs.set(path.resolve(file), { text, version });
    this.prefixMemo = undefined;
  }

  removeDocument(file: string): void {
    this.docs.delete(path.resolve(file));
    this.prefixMemo = undefined;
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
    const model = this.parse(abs, t); // never rejects
    const entry: { text: string; file: Promise<GoFile>; done?: GoFile } = { text: t, file: model };
    this.models.set(abs, entry);
    void model.then((m) => (entry.done = m));
    return model;
  }

  /**
   * A model that covers `pos`, for a hover: the file's model, except while the model of a file over the cap is
   * still to be built (on this thread it holds the event loop for the whole modelled part; in the worker it takes
   * longer than a hover should wait): then the model of the part up to a little past `pos` (gomodel's prefixLimit),
   * which answers the same for everything in it. The whole-file model is started (or joined) either way.
   */
  async modelAt(file: string, pos: Position, text?: string): Promise<GoFile | null> {
    const abs = path.resolve(file);
    const t = text ?? (await this.text(abs));
    if (t === null) return null;
    if (t.length <= MAX_ANALYSED_CHARS) return this.model(abs, t);
    const whole = this.model(abs, t);
    const cached = this.models.get(abs);
    if (cached?.text === t && cached.done) return cached.done;
    const limit = this.prefixLimitAt(t, pos);
    if (limit === null) return whole;
    const prev = this.prefixModels.get(abs);
    if (prev && prev.text === t && prev.limit >= limit) return prev.file;
    const prefix = parseGoPrefix(abs, t, limit); // never rejects
    this.prefixModels.set(abs, { text: t, limit, file: prefix });
    void whole.then(() => {
      if (this.prefixModels.get(abs)?.file === prefix) this.prefixModels.delete(abs);
    });
    return prefix;
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
    if (!this.docs.has(abs)) {
      this.models.delete(abs);
      this.prefixModels.delete(abs);
    }
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
    for (const f of [...this.prefixModels.keys()]) if (!this.docs.has(f)) this.prefixModels.delete(f);
  }
}
