import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { host } from '../../server/src/core/host.js';
import { pidMatches, procPids, RUN_TAG_VAR, tagMatcher, taggedPidsSync } from '../../server/src/util/procscan.js';
import { taggedProcesses } from '../../server/src/util/proc.js';

const linux = host().platform === 'linux';
if (!linux) console.log('procscan: the scan reads /proc/<pid>/environ, which only Linux has; the process tests are skipped here');

describe('tagMatcher (an environment block: NUL-separated NAME=value records)', () => {
  const block = (...vars: string[]) => Buffer.from(vars.join('\0') + '\0');

  it('matches the exact tag in any record, the first included', () => {
    const m = tagMatcher('7.ab.3', false);
    expect(m(block('PATH=/bin', `${RUN_TAG_VAR}=7.ab.3`, 'HOME=/root'))).toBe(true);
    expect(m(block(`${RUN_TAG_VAR}=7.ab.3`, 'PATH=/bin'))).toBe(true);
  });

  it('does not match another run of the same server, a longer value, or the tag in another variable', () => {
    const m = tagMatcher('7.ab.3', false);
    expect(m(block(`${RUN_TAG_VAR}=7.ab.31`))).toBe(false);
    expect(m(block(`${RUN_TAG_VAR}=7.ab.4`))).toBe(false);
    expect(m(block(`X${RUN_TAG_VAR}=7.ab.3`))).toBe(false);
    expect(m(block(`OTHER=${RUN_TAG_VAR}=7.ab.3`))).toBe(false);
    expect(m(Buffer.alloc(0))).toBe(false);
  });

  it('with prefix, matches every run of one server and none of another', () => {
    const m = tagMatcher('7.ab.', true);
    expect(m(block(`${RUN_TAG_VAR}=7.ab.1`))).toBe(true);
    expect(m(block('A=1', `${RUN_TAG_VAR}=7.ab.22`))).toBe(true);
    expect(m(block(`${RUN_TAG_VAR}=7.abc.1`))).toBe(false);
    expect(m(block(`${RUN_TAG_VAR}=77.ab.1`))).toBe(false);
  });
});

describe.skipIf(!linux)('the scan of /proc', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });
  const sleeper = (tag: string | null) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (tag !== null) env[RUN_TAG_VAR] = tag;
    const c = spawn('sleep', ['30'], { env, stdio: 'ignore' });
    children.push(c);
    return c.pid!;
  };
  const tag = `${process.pid}.${Math.random().toString(16).slice(2, 10)}`;

  it('lists live pids, without this process', () => {
    const pids = procPids();
    expect(pids).not.toContain(process.pid);
    expect(pids).toContain(process.ppid);
  });

  it('finds exactly the processes that carry the tag, synchronously and in slices', async () => {
    const a = sleeper(`${tag}.1`);
    const b = sleeper(`${tag}.2`);
    const plain = sleeper(null);
    const other = sleeper(`${tag}9.1`);
    expect(pidMatches(a, tagMatcher(`${tag}.1`, false))).toBe(true);
    expect(pidMatches(b, tagMatcher(`${tag}.1`, false))).toBe(false);
    expect(taggedPidsSync(`${tag}.1`)).toEqual([a]);
    expect(taggedPidsSync(`${tag}.`, true).sort()).toEqual([a, b].sort());
    expect(await taggedProcesses(`${tag}.2`)).toEqual([b]);
    expect((await taggedProcesses(`${tag}.`, true)).sort()).toEqual([a, b].sort());
    for (const pid of [plain, other]) expect(taggedPidsSync(`${tag}.`, true)).not.toContain(pid);
  });

  it('a pid that is gone or unreadable does not match', () => {
    expect(pidMatches(2 ** 22 + 12345, () => true)).toBe(false);
  });
});
