// Windows reference environment: the registry (what a newly started program gets). `reg` cannot run here, so
// its output is injected (copied from a real `reg query` on Windows 11); the drift wording is checked with a probe.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeRegistryEnv, expandWindowsVars, parseRegQuery } from '../../server/src/toolchain/shellenv.js';
import { splitMessage } from '../../server/src/core/message.js';
import { probeToolchain } from '../../server/src/toolchain/probe.js';

const SYSTEM = `
HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment
    ComSpec    REG_EXPAND_SZ    %SystemRoot%\\system32\\cmd.exe
    OS    REG_SZ    Windows_NT
    Path    REG_EXPAND_SZ    %SystemRoot%\\system32;%SystemRoot%;C:\\Program Files\\Go\\bin
    PATHEXT    REG_SZ    .COM;.EXE;.BAT;.CMD
    NUMBER_OF_PROCESSORS    REG_SZ    8
`;
const USER = `
HKEY_CURRENT_USER\\Environment
    Path    REG_EXPAND_SZ    %USERPROFILE%\\go\\bin;C:\\msys64\\ucrt64\\bin
    CC    REG_SZ    gcc
    TEMP    REG_EXPAND_SZ    %USERPROFILE%\\AppData\\Local\\Temp
`;

describe('registry environment', () => {
  it('parses reg query output', () => {
    const v = parseRegQuery(SYSTEM);
    expect(v['Path']).toEqual({ type: 'REG_EXPAND_SZ', value: '%SystemRoot%\\system32;%SystemRoot%;C:\\Program Files\\Go\\bin' });
    expect(v['OS']).toEqual({ type: 'REG_SZ', value: 'Windows_NT' });
  });

  it('composes system then user, Path = system Path;user Path, with %VAR% expanded', () => {
    const env = composeRegistryEnv(parseRegQuery(SYSTEM), parseRegQuery(USER), { SystemRoot: 'C:\\WINDOWS', USERPROFILE: 'C:\\Users\\ann' });
    expect(env['Path']).toBe('C:\\WINDOWS\\system32;C:\\WINDOWS;C:\\Program Files\\Go\\bin;C:\\Users\\ann\\go\\bin;C:\\msys64\\ucrt64\\bin');
    expect(env['CC']).toBe('gcc');
    expect(env['TEMP']).toBe('C:\\Users\\ann\\AppData\\Local\\Temp');
    expect(expandWindowsVars('%NOPE%\\x', {})).toBe('%NOPE%\\x');
  });

  it('reports drift as "changed since the editor started", fix "restart the editor" when the reference is the registry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-reg-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/reg\n\ngo 1.21\n');
    // The "registry" says CC is a compiler that does not exist: a new terminal would build differently.
    const reference = { ...(process.env as Record<string, string>), CC: 'zz-newly-installed-cc' };
    const m = await probeToolchain(dir, { env: process.env, shellEnv: reference, shellEnvSource: 'windows-registry' });
    const p = m.problems.find((x) => x.code === 'cgo/env-drift');
    const { cause, fix, details } = splitMessage(p!.message);
    expect(cause).toBe('the environment changed since the editor started: cgo differs (CC)');
    expect(fix).toMatch(/^restart the editor .*, or set CC in the editor's cgo\.env setting$/);
    expect(details).toContain('C compiler: the editor runs CC=gcc → /usr/bin/gcc; a newly started program runs CC=zz-newly-installed-cc → not found');
    expect(details).toContain('Variables that differ: CC.');
  });
});
