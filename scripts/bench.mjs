#!/usr/bin/env node
// cgo-ls performance bench. One run prints medians and ratios measured in the same run and writes them to
// .bench/results.json (and .bench/results.md). It measures, against the built server (dist/):
//
//   (a) cold start: a fresh server per run, didOpen → first publish with the missing-header diagnostic;
//       against the floor (`go env -json` + one `gcc -fsyntax-only -xc -` on the same preamble, run by the
//       bench) and against `go build` of that package (what users run today, build cache warm);
//   (b) an edit outside the preamble → republish, and how many subprocesses the server started (want 0);
//   (c) an edit inside the preamble → republish with the new compiler result, with the default debounce
//       and with debounceMs 0 (compile cost alone);
//   (d) hover on `import "C"` and on `C.name`s;
//   (e) gopls on the same module (installed into .bench/bin through the Go module proxy — the only network
//       access of the bench): time to its first diagnostic, and what each server says;
//   (f) scale: a generated workspace (20 000 .go files, 200 cgo files): scan + publish time, peak RSS, and
//       a change to a shared header reaching every file that includes it;
//   (h) `cgo-ls check` from a terminal on a package with no cgo file and on the cgo package, empty vs warm disk
//       cache, against `node -e 0` and a warm `go build`; module loading: `cgo-ls --version`, spawn → initialize
//       result, and how many files a start reads (strace, if installed);
//   (g) C inside Go files on github.com/mattn/go-sqlite3 (fetched through the Go module proxy): the first
//       completion after `C.` (a fresh server: the index is built in the background once the file's first
//       analysis is published) against one `cc -E -dD` run of the same preamble with the same flags; the first
//       completion in a file whose index is built on the request (a copy of the preamble in a file that is not
//       open); then completion and definition p95 served from the index;
//   (i) one big generated cgo file (go-gl's gl package, through the Go module proxy; skipped, saying why, when it
//       cannot be fetched): spawn → first publish and → the compiled result, against a cold `go build` (empty
//       GOCACHE), and hover latency on a `C.glow…` use past the 128 KiB modelling cap sent every 50 ms while the
//       file is analysed and then after, with how many answers were non-null (provisional, pending or the index's),
//       and apart, the hovers sent after the first answer (those before it wait for the 1.1 MB didOpen to be read).
//
// Every server and CLI the bench starts gets an empty toolchain disk cache (CGO_LS_CACHE_DIR under .bench/cache)
// unless the row says "warm disk cache" (a second start on the same machine).
//
// Usage: node scripts/bench.mjs [--quick] [--only=a,b,c,d,e,f,g,h,i] [--no-gopls] [--reinstall-gopls]
// (`npm run bench` builds first). No thresholds: this measures, it does not test. Every process it starts is
// killed (whole process tree) on exit, error or Ctrl-C.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient, uriOf } from './bench/lsp.mjs';
import { didOpenFloor } from './bench/pipefloor.mjs';
import { DescendantSampler, cpuSeconds, descendantsOf, installExitHooks, killAll, procStatus, startProcess, timeRun } from './bench/procs.mjs';
import { MISSING_HEADER, brokenCommonH, commonH, missingHeaderSource, preambleForGcc, writeMissingModule, writeScaleWorkspace } from './bench/fixtures.mjs';
import { fmtMs, fmtRatio, markdownTable, median, ratio, summary, textTable } from './bench/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const benchDir = path.join(repo, '.bench');
const serverMain = path.join(repo, 'dist', 'main.js');
const traceHook = pathToFileURL(path.join(here, 'bench', 'spawn-trace.mjs')).toString();

// ---- options ---------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const wants = (s) => !only || only.has(s);
const noGopls = argv.includes('--no-gopls');
const reinstallGopls = argv.includes('--reinstall-gopls');

const N = quick
  ? { cold: 3, floor: 5, goBuild: 3, edit: 5, preamble: 3, hover: 10, gopls: 1, scaleChange: 1, cFirst: 2, cWarm: 30 }
  : { cold: 7, floor: 15, goBuild: 7, edit: 20, preamble: 10, hover: 30, gopls: 3, scaleChange: 3, cFirst: 5, cWarm: 100 };
const SCALE = quick ? { files: 2_000, packages: 200, cgoFiles: 20 } : { files: 20_000, packages: 2_000, cgoFiles: 200 };

// Nothing the bench runs may reach the network (except the gopls install): no toolchain download, no proxy.
const offlineEnv = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off' };
// The server gets the user's environment plus the same two guards (neither affects what it reports here).
const serverEnv = { ...offlineEnv };
// The bench's own in-process engine (section g) stores nothing; servers and CLIs get theirs (freshCacheDir).
process.env.CGO_LS_CACHE_DIR = 'off';

const results = { mode: quick ? 'quick' : 'full', startedAt: new Date().toISOString(), machine: null, sections: {} };
const rows = [];
const notes = [];
const benchStart = performance.now();

const epoch = (t) => performance.timeOrigin + t; // bench performance.now() → epoch ms (the spawn trace's clock)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const firstLine = (s) => String(s ?? '').split('\n')[0];
const say = (s = '') => process.stdout.write(s + '\n');

function row(section, what, s, ratioText = '', n = s?.n) {
  rows.push([section, what, String(n ?? '—'), fmtMs(s?.median), s?.min !== undefined ? `${fmtMs(s.min)} … ${fmtMs(s.max)}` : '', ratioText]);
}

// ---- machine ---------------------------------------------------------------------------------------------
function tryCmd(cmd, args) {
  try {
    return execFileSync(cmd, args, { env: offlineEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }).trim();
  } catch (e) {
    return `unavailable (${firstLine(e.message)})`;
  }
}

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const m = {
    nproc: tryCmd('nproc', []),
    cpu: model.trim(),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    go: tryCmd('go', ['version']),
    gcc: firstLine(tryCmd('gcc', ['--version'])),
    strace: tryCmd('sh', ['-c', 'command -v strace || true']) || 'not installed',
    commit: `${tryCmd('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'])}${tryCmd('git', ['-C', repo, 'status', '--porcelain', '--', 'server']) ? ' (server/ has uncommitted changes)' : ''}`,
  };
  return m;
}

// ---- servers ---------------------------------------------------------------------------------------------
let cacheDirs = 0;
/** A fresh, empty toolchain disk cache directory (the server's first start on a machine). */
function freshCacheDir(label = 'cold') {
  const d = path.join(benchDir, 'cache', `${label}-${process.pid}-${cacheDirs++}`);
  fs.rmSync(d, { recursive: true, force: true });
  return d;
}

/**
 * Starts cgo-ls over stdio (optionally with the spawn-trace preload), initialized on `root`. Each server gets an
 * empty disk cache (CGO_LS_CACHE_DIR) unless `cacheDir` names a primed one: every figure is a first start unless
 * it says "warm disk cache".
 */
async function startServer(root, { initOptions = {}, trace = false, label = 'server', cacheDir = null } = {}) {
  const env = { ...serverEnv, CGO_LS_CACHE_DIR: cacheDir ?? freshCacheDir() };
  const args = [];
  let traceFile = null;
  if (trace) {
    traceFile = path.join(benchDir, 'traces', `${label}-${process.pid}-${Date.now()}.jsonl`);
    fs.mkdirSync(path.dirname(traceFile), { recursive: true });
    env.CGO_LS_BENCH_TRACE = traceFile;
    args.push('--import', traceHook);
  }
  // CGO_LS_BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it exits (open it in Chrome's
  // DevTools); the figures then include the profiler's overhead.
  if (process.env.CGO_LS_BENCH_CPU_PROF) args.push('--cpu-prof', `--cpu-prof-dir=${process.env.CGO_LS_BENCH_CPU_PROF}`);
  args.push(serverMain, '--stdio');
  const client = new LspClient(process.execPath, args, { env, cwd: root });
  const init = await client.initialize(root, initOptions);
  return { client, traceFile, initMs: init.t - client.spawnedAt };
}

/** Subprocesses recorded by the spawn trace, optionally those that started in [from, to] (bench clock). */
function traced(traceFile, from = -Infinity, to = Infinity) {
  if (!traceFile || !fs.existsSync(traceFile)) return [];
  const lo = epoch(from);
  const hi = epoch(to);
  return fs
    .readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.event === 'spawn' && r.start >= lo && r.start <= hi);
}

const hasCode = (code) => (n) => n.params.diagnostics.some((d) => d.code === code);
/** The program a traced spawn runs and its arguments: util/proc wraps it as `setpriv … -- prlimit … -- <program> <args>` on Linux. */
const spawnedProgram = (r) => {
  const all = [r.command, ...r.args];
  const cut = /setpriv$/.test(r.command) ? all.lastIndexOf('--') : -1;
  const [cmd, ...args] = cut >= 0 ? all.slice(cut + 1) : all;
  return { cmd: cmd ?? '?', args };
};
/** A traced spawn of the C compiler (gcc, cc, clang; not `go`). */
const isCompilerRun = (r) => /gcc|cc$|clang/.test(path.basename(spawnedProgram(r).cmd));
const describeSpawn = (r) => {
  const { cmd, args } = spawnedProgram(r);
  return `${path.basename(cmd ?? '?')} ${args
    .filter((a) => a !== '-')
    .slice(0, 6)
    .join(' ')}`.slice(0, 90);
};

/** Waits until the server uses (almost) no CPU for `windowMs` (the watcher's initial walk, queued analyses). */
async function waitIdle(pid, { windowMs = 500, maxMs = 120_000, cpuFraction = 0.03 } = {}) {
  const end = performance.now() + maxMs;
  let prev = cpuSeconds(pid);
  while (performance.now() < end) {
    await sleep(windowMs);
    const cur = cpuSeconds(pid);
    if (!cur || !prev) return;
    if (cur.self - prev.self <= (cpuFraction * windowMs) / 1000 && cur.children - prev.children <= 0.001) return;
    prev = cur;
  }
}

/** Counts execve calls of `pid` and its descendants while `work` runs, with strace if it is installed. */
async function straceCount(pid, work) {
  const which = tryCmd('sh', ['-c', 'command -v strace || true']);
  if (!which || which.startsWith('unavailable')) return { available: false };
  const out = path.join(benchDir, 'traces', `strace-${pid}-${Date.now()}.txt`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const st = startProcess(which, ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', out, '-p', String(pid)], { env: offlineEnv, stdio: 'ignore' });
  const exited = new Promise((r) => st.once('exit', r));
  await sleep(400); // strace attaches to every thread
  if (st.exitCode !== null) return { available: false, reason: 'strace could not attach (ptrace not permitted?)' };
  try {
    await work();
  } finally {
    process.kill(st.pid, 'SIGINT'); // strace detaches cleanly on SIGINT
    await Promise.race([exited, sleep(3_000)]);
  }
  const lines = fs.existsSync(out)
    ? fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => /execve\(/.test(l))
    : [];
  return { available: true, execve: lines.length, commands: lines.map((l) => /execve\("([^"]+)"/.exec(l)?.[1]).filter(Boolean) };
}

// ---- (a) cold start --------------------------------------------------------------------------------------
async function benchCold(mod) {
  const res = { runs: [], floor: {}, goBuild: {} };
  const text = fs.readFileSync(mod.file, 'utf8');
  const uri = uriOf(mod.file);
  const coldRun = async (initOptions, trace, cacheDir = null) => {
    const { client, traceFile, initMs } = await startServer(mod.dir, { initOptions, trace, label: 'cold', cacheDir });
    try {
      const { t: tOpen } = client.open(mod.file, text);
      const first = await client.waitFor(() => client.published(uri)[0], 60_000, 'first publish');
      const diag = await client.waitFor(() => client.published(uri).find(hasCode('cgo/header-not-found')), 60_000, 'header-not-found');
      return {
        spawnToInit: initMs,
        openToFirstPublish: first.t - tOpen,
        openToDiag: diag.t - tOpen,
        spawnToDiag: diag.t - client.spawnedAt,
        diagnostics: diag.params.diagnostics.map((d) => ({ code: d.code, line: d.range.start.line + 1, message: firstLine(d.message) })),
        timeline: trace
          ? [
              ...client.logMessages().map((n) => ({ at: n.t - tOpen, what: `log: ${firstLine(n.params.message)}` })),
              ...client.published(uri).map((n) => ({ at: n.t - tOpen, what: `publish: [${n.params.diagnostics.map((d) => d.code).join(', ')}]` })),
              ...traced(traceFile).map((r) => ({ at: r.start - epoch(tOpen), durMs: r.end - r.start, what: describeSpawn(r) })),
            ]
              .sort((x, y) => x.at - y.at)
              .map((e) => ({ ...e, at: Math.round(e.at), ...(e.durMs !== undefined ? { durMs: Math.round(e.durMs) } : {}) }))
          : undefined,
      };
    } finally {
      await client.close();
    }
  };
  // Variants isolate where cold time goes: the login-shell read, the debounce (the open's compile is
  // superseded by the change event TextDocuments fires on open), and the toolchain-input watcher (workspace
  // scope only) whose start re-probes the toolchain.
  const variants = [
    { key: 'default', label: 'default settings', options: {} },
    { key: 'noShell', label: 'checkShellEnv false', options: { checkShellEnv: false }, full: true },
    { key: 'debounce0', label: 'debounceMs 0', options: { debounceMs: 0 }, full: true },
    { key: 'openFiles', label: 'diagnosticsScope openFiles', options: { diagnosticsScope: 'openFiles' }, full: true },
    { key: 'allThree', label: 'all three', options: { checkShellEnv: false, debounceMs: 0, diagnosticsScope: 'openFiles' } },
  ].filter((v) => !quick || !v.full);
  res.variants = {};
  for (const v of variants) {
    say(`  cold start: ${N.cold} fresh servers, ${v.label}…`);
    const runs = [];
    for (let i = 0; i < N.cold; i++) runs.push(await coldRun(v.options, false));
    res.variants[v.key] = {
      label: v.label,
      options: v.options,
      openToDiag: summary(runs.map((r) => r.openToDiag)),
      spawnToDiag: summary(runs.map((r) => r.spawnToDiag)),
      runs,
    };
  }
  res.runs = res.variants.default.runs;
  // The second start on the same machine: the disk cache holds the toolchain facts of the first.
  const primed = freshCacheDir('warm');
  res.warmCache = {};
  for (const v of [variants[0], variants.at(-1)]) {
    say(`  second start (warm disk cache): ${N.cold} fresh servers, ${v.label}…`);
    await coldRun(v.options, false, primed); // primes it (not counted)
    const runs = [];
    for (let i = 0; i < N.cold; i++) runs.push(await coldRun(v.options, false, primed));
    res.warmCache[v.key] = { label: v.label, openToDiag: summary(runs.map((r) => r.openToDiag)), spawnToDiag: summary(runs.map((r) => r.spawnToDiag)), runs };
  }
  res.traceRunWarmCache = await coldRun({}, true, primed);
  say('  cold start: one traced run with default settings and one with all three (timelines, not counted)…');
  res.traceRun = await coldRun({}, true);
  res.traceRunAllThree = await coldRun(variants.at(-1).options, true);
  res.spawnToInit = summary(res.runs.map((r) => r.spawnToInit));
  res.openToFirstPublish = summary(res.runs.map((r) => r.openToFirstPublish));
  res.openToDiag = summary(res.runs.map((r) => r.openToDiag));
  res.spawnToDiag = summary(res.runs.map((r) => r.spawnToDiag));

  // The floor: what any tool must do at least — ask go for its environment, run the compiler once.
  const preamble = preambleForGcc(text, mod.file);
  const goEnv = () => timeRun('go', ['env', '-json'], { cwd: mod.dir, env: offlineEnv });
  const gcc = () => timeRun('gcc', ['-fsyntax-only', '-xc', '-'], { cwd: mod.dir, env: offlineEnv, input: preamble });
  say(`  floor: go env -json, gcc -fsyntax-only, node -e 0 (${N.floor} each)…`);
  await goEnv();
  await gcc();
  const samples = { goEnv: [], gcc: [], pair: [], node: [] };
  let gccOut = '';
  for (let i = 0; i < N.floor; i++) {
    const t0 = performance.now();
    const a = await goEnv();
    const b = await gcc();
    samples.pair.push(performance.now() - t0);
    samples.goEnv.push(a.ms);
    samples.gcc.push(b.ms);
    gccOut = b.stderr;
    samples.node.push((await timeRun(process.execPath, ['-e', '0'], { env: offlineEnv })).ms);
  }
  // Where a cold server's own time goes before any subprocess: module loading, and the tree-sitter wasm
  // runtime + Go/C grammars on the first parse (each in a fresh node, minus nothing: compare with node -e 0).
  const dist = (p) => pathToFileURL(path.join(repo, 'dist', p)).toString();
  const loadScript = `await import(${JSON.stringify(dist('lsp/server.js'))}); await import('vscode-languageserver/node.js');`;
  const parseScript = `const m = await import(${JSON.stringify(dist('gomodel/model.js'))}); await m.parseGoFile(${JSON.stringify(mod.file)}, ${JSON.stringify(text)});`;
  const nodeModule = (script) => timeRun(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, env: offlineEnv });
  say(`  cold breakdown: module load, first parse (${N.goBuild} each)…`);
  await nodeModule(loadScript);
  samples.load = [];
  samples.parse = [];
  samples.vls = [];
  for (let i = 0; i < N.goBuild; i++) {
    samples.load.push((await nodeModule(loadScript)).ms);
    samples.parse.push((await nodeModule(parseScript)).ms);
    samples.vls.push((await nodeModule(`await import('vscode-languageserver/node.js');`)).ms);
  }
  res.breakdown = {
    nodeImportServer: summary(samples.load),
    nodeFirstParse: summary(samples.parse),
    nodeImportVscodeLanguageserver: summary(samples.vls),
  };

  res.floor = {
    goEnv: summary(samples.goEnv),
    gcc: summary(samples.gcc),
    goEnvThenGcc: summary(samples.pair),
    nodeStartup: summary(samples.node),
    gccSays: firstLine(gccOut.split('\n').find((l) => /error/.test(l)) ?? gccOut),
    preambleBytes: preamble.length,
  };

  // go build: what users run today. Normal build cache (std and runtime/cgo warm after the first run; the
  // failing package itself is never cached, so every run redoes its cgo step). No -a: nobody rebuilds std.
  say(`  go build of the package, warm build cache (${N.goBuild})…`);
  const goBuild = () => timeRun('go', ['build', '-o', os.devNull, '.'], { cwd: mod.dir, env: offlineEnv });
  const warm = await goBuild();
  const gb = [];
  for (let i = 0; i < N.goBuild; i++) gb.push((await goBuild()).ms);
  res.goBuild = {
    warm: summary(gb),
    exitCode: warm.code,
    says: (warm.stderr.split('\n').find((l) => /error|fatal/i.test(l)) ?? firstLine(warm.stderr)).trim(),
  };
  if (!quick) {
    // Once: the same build with an empty build cache (first build after installing Go or `go clean -cache`).
    say('  go build with an empty GOCACHE (once, informational)…');
    const cache = path.join(benchDir, 'gocache-cold');
    fs.rmSync(cache, { recursive: true, force: true });
    const cold = await timeRun('go', ['build', '-o', os.devNull, '.'], { cwd: mod.dir, env: { ...offlineEnv, GOCACHE: cache } });
    fs.rmSync(cache, { recursive: true, force: true });
    res.goBuild.emptyCache = { ms: Math.round(cold.ms) };
  }

  const floor = res.floor.goEnvThenGcc.median;
  row(
    '(a) cold',
    'spawn → initialize result (node start + module load)',
    res.spawnToInit,
    `${fmtRatio(ratio(res.spawnToInit.median, res.floor.nodeStartup.median))} node -e 0`,
  );
  row('(a) cold', 'didOpen → first publish (any)', res.openToFirstPublish);
  row(
    '(a) cold',
    'didOpen → header-not-found published',
    res.openToDiag,
    `${fmtRatio(ratio(res.openToDiag.median, floor))} floor; ${fmtRatio(ratio(res.openToDiag.median, res.goBuild.warm.median))} go build`,
  );
  row(
    '(a) cold',
    'spawn → header-not-found published',
    res.spawnToDiag,
    `${fmtRatio(ratio(res.spawnToDiag.median, floor + res.floor.nodeStartup.median))} floor + node start`,
  );
  for (const v of variants.slice(1)) {
    row(
      '(a) cold',
      `didOpen → diagnostic, ${v.label}`,
      res.variants[v.key].openToDiag,
      `${fmtRatio(ratio(res.variants[v.key].openToDiag.median, floor))} floor`,
    );
  }
  const floorPlusNode = floor + res.floor.nodeStartup.median;
  row(
    '(a) cold',
    'spawn → header-not-found, all three (empty disk cache)',
    res.variants.allThree?.spawnToDiag,
    `${fmtRatio(ratio(res.variants.allThree?.spawnToDiag.median, floorPlusNode))} floor + node -e 0`,
  );
  for (const [key, w] of Object.entries(res.warmCache)) {
    row(
      '(a) 2nd start',
      `spawn → header-not-found, warm disk cache, ${w.label}`,
      w.spawnToDiag,
      `${fmtRatio(ratio(w.spawnToDiag.median, floorPlusNode))} floor + node -e 0; cold ${fmtMs(res.variants[key].spawnToDiag.median)}`,
    );
  }
  {
    const spawnsOf = (r) => (r?.timeline ?? []).filter((e) => e.durMs !== undefined).length;
    rows.push([
      '(a) 2nd start',
      'subprocesses the traced run started: empty / warm disk cache',
      '1',
      '',
      '',
      `${spawnsOf(res.traceRun)} / ${spawnsOf(res.traceRunWarmCache)}`,
    ]);
  }
  row('(a) floor', '`go env -json` (GOTOOLCHAIN=local)', res.floor.goEnv);
  row('(a) floor', '`gcc -fsyntax-only -xc -` on the preamble', res.floor.gcc);
  row('(a) floor', 'go env -json, then gcc (= the floor)', res.floor.goEnvThenGcc);
  row('(a) floor', '`node -e 0`', res.floor.nodeStartup);
  row(
    '(a) parts',
    '`node` + import dist/lsp/server.js (tsc output, not the bundle)',
    res.breakdown.nodeImportServer,
    `+${fmtMs(res.breakdown.nodeImportServer.median - res.floor.nodeStartup.median)} over node -e 0`,
  );
  row(
    '(a) parts',
    '`node` + import model + first parseGoFile (tree-sitter wasm)',
    res.breakdown.nodeFirstParse,
    `+${fmtMs(res.breakdown.nodeFirstParse.median - res.floor.nodeStartup.median)} over node -e 0`,
  );
  row(
    '(a) parts',
    '`node` + import vscode-languageserver/node',
    res.breakdown.nodeImportVscodeLanguageserver,
    `+${fmtMs(res.breakdown.nodeImportVscodeLanguageserver.median - res.floor.nodeStartup.median)} over node -e 0`,
  );
  row('(a) today', '`go build` of the package (cache warm)', res.goBuild.warm, `${fmtRatio(ratio(res.goBuild.warm.median, floor))} floor`);
  if (res.goBuild.emptyCache) rows.push(['(a) today', '`go build`, empty GOCACHE (once)', '1', fmtMs(res.goBuild.emptyCache.ms), '', '']);
  return res;
}

// ---- (b) (c) (d): one warm server ------------------------------------------------------------------------
async function benchWarm(mod) {
  const res = {};
  const uri = uriOf(mod.file);
  let version = 1;
  const { client, traceFile } = await startServer(mod.dir, { trace: true, label: 'warm' });
  try {
    client.open(mod.file, missingHeaderSource(), version);
    await client.waitFor(() => client.published(uri).find(hasCode('cgo/header-not-found')), 60_000, 'initial diagnostics');
    await waitIdle(client.pid);

    // (b) edits outside the preamble: a statement added in the function body.
    say(`  (b) ${N.edit} edits outside the preamble…`);
    const sampler = new DescendantSampler(client.pid, 2).start();
    const bStart = performance.now();
    const b = [];
    for (let i = 0; i < N.edit; i++) {
      const v = ++version;
      const t = client.change(uri, missingHeaderSource(MISSING_HEADER, `\n\tn += ${i}`), v);
      const p = await client.waitFor(() => client.published(uri, t).find((n) => n.params.version === v), 30_000, 'republish');
      b.push(p.t - t);
      if (!p.params.diagnostics.some((d) => d.code === 'cgo/header-not-found'))
        notes.push('(b) the republish after an edit outside the preamble lost the compiler diagnostic');
    }
    await sleep(500); // anything the edits scheduled (the debounce is 300 ms) would have started by now
    const bEnd = performance.now();
    const seen = sampler.stop();
    const bSpawns = traced(traceFile, bStart, bEnd);
    res.editOutside = { ...summary(b), subprocessesTraced: bSpawns.length, subprocessesSampled: seen.length, sampled: seen.map((s) => s.name) };
    say('  (b) strace cross-check (5 more edits)…');
    const st = await straceCount(client.pid, async () => {
      for (let i = 0; i < 5; i++) {
        const v = ++version;
        const t = client.change(uri, missingHeaderSource(MISSING_HEADER, `\n\tn -= ${i}`), v);
        await client.waitFor(() => client.published(uri, t).find((n) => n.params.version === v), 30_000, 'republish');
      }
      await sleep(500);
    });
    res.editOutside.strace = st;
    row(
      '(b) edit outside',
      'didChange → republish',
      res.editOutside,
      `subprocesses: ${bSpawns.length} traced, ${seen.length} sampled${st.available ? `, ${st.execve} execve (strace)` : ''}`,
    );

    // (c) edits inside the preamble: a different missing header each time; wait for the publish naming it.
    const preambleEdits = async (c, label) => {
      const lat = [];
      const cached = [];
      const spawnsPer = [];
      for (let i = 0; i < N.preamble; i++) {
        const header = `bench_missing_${label}_${i}_${process.pid}.h`;
        const v = ++version;
        const t = c.client.change(uri, missingHeaderSource(header), v);
        const p = await c.client.waitFor(
          () =>
            c.client
              .published(uri, t)
              .find((n) => n.params.version === v && n.params.diagnostics.some((d) => d.code === 'cgo/header-not-found' && d.message.includes(header))),
          30_000,
          'preamble republish',
        );
        const early = c.client.published(uri, t).find((n) => n.params.version === v);
        lat.push(p.t - t);
        cached.push(early.t - t);
        await waitIdle(c.client.pid, { windowMs: 200 });
        spawnsPer.push(traced(c.traceFile, t, performance.now()).length);
      }
      return {
        ...summary(lat),
        firstPublish: summary(cached),
        subprocessesPerEdit: median(spawnsPer),
        subprocessesSample: traced(c.traceFile, performance.now() - 2_000).map(describeSpawn),
      };
    };
    say(`  (c) ${N.preamble} edits inside the preamble, debounce 300 ms (default)…`);
    res.editPreamble = await preambleEdits({ client, traceFile }, 'd300');
    res.editPreamble.debounceMs = 300;

    // (d) hover, on the same warm server.
    say(`  (d) hover × ${N.hover}…`);
    const lines = missingHeaderSource().split('\n');
    const pos = (needle, offset) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line, character: lines[line].indexOf(needle) + offset };
    };
    const v = ++version;
    const tv = client.change(uri, missingHeaderSource(), v);
    await client.waitFor(
      () => client.published(uri, tv).find((n) => n.params.version === v && n.params.diagnostics.some((d) => d.code === 'cgo/header-not-found')),
      30_000,
      'reset',
    );
    await waitIdle(client.pid);
    const hover = async (position) => {
      const out = [];
      let last = null;
      const t = performance.now();
      const first = await client.request('textDocument/hover', { textDocument: { uri }, position }); // first: may do one-time work
      const firstSpawns = traced(traceFile, t, performance.now() + 50).map(describeSpawn);
      for (let i = 0; i < N.hover; i++) {
        const r = await client.request('textDocument/hover', { textDocument: { uri }, position });
        out.push(r.ms);
        last = r.result;
      }
      return {
        ...summary(out),
        firstMs: Math.round(first.ms * 10) / 10,
        firstSpawns,
        result: last ? `${last.contents.value.length} chars of markdown: ${firstLine(last.contents.value)}` : 'null',
      };
    };
    const hSampler = new DescendantSampler(client.pid, 2).start();
    const hStart = performance.now();
    res.hoverImportC = await hover(pos('import "C"', 8));
    res.hoverCString = await hover(pos('C.CString', 3));
    res.hoverCPuts = await hover(pos('C.puts', 3));
    const hSpawns = traced(traceFile, hStart, performance.now());
    res.hoverSubprocesses = { traced: hSpawns.length, sampled: hSampler.stop().length, commands: hSpawns.map(describeSpawn) };
    const hoverNote = (h) =>
      `first: ${fmtMs(h.firstMs)}${h.firstSpawns.length ? ` (${h.firstSpawns.length} subprocess: ${h.firstSpawns[0].split(' ').slice(0, 3).join(' ')})` : ''}; ${h.result === 'null' ? 'no hover' : h.result.split(':')[0]}`;
    row('(d) hover', 'on `import "C"` (toolchain report), warm', res.hoverImportC, hoverNote(res.hoverImportC));
    row('(d) hover', 'on `C.CString` (cgo builtin), warm', res.hoverCString, hoverNote(res.hoverCString));
    row('(d) hover', 'on `C.puts` (libc function), warm', res.hoverCPuts, hoverNote(res.hoverCPuts));
  } finally {
    await client.close();
  }

  // (c) again with debounceMs 0 (a second warm server): the compile alone.
  say(`  (c) ${N.preamble} edits inside the preamble, debounceMs 0…`);
  const s0 = await startServer(mod.dir, { trace: true, label: 'warm0', initOptions: { debounceMs: 0 } });
  try {
    version = 1;
    s0.client.open(mod.file, missingHeaderSource(), version);
    await s0.client.waitFor(() => s0.client.published(uri).find(hasCode('cgo/header-not-found')), 60_000, 'initial diagnostics');
    await waitIdle(s0.client.pid);
    const preambleEdits0 = async () => {
      const lat = [];
      const spawnsPer = [];
      const durs = [];
      for (let i = 0; i < N.preamble; i++) {
        const header = `bench_missing_d0_${i}_${process.pid}.h`;
        const v = ++version;
        const t = s0.client.change(uri, missingHeaderSource(header), v);
        const p = await s0.client.waitFor(
          () =>
            s0.client
              .published(uri, t)
              .find((n) => n.params.version === v && n.params.diagnostics.some((d) => d.code === 'cgo/header-not-found' && d.message.includes(header))),
          30_000,
          'preamble republish',
        );
        lat.push(p.t - t);
        await waitIdle(s0.client.pid, { windowMs: 200 });
        const sp = traced(s0.traceFile, t, performance.now());
        spawnsPer.push(sp.length);
        durs.push(Math.max(0, ...sp.map((r) => r.end - r.start)));
      }
      return { ...summary(lat), subprocessesPerEdit: median(spawnsPer), slowestSubprocess: summary(durs) };
    };
    res.editPreamble0 = await preambleEdits0();
    res.editPreamble0.debounceMs = 0;
  } finally {
    await s0.client.close();
  }
  return res;
}

// ---- (e) gopls -------------------------------------------------------------------------------------------
async function goplsVersion(bin) {
  const r = await timeRun(bin, ['version'], { env: offlineEnv, timeoutMs: 30_000 });
  return r.code === 0 ? r.stdout.trim().split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ') : null;
}

async function installGopls() {
  const binDir = path.join(benchDir, 'bin');
  const bin = path.join(binDir, 'gopls');
  if (fs.existsSync(bin) && !reinstallGopls) {
    const v = await goplsVersion(bin);
    if (v) return { bin, version: v, how: 'already installed in .bench/bin (use --reinstall-gopls to reinstall)' };
  }
  if (!reinstallGopls) {
    // A gopls the user already has (on PATH or in GOPATH/bin) is used as it is.
    const onPath = tryCmd('sh', ['-c', `command -v gopls || ls "$(go env GOPATH)/bin/gopls" 2>/dev/null || true`]).split('\n')[0];
    if (onPath && onPath.startsWith('/')) {
      const v = await goplsVersion(onPath);
      if (v) return { bin: onPath, version: v, how: `already installed: ${onPath}` };
    }
  }
  if (quick) return { skipped: 'quick mode does not install gopls (run the full bench once to install it into .bench/bin)' };
  fs.mkdirSync(binDir, { recursive: true });
  const attempts = [];
  // The only network access of the bench: go install through the module proxy (GOPROXY from the user's env).
  const installEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOBIN: binDir };
  for (const version of ['latest', 'v0.20.0']) {
    say(`  installing gopls@${version} into .bench/bin (go install through the module proxy)…`);
    const r = await timeRun('go', ['install', `golang.org/x/tools/gopls@${version}`], { env: installEnv, timeoutMs: 15 * 60_000 });
    if (r.code === 0 && fs.existsSync(bin)) {
      const v = await goplsVersion(bin);
      return { bin, version: v, how: `go install golang.org/x/tools/gopls@${version} (${Math.round(r.ms / 1000)} s)`, attempts };
    }
    const why = (r.stderr || r.error || `exit ${r.code}`).trim().split('\n').slice(-3).join(' / ');
    attempts.push({ version, error: why });
    say(`    failed: ${why}`);
  }
  return { skipped: `go install of gopls failed: ${attempts.map((a) => `@${a.version}: ${a.error}`).join('; ')}`, attempts };
}

async function benchGopls(mod, cgoRes) {
  const inst = await installGopls();
  const res = { install: inst };
  if (inst.skipped) {
    say(`  gopls skipped: ${inst.skipped}`);
    rows.push(['(e) gopls', `skipped: ${inst.skipped}`, '', '', '', '']);
    return res;
  }
  say(`  gopls: ${inst.version} — ${N.gopls} cold run(s) on the missing-header module…`);
  const text = fs.readFileSync(mod.file, 'utf8');
  const uri = uriOf(mod.file);
  const runs = [];
  for (let i = 0; i < N.gopls; i++) {
    const client = new LspClient(inst.bin, [], { env: offlineEnv, cwd: mod.dir });
    try {
      const init = await client.initialize(mod.dir, {});
      const { t: tOpen } = client.open(mod.file, text);
      const first = await client.waitFor(() => client.published(uri)[0], 120_000, 'gopls first publish').catch(() => null);
      const diag = await client
        .waitFor(() => client.published(uri).find((n) => n.params.diagnostics.length > 0), 120_000, 'gopls diagnostic')
        .catch((e) => ({ error: String(e) }));
      runs.push({
        spawnToInit: init.t - client.spawnedAt,
        openToFirstPublish: first ? first.t - tOpen : null,
        openToDiag: diag.error ? null : diag.t - tOpen,
        spawnToDiag: diag.error ? null : diag.t - client.spawnedAt,
        error: diag.error,
        diagnostics: diag.error
          ? []
          : diag.params.diagnostics.map((d) => ({
              source: d.source,
              line: d.range.start.line + 1,
              message: firstLine(d.message),
              full: String(d.message).slice(0, 600),
            })),
        allPublishes: client.published(uri).map((n) => ({ at: Math.round(n.t - tOpen), count: n.params.diagnostics.length })),
      });
    } finally {
      await client.close();
    }
  }
  res.runs = runs;
  res.openToDiag = summary(runs.map((r) => r.openToDiag ?? NaN));
  res.spawnToDiag = summary(runs.map((r) => r.spawnToDiag ?? NaN));
  res.says = runs.find((r) => r.diagnostics.length > 0)?.diagnostics ?? [];
  res.cgoLsSays = cgoRes?.runs?.[0]?.diagnostics ?? [];
  const cg = cgoRes?.openToDiag?.median;
  row(
    '(e) gopls',
    `didOpen → first diagnostic (gopls ${/v\d+\.\d+\.\d+\S*/.exec(inst.version)?.[0] ?? ''})`,
    res.openToDiag,
    cg ? `${fmtRatio(ratio(res.openToDiag.median, cg))} cgo-ls cold` : '',
  );
  row(
    '(e) gopls',
    'spawn → first diagnostic',
    res.spawnToDiag,
    cgoRes?.spawnToDiag ? `${fmtRatio(ratio(res.spawnToDiag.median, cgoRes.spawnToDiag.median))} cgo-ls cold` : '',
  );
  return res;
}

// ---- (h) cgo-ls check ------------------------------------------------------------------------------------
/**
 * `cgo-ls check` from a terminal: on a package with no cgo file (what most packages of a module are) and on the
 * cgo package of (a), each with an empty and with a warm disk cache, against `node -e 0` and a warm `go build`.
 * With the user's environment (SHELL set; `check` reads no login shell since round 9, so the two rows should agree)
 * and without SHELL.
 */
async function benchCheck(mod, cold) {
  const res = {};
  const plain = path.join(benchDir, 'nocgo');
  fs.rmSync(plain, { recursive: true, force: true });
  fs.mkdirSync(plain, { recursive: true });
  fs.writeFileSync(path.join(plain, 'go.mod'), 'module example.com/nocgo\n\ngo 1.22\n');
  fs.writeFileSync(path.join(plain, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
  const noShell = { ...serverEnv };
  delete noShell.SHELL;
  const node0 = [];
  for (let i = 0; i < N.goBuild; i++) node0.push((await timeRun(process.execPath, ['-e', '0'], { env: offlineEnv })).ms);
  res.node = summary(node0);
  const checkRun = (dir, env, cacheDir) =>
    timeRun(process.execPath, [serverMain, 'check', dir], { cwd: dir, env: { ...env, CGO_LS_CACHE_DIR: cacheDir }, timeoutMs: 120_000 });
  const cases = [
    { key: 'plainNoShell', what: 'no cgo file, SHELL unset', dir: plain, env: noShell },
    { key: 'plain', what: 'no cgo file, SHELL set (as from a terminal)', dir: plain, env: serverEnv },
    { key: 'cgoNoShell', what: 'the cgo package of (a), SHELL unset', dir: mod.dir, env: noShell },
  ];
  for (const c of cases) {
    say(`  cgo-ls check, ${c.what}: ${N.goBuild} runs with an empty and ${N.goBuild} with a warm disk cache…`);
    const empty = [];
    const warm = [];
    const primed = freshCacheDir('check');
    await checkRun(c.dir, c.env, primed);
    for (let i = 0; i < N.goBuild; i++) {
      empty.push((await checkRun(c.dir, c.env, freshCacheDir('check'))).ms);
      warm.push((await checkRun(c.dir, c.env, primed)).ms);
    }
    res[c.key] = { empty: summary(empty), warm: summary(warm) };
    const vs =
      c.key.startsWith('cgo') && cold?.goBuild?.warm?.median
        ? (m) => `${fmtRatio(ratio(m, cold.goBuild.warm.median))} warm go build`
        : (m) => `${fmtRatio(ratio(m, res.node.median))} node -e 0`;
    row('(h) check', `\`cgo-ls check\`, ${c.what}, empty disk cache`, res[c.key].empty, vs(res[c.key].empty.median));
    row('(h) check', `\`cgo-ls check\`, ${c.what}, warm disk cache`, res[c.key].warm, vs(res[c.key].warm.median));
  }
  row('(h) check', '`node -e 0`', res.node);

  // Module loading alone: `--version` (the bundle's entry, no work) and spawn → initialize result over stdio
  // (the language server's modules; warm disk cache), with the files each start reads (strace, if installed).
  say(`  module loading: cgo-ls --version, spawn → initialize result (${N.goBuild} each)…`);
  const loadCache = freshCacheDir('load');
  await checkRun(plain, noShell, loadCache);
  const version = [];
  const init = [];
  for (let i = 0; i < N.goBuild; i++) {
    version.push((await timeRun(process.execPath, [serverMain, '--version'], { env: noShell })).ms);
    const { client, initMs } = await startServer(plain, { cacheDir: loadCache, label: 'load' });
    init.push(initMs);
    await client.close();
  }
  res.version = summary(version);
  res.spawnToInit = summary(init);
  res.filesRead = {
    version: filesRead([serverMain, '--version'], plain, noShell),
    checkNoCgo: filesRead([serverMain, 'check', plain], plain, { ...noShell, CGO_LS_CACHE_DIR: loadCache }),
  };
  const files = (n) => (n === null ? '' : `; ${n} files read`);
  row(
    '(h) load',
    '`cgo-ls --version` (node + the entry, no work)',
    res.version,
    `${fmtRatio(ratio(res.version.median, res.node.median))} node -e 0${files(res.filesRead.version)}`,
  );
  row(
    '(h) load',
    'import the server: spawn → initialize result (warm disk cache)',
    res.spawnToInit,
    `${fmtRatio(ratio(res.spawnToInit.median, res.node.median))} node -e 0`,
  );
  if (res.filesRead.checkNoCgo !== null)
    rows.push(['(h) load', '`cgo-ls check`, no cgo file, warm disk cache: files read', '1', String(res.filesRead.checkNoCgo), '', '.js/.json/.wasm (strace)']);
  return res;
}

/** How many .js/.mjs/.cjs/.json/.wasm files `node args` opens (strace -f), or null without strace. */
function filesRead(args, cwd, env) {
  const which = tryCmd('sh', ['-c', 'command -v strace || true']);
  if (!which || which.startsWith('unavailable')) return null;
  const out = path.join(benchDir, 'traces', `files-${process.pid}-${Date.now()}.txt`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  try {
    execFileSync(which, ['-f', '-qq', '-e', 'trace=openat', '-o', out, process.execPath, ...args], { cwd, env, stdio: 'ignore', timeout: 120_000 });
  } catch {
    // check exits 1 on an error diagnostic; the trace is still written
  }
  if (!fs.existsSync(out)) return null;
  const opened = new Set();
  for (const l of fs.readFileSync(out, 'utf8').split('\n')) {
    const m = /openat\([^"]*"([^"]+\.(?:[cm]?js|json|wasm))"/.exec(l);
    if (m && !/= -1 /.test(l) && !m[1].includes(`${path.sep}.bench${path.sep}`)) opened.add(m[1]);
  }
  return opened.size;
}

// ---- (f) scale -------------------------------------------------------------------------------------------
async function benchScale() {
  const root = path.join(benchDir, 'scale');
  say(`  generating ${SCALE.files} .go files in ${SCALE.packages} packages (${SCALE.cgoFiles} cgo files) under .bench/scale…`);
  const g0 = performance.now();
  const ws = writeScaleWorkspace(root, SCALE);
  const res = {
    workspace: {
      goFiles: ws.goFiles,
      packages: SCALE.packages,
      cgoFiles: ws.all.length,
      byKind: { stdio: ws.byKind[0].length, stdlibString: ws.byKind[1].length, commonH: ws.byKind[2].length, missingHeader: ws.byKind[3].length },
      generateMs: Math.round(performance.now() - g0),
    },
  };
  const uris = ws.all.map(uriOf);
  const commonUris = ws.byKind[2].map(uriOf);
  const commonSet = new Set(commonUris);
  const header = path.join(root, 'common', 'common.h');

  say('  starting the server on the workspace (diagnosticsScope workspace, the default)…');
  const { client, traceFile, initMs } = await startServer(root, { trace: true, label: 'scale' });
  try {
    const tInit = client.spawnedAt + initMs;
    const logRe = /workspace: (\d+) cgo file\(s\) in (\d+) module\(s\) checked in (\d+) ms/;
    const log = await client.waitFor(() => client.logMessages().find((n) => logRe.test(n.params.message)), 15 * 60_000, 'workspace scan log line');
    const [, nFiles, nModules, serverMs] = logRe.exec(log.params.message).map(Number);
    const allPublished = await client.waitFor(
      () => {
        let last = 0;
        for (const u of uris) {
          const p = client.published(u)[0];
          if (!p) return null;
          last = Math.max(last, p.t);
        }
        return { t: last };
      },
      60_000,
      'a publish for every cgo file',
    );
    const progressEnd = client.notifications.find((n) => n.method === '$/progress' && n.params?.value?.kind === 'end');
    const scanSpawns = traced(traceFile);
    const missingOk = ws.byKind[3].every((f) => client.published(uriOf(f)).some(hasCode('cgo/header-not-found')));
    res.scan = {
      spawnToInit: Math.round(initMs),
      initToAllPublished: Math.round(allPublished.t - tInit),
      spawnToAllPublished: Math.round(allPublished.t - client.spawnedAt),
      initToLogLine: Math.round(log.t - tInit),
      serverReported: { files: nFiles, modules: nModules, ms: serverMs },
      progressEndMs: progressEnd ? Math.round(progressEnd.t - tInit) : null,
      subprocesses: scanSpawns.length,
      compilerRuns: scanSpawns.filter(isCompilerRun).length,
      missingHeaderFilesReported: missingOk,
      rssAfterScanKiB: procStatus(client.pid),
      // CPU seconds: the server's own (parse, analysis, JSON-RPC, spawning) vs its waited-for children (go, gcc).
      cpuAtScanEnd: cpuSeconds(client.pid),
    };
    say(`    scan: ${nFiles} cgo files, ${scanSpawns.length} subprocesses, all published ${fmtMs(res.scan.initToAllPublished)} after initialize`);

    // Let the watcher and the scan finish their initial walk (no ready signal over LSP: wait until the server is idle).
    await waitIdle(client.pid, { windowMs: 1_000 });
    res.watcherSettledMs = Math.round(performance.now() - allPublished.t);
    // Work the server did after every file was published (the toolchain-input watcher's start re-probes).
    const after = traced(traceFile, allPublished.t + 1, performance.now());
    res.scan.afterScan = {
      subprocesses: after.length,
      compilerRuns: after.filter(isCompilerRun).length,
      republishedFiles: new Set(client.published(undefined, allPublished.t + 1).map((n) => n.params.uri)).size,
      idleAfterMs: res.watcherSettledMs,
      reprobed: client.logMessages().some((n) => /toolchain inputs changed/.test(n.params.message)),
    };

    // A change to common/common.h must reach every file that includes it.
    const changes = [];
    for (let i = 0; i < N.scaleChange; i++) {
      for (const broken of [true, false]) {
        const marker = `common_undeclared_${i}`;
        const t = performance.now();
        fs.writeFileSync(header, broken ? brokenCommonH(i) : commonH());
        const isNew = (n) =>
          broken ? n.params.diagnostics.some((d) => d.message.includes(marker)) : !n.params.diagnostics.some((d) => d.code === 'cgo/c-error');
        const reached = await client
          .waitFor(
            () => {
              let last = 0;
              for (const u of commonUris) {
                const p = client.published(u, t).find(isNew);
                if (!p) return null;
                last = Math.max(last, p.t);
              }
              return { t: last };
            },
            5 * 60_000,
            'common.h change to reach every including file',
          )
          .catch((e) => ({ error: String(e) }));
        await waitIdle(client.pid, { windowMs: 300 });
        const republished = new Set(client.published(undefined, t).map((n) => n.params.uri));
        const sp = traced(traceFile, t, performance.now());
        changes.push({
          kind: broken ? 'introduce a C error' : 'fix it again',
          ms: reached.error ? null : Math.round(reached.t - t),
          error: reached.error,
          includingFiles: commonUris.length,
          filesRepublished: republished.size,
          nonIncludingRepublished: [...republished].filter((u) => !commonSet.has(u)).length,
          compilerRuns: sp.filter(isCompilerRun).length,
          subprocesses: sp.length,
        });
        say(
          `    header change (${broken ? 'break' : 'fix'}): ${reached.error ? reached.error : fmtMs(reached.t - t)}, ${republished.size} files republished, ${sp.length} subprocesses`,
        );
      }
    }
    res.headerChange = changes;
    res.logs = client
      .logMessages()
      .slice(0, 30)
      .map((n) => ({ atFromInit: Math.round(n.t - tInit), message: firstLine(n.params.message).slice(0, 200) }));
    res.headerBreak = summary(changes.filter((c) => c.kind.startsWith('introduce')).map((c) => c.ms ?? NaN));
    res.headerFix = summary(changes.filter((c) => c.kind.startsWith('fix')).map((c) => c.ms ?? NaN));
    const status = procStatus(client.pid);
    res.peakRssMiB = status?.VmHWM ? Math.round(status.VmHWM / 1024) : null;
    res.rssEndMiB = status?.VmRSS ? Math.round(status.VmRSS / 1024) : null;
    res.cpu = cpuSeconds(client.pid);

    const perFile = (res.scan.initToAllPublished / Math.max(1, ws.all.length)).toFixed(1);
    const one = (ms) => ({ n: 1, median: ms, min: ms, max: ms });
    const cpu = res.scan.cpuAtScanEnd;
    row(
      '(f) scale',
      `initialize → all ${ws.all.length} cgo files published (${ws.goFiles} .go files)`,
      one(res.scan.initToAllPublished),
      `${perFile} ms per cgo file; ${res.scan.compilerRuns} compiler runs; CPU: server ${cpu?.self.toFixed(1)} s, children ${cpu?.children.toFixed(1)} s (of which the reaper's own ${cpu?.liveSelf.toFixed(1)} s)`,
      1,
    );
    row(
      '(f) scale',
      'all published → server idle (watcher start)',
      one(res.watcherSettledMs),
      `${res.scan.afterScan.compilerRuns} more compiler runs, ${res.scan.afterScan.republishedFiles} files republished${res.scan.afterScan.reprobed ? ' (toolchain re-probed)' : ''}`,
      1,
    );
    row('(f) scale', 'peak RSS of the server (VmHWM)', null, `${res.peakRssMiB} MiB`, 1);
    const c0 = changes[0];
    row(
      '(f) scale',
      `common.h broken → all ${commonUris.length} including files republished`,
      res.headerBreak,
      c0 ? `${c0.filesRepublished} files republished, ${c0.compilerRuns} compiler runs` : '',
    );
    row('(f) scale', 'common.h fixed → all including files republished', res.headerFix);
  } finally {
    await client.close();
    fs.writeFileSync(header, commonH());
  }

  // The floor of the scan: what checking each cgo file once costs with nothing else running — `gcc -fsyntax-only`
  // on each preamble (its text with a #line, without cgo's small builtin prolog, with the file's #cgo CFLAGS), as
  // many at a time as the machine has cores (cgo-ls's scheduler runs two), no server, no wrappers; the faster of two
  // passes. The scan cannot beat this without skipping a compile, and the build is the oracle.
  const jobs = ws.all.map((file) => {
    const source = fs.readFileSync(file, 'utf8');
    const cflags = [...source.matchAll(/^#cgo CFLAGS: (.*)$/gm)].flatMap((m) => m[1].split(/\s+/)).map((f) => f.replaceAll('${SRCDIR}', path.dirname(file)));
    return { input: preambleForGcc(source, file), args: [...cflags, '-fsyntax-only', '-xc', '-'], cwd: path.dirname(file) };
  });
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  // CPU seconds of the children this process has waited for (cutime + cstime, 100 Hz).
  const childCpu = () => {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  };
  const floorRuns = [];
  for (let r = 0; r < 2; r++) {
    const cpu0 = childCpu();
    const t0 = performance.now();
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: cores }, async () => {
        while (next < jobs.length) {
          const j = jobs[next++];
          const out = await timeRun('gcc', j.args, { cwd: j.cwd, input: j.input, timeoutMs: 60_000 });
          if (out.code !== 0) failed++;
        }
      }),
    );
    floorRuns.push({ ms: performance.now() - t0, cpu: childCpu() - cpu0, failed });
  }
  const best = floorRuns.reduce((a, b) => (b.ms < a.ms ? b : a));
  res.compileFloor = { runs: floorRuns.map((x) => ({ ms: Math.round(x.ms), cpuS: x.cpu, failed: x.failed })), cores };
  const floorMs = Math.round(best.ms);
  const scanMs = res.scan?.initToAllPublished;
  row(
    '(f) scale',
    `the floor: gcc -fsyntax-only on each of the ${jobs.length} preambles, ${cores} at a time, nothing else (best of ${floorRuns.length})`,
    { n: floorRuns.length, median: floorMs, min: floorMs, max: Math.round(Math.max(...floorRuns.map((x) => x.ms))) },
    `CPU ${best.cpu.toFixed(1)} s (${((best.cpu * 1000) / jobs.length).toFixed(0)} ms per compile; ${best.failed} with errors, the missing headers); the scan is ${scanMs ? fmtRatio(ratio(scanMs, floorMs)) : '?'} this`,
  );
  return res;
}

// ---- (g) C inside Go files: completion and definition on go-sqlite3 ---------------------------------------
const SQLITE3 = 'github.com/mattn/go-sqlite3@v1.14.53';

function p95(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? Math.round(v[Math.max(0, Math.ceil(0.95 * v.length) - 1)] * 10) / 10 : NaN;
}

async function benchCIntel() {
  const res = {};
  const work = path.join(benchDir, 'cintel');
  fs.mkdirSync(work, { recursive: true });
  // The second network access of the bench (after the gopls install): the module, through the Go module proxy.
  const dl = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', SQLITE3], {
      cwd: work,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      encoding: 'utf8',
    }),
  );
  const dir = path.join(work, 'go-sqlite3');
  if (!fs.existsSync(path.join(dir, 'sqlite3.go'))) {
    fs.cpSync(dl.Dir, dir, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', dir]);
  }
  const file = path.join(dir, 'sqlite3.go');
  const text = fs.readFileSync(file, 'utf8');
  const dist = (p) => pathToFileURL(path.join(repo, 'dist', p)).toString();
  const { Engine } = await import(dist('engine/engine.js'));
  const { preprocessArgv } = await import(dist('compiler/cindex.js'));
  const { buildPreambleText } = await import(dist('compiler/preamble.js'));
  const { CGO_BUILTIN_PROLOG } = await import(dist('gomodel/preamble.js'));
  const ctx = await new Engine({ env: serverEnv }).cCompileContext(file);
  if (!ctx) throw new Error('go-sqlite3: no compile context (is gcc installed?)');

  // Floor: the same `cc -E -dD` the index runs (the input from a file next to sqlite3.go instead of stdin).
  const input = path.join(dir, `.bench-cc-input-${process.pid}.c`);
  fs.writeFileSync(input, CGO_BUILTIN_PROLOG + buildPreambleText(ctx.goFile, ctx.preambles).text);
  const argv = preprocessArgv(ctx);
  const cc = [];
  try {
    for (let i = 0; i < N.floor; i++) {
      const r = await timeRun(argv[0], [...argv.slice(1, -1), input], { cwd: ctx.cwd, env: ctx.env });
      if (r.code !== 0) throw new Error(`cc -E failed: ${firstLine(r.stderr)}`);
      cc.push(r.ms);
    }
  } finally {
    fs.rmSync(input, { force: true });
  }
  res.ccE = summary(cc);
  res.ccArgv = argv;
  row('(g) C in Go', "one `cc -E -dD` of sqlite3.go's preamble (floor)", res.ccE, `${argv.length} args`);

  // A completion position: a new function at the end of the file, `_ = C.` + a prefix.
  const lines = text.split('\n');
  const withLine = (prefix) => `${text}\nfunc benchComplete() {\n\t_ = C.${prefix}\n}\n`;
  const compLine = lines.length + 1;
  const refLine = lines.findIndex((l) => /C\.sqlite3_\w+\(/.test(l));
  const refName = /C\.(sqlite3_\w+)\(/.exec(lines[refLine])[1];
  const refPos = { line: refLine, character: lines[refLine].indexOf('C.' + refName) + 4 };
  const opts = { initOptions: { diagnosticsScope: 'openFiles', checkShellEnv: false } };

  // The same preamble (its C text; the package's #cgo lines stay in sqlite3.go) in a second file of the package that
  // no editor opens: nothing prefetches its index, so its first completion runs `cc -E` and the parse itself.
  const copyFile = path.join(dir, 'zz_bench_copy.go');
  const preambleBlock = /\n\/\*\n([\s\S]*?)\*\/\nimport "C"\n/.exec(text);
  if (!preambleBlock) throw new Error('sqlite3.go: no /* … */ preamble before import "C"');
  const copyText = `//go:build cgo\n\npackage sqlite3\n\n/*\n${preambleBlock[1].replace(/^#cgo .*$/gm, '')}*/\nimport "C"\n\nfunc benchCompleteCopy() {\n\t_ = C.\n}\n`;
  fs.writeFileSync(copyFile, copyText);
  const copyLine = copyText.split('\n').length - 3;

  const first = [];
  const onRequest = [];
  const readyAfterOpen = [];
  let items = 0;
  let copyItems = 0;
  let prefetched = 0;
  let last = null;
  try {
    for (let i = 0; i < N.cFirst; i++) {
      const s = await startServer(dir, { ...opts, label: `cintel-${i}`, trace: i === N.cFirst - 1 });
      const uri = uriOf(file);
      const openedAt = performance.now();
      s.client.open(file, text, 1);
      await s.client.waitFor(() => s.client.published(uri).length > 0, 120_000, 'first publish');
      await waitIdle(s.client.pid);
      // The server builds an open file's index in the background once its first compiled analysis is published.
      // The process-table idle test cannot see a compiler that is still running, so wait for the build's log line
      // too (bounded: a server that never builds it is measured as it is, and the row says so).
      const bgBuilt = (l) => /C index for .*sqlite3\.go: built in the background/.test(l.params?.message ?? '');
      await s.client.waitFor(() => s.client.logMessages().some(bgBuilt), 60_000, 'the background index build').catch(() => undefined);
      const built = s.client.logMessages().find(bgBuilt);
      if (built) readyAfterOpen.push(built.t - openedAt);
      s.client.change(uri, withLine(''), 2);
      await s.client.waitFor(() => s.client.published(uri).find((n) => n.params.version === 2), 60_000, 'republish');
      const r = await s.client.request('textDocument/completion', { textDocument: { uri }, position: { line: compLine, character: 7 } }, 120_000);
      if (r.error) throw new Error(`completion failed: ${r.error.message}`);
      first.push(r.ms);
      items = (r.result?.items ?? r.result ?? []).length;
      // The log line of a background build says the index was ready before the request.
      if (built) prefetched++;
      const c = await s.client.request(
        'textDocument/completion',
        { textDocument: { uri: uriOf(copyFile) }, position: { line: copyLine, character: 7 } },
        120_000,
      );
      if (c.error) throw new Error(`completion in the copy failed: ${c.error.message}`);
      onRequest.push(c.ms);
      copyItems = (c.result?.items ?? c.result ?? []).length;
      if (i < N.cFirst - 1) await s.client.close();
      else last = { ...s, uri };
    }
  } finally {
    fs.rmSync(copyFile, { force: true });
  }
  res.first = { ...summary(first), items, prefetched };
  res.onRequest = { ...summary(onRequest), items: copyItems };
  res.readyAfterOpen = summary(readyAfterOpen);
  row(
    '(g) C in Go',
    'first completion after `C.` (fresh server; index built after the first analysis)',
    res.first,
    `${fmtRatio(ratio(res.first.median, res.ccE.median))} one cc -E; ${items} items; ready before the request in ${prefetched}/${first.length} runs`,
  );
  row('(g) C in Go', 'didOpen → index built in the background (the log line)', res.readyAfterOpen, "includes the toolchain probe and the file's first compile");
  row(
    '(g) C in Go',
    'first completion in a file not indexed yet (cc -E + parse on the request)',
    res.onRequest,
    `${fmtRatio(ratio(res.onRequest.median, res.ccE.median))} one cc -E; ${copyItems} items`,
  );

  try {
    const { client, uri } = last;
    const prefixes = ['', 's', 'sq', 'sqlite3_', 'SQLITE_', 'sqlite3_bind', 'CS', 'G'];
    const warm = [];
    let v = 2;
    for (let i = 0; i < N.cWarm; i++) {
      const prefix = prefixes[i % prefixes.length];
      client.change(uri, withLine(prefix), ++v);
      const r = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: compLine, character: 7 + prefix.length } });
      warm.push(r.ms);
    }
    res.warm = { ...summary(warm), p95: p95(warm) };
    row('(g) C in Go', "didChange + completion (the edit's own analysis runs first)", res.warm, `p95 ${fmtMs(res.warm.p95)}`);
    // The same request without a preceding edit: what the completion itself costs once the index exists.
    const still = [];
    await sleep(1000); // let the compiler runs the edits scheduled for diagnostics (debounced) finish
    const stillStart = performance.now();
    for (let i = 0; i < N.cWarm; i++) {
      const r = await client.request('textDocument/completion', {
        textDocument: { uri },
        position: { line: compLine, character: 7 + prefixes[(N.cWarm - 1) % prefixes.length].length },
      });
      still.push(r.ms);
    }
    const spawned = traced(last.traceFile, stillStart, performance.now());
    res.still = { ...summary(still), p95: p95(still), subprocesses: spawned.length };
    row('(g) C in Go', 'completion, served from the index (text unchanged)', res.still, `p95 ${fmtMs(res.still.p95)}; ${spawned.length} subprocesses`);
    const def = [];
    let target = null;
    for (let i = 0; i < N.cWarm; i++) {
      const r = await client.request('textDocument/definition', { textDocument: { uri }, position: refPos });
      def.push(r.ms);
      target = r.result?.[0];
    }
    res.definition = { ...summary(def), p95: p95(def), target: target ? `${target.uri}:${target.range.start.line + 1}` : null };
    row(
      '(g) C in Go',
      `definition on C.${refName}`,
      res.definition,
      `p95 ${fmtMs(res.definition.p95)} → ${target ? path.basename(new URL(target.uri).pathname) + ':' + (target.range.start.line + 1) : 'nothing'}`,
    );
  } finally {
    await last.client.close();
  }
  return res;
}

const cmdline = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

// ---- (i) one big generated cgo file: go-gl's gl package ----------------------------------------------------
// go-gl/gl has no tagged release; this is the version the module proxy serves as latest. v3.2-core is its smallest
// profile: package.go is about 1.1 MB, with a preamble of about 5 000 lines of GL declarations.
const GOGL = { module: 'github.com/go-gl/gl', version: 'v0.0.0-20231021071112-07e5d0ea2e71', pkg: 'v3.2-core/gl' };

function countKinds(hs) {
  const out = {};
  for (const h of hs) out[h.kind] = (out[h.kind] ?? 0) + 1;
  return out;
}

function sumKinds(list) {
  const out = {};
  for (const k of list) for (const [n, c] of Object.entries(k)) out[n] = (out[n] ?? 0) + c;
  return out;
}

async function benchBigFile() {
  const res = { module: `${GOGL.module}@${GOGL.version}`, pkg: GOGL.pkg };
  const work = path.join(benchDir, 'gogl');
  fs.mkdirSync(work, { recursive: true });
  // Through the Go module proxy (like section g's go-sqlite3); without it the section is skipped, saying why.
  let dl;
  try {
    dl = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', `${GOGL.module}@${GOGL.version}`], {
        cwd: work,
        env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      }),
    );
  } catch (e) {
    dl = { Error: firstLine(e.stdout ? (JSON.parse(e.stdout).Error ?? e.message) : e.message) };
  }
  if (dl.Error || !dl.Dir) {
    const why = `${GOGL.module}@${GOGL.version} is not available (${firstLine(dl.Error ?? 'no directory')})`;
    say(`  skipped: ${why}`);
    rows.push(['(i) big file', `skipped: ${why}`.slice(0, 150), '', '', '', '']);
    return { skipped: why };
  }
  const mod = path.join(work, 'gl');
  const dir = path.join(mod, GOGL.pkg);
  if (!fs.existsSync(path.join(dir, 'package.go'))) {
    fs.rmSync(mod, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(path.join(dl.Dir, 'go.mod'), path.join(mod, 'go.mod'));
    fs.cpSync(path.join(dl.Dir, GOGL.pkg), dir, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', mod]);
  }
  const file = path.join(dir, 'package.go');
  const text = fs.readFileSync(file, 'utf8');
  res.fileBytes = Buffer.byteLength(text);
  res.preambleLines = text.slice(0, text.indexOf('import "C"')).split('\n').length;
  // The GL headers come from libgl-dev (pkg-config gl); without them every figure below is still measured, and the
  // first diagnostic is the missing header.
  const pc = await timeRun('pkg-config', ['--cflags', 'gl'], { env: offlineEnv });
  res.glHeaders = pc.code === 0;
  if (!res.glHeaders) notes.push('(i): pkg-config gl failed (no GL headers: apt-get install libgl-dev); the first diagnostic is then the missing header');
  say(
    `  ${GOGL.pkg}/package.go: ${(res.fileBytes / 1024).toFixed(0)} KiB, preamble ${res.preambleLines} lines; GL headers ${res.glHeaders ? 'found' : 'MISSING'}`,
  );

  // go build with an empty build cache (the standard library and runtime/cgo are built too), then with that cache
  // warm and only the package changed (a comment appended: its cgo step and compile run again).
  const nBuild = quick ? 1 : 2;
  const cold = [];
  const pkgOnly = [];
  let says = '';
  for (let i = 0; i < nBuild; i++) {
    const cache = path.join(benchDir, 'gocache', `gogl-${process.pid}-${i}`);
    fs.rmSync(cache, { recursive: true, force: true });
    const env = { ...offlineEnv, GOCACHE: cache, GOFLAGS: '-mod=mod', CGO_ENABLED: '1' };
    say(`  go build, empty GOCACHE (${i + 1}/${nBuild})…`);
    const r = await timeRun('go', ['build', '-o', os.devNull, `./${GOGL.pkg}`], { cwd: mod, env, timeoutMs: 15 * 60_000 });
    cold.push(r.code === 0 ? r.ms : NaN);
    says = r.code === 0 ? 'builds' : `fails: ${firstLine(r.stderr)}`;
    try {
      fs.writeFileSync(file, `${text}\n// bench ${Date.now()}\n`);
      const w = await timeRun('go', ['build', '-o', os.devNull, `./${GOGL.pkg}`], { cwd: mod, env, timeoutMs: 15 * 60_000 });
      pkgOnly.push(w.code === 0 ? w.ms : NaN);
    } finally {
      fs.writeFileSync(file, text);
      fs.rmSync(cache, { recursive: true, force: true });
    }
  }
  res.goBuildCold = summary(cold);
  res.goBuildPackageOnly = summary(pkgOnly);
  res.goBuildSays = says;

  // The server: spawn, open package.go, hover on a C.name every ~50 ms from didOpen until the server is idle again
  // (the analysis and the background C index of the open file), each hover timed from send to answer.
  // The hover is on the first `C.glow…` call, past the modelling cap (128 KiB: the model ends after the preamble's
  // import "C"); its answer comes from the preamble's own declaration (provisional) until the C index is built.
  const lines = text.split('\n');
  const refLine = lines.findIndex((l) => /^\tC\.glow\w+\(/.test(l));
  const hoverPos = { line: refLine, character: lines[refLine].indexOf('C.') + 4 };
  res.hoverOn = lines[refLine].trim().split('(')[0];
  res.hoverOffset = lines.slice(0, refLine).reduce((n, l) => n + l.length + 1, 0);
  res.hoverPastCap = res.hoverOffset > 128 * 1024;
  say(
    `  hover on ${res.hoverOn} (line ${refLine + 1}, offset ${(res.hoverOffset / 1024).toFixed(0)} KiB: ${res.hoverPastCap ? 'past' : 'within'} the 128 KiB cap)`,
  );
  /** What a hover answer is: null, pending, provisional (the preamble's text) or from the index. */
  const kindOf = (r) => {
    const v = r?.result?.contents?.value;
    if (r?.error || !v) return 'null';
    if (/provisional/.test(v)) return 'provisional';
    if (/pending|hover again/.test(v)) return 'pending';
    return 'index';
  };
  const runs = [];
  const nServer = quick ? 1 : 3;
  for (let i = 0; i < nServer; i++) {
    say(`  server run ${i + 1}/${nServer}: didOpen, hover every 50 ms until idle…`);
    const { client } = await startServer(mod, { initOptions: { diagnosticsScope: 'openFiles' }, label: `gogl-${i}` });
    try {
      const uri = uriOf(file);
      const opened = client.open(file, text).t;
      const hovers = [];
      let stop = false;
      const loop = (async () => {
        while (!stop) {
          hovers.push(
            client
              .request('textDocument/hover', { textDocument: { uri }, position: hoverPos }, 10 * 60_000)
              .then((r) => ({ sent: r.t - r.ms, ms: r.ms, ok: !r.error && !!r.result, kind: kindOf(r) }))
              .catch(() => ({ sent: NaN, ms: NaN, ok: false, kind: 'null' })),
          );
          await sleep(50);
        }
      })();
      const first = await client.waitFor(() => client.published(uri)[0], 15 * 60_000, 'first publish');
      // The hovers keep the server's own CPU busy, so "idle" here is: no subprocess of the server (other than the
      // reaper) and no new publish for 2 s, and the open file's background C index build has logged (bounded).
      const bgBuilt = () => client.logMessages().some((l) => /C index for .*package\.go/.test(l.params?.message ?? ''));
      const busyChild = () => descendantsOf(client.pid).some((p) => !/reaper/.test(cmdline(p)));
      let quietSince = performance.now();
      let seen = client.published(uri).length;
      const end = performance.now() + 15 * 60_000;
      while (performance.now() < end) {
        await sleep(100);
        const n = client.published(uri).length;
        if (n !== seen || busyChild()) {
          seen = n;
          quietSince = performance.now();
        } else if (performance.now() - quietSince >= 2_000 && (bgBuilt() || performance.now() - quietSince >= 30_000)) break;
      }
      stop = true;
      await loop;
      const hs = await Promise.all(hovers);
      // After the analysis: the same hover, one every 50 ms (the answers come from the built index).
      const after = [];
      for (let k = 0; k < (quick ? 20 : 40); k++) {
        const r = await client.request('textDocument/hover', { textDocument: { uri }, position: hoverPos }, 60_000).catch(() => null);
        after.push({ ms: r ? r.ms : NaN, ok: !!r && !r.error && !!r.result, kind: kindOf(r) });
        await sleep(50);
      }
      const pubs = client.published(uri);
      const last = pubs[pubs.length - 1];
      const until = (t) => hs.filter((h) => h.sent <= t).map((h) => h.ms);
      runs.push({
        openToFirstPublish: Math.round(first.t - opened),
        spawnToFirstPublish: Math.round(first.t - client.spawnedAt),
        openToLastPublish: Math.round(last.t - opened),
        spawnToLastPublish: Math.round(last.t - client.spawnedAt),
        publishes: pubs.length,
        firstCodes: [...new Set(first.params.diagnostics.map((d) => d.code))],
        lastCodes: [...new Set(last.params.diagnostics.map((d) => d.code))],
        hoversUntilFirst: until(first.t),
        hoversUntilLast: until(last.t),
        hoversAll: hs.map((h) => h.ms),
        // The hovers sent before the first answer came were queued behind the didOpen: no server answers them before
        // it has read that message (1.1 MB of JSON) in its first busy second. The rest, on their own:
        openToFirstAnswer: hs[0] ? Math.round(hs[0].sent + hs[0].ms - opened) : null,
        hoversAfterOpenRead: hs.filter((h) => hs[0] && h.sent >= hs[0].sent + hs[0].ms).map((h) => h.ms),
        hoverAnswered: hs.filter((h) => h.ok).length,
        hoverKinds: countKinds(hs),
        hoversAfter: after.map((h) => h.ms),
        hoverAfterAnswered: after.filter((h) => h.ok).length,
        hoverAfterKinds: countKinds(after),
      });
    } finally {
      await client.close();
    }
  }
  res.runs = runs.map((r) => {
    const { hoversAll } = r;
    const out = { ...r, hovers: { n: hoversAll.length, p50: median(hoversAll), p95: p95(hoversAll), max: Math.max(...hoversAll) } };
    out.hoversAfterSummary = { n: r.hoversAfter.length, p50: median(r.hoversAfter), p95: p95(r.hoversAfter) };
    for (const k of ['hoversAll', 'hoversUntilFirst', 'hoversUntilLast', 'hoversAfter', 'hoversAfterOpenRead']) delete out[k];
    return out;
  });
  const all = (k) => runs.flatMap((r) => r[k]);
  res.firstPublish = summary(runs.map((r) => r.spawnToFirstPublish));
  res.lastPublish = summary(runs.map((r) => r.spawnToLastPublish));
  const hs = (k) => {
    const v = all(k);
    return { ...summary(v), p50: median(v.filter(Number.isFinite)), p95: p95(v) };
  };
  res.hoverUntilFirst = hs('hoversUntilFirst');
  res.hoverUntilLast = hs('hoversUntilLast');
  res.hoverAll = hs('hoversAll');
  res.hoverAfterOpenRead = hs('hoversAfterOpenRead');
  res.openToFirstAnswer = summary(runs.map((r) => r.openToFirstAnswer ?? NaN));
  // The floor under it: the same didOpen read and parsed by a bare node child, which answers the request behind it.
  say('  the floor: a bare node child reading the same didOpen…');
  res.openFloor = summary(await didOpenFloor(uriOf(file), text, quick ? 3 : 7));
  res.hoverAfter = hs('hoversAfter');
  res.hoverAnswered = { during: runs.reduce((n, r) => n + r.hoverAnswered, 0), sent: all('hoversAll').length };
  res.hoverAfterAnswered = { answered: runs.reduce((n, r) => n + r.hoverAfterAnswered, 0), sent: all('hoversAfter').length };
  res.hoverKinds = sumKinds(runs.map((r) => r.hoverKinds));
  res.hoverAfterKinds = sumKinds(runs.map((r) => r.hoverAfterKinds));
  const base = res.goBuildCold.median;
  row('(i) big file', `cold \`go build\` of ${GOGL.pkg} (empty GOCACHE: std and runtime/cgo too)`, res.goBuildCold, `it ${says}`);
  row('(i) big file', '`go build` of it with std cached (the package changed)', res.goBuildPackageOnly, '');
  row(
    '(i) big file',
    `spawn → first publish for package.go (${(res.fileBytes / 1024).toFixed(0)} KiB)`,
    res.firstPublish,
    `${fmtRatio(ratio(res.firstPublish.median, base))} cold go build; codes: ${runs[0]?.firstCodes.join(', ') || 'none'}`,
  );
  row(
    '(i) big file',
    'spawn → last publish (the compiled result)',
    res.lastPublish,
    `${fmtRatio(ratio(res.lastPublish.median, base))} cold go build; codes: ${runs[0]?.lastCodes.join(', ') || 'none'}`,
  );
  const hrow = (what, s) => row('(i) big file', what, { n: s.n, median: s.p50, min: s.min, max: s.max }, `p95 ${fmtMs(s.p95)}`);
  hrow(`hover on ${res.hoverOn} every 50 ms, didOpen → first publish`, res.hoverUntilFirst);
  hrow('… didOpen → last publish', res.hoverUntilLast);
  hrow('… didOpen → analysis over (no subprocess, C index built)', res.hoverAll);
  hrow('… the same, but sent after the first answer (not queued behind the didOpen)', res.hoverAfterOpenRead);
  row(
    '(i) big file',
    '… didOpen → first hover answer (the 1.1 MB didOpen read first)',
    res.openToFirstAnswer,
    `${fmtRatio(ratio(res.openToFirstAnswer.median, res.openFloor.median))} the floor below`,
  );
  row(
    '(i) big file',
    '… the floor: a bare node child that reads the same didOpen and answers the request behind it',
    res.openFloor,
    'no server can answer sooner',
  );
  const kinds = (k) =>
    Object.entries(k)
      .map(([n, c]) => `${c} ${n}`)
      .join(', ');
  row(
    '(i) big file',
    `… non-null answers while analysed (${res.hoverPastCap ? 'past' : 'within'} the cap)`,
    { n: res.hoverAnswered.sent },
    `${res.hoverAnswered.during}/${res.hoverAnswered.sent} non-null: ${kinds(res.hoverKinds)}`,
  );
  hrow('hover on the same C.name every 50 ms after the analysis', res.hoverAfter);
  row(
    '(i) big file',
    '… non-null answers after the analysis',
    { n: res.hoverAfterAnswered.sent },
    `${res.hoverAfterAnswered.answered}/${res.hoverAfterAnswered.sent} non-null: ${kinds(res.hoverAfterKinds)}`,
  );
  return res;
}

// ---- main ------------------------------------------------------------------------------------------------
async function main() {
  installExitHooks();
  if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run npm run build (npm run bench does)`);
  fs.mkdirSync(benchDir, { recursive: true });
  fs.rmSync(path.join(benchDir, 'traces'), { recursive: true, force: true });

  results.machine = machine();
  const m = results.machine;
  say(`cgo-ls bench (${results.mode})`);
  say(`machine: ${m.nproc} CPUs (${m.cpu}), ${m.memory} RAM, ${m.os}`);
  say(`tools:   node ${m.node}; ${m.go}; ${m.gcc}; strace: ${m.strace}`);
  say(`server:  dist/ built from ${m.commit}`);
  say('');

  fs.rmSync(path.join(benchDir, 'cache'), { recursive: true, force: true });
  const mod = writeMissingModule(benchDir);
  const section = async (key, title, fn) => {
    if (![...key].some(wants)) return;
    say(`${title}`);
    const t0 = performance.now();
    try {
      results.sections[key] = await fn();
    } catch (e) {
      results.sections[key] = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      rows.push([`(${key})`, `FAILED: ${firstLine(e instanceof Error ? e.message : e)}`, '', '', '', '']);
      say(`  FAILED: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      killAll(); // nothing a section started outlives it
      say(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  };

  await section('a', '(a) cold start vs floor vs go build', () => benchCold(mod));
  if (wants('b') || wants('c') || wants('d')) {
    await section('bcd', '(b)(c)(d) warm server: edits and hovers', async () => {
      const r = await benchWarm(mod);
      const gccFloor = results.sections.a?.floor?.gcc?.median;
      const e = r.editPreamble;
      const e0 = r.editPreamble0;
      const idx = rows.findIndex((x) => x[0] === '(d) hover');
      const cRows = [];
      const push = (what, s, rt) =>
        cRows.push(['(c) edit in preamble', what, String(s?.n ?? '—'), fmtMs(s?.median), s ? `${fmtMs(s.min)} … ${fmtMs(s.max)}` : '', rt]);
      push('didChange → static republish (cached compiler result)', e.firstPublish, '');
      push(
        `didChange → new compiler result, debounce ${e.debounceMs} ms`,
        e,
        `${fmtRatio(ratio(e.median, e0?.median))} debounce 0; ${e.subprocessesPerEdit} subprocesses/edit`,
      );
      if (e0) {
        const parts = [
          gccFloor ? `${fmtRatio(ratio(e0.median, gccFloor))} one gcc run (floor)` : '',
          `${e0.subprocessesPerEdit} subprocesses/edit, slowest ${fmtMs(e0.slowestSubprocess.median)}`,
        ];
        push('didChange → new compiler result, debounceMs 0', e0, parts.filter(Boolean).join('; '));
      }
      rows.splice(idx < 0 ? rows.length : idx, 0, ...cRows);
      return r;
    });
  }
  if (wants('e') && !noGopls) await section('e', '(e) gopls on the same module', () => benchGopls(mod, results.sections.a));
  if (wants('h')) await section('h', '(h) cgo-ls check from a terminal', () => benchCheck(mod, results.sections.a));
  await section('f', `(f) scale: ${SCALE.files} .go files, ${SCALE.cgoFiles} cgo files`, benchScale);
  await section('g', '(g) C inside Go files: completion and definition on go-sqlite3', benchCIntel);
  if (wants('i')) await section('i', '(i) one big generated cgo file: go-gl', benchBigFile);

  results.durationMs = Math.round(performance.now() - benchStart);
  results.table = rows;
  results.notes = notes;

  const header = ['section', 'measure', 'N', 'median', 'min … max', 'ratio / notes'];
  say('');
  say(`Results (${results.mode}, ${(results.durationMs / 1000).toFixed(0)} s; medians of N runs; ratios from this run):`);
  say('');
  say(textTable(header, rows));
  say('');
  printExplanations();
  fs.writeFileSync(path.join(benchDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(benchDir, 'results.md'), markdownTable(header, rows) + '\n');
  say(`wrote ${path.relative(repo, path.join(benchDir, 'results.json'))} and results.md`);
}

function printExplanations() {
  const a = results.sections.a;
  const e = results.sections.e;
  const w = results.sections.bcd;
  if (a && !a.error) {
    for (const [title, run] of [
      ['default settings', a.traceRun],
      ['checkShellEnv false, debounceMs 0, diagnosticsScope openFiles', a.traceRunAllThree],
    ]) {
      if (!run) continue;
      say(`Timeline of one traced cold run, ${title} (ms after didOpen; subprocesses with their duration; log lines; publishes):`);
      for (const e of run.timeline)
        say(`  ${String(e.at).padStart(6)}  ${e.durMs !== undefined ? String(e.durMs).padStart(4) + ' ms ' : '        '} ${e.what}`.slice(0, 150));
      say('');
    }
    say('');
    say("go build comparison: `go build -o /dev/null .` with the user's build cache (std and runtime/cgo warm, no -a:");
    say('nobody rebuilds the standard library to see a cgo error; the failing package is never cached, so each run');
    say('redoes its cgo step). It says: ' + a.goBuild.says);
    say('');
  }
  say('What each server says about the missing-header file:');
  for (const d of a?.runs?.[0]?.diagnostics ?? []) say(`  cgo-ls  line ${d.line}: [${d.code}] ${d.message}`);
  if (e && !e.error && !e.install?.skipped) {
    for (const d of e.says) {
      const more = d.full
        .split('\n')
        .slice(1)
        .find((l) => /error/i.test(l));
      say(`  gopls   line ${d.line}: [${d.source}] ${d.message}${more ? `  (later line: ${more.trim()})` : ''}`);
    }
  } else if (e?.install?.skipped) say(`  gopls   skipped: ${e.install.skipped}`);
  if (a?.floor?.gccSays) say(`  gcc     ${a.floor.gccSays}`);
  if (w && !w.error) {
    say('');
    say(
      `Subprocesses during edits outside the preamble: ${w.editOutside.subprocessesTraced} (spawn trace), ${w.editOutside.subprocessesSampled} (process-table sampling every 2 ms)${w.editOutside.strace?.available ? `, ${w.editOutside.strace.execve} execve (strace, 5 more edits)` : ', strace not available'}.`,
    );
    say(
      `A preamble edit starts ${w.editPreamble0?.subprocessesPerEdit} subprocesses: ${[...new Set(w.editPreamble.subprocessesSample ?? [])].slice(0, 3).join(' | ')}`,
    );
  }
  for (const n of notes) say(`note: ${n}`);
  say('');
}

main()
  .catch((e) => {
    process.exitCode = 1;
    say(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  })
  .finally(() => {
    killAll();
  });
