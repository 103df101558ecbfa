// WSL: Windows programs reached through WSL's PATH interop are reported as the wrong toolchain.
// FAKE executables (named *.exe, shell scripts) stand in for Windows programs, which cannot run here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeToolchain } from '../../server/src/toolchain/probe.js';

function fakeWinBin(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-winbin-'));
  for (const n of names) {
    // FAKE: prints what a Windows gcc.exe would, so identity probing has something to read.
    fs.writeFileSync(path.join(dir, n), '#!/bin/sh\necho "gcc.exe (x86_64-posix-seh-rev0, Built by MinGW-W64 project) 13.2.0"\n', { mode: 0o755 });
  }
  return dir;
}

function module(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-wsl-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/wsl\n\ngo 1.21\n');
  return dir;
}

const goBin = path.dirname(fs.realpathSync('/usr/local/go/bin/go'));

describe('WSL', () => {
  it('reports a CC that resolves to a Windows gcc.exe', async () => {
    const win = fakeWinBin(['gcc.exe']);
    const tc = await probeToolchain(module(), {
      env: { ...process.env, WSL_DISTRO_NAME: 'Ubuntu', CC: path.join(win, 'gcc.exe'), CGO_ENABLED: '1', HOME: os.tmpdir(), GOENV: 'off' },
    });
    const p = tc.problems.find((x) => x.code === 'cgo/wsl-windows-toolchain');
    expect(p?.message).toContain('gcc.exe');
    expect(p?.message).toContain('/etc/wsl.conf');
  });

  it('reports when only a Windows go.exe is on PATH', async () => {
    const win = fakeWinBin(['go.exe']);
    const tc = await probeToolchain(module(), { env: { PATH: `${win}:/usr/bin:/bin`, WSL_DISTRO_NAME: 'Ubuntu', HOME: os.tmpdir() } });
    expect(tc.problems.map((x) => x.code)).toEqual(expect.arrayContaining(['cgo/go-not-found', 'cgo/wsl-windows-toolchain']));
    expect(tc.problems.find((x) => x.code === 'cgo/wsl-windows-toolchain')!.message).toContain('go.exe');
  });

  it('says nothing outside WSL, or with a Linux toolchain inside WSL', async () => {
    const outside = await probeToolchain(module(), {
      env: { ...process.env, WSL_DISTRO_NAME: undefined, WSL_INTEROP: undefined, PATH: `${goBin}:/usr/bin:/bin` },
    });
    expect(outside.problems.filter((x) => x.code === 'cgo/wsl-windows-toolchain')).toEqual([]);
    const inside = await probeToolchain(module(), { env: { ...process.env, WSL_DISTRO_NAME: 'Ubuntu', PATH: `${goBin}:/usr/bin:/bin` } });
    expect(inside.problems.filter((x) => x.code === 'cgo/wsl-windows-toolchain')).toEqual([]);
  });
});
