// The persistent cache of toolchain facts (server/src/toolchain/diskcache.ts): hits and misses, what invalidates an
// entry (the binary's mtime or size, the variables the tool reads, the workspace's go.mod by content), corrupt and
// truncated entries, concurrent writers, an unwritable directory, and the probe giving the same model from the cache
// as from the tools. The COUNTING compilers below are test fakes (shell scripts that log each call, then run gcc).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { binaryStamp, cacheDirFromEnv, FACTS_FORMAT, FactCache, toolKey } from '../../server/src/toolchain/diskcache.js';
import { probeToolchain } from '../../server/src/toolchain/probe.js';
import { sandboxesPerTest } from './helpers.js';

const temps: string[] = [];
function temp(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `cgo-ls-${prefix}-`));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logger() {
  const warn: string[] = [];
  const info: string[] = [];
  return { warn, info, log: { warn: (m: string) => void warn.push(m), info: (m: string) => void info.push(m) } };
}

const entries = (dir: string) => readdirSync(path.join(dir, `facts-v${FACTS_FORMAT}`));

describe('FactCache', () => {
  it('misses, then hits what was stored, for the same kind and key only', async () => {
    const dir = temp('fc');
    const c = new FactCache(dir);
    expect(await c.get('k', { a: 1 })).toBeUndefined();
    await c.set('k', { a: 1 }, { answer: 42 });
    expect(await c.get('k', { a: 1 })).toEqual({ answer: 42 });
    expect(await c.get('k', { a: 2 })).toBeUndefined();
    expect(await c.get('other', { a: 1 })).toBeUndefined();
    // Another instance (another server) on the same directory sees it.
    expect(await new FactCache(dir).get('k', { a: 1 })).toEqual({ answer: 42 });
    expect(c.stats).toMatchObject({ hits: 1, writes: 1 });
  });

  it('memo computes once, and never stores an answer it is told not to keep (a timeout)', async () => {
    const c = new FactCache(temp('fc'));
    let runs = 0;
    const compute = async () => ({ value: ++runs, store: true });
    expect(await c.memo('k', 'key', compute)).toBe(1);
    expect(await c.memo('k', 'key', compute)).toBe(1);
    expect(runs).toBe(1);
    const timedOut = async () => ({ value: 'partial', store: false });
    expect(await c.memo('t', 'key', timedOut)).toBe('partial');
    expect(await c.get('t', 'key')).toBeUndefined();
    // A null key is "not cacheable": it always computes.
    expect(await c.memo('k', null, compute)).toBe(2);
  });

  it('memo does not wait for its store: a get meanwhile answers from memory, flush waits for the file, refresh forgets', async () => {
    const dir = temp('fc');
    const c = new FactCache(dir);
    const stored = () => (existsSync(path.join(dir, `facts-v${FACTS_FORMAT}`)) ? entries(dir).filter((n) => n.endsWith('.json')) : []);
    expect(await c.memo('k', 'key', async () => ({ value: { n: 1 }, store: true }))).toEqual({ n: 1 });
    // memo returned before its store reached the disk (a file write needs turns of the event loop; none passed) …
    expect(stored()).toEqual([]);
    // … and a get meanwhile is answered from memory.
    const hits = c.stats.hits;
    expect(await c.get('k', 'key')).toEqual({ n: 1 });
    expect(c.stats.hits).toBe(hits + 1);
    await c.flush();
    expect(entries(dir)).toHaveLength(1);
    expect(await new FactCache(dir).get('k', 'key')).toEqual({ n: 1 });
    // A store still in flight is not an answer after cgo.refresh.
    c.setLater('k', 'other', { n: 2 });
    await new Promise((r) => setTimeout(r, 5)); // entries carry a time in ms: the refresh comes later
    c.distrustOlderEntries();
    expect(await c.get('k', 'other')).toBeUndefined();
    await c.flush();
  });

  it('ignores a corrupt or truncated entry (logged), and rewrites it on the next store', async () => {
    const dir = temp('fc');
    const l = logger();
    const c = new FactCache(dir, l.log);
    await c.set('k', 'key', { big: 'x'.repeat(100) });
    const [name] = entries(dir);
    const file = path.join(dir, `facts-v${FACTS_FORMAT}`, name!);
    const whole = readFileSync(file, 'utf8');
    writeFileSync(file, whole.slice(0, whole.length / 2)); // truncated
    expect(await c.get('k', 'key')).toBeUndefined();
    writeFileSync(file, '\0\0garbage');
    expect(await c.get('k', 'key')).toBeUndefined();
    expect(c.stats.corrupt).toBe(2);
    expect(l.info.join('\n')).toMatch(/ignoring .*facts-v1.*rewritten/);
    let runs = 0;
    expect(await c.memo('k', 'key', async () => ({ value: { big: 'y' }, store: true }))).toEqual({ big: 'y' });
    runs++;
    await c.flush(); // memo does not wait for its store
    expect(JSON.parse(readFileSync(file, 'utf8')).value).toEqual({ big: 'y' });
    expect(await c.get('k', 'key')).toEqual({ big: 'y' });
    expect(runs).toBe(1);
  });

  it('ignores an entry of another format version or whose stored key differs', async () => {
    const dir = temp('fc');
    const c = new FactCache(dir);
    await c.set('k', 'key', 1);
    const file = path.join(dir, `facts-v${FACTS_FORMAT}`, entries(dir)[0]!);
    const e = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...e, format: FACTS_FORMAT + 1 }));
    expect(await c.get('k', 'key')).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...e, key: 'another' }));
    expect(await c.get('k', 'key')).toBeUndefined();
  });

  it('two writers on one directory: every entry readable, never half-written, no temporary file left', async () => {
    const dir = temp('fc');
    const a = new FactCache(dir);
    const b = new FactCache(dir);
    const reader = new FactCache(dir);
    const value = (w: string, i: number) => ({ writer: w, i, pad: 'p'.repeat(20_000) });
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      // Same key from both writers, and one key each.
      work.push(a.set('same', i % 5, value('a', i)), b.set('same', i % 5, value('b', i)), a.set('a', i, value('a', i)), b.set('b', i, value('b', i)));
      work.push(reader.get('same', i % 5));
    }
    await Promise.all(work);
    expect(reader.stats.corrupt).toBe(0);
    for (let i = 0; i < 5; i++) expect((await reader.get<{ pad: string }>('same', i))?.pad.length).toBe(20_000);
    for (let i = 0; i < 40; i++) {
      expect(await reader.get('a', i)).toEqual(value('a', i));
      expect(await reader.get('b', i)).toEqual(value('b', i));
    }
    expect(entries(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(reader.stats.corrupt).toBe(0);
  });

  it('an unwritable directory turns the cache off for the process, logged once; answers are still computed', async () => {
    const parent = temp('fc');
    const notADir = path.join(parent, 'file');
    writeFileSync(notADir, 'x'); // a directory below a regular file cannot be made, even by root
    const l = logger();
    const c = new FactCache(path.join(notADir, 'cache'), l.log);
    expect(c.enabled).toBe(true);
    let runs = 0;
    for (let i = 0; i < 3; i++) expect(await c.memo('k', `key${i}`, async () => ({ value: ++runs, store: true }))).toBe(runs);
    await c.flush();
    expect(runs).toBe(3);
    expect(c.enabled).toBe(false);
    expect(l.warn).toHaveLength(1);
    expect(l.warn[0]).toMatch(/disk cache off for this run: .* is not writable/);
  });

  it('stays bounded: past its maximum, the first store of a process removes the oldest entries', async () => {
    const dir = temp('fc');
    const first = new FactCache(dir, undefined, 10);
    for (let i = 0; i < 12; i++) await first.set('k', i, i);
    expect(entries(dir)).toHaveLength(12); // one prune per process, at its first store (then 1 entry)
    const old = new Date(Date.now() - 3_600_000);
    for (const n of entries(dir).slice(0, 12)) utimesSync(path.join(dir, `facts-v${FACTS_FORMAT}`, n), old, old);
    const next = new FactCache(dir, undefined, 10);
    await next.set('k', 'new', 'newest');
    expect(entries(dir)).toHaveLength(5);
    expect(await next.get('k', 'new')).toBe('newest');
  });

  it('after distrustOlderEntries, stored answers are misses until written again', async () => {
    const c = new FactCache(temp('fc'));
    await c.set('k', 'key', 1);
    await new Promise((r) => setTimeout(r, 5));
    c.distrustOlderEntries();
    expect(await c.get('k', 'key')).toBeUndefined();
    await c.set('k', 'key', 2);
    expect(await c.get('k', 'key')).toBe(2);
  });
});

describe('where the cache lives', () => {
  it('CGO_LS_CACHE_DIR moves it or (off) disables it; otherwise the user cache directory', () => {
    expect(cacheDirFromEnv({ CGO_LS_CACHE_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    for (const off of ['off', 'OFF', '0', 'false']) expect(cacheDirFromEnv({ CGO_LS_CACHE_DIR: off }, 'linux')).toBeNull();
    expect(cacheDirFromEnv({ cgo_ls_cache_dir: 'off' }, 'windows')).toBeNull();
    expect(cacheDirFromEnv({}, 'linux')).toMatch(/cgo-ls$/);
    expect(new FactCache(null).enabled).toBe(false);
  });
});

describe('keys', () => {
  /** A binary that is not a script (the key then holds only the variables a compiler reads). */
  function fakeBinary(dir: string): string {
    const f = path.join(dir, 'cc');
    writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
    chmodSync(f, 0o755);
    return f;
  }
  const keyOf = async (f: string, env: NodeJS.ProcessEnv) => JSON.stringify(toolKey((await binaryStamp(f))!, env, 'compiler', 'linux'));

  it('change with the binary mtime and size, and with a variable the compiler reads, not with others', async () => {
    const f = fakeBinary(temp('key'));
    const env = { PATH: '/usr/bin', CPATH: '/a', EDITOR_PID: '1' };
    const k0 = await keyOf(f, env);
    expect(await keyOf(f, { ...env, EDITOR_PID: '2', CGO_LS_RUN: 'x', CGO_LS_CACHE_DIR: '/elsewhere' })).toBe(k0);
    expect(await keyOf(f, { ...env, CPATH: '/b' })).not.toBe(k0);
    expect(await keyOf(f, { ...env, PATH: '/opt/bin:/usr/bin' })).not.toBe(k0);
    utimesSync(f, new Date(), new Date(Date.now() + 60_000));
    const k1 = await keyOf(f, env);
    expect(k1).not.toBe(k0);
    appendFileSync(f, Buffer.from([9]));
    expect(await keyOf(f, env)).not.toBe(k1);
  });

  it('a script is keyed by the whole environment (its answer may depend on any variable)', async () => {
    const dir = temp('key');
    const f = path.join(dir, 'cc');
    writeFileSync(f, '#!/bin/sh\nexec gcc "$@"\n');
    chmodSync(f, 0o755);
    expect((await binaryStamp(f))!.script).toBe(true);
    const env = { PATH: '/usr/bin', TARGET: 'a' };
    expect(await keyOf(f, env)).not.toBe(await keyOf(f, { ...env, TARGET: 'b' }));
  });

  it('a binary that cannot be read has no stamp (nothing is cached for it)', async () => {
    expect(await binaryStamp('/nonexistent/cc')).toBeNull();
  });
});

describe('probeToolchain with the disk cache', () => {
  const box = sandboxesPerTest();

  /** A COUNTING compiler (test fake): logs each call's arguments to calls.log, then runs the real gcc. */
  function countingCC(dir: string): { cc: string; calls: () => string[] } {
    const cc = path.join(dir, 'counting-cc');
    const log = path.join(dir, 'calls.log');
    writeFileSync(cc, `#!/bin/sh\n# COUNTING C COMPILER (test fake): one line per call, then the real gcc.\necho "$*" >> '${log}'\nexec gcc "$@"\n`);
    chmodSync(cc, 0o755);
    return { cc, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []) };
  }
  const strip = (m: unknown) => JSON.parse(JSON.stringify(m));

  it('a second probe runs no identity probe and gives the same model; a changed compiler or variable is asked again', async () => {
    const b = box();
    const tools = mkdtempSync(path.join(b.root, 'tools-'));
    const spy = countingCC(tools);
    const cache = new FactCache(temp('probe'));
    const env = { ...b.env, CC: spy.cc };
    const first = await probeToolchain(b.ws, { env, cache });
    await cache.flush(); // the probe does not wait for its stores
    expect(first.cc).toMatchObject({ path: spy.cc, family: 'gcc', target: 'x86_64-linux-gnu' });
    // The identity probes, and `go env -json`'s own compiler runs (GOGCCFLAGS).
    const n = spy.calls().length;
    expect(spy.calls()).toEqual(expect.arrayContaining(['--version', '-dumpmachine']));
    const writes = cache.stats.writes;
    expect(writes).toBeGreaterThanOrEqual(4); // go env + version, CC, CXX, pkg-config

    const second = await probeToolchain(b.ws, { env, cache });
    expect(spy.calls()).toHaveLength(n);
    expect(strip(second)).toEqual(strip(first));
    expect(cache.stats.hits).toBeGreaterThanOrEqual(writes);

    // A compiler that changed (mtime) is asked again, by the probe and by go env (which may answer part of it from
    // Go's own build cache, so only "more calls" is certain for it).
    const versions = () => spy.calls().filter((c) => c === '--version').length;
    utimesSync(spy.cc, new Date(), new Date(Date.now() + 120_000));
    await probeToolchain(b.ws, { env, cache });
    expect(versions()).toBe(2);
    expect(spy.calls().length).toBeGreaterThan(n + 2);
    // So is one run with another environment.
    await probeToolchain(b.ws, { env: { ...env, CPATH: '/nonexistent' }, cache });
    expect(versions()).toBe(3);
    // Without a cache every probe asks.
    await probeToolchain(b.ws, { env, cache: null });
    expect(versions()).toBe(4);
  });

  it('go env is stored with the workspace go.mod by content: editing go.mod asks the go command again', async () => {
    const b = box();
    const cache = new FactCache(temp('probe'));
    await probeToolchain(b.ws, { env: b.env, cache });
    const misses = cache.stats.misses;
    const again = await probeToolchain(b.ws, { env: b.env, cache });
    expect(cache.stats.misses).toBe(misses);
    expect(again.go.env?.['GOMOD']).toBe(path.join(b.ws, 'go.mod'));
    writeFileSync(path.join(b.ws, 'go.mod'), 'module example.com/other\n\ngo 1.22\n');
    await probeToolchain(b.ws, { env: b.env, cache });
    expect(cache.stats.misses).toBe(misses + 1); // the go entry only
    // A sub-directory without go.mod of its own is another cwd: another entry.
    mkdirSync(path.join(b.ws, 'sub'));
    const sub = await probeToolchain(path.join(b.ws, 'sub'), { env: b.env, cache });
    expect(sub.go.env?.['GOMOD']).toBe(path.join(b.ws, 'go.mod'));
  });

  it('the shim of a version manager (a script named go) is never cached', async () => {
    const b = box();
    const shimDir = mkdtempSync(path.join(b.root, 'shim-'));
    const log = path.join(shimDir, 'go.log');
    writeFileSync(
      path.join(shimDir, 'go'),
      `#!/bin/sh\n# GO SHIM (test fake): logs, then runs the real go.\necho "$*" >> '${log}'\nexec /usr/local/go/bin/go "$@"\n`,
    );
    chmodSync(path.join(shimDir, 'go'), 0o755);
    const cache = new FactCache(temp('probe'));
    const env = { ...b.env, PATH: `${shimDir}:${b.env['PATH']}` };
    await probeToolchain(b.ws, { env, cache });
    const n = readFileSync(log, 'utf8').trim().split('\n').length;
    await probeToolchain(b.ws, { env, cache });
    expect(readFileSync(log, 'utf8').trim().split('\n').length).toBe(2 * n);
  });
});
