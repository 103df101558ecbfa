// Server-side file watching on node's `fs.watch`, one watch per directory and never one per file. On Linux each
// workspace directory gets its own non-recursive watch (Node only emulates recursive watching there): the workspace
// scan hands over each directory it reads, and the watcher's own walk (openFiles scope, new directories) reads in
// ~10 ms synchronous slices like the scan; on macOS and Windows one native recursive watch covers a workspace folder. The toolchain's own
// files (GOENV file, go.env, the resolved binaries) are watched through their directory, filtered by name, with no
// directory read. Events are batched; for toolchain files only a real change (size, mtime, inode) counts. When the
// OS refuses more watches (inotify limits), it logs once and degrades to what the client reports
// (didChangeWatchedFiles) and to re-checks on save — it never fails the server.
import fs from 'node:fs';
import path from 'node:path';
import { host } from '../core/host.js';
import type { Logger } from '../core/types.js';
import { SCAN_SLICE_MS, walkEntersDir, yieldToEventLoop } from './workspace.js';

function stampOf(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

export type ChangeKind = 'created' | 'changed' | 'deleted';
export interface FileChange {
  file: string;
  kind: ChangeKind;
}

/** File names cgo-ls reacts to inside workspace folders. */
export function isRelevantFile(file: string): boolean {
  const base = path.basename(file);
  if (base === 'go.mod' || base === 'go.work') return true;
  return /\.(go|c|h|cc|cpp|cxx|hh|hpp|hxx|S|s|sx|m|f|F|f90|syso|pc)$/.test(base);
}

/**
 * How workspace folders are watched on a platform: where `fs.watch(dir, {recursive: true})` is native and cheap
 * (FSEvents on macOS, ReadDirectoryChangesW on Windows) one recursive watch per folder; elsewhere (Linux, where
 * Node emulates recursion, and the BSDs/AIX where it is missing) one non-recursive watch per directory.
 */
export function watchModeFor(platform: NodeJS.Platform): 'recursive' | 'per-directory' {
  return platform === 'darwin' || platform === 'win32' ? 'recursive' : 'per-directory';
}

/** node:path of the platform's flavour (tests inject another platform than the one they run on). */
export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** A directory or file name the watcher never looks into or reports: dot-names and the ignored folder names. */
function skippedName(name: string, ignore: ReadonlySet<string>): boolean {
  return name.startsWith('.') || ignore.has(name);
}

/**
 * The absolute path a recursive watch's event names (`rel` is relative to `folder`, in the platform's separators),
 * or null when one of its components is skipped (a dot-name or an ignored folder name).
 */
export function recursiveEventPath(p: path.PlatformPath, folder: string, rel: string, ignore: ReadonlySet<string>): string | null {
  const parts = rel.split(p === path.win32 ? /[\\/]/ : '/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.some((s) => skippedName(s, ignore))) return null;
  return p.join(folder, ...parts);
}

export interface WatcherOptions {
  folders: string[];
  /** Extra single files to watch (the GOENV file, $GOROOT/go.env, the resolved go/CC/pkg-config). */
  files: string[];
  ignoreDirs: string[];
  log: Logger;
  onChanges: (changes: FileChange[]) => void;
  /** Batch window in ms. */
  delayMs?: number;
  /** The OS the watcher runs on (default: `host().platform`); decides recursive vs per-directory watching. */
  platform?: NodeJS.Platform;
  /**
   * false: no walk of its own on Linux; the directories come from `adoptDirectory` (the workspace scan reads
   * them anyway). Default true.
   */
  walk?: boolean;
  /** Fault injection for tests only (a watch that fails with ENOSPC); default `fs.watch`. */
  watchForTests?: typeof fs.watch;
}

type Kind = 'workspace' | 'toolchain';

export class Watcher {
  /** Workspace watches by directory (per-directory mode) or by folder (recursive mode). */
  private readonly dirWatches = new Map<string, fs.FSWatcher>();
  /** Toolchain watches by directory, with the names watched in it. */
  private readonly fileDirWatches = new Map<string, { watch: fs.FSWatcher | null; names: Set<string>; waiting?: fs.FSWatcher }>();
  private pending = new Map<string, ChangeKind>();
  private timer: NodeJS.Timeout | null = null;
  private degraded = false;
  private closed = false;
  private watchedFiles = new Set<string>();
  private stamps = new Map<string, string>();
  private readonly ignore: ReadonlySet<string>;
  private readonly platform: NodeJS.Platform;
  private readonly watchFn: typeof fs.watch;
  private walking: Promise<void> = Promise.resolve();

  constructor(private readonly opts: WatcherOptions) {
    this.ignore = new Set(opts.ignoreDirs);
    this.platform = opts.platform ?? host().platform;
    this.watchFn = opts.watchForTests ?? fs.watch;
  }

  start(): void {
    if (watchModeFor(this.platform) === 'recursive') {
      for (const folder of this.opts.folders) this.watchRecursive(path.resolve(folder));
    } else if (this.opts.walk !== false) {
      this.track(
        this.walk(
          this.opts.folders.map((f) => path.resolve(f)),
          false,
        ),
      );
    }
    this.setFiles(this.opts.files);
  }

  /** Resolves once the initial walk has put a watch on every directory it found (tests, bench). */
  ready(): Promise<void> {
    return this.walking;
  }

  /** How many `fs.watch` handles are open (workspace directories plus toolchain directories). */
  get watchCount(): number {
    let n = this.dirWatches.size;
    for (const w of this.fileDirWatches.values()) n += (w.watch ? 1 : 0) + (w.waiting ? 1 : 0);
    return n;
  }

  /**
   * Adds single files to watch (toolchain inputs). The set only grows: a re-probe that briefly knows fewer
   * files must not tear watches down and up again.
   */
  setFiles(files: string[]): void {
    const added = files
      .filter(Boolean)
      .map((f) => path.resolve(f))
      .filter((f) => !this.watchedFiles.has(f));
    if (added.length === 0) return;
    for (const f of added) {
      this.watchedFiles.add(f);
      if (!this.stamps.has(f)) this.stamps.set(f, stampOf(f));
      const dir = path.dirname(f);
      const entry = this.fileDirWatches.get(dir);
      if (entry) entry.names.add(this.nameKey(path.basename(f)));
      else {
        this.fileDirWatches.set(dir, { watch: null, names: new Set([this.nameKey(path.basename(f))]) });
        this.watchFileDir(dir);
      }
    }
  }

  /** Feeds a change from elsewhere (the client's didChangeWatchedFiles) into the same batch. */
  queue(file: string, kind: ChangeKind): void {
    const abs = path.resolve(file);
    // For watched single files, only a real change counts (size, mtime, inode or existence differ from last time).
    if (this.watchedFiles.has(abs)) {
      const now = stampOf(abs);
      if (this.stamps.get(abs) === now) return;
      this.stamps.set(abs, now);
    }
    // A write right after a creation is still a creation (the directory's listing changed).
    const prev = this.pending.get(abs);
    if (!(kind === 'changed' && prev !== undefined)) this.pending.set(abs, kind);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const changes = [...this.pending].map(([file, kind]) => ({ file, kind }));
      this.pending.clear();
      if (changes.length > 0) this.opts.onChanges(changes);
    }, this.opts.delayMs ?? 150);
  }

  get isDegraded(): boolean {
    return this.degraded;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.dirWatches.values()) w.close();
    this.dirWatches.clear();
    for (const e of this.fileDirWatches.values()) {
      e.watch?.close();
      e.waiting?.close();
    }
    this.fileDirWatches.clear();
    await this.walking.catch(() => undefined);
  }

  // ---- watches ------------------------------------------------------------------------------------------------

  /** One `fs.watch`, or null when the directory is gone/unreadable or the OS refused (then degraded). */
  private open(dir: string, kind: Kind, recursive: boolean, onEvent: (event: string, name: string | null) => void): fs.FSWatcher | null {
    if (this.closed) return null;
    let w: fs.FSWatcher;
    try {
      w = this.watchFn(dir, { persistent: true, recursive }, (event, name) => onEvent(event, name === null ? null : String(name)));
    } catch (e) {
      this.failed(e as NodeJS.ErrnoException);
      return null;
    }
    w.on('error', (e) => {
      // A watched directory that vanishes (or Windows refusing access to it) ends its watch, nothing more.
      w.close();
      if (kind === 'workspace') {
        for (const [d, x] of this.dirWatches) if (x === w) this.dirWatches.delete(d);
      } else {
        for (const x of this.fileDirWatches.values()) if (x.watch === w) x.watch = null;
      }
      this.failed(e as NodeJS.ErrnoException);
    });
    return w;
  }

  /** Out of watches (ENOSPC/EMFILE/ENFILE) or an unexpected failure: degrade, log once. Gone folders are not errors. */
  private failed(err: NodeJS.ErrnoException): void {
    if (['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM'].includes(err.code ?? '')) return;
    if (this.degraded) return;
    this.degraded = true;
    const why =
      err.code === 'ENOSPC' || err.code === 'EMFILE' || err.code === 'ENFILE'
        ? 'the OS limit on file watches was reached (raise fs.inotify.max_user_watches)'
        : String(err.message ?? err);
    this.opts.log.warn(`file watching degraded: ${why}; cgo-ls now relies on the editor's file events and on save`);
  }

  // ---- workspace folders, recursive (macOS, Windows) --------------------------------------------------------

  private watchRecursive(folder: string): void {
    const p = pathFor(this.platform);
    const w = this.open(folder, 'workspace', true, (event, name) => {
      if (name === null) return;
      const abs = recursiveEventPath(p, folder, name, this.ignore);
      if (abs === null) return;
      const st = lstatOrNull(abs);
      if (st?.isDirectory()) return; // the recursive watch already covers a new directory
      if (!isRelevantFile(abs)) return;
      this.queue(abs, st === null ? 'deleted' : event === 'change' ? 'changed' : 'created');
    });
    if (w) this.dirWatches.set(folder, w);
  }

  // ---- workspace folders, one watch per directory (Linux and the rest) ---------------------------------------

  /**
   * Watches every directory below `roots` (skipping dot-names and ignored names). Directories are read
   * synchronously (several times cheaper than the promise API for small directories) in slices of about
   * `SCAN_SLICE_MS`, the event loop free between them, like the workspace scan. A directory someone already
   * watches is not read again (whoever put its watch lists it). With `report`, the relevant files found are
   * reported as created (a directory that appeared after the start may have been filled before its watch existed).
   */
  private async walk(roots: string[], report: boolean): Promise<void> {
    const stack = [...roots];
    await yieldToEventLoop();
    let start = performance.now();
    while (stack.length > 0 && !this.closed && !this.degraded) {
      const dir = stack.pop()!;
      // Watch first, then read: whatever appears in between is seen by one or the other.
      if (this.watchDir(dir) !== 'new') continue;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // vanished or unreadable: its watch ends by itself
      }
      for (const e of entries) {
        if (skippedName(e.name, this.ignore)) continue;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) stack.push(p);
        else if (report && isRelevantFile(p)) this.queue(p, 'created');
      }
      if (performance.now() - start >= SCAN_SLICE_MS) {
        await yieldToEventLoop();
        start = performance.now();
      }
    }
  }

  /**
   * A directory the workspace scan has just read (`WalkOptions.onDirectory`), for a watcher started with
   * `walk: false`: watched without a second read. Its subdirectories the scan does not enter (`_` names) are
   * walked here.
   */
  adoptDirectory(dir: string, entries: readonly fs.Dirent[]): void {
    if (watchModeFor(this.platform) !== 'per-directory' || this.closed || this.degraded) return;
    if (this.watchDir(dir) !== 'new') return;
    const rest = entries
      .filter((e) => e.isDirectory() && !skippedName(e.name, this.ignore) && !walkEntersDir(e.name, this.ignore))
      .map((e) => path.join(dir, e.name));
    if (rest.length > 0) this.track(this.walk(rest, false));
  }

  private track(walk: Promise<void>): void {
    this.walking = Promise.all([this.walking, walk]).then(() => undefined);
  }

  /** Puts a watch on one workspace directory: `new`, `had` (already watched) or `failed`. */
  private watchDir(dir: string): 'new' | 'had' | 'failed' {
    if (this.dirWatches.has(dir)) return 'had';
    const w = this.open(dir, 'workspace', false, (event, name) => this.onDirEvent(dir, event, name));
    if (!w) return 'failed';
    this.dirWatches.set(dir, w);
    return 'new';
  }

  private onDirEvent(dir: string, event: string, name: string | null): void {
    if (name === null || this.closed) return;
    if (name === path.basename(dir) && lstatOrNull(dir) === null) {
      // The watched directory itself went away (its parent, when watched, says so too).
      this.dropDir(dir);
      return;
    }
    if (skippedName(name, this.ignore)) return;
    const abs = path.join(dir, name);
    if (event === 'change') {
      if (isRelevantFile(abs) && !this.dirWatches.has(abs)) this.queue(abs, 'changed');
      return;
    }
    const st = lstatOrNull(abs);
    if (st === null) {
      if (this.dirWatches.has(abs)) this.dropDir(abs);
      else if (isRelevantFile(abs)) this.queue(abs, 'deleted');
      return;
    }
    if (st.isDirectory()) {
      if (!this.dirWatches.has(abs)) this.track(this.walk([abs], true));
      return;
    }
    if (isRelevantFile(abs)) this.queue(abs, 'created');
  }

  /** A watched directory is gone: its watch and those below it end, and it is reported as deleted. */
  private dropDir(dir: string): void {
    const prefix = dir + path.sep;
    let had = false;
    for (const [d, w] of this.dirWatches) {
      if (d !== dir && !d.startsWith(prefix)) continue;
      had = true;
      w.close();
      this.dirWatches.delete(d);
    }
    if (had) this.queue(dir, 'deleted');
  }

  // ---- toolchain files ------------------------------------------------------------------------------------------

  /** Names compare as the file system does: case-insensitively on Windows. */
  private nameKey(name: string): string {
    return this.platform === 'win32' ? name.toLowerCase() : name;
  }

  /**
   * Watches a toolchain file's directory (no read of it: events are filtered by name). A directory that does not
   * exist yet (`go env -w` creates ~/.config/go) is waited for through its nearest existing parent.
   */
  private watchFileDir(dir: string): void {
    const entry = this.fileDirWatches.get(dir);
    if (!entry || this.closed) return;
    const w = this.open(dir, 'toolchain', false, (_event, name) => {
      if (name === null) {
        for (const n of entry.names) this.queueToolchainName(dir, n);
      } else if (entry.names.has(this.nameKey(name))) this.queueToolchainName(dir, name);
    });
    if (w) {
      entry.watch = w;
      return;
    }
    if (this.degraded || entry.waiting) return;
    // Missing directory: wait for it from the nearest existing ancestor.
    let child = dir;
    let parent = path.dirname(dir);
    while (parent !== child && lstatOrNull(parent) === null) {
      child = parent;
      parent = path.dirname(parent);
    }
    if (parent === child) return;
    const want = this.nameKey(path.basename(child));
    const waiting = this.open(parent, 'toolchain', false, (_event, name) => {
      if (name !== null && this.nameKey(name) !== want) return;
      if (lstatOrNull(child) === null) return;
      waiting?.close();
      entry.waiting = undefined;
      this.watchFileDir(dir);
      for (const n of entry.names) this.queueToolchainName(dir, n);
    });
    if (waiting) entry.waiting = waiting;
  }

  private queueToolchainName(dir: string, name: string): void {
    const abs = path.join(dir, name);
    const file = this.watchedFiles.has(abs)
      ? abs
      : [...this.watchedFiles].find((f) => path.dirname(f) === dir && this.nameKey(path.basename(f)) === this.nameKey(name));
    if (!file) return;
    this.queue(file, lstatOrNull(file) === null ? 'deleted' : 'changed');
  }
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}
