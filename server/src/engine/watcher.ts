// Server-side file watching (chokidar): folders, not files; ignored names skipped; events batched. When the
// OS refuses more watches (inotify limits), it logs once and degrades to what the client reports
// (didChangeWatchedFiles) and to re-checks on save — it never fails the server.
import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../core/types.js';

function stampOf(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}`;
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

export interface WatcherOptions {
  folders: string[];
  /** Extra single files to watch (the GOENV file, $GOROOT/go.env, the resolved go/CC/pkg-config). */
  files: string[];
  ignoreDirs: string[];
  log: Logger;
  onChanges: (changes: FileChange[]) => void;
  /** Batch window in ms. */
  delayMs?: number;
}

export class Watcher {
  private watcher: FSWatcher | null = null;
  private fileWatcher: FSWatcher | null = null;
  private pending = new Map<string, ChangeKind>();
  private timer: NodeJS.Timeout | null = null;
  private degraded = false;
  private watchedFiles = new Set<string>();
  private stamps = new Map<string, string>();

  constructor(private readonly opts: WatcherOptions) {}

  start(): void {
    const ignore = new Set(this.opts.ignoreDirs);
    this.watcher = watch(this.opts.folders, {
      ignoreInitial: true,
      followSymlinks: false,
      persistent: true,
      ignored: (p: string, stats?: { isDirectory(): boolean; isFile(): boolean }) => {
        const base = path.basename(p);
        if (this.opts.folders.includes(p)) return false;
        if (ignore.has(base) || base.startsWith('.')) return true;
        if (stats?.isFile()) return !isRelevantFile(p);
        return false;
      },
    });
    this.wire(this.watcher);
    this.setFiles(this.opts.files);
  }

  /**
   * Adds single files to watch (toolchain inputs). The set only grows: a re-probe that briefly knows fewer
   * files must not tear watchers down and up again (a new watcher reports existing files as added).
   */
  setFiles(files: string[]): void {
    const next = new Set([...this.watchedFiles, ...files.filter(Boolean).map((f) => path.resolve(f))]);
    if (next.size === this.watchedFiles.size) return;
    void this.fileWatcher?.close();
    this.watchedFiles = next;
    for (const f of next) if (!this.stamps.has(f)) this.stamps.set(f, stampOf(f));
    // Watch each file's folder filtered to the file: catches creation and atomic replace (go env -w renames).
    const dirs = [...new Set([...next].map((f) => path.dirname(f)))];
    this.fileWatcher = watch(dirs, {
      ignoreInitial: true,
      depth: 0,
      followSymlinks: false,
      ignored: (p: string) => !dirs.includes(p) && !next.has(path.resolve(p)),
    });
    this.wire(this.fileWatcher);
  }

  private wire(w: FSWatcher): void {
    w.on('add', (p) => this.queue(p, 'created'));
    w.on('change', (p) => this.queue(p, 'changed'));
    w.on('unlink', (p) => this.queue(p, 'deleted'));
    w.on('unlinkDir', (p) => this.queue(p, 'deleted'));
    w.on('error', (e) => {
      const err = e as NodeJS.ErrnoException;
      if (!this.degraded) {
        this.degraded = true;
        const why =
          err.code === 'ENOSPC' || err.code === 'EMFILE'
            ? 'the OS limit on file watches was reached (raise fs.inotify.max_user_watches)'
            : String(err.message ?? err);
        this.opts.log.warn(`file watching degraded: ${why}; cgo-ls now relies on the editor's file events and on save`);
      }
    });
  }

  /** Feeds a change from elsewhere (the client's didChangeWatchedFiles) into the same batch. */
  queue(file: string, kind: ChangeKind): void {
    const abs = path.resolve(file);
    // For watched single files, only a real change counts (size, mtime or existence differ from last time).
    if (this.watchedFiles.has(abs)) {
      const now = stampOf(abs);
      if (this.stamps.get(abs) === now) return;
      this.stamps.set(abs, now);
    }
    this.pending.set(abs, kind);
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
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.watcher?.close(), this.fileWatcher?.close()]);
  }
}
