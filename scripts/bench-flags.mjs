// Cost of the flag allow-lists (cgorules/allowlist.ts through re2js): 50 000 `#cgo` flags checked one list at a
// time, and single long flags (the matching must stay linear in a flag's length). Prints figures, asserts nothing.
// Run after `npm run build`: node scripts/bench-flags.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { checkFlagsAll } = await import(path.join(root, 'dist', 'cgorules', 'allowlist.js'));
const opts = { goVersion: { major: 1, minor: 26, patch: 8, raw: 'go1.26.8' }, env: {} };
const typical = ['-I/usr/include/foo', '-DHAVE_X=1', '-O2', '-fPIC', '-pthread', '-Wall', '-std=c11', '-fplugin=x.so'];
const linker = ['-lfoo', '-L/usr/lib', '-Wl,-rpath,/x', '-pthread', '-Wl,--as-needed', 'foo.obj', '-framework', 'Cocoa'];
const n = 50_000;
const time = (f) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
for (let round = 0; round < 2; round++) {
  const cflags = Array.from({ length: n }, (_, i) => typical[i % typical.length]);
  const ldflags = Array.from({ length: n }, (_, i) => linker[i % linker.length]);
  const a = time(() => checkFlagsAll('compiler', 'CFLAGS', '#cgo CFLAGS', cflags, opts));
  const b = time(() => checkFlagsAll('linker', 'LDFLAGS', '#cgo LDFLAGS', ldflags, opts));
  console.log(`round ${round}: ${n} CFLAGS ${a.toFixed(0)} ms (${((a * 1000) / n).toFixed(1)} µs/flag); ${n} LDFLAGS ${b.toFixed(0)} ms`);
}
for (const len of [1_000, 10_000, 100_000, 1_000_000]) {
  const flag = '-D' + 'a'.repeat(len) + '!';
  console.log(`one ${len}-byte flag: ${time(() => checkFlagsAll('compiler', 'CFLAGS', '#cgo CFLAGS', [flag], opts)).toFixed(1)} ms`);
}
