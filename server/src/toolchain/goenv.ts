// Where the go command's configuration values come from (cmd/go/internal/cfg): the process environment, the
// user's GOENV file (`go env -w`), and $GOROOT/go.env, in that order; then the toolchain's built-in default.
import type { EnvValue, ValueSource } from './types.js';
import { envGet, pathFor, type Env, type GoOS, type Platform } from './platform.js';

export interface GoEnvFileLocation {
  /** The file the go command reads and `go env -w` writes, or null when there is none. */
  path: string | null;
  /** Set when GOENV names the file explicitly. */
  explicit: boolean;
  /** Why there is no file (`GOENV=off`, `$HOME is not defined` …), as cfg.EnvFile reports it. */
  reason?: string;
}

/** os.UserConfigDir as Go implements it for `os`. */
export function userConfigDir(env: Env, os: GoOS): { dir: string } | { error: string } {
  const get = (k: string) => envGet(env, k, os) ?? '';
  switch (os) {
    case 'windows': {
      const dir = get('AppData');
      return dir ? { dir } : { error: '%AppData% is not defined' };
    }
    case 'darwin':
    case 'ios': {
      const home = get('HOME');
      return home ? { dir: home + '/Library/Application Support' } : { error: '$HOME is not defined' };
    }
    case 'plan9': {
      const home = get('home');
      return home ? { dir: home + '/lib' } : { error: '$home is not defined' };
    }
    default: {
      const xdg = get('XDG_CONFIG_HOME');
      if (xdg !== '') {
        if (!xdg.startsWith('/')) return { error: 'path in $XDG_CONFIG_HOME is relative' };
        return { dir: xdg };
      }
      const home = get('HOME');
      return home ? { dir: home + '/.config' } : { error: 'neither $XDG_CONFIG_HOME nor $HOME are defined' };
    }
  }
}

/** cfg.EnvFile: $GOENV (`off` disables it), else UserConfigDir()/go/env. GOENV is read from the OS env only. */
export function goEnvFileLocation(env: Env, os: GoOS): GoEnvFileLocation {
  const goenv = envGet(env, 'GOENV', os) ?? '';
  if (goenv !== '') {
    if (goenv === 'off') return { path: null, explicit: true, reason: 'GOENV=off' };
    return { path: goenv, explicit: true };
  }
  const dir = userConfigDir(env, os);
  if ('error' in dir) return { path: null, explicit: false, reason: dir.error };
  return { path: pathFor(os).join(dir.dir, 'go', 'env'), explicit: false };
}

/**
 * readEnvFile: `KEY=VALUE` per line; lines without `=`, empty lines and lines not starting with an upper-case ASCII
 * letter (comments) are ignored. Values are taken verbatim (no quotes removed, no trimming; a trailing `\r` stays,
 * as in Go). Later lines win.
 */
export function parseGoEnvFile(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i < 0 || line.length === 0 || line[0]! < 'A' || line[0]! > 'Z') continue;
    m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

export interface EnvFileData {
  path: string;
  values: Map<string, string>;
}

/** Everything resolveValue needs. */
export interface EnvLayers {
  os: GoOS;
  /** The environment the go command sees: process env with the editor overrides applied. */
  env: Env;
  /** The editor's overrides (cgo.env setting); a key set here is tagged 'editor-settings'. */
  editorEnv?: Record<string, string>;
  userFile: EnvFileData | null;
  userFileLocation: GoEnvFileLocation;
  gorootFile: EnvFileData | null;
}

/**
 * cfg.Getenv with provenance: a non-empty OS env value (tagged 'editor-settings' when the editor override supplied
 * it) > the user GOENV file > $GOROOT/go.env > `def` (tagged `defSource`). Returns null when nothing applies and no
 * default is given. An empty value anywhere counts as unset, except in the files (Go keeps `KEY=` from a file).
 */
export function resolveValue(
  layers: EnvLayers,
  key: string,
  def?: string,
  defSource: Extract<ValueSource, 'default' | 'computed'> = 'default',
): EnvValue | null {
  const v = envGet(layers.env, key, layers.os);
  if (v !== undefined && v !== '') {
    const fromEditor =
      layers.editorEnv !== undefined && envGet(layers.editorEnv, key, layers.os) !== undefined && envGet(layers.editorEnv, key, layers.os) === v;
    return { value: v, source: fromEditor ? 'editor-settings' : 'process-env' };
  }
  const u = layers.userFile?.values.get(key);
  if (u !== undefined) return { value: u, source: 'goenv-file', file: layers.userFile!.path };
  const g = layers.gorootFile?.values.get(key);
  if (g !== undefined) return { value: g, source: 'goroot-go.env', file: layers.gorootFile!.path };
  if (def !== undefined) return { value: def, source: defSource };
  return null;
}

/** Reads the GOENV file (located from the process/editor env) and $GOROOT/go.env. Missing files give null. */
export async function loadEnvLayers(
  platform: Platform,
  env: Env,
  editorEnv: Record<string, string> | undefined,
  goroot: string | null | undefined,
): Promise<EnvLayers> {
  const loc = goEnvFileLocation(env, platform.os);
  const read = async (p: string | null | undefined): Promise<EnvFileData | null> => {
    if (!p) return null;
    const text = await platform.readFile(p);
    return text === null ? null : { path: p, values: parseGoEnvFile(text) };
  };
  const [userFile, gorootFile] = await Promise.all([read(loc.path), read(goroot ? pathFor(platform.os).join(goroot, 'go.env') : null)]);
  return { os: platform.os, env, editorEnv, userFile, userFileLocation: loc, gorootFile };
}

/** "from go env -w, /home/u/.config/go/env" — how reports name a source. */
export function describeSource(v: Pick<EnvValue, 'source' | 'file'>): string {
  switch (v.source) {
    case 'process-env':
      return 'from the environment';
    case 'editor-settings':
      return 'from the editor settings (cgo.env)';
    case 'goenv-file':
      return `from go env -w, ${v.file ?? 'the GOENV file'}`;
    case 'goroot-go.env':
      return `from ${v.file ?? '$GOROOT/go.env'}`;
    case 'default':
      return 'toolchain default';
    case 'computed':
      return 'computed by the go command';
  }
}
