// Environment drift (editor vs login shell) never reports a variable the user set in cgo.env: that setting is the
// remedy the check proposes, so it counts on both sides (the Neovim README's own `env = { CC = … }` example).
import { afterEach, describe, expect, it } from 'vitest';
import { probeToolchain } from '../../server/src/toolchain/probe.js';
import { sandbox, SYSTEM_PATH, type Sandbox } from './helpers.js';

const boxes: Sandbox[] = [];
afterEach(() => {
  while (boxes.length) boxes.pop()!.cleanup();
});

describe('editor vs login shell, with cgo.env', () => {
  it('a CC set in cgo.env is not drift, while the same CC set only in the editor process is', async () => {
    const b = sandbox();
    boxes.push(b);
    const shellEnv = { ...b.env, PATH: SYSTEM_PATH } as Record<string, string>;
    const env = { ...b.env, PATH: SYSTEM_PATH };
    const viaSettings = await probeToolchain(b.ws, { env, editorEnv: { CC: '/usr/bin/gcc' }, shellEnv });
    expect(viaSettings.cc?.path).toBe('/usr/bin/gcc');
    expect(viaSettings.problems.map((p) => p.code)).not.toContain('cgo/env-drift');
    const viaProcess = await probeToolchain(b.ws, { env: { ...env, CC: '/usr/bin/gcc' }, shellEnv });
    const drift = viaProcess.problems.find((p) => p.code === 'cgo/env-drift');
    expect(drift?.data).toMatchObject({ variables: ['CC'] });
  });
});
