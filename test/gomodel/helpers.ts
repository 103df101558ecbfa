import { execFileSync } from 'node:child_process';

let goAvailable: boolean | undefined;
/** Whether a `go` command is on PATH (toolchain cross-checks are skipped without one). */
export function hasGo(): boolean {
  if (goAvailable === undefined) {
    try {
      execFileSync('go', ['version'], { stdio: 'ignore', env: { ...process.env, GOTOOLCHAIN: 'local' } });
      goAvailable = true;
    } catch {
      goAvailable = false;
    }
  }
  return goAvailable;
}

let gccAvailable: boolean | undefined;
export function hasGcc(): boolean {
  if (gccAvailable === undefined) {
    try {
      execFileSync('gcc', ['--version'], { stdio: 'ignore' });
      gccAvailable = true;
    } catch {
      gccAvailable = false;
    }
  }
  return gccAvailable;
}
