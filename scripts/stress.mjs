#!/usr/bin/env node
// `npm run stress`: the robustness figures of issue 12, measured on the built server (dist/) with hostile inputs,
// broken tools and abusive clients. Figures, not asserts: each line says what was measured and how it came out.
// Writes .bench/stress.json and prints a table (and `--markdown` a Markdown one for README.md).
//
//   hangs              #line to a device (real gcc), a compiler leaving a setsid grandchild on the pipes
//   processes left     after shutdown+exit, exit, SIGTERM, SIGINT, SIGHUP, stdin closed, SIGKILL (process table)
//   RSS                the server (VmHWM) and the compiler (sampled VmRSS) under /dev/zero, a 20 MB .go file, an
//                      8 MB binary .go, 100 000 import "C"
//   hover latency      while go env / pkg-config / cc --version / the compile hangs (FAULT-INJECTION fakes), and
//                      on the big inputs (with the longest the event loop was held: a ping every 50 ms, and
//                      whether the first hover on the 20 MB file's first C.int already gives the builtin's hover)
//   keystroke cost     ms per keystroke at 500 / 5 000 / 50 000 #cgo lines (edit outside the preamble → republish)
//   GOENV              byte-identical after `go env -w` fails on a full disk (real go, 64 KiB tmpfs; root only)
//   cgo.refresh ×300   wall time and `go env` runs (SPY go)
//   pathological Go    the model on hostile text (10 MB of comments, 100 000 parentheses, 20 000 #cgo lines,
//                      an unterminated comment full of "/*", 50 000 C.name uses)
//
// Fakes are shell scripts written to a temp dir, each saying FAULT-INJECTION FAKE in its body.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LspClient } from './bench/lsp.mjs';
import { descendantsOf, installExitHooks, killPids, procStatus } from './bench/procs.mjs';
import { median, textTable, markdownTable } from './bench/stats.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverMain = path.join(repo, 'dist', 'main.js');
const markdown = process.argv.includes('--markdown');
const quick = process.argv.includes('--quick');
installExitHooks();

const which = (n) => {
  const r = spawnSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};
const GCC = which('gcc');
const GO = which('go');
if (!GCC || !GO || !fs.existsSync(serverMain)) {
  console.error('npm run stress needs gcc, go and a built server (npm run build).');
  process.exit(2);
}

const tmpRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-stress-')));
const mounts = [];
process.on('exit', () => {
  for (const m of mounts) spawnSync('umount', [m]);
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});
let n = 0;
const tmp = (p) => {
  const d = path.join(tmpRoot, `${p}-${n++}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
};
const write = (root, files) => {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
};
const script = (file, body) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body, { mode: 0o755 });
  return file;
};
/** The servers of one stress run share a disk cache of toolchain answers of their own (never the user's). */
const diskCache = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-stress-cache-'));
const env = (extra = {}) => {
  const e = { ...process.env };
  delete e.SHELL;
  for (const k of Object.keys(e)) if (k.startsWith('CGO_') || ['CC', 'CXX', 'PKG_CONFIG', 'GOFLAGS'].includes(k)) delete e[k];
  return { ...e, CGO_LS_CACHE_DIR: diskCache, ...extra };
};
const GOMOD = 'module example.com/stress\n\ngo 1.22\n';
const GOOD = 'package p\n\n// #cgo pkg-config: sqlite3\n// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n';
const alive = (pid) => {
  try {
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rows = [];
const results = {};
function record(section, what, value, note = '') {
  rows.push([section, what, value, note]);
  (results[section] ??= []).push({ what, value, note });
  console.error(`  ${section} | ${what}: ${value}${note ? ` (${note})` : ''}`);
}
const ms = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const mib = (kb) => (kb ? `${Math.round(kb / 1024)} MiB` : 'n/a');

async function server(root, opts = {}) {
  const c = new LspClient(process.execPath, [serverMain, '--stdio'], { env: opts.env ?? env(), configuration: opts.configuration ?? null });
  await c.initialize(root, { checkShellEnv: false, diagnosticsScope: 'openFiles', ...(opts.init ?? {}) });
  return c;
}
const hover = (c, uri, line, character, timeoutMs = 60_000) =>
  c.request('textDocument/hover', { textDocument: { uri }, position: { line, character } }, timeoutMs).then(
    (r) => r.ms,
    () => null,
  );
/**
 * Pings the server (a request it answers at once: an unknown method) every 50 ms until stop(), which resolves the
 * longest round trip: how long the server's event loop was held at most (the 20 MB didOpen's own transfer included).
 */
function pinger(c) {
  let stopped = false;
  let max = 0;
  const loop = (async () => {
    while (!stopped) {
      const r = await c.request('cgo-ls/stress-ping', null, 120_000).catch(() => null);
      if (r) max = Math.max(max, r.ms);
      await sleep(50);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return max;
    },
  };
}
function hwmKb(pid) {
  const s = procStatus(pid);
  return s?.VmHWM ?? null;
}

// ---- machine ---------------------------------------------------------------------------------------------------
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model ?? '?';
const machine = {
  cpu,
  cores: os.cpus().length,
  memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  kernel: os.release(),
  node: process.version,
  go: spawnSync(GO, ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim(),
  gcc: spawnSync(GCC, ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim(),
  loadAvgAtStart: os.loadavg().map((x) => +x.toFixed(1)),
  commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim(),
};
console.error(
  `stress: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Linux ${machine.kernel}, node ${machine.node}, ${machine.go}, gcc ${machine.gcc}, load ${machine.loadAvgAtStart.join(' ')}`,
);

// ---- 1. hangs --------------------------------------------------------------------------------------------------
async function checkWithOpenStdin(root, pkg, timeoutMs, extraEnv = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [serverMain, 'check', pkg], { cwd: root, env: env(extraEnv), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      resolve('hang');
    }, timeoutMs);
    child.on('exit', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  child.stdin.destroy();
  return { code, ms: performance.now() - t0 };
}

async function hangs() {
  let count = 0;
  for (const target of ['/dev/stdin', '/proc/self/fd/0', '/dev/tty']) {
    const root = tmp('hang');
    write(root, { 'go.mod': GOMOD, 'p/a.go': 'package p\n// #include "evil.h"\nimport "C"\n', 'p/evil.h': `#line 1 "${target}"\nint x = ;\n` });
    const r = await checkWithOpenStdin(root, 'p', 120_000);
    if (r.code === 'hang') count++;
    record('hangs', `cgo-ls check, header with #line 1 "${target}" (real gcc)`, r.code === 'hang' ? 'HANG (> 120 s)' : `ends in ${ms(r.ms)}`, `exit ${r.code}`);
  }
  // A compiler wrapper that leaves a setsid grandchild holding the pipes, compilerTimeoutMs 2000.
  const root = tmp('setsid');
  write(root, { 'go.mod': GOMOD, 'p/a.go': GOOD });
  const cc = script(
    path.join(tmp('setsid-cc'), 'wrap-cc'),
    `#!/bin/sh\n# FAULT-INJECTION FAKE C COMPILER (stress): real gcc for probes; the compile leaves a setsid grandchild\n# without cgo-ls's run tag on the pipes, then hangs.\nfor a in "$@"; do case "$a" in -fmessage-length=0|-gdwarf-2) env -u CGO_LS_RUN setsid sleep 120 & exec sleep 120;; esac; done\nexec '${GCC}' "$@"\n`,
  );
  const c = await server(root, { env: env({ CC: cc }), init: { compilerTimeoutMs: 2000 } });
  const { uri, t } = c.open(path.join(root, 'p', 'a.go'));
  let done = null;
  try {
    await c.waitFor(() => c.published(uri).find((p) => p.params.diagnostics.some((d) => d.code === 'cgo/compiler-timeout')), 60_000, 'timeout diagnostic');
    done = performance.now() - t;
  } catch {
    count++;
  }
  record(
    'hangs',
    'compile wrapper leaving a setsid grandchild on the pipes, timeout 2 s',
    done === null ? 'HANG (no cgo/compiler-timeout in 60 s)' : `cgo/compiler-timeout after ${ms(done)}`,
    'didOpen → diagnostic',
  );
  await c.close();
  // The untagged grandchild was reparented to init: find it by its command line and clean up.
  const strays = spawnSync('pgrep', ['-f', '^sleep 120$'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  killPids(strays);
  record('hangs', 'total', String(count), '0 is the goal');
  return count;
}

// ---- 2. processes left after each exit path ---------------------------------------------------------------------
async function exitPaths() {
  const cc = script(
    path.join(tmp('hung-cc'), 'hung-cc'),
    `#!/bin/sh\n# FAULT-INJECTION FAKE C COMPILER (stress): real gcc for probes; the compile starts a child, a setsid\n# grandchild, and hangs.\nfor a in "$@"; do case "$a" in -fmessage-length=0|-gdwarf-2) sleep 300 & setsid sleep 301 & exec sleep 302;; esac; done\nexec '${GCC}' "$@"\n`,
  );
  const paths = [
    ['shutdown + exit', async (c) => (await c.request('shutdown', null, 10_000), c.notify('exit', null))],
    ['exit (no shutdown)', async (c) => c.notify('exit', null)],
    ['SIGTERM', async (c) => c.proc.kill('SIGTERM')],
    ['SIGINT', async (c) => c.proc.kill('SIGINT')],
    ['SIGHUP', async (c) => c.proc.kill('SIGHUP')],
    ['stdin closed', async (c) => c.proc.stdin.end()],
    ['SIGKILL', async (c) => c.proc.kill('SIGKILL')],
  ];
  let total = 0;
  for (const [name, act] of paths) {
    const root = tmp('exit');
    write(root, { 'go.mod': GOMOD, 'p/a.go': GOOD });
    const c = await server(root, { env: env({ CC: cc }), init: { compilerTimeoutMs: 600_000 } });
    c.open(path.join(root, 'p', 'a.go'));
    const t0 = performance.now();
    const cmdOf = (p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return '';
      }
    };
    while (performance.now() - t0 < 60_000 && !descendantsOf(c.pid).some((p) => /sleep 30/.test(cmdOf(p)))) await sleep(100);
    await sleep(300);
    const before = descendantsOf(c.pid);
    const exited = new Promise((r) => c.proc.once('exit', (code, sig) => r(sig ?? code)));
    await act(c);
    const how = await Promise.race([exited, sleep(15_000).then(() => 'still running')]);
    await sleep(3_000);
    const left = before.filter(alive);
    total += left.length;
    record('processes left', name, String(left.length), `${before.length} descendants while compiling; server exit: ${how}`);
    killPids(left);
    if (!c.exited) c.proc.kill('SIGKILL');
  }
  record('processes left', 'total over 7 exit paths', String(total), '0 is the goal');
}

// ---- 3. RSS and hover latency under bad input -------------------------------------------------------------------
function generatedGo(bytes) {
  const parts = ['package p\n\n// #include <stdlib.h>\nimport "C"\n\n'];
  let len = parts[0].length;
  for (let i = 0; len < bytes; i++) {
    const f = `func f${i}(x int) int {\n\tif x > ${i} {\n\t\treturn int(C.int(x)) + ${i}\n\t}\n\treturn x * 2\n}\n\n`;
    parts.push(f);
    len += f.length;
  }
  return parts.join('');
}

async function badInputs() {
  const inputs = [
    ['20 MB generated .go', () => generatedGo(20 << 20)],
    [
      '8 MB binary named .go (with "import \\"C\\"" at the start)',
      () => {
        const b = Buffer.alloc(8 << 20);
        for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
        return Buffer.concat([Buffer.from('package p\nimport "C"\n'), b]);
      },
    ],
    ['100 000 import "C"', () => 'package p\n' + 'import "C"\n'.repeat(100_000)],
  ];
  for (const [name, make] of inputs) {
    const root = tmp('big');
    const data = make();
    write(root, { 'go.mod': GOMOD, 'p/big.go': data });
    const c = await server(root);
    const text = fs.readFileSync(path.join(root, 'p', 'big.go'), 'utf8');
    const { uri } = c.open(path.join(root, 'p', 'big.go'), text);
    // The first hover on a C name when the file has one (it needs the toolchain; an answer before the probe is
    // done says what is pending), else on line 2.
    const at = text.indexOf('C.int(');
    const before = at < 0 ? '' : text.slice(0, at + 2);
    const pos = at < 0 ? { line: 1, character: 8 } : { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
    const where = at < 0 ? 'line 2' : 'C.int';
    const pings = pinger(c);
    const first = await c.request('textDocument/hover', { textDocument: { uri }, position: pos }, 120_000).catch(() => null);
    const h1 = first ? first.ms : null;
    // What the first answer said: on C.int it must already be the builtin's hover, not a "pending" one.
    const said = String(first?.result?.contents?.value ?? '');
    const answer =
      at < 0
        ? first
          ? said
            ? 'answered'
            : 'answered null'
          : 'no answer'
        : /\*\*C\.int\*\*[\s\S]*int32/.test(said)
          ? 'C.int hover right'
          : `WRONG: ${JSON.stringify(said.slice(0, 60))}`;
    await c.settle(1000, 60_000);
    const h2 = await hover(c, uri, pos.line, pos.character, 120_000);
    const stall = await pings.stop();
    record('bad input', `${name}: first hover (on ${where}) after didOpen`, ms(h1), `${answer}; then ${ms(h2)}; server VmHWM ${mib(hwmKb(c.pid))}`);
    record('bad input', `${name}: longest wait for a ping (event loop held)`, ms(stall), 'a request every 50 ms from didOpen until the second hover');
    await c.close();
  }
  // /dev/zero with the real gcc: the compiler's peak RSS and the server's.
  const root = tmp('zero');
  write(root, { 'go.mod': GOMOD, 'p/a.go': 'package p\n\n// #include "/dev/zero"\nimport "C"\n' });
  const c = await server(root);
  const { uri, t } = c.open(path.join(root, 'p', 'a.go'));
  let peak = 0;
  const sampler = setInterval(() => {
    for (const p of descendantsOf(c.pid)) {
      const s = procStatus(p);
      if (s?.VmRSS) peak = Math.max(peak, s.VmRSS);
    }
  }, 100);
  let diag = null;
  try {
    await c.waitFor(() => c.published(uri).find((p) => p.params.diagnostics.some((d) => d.code === 'cgo/cc-broken')), 120_000, 'cc-broken');
    diag = performance.now() - t;
  } catch {
    /* reported below */
  }
  clearInterval(sampler);
  record(
    'bad input',
    '#include "/dev/zero" (real gcc): peak compiler RSS',
    mib(peak),
    `cgo/cc-broken (out of memory) after ${ms(diag)}; server VmHWM ${mib(hwmKb(c.pid))}`,
  );
  await c.close();
}

// ---- 4. hover while one tool hangs (FAULT-INJECTION fakes) -------------------------------------------------------
async function hungTools() {
  const bin = tmp('hungbin');
  const fakes = {
    'go env': ['go', `#!/bin/sh\n# FAULT-INJECTION FAKE go (stress): "go env" hangs.\n[ "$1" = env ] && exec sleep 60\nexec '${GO}' "$@"\n`],
    'pkg-config': ['pkg-config', `#!/bin/sh\n# FAULT-INJECTION FAKE pkg-config (stress): hangs.\nexec sleep 60\n`],
    'cc --version': [
      'gcc',
      `#!/bin/sh\n# FAULT-INJECTION FAKE gcc (stress): --version hangs.\nfor a in "$@"; do [ "$a" = --version ] && exec sleep 60; done\nexec '${GCC}' "$@"\n`,
    ],
    'the preamble compile': [
      'gcc',
      `#!/bin/sh\n# FAULT-INJECTION FAKE gcc (stress): the preamble compile hangs.\nfor a in "$@"; do case "$a" in -fmessage-length=0|-gdwarf-2) exec sleep 60;; esac; done\nexec '${GCC}' "$@"\n`,
    ],
  };
  for (const [what, [name, body]] of Object.entries(fakes)) {
    const d = path.join(bin, what.replace(/\W+/g, '-'));
    script(path.join(d, name), body);
    const root = tmp('hungtool');
    write(root, { 'go.mod': GOMOD, 'p/a.go': GOOD });
    const e = env({ PATH: `${d}:${process.env.PATH}`, ...(name === 'gcc' ? { CC: path.join(d, 'gcc') } : {}) });
    const c = await server(root, { env: e });
    const { uri, t } = c.open(path.join(root, 'p', 'a.go'));
    const hImport = await hover(c, uri, 4, 8, 60_000);
    const hCgo = await hover(c, uri, 2, 4, 60_000);
    let first = null;
    try {
      await c.waitFor(() => c.published(uri).length > 0, 60_000, 'first publish');
      first = performance.now() - t;
    } catch {
      /* n/a */
    }
    record('hover while a tool hangs', what, `import "C" ${ms(hImport)}, #cgo line ${ms(hCgo)}`, `first diagnostics after ${ms(first)}`);
    await c.close();
  }
}

// ---- 5. keystroke cost by #cgo lines (measured, not fixed here: issue 12 item 3) ---------------------------------
async function keystrokes() {
  for (const lines of quick ? [500, 5000] : [500, 5000, 50000]) {
    const root = tmp('cgolines');
    const pre = Array.from({ length: lines }, (_, i) => `// #cgo CFLAGS: -DV${i}=${i}\n`).join('');
    const text = `package p\n\n${pre}// #include <stdlib.h>\nimport "C"\n\nfunc F() { C.free(nil) }\n`;
    write(root, { 'go.mod': GOMOD, 'p/a.go': text });
    const c = await server(root, { init: { compileOnChange: false } });
    const { uri } = c.open(path.join(root, 'p', 'a.go'), text);
    // Bounded: at 50 000 lines the server is unresponsive for minutes (issue 12 item 3, not fixed here).
    const limit = lines >= 50000 ? 180_000 : 600_000;
    try {
      await c.waitFor(() => c.published(uri).length > 0, limit, 'first publish');
    } catch {
      record('keystroke', `${lines} #cgo lines`, `no first publish in ${limit / 1000} s`, 'unresponsive');
      await c.close();
      continue;
    }
    await c.settle(500, 120_000);
    const samples = [];
    const edits = lines >= 50000 ? 2 : 5;
    for (let i = 0; i < edits; i++) {
      const before = c.published(uri).length;
      const t = c.change(uri, text + `// edit ${i}\n`, i + 2);
      try {
        const p = await c.waitFor(() => c.published(uri).length > before && c.published(uri)[c.published(uri).length - 1], limit, 'republish');
        samples.push(p.t - t);
      } catch {
        samples.push(NaN);
        break;
      }
    }
    record(
      'keystroke',
      `${lines} #cgo lines: edit outside the preamble → republish`,
      ms(median(samples.filter((x) => !Number.isNaN(x)))),
      `median of ${samples.length}; ${(median(samples) / lines).toFixed(3)} ms per line`,
    );
    await c.close();
  }
}

// ---- 6. GOENV after a failed go env -w ----------------------------------------------------------------------------
async function goenv() {
  if (process.getuid?.() !== 0) {
    record('GOENV', 'go env -w on a full disk', 'not measured', 'needs root to mount a tmpfs');
    return;
  }
  const dir = tmp('fulldisk');
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) {
    record('GOENV', 'go env -w on a full disk', 'not measured', 'mount -t tmpfs refused');
    return;
  }
  mounts.push(dir);
  const original =
    'GOFLAGS=-mod=mod\nGOPRIVATE=example.com/*\nGOPROXY=https://proxy.golang.org,direct\n' +
    Array.from({ length: 80 }, (_, i) => `GOX${i}=${'v'.repeat(60)}\n`).join('');
  const goenvFile = path.join(dir, 'env');
  fs.writeFileSync(goenvFile, original);
  try {
    fs.writeFileSync(path.join(dir, 'fill'), Buffer.alloc(128 << 10));
  } catch {
    /* full */
  }
  const { Engine } = await import(path.join(repo, 'dist', 'engine', 'engine.js'));
  const { defaultSettings } = await import(path.join(repo, 'dist', 'engine', 'settings.js'));
  const folder = tmp('goenv-mod');
  write(folder, { 'go.mod': GOMOD });
  const engine = new Engine({ env: env({ GOENV: goenvFile }), settings: { ...defaultSettings, checkShellEnv: false } });
  const res = await engine.applyEnvChange({ key: 'GOPRIVATE', value: 'a'.repeat(3000), folder });
  const same = Buffer.compare(fs.readFileSync(goenvFile), Buffer.from(original)) === 0;
  record(
    'GOENV',
    'go env -w on a full 64 KiB tmpfs (real go)',
    same ? 'byte-identical' : 'CHANGED',
    `ok=${res.ok}; told the user: "${res.output.split('\n').pop()?.slice(0, 80)}"`,
  );
  // What the go command alone does to the same file (the control).
  fs.writeFileSync(goenvFile, original);
  spawnSync(GO, ['env', '-w', `GOPRIVATE=${'a'.repeat(3000)}`], { env: env({ GOENV: goenvFile, GOTOOLCHAIN: 'local' }) });
  const after = fs.readFileSync(goenvFile);
  record(
    'GOENV',
    'control: go env -w alone on the same disk',
    Buffer.compare(after, Buffer.from(original)) === 0 ? 'byte-identical' : `damaged (${after.length} bytes, was ${original.length})`,
  );
}

// ---- 7. 300 concurrent cgo.refresh -------------------------------------------------------------------------------
async function refreshes() {
  const spy = tmp('spygo');
  const log = path.join(spy, 'calls.log');
  script(path.join(spy, 'go'), `#!/bin/sh\n# SPY go (stress): logs the call, then runs the real go.\necho "$*" >> '${log}'\nexec '${GO}' "$@"\n`);
  const root = tmp('refresh');
  write(root, { 'go.mod': GOMOD, 'p/a.go': GOOD });
  const c = await server(root, { env: env({ PATH: `${spy}:${process.env.PATH}` }) });
  const { uri } = c.open(path.join(root, 'p', 'a.go'));
  await c.waitFor(() => c.published(uri).length > 0, 60_000, 'publish');
  await c.settle(500);
  const count = () =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('env')).length
      : 0;
  const c0 = count();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 300 }, () => c.request('workspace/executeCommand', { command: 'cgo.refresh' }, 300_000)));
  record('cgo.refresh ×300', 'wall time, concurrent', ms(performance.now() - t0), `go env runs: ${count() - c0}`);
  await c.close();
}

// ---- 8. pathological Go text through the model (in this process, from dist/) -------------------------------------
// These once blew up super-linearly (an unterminated comment full of "/*" took minutes); the fuzz tests check the
// results are well-formed, this measures how long each takes.
async function pathological() {
  const { parseGoFile } = await import(path.join(repo, 'dist', 'gomodel', 'model.js'));
  const comment = '// a generated comment line, as in big generated bindings\n';
  const filler = 'func f() { x := C.CString("s"); _ = x }\n';
  const head = 'package p\n\n// #include <stdlib.h>\nimport "C"\n\n';
  const inputs = [
    ['10 MB of comment lines', head + comment.repeat(Math.ceil((10 << 20) / comment.length))],
    ['100 000 nested parentheses', `${head}var x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`],
    ['20 000 #cgo lines', `package p\n\n${'// #cgo CFLAGS: -DX=1\n'.repeat(20_000)}import "C"\n`],
    ['4 000 "/*" in an unterminated comment', `package p\n\n${'/* '.repeat(4_000)}\nimport "C"\n`],
    ['2 MB generated (50 000 C.name uses)', head + filler.repeat(Math.ceil((2 << 20) / filler.length))],
  ];
  await parseGoFile('/tmp/stress/warm.go', head); // load the grammar first
  for (const [name, text] of inputs) {
    const t0 = performance.now();
    const m = await parseGoFile('/tmp/stress/p.go', text);
    record('pathological Go', `${name}: model built`, ms(performance.now() - t0), m.limited ? `capped (${m.limited.reason})` : 'whole file');
  }
}

const sections = { hangs, exitPaths, badInputs, hungTools, keystrokes, goenv, refreshes, pathological };
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
for (const [name, fn] of Object.entries(sections)) {
  if (only && !only.includes(name)) continue;
  console.error(`-- ${name}`);
  try {
    await fn();
  } catch (e) {
    record(name, 'failed to measure', String(e).slice(0, 200));
  }
  // Saved after every section, so a long run that is stopped still leaves its figures.
  fs.mkdirSync(path.join(repo, '.bench'), { recursive: true });
  fs.writeFileSync(path.join(repo, '.bench', 'stress.json'), JSON.stringify({ machine, results, partial: true }, null, 2));
}
machine.loadAvgAtEnd = os.loadavg().map((x) => +x.toFixed(1));
fs.mkdirSync(path.join(repo, '.bench'), { recursive: true });
fs.writeFileSync(path.join(repo, '.bench', 'stress.json'), JSON.stringify({ machine, results }, null, 2));
const header = ['Section', 'What', 'Result', 'Note'];
console.log(markdown ? markdownTable(header, rows) : textTable(header, rows));
console.log(
  `\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Linux ${machine.kernel}, node ${machine.node}, ${machine.go}, gcc ${machine.gcc}; load average ${machine.loadAvgAtStart.join('/')} at start, ${machine.loadAvgAtEnd.join('/')} at end; server from ${machine.commit}.`,
);
process.exit(0);
