// The workspace: the scan that publishes every cgo file (with `$/progress` when the client supports it), the file
// watcher (server side; the client's `didChangeWatchedFiles` feeds the same batch) and what each file change makes
// stale. The engine decides which of its caches a change invalidates; this decides what to analyse again.
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { DidChangeWatchedFilesNotification, FileChangeType, type FileEvent } from 'vscode-languageserver/node.js';
import { pathToUri, uriToPath } from '../core/uri.js';
import {
  findCgoCandidates,
  findModuleRoot,
  isCgoCandidate,
  packageCSources,
  readTextFile,
  walkGoFilesSliced,
  Watcher,
  type FileChange,
} from '../engine/index.js';
import type { Analyses } from './analyses.js';
import type { ServerContext } from './context.js';

/**
 * The server's watcher watches directories, not files: a directory deleted or moved away is one change, which
 * stands for the tracked files below it (each reported as deleted unless the batch already has it).
 */
function withFilesOfDeletedDirs(changes: FileChange[], tracked: ReadonlySet<string>): FileChange[] {
  const gone = new Set(changes.filter((c) => c.kind === 'deleted' && !tracked.has(c.file)).map((c) => c.file));
  if (gone.size === 0) return changes;
  const listed = new Set(changes.map((c) => c.file));
  const extra: FileChange[] = [];
  for (const f of tracked) {
    if (listed.has(f)) continue;
    for (let d = path.dirname(f); ; d = path.dirname(d)) {
      if (gone.has(d)) {
        extra.push({ file: f, kind: 'deleted' });
        break;
      }
      if (path.dirname(d) === d) break;
    }
  }
  return extra.length === 0 ? changes : [...changes, ...extra];
}

export class Workspace {
  private watcher: Watcher | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly analyses: Analyses,
  ) {
    analyses.afterAnalysis = () => void this.updateWatchedToolchainFiles().catch(() => undefined);
  }

  async scan(): Promise<void> {
    const { connection, engine, log } = this.ctx;
    const folders = this.ctx.folders();
    const settings = this.ctx.settings();
    if (settings.diagnosticsScope !== 'workspace' || folders.length === 0) return;
    const tracked = this.analyses.tracked;
    const started = Date.now();
    const progress = this.ctx.caps().window?.workDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => null) : null;
    progress?.begin('cgo-ls', 0, 'finding cgo files', false);
    // Two pipelines: the walk and the pre-filter read every file in short synchronous slices (the event loop
    // stays free for requests between them) and queue each candidate; analysers take candidates off the queue
    // as they come, so the first diagnostics arrive while the rest of the tree is still being read, and reading
    // goes on while the toolchain probe or a compiler runs. Compiles are bounded by the compile service.
    const queue: string[] = [];
    let head = 0; // queue[head] is the next candidate (no shift: a large workspace queues thousands)
    let reading = true;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const modules = new Set<string>();
    let candidates = 0;
    let analysed = 0;
    let read = 0;
    let total = 0;
    const report = () =>
      progress?.report(
        Math.round(((read + analysed) / Math.max(1, total + candidates)) * 100),
        reading ? `${read}/${total} files read, ${candidates} cgo` : `${analysed}/${candidates} cgo files checked`,
      );
    const analyseOne = async (f: string) => {
      const root = findModuleRoot(path.dirname(f));
      if (root && !modules.has(root)) {
        modules.add(root);
        const mod = path.join(root, 'go.mod');
        tracked.add(mod);
        await this.analyses.analyze(pathToUri(mod), 'run');
      }
      if (!engine.isOpen(f)) {
        tracked.add(f);
        await this.analyses.analyze(pathToUri(f), 'run', true);
      }
      // The package's own C sources (compiled with the package's flags, as go build does).
      for (const c of packageCSources(path.dirname(f))) {
        if (tracked.has(c) || engine.isOpen(c)) continue;
        tracked.add(c);
        await this.analyses.analyze(pathToUri(c), 'run');
      }
    };
    const analyser = async () => {
      for (;;) {
        const f = head < queue.length ? queue[head++] : undefined;
        if (f === undefined) {
          if (!reading) return;
          await new Promise<void>((resolve) => {
            const prev = wake;
            wake = () => {
              prev?.();
              resolve();
            };
          });
          continue;
        }
        await analyseOne(f).catch((e) => this.ctx.log.error(`workspace analysis: ${String(e)}`));
        analysed++;
        if (analysed % 20 === 0) report();
      }
    };
    const reader = async () => {
      try {
        const all: string[] = [];
        // The watcher watches each directory the walk reads (no second walk of the tree).
        const onDirectory = (dir: string, entries: readonly Dirent[]) => this.watcher?.adoptDirectory(dir, entries);
        for (const folder of folders) all.push(...(await walkGoFilesSliced(folder, { ignoreDirs: settings.ignoreDirs, onDirectory })));
        total = all.length;
        await findCgoCandidates(
          all,
          (f) => {
            candidates++;
            queue.push(f);
            notify();
          },
          {
            onProgress: (n) => {
              if (Math.floor(n / 1000) !== Math.floor(read / 1000)) report();
              read = n;
            },
          },
        );
      } finally {
        reading = false;
        notify();
      }
    };
    // Compiles are the slow part and the compile service bounds them (compileConcurrency: two on two cores, one
    // fewer than the cores above that); the static part of an analysis is short, so one analyser per compile slot
    // keeps them busy (as `cgo-ls check` does).
    const analysers = engine.compiler.concurrency;
    await Promise.all([reader().catch((e) => log.error(`workspace scan: ${String(e)}`)), ...Array.from({ length: analysers }, analyser)]);
    progress?.done();
    log.info(`workspace: ${candidates} cgo file(s) in ${modules.size} module(s) checked in ${Date.now() - started} ms`);
    await this.updateWatchedToolchainFiles();
  }

  async updateWatchedToolchainFiles(): Promise<void> {
    this.watcher?.setFiles(await this.ctx.engine.toolchainInputs());
  }

  async onFileChanges(changes: FileChange[]): Promise<void> {
    const { engine, documents, log } = this.ctx;
    const analyses = this.analyses;
    const tracked = analyses.tracked;
    const inputs = new Set(await engine.toolchainInputs());
    let toolchainChanged = false;
    const changedInputs: string[] = [];
    const again = new Set<string>();
    const trackedOrOpen = () => [...tracked, ...documents.all().flatMap((d) => uriToPath(d.uri) ?? [])];
    changes = withFilesOfDeletedDirs(changes, tracked);
    // One place decides what is stale: the engine's caches first (texts, listings, compiler results that read a
    // changed header), then what to analyse again.
    for (const f of engine.applyChanges(changes.filter((c) => !inputs.has(c.file) && !(c.file.endsWith('.go') && engine.isOpen(c.file))))) again.add(f);
    for (const c of changes) {
      const base = path.basename(c.file);
      if (inputs.has(c.file)) {
        toolchainChanged = true;
        changedInputs.push(`${c.file} (${c.kind})`);
        continue;
      }
      if (base === 'go.mod' || base === 'go.work') {
        const dir = path.dirname(c.file);
        engine.invalidateModule(dir);
        const prefix = dir + path.sep;
        for (const f of trackedOrOpen()) if (f.startsWith(prefix)) again.add(f);
        if (c.kind !== 'deleted') again.add(c.file);
        else {
          tracked.delete(c.file);
          analyses.clear(pathToUri(c.file));
        }
        continue;
      }
      if (tracked.has(c.file) && !c.file.endsWith('.go')) {
        // One of the packages' C sources: compiled again (or its diagnostics cleared when it is gone).
        if (c.kind === 'deleted') {
          tracked.delete(c.file);
          analyses.clear(pathToUri(c.file));
        } else again.add(c.file);
        continue;
      }
      if (c.file.endsWith('.go')) {
        if (engine.isOpen(c.file)) continue; // the editor's buffer wins over the disk
        // A file of a package appeared, changed or vanished: its siblings' merged #cgo flags may have moved.
        const dir = path.dirname(c.file);
        for (const f of trackedOrOpen()) if (path.dirname(f) === dir && f !== c.file && f.endsWith('.go')) again.add(f);
        if (c.kind === 'deleted') {
          if (tracked.delete(c.file) || analyses.published(c.file)) analyses.clear(pathToUri(c.file));
          analyses.forget(c.file);
          again.delete(c.file);
          continue;
        }
        if (this.ctx.settings().diagnosticsScope === 'workspace' || tracked.has(c.file)) {
          const text = await readTextFile(c.file);
          if (text !== null && isCgoCandidate(text, c.file)) {
            tracked.add(c.file);
            again.add(c.file);
          } else if (tracked.delete(c.file)) {
            analyses.clear(pathToUri(c.file));
          }
        }
        continue;
      }
    }
    if (toolchainChanged) {
      log.info(`toolchain inputs changed: ${changedInputs.join(', ')}; re-probing`);
      engine.invalidateToolchains();
      analyses.reanalyzeAll();
      await this.updateWatchedToolchainFiles();
      return;
    }
    for (const f of again) void analyses.run(pathToUri(f), 'run', true);
  }

  private handle(changes: FileChange[]): void {
    void this.onFileChanges(changes).catch((e) => this.ctx.log.error(`file change handling failed: ${String(e)}`));
  }

  startWatching(): void {
    const folders = this.ctx.folders();
    if (folders.length === 0) return;
    const settings = this.ctx.settings();
    this.watcher = new Watcher({
      folders,
      files: [],
      ignoreDirs: settings.ignoreDirs,
      // The scan (started right after this) walks the same folders and hands the watcher each directory it reads.
      walk: settings.diagnosticsScope !== 'workspace',
      log: this.ctx.log,
      onChanges: (changes) => this.handle(changes),
    });
    try {
      this.watcher.start();
    } catch (e) {
      this.ctx.log.warn(`file watching unavailable: ${String(e)}; relying on the editor's file events and on save`);
    }
    if (this.ctx.caps().workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void this.ctx.connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{go,c,h,cc,cpp,cxx,hh,hpp,hxx,S,s,m,syso}' }, { globPattern: '**/go.{mod,work}' }],
        })
        .catch(() => undefined);
    }
  }

  /** The client's `workspace/didChangeWatchedFiles`: into the watcher's batch, or handled at once without one. */
  clientChanges(events: FileEvent[]): void {
    for (const ch of events) {
      const file = uriToPath(ch.uri);
      if (!file) continue;
      const kind = ch.type === FileChangeType.Created ? 'created' : ch.type === FileChangeType.Deleted ? 'deleted' : 'changed';
      if (this.watcher) this.watcher.queue(file, kind);
      else this.handle([{ file, kind }]);
    }
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }
}
