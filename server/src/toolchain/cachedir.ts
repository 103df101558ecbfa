// Where cgo-ls keeps what it caches on disk (the toolchain facts of diskcache.ts, the compile results, V8's code
// cache of the bundle): `CGO_LS_CACHE_DIR` when set (`off` disables every cache), else the user cache directory
// (`env-paths`: ~/.cache/cgo-ls on Linux, ~/Library/Caches/cgo-ls on macOS, %LOCALAPPDATA%\cgo-ls\Cache on Windows).
// Its own small module: the entry (boot.ts) needs it before the bundle is loaded.
import envPaths from 'env-paths';
import { envGet, type Env, type GoOS } from './platform.js';

/** The environment variable that moves (or, set to `off`, disables) the cache. */
export const CACHE_DIR_ENV = 'CGO_LS_CACHE_DIR';

/** The cache directory `env` asks for: CGO_LS_CACHE_DIR (`off`/`0`/`false` → null), else the user cache directory. */
export function cacheDirFromEnv(env: Env, os: GoOS): string | null {
  const v = envGet(env, CACHE_DIR_ENV, os);
  if (v !== undefined && v !== '') return /^(off|0|false|none)$/i.test(v.trim()) ? null : v;
  try {
    return envPaths('cgo-ls', { suffix: '' }).cache;
  } catch {
    return null;
  }
}
