#!/usr/bin/env node
// Runs the fuzz properties of test/fuzz (and, with --hardening, test/hardening) longer than CI does:
//   node scripts/fuzz.mjs --runs 20000 [--seed N] [--only gomodel|lsp] [--hardening]
// The same test files as `npx vitest run test/fuzz`; FUZZ_RUNS / FUZZ_SEED set the fast-check numRuns and seed
// (test/fuzz/common.ts). A failure prints fast-check's seed and path; re-run with --seed to reproduce.
// The LSP fuzz drives the built server (dist/main.js): `npm run fuzz -- --runs N` builds first; pass --build when
// running this script directly after changing server/src.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  return argv[i].includes('=') ? argv[i].split('=').slice(1).join('=') : argv[i + 1];
};
const runs = Number(opt('runs', process.env.FUZZ_RUNS ?? '5000'));
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('fuzz: --runs needs a positive integer');
  process.exit(2);
}
const seed = opt('seed', process.env.FUZZ_SEED);
const only = opt('only', undefined);
const targets = [only ? `test/fuzz/${only}.test.ts` : 'test/fuzz', ...(argv.includes('--hardening') ? ['test/hardening'] : [])];

if (argv.includes('--build')) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env = { ...process.env, FUZZ_RUNS: String(runs), ...(seed ? { FUZZ_SEED: String(seed) } : {}) };
console.log(`fuzz: ${runs} runs per property${seed ? `, seed ${seed}` : ''}: ${targets.join(' ')}`);
const started = Date.now();
const r = spawnSync('npx', ['vitest', 'run', ...targets, '--testTimeout=0', '--hookTimeout=600000'], { cwd: root, stdio: 'inherit', env });
console.log(`fuzz: finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(r.status ?? 1);
