// Builds the ToolchainModel for a workspace folder: which go runs, with which GOROOT and version, whether cgo is
// on and why, which C compiler (and what it targets), pkg-config, and where every value came from. Subprocesses
// run through util/proc.run with timeouts and GOTOOLCHAIN=local (a probe never downloads a toolchain).
// probeToolchain never throws: every failure becomes a ToolchainProblem.
import { createHash } from 'node:crypto';
import { parseGoVersion, type GoVersion } from '../core/goversion.js';
import { diagnosticMessage, short, type MessageParts } from '../core/message.js';
import type { Severity } from '../core/types.js';
import { run, spawnFailure, whenRunsIdle, type RunResult } from '../util/proc.js';
import type { CompilerInfo, EnvValue, ToolchainModel, ToolchainProblem } from './types.js';
import {
  envGet,
  exeName,
  goQuote,
  lookPath,
  lookPathAll,
  mergeEnv,
  nodePlatform,
  pathFor,
  plainEnv,
  splitPathList,
  withEnv,
  type Env,
  type GoOS,
  type Platform,
} from './platform.js';
import { describeSource, goEnvFileLocation, loadEnvLayers, parseGoEnvFile, resolveValue, type EnvLayers } from './goenv.js';
import { binaryStamp, contentStamp, factCache, toolKey, type FactCache } from './diskcache.js';
import { classifyCompiler, defaultCC, defaultCXX, mingwCCFor, quotedSplit, tripleToGo, validateCompilerEnv } from './compiler.js';
import { cgocheckFromGodebug, decideCgoEnabled, parseModDirectives, selectToolchain, type CgoDecision } from './rules.js';

export { codes } from './codes.js';
export { readLoginShellEnv } from './shellenv.js';

export interface ProbeOptions {
  /** The environment cgo-ls received (what the go command would see without editor overrides). */
  env: NodeJS.ProcessEnv;
  /** The editor's cgo.env overrides, applied on top of `env`. */
  editorEnv?: Record<string, string>;
  /** OS and file-system hooks; its `env` is ignored (`env` + `editorEnv` are used). Default: nodePlatform(). */
  platform?: Platform;
  signal?: AbortSignal;
  /** Timeout of each subprocess (default 15 s). */
  timeoutMs?: number;
  /**
   * The login shell's environment (readLoginShellEnv), to report editor-vs-shell drift; null/undefined = skip. A
   * promise is awaited only for the drift check, at the end: every tool runs while the shell is being read.
   */
  shellEnv?: Record<string, string> | null | Promise<Record<string, string> | null>;
  /**
   * Set (the editor): the model is returned without waiting for what its first use does not need, and the problems
   * found later come through the promises handed to this callback, one per source, each as soon as it is known:
   * the drift check when the login shell answers (it can take seconds), the C++ compiler's problems once it has
   * said what it is. Unset (check, doctor): the model waits for all of it.
   */
  onLateProblems?: (late: Promise<ToolchainProblem[]>) => void;
  /** What shellEnv is: a login shell's environment (Unix) or the registry environment a new program gets (Windows). */
  shellEnvSource?: 'login-shell' | 'windows-registry';
  /** The persistent cache of tool answers (default: the process's, see diskcache.ts; null: none). */
  cache?: FactCache | null;
}

const DEFAULT_TIMEOUT = 15_000;
const DEFAULT_FLAGS = '-O2 -g';

interface Ctx {
  folder: string;
  platform: Platform; // env = effective env (process + editor overrides), cwd = folder
  env: Env;
  editorEnv?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  problems: ToolchainProblem[];
  cache: FactCache | null;
}

/** Records a problem; its message is built from its parts in the one shape (cause, "Fix: …", details). */
function problem(
  ctx: Ctx,
  code: string,
  severity: Severity,
  parts: MessageParts,
  extra: Partial<Pick<ToolchainProblem, 'target' | 'goModLine' | 'goModFile' | 'data'>> = {},
): void {
  ctx.problems.push({ code, severity, message: diagnosticMessage(parts), target: extra.target ?? 'import-c', ...extra });
}

const PENDING = Symbol('pending');

/** The promise's value if it has already settled (fulfilled), else PENDING; never waits. */
async function settledYet<T>(p: Promise<T>): Promise<T | typeof PENDING> {
  // An already settled promise wins the race: it is first in the list and both are resolved.
  return Promise.race([p, Promise.resolve(PENDING)]);
}

/** A tool's output as detail lines: every line kept verbatim, blank ones dropped (a blank line would end the message's details). */
function verbatimLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** The last path element (either separator), for a cause; the whole path goes in the details. */
function baseName(file: string): string {
  return file.replace(/[\\/]+$/, '').replace(/^.*[\\/]/, '') || file;
}

/** Whether this Linux is WSL (WSL sets WSL_DISTRO_NAME / WSL_INTEROP; its kernel release says "microsoft"). */
async function isWsl(platform: Platform, env: Env): Promise<boolean> {
  if (platform.os !== 'linux') return false;
  if (envGet(env, 'WSL_DISTRO_NAME', 'linux') !== undefined || envGet(env, 'WSL_INTEROP', 'linux') !== undefined) return true;
  return /microsoft/i.test((await platform.readFile('/proc/sys/kernel/osrelease')) ?? '');
}

/** A path on a Windows drive as WSL mounts it (/mnt/c/…), or a Windows executable. */
function isWindowsSide(p: string): boolean {
  return /^\/mnt\/[a-z]\//i.test(p) || /\.exe$/i.test(p);
}

async function wslProblems(
  ctx: Ctx,
  env: Env,
  t: { goPath: string | null; goFound: boolean; cc: CompilerInfo | null; cxx: CompilerInfo | null; cgoEnabled: boolean },
): Promise<void> {
  if (!(await isWsl(ctx.platform, env))) return;
  const fix = 'install the Linux toolchain inside WSL (e.g. `sudo apt install golang gcc`, or Go from go.dev/dl with /usr/local/go/bin first on PATH)';
  const keepOff = 'To keep Windows programs off the Linux PATH, set `appendWindowsPath = false` under [interop] in /etc/wsl.conf.';
  if (t.goPath && isWindowsSide(t.goPath)) {
    problem(
      ctx,
      'cgo/wsl-windows-toolchain',
      'error',
      {
        cause: `go on PATH is a Windows program (${short(baseName(t.goPath), 30)}) reached through WSL's PATH`,
        fix,
        details: [`The go command on PATH is ${t.goPath}: it builds with Windows' environment and C toolchain, not this Linux.`, keepOff],
      },
      { data: { program: 'go', path: t.goPath } },
    );
  } else if (!t.goFound) {
    const win = await lookPath('go.exe', ctx.platform);
    if (win.ok) {
      problem(
        ctx,
        'cgo/wsl-windows-toolchain',
        'error',
        {
          cause: 'only a Windows go.exe is on PATH; inside WSL the go command must be the Linux one',
          fix,
          details: [`The Windows go.exe on PATH: ${win.path}.`, keepOff],
        },
        { data: { program: 'go.exe', path: win.path } },
      );
    }
  }
  for (const [key, info] of [
    ['CC', t.cc],
    ['CXX', t.cxx],
  ] as const) {
    if (!info) continue;
    if (info.path && isWindowsSide(info.path)) {
      problem(
        ctx,
        'cgo/wsl-windows-toolchain',
        key === 'CC' ? 'error' : 'warning',
        {
          cause: `${key} is a Windows compiler (${short(baseName(info.path), 30)}) reached through WSL's PATH`,
          fix,
          details: [`${key} resolves to ${info.path}, a Windows compiler: it cannot build Linux objects for cgo.`, keepOff],
        },
        { data: { program: key, path: info.path, ...(key === 'CXX' ? { onlyIfCxxUsed: true } : {}) } },
      );
    } else if (!info.path && t.cgoEnabled && info.argv[0] && !info.argv[0].endsWith('.exe')) {
      const win = await lookPath(info.argv[0] + '.exe', ctx.platform);
      if (win.ok) {
        problem(
          ctx,
          'cgo/wsl-windows-toolchain',
          'warning',
          {
            cause: `${key} ${goQuote(short(info.argv[0], 24))} is not installed in WSL; only a Windows .exe of it is on PATH`,
            fix,
            details: [
              `${key} ${info.argv[0]} is not installed in WSL; only the Windows ${info.argv[0]}.exe (${win.path}) is on PATH, which cannot build Linux objects.`,
              keepOff,
            ],
          },
          { data: { program: key, path: win.path, ...(key === 'CXX' ? { onlyIfCxxUsed: true } : {}) } },
        );
      }
    }
  }
}

/** `dir`, or its nearest ancestor that still exists (a workspace folder removed under the server). */
async function existingDir(ctx: Ctx, dir: string): Promise<string> {
  const p = pathFor(ctx.platform.os);
  let d = dir;
  while (!(await ctx.platform.exists(d).catch(() => false))) {
    const up = p.dirname(d);
    if (up === d) return dir;
    d = up;
  }
  return d;
}

async function runSafe(command: string, args: string[], ctx: Ctx, env: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> {
  try {
    return await run(command, args, {
      cwd: await existingDir(ctx, cwd ?? ctx.folder),
      env,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      maxOutput: 1024 * 1024,
    });
  } catch (e) {
    return spawnFailure(command, args, e instanceof Error ? e.message : String(e));
  }
}

function failureText(r: Answer): string {
  if (r.timedOut) return `timed out after ${r.durationMs ?? '?'} ms`;
  if (r.canceled) return 'canceled';
  if (r.spawnError) return r.spawnError;
  const err = r.stderr.trim();
  return err !== '' ? err : `exit status ${r.exitCode}`;
}

function ok(r: Answer): boolean {
  return r.exitCode === 0 && !r.timedOut && !r.canceled && !r.spawnError;
}

function goEnvForProbe(env: Env): NodeJS.ProcessEnv {
  const e = plainEnv(env);
  // Never let a probe switch or download a toolchain (GOFLAGS is left as the user has it).
  for (const k of Object.keys(e)) if (k.toUpperCase() === 'GOTOOLCHAIN') delete e[k];
  e.GOTOOLCHAIN = 'local';
  return e;
}

function shortVersion(v: GoVersion | null): string {
  return v ? `go1.${v.minor}.${v.patch}` : 'unknown';
}

function describeValue(key: string, v: EnvValue): string {
  return `${key}=${v.value} (${describeSource(v)})`;
}

/** Where to change a value, by source. */
function fixFor(key: string, v: EnvValue | null, replacement: string): string {
  if (!v) return `set ${key}=${replacement}`;
  switch (v.source) {
    case 'goenv-file':
      return `run \`go env -w ${key}=${replacement}\` (or \`go env -u ${key}\` to remove it from ${v.file})`;
    case 'goroot-go.env':
      return `set ${key}=${replacement} in the environment or with \`go env -w\` (${v.file} belongs to the Go installation)`;
    case 'editor-settings':
      return `change ${key} in the editor's cgo.env setting to ${replacement}`;
    case 'process-env':
      return `set ${key}=${replacement} in the environment the editor is started from (or in the cgo.env setting)`;
    default:
      return `set ${key}=${replacement} (environment, cgo.env setting, or \`go env -w ${key}=${replacement}\`)`;
  }
}

function fingerprintOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

interface CompilerProbe {
  info: CompilerInfo;
  value: EnvValue;
  invalid?: string;
}

/** Where CC or CXX is: the value checked the way cmd/go checks it, LookPath, and the binary's mtime; no process runs. */
async function locateCompiler(key: 'CC' | 'CXX', value: EnvValue, ctx: Ctx): Promise<CompilerProbe> {
  const invalid = validateCompilerEnv(key, value.value, ctx.platform.os) ?? undefined;
  const split = quotedSplit(value.value);
  const argv = split.ok ? split.args : [];
  const info: CompilerInfo = { argv, source: value.source, path: null, family: 'unknown' };
  if (invalid) return { info, value, invalid };
  if (argv.length === 0) {
    return { info, value, invalid: `${key}=${JSON.stringify(value.value)} contains only spaces: the go command runs no compiler` };
  }
  const lp = await lookPath(argv[0]!, ctx.platform);
  if (!lp.ok) {
    info.lookPathError = lp.error;
    return { info, value };
  }
  info.path = pathFor(ctx.platform.os).isAbsolute(lp.path) ? lp.path : pathFor(ctx.platform.os).resolve(ctx.folder, lp.path);
  const mtime = await ctx.platform.mtimeMs(info.path);
  if (mtime !== null) info.mtimeMs = mtime;
  return { info, value };
}

/**
 * What the located compiler says about itself (`--version`, `-dumpmachine`), written into `probe.info`.
 * `beforeRun` is awaited before a process starts (not when the disk cache answers).
 */
async function identifyCompiler(probe: CompilerProbe, ctx: Ctx, childEnv: NodeJS.ProcessEnv, beforeRun?: () => Promise<void>): Promise<void> {
  const { info } = probe;
  const abs = info.path;
  if (probe.invalid || abs === null) return;
  const argv = info.argv;
  const identify = async (): Promise<{ value: CompilerAnswers; store: boolean }> => {
    await beforeRun?.();
    const [v, d] = await Promise.all([
      runSafe(abs, [...argv.slice(1), '--version'], ctx, childEnv),
      runSafe(abs, [...argv.slice(1), '-dumpmachine'], ctx, childEnv),
    ]);
    return { value: { version: answerOf(v), dump: answerOf(d) }, store: settled(v) && settled(d) };
  };
  const answers = await cachedAnswers(ctx, 'cc-identity', abs, childEnv, 'compiler', argv, identify);
  const versionRun = answers.version;
  const dumpRun = answers.dump;
  if (versionRun.spawnError || versionRun.timedOut || versionRun.canceled) {
    info.error = `${argv.join(' ')} --version: ${failureText(versionRun)}`;
    return;
  }
  const id = classifyCompiler(argv, versionRun, dumpRun.spawnError || dumpRun.timedOut ? null : dumpRun);
  Object.assign(info, Object.fromEntries(Object.entries(id).filter(([, v]) => v !== undefined)));
}

/** What a tool answered, as much of a RunResult as the probes read (what the disk cache keeps). */
interface Answer {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  spawnError?: string;
  timedOut?: boolean;
  canceled?: boolean;
  durationMs?: number;
}

interface CompilerAnswers {
  version: Answer;
  dump: Answer;
}

function answerOf(r: RunResult): Answer {
  return {
    stdout: r.stdout,
    stderr: r.stderr,
    exitCode: r.exitCode,
    ...(r.spawnError ? { spawnError: r.spawnError } : {}),
    ...(r.timedOut ? { timedOut: true, durationMs: r.durationMs } : {}),
    ...(r.canceled ? { canceled: true } : {}),
  };
}

/** A run whose answer may be kept: it ran to its end (an exit status, even a failing one, is an answer). */
function settled(r: RunResult): boolean {
  return !r.timedOut && !r.canceled && !r.spawnError;
}

/**
 * `compute()`'s answer, from the disk cache when the binary `exe`, the arguments `args` and the variables of
 * `scope` in `env` are those of a stored answer. A binary that cannot be stamped is never cached.
 */
async function cachedAnswers<T>(
  ctx: Ctx,
  kind: string,
  exe: string,
  env: NodeJS.ProcessEnv,
  scope: 'compiler' | 'go',
  args: unknown,
  compute: () => Promise<{ value: T; store: boolean }>,
  extraKey?: () => Promise<unknown>,
): Promise<T> {
  const cache = ctx.cache;
  if (!cache?.enabled) return (await compute()).value;
  const stamp = await binaryStamp(exe);
  const key = stamp ? { tool: toolKey(stamp, env, scope, ctx.platform.os), args, ...(extraKey ? { extra: await extraKey() } : {}) } : null;
  return cache.memo(kind, key, compute);
}

/**
 * Whether `go` answers may be cached: a real go binary (not a script, named go, in a bin directory). A version
 * manager's shim picks the toolchain from the directory it runs in, and its answers could not be keyed by the binary.
 */
async function goIsCacheable(goPath: string, os: GoOS): Promise<boolean> {
  const st = await binaryStamp(goPath);
  if (!st || st.script) return false;
  const p = pathFor(os);
  return /^go(\.exe)?$/i.test(p.basename(st.real)) && p.basename(p.dirname(st.real)).toLowerCase() === 'bin';
}

interface GoProbe {
  env: Record<string, string> | null;
  error?: string;
  versionOutput?: string;
}

/**
 * The `go version` line `go env -json` implies: GOVERSION is runtime.Version() and GOHOSTOS/GOHOSTARCH are the go
 * binary's runtime.GOOS/GOARCH, the three things `go version` prints (Go 1.16+). Undefined when GOVERSION is absent
 * (older go) or not a version cgo-ls can read: then `go version` itself is asked.
 */
export function versionLineFromEnv(envJson: string): string | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(envJson) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { GOVERSION: v, GOHOSTOS: os, GOHOSTARCH: arch } = parsed;
  if (typeof v !== 'string' || typeof os !== 'string' || typeof arch !== 'string' || os === '' || arch === '') return undefined;
  if (!parseGoVersion(v) || /\s/.test(v.replace(/ X:\S+$/, ''))) return undefined;
  return `go version ${v} ${os}/${arch}`;
}

async function probeGo(goPath: string, ctx: Ctx): Promise<GoProbe> {
  const env = goEnvForProbe(ctx.env);
  // `go version` runs only when `go env -json` does not say the version (one process fewer on every cold start).
  const compute = async (): Promise<{ value: { env: Answer; version?: Answer }; store: boolean }> => {
    const e = await runSafe(goPath, ['env', '-json'], ctx, env);
    if (ok(e) && versionLineFromEnv(e.stdout) !== undefined) return { value: { env: answerOf(e) }, store: true };
    const v = await runSafe(goPath, ['version'], ctx, env);
    return { value: { env: answerOf(e), version: answerOf(v) }, store: ok(e) && ok(v) };
  };
  const answers =
    ctx.cache?.enabled && (await goIsCacheable(goPath, ctx.platform.os))
      ? await cachedAnswers(ctx, 'go-env', goPath, env, 'go', ['env -json', 'version unless GOVERSION'], compute, () => goEnvKeyFiles(goPath, ctx, env))
      : (await compute()).value;
  const envRun = answers.env;
  const versionRun = answers.version;
  const versionOutput = versionRun && ok(versionRun) ? versionRun.stdout.trim().split('\n')[0] : ok(envRun) ? versionLineFromEnv(envRun.stdout) : undefined;
  if (!ok(envRun)) return { env: null, error: `${goPath} env -json: ${failureText(envRun)}`, versionOutput };
  try {
    const parsed = JSON.parse(envRun.stdout) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return { env: out, versionOutput };
  } catch (e) {
    return { env: null, error: `${goPath} env -json: unparsable output (${(e as Error).message})`, versionOutput };
  }
}

/**
 * The files `go env -json` reads besides the environment, by content: the GOENV file, $GOROOT/go.env, the go.mod and
 * go.work that decide GOMOD/GOWORK; and whether the default C compilers are on PATH (the CGO_ENABLED default).
 */
async function goEnvKeyFiles(goPath: string, ctx: Ctx, env: NodeJS.ProcessEnv): Promise<unknown> {
  const p = pathFor(ctx.platform.os);
  const real = (await ctx.platform.realpath(goPath)) ?? goPath;
  const dir = await existingDir(ctx, ctx.folder);
  const goenvPath = goEnvFileLocation(env, ctx.platform.os).path;
  const [goenvFile, gorootEnv, goMod, goWork] = await Promise.all([
    contentStamp(goenvPath),
    contentStamp(p.join(p.dirname(p.dirname(real)), 'go.env')),
    findUp(dir, 'go.mod', ctx.platform).then(contentStamp),
    findUp(dir, 'go.work', ctx.platform).then(contentStamp),
  ]);
  // `go env -json` runs the C compiler (GOGCCFLAGS: which flags it supports) and looks for the default one on PATH
  // (CGO_ENABLED): every compiler it may run is part of the key, by its stamp.
  const names = new Set(['gcc', 'clang', 'g++', 'clang++']);
  const fileValues = goenvFile?.sha256 ? parseGoEnvFile((await ctx.platform.readFile(goenvPath!)) ?? '') : new Map<string, string>();
  for (const k of ['CC', 'CXX']) {
    for (const v of [envGet(ctx.env, k, ctx.platform.os), fileValues.get(k)]) {
      const s = v ? quotedSplit(v) : null;
      if (s?.ok && s.args[0]) names.add(s.args[0]);
    }
  }
  const compilers = await Promise.all(
    [...names].sort().map(async (n) => {
      const r = await lookPath(n, ctx.platform);
      return [n, r.ok ? await binaryStamp(p.isAbsolute(r.path) ? r.path : p.resolve(dir, r.path)) : null] as const;
    }),
  );
  return { cwd: dir, goenvFile, gorootEnv, goMod, goWork, compilers };
}

/** The Go version of a GOROOT from its VERSION file (first line), or null. */
async function gorootVersion(goroot: string, platform: Platform): Promise<string | null> {
  const text = await platform.readFile(pathFor(platform.os).join(goroot, 'VERSION'));
  if (text === null) return null;
  const first = text.split(/\r?\n/)[0]!.trim();
  return parseGoVersion(first) ? first : null;
}

/** Version of another `go` on PATH: its GOROOT's VERSION file when it is $GOROOT/bin/go, else `go version`. */
async function candidateVersion(candidate: string, ctx: Ctx): Promise<string | null> {
  const p = pathFor(ctx.platform.os);
  const real = (await ctx.platform.realpath(candidate)) ?? candidate;
  const fromFile = await gorootVersion(p.dirname(p.dirname(real)), ctx.platform);
  if (fromFile) return fromFile;
  const env = goEnvForProbe(ctx.env);
  const compute = async () => {
    const r = await runSafe(candidate, ['version'], ctx, env);
    return { value: answerOf(r), store: ok(r) };
  };
  const r =
    ctx.cache?.enabled && (await goIsCacheable(candidate, ctx.platform.os))
      ? await cachedAnswers(ctx, 'go-version', candidate, env, 'go', ['version'], compute)
      : (await compute()).value;
  if (!ok(r)) return null;
  const m = /go version (\S+)/.exec(r.stdout);
  return m ? m[1]! : null;
}

async function findUp(start: string, name: string, platform: Platform): Promise<string | null> {
  const p = pathFor(platform.os);
  let dir = p.resolve(start);
  for (;;) {
    const f = p.join(dir, name);
    const st = await platform.stat(f);
    if (st.ok && st.isFile) return f;
    const parent = p.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** cmd/go's base.ShortPath: the path relative to the working directory when that is shorter. */
function shortPath(cwd: string, file: string, p: ReturnType<typeof pathFor>): string {
  const rel = p.relative(cwd, file);
  return rel !== '' && rel.length < file.length ? rel : file;
}

function isNullDevice(s: string | undefined): boolean {
  return s === undefined || s === '' || s === '/dev/null' || s.toUpperCase() === 'NUL';
}

/** The outcome cgo depends on for one environment (used for editor-vs-shell drift). */
interface CgoOutcome {
  cgo: CgoDecision;
  ccValue: string;
  ccPath: string | null;
  cxxPath: string | null;
  pkgConfigPath: string | null;
  goPath: string | null;
}

async function outcomeFor(
  env: Env,
  platform: Platform,
  layers: EnvLayers,
  base: { goos: string; goarch: string; hostGoos: string; hostGoarch: string; version: GoVersion | null; defaultCC: string; defaultCXX: string },
): Promise<CgoOutcome> {
  const pl = withEnv(platform, env);
  const l: EnvLayers = { ...layers, env, editorEnv: undefined };
  const goos = resolveValue(l, 'GOOS', base.goos)!.value;
  const goarch = resolveValue(l, 'GOARCH', base.goarch)!.value;
  const cc = resolveValue(l, 'CC', base.defaultCC)!;
  const cxx = resolveValue(l, 'CXX', base.defaultCXX)!;
  const pc = resolveValue(l, 'PKG_CONFIG', 'pkg-config')!;
  const first = (v: string) => {
    const s = quotedSplit(v);
    return s.ok && s.args.length > 0 ? s.args[0]! : null;
  };
  const look = async (name: string | null) => {
    if (name === null) return null;
    const r = await lookPath(name, pl);
    return r.ok ? r.path : null;
  };
  const [ccPath, cxxPath, pkgConfigPath, goPath, defaultFound] = await Promise.all([
    look(first(cc.value)),
    look(first(cxx.value)),
    look(first(pc.value)),
    look('go'),
    look(base.defaultCC),
  ]);
  const cgo = decideCgoEnabled({
    cgoEnabled: resolveValue(l, 'CGO_ENABLED'),
    goos,
    goarch,
    hostGoos: base.hostGoos,
    hostGoarch: base.hostGoarch,
    goVersion: base.version,
    processCC: envGet(env, 'CC', platform.os) ?? '',
    defaultCC: base.defaultCC,
    defaultCCFound: defaultFound !== null,
  });
  return { cgo, ccValue: cc.value, ccPath, cxxPath, pkgConfigPath, goPath };
}

const DRIFT_KEYS = [
  'PATH',
  'CC',
  'CXX',
  'CGO_ENABLED',
  'CGO_CFLAGS',
  'CGO_CPPFLAGS',
  'CGO_CXXFLAGS',
  'CGO_LDFLAGS',
  'PKG_CONFIG',
  'PKG_CONFIG_PATH',
  'GOOS',
  'GOARCH',
];

/** How to put `dir` first on PATH, per shell; on Windows also for new programs (the user environment). */
export interface PathOrderFix {
  dir: string;
  /** bash/zsh (non-Windows). */
  sh?: string;
  /** cmd.exe, this session. */
  cmd?: string;
  /** PowerShell, this session. */
  powershell?: string;
  /** PowerShell, the user environment in the registry (new programs; restart the editor afterwards). */
  userEnvironment?: string;
}

export function pathOrderFix(dir: string, os: string): PathOrderFix {
  if (os !== 'windows') return { dir, sh: `export PATH="${dir.replace(/(["\\$`])/g, '\\$1')}:$PATH"` };
  const ps = dir.replace(/'/g, "''");
  return {
    dir,
    cmd: `set "PATH=${dir};%PATH%"`,
    powershell: `$env:Path = '${ps};' + $env:Path`,
    userEnvironment: `[Environment]::SetEnvironmentVariable('Path', '${ps};' + [Environment]::GetEnvironmentVariable('Path', 'User'), 'User')`,
  };
}

/** The commands that put a folder first on PATH, one detail line per shell. */
function pathFixLines(f: PathOrderFix | null): string[] {
  if (!f) return [];
  if (f.sh) return [`bash/zsh: \`${f.sh}\``];
  return [
    `cmd.exe: \`${f.cmd}\``,
    `PowerShell: \`${f.powershell}\``,
    `For new programs, the user environment: \`${f.userEnvironment}\`, then restart the editor; the user Path comes after the system Path, so a folder in the system Path must be moved there.`,
  ];
}

/** Probes the toolchain for `folder`. Never throws. */
export async function probeToolchain(folder: string, opts: ProbeOptions): Promise<ToolchainModel> {
  // What the editor's first answer does not need starts only once that answer is given (see step 6).
  let answered!: () => void;
  const afterAnswer = new Promise<void>((r) => (answered = r));
  try {
    return await probeInner(folder, opts, afterAnswer);
  } catch (e) {
    const platform = opts.platform ?? nodePlatform(opts.env, folder);
    return {
      folder,
      go: { path: null, candidates: [], version: null, error: e instanceof Error ? e.message : String(e) },
      goos: platform.os,
      goarch: platform.arch,
      hostGoos: platform.os,
      hostGoarch: platform.arch,
      values: {},
      cgo: { enabled: false, reason: 'the toolchain probe failed', source: 'computed' },
      cc: null,
      cxx: null,
      pkgConfig: { argv: ['pkg-config'], path: null },
      childEnv: { ...opts.env, ...opts.editorEnv, TERM: 'dumb', LC_ALL: 'C' },
      envFlags: { CPPFLAGS: [], CFLAGS: ['-O2', '-g'], CXXFLAGS: ['-O2', '-g'], LDFLAGS: ['-O2', '-g'] },
      fingerprint: fingerprintOf(['probe-failed', String(e)]),
      problems: [
        {
          code: 'cgo/go-env-failed',
          severity: 'error',
          message: diagnosticMessage({
            cause: 'cgo-ls could not probe the Go toolchain (an internal error)',
            fix: `run \`go env\` in ${folder}; if it works, report this error to cgo-ls`,
            details: `cgo-ls could not probe the Go toolchain: ${e instanceof Error ? e.message : String(e)}`,
          }),
          target: 'import-c',
        },
      ],
    };
  } finally {
    answered();
  }
}

async function probeInner(folder: string, opts: ProbeOptions, afterAnswer: Promise<void>): Promise<ToolchainModel> {
  const basePlatform = opts.platform ?? nodePlatform(opts.env, folder);
  const os = basePlatform.os;
  const p = pathFor(os);
  const env = mergeEnv(opts.env, opts.editorEnv, os);
  const platform: Platform = { ...withEnv(basePlatform, env), cwd: folder };
  const ctx: Ctx = {
    folder,
    platform,
    env,
    editorEnv: opts.editorEnv,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT,
    signal: opts.signal,
    problems: [],
    cache: opts.cache === undefined ? factCache() : opts.cache,
  };
  const pathName = os === 'windows' ? '%PATH%' : '$PATH';

  // 1. Every go on PATH, and the winner.
  const [candidates, winnerLp] = await Promise.all([lookPathAll(exeName('go', os), platform), lookPath('go', platform)]);
  let goPath: string | null = winnerLp.ok ? winnerLp.path : null;
  if (goPath !== null && !p.isAbsolute(goPath)) goPath = p.resolve(folder, goPath);
  if (!winnerLp.ok) {
    const pathVal = envGet(env, 'PATH', os);
    const editorSet = opts.editorEnv && envGet(opts.editorEnv, 'PATH', os) !== undefined;
    problem(
      ctx,
      'cgo/go-not-found',
      'error',
      {
        cause: 'no go command on PATH',
        fix: 'install Go and add its bin directory to PATH, or start the editor from a shell that has it, or set PATH in the cgo.env setting',
        details: [
          `No go command found: ${winnerLp.error}`,
          `PATH (${editorSet ? 'from the editor settings (cgo.env)' : 'from the environment'}) is ${pathVal ? JSON.stringify(pathVal) : 'empty'}.`,
        ],
      },
      { data: { error: winnerLp.error } },
    );
  }

  // 2. go env -json and go version (GOTOOLCHAIN=local), in parallel.
  const goProbe: GoProbe = goPath ? await probeGo(goPath, ctx) : { env: null };
  const goEnv = goProbe.env;
  const version = parseGoVersion(goEnv?.GOVERSION ?? '') ?? (goProbe.versionOutput ? parseGoVersion(goProbe.versionOutput.replace(/^go version /, '')) : null);
  const goroot = goEnv?.GOROOT || undefined;
  if (goPath && goProbe.error) {
    const missingGoroot = /cannot find GOROOT directory/.test(goProbe.error);
    if (!missingGoroot) {
      const timedOut = / env -json: timed out after /.test(goProbe.error);
      problem(
        ctx,
        'cgo/go-env-failed',
        'error',
        {
          cause: timedOut ? '`go env -json` timed out: cgo-ls cannot read the Go settings' : '`go env -json` failed: cgo-ls cannot read the Go settings',
          fix: `run \`go env\` in ${folder} and fix what it reports`,
          details: verbatimLines(`The go command failed: ${goProbe.error}`),
        },
        { data: { error: goProbe.error } },
      );
    }
  }

  // 3. Provenance layers: GOENV file, $GOROOT/go.env.
  const layers = await loadEnvLayers(platform, env, opts.editorEnv, goroot);
  // The go command silently ignores a GOENV file it cannot read: settings written with `go env -w` are then lost.
  if (layers.userFileLocation.path && !layers.userFile) {
    const st = await platform.stat(layers.userFileLocation.path);
    if (st.ok && !st.isFile) {
      problem(
        ctx,
        'cgo/goenv-unreadable',
        'warning',
        {
          cause: 'the go env file is not a readable file: values set with `go env -w` are not in effect',
          fix: 'point GOENV at a file (or unset it), or remove what is at that path',
          details: `The go env file ${layers.userFileLocation.path} (from ${envGet(env, 'GOENV', os) ? 'GOENV' : 'the default location'}) is not a readable file, and the go command silently ignores it.`,
        },
        { data: { path: layers.userFileLocation.path } },
      );
    }
  }
  const hostGoos = goEnv?.GOHOSTOS || os;
  const hostGoarch = goEnv?.GOHOSTARCH || basePlatform.arch;
  const values: Record<string, EnvValue> = {};
  values.GOHOSTOS = { value: hostGoos, source: 'computed' };
  values.GOHOSTARCH = { value: hostGoarch, source: 'computed' };
  const reportedOrComputed = (key: string, computed: string): EnvValue =>
    resolveValue(layers, key) ?? { value: goEnv?.[key] ?? computed, source: goEnv?.[key] !== undefined ? 'default' : 'computed' };

  values.GOOS = resolveValue(layers, 'GOOS') ?? { value: goEnv?.GOOS || hostGoos, source: 'computed' };
  values.GOARCH = resolveValue(layers, 'GOARCH') ?? { value: goEnv?.GOARCH || hostGoarch, source: 'computed' };
  const goos = goEnv?.GOOS || values.GOOS.value;
  const goarch = goEnv?.GOARCH || values.GOARCH.value;

  // The default CC/CXX of *this* toolchain: `go env CC` prints it when nothing overrides it (Debian builds differ).
  const ccSet = resolveValue(layers, 'CC');
  const cxxSet = resolveValue(layers, 'CXX');
  let toolchainDefaultCC = !ccSet && goEnv?.CC ? goEnv.CC : defaultCC(goos);
  const toolchainDefaultCXX = !cxxSet && goEnv?.CXX ? goEnv.CXX : defaultCXX(goos);
  const processCC = envGet(env, 'CC', os) ?? '';
  if (ccSet && processCC === '' && goPath && goEnv) {
    // CC comes from a go env file; ask for the built-in default without it (the auto-disable looks that one up).
    const e = goEnvForProbe(env);
    e.GOENV = 'off';
    e.GOOS = goos;
    e.GOARCH = goarch;
    const r = await runSafe(goPath, ['env', 'CC'], ctx, e);
    const printed = r.stdout.trim();
    if (ok(r) && printed !== '' && !(layers.gorootFile?.values.has('CC') ?? false)) toolchainDefaultCC = printed;
  }
  values.CC = ccSet ?? { value: toolchainDefaultCC, source: 'default' };
  values.CXX = cxxSet ?? { value: toolchainDefaultCXX, source: 'default' };
  values.CGO_CPPFLAGS = reportedOrComputed('CGO_CPPFLAGS', '');
  for (const k of ['CGO_CFLAGS', 'CGO_CXXFLAGS', 'CGO_FFLAGS', 'CGO_LDFLAGS'])
    values[k] = resolveValue(layers, k) ?? { value: DEFAULT_FLAGS, source: 'default' };
  values.PKG_CONFIG = resolveValue(layers, 'PKG_CONFIG') ?? { value: goEnv?.PKG_CONFIG || 'pkg-config', source: 'default' };
  values.GOTOOLCHAIN = resolveValue(layers, 'GOTOOLCHAIN') ?? { value: 'local', source: 'default' };
  for (const k of ['GOFLAGS', 'GO111MODULE', 'GOEXPERIMENT', 'GOPATH']) {
    const v = resolveValue(layers, k);
    if (v) values[k] = v;
    else if (goEnv?.[k]) values[k] = { value: goEnv[k]!, source: 'computed' };
  }
  // Flag allow-list overrides: cmd/go reads them with cfg.Getenv, so `go env -w` values count too.
  for (const n of ['CFLAGS', 'CPPFLAGS', 'CXXFLAGS', 'FFLAGS', 'LDFLAGS']) {
    for (const suffix of ['ALLOW', 'DISALLOW']) {
      const v = resolveValue(layers, `CGO_${n}_${suffix}`);
      if (v && v.value !== '') values[`CGO_${n}_${suffix}`] = v;
    }
  }
  if (goroot) values.GOROOT = resolveValue(layers, 'GOROOT') ?? { value: goroot, source: 'computed' };
  const godebug = envGet(env, 'GODEBUG', os);
  if (godebug) values.GODEBUG = resolveValue(layers, 'GODEBUG')!;
  const pkgConfigPathVal = envGet(env, 'PKG_CONFIG_PATH', os);
  if (pkgConfigPathVal !== undefined) values.PKG_CONFIG_PATH = resolveValue(layers, 'PKG_CONFIG_PATH') ?? { value: pkgConfigPathVal, source: 'process-env' };

  // 4. CGO_ENABLED.
  const defaultCCLp = await lookPath(toolchainDefaultCC, platform);
  const cgoEnabledSet = resolveValue(layers, 'CGO_ENABLED');
  const reported = goEnv?.CGO_ENABLED === '0' || goEnv?.CGO_ENABLED === '1' ? (goEnv.CGO_ENABLED as '0' | '1') : null;
  const decision = decideCgoEnabled({
    cgoEnabled: cgoEnabledSet,
    goos,
    goarch,
    hostGoos,
    hostGoarch,
    goVersion: version,
    processCC,
    defaultCC: toolchainDefaultCC,
    defaultCCFound: defaultCCLp.ok,
    fileCC: ccSet && ccSet.source !== 'process-env' && ccSet.source !== 'editor-settings' ? ccSet : null,
    reported,
  });
  values.CGO_ENABLED =
    cgoEnabledSet && (cgoEnabledSet.value === '0' || cgoEnabledSet.value === '1')
      ? cgoEnabledSet
      : { value: decision.enabled ? '1' : '0', source: decision.source };

  // 5. childEnv: what compilers and pkg-config run with.
  const childEnv = plainEnv(env);
  for (const k of [
    'CC',
    'CXX',
    'CGO_CPPFLAGS',
    'CGO_CFLAGS',
    'CGO_CXXFLAGS',
    'CGO_FFLAGS',
    'CGO_LDFLAGS',
    'PKG_CONFIG',
    ...Object.keys(values).filter((x) => /^CGO_[A-Z]+_(DIS)?ALLOW$/.test(x)),
  ]) {
    const v = values[k];
    if (v && (v.source === 'goenv-file' || v.source === 'goroot-go.env')) childEnv[k] = v.value;
  }
  childEnv.TERM = 'dumb';
  childEnv.LC_ALL = 'C';

  // 6. Compilers and pkg-config, in parallel with the GOROOT / PATH / module checks. Where each is needs no process;
  // what CC says about itself is part of the first answer. What the C++ compiler and pkg-config say about themselves
  // (only C++ files and `#cgo pkg-config:` lines use them, and only the report shows their versions) is asked in the
  // background in the editor (onLateProblems): after the model has answered and the first compile has had the cores;
  // their problems come later, and they fill in the model's cxx and pkgConfig when they answer.
  const deferExtras = opts.onLateProblems !== undefined;
  const pkgSplit = quotedSplit(values.PKG_CONFIG.value);
  const pkgArgv = pkgSplit.ok ? pkgSplit.args : [];
  const pkgLocate = (async () => {
    const info: ToolchainModel['pkgConfig'] = { argv: pkgArgv, path: null, source: values.PKG_CONFIG!.source };
    if (pkgConfigPathVal !== undefined) info.pkgConfigPath = pkgConfigPathVal;
    if (pkgArgv.length === 0) return { info, mtimeMs: null };
    // cmd/go runs only the first word of PKG_CONFIG (PkgconfigCmd).
    const lp = await lookPath(pkgArgv[0]!, platform);
    if (!lp.ok) {
      info.lookPathError = lp.error;
      return { info, mtimeMs: null };
    }
    info.path = p.isAbsolute(lp.path) ? lp.path : p.resolve(folder, lp.path);
    return { info, mtimeMs: await platform.mtimeMs(info.path) };
  })();
  const pkgConfigVersion = async (info: ToolchainModel['pkgConfig'], beforeRun?: () => Promise<void>): Promise<void> => {
    const pcPath = info.path;
    if (pcPath === null) return;
    const r = await cachedAnswers(ctx, 'pkg-config-version', pcPath, childEnv, 'compiler', ['--version'], async () => {
      await beforeRun?.();
      const run = await runSafe(pcPath, ['--version'], ctx, childEnv);
      return { value: answerOf(run), store: settled(run) };
    });
    if (ok(r)) info.version = r.stdout.trim().split('\n')[0];
  };
  const cxxLocate = locateCompiler('CXX', values.CXX, ctx);
  // Without onLateProblems (check, doctor) the model waits for everything, asked side by side.
  const extrasNow = deferExtras
    ? null
    : Promise.all([cxxLocate.then((c) => identifyCompiler(c, ctx, childEnv)), pkgLocate.then((l) => pkgConfigVersion(l.info))]);
  const [ccProbe, cxxProbe, pkgLocated, others] = await Promise.all([
    locateCompiler('CC', values.CC, ctx).then(async (c) => {
      await identifyCompiler(c, ctx, childEnv);
      return c;
    }),
    cxxLocate,
    pkgLocate,
    Promise.all(candidates.slice(0, 8).map(async (c) => ({ path: c, real: (await platform.realpath(c)) ?? c, version: await candidateVersion(c, ctx) }))),
    extrasNow,
  ]);
  const pkgConfig = pkgLocated.info;
  // What the first answer does not need yields to what it does (the first compile) instead of competing for the cores.
  const later = () => afterAnswer.then(() => whenRunsIdle({ maxMs: 2_000, stepMs: 25, quietLooks: 2 }));
  const extrasLater: Promise<void> | null =
    deferExtras && (cxxProbe.info.path !== null || pkgConfig.path !== null)
      ? Promise.all([identifyCompiler(cxxProbe, ctx, childEnv, later), pkgConfigVersion(pkgConfig, later)])
          .then(() => undefined)
          .catch(() => undefined)
      : null;

  // 7. GOROOT: explicit GOROOT that is missing or another version; winner vs $GOROOT/bin/go; shadowing.
  const gorootSet = resolveValue(layers, 'GOROOT');
  if (gorootSet && gorootSet.value !== '') {
    const st = await platform.stat(gorootSet.value);
    if (!st.ok || !st.isDirectory) {
      problem(
        ctx,
        'cgo/goroot-mismatch',
        'error',
        {
          cause: `GOROOT ${short(gorootSet.value, 50)} does not exist`,
          fix: `${gorootSet.source === 'goenv-file' ? 'run `go env -u GOROOT`' : 'unset GOROOT'} (the go command finds its own installation)`,
          details: [`go build: \`go: cannot find GOROOT directory: ${gorootSet.value}\``, `GOROOT=${gorootSet.value} (${describeSource(gorootSet)}).`],
        },
        { data: { goroot: gorootSet.value } },
      );
    } else if (version) {
      const gv = await gorootVersion(gorootSet.value, platform);
      const gvParsed = gv ? parseGoVersion(gv) : null;
      if (gvParsed && (gvParsed.minor !== version.minor || gvParsed.patch !== version.patch)) {
        problem(
          ctx,
          'cgo/goroot-mismatch',
          'error',
          {
            cause: `GOROOT holds ${short(gv!, 20)}, but the go command on PATH is ${shortVersion(version)}: builds fail`,
            fix: `${gorootSet.source === 'goenv-file' ? 'run `go env -u GOROOT`' : 'unset GOROOT'} or put ${p.join(gorootSet.value, 'bin')} first on PATH`,
            details: [
              `go build: \`compile: version "${gv}" does not match go tool version "${shortVersion(version)}"\``,
              `GOROOT=${gorootSet.value} (${describeSource(gorootSet)}) holds ${gv}; the go command on PATH is ${goPath}.`,
            ],
          },
          { data: { goroot: gorootSet.value, gorootVersion: gv, goVersion: shortVersion(version) } },
        );
      }
    }
  } else if (goProbe.error && /cannot find GOROOT directory/.test(goProbe.error)) {
    problem(ctx, 'cgo/goroot-mismatch', 'error', {
      cause: 'the go command cannot find its GOROOT directory',
      fix: 'reinstall Go or unset GOROOT',
      details: verbatimLines(`The go command failed: ${goProbe.error}`),
    });
  }

  let winnerIsGoroot: boolean | null = null;
  if (goPath && goroot) {
    const [a, b] = await Promise.all([platform.realpath(goPath), platform.realpath(p.join(goroot, 'bin', exeName('go', os)))]);
    winnerIsGoroot = a !== null && b !== null ? (os === 'windows' ? a.toLowerCase() === b.toLowerCase() : a === b) : null;
  }
  if (goPath) {
    const winnerReal = (await platform.realpath(goPath)) ?? goPath;
    const distinct = others.filter((o) => o.real !== winnerReal);
    const differentVersions = distinct.filter(
      (o) => o.version !== null && version !== null && parseGoVersion(o.version) !== null && shortVersion(parseGoVersion(o.version)) !== shortVersion(version),
    );
    const list = others.map((o) => `${o.path}${o.real !== o.path ? ` -> ${o.real}` : ''} (${o.version ?? 'version unknown'})`).join(', ');
    const gorootFix = goroot ? pathOrderFix(p.join(goroot, 'bin'), os) : null;
    const shadowed = differentVersions[0];
    const shadowedFix = shadowed ? pathOrderFix(p.dirname(shadowed.path), os) : null;
    if (winnerIsGoroot === false) {
      problem(
        ctx,
        'cgo/go-shadowed',
        'warning',
        {
          cause: 'the first go on PATH is a wrapper or shim, not $GOROOT/bin/go: what runs may differ',
          fix: `put ${p.join(goroot!, 'bin')} first on PATH, or remove the wrapper`,
          details: [
            `The first go on PATH, ${goPath}, is not $GOROOT/bin/go (GOROOT=${goroot}, ${shortVersion(version)}): what runs may differ from a terminal.`,
            `go commands on PATH in order: ${list}.`,
            ...pathFixLines(gorootFix),
          ],
        },
        { data: { winner: goPath, goroot, candidates: others.map((o) => o.path), pathFix: gorootFix } },
      );
    } else if (shadowed && shadowedFix) {
      problem(
        ctx,
        'cgo/go-shadowed',
        'warning',
        {
          cause: `the first go on PATH (${shortVersion(version)}) shadows another go (${short(shadowed.version ?? 'unknown', 16)}) later on PATH`,
          fix: `if you meant ${shadowed.path} (${shadowed.version}), put ${shadowedFix.dir} first on PATH, or delete ${goPath} if it is a leftover`,
          details: [
            `${goPath} (${shortVersion(version)}) shadows ${differentVersions.map((o) => `${o.path} (${o.version})`).join(', ')} on PATH; cgo-ls and the go command use the first one.`,
            `go commands on PATH in order: ${list}.`,
            ...pathFixLines(shadowedFix),
          ],
        },
        { data: { winner: goPath, candidates: others.map((o) => o.path), pathFix: shadowedFix } },
      );
    }
  }

  // 8. Module context and GOTOOLCHAIN.
  const module = await moduleContext(ctx, goEnv, version, values, layers);

  // 9. Problems about cgo itself.
  if (!decision.enabled) {
    const severity: Severity = decision.rule === 'explicit' ? 'information' : 'warning';
    const target = `${goos}/${goarch}`;
    let cause: string;
    let fix: string;
    let goSays: string | undefined;
    switch (decision.rule) {
      case 'explicit':
        cause = 'cgo is off: CGO_ENABLED=0 is set explicitly';
        fix = `if you want cgo, ${fixFor('CGO_ENABLED', cgoEnabledSet, '1')}`;
        break;
      case 'cross-compiling':
        cause = `cgo is off: cross-compiling to ${target} needs CGO_ENABLED=1`;
        fix = `set CGO_ENABLED=1 and a C cross compiler for ${target}${goos === 'windows' ? `, e.g. CC=${mingwCCFor(goarch)}` : ''}`;
        break;
      case 'no-default-cc':
        cause = `cgo is off: no C compiler ${goQuote(short(toolchainDefaultCC, 40))} on PATH`;
        // The go command's own words for the missing compiler (what `go build` says once CGO_ENABLED=1 is forced).
        if (!defaultCCLp.ok)
          goSays = `With CGO_ENABLED=1 the build fails with \`cgo: C compiler ${goQuote(toolchainDefaultCC)} not found: ${defaultCCLp.error}\`.`;
        fix = `install ${toolchainDefaultCC}${goos === 'windows' ? ' (MinGW-w64 or llvm-mingw)' : ''} and put it on PATH, or set CC in the environment (not only with go env -w) together with CGO_ENABLED=1`;
        break;
      case 'unsupported':
        cause = `cgo is off: cgo is not supported on ${target}`;
        fix = `cgo cannot be used for ${target}; build for a supported target`;
        break;
      default:
        cause = decision.rule === 'toolchain-built' ? 'cgo is off: this Go toolchain was built with CGO_ENABLED=0' : 'cgo is off (CGO_ENABLED=0)';
        fix = 'set CGO_ENABLED=1 explicitly';
    }
    problem(
      ctx,
      'cgo/disabled',
      severity,
      { cause, fix, details: [`cgo is disabled (CGO_ENABLED=0): ${decision.reason}.`, 'Files that import "C" will be excluded from the build.', goSays] },
      { data: { rule: decision.rule, source: decision.source } },
    );
  }

  for (const key of ['CC', 'CXX', 'FC'] as const) {
    const v = key === 'CC' ? values.CC : key === 'CXX' ? values.CXX : resolveValue(layers, 'FC');
    if (!v) continue;
    const split = quotedSplit(v.value);
    const onlySpaces = split.ok && split.args.length === 0 && v.value !== '';
    const invalid =
      validateCompilerEnv(key, v.value, os) ??
      (onlySpaces ? `${key}=${JSON.stringify(v.value)} contains only spaces, so the go command has no ${key} program to run` : null);
    if (invalid) {
      const spaces = onlySpaces && !/^go: /.test(invalid);
      const why = / could not be parsed: /.test(invalid)
        ? `its quotes cannot be parsed (${short(invalid.replace(/^.* could not be parsed: /, ''), 30)})`
        : 'it is a relative path, not absolute or bare';
      problem(
        ctx,
        'cgo/cc-invalid-env',
        'error',
        {
          cause: spaces ? `${key} contains only spaces: the go command has no ${key} program to run` : `the go command rejects ${key} before any build: ${why}`,
          fix: `${fixFor(key, v, key === 'CC' ? '"/absolute/path/to/cc --option"' : '<absolute path or bare name>')}; quotes are only recognised around whole words and have no escapes`,
          details: spaces
            ? [
                `${invalid}.`,
                key === 'CC' ? 'go build of a cgo package (Go 1.26.8) panics: `panic: runtime error: index out of range [0] with length 0`' : undefined,
                `${describeValue(key, v)}.`,
              ]
            : [`go build: \`${invalid}\``, `${describeValue(key, v)}.`],
        },
        { data: { variable: key, value: v.value, source: v.source } },
      );
    }
  }
  const envFlags: ToolchainModel['envFlags'] = { CPPFLAGS: [], CFLAGS: [], CXXFLAGS: [], LDFLAGS: [] };
  for (const k of ['CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'LDFLAGS'] as const) {
    const v = values[`CGO_${k}`]!;
    const s = quotedSplit(v.value);
    if (s.ok) envFlags[k] = s.args;
    else
      problem(
        ctx,
        'cgo/cc-invalid-env',
        'error',
        {
          cause: `CGO_${k} cannot be split into flags (${short(s.error, 30)}): the go command panics`,
          fix: `${fixFor(`CGO_${k}`, v, '<flags>')}; quote only whole words`,
          details: [
            `go build: \`panic: could not parse environment variable CGO_${k} with value ${JSON.stringify(v.value)}: ${s.error}\``,
            `${describeValue(`CGO_${k}`, v)}.`,
          ],
        },
        { data: { variable: `CGO_${k}`, value: v.value, source: v.source } },
      );
  }

  const cc = ccProbe.info;
  const cxx = cxxProbe.info;
  const cxxProblems = decision.enabled && !ccProbe.invalid && !cxxProbe.invalid;
  if (decision.enabled && !ccProbe.invalid) {
    compilerProblems(ctx, 'CC', ccProbe, { goos, goarch, version, pathName });
    if (cxxProblems && !extrasLater) compilerProblems(ctx, 'CXX', cxxProbe, { goos, goarch, version, pathName });
  }
  if (decision.enabled && !pkgConfig.path && pkgArgv.length > 0) {
    problem(
      ctx,
      'cgo/pkg-config-missing',
      'warning',
      {
        cause: `pkg-config program ${goQuote(short(pkgArgv[0]!, 40))} not found: \`#cgo pkg-config:\` lines fail`,
        fix: `install pkg-config (pkgconf${os === 'windows' ? '; MSYS2: pacman -S mingw-w64-ucrt-x86_64-pkgconf' : ''}) and put it on PATH, or ${fixFor('PKG_CONFIG', values.PKG_CONFIG, '/absolute/path/to/pkg-config')}`,
        details: [
          `${describeValue('PKG_CONFIG', values.PKG_CONFIG)}: ${pkgConfig.lookPathError ?? 'not found'}.`,
          `A \`#cgo pkg-config:\` directive fails with \`<package>: ${pkgConfig.lookPathError ?? ''}\`.`,
        ],
      },
      { data: { onlyIfPkgConfigUsed: true, pkgConfig: pkgArgv[0] } },
    );
  }

  // WSL: a Windows go.exe / gcc.exe reached through WSL's PATH interop is the wrong toolchain for Linux builds.
  await wslProblems(ctx, env, { goPath, goFound: winnerLp.ok, cc, cxx, cgoEnabled: decision.enabled });

  // 10. GODEBUG cgocheck.
  if (godebug) {
    const cc0 = cgocheckFromGodebug(godebug);
    const gv = values.GODEBUG!;
    if (cc0 === '0') {
      problem(
        ctx,
        'cgo/cgocheck-off',
        'warning',
        {
          cause: "GODEBUG cgocheck=0 turns off the runtime's cgo pointer checks",
          fix: 'remove cgocheck=0 from GODEBUG except when measuring performance',
          details: `${describeValue('GODEBUG', gv)}: Go pointers passed to C incorrectly are no longer reported.`,
        },
        { data: { source: gv.source } },
      );
    } else if (cc0 !== undefined && cc0 !== '1' && cc0 !== '' && (version === null || version.minor >= 21)) {
      problem(
        ctx,
        'cgo/cgocheck2-removed',
        'warning',
        {
          cause: `GODEBUG cgocheck=${short(cc0, 10)} makes Go 1.21+ programs throw at start-up`,
          fix: `remove cgocheck=${cc0} from GODEBUG and build with GOEXPERIMENT=cgocheck2`,
          details: [
            'Every Go program, the go command included: `fatal error: cgocheck > 1 mode is no longer supported at runtime. Use GOEXPERIMENT=cgocheck2 at build time instead.`',
            `${describeValue('GODEBUG', gv)}.`,
          ],
        },
        { data: { source: gv.source } },
      );
    }
  }

  // 11. Editor vs login shell.
  const driftBase = { goos, goarch, hostGoos, hostGoarch, version, defaultCC: toolchainDefaultCC, defaultCXX: toolchainDefaultCXX };
  const drift = async (into: Ctx, shellEnv: Record<string, string> | null): Promise<ToolchainProblem[]> => {
    if (shellEnv) await driftProblems(into, shellEnv, opts.shellEnvSource ?? 'login-shell', layers, driftBase);
    return into.problems;
  };
  if (extrasLater) {
    // The C++ compiler's problems, once it has said what it is (in a list of their own).
    const cxxCtx: Ctx = { ...ctx, problems: [] };
    opts.onLateProblems!(
      extrasLater.then(() => {
        if (cxxProblems) compilerProblems(cxxCtx, 'CXX', cxxProbe, { goos, goarch, version, pathName });
        return cxxCtx.problems;
      }),
    );
  }
  const shellPending = opts.onLateProblems && opts.shellEnv instanceof Promise && (await settledYet(opts.shellEnv)) === PENDING;
  if (shellPending && opts.shellEnv instanceof Promise) {
    // The model answers now; the drift check runs when the shell does, into a list of its own.
    const lateCtx: Ctx = { ...ctx, problems: [] };
    opts.onLateProblems!(opts.shellEnv.then((env) => drift(lateCtx, env)).catch(() => []));
  } else {
    await drift(ctx, (await opts.shellEnv) ?? null);
  }

  const envFileExists = layers.userFileLocation.path ? await platform.exists(layers.userFileLocation.path) : false;
  const model: ToolchainModel = {
    folder,
    go: {
      path: goPath,
      candidates,
      version,
      ...(goroot ? { goroot } : {}),
      ...(goEnv ? { env: goEnv } : {}),
      ...(goProbe.error ? { error: goProbe.error } : !winnerLp.ok ? { error: winnerLp.error } : {}),
      ...(goProbe.versionOutput ? { versionOutput: goProbe.versionOutput } : {}),
      winnerIsGoroot,
    },
    goos,
    goarch,
    hostGoos,
    hostGoarch,
    values,
    cgo: { enabled: decision.enabled, reason: decision.reason, source: decision.source, rule: decision.rule },
    cc,
    cxx,
    pkgConfig,
    childEnv,
    envFlags,
    fingerprint: fingerprintOf({
      go: goPath,
      goVersion: version ? shortVersion(version) : null,
      goroot: goroot ?? null,
      cc: [cc.argv, cc.path, cc.mtimeMs ?? null, cc.version ?? null, cc.target ?? null],
      // The C++ compiler and pkg-config by their binaries (what they say about themselves may come later).
      cxx: [cxx.argv, cxx.path, cxx.mtimeMs ?? null],
      envFlags,
      goos,
      goarch,
      cgo: decision.enabled,
      pkgConfig: [pkgConfig.path, pkgLocated.mtimeMs, pkgConfig.pkgConfigPath ?? null],
    }),
    problems: ctx.problems,
    envFile: {
      path: layers.userFileLocation.path,
      exists: envFileExists,
      ...(layers.userFileLocation.reason ? { reason: layers.userFileLocation.reason } : {}),
    },
    module,
  };
  return model;
}

function compilerProblems(
  ctx: Ctx,
  key: 'CC' | 'CXX',
  probe: CompilerProbe,
  t: { goos: string; goarch: string; version: GoVersion | null; pathName: string },
): void {
  const { info, value } = probe;
  const severityFor = (s: Severity): Severity => (key === 'CXX' ? 'warning' : s);
  const cxxNote = key === 'CXX' ? 'Only packages with C++ files use CXX.' : undefined;
  const data = { variable: key, value: value.value, source: value.source, ...(key === 'CXX' ? { onlyIfCxxUsed: true } : {}) };
  const prog = info.argv[0] ?? '';
  const lang = key === 'CC' ? 'C' : 'C++';
  if (!info.path) {
    const err = info.lookPathError ?? `exec: ${goQuote(prog)}: executable file not found in ${t.pathName}`;
    const goMsg = key === 'CC' ? `cgo: C compiler ${goQuote(prog)} not found: ${err}` : err;
    const isDefault = value.source === 'default';
    problem(
      ctx,
      'cgo/cc-not-found',
      severityFor('error'),
      {
        cause:
          key === 'CC'
            ? `C compiler ${goQuote(short(prog, 40))} not found: cgo builds fail`
            : `C++ compiler ${goQuote(short(prog, 36))} not found (only packages with C++ files use it)`,
        fix: isDefault
          ? `install ${prog}${t.goos === 'windows' ? ' (MinGW-w64 or llvm-mingw)' : ''} and put it on PATH, or set ${key} to a compiler that exists`
          : `install it or ${fixFor(key, value, '<compiler on PATH or absolute path>')}`,
        details: [`go build: \`${goMsg}\`${key === 'CC' ? ' (after `# runtime/cgo`)' : ''}`, `${describeValue(key, value)}.`],
      },
      { data: { ...data, lookPathError: err } },
    );
    return;
  }
  if (info.error) {
    problem(
      ctx,
      'cgo/cc-probe-failed',
      'warning',
      {
        cause: `${lang} compiler ${goQuote(short(baseName(info.path), 36))} could not be queried with --version`,
        fix: `run \`${info.argv.join(' ')} --version\` in a terminal`,
        details: `${describeValue(key, value)} at ${info.path} could not be queried: ${info.error}.`,
      },
      { data },
    );
    return;
  }
  const tgt = info.target ? tripleToGo(info.target) : { os: null, arch: null };
  const who = `${describeValue(key, value)} is ${info.path}${info.banner ? ` ("${info.banner}")` : ''}`;
  const name = short(baseName(info.path), 24);
  if (info.family === 'msvc-cl' || info.family === 'clang-cl' || info.flavor === 'msvc-target') {
    const sample =
      info.family === 'msvc-cl'
        ? "cl : Command line error D8021 : invalid numeric argument '/Werror'"
        : `clang: error: unsupported option '-mthreads' for target '${info.target ?? 'x86_64-pc-windows-msvc'}'`;
    problem(
      ctx,
      'cgo/msvc-compiler',
      severityFor('error'),
      {
        cause: `${key} ${name} is an MSVC-style compiler; cgo needs a MinGW GCC or clang`,
        fix: `install MinGW-w64 gcc (MSYS2 ucrt64, winlibs) or llvm-mingw clang and ${fixFor(key, value, t.goarch === 'arm64' ? 'aarch64-w64-mingw32-clang' : key === 'CC' ? 'gcc' : 'g++')}`,
        details: [
          `${who}, an MSVC-style compiler${info.target ? ` targeting ${info.target}` : ''}.`,
          `cgo only works with GCC-compatible drivers that target MinGW; builds fail with errors like \`${sample}\`.`,
          cxxNote,
        ],
      },
      { data: { ...data, family: info.family, target: info.target } },
    );
    return;
  }
  if (info.flavor === 'cygwin' || info.flavor === 'msys') {
    const runtime = info.flavor === 'cygwin' ? 'Cygwin' : 'MSYS';
    problem(
      ctx,
      'cgo/cygwin-compiler',
      severityFor('error'),
      {
        cause: `${key} ${name} targets the ${runtime} runtime, not native Windows: runtime/cgo fails`,
        fix: `use a MinGW-w64 compiler (target x86_64-w64-mingw32, e.g. MSYS2's /ucrt64/bin/gcc) first on PATH, or ${fixFor(key, value, mingwCCFor(t.goarch))}`,
        details: [
          `${who}, which targets ${info.target} (the ${runtime} runtime), not native Windows.`,
          "go build: runtime/cgo fails with `error: implicit declaration of function '_beginthread'`",
          cxxNote,
        ],
      },
      { data: { ...data, target: info.target } },
    );
    return;
  }
  if (t.goos === 'windows' && tgt.os === 'windows' && tgt.arch === '386' && t.goarch === 'amd64') {
    problem(
      ctx,
      'cgo/mingw32-for-amd64',
      severityFor('error'),
      {
        cause: `${key} ${name} is a 32-bit MinGW compiler, but GOARCH=amd64: builds fail`,
        fix: `install 64-bit MinGW-w64 (x86_64-w64-mingw32) and ${fixFor(key, value, key === 'CC' ? 'x86_64-w64-mingw32-gcc' : 'x86_64-w64-mingw32-g++')}, or build with GOARCH=386`,
        details: [
          `${who}, a 32-bit MinGW compiler (target ${info.target}).`,
          'go build: `cc1.exe: sorry, unimplemented: 64-bit mode not compiled in`',
          cxxNote,
        ],
      },
      { data: { ...data, target: info.target } },
    );
    return;
  }
  if (tgt.os !== null && tgt.os !== t.goos && !(tgt.os === 'darwin' && t.goos === 'ios') && !(tgt.os === 'linux' && t.goos === 'android')) {
    const cross =
      key === 'CC'
        ? t.goos === 'windows'
          ? mingwCCFor(t.goarch)
          : `a ${t.goos}/${t.goarch} cross compiler`
        : t.goos === 'windows'
          ? mingwCCFor(t.goarch)
              .replace(/-gcc$/, '-g++')
              .replace(/-clang$/, '-clang++')
          : `a ${t.goos}/${t.goarch} C++ cross compiler`;
    let symptom: string;
    if (t.goos === 'windows' && info.family === 'gcc' && (t.version === null || t.version.minor < 27)) {
      // GCC names itself by the basename it was run as.
      const progname = (info.argv[0] ?? 'gcc').replace(/^.*[\\/]/, '').replace(/\.exe$/i, '');
      symptom = `go build: \`${progname}: error: unrecognized command-line option '-mthreads'; did you mean '-pthread'?\``;
    } else if (t.goos === 'windows') {
      symptom = 'go build: `gcc_libinit_windows.c: fatal error: windows.h: No such file or directory`';
    } else {
      symptom = 'The build fails with compile or link errors from the wrong C library and object format.';
    }
    const compilerTarget = `${tgt.os}${tgt.arch ? `/${tgt.arch}` : ''}`;
    problem(
      ctx,
      'cgo/cc-wrong-target',
      severityFor('error'),
      {
        cause: `${key} ${name} targets ${short(compilerTarget, 18)}, not ${t.goos}/${t.goarch}: builds fail`,
        fix: `${fixFor(key, value, cross.includes(' ') ? '<cross compiler>' : cross)}${cross.includes(' ') ? ` (${cross})` : ''}${
          key === 'CC' && t.goos === 'windows'
            ? ` and CXX=${mingwCCFor(t.goarch)
                .replace(/-gcc$/, '-g++')
                .replace(/-clang$/, '-clang++')}`
            : ''
        }`,
        details: [`${who}, which targets ${info.target} (${compilerTarget}), but GOOS/GOARCH is ${t.goos}/${t.goarch} with cgo enabled.`, symptom, cxxNote],
      },
      { data: { ...data, target: info.target, compilerOs: tgt.os, compilerArch: tgt.arch } },
    );
    return;
  }
  if (tgt.os === t.goos && tgt.arch !== null && tgt.arch !== t.goarch && info.family !== 'zig') {
    const multilib = (tgt.arch === 'amd64' && t.goarch === '386') || (tgt.arch === '386' && t.goarch === 'amd64');
    const m = t.goarch === '386' ? '-m32' : '-m64';
    problem(
      ctx,
      'cgo/cc-wrong-target',
      multilib ? 'warning' : severityFor('error'),
      {
        cause: multilib
          ? `${key} ${name} targets ${tgt.arch}, but GOARCH=${t.goarch}: ${m} needs its multilib support`
          : `${key} ${name} targets ${tgt.arch}, but GOARCH=${t.goarch}: builds fail`,
        fix: `${fixFor(key, value, `<${t.goos}/${t.goarch} compiler>`)}${multilib ? ` or install the compiler's multilib support (e.g. gcc-multilib)` : ''}`,
        details: [
          `${who}, which targets ${info.target} (${tgt.arch}), but GOARCH=${t.goarch}${multilib ? `: the go command passes ${m}, which works only if the compiler's multilib support (e.g. gcc-multilib) is installed` : ''}.`,
          cxxNote,
        ],
      },
      { data: { ...data, target: info.target, compilerOs: tgt.os, compilerArch: tgt.arch } },
    );
  }
}

async function moduleContext(
  ctx: Ctx,
  goEnv: Record<string, string> | null,
  version: GoVersion | null,
  values: Record<string, EnvValue>,
  layers: EnvLayers,
): Promise<NonNullable<ToolchainModel['module']>> {
  const platform = ctx.platform;
  const p = pathFor(platform.os);
  const goMod: string | null = goEnv ? (isNullDevice(goEnv.GOMOD) ? null : goEnv.GOMOD!) : await findUp(ctx.folder, 'go.mod', platform);
  const goWork: string | null = goEnv ? (isNullDevice(goEnv.GOWORK) || goEnv.GOWORK === 'off' ? null : goEnv.GOWORK!) : null;
  const go111 = (resolveValue(layers, 'GO111MODULE')?.value ?? '').trim();
  if (go111 === 'off') {
    const found = goMod ?? (await findUp(ctx.folder, 'go.mod', platform));
    const v = resolveValue(layers, 'GO111MODULE')!;
    const gopath = values.GOPATH?.value ?? '';
    const first = firstGopath(values, platform.os);
    const inGopath = first !== '' && p.resolve(ctx.folder).startsWith(p.join(p.resolve(first), 'src') + p.sep);
    problem(
      ctx,
      'cgo/gopath-mode',
      'warning',
      {
        cause: `GO111MODULE=off: the go command works in GOPATH mode${found ? ' and ignores go.mod' : ''}${inGopath ? '' : '; imports will not resolve'}`,
        fix: `${fixFor('GO111MODULE', v, 'on')} or unset it`,
        details: [
          `${describeValue('GO111MODULE', v)}: the go command works in GOPATH mode${found ? ` and ignores ${found}` : ''}.`,
          inGopath ? undefined : `${ctx.folder} is not under GOPATH/src (${gopath || 'GOPATH unset'}), so its imports will not resolve.`,
        ],
      },
      { data: { go111module: 'off', goMod: found } },
    );
    return { mode: 'gopath', goMod: null, goWork: null };
  }
  if (!goMod && !goWork) {
    // A dependency's folder in the module cache (opened from a definition, say): built as part of the module that
    // requires it, so there is nothing to say about its missing go.mod, in GOPATH mode or not.
    if (inModuleCache(ctx.folder, modcacheDir(ctx, goEnv, values), platform.os)) return { mode: 'none', goMod: null, goWork: null };
    if (go111 === 'auto') {
      const v = resolveValue(layers, 'GO111MODULE')!;
      problem(
        ctx,
        'cgo/gopath-mode',
        'warning',
        {
          cause: 'GO111MODULE=auto and no go.mod here or above: the go command uses GOPATH mode',
          fix: 'run `go mod init <module path>` in the folder',
          details: `${describeValue('GO111MODULE', v)} and no go.mod in ${ctx.folder} or above.`,
        },
        { data: { go111module: 'auto' } },
      );
      return { mode: 'gopath', goMod: null, goWork: null };
    }
    problem(
      ctx,
      'cgo/gopath-mode',
      'information',
      {
        cause: 'no go.mod in this folder or any parent: the go command cannot build here',
        fix: 'run `go mod init <module path>`',
        details: [
          "go build: `go: go.mod file not found in current directory or any parent directory; see 'go help modules'`",
          'go build ./...: `pattern ./...: directory prefix . does not contain main module or its selected dependencies`',
          `No go.mod in ${ctx.folder} or any parent.`,
        ],
      },
      { data: { go111module: go111 } },
    );
    return { mode: 'none', goMod: null, goWork: null };
  }
  const out: NonNullable<ToolchainModel['module']> = { mode: goWork ? 'workspace' : 'module', goMod, goWork, gotoolchain: values.GOTOOLCHAIN };
  const [modText, workText] = await Promise.all([goMod ? platform.readFile(goMod) : null, goWork ? platform.readFile(goWork) : null]);
  const modDirs = modText !== null ? parseModDirectives(modText) : null;
  const workDirs = workText !== null ? parseModDirectives(workText) : null;
  // In workspace mode the go.work go/toolchain lines decide which toolchain runs.
  const src = workDirs && goWork ? { dirs: workDirs, file: goWork } : modDirs && goMod ? { dirs: modDirs, file: goMod } : null;
  if (src?.dirs.go) out.goLine = { ...src.dirs.go, file: src.file };
  if (src?.dirs.toolchain) out.toolchainLine = { ...src.dirs.toolchain, file: src.file };

  if (modDirs && goMod) {
    for (const g of modDirs.godebug) {
      if (g.key === 'cgocheck') {
        problem(
          ctx,
          'cgo/godebug-cgocheck-gomod',
          'error',
          {
            cause: `go.mod line ${g.line + 1}: the go command rejects \`godebug cgocheck\` (a runtime GODEBUG only)`,
            fix: `remove the line; set GODEBUG=cgocheck=${g.value} in the program's environment if you really need it`,
            details: [
              `go build: \`go: errors parsing go.mod:\` / \`${shortPath(ctx.folder, goMod, p)}:${g.line + 1}: unknown godebug "cgocheck"\``,
              `go.mod line ${g.line + 1} says \`godebug cgocheck=${g.value}\`; cgocheck is a runtime GODEBUG, not a go.mod setting.`,
            ],
          },
          { target: 'go.mod', goModLine: g.line, goModFile: goMod, data: { value: g.value } },
        );
      }
    }
  }

  if (version && src) {
    // The go command names the file by base.ShortPath (relative to its cwd when that is shorter).
    const fileName = shortPath(ctx.folder, src.file, p);
    const sel = selectToolchain({
      running: version,
      gotoolchain: values.GOTOOLCHAIN!,
      goLine: src.dirs.go,
      toolchainLine: src.dirs.toolchain,
      fileName,
    });
    out.selection = {
      action: sel.action,
      ...(sel.how ? { how: sel.how } : {}),
      ...(sel.toolchain ? { toolchain: sel.toolchain } : {}),
      ...(sel.message ? { message: sel.message } : {}),
    };
    const gt = values.GOTOOLCHAIN!;
    if (sel.action === 'error') {
      problem(
        ctx,
        'cgo/go-version-too-old',
        'error',
        {
          cause: `${short(baseName(fileName), 20)} line ${sel.line! + 1} requires go >= ${short(src.dirs.go!.value, 16)}, but the go command runs ${short(sel.toolchain ?? '?', 20)}`,
          fix: `install Go ${src.dirs.go!.value} or newer and put it first on PATH, or ${fixFor('GOTOOLCHAIN', gt, 'auto')} to let the go command download it, or lower the go line`,
          details: [
            `go build: \`${sel.message}\``,
            `${fileName} line ${sel.line! + 1} requires go >= ${src.dirs.go!.value}, but ${describeValue('GOTOOLCHAIN', gt)} runs ${sel.toolchain}.`,
          ],
        },
        {
          target: 'go.mod',
          goModLine: sel.line,
          goModFile: src.file,
          data: { required: src.dirs.go!.value, running: shortVersion(version), gotoolchain: gt.value },
        },
      );
    } else if (sel.action === 'switch') {
      const goModcache = await modcacheToolchain(ctx, values, sel.toolchain!);
      const gomodLine = sel.line;
      let what: string;
      if (sel.how === 'pinned')
        what = `${describeValue('GOTOOLCHAIN', gt)} makes the go command run ${sel.toolchain} instead of the local ${shortVersion(version)}`;
      else
        what = `${fileName} line ${gomodLine! + 1} (${sel.cause === 'toolchain-line' ? `toolchain ${src.dirs.toolchain!.value}` : `go ${src.dirs.go!.value}`}) is newer than the local ${shortVersion(version)}, and ${describeValue('GOTOOLCHAIN', gt)} lets the go command switch to ${sel.toolchain}`;
      let availability: string;
      if (goModcache) availability = `it is already downloaded (${goModcache})`;
      else if (sel.how === 'path') availability = `it must be on PATH as ${sel.toolchain}, else: \`go: cannot find "${sel.toolchain}" in PATH\``;
      else {
        const proxy = resolveValue(layers, 'GOPROXY')?.value ?? '';
        const host = `${hostOf(ctx, values).os}/${hostOf(ctx, values).arch}`;
        availability = `the go command downloads it first (\`go: downloading ${sel.toolchain} (${host})\`)${proxy === 'off' ? `; with GOPROXY=off that fails: \`go: download ${sel.toolchain} for ${host}: toolchain not available\`` : ''}`;
      }
      const tc = short(sel.toolchain ?? '?', 20);
      problem(
        ctx,
        'cgo/toolchain-switch',
        goModcache || sel.how === 'pinned' ? 'information' : 'warning',
        {
          cause:
            sel.how === 'pinned'
              ? `GOTOOLCHAIN makes the go command run ${tc}, not the local ${shortVersion(version)} cgo-ls probed`
              : `${short(baseName(fileName), 20)} line ${gomodLine! + 1} makes the go command switch to ${tc} (local: ${shortVersion(version)})`,
          fix: `install ${sel.toolchain} and put it first on PATH, or ${fixFor('GOTOOLCHAIN', gt, 'local')} to build with ${shortVersion(version)}`,
          details: [
            `${what}.`,
            `${availability.charAt(0).toUpperCase()}${availability.slice(1)}.`,
            `cgo-ls probed the local toolchain; the rules of ${sel.toolchain} apply to builds.`,
          ],
        },
        {
          target: gomodLine !== undefined ? 'go.mod' : 'import-c',
          ...(gomodLine !== undefined ? { goModLine: gomodLine, goModFile: src.file } : {}),
          data: { toolchain: sel.toolchain, how: sel.how, cached: goModcache ?? null },
        },
      );
    }
  }
  return out;
}

function hostOf(ctx: Ctx, values: Record<string, EnvValue>): { os: string; arch: string } {
  return { os: values.GOHOSTOS?.value ?? ctx.platform.os, arch: values.GOHOSTARCH?.value ?? ctx.platform.arch };
}

/** The module cache: `go env`'s GOMODCACHE, else the environment's, else the first GOPATH entry's pkg/mod; or null. */
function modcacheDir(ctx: Ctx, goEnv: Record<string, string> | null, values: Record<string, EnvValue>): string | null {
  const set = goEnv?.GOMODCACHE || envGet(ctx.env, 'GOMODCACHE', ctx.platform.os);
  if (set) return set;
  const gopath = firstGopath(values, ctx.platform.os);
  return gopath ? pathFor(ctx.platform.os).join(gopath, 'pkg', 'mod') : null;
}

/** The first GOPATH entry, split as the go command splits a path list (filepath.SplitList); '' when unset. */
function firstGopath(values: Record<string, EnvValue>, os: GoOS): string {
  return splitPathList(values.GOPATH?.value ?? '', os)[0] ?? '';
}

/**
 * Whether `folder` is inside a downloaded module in the module cache (a path segment `name@version` below it). The
 * go command builds such a module as a dependency, with a go.mod of its own or one it makes up; the cache is
 * read-only, so `go mod init` there is no advice.
 */
export function inModuleCache(folder: string, modcache: string | null, os: GoOS): boolean {
  if (!modcache) return false;
  const p = pathFor(os);
  const rel = p.relative(p.resolve(modcache), p.resolve(folder));
  if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) return false;
  return rel.split(p.sep).some((seg) => /@v\d/.test(seg));
}

/** The path of an already-downloaded toolchain module (golang.org/toolchain@v0.0.1-<name>.<goos>-<goarch>), or null. */
async function modcacheToolchain(ctx: Ctx, values: Record<string, EnvValue>, name: string): Promise<string | null> {
  const p = pathFor(ctx.platform.os);
  const modcache = modcacheDir(ctx, null, values);
  if (!modcache) return null;
  const h = hostOf(ctx, values);
  const host = `${h.os}-${h.arch}`;
  const bin = p.join(modcache, 'golang.org', `toolchain@v0.0.1-${name}.${host}`, 'bin', exeName('go', ctx.platform.os));
  return (await ctx.platform.exists(bin)) ? bin : null;
}

async function driftProblems(
  ctx: Ctx,
  shellEnv: Record<string, string>,
  source: 'login-shell' | 'windows-registry',
  layers: EnvLayers,
  base: { goos: string; goarch: string; hostGoos: string; hostGoarch: string; version: GoVersion | null; defaultCC: string; defaultCXX: string },
): Promise<void> {
  const os = ctx.platform.os;
  // cgo.env is the remedy this check proposes: its values count on both sides, so a variable set there is never drift.
  const shell = mergeEnv(shellEnv, ctx.editorEnv, os);
  const other = source === 'windows-registry' ? 'a newly started program' : 'the login shell';
  const shortName = source === 'windows-registry' ? 'new programs' : 'login shell';
  const [ed, sh] = await Promise.all([outcomeFor(ctx.env, ctx.platform, layers, base), outcomeFor(shell, ctx.platform, layers, base)]);
  const diffs: string[] = [];
  if (ed.cgo.enabled !== sh.cgo.enabled) {
    diffs.push(`CGO_ENABLED: the editor gets ${ed.cgo.enabled ? 1 : 0} (${ed.cgo.reason}); ${other} gets ${sh.cgo.enabled ? 1 : 0} (${sh.cgo.reason})`);
  }
  if (ed.ccPath !== sh.ccPath || ed.ccValue !== sh.ccValue) {
    diffs.push(`C compiler: the editor runs CC=${ed.ccValue} → ${ed.ccPath ?? 'not found'}; ${other} runs CC=${sh.ccValue} → ${sh.ccPath ?? 'not found'}`);
  }
  if (ed.cxxPath !== sh.cxxPath) diffs.push(`C++ compiler: editor → ${ed.cxxPath ?? 'not found'}; ${shortName} → ${sh.cxxPath ?? 'not found'}`);
  if (ed.pkgConfigPath !== sh.pkgConfigPath)
    diffs.push(`pkg-config: editor → ${ed.pkgConfigPath ?? 'not found'}; ${shortName} → ${sh.pkgConfigPath ?? 'not found'}`);
  const pcpE = envGet(ctx.env, 'PKG_CONFIG_PATH', os) ?? '';
  const pcpS = envGet(shell, 'PKG_CONFIG_PATH', os) ?? '';
  if (pcpE !== pcpS && (ed.pkgConfigPath !== null || sh.pkgConfigPath !== null)) {
    diffs.push(`PKG_CONFIG_PATH: editor ${JSON.stringify(pcpE)}; ${shortName} ${JSON.stringify(pcpS)} (pkg-config finds different .pc files)`);
  }
  for (const k of ['CGO_CFLAGS', 'CGO_CPPFLAGS', 'CGO_CXXFLAGS', 'CGO_LDFLAGS']) {
    const a = envGet(ctx.env, k, os) ?? '';
    const b = envGet(shell, k, os) ?? '';
    if (a !== b) diffs.push(`${k}: editor ${JSON.stringify(a)}; ${shortName} ${JSON.stringify(b)}`);
  }
  if (ed.goPath !== sh.goPath) diffs.push(`go: editor → ${ed.goPath ?? 'not found'}; ${shortName} → ${sh.goPath ?? 'not found'}`);
  if (diffs.length === 0) return;
  const changed = DRIFT_KEYS.filter((k) => (envGet(ctx.env, k, os) ?? '') !== (envGet(shell, k, os) ?? ''));
  const vars = changed.join(', ') || 'none directly (the PATH lookup differs)';
  const what = short(changed.join(', ') || 'PATH lookup', 36);
  const setThese = changed.join('/') || 'PATH';
  problem(
    ctx,
    'cgo/env-drift',
    'warning',
    source === 'windows-registry'
      ? {
          cause: `the environment changed since the editor started: cgo differs (${short(changed.join(', ') || 'PATH lookup', 30)})`,
          fix: `restart the editor (and the terminal or launcher it was started from) so it picks up the new environment, or set ${setThese} in the editor's cgo.env setting`,
          details: [
            'The user/system environment in the registry (what a newly started program, e.g. a new terminal, gets) would build cgo differently from the editor, which still has the values from its start:',
            ...diffs,
            `Variables that differ: ${vars}.`,
          ],
        }
      : {
          cause: `the editor's environment and your login shell differ for cgo (${what})`,
          fix: `start the editor from the login shell, or copy ${setThese} into the editor's cgo.env setting`,
          details: [
            "The editor's environment and your login shell would build cgo differently (a terminal `go build` may work while the editor fails, or the reverse):",
            ...diffs,
            `Variables that differ: ${vars}.`,
          ],
        },
    { data: { differences: diffs, variables: changed, reference: source } },
  );
}
