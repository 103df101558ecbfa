// The shared rule for tests that need a tool: skipped with one line outside CI, failing under CI=true.
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

async function load(ci: string | undefined) {
  vi.resetModules();
  vi.stubEnv('CI', ci as string);
  return import('./tools.js');
}

describe('test/helpers/tools.ts', () => {
  it('finds executables on PATH and by path, and nothing for a missing name', async () => {
    const t = await load(undefined);
    expect(t.findExecutable('node')).toMatch(/node$/);
    expect(t.findExecutable(process.execPath)).toBe(process.execPath);
    expect(t.findExecutable('cgo-ls-no-such-tool')).toBeNull();
    expect(t.findExecutable('')).toBeNull();
  });

  it('outside CI, a missing tool means skip, announced once in one line with the install command', async () => {
    const t = await load(undefined);
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const missing = t.tool('frobnicator', null, 'apt-get install -y frobnicator');
    expect(t.canRun(missing)).toBe(false);
    expect(t.canRun(missing)).toBe(false);
    expect(out).toEqual(['skipped: frobnicator not found — install it with: apt-get install -y frobnicator\n']);
    expect(t.canRun(t.tool('node', process.execPath, '-'))).toBe(true);
  });

  it('under CI=true nothing is skipped: the tests run and fail naming the tool and the install command', async () => {
    const t = await load('true');
    expect(t.inCI).toBe(true);
    const missing = t.tool('frobnicator', null, 'apt-get install -y frobnicator');
    expect(t.canRun(missing)).toBe(true);
    expect(() => t.assertTools(missing)).toThrow('frobnicator not found — install it with: apt-get install -y frobnicator (CI=true: nothing may be skipped)');
  });
});
