#!/usr/bin/env node
// The entry the build writes to dist/main.js (what the bin, the editors, the tests and the bench run). It loads the
// bundle, dist/main.cjs (main.ts and everything it imports, one CommonJS file), through V8's code cache
// (util/codecache.ts), so a start does not parse and compile the bundle again. Nothing else happens here: main.ts
// reads the arguments and does the work.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { host, hostIsWindows } from './core/host.js';
import { cacheDirFromEnv } from './toolchain/cachedir.js';
import { codeCacheFile, loadBundle, type CodeCacheMode } from './util/codecache.js';
import { VERSION, VERSION_COMMANDS } from './version.js';

/** The bundle's content hash, set by scripts/build-bundle.mjs (undefined: not built by it, no cache). */
declare const __CGO_LS_BUILD_ID__: string | undefined;

/** After this long a server writes its cache: the start's functions (initialize, the first analyses) are compiled by then. */
const SERVER_SAVE_AFTER_MS = 10_000;

const cmd = process.argv[2] ?? '';
if (VERSION_COMMANDS.includes(cmd)) {
  // The one answer that needs nothing of the program: 1.3 MiB to read and deserialize for one line.
  process.stdout.write(`cgo-ls ${VERSION}\n`);
} else start();

function start(): void {
  const server = ['--stdio', '--node-ipc'].includes(cmd) || /^--(socket|pipe|clientProcessId)/.test(cmd);
  // A cache per kind of run: it holds the functions that run compiled (the cache is written after the run), so the
  // first `--help` must not decide what every later `check` gets. Other commands (--help, a typo) read check's
  // cache (the same V8 flags) and never write one.
  const mode: CodeCacheMode = server ? 'server' : cmd === 'doctor' ? 'doctor' : 'check';
  const writes = server || cmd === 'check' || cmd === 'doctor';
  if (!server) {
    // A command parses each file once and ends, so the grammars run on V8's baseline wasm code (Liftoff) only. With
    // the optimizing tier-up, node waits for its background compile whenever the loop runs dry and before it exits
    // (≈ 200 ms for tree-sitter-c on a 2-vCPU machine, seen with perf sched in NodePlatform::DrainTasks); a warm
    // `check` of a cgo package went from ≈ 550 to ≈ 350 ms. The server keeps the tier-up: it parses on every edit.
    // Set before the bundle is compiled: V8 takes its flags into the code cache's key.
    setFlagsFromString('--liftoff-only');
  } else {
    // The server's young generation stays at its first size (1 MiB semi-spaces) instead of doubling up to 16 MiB:
    // at 20 000 files its peak RSS went from 141–162 to 114–121 MiB (bench section f, alternating builds, four runs
    // each) at the same speed (scale, edits, hovers, go-gl). V8 reads --max-semi-space-size only when the heap is made,
    // so it would have to be on node's command line; the growth factor is read whenever the space would grow.
    setFlagsFromString('--semi-space-growth-factor=1');
    // A wasm function is optimized (TurboFan, on V8's background threads) only after 100× the default budget of
    // work: on a 2-vCPU machine the tier-up of the grammars' functions, hot after a few small parses, took the cores
    // from `go env` and the first compile (cold start, bench section a: ≈ 690 → 560 ms median, 10 runs each,
    // alternating). What a long parse runs (a scan of thousands of files, a big header) still tiers up: 4 000 small
    // Go files parse as fast as with the default (327/256 against 351/274 ms, first/second pass), where Liftoff
    // alone is 1.5× slower (419/404 ms).
    setFlagsFromString('--wasm-tiering-budget=180000000');
    // The grammars' wasm is compiled (Liftoff) whole on V8's background threads as it loads, not one function at a
    // time on the main thread as each is first called: the first parse after start-up held the thread 27 → 5 ms and
    // its longest stall 28 → 17 ms (load + first parse, bare script). A hover sent with go-gl's didOpen is answered
    // ≈ 5 ms sooner and one sent 50 ms later ≈ 6 ms sooner (A/B, 24 starts each, alternating); cold start, scale and
    // peak RSS unchanged (550/555 ms, 12.0/12.3 s, 107/108–113 MiB); ≈ 10 ms more CPU per start.
    setFlagsFromString('--no-wasm-lazy-compilation');
  }

  const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.cjs');
  let cacheFile: string | null = null;
  try {
    const buildId = typeof __CGO_LS_BUILD_ID__ === 'string' ? __CGO_LS_BUILD_ID__ : null;
    // (The OS decides only whether the variable's name is looked up case-insensitively.)
    const dir = buildId ? cacheDirFromEnv(process.env, hostIsWindows() ? 'windows' : 'linux') : null;
    if (buildId && dir) {
      const st = fs.statSync(bundle);
      cacheFile = codeCacheFile(dir, {
        buildId,
        size: st.size,
        mtimeMs: st.mtimeMs,
        mode,
        runtime: `${process.version} ${process.versions.v8} ${host().arch}`,
        options: JSON.stringify([process.execArgv, process.env['NODE_OPTIONS'] ?? '']),
      });
    }
  } catch {
    cacheFile = null; // no cache: a plain compile
  }

  const { save } = loadBundle(bundle, cacheFile, createRequire(bundle));
  // Written once (save is a no-op after its first call): at exit, and for a server already 10 s after its start (an
  // editor may end it with SIGKILL).
  if (writes) process.once('exit', save);
  if (server) setTimeout(save, SERVER_SAVE_AFTER_MS).unref();
}
