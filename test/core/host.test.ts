// core/host.ts is the one reader of process.platform: with setHostForTests the Windows branches of modules that
// ask it run on Linux.
import { afterEach, describe, expect, it } from 'vitest';
import { host, hostIsWindows, setHostForTests } from '../../server/src/core/host.js';
import { uriToPath } from '../../server/src/core/uri.js';
import { checkDirectives } from '../../server/src/checks/directives.js';
import { gv, linuxAmd64, preambleFromLines } from '../cgorules/helpers.js';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('the host OS, injectable', () => {
  it('reports the real OS by default and another one while a test sets it', () => {
    expect(host().platform).toBe(process.platform);
    restore = setHostForTests({ platform: 'win32' });
    expect(hostIsWindows()).toBe(true);
    restore();
    restore = undefined;
    expect(host().platform).toBe(process.platform);
  });

  it('uriToPath follows the host: a drive-letter URI is C:\\… on Windows, /c:/… elsewhere', () => {
    restore = setHostForTests({ platform: 'win32' });
    expect(uriToPath('file:///c%3A/x/y.go')).toMatch(/^C:[\\/]x[\\/]y\.go$/);
    restore();
    restore = setHostForTests({ platform: 'linux' });
    expect(uriToPath('file:///c%3A/x/y.go')).toBe('c:/x/y.go');
  });

  it('#cgo paths use the host path style when the caller does not choose one (C:\\inc is absolute only on Windows)', () => {
    const run = () =>
      checkDirectives({
        file: 'C:\\w\\main.go',
        preambles: [preambleFromLines(['#cgo CFLAGS: -IC:/inc'])],
        build: linuxAmd64,
        srcDir: 'C:\\w',
        goVersion: gv(26, 0),
        env: {},
      });
    restore = setHostForTests({ platform: 'win32' });
    const win = run();
    restore();
    restore = setHostForTests({ platform: 'linux' });
    const posix = run();
    expect(win.flags.CFLAGS).toEqual(['-IC:/inc']);
    expect(posix.flags.CFLAGS).not.toEqual(win.flags.CFLAGS);
  });
});
