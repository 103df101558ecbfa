// The operating system cgo-ls itself runs on: the one place that reads Node's `process.platform` / `process.arch`.
// Everything that behaves differently on Windows or macOS (path style, PATHEXT, which env file a fix writes, the
// Windows system folders, process groups) asks here, so tests can run the Windows and macOS branches on Linux with
// `setHostForTests` — and `test/engine/layering.test.ts` checks that no other module reads process.platform.

export interface Host {
  platform: NodeJS.Platform;
  arch: string;
}

const real: Host = { platform: process.platform, arch: process.arch };
let current: Host = real;

export function host(): Host {
  return current;
}

export function hostIsWindows(): boolean {
  return current.platform === 'win32';
}

/** Tests only: pretend to run on another OS until the returned function is called. */
export function setHostForTests(h: Partial<Host>): () => void {
  const before = current;
  current = { ...current, ...h };
  return () => {
    current = before;
  };
}
