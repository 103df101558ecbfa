// The server's file watcher (engine/watcher.ts) on the real file system with real `fs.watch`: one watch per
// directory, never per file; creations, changes and deletions of relevant files (nested and in directories made
// after the start); deleted directories; ignored names; toolchain files watched through their directory with only
// real changes reported; degraded mode when the OS refuses a watch (ENOSPC, injected). "Nothing reported" is
// always checked against a later change that is reported (no sleeps, no timing thresholds).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pathFor, recursiveEventPath, watchModeFor, Watcher, type FileChange, type WatcherOptions } from '../../server/src/engine/watcher.js';
import { walkGoFilesSliced } from '../../server/src/engine/workspace.js';

const IGNORE = ['.git', 'node_modules', 'vendor', 'testdata'];

let root: string;
let watcher: Watcher | null = null;
let seen: FileChange[] = [];
let warnings: string[] = [];

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-watcher-')));
  seen = [];
  warnings = [];
});
afterEach(async () => {
  await watcher?.close();
  watcher = null;
  fs.rmSync(root, { recursive: true, force: true });
});

function mk(...parts: string[]): string {
  const d = path.join(root, ...parts);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

async function startWatcher(over: Partial<WatcherOptions> = {}): Promise<Watcher> {
  watcher = new Watcher({
    folders: [root],
    files: [],
    ignoreDirs: IGNORE,
    log: { error() {}, warn: (m) => warnings.push(m), info() {}, debug() {} },
    onChanges: (changes) => seen.push(...changes),
    delayMs: 30,
    platform: 'linux',
    ...over,
  });
  watcher.start();
  await watcher.ready();
  return watcher;
}

/** Waits until a change for `file` (of `kind`, when given) has been reported. */
async function waitChange(file: string, kind?: FileChange['kind'], timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!seen.some((c) => c.file === file && (kind === undefined || c.kind === kind))) {
    if (Date.now() > end) throw new Error(`no ${kind ?? 'change'} for ${file}; seen: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const of = (file: string) => seen.filter((c) => c.file === file);

describe('Watcher, one watch per directory (Linux)', () => {
  it('puts exactly one watch on each directory, skipping dot-dirs and ignored names', async () => {
    mk('a', 'b', 'c');
    mk('a', 'd');
    mk('_under');
    mk('vendor', 'x');
    mk('.git', 'objects');
    mk('a', 'node_modules', 'm');
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, 'a', 'b', `f${i}.go`), 'package b\n');
    const w = await startWatcher();
    // root, a, a/b, a/b/c, a/d, _under: six directories, whatever the number of files.
    expect(w.watchCount).toBe(6);
  });

  it('with walk: false, watches the directories the workspace scan reads, and walks the `_` directories the scan skips', async () => {
    mk('a', 'b');
    mk('_under', 'x');
    mk('vendor', 'v');
    fs.writeFileSync(path.join(root, 'a', 'b', 'f.go'), 'package b\n');
    const w = await startWatcher({ walk: false });
    expect(w.watchCount).toBe(0);
    const read: string[] = [];
    const goFiles = await walkGoFilesSliced(root, {
      ignoreDirs: IGNORE,
      onDirectory: (dir, entries) => {
        read.push(path.relative(root, dir) || '.');
        w.adoptDirectory(dir, entries);
      },
    });
    expect(goFiles).toEqual([path.join(root, 'a', 'b', 'f.go')]);
    expect(read.sort()).toEqual(['.', 'a', 'a/b']);
    await w.ready();
    // root, a, a/b from the scan; _under and _under/x walked by the watcher.
    expect(w.watchCount).toBe(5);
    const h = path.join(root, '_under', 'x', 'inc.h');
    fs.writeFileSync(h, '#define X 1\n');
    await waitChange(h, 'created');
    const g = path.join(root, 'a', 'b', 'g.go');
    fs.writeFileSync(g, 'package b\n');
    await waitChange(g, 'created');
  });

  it('reports creation, change and deletion of a .go file in a nested directory', async () => {
    const dir = mk('p', 'q');
    await startWatcher();
    const f = path.join(dir, 'a.go');
    fs.writeFileSync(f, 'package q\n');
    await waitChange(f, 'created');
    fs.appendFileSync(f, '// more\n');
    await waitChange(f, 'changed');
    fs.rmSync(f);
    await waitChange(f, 'deleted');
  });

  it('watches a directory created after the start and reports the file written in it', async () => {
    const w = await startWatcher();
    const before = w.watchCount;
    const dir = path.join(root, 'later', 'deeper');
    fs.mkdirSync(dir, { recursive: true });
    const f = path.join(dir, 'x.h');
    fs.writeFileSync(f, '#define X 1\n');
    await waitChange(f, 'created');
    await w.ready();
    expect(w.watchCount).toBe(before + 2);
    // The new directory's own watch reports later changes.
    const g = path.join(dir, 'y.go');
    fs.writeFileSync(g, 'package deeper\n');
    await waitChange(g, 'created');
  });

  it('reports a deleted directory as deleted and drops its watches', async () => {
    const dir = mk('gone', 'sub');
    fs.writeFileSync(path.join(dir, 'a.go'), 'package sub\n');
    const w = await startWatcher();
    expect(w.watchCount).toBe(3);
    fs.rmSync(path.join(root, 'gone'), { recursive: true });
    await waitChange(path.join(root, 'gone'), 'deleted');
    await waitChange(path.join(dir, 'a.go'), 'deleted');
    expect(w.watchCount).toBe(1);
    expect(w.isDegraded).toBe(false);
  });

  it('reports a directory moved away as deleted (the files below it were not reported one by one)', async () => {
    mk('moved');
    fs.writeFileSync(path.join(root, 'moved', 'a.go'), 'package moved\n');
    const elsewhere = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-watcher-away-')));
    try {
      const w = await startWatcher();
      fs.renameSync(path.join(root, 'moved'), path.join(elsewhere, 'moved'));
      await waitChange(path.join(root, 'moved'), 'deleted');
      expect(w.watchCount).toBe(1);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('ignores irrelevant files and everything in ignored or dot directories', async () => {
    mk('vendor');
    mk('.hidden');
    mk('pkg');
    await startWatcher();
    fs.writeFileSync(path.join(root, 'pkg', 'notes.txt'), 'x');
    fs.writeFileSync(path.join(root, 'pkg', '.a.go.swp'), 'x');
    fs.writeFileSync(path.join(root, 'vendor', 'v.go'), 'package v\n');
    fs.writeFileSync(path.join(root, '.hidden', 'h.go'), 'package h\n');
    mk('node_modules', 'deep');
    fs.writeFileSync(path.join(root, 'node_modules', 'deep', 'n.c'), 'int n;\n');
    const sentinel = path.join(root, 'pkg', 'sentinel.go');
    fs.writeFileSync(sentinel, 'package pkg\n');
    await waitChange(sentinel, 'created');
    expect(seen.map((c) => path.relative(root, c.file))).toEqual(['pkg/sentinel.go']);
  });

  it('keeps a creation followed by writes in one batch as a creation', async () => {
    await startWatcher({ delayMs: 300 });
    const f = path.join(root, 'c.c');
    fs.writeFileSync(f, 'int a;\n');
    fs.appendFileSync(f, 'int b;\n');
    await waitChange(f);
    expect(of(f)).toEqual([{ file: f, kind: 'created' }]);
  });
});

describe('Watcher, toolchain files', () => {
  it('sees a toolchain file replaced atomically (tmp + rename) once, watching its directory without reading it', async () => {
    const bin = mk('bin');
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(bin, `tool${i}`), 'x');
    const env = path.join(bin, 'env');
    const other = path.join(bin, 'other');
    fs.writeFileSync(env, 'CC=gcc\n');
    fs.writeFileSync(other, '1');
    const w = await startWatcher({ folders: [] });
    w.setFiles([env, other]);
    expect(w.watchCount).toBe(1);
    const tmp = path.join(bin, 'env.tmp123');
    fs.writeFileSync(tmp, 'CC=clang-99\n');
    fs.renameSync(tmp, env);
    await waitChange(env);
    fs.writeFileSync(other, '22');
    await waitChange(other);
    expect(of(env)).toHaveLength(1);
    // Neither the temporary file nor the 200 other entries of the directory are reported.
    expect(seen.map((c) => path.basename(c.file)).sort()).toEqual(['env', 'other']);
  });

  it('does not report a toolchain file whose size, mtime and inode did not change', async () => {
    const dir = mk('goroot');
    const goenv = path.join(dir, 'go.env');
    const other = path.join(dir, 'other');
    fs.writeFileSync(goenv, 'GOTOOLCHAIN=auto\n');
    fs.writeFileSync(other, '1');
    const t = 1_700_000_000; // whole seconds: a Date would lose the sub-millisecond part of the mtime
    fs.utimesSync(goenv, t, t);
    const w = await startWatcher({ folders: [] });
    w.setFiles([goenv, other]);
    // Same bytes written in place, then the mtime put back: events fire, the stamp is the same.
    fs.writeFileSync(goenv, 'GOTOOLCHAIN=auto\n');
    fs.utimesSync(goenv, t, t);
    fs.writeFileSync(other, '22');
    await waitChange(other);
    expect(of(goenv)).toEqual([]);
  });

  it('waits for a toolchain file whose directory does not exist yet (go env -w creating ~/.config/go)', async () => {
    const w = await startWatcher({ folders: [] });
    const env = path.join(root, 'config', 'go', 'env');
    w.setFiles([env]);
    fs.mkdirSync(path.dirname(env), { recursive: true });
    fs.writeFileSync(env, 'CC=clang\n');
    await waitChange(env);
    const tmp = path.join(path.dirname(env), 'tmp');
    fs.writeFileSync(tmp, 'CC=gcc-12\n');
    fs.renameSync(tmp, env);
    await waitChange(env);
    expect(of(env).length).toBeGreaterThanOrEqual(1);
    expect(w.watchCount).toBe(1);
  });
});

describe('Watcher, degraded mode', () => {
  it('on ENOSPC (injected fault: the OS refuses the fourth watch) logs once, is degraded, and still passes on client events', async () => {
    for (let i = 0; i < 6; i++) mk(`d${i}`);
    let calls = 0;
    const enospcAfterThree = ((dir: fs.PathLike, options: fs.WatchOptions, listener: fs.WatchListener<string>) => {
      if (++calls > 3) throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${String(dir)}'`), { code: 'ENOSPC' });
      return fs.watch(dir, options, listener);
    }) as typeof fs.watch;
    const w = await startWatcher({ watchForTests: enospcAfterThree });
    expect(w.isDegraded).toBe(true);
    expect(w.watchCount).toBe(3);
    // A new directory: the watch is refused again, without a second log line.
    fs.mkdirSync(path.join(root, 'd0', 'new'));
    const client = path.join(root, 'd5', 'from-client.go');
    w.queue(client, 'created');
    await waitChange(client, 'created');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/file watching degraded: the OS limit on file watches was reached/);
  });
});

describe('Watcher, platform choice', () => {
  it('uses one recursive watch per folder where it is native (macOS, Windows), one watch per directory elsewhere', () => {
    expect(watchModeFor('darwin')).toBe('recursive');
    expect(watchModeFor('win32')).toBe('recursive');
    expect(watchModeFor('linux')).toBe('per-directory');
    expect(watchModeFor('freebsd')).toBe('per-directory');
    expect(watchModeFor('aix')).toBe('per-directory');
  });

  it('maps a recursive event name to a path with the platform flavour, skipping ignored and dot components', () => {
    const ignore = new Set(IGNORE);
    const win = pathFor('win32');
    expect(recursiveEventPath(win, 'C:\\Users\\me\\ws', 'pkg\\sub\\a.go', ignore)).toBe('C:\\Users\\me\\ws\\pkg\\sub\\a.go');
    expect(recursiveEventPath(win, 'D:\\', 'a.h', ignore)).toBe('D:\\a.h');
    expect(recursiveEventPath(win, 'C:\\ws', 'pkg\\node_modules\\x.h', ignore)).toBeNull();
    expect(recursiveEventPath(win, 'C:\\ws', '.git\\index', ignore)).toBeNull();
    const mac = pathFor('darwin');
    expect(recursiveEventPath(mac, '/Users/me/ws', 'pkg/a.go', ignore)).toBe('/Users/me/ws/pkg/a.go');
    expect(recursiveEventPath(mac, '/Users/me/ws', 'vendor/x/a.go', ignore)).toBeNull();
    expect(recursiveEventPath(mac, '/Users/me/ws', 'pkg/.a.go.swp', ignore)).toBeNull();
  });

  it('with the platform data of macOS puts one recursive watch on the folder and reports nested changes', async () => {
    mk('a', 'b');
    mk('vendor');
    const w = await startWatcher({ platform: 'darwin' });
    expect(w.watchCount).toBe(1);
    fs.writeFileSync(path.join(root, 'vendor', 'v.go'), 'package v\n');
    const f = path.join(root, 'a', 'b', 'x.go');
    fs.writeFileSync(f, 'package b\n');
    await waitChange(f, 'created');
    fs.rmSync(f);
    await waitChange(f, 'deleted');
    expect(seen.every((c) => c.file === f)).toBe(true);
  });
});
