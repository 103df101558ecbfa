// LookPath and the GOENV rules with injected Windows / macOS / Linux data (a fake file system), checked against
// what os/exec and cmd/go do on those systems.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  envGet,
  goQuote,
  lookPath,
  lookPathAll,
  makeEnv,
  mergeEnv,
  nodePlatform,
  pathExts,
  splitPathList,
  type Env,
  type GoOS,
  type Platform,
  type StatResult,
} from '../../server/src/toolchain/platform.js';
import { goEnvFileLocation, parseGoEnvFile, resolveValue, loadEnvLayers, describeSource, type EnvLayers } from '../../server/src/toolchain/goenv.js';

interface FakeFile {
  kind: 'file' | 'dir';
  exec?: boolean;
  content?: string;
  mtimeMs?: number;
}

/** A Platform over an in-memory file system. Windows paths compare case-insensitively, like NTFS. */
function fakePlatform(os: GoOS, env: Env, files: Record<string, FakeFile>, cwd: string): Platform {
  const p = os === 'windows' ? path.win32 : path.posix;
  const norm = (f: string) => {
    const abs = p.resolve(cwd, f);
    return os === 'windows' ? abs.toLowerCase() : abs;
  };
  const table = new Map<string, FakeFile & { ino: number }>();
  let ino = 1;
  for (const [k, v] of Object.entries(files)) table.set(norm(k), { ...v, ino: ino++ });
  const dirs = new Set<string>();
  for (const k of table.keys()) {
    let d = p.dirname(k);
    while (!dirs.has(d)) {
      dirs.add(d);
      const parent = p.dirname(d);
      if (parent === d) break;
      d = parent;
    }
  }
  const stat = async (f: string): Promise<StatResult> => {
    const n = norm(f);
    const e = table.get(n);
    if (e)
      return { ok: true, isFile: e.kind === 'file', isDirectory: e.kind === 'dir', mode: e.exec ? 0o755 : 0o644, mtimeMs: e.mtimeMs ?? 1, dev: 1, ino: e.ino };
    if (dirs.has(n)) return { ok: true, isFile: false, isDirectory: true, mode: 0o755, mtimeMs: 1, dev: 1, ino: 0 };
    return { ok: false, code: 'ENOENT' };
  };
  return {
    os,
    arch: 'amd64',
    env: makeEnv(env, os),
    cwd,
    stat,
    async isExecutableFile(f) {
      const e = table.get(norm(f));
      return !!e && e.kind === 'file' && (os === 'windows' || !!e.exec);
    },
    async exists(f) {
      return (await stat(f)).ok;
    },
    async readFile(f) {
      return table.get(norm(f))?.content ?? null;
    },
    async realpath(f) {
      return (await stat(f)).ok ? p.resolve(cwd, f) : null;
    },
    async mtimeMs(f) {
      return table.get(norm(f))?.mtimeMs ?? null;
    },
  };
}

describe('unix LookPath', () => {
  const files: Record<string, FakeFile> = {
    '/usr/bin/gcc': { kind: 'file', exec: true },
    '/opt/cross/bin/gcc': { kind: 'file', exec: true },
    '/usr/bin/notexec': { kind: 'file', exec: false },
    '/home/u/proj/gcc': { kind: 'file', exec: true },
    '/home/u/proj/sub': { kind: 'dir' },
  };
  const pl = (PATH: string) => fakePlatform('linux', { PATH }, files, '/home/u/proj');

  it('searches PATH in order', async () => {
    expect(await lookPath('gcc', pl('/opt/cross/bin:/usr/bin'))).toEqual({ ok: true, path: '/opt/cross/bin/gcc' });
    expect(await lookPath('gcc', pl('/nope:/usr/bin'))).toEqual({ ok: true, path: '/usr/bin/gcc' });
  });

  it('not found: the $PATH message', async () => {
    const r = await lookPath('clang', pl('/usr/bin'));
    expect(r).toMatchObject({ ok: false, kind: 'not-found', error: 'exec: "clang": executable file not found in $PATH' });
  });

  it('an empty PATH entry means "." and gives ErrDot', async () => {
    for (const PATH of ['/nope::/usr/bin', ':/usr/bin', '.:/usr/bin']) {
      const r = await lookPath('gcc', pl(PATH));
      expect(r).toMatchObject({ ok: false, kind: 'errdot', error: 'exec: "gcc": cannot run executable found relative to current directory' });
    }
  });

  it('names with a slash are checked directly, with stat / directory / permission errors', async () => {
    expect(await lookPath('/usr/bin/gcc', pl(''))).toEqual({ ok: true, path: '/usr/bin/gcc' });
    expect(await lookPath('./gcc', pl(''))).toEqual({ ok: true, path: './gcc' });
    expect(await lookPath('/x', pl('/usr/bin'))).toMatchObject({ ok: false, error: 'exec: "/x": stat /x: no such file or directory' });
    expect(await lookPath('/home/u/proj/sub', pl(''))).toMatchObject({ ok: false, kind: 'is-dir', error: 'exec: "/home/u/proj/sub": is a directory' });
    expect(await lookPath('/usr/bin/notexec', pl(''))).toMatchObject({ ok: false, kind: 'permission', error: 'exec: "/usr/bin/notexec": permission denied' });
  });

  it('a non-executable file on PATH is skipped', async () => {
    expect(await lookPath('notexec', pl('/usr/bin'))).toMatchObject({ ok: false, kind: 'not-found' });
  });

  it('"", "." and ".." are never found (validateLookPath)', async () => {
    expect(await lookPath('', pl('/usr/bin'))).toMatchObject({ ok: false, error: 'exec: "": executable file not found in $PATH' });
  });

  it('lookPathAll lists every match in PATH order, each directory once, skipping relative entries', async () => {
    expect(await lookPathAll('gcc', pl('/opt/cross/bin::/usr/bin:/opt/cross/bin:.'))).toEqual(['/opt/cross/bin/gcc', '/usr/bin/gcc']);
  });
});

describe('windows LookPath', () => {
  const files: Record<string, FakeFile> = {
    'C:\\msys64\\ucrt64\\bin\\gcc.exe': { kind: 'file' },
    'C:\\Program Files\\Go\\bin\\go.exe': { kind: 'file' },
    'C:\\Tools;x\\pkg-config.bat': { kind: 'file' },
    'C:\\tdm\\bin\\gcc.cmd': { kind: 'file' },
    'C:\\work\\proj\\gcc.exe': { kind: 'file' },
    'C:\\scripts\\tool.bat.exe': { kind: 'file' },
  };
  const pl = (env: Env, cwd = 'C:\\elsewhere') => fakePlatform('windows', env, files, cwd);

  it('uses %PATH% (any case) and the default PATHEXT', async () => {
    expect(pathExts({})).toEqual(['.com', '.exe', '.bat', '.cmd']);
    const r = await lookPath('gcc', pl({ Path: 'C:\\Windows;C:\\msys64\\ucrt64\\bin' }));
    expect(r).toEqual({ ok: true, path: 'C:\\msys64\\ucrt64\\bin\\gcc.exe' });
  });

  it('PATHEXT entries are lower-cased and get a dot; an explicit extension is tried first', async () => {
    expect(pathExts({ PATHEXT: '.EXE;CMD;;.Bat' })).toEqual(['.exe', '.cmd', '.bat']);
    // Only .CMD allowed: the .exe is not found, the tdm .cmd is.
    const r = await lookPath('gcc', pl({ PATH: 'C:\\msys64\\ucrt64\\bin;C:\\tdm\\bin', PATHEXT: '.CMD' }));
    expect(r).toEqual({ ok: true, path: 'C:\\tdm\\bin\\gcc.cmd' });
    expect(await lookPath('gcc.exe', pl({ PATH: 'C:\\msys64\\ucrt64\\bin' }))).toEqual({ ok: true, path: 'C:\\msys64\\ucrt64\\bin\\gcc.exe' });
    // "tool.bat" has an extension but does not exist; Go keeps trying exts: tool.bat.exe.
    expect(await lookPath('tool.bat', pl({ PATH: 'C:\\scripts' }))).toEqual({ ok: true, path: 'C:\\scripts\\tool.bat.exe' });
  });

  it('quoted %PATH% entries may contain ";"', async () => {
    expect(splitPathList('"C:\\Tools;x";C:\\b;', 'windows')).toEqual(['C:\\Tools;x', 'C:\\b', '']);
    expect(await lookPath('pkg-config', pl({ PATH: 'C:\\nope;"C:\\Tools;x"' }))).toEqual({ ok: true, path: 'C:\\Tools;x\\pkg-config.bat' });
  });

  it('not found: the %PATH% message; drive-letter paths are checked directly, quoted the Go way', async () => {
    expect(await lookPath('gcc', pl({ PATH: 'C:\\Windows' }))).toMatchObject({
      ok: false,
      error: 'exec: "gcc": executable file not found in %PATH%',
    });
    expect(await lookPath('C:\\msys64\\ucrt64\\bin\\gcc', pl({}))).toEqual({ ok: true, path: 'C:\\msys64\\ucrt64\\bin\\gcc.exe' });
    expect(await lookPath('D:\\mingw\\bin\\gcc', pl({}))).toMatchObject({
      ok: false,
      error: 'exec: "D:\\\\mingw\\\\bin\\\\gcc": executable file not found in %PATH%',
    });
    expect(await lookPath('D:\\mingw\\bin\\gcc.exe', pl({}))).toMatchObject({
      ok: false,
      error: 'exec: "D:\\\\mingw\\\\bin\\\\gcc.exe": file does not exist',
    });
  });

  it('the current directory: found only there → ErrDot, unless NoDefaultCurrentDirectoryInExePath is set', async () => {
    const inProj = (env: Env) => pl(env, 'C:\\work\\proj');
    expect(await lookPath('gcc', inProj({ PATH: 'C:\\Windows' }))).toMatchObject({
      ok: false,
      kind: 'errdot',
      error: 'exec: "gcc": cannot run executable found relative to current directory',
    });
    // The same name also on %PATH% but a different file: still ErrDot (the cwd one would have run).
    expect(await lookPath('gcc', inProj({ PATH: 'C:\\msys64\\ucrt64\\bin' }))).toMatchObject({ ok: false, kind: 'errdot' });
    expect(await lookPath('gcc', inProj({ PATH: 'C:\\msys64\\ucrt64\\bin', NoDefaultCurrentDirectoryInExePath: '' }))).toEqual({
      ok: true,
      path: 'C:\\msys64\\ucrt64\\bin\\gcc.exe',
    });
  });

  it('lookPathAll finds go.exe', async () => {
    expect(await lookPathAll('go', pl({ PATH: 'C:\\Program Files\\Go\\bin;c:\\program files\\go\\bin' }))).toEqual(['C:\\Program Files\\Go\\bin\\go.exe']);
  });

  it('goQuote escapes like strconv.Quote', () => {
    expect(goQuote('C:\\Program')).toBe('"C:\\\\Program"');
    expect(goQuote('a"b\n')).toBe('"a\\"b\\n"');
  });
});

describe('case-insensitive windows environment', () => {
  it('makeEnv: get/set/has/delete ignore case on windows only', () => {
    const w = makeEnv({ Path: 'C:\\a', AppData: 'C:\\Users\\u\\AppData\\Roaming' }, 'windows');
    expect(w.PATH).toBe('C:\\a');
    expect('APPDATA' in w).toBe(true);
    w.PATH = 'C:\\b';
    expect(Object.keys(w).filter((k) => k.toLowerCase() === 'path')).toEqual(['PATH']);
    expect(w.path).toBe('C:\\b');
    delete w.appdata;
    expect(w.AppData).toBeUndefined();
    const l = makeEnv({ Path: '/x' }, 'linux');
    expect(l.PATH).toBeUndefined();
  });

  it('mergeEnv: an editor override "PATH" replaces the process "Path"', () => {
    const m = mergeEnv({ Path: 'C:\\a', CC: 'gcc' }, { PATH: 'C:\\b' }, 'windows');
    expect(envGet(m, 'path', 'windows')).toBe('C:\\b');
    expect(Object.keys(m).sort()).toEqual(['CC', 'PATH']);
    expect(envGet({ Path: 'x' }, 'PATH', 'windows')).toBe('x');
    expect(envGet({ Path: 'x' }, 'PATH', 'darwin')).toBeUndefined();
  });
});

describe('GOENV file location (os.UserConfigDir)', () => {
  it('linux: $GOENV, off, absolute XDG_CONFIG_HOME, ~/.config', () => {
    expect(goEnvFileLocation({ GOENV: '/etc/goenv', HOME: '/h' }, 'linux')).toEqual({ path: '/etc/goenv', explicit: true });
    expect(goEnvFileLocation({ GOENV: 'off', HOME: '/h' }, 'linux')).toEqual({ path: null, explicit: true, reason: 'GOENV=off' });
    expect(goEnvFileLocation({ XDG_CONFIG_HOME: '/x', HOME: '/h' }, 'linux').path).toBe('/x/go/env');
    expect(goEnvFileLocation({ XDG_CONFIG_HOME: 'rel', HOME: '/h' }, 'linux')).toEqual({
      path: null,
      explicit: false,
      reason: 'path in $XDG_CONFIG_HOME is relative',
    });
    expect(goEnvFileLocation({ HOME: '/h' }, 'linux').path).toBe('/h/.config/go/env');
    expect(goEnvFileLocation({}, 'linux').reason).toBe('neither $XDG_CONFIG_HOME nor $HOME are defined');
  });

  it('macOS: ~/Library/Application Support/go/env (XDG ignored)', () => {
    expect(goEnvFileLocation({ HOME: '/Users/u', XDG_CONFIG_HOME: '/x' }, 'darwin').path).toBe('/Users/u/Library/Application Support/go/env');
  });

  it('windows: %AppData%\\go\\env, any case', () => {
    expect(goEnvFileLocation({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'windows').path).toBe('C:\\Users\\u\\AppData\\Roaming\\go\\env');
    expect(goEnvFileLocation({}, 'windows').reason).toBe('%AppData% is not defined');
  });
});

describe('go env file parsing and provenance', () => {
  it('parses KEY=VALUE like readEnvFile (comments, no =, lower-case ignored; values verbatim)', () => {
    const m = parseGoEnvFile('# comment\nCC=zig cc\nbad line\nlower=1\nCGO_CFLAGS=-O2 "-DX=a b"\r\nEMPTY=\nCC=clang\n');
    expect([...m.entries()]).toEqual([
      ['CC', 'clang'],
      ['CGO_CFLAGS', '-O2 "-DX=a b"\r'],
      ['EMPTY', ''],
    ]);
  });

  it('resolveValue: env (editor-tagged) > GOENV file > GOROOT/go.env > default; empty env counts as unset', async () => {
    const files: Record<string, FakeFile> = {
      'C:\\Users\\u\\AppData\\Roaming\\go\\env': { kind: 'file', content: 'CC=C:\\llvm-mingw\\bin\\clang.exe\nGOTOOLCHAIN=go1.24.0+auto\n' },
      'C:\\Program Files\\Go\\go.env': { kind: 'file', content: 'GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\nCC=should-lose\n' },
    };
    const pl = fakePlatform('windows', {}, files, 'C:\\');
    const env = mergeEnv({ AppData: 'C:\\Users\\u\\AppData\\Roaming', cgo_cflags: '-O1', CGO_LDFLAGS: '' }, { CXX: 'clang++' }, 'windows');
    const layers: EnvLayers = await loadEnvLayers(pl, env, { CXX: 'clang++' }, 'C:\\Program Files\\Go');
    expect(resolveValue(layers, 'CC')).toEqual({
      value: 'C:\\llvm-mingw\\bin\\clang.exe',
      source: 'goenv-file',
      file: 'C:\\Users\\u\\AppData\\Roaming\\go\\env',
    });
    expect(resolveValue(layers, 'GOTOOLCHAIN')?.source).toBe('goenv-file');
    expect(resolveValue(layers, 'GOPROXY')).toEqual({
      value: 'https://proxy.golang.org,direct',
      source: 'goroot-go.env',
      file: 'C:\\Program Files\\Go\\go.env',
    });
    expect(resolveValue(layers, 'CGO_CFLAGS')).toEqual({ value: '-O1', source: 'process-env' });
    expect(resolveValue(layers, 'CXX')).toEqual({ value: 'clang++', source: 'editor-settings' });
    expect(resolveValue(layers, 'CGO_LDFLAGS', '-O2 -g')).toEqual({ value: '-O2 -g', source: 'default' });
    expect(resolveValue(layers, 'PKG_CONFIG')).toBeNull();
    expect(describeSource(resolveValue(layers, 'CC')!)).toBe('from go env -w, C:\\Users\\u\\AppData\\Roaming\\go\\env');
  });

  it('macOS: the GOENV file under Application Support is read', async () => {
    const file = '/Users/u/Library/Application Support/go/env';
    const pl = fakePlatform('darwin', {}, { [file]: { kind: 'file', content: 'CC=/opt/homebrew/opt/llvm/bin/clang\n' } }, '/');
    const layers = await loadEnvLayers(pl, { HOME: '/Users/u' }, undefined, '/usr/local/go');
    expect(resolveValue(layers, 'CC')).toEqual({ value: '/opt/homebrew/opt/llvm/bin/clang', source: 'goenv-file', file });
    expect(layers.gorootFile).toBeNull();
  });
});

describe('nodePlatform', () => {
  it('maps Node names to GOOS/GOARCH and answers for real files', async () => {
    const pl = nodePlatform({ PATH: '/usr/bin:/bin' });
    expect(pl.os).toBe('linux');
    expect(pl.arch).toBe('amd64');
    expect(await pl.isExecutableFile('/usr/bin/gcc')).toBe(true);
    expect(await pl.isExecutableFile('/etc/passwd')).toBe(false);
    expect(await pl.stat('/nonexistent')).toEqual({ ok: false, code: 'ENOENT' });
    expect(await lookPath('gcc', pl)).toEqual({ ok: true, path: '/usr/bin/gcc' });
  });
});
