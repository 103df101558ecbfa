// Where the end-to-end tests find the real editors and gopls. .ci/run installs all of them:
//   nvim        Debian 12's Neovim 0.7.2 (apt-get install neovim), or CGO_E2E_NVIM
//   nvim-0.10   Neovim 0.10 (Debian trixie), nvim-0.12 Neovim 0.12 and hx Helix 25.07 (Debian forky), unpacked
//               privately by .ci/editors.sh into $CGO_E2E_EDITORS (default ~/.cache/cgo-ls-e2e)/bin
//   gopls       on PATH or in $(go env GOPATH)/bin (GOTOOLCHAIN=local go install golang.org/x/tools/gopls@v0.20.0)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { findExecutable, tool, type Tool } from '../helpers/tools.js';
import { goTelemetryOff, removeTree as removeTreeRetrying } from '../helpers/home.js';

export const editorsDir = process.env.CGO_E2E_EDITORS || path.join(os.homedir(), '.cache', 'cgo-ls-e2e');
const editorsInstall = `.ci/editors.sh (unpacks Neovim 0.10/0.12 and Helix into ${editorsDir}; needs apt-get install -y patchelf)`;

export interface NvimTool extends Tool {
  /** Short label for test names, e.g. "0.10". */
  label: string;
}

export function neovims(): NvimTool[] {
  return [
    { ...tool('Neovim (nvim on PATH; Debian 12 has 0.7.2)', findExecutable(process.env.CGO_E2E_NVIM || 'nvim'), 'apt-get install -y neovim'), label: 'PATH' },
    { ...tool('Neovim 0.10', findExecutable(path.join(editorsDir, 'bin', 'nvim-0.10')), editorsInstall), label: '0.10' },
    { ...tool('Neovim 0.12', findExecutable(path.join(editorsDir, 'bin', 'nvim-0.12')), editorsInstall), label: '0.12' },
  ];
}

export function helix(): Tool {
  return tool('Helix 25.07 (hx)', findExecutable(process.env.CGO_E2E_HX || path.join(editorsDir, 'bin', 'hx')), editorsInstall);
}

export function tmux(): Tool {
  return tool('tmux', findExecutable('tmux'), 'apt-get install -y tmux');
}

function goEnv(key: string): string {
  const r = spawnSync('go', ['env', key], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  return r.status === 0 ? r.stdout.trim() : '';
}

export function gopls(): Tool {
  const gopath = goEnv('GOPATH').split(path.delimiter)[0] ?? '';
  const found = findExecutable(process.env.CGO_E2E_GOPLS || 'gopls') ?? (gopath ? findExecutable(path.join(gopath, 'bin', 'gopls')) : null);
  return tool('gopls', found, 'GOTOOLCHAIN=local go install golang.org/x/tools/gopls@v0.20.0');
}

/**
 * The environment for an editor under test: its own config, data and state folders and a cache folder of the
 * tests (nothing of the user's), but the real Go build and module caches (a cold cache would make every go/gopls run slow).
 */
export function editorEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const gocache = goEnv('GOCACHE');
  const gomodcache = goEnv('GOMODCACHE');
  goTelemetryOff(path.join(home, 'config'));
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_STATE_HOME: path.join(home, 'state'),
    // Shared between runs and outside the test's folder: gopls keeps writing its cache there for a moment after
    // the editor quits (and a warm gopls cache makes its start cheaper).
    XDG_CACHE_HOME: path.join(os.tmpdir(), 'cgo-ls-e2e-cache'),
    ...(gocache ? { GOCACHE: gocache } : {}),
    ...(gomodcache ? { GOMODCACHE: gomodcache } : {}),
    GOTOOLCHAIN: 'local',
    ...extra,
  };
}

/**
 * Removes a test's temp folder. gopls, which the editor started, may still be writing its cache there for a
 * while after the editor quits: what cannot be removed is left in the temp folder (with a note), not a failure.
 */
export function removeTree(dir: string | undefined): void {
  if (!dir) return;
  try {
    removeTreeRetrying(dir, 20, 250);
  } catch (e) {
    process.stdout.write(`note: could not remove ${dir} (${e instanceof Error ? e.message : String(e)})\n`);
  }
}
