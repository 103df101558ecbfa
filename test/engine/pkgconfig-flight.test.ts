// pkg-config runs once per package at a time: callers that arrive while it runs (the hovers an editor sends every
// few milliseconds on a file whose analysis is slow) share the run instead of each starting their own. The
// pkg-config on PATH is a SPY (named as such: a shell script that logs its arguments and runs the real pkg-config).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { findExecutable, itWith, tool } from '../helpers/tools.js';

let root: string;
let log: string;
let env: NodeJS.ProcessEnv;
const file = () => path.join(root, 'p', 'z.go');

const hasZlib = (() => {
  try {
    execFileSync('pkg-config', ['--exists', 'zlib']);
    return true;
  } catch {
    return false;
  }
})();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-pcflight-'));
  fs.mkdirSync(path.join(root, 'p'));
  fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/pcflight\n\ngo 1.22\n');
  fs.writeFileSync(
    file(),
    'package p\n\n// #cgo pkg-config: zlib\n// #include <zlib.h>\nimport "C"\n\nfunc V() string { return C.GoString(C.zlibVersion()) }\n',
  );
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  log = path.join(root, 'pkg-config.log');
  const real = execFileSync('sh', ['-c', 'command -v pkg-config'], { encoding: 'utf8' }).trim();
  const spy = path.join(bin, 'pkg-config');
  fs.writeFileSync(
    spy,
    `#!/bin/sh\n# SPY pkg-config (pkgconfig-flight.test.ts): logs each run, then runs the real one.\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`,
  );
  fs.chmodSync(spy, 0o755);
  env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, CGO_LS_CACHE_DIR: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' };
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** The spy's runs on the package (the toolchain probe's `--version` left out). */
const packageRuns = () =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l && !l.includes('--version'))
    : [];

const tools = [
  tool('go', findExecutable('go'), 'install Go'),
  tool('gcc', findExecutable('gcc'), 'apt-get install gcc'),
  tool('pkg-config with zlib', hasZlib ? 'zlib' : null, 'apt-get install pkg-config zlib1g-dev'),
];

describe('pkg-config runs shared by concurrent callers', () => {
  itWith(
    tools,
    'eight concurrent compile contexts of one package run pkg-config as often as one does',
    async () => {
      const settings = { ...defaultSettings, checkShellEnv: false };
      const one = new Engine({ env, settings });
      const single = await one.cCompileContext(file());
      expect(single).not.toBeNull();
      const once = packageRuns().length;
      expect(once).toBeGreaterThan(0);

      fs.rmSync(log);
      const many = new Engine({ env, settings });
      await many.toolchain(file()); // the probe first, so the eight calls reach pkg-config together
      const results = await Promise.all(Array.from({ length: 8 }, () => many.cCompileContext(file())));
      expect(results.every((r) => r !== null)).toBe(true);
      expect(packageRuns()).toHaveLength(once);
      // And the answer is the same for every caller.
      expect(new Set(results.map((r) => JSON.stringify([r!.cppflags, r!.cflags]))).size).toBe(1);
    },
    120_000,
  );
});
