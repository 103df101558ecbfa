// The session's toolchain models: one per module root (or directory without go.mod), probed once and cached
// until a toolchain input changes (the GOENV file, go.env, the executables), the settings change, or
// `cgo.refresh`. The login shell's (on Windows: the registry's) environment is read once, for drift checks.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/types.js';
import { NEWEST_KNOWN } from '../core/goversion.js';
import type { BuildContext } from '../gomodel/types.js';
import type { ToolchainModel, ToolchainProblem } from '../toolchain/types.js';
import { probeToolchain, readLoginShellEnv } from '../toolchain/probe.js';
import { readWindowsRegistryEnv } from '../toolchain/shellenv.js';
import { hostTarget } from '../toolchain/platform.js';
import { factCache, setFactCacheLogger } from '../toolchain/diskcache.js';
import { forgetLookups } from '../util/lookups.js';
import { whenRunsIdle } from '../util/proc.js';
import type { Settings } from './settings.js';

export interface ToolchainStoreOptions {
  env: NodeJS.ProcessEnv;
  settings: () => Settings;
  log: Logger;
  /** The directory whose go.mod governs `dir` (the file store's cached lookup). */
  moduleRoot: (dir: string) => string;
  /** The host OS (injectable for tests); default: the machine's. */
  hostOs?: string;
  /**
   * Set: a probe answers without waiting for the login shell, and this is called when the drift check, run once
   * the shell answers, added problems to the folder's model. Unset (the CLI): the probe waits for the shell.
   */
  onUpdate?: (dir: string) => void;
  /** How long the login shell (or the registry) may take; default 5 s, 10 s with onUpdate (nothing waits for it). */
  shellTimeoutMs?: number;
}

/** How long after a model answered the editor starts reading the login shell (for the drift check only)… */
const SHELL_DELAY_MS = 1000;
/**
 * … and then only once no subprocess has run for half a second (at most a minute later): a login shell whose rc files
 * run pyenv, nvm or conda takes seconds of CPU, and even at a lower priority it took 1.5–2.3 s from a 20 000-file
 * workspace's first scan on 2 vCPUs (13.4 / 12.9 s with SHELL=/bin/false, 14.9 / 15.2 s with this machine's bash,
 * whose pyenv waits 60 s for a lock); started once the scan's compiles are over: 13.8 → 12.6 s (A/B, 3 each).
 */
const SHELL_IDLE = { maxMs: 60_000, stepMs: 100, quietLooks: 5 };

export class ToolchainStore {
  private readonly models = new Map<string, Promise<ToolchainModel>>();
  /** Models that have answered (so the keystroke path can tell without waiting). */
  private readonly ready = new Map<string, ToolchainModel>();
  private shellEnv: Promise<Record<string, string> | null> | null = null;
  /** A model grown by late problems → the probe's own model it grew from (addLate). */
  private readonly grownFrom = new WeakMap<ToolchainModel, ToolchainModel>();
  private readonly hostOs: string;

  constructor(private readonly opts: ToolchainStoreOptions) {
    this.hostOs = opts.hostOs ?? hostTarget().goos;
    setFactCacheLogger(opts.log);
  }

  /** The directory a file's toolchain model is computed for: its module root, else its own directory. */
  dirOf(file: string): string {
    const dir = file.endsWith('.go') || file.endsWith('go.mod') ? path.dirname(path.resolve(file)) : path.resolve(file);
    return this.opts.moduleRoot(dir);
  }

  get(file: string): Promise<ToolchainModel> {
    const dir = this.dirOf(file);
    let p = this.models.get(dir);
    if (!p) {
      const probe = this.probe(dir);
      p = probe;
      this.models.set(dir, probe);
      probe.then(
        (tc) => {
          if (this.models.get(dir) === probe) this.ready.set(dir, tc);
        },
        () => undefined,
      );
    }
    return p;
  }

  /** The model of a file's folder if the probe has answered (starting it otherwise), else null. */
  ifReady(file: string): ToolchainModel | null {
    void this.get(file).catch(() => undefined);
    return this.ready.get(this.dirOf(file)) ?? null;
  }

  clear(): void {
    this.models.clear();
    this.ready.clear();
  }

  /** The tools' stored answers (the disk cache) are asked again on the next probes (`cgo.refresh`). */
  distrustStoredFacts(): void {
    factCache().distrustOlderEntries();
  }

  /** The login shell environment is read again on the next probe (the setting changed). */
  resetShellEnv(): void {
    this.shellEnv = null;
  }

  /** Drops one module's model (its go.mod / go.work changed). */
  drop(dir: string): void {
    const abs = path.resolve(dir);
    this.models.delete(abs);
    this.ready.delete(abs);
  }

  /**
   * Starts the toolchain probe of each workspace folder that is (in) a module now, so that it is answered, or in
   * flight, when the first file is opened. (The compiler is not run ahead: whether a file is compiled at all is the
   * engine's decision, and a compiler started for nothing is a subprocess nobody asked for.)
   */
  prewarm(folders: string[], fileExists: (f: string) => boolean = existsSync): void {
    for (const folder of folders) {
      const dir = this.dirOf(folder);
      if (fileExists(path.join(dir, 'go.mod'))) void this.get(dir).catch(() => undefined);
    }
  }

  /**
   * Files outside the workspace whose change alters a toolchain model: the GOENV file, `$GOROOT/go.env`, and
   * the resolved go, C compiler and pkg-config executables.
   */
  async inputs(): Promise<string[]> {
    const out = new Set<string>();
    for (const p of this.models.values()) {
      const tc = await p.catch(() => null);
      if (!tc) continue;
      const goenv = tc.go.env?.['GOENV'];
      if (goenv && goenv !== 'off') out.add(goenv);
      if (tc.go.goroot) out.add(path.join(tc.go.goroot, 'go.env'));
      for (const exe of [tc.go.path, tc.cc?.path, tc.cxx?.path, tc.pkgConfig.path]) if (exe) out.add(exe);
    }
    return [...out];
  }

  dirs(): string[] {
    return [...this.models.keys()];
  }

  private async probe(dir: string): Promise<ToolchainModel> {
    forgetLookups(); // a probe sees PATH as it is now (a compiler installed or removed a moment ago)
    const settings = this.opts.settings();
    const env: NodeJS.ProcessEnv = { ...this.opts.env };
    if (settings.goCommand) {
      // A configured go command goes first on PATH so that `go` resolves to it for every probe.
      const goDir = path.dirname(settings.goCommand);
      const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
      env[key] = goDir + path.delimiter + (env[key] ?? '');
    }
    // Not awaited here: the probe runs every tool while the shell is read, and waits for it only for the drift check.
    // In the editor (onUpdate) nothing waits for the shell at all: it starts a while after the model has answered
    // (SHELL_DELAY_MS) and the server's subprocesses have gone quiet (SHELL_IDLE), so that a heavy login shell (rc
    // files that run pyenv, nvm, conda …) and its own spawn do not compete with the first diagnostics or the scan.
    let startShell: (() => void) | null = null;
    const shellEnv: Promise<Record<string, string> | null> | null = !settings.checkShellEnv
      ? null
      : this.opts.onUpdate && !this.shellEnv
        ? new Promise((resolve) => (startShell = () => resolve(this.loginShellEnv())))
        : this.loginShellEnv();
    const started = Date.now();
    const late: Promise<ToolchainProblem[]>[] = [];
    const model = await probeToolchain(dir, {
      env,
      editorEnv: settings.env,
      timeoutMs: Math.min(settings.compilerTimeoutMs, 30_000),
      shellEnv,
      shellEnvSource: this.hostOs === 'windows' ? 'windows-registry' : 'login-shell',
      ...(this.opts.onUpdate ? { onLateProblems: (p: Promise<ToolchainProblem[]>) => void late.push(p) } : {}),
    }).finally(() => {
      const start = startShell as (() => void) | null;
      if (start) setTimeout(() => void whenRunsIdle(SHELL_IDLE).then(start), SHELL_DELAY_MS).unref();
    });
    for (const p of late) void this.addLate(dir, model, p);
    this.opts.log.info(
      `toolchain for ${dir}: ${model.go.version?.raw ?? 'no go'} ${model.goos}/${model.goarch} CGO_ENABLED=${model.cgo.enabled ? 1 : 0} CC=${model.cc?.argv.join(' ') ?? '-'} (${Date.now() - started} ms)`,
    );
    return model;
  }

  /**
   * Problems found after the model answered (the login shell's drift check, the C++ compiler's identity) join it,
   * each batch as it comes, unless the probe's model was replaced meanwhile (a re-probe).
   */
  private async addLate(dir: string, model: ToolchainModel, late: Promise<ToolchainProblem[]>): Promise<void> {
    const problems = await late;
    if (problems.length === 0) return;
    const entry = this.models.get(dir);
    const current = entry ? await entry.catch(() => null) : null;
    // The store still holds this probe's model, or one an earlier batch grew from it.
    if (!current || this.models.get(dir) !== entry || (current !== model && this.grownFrom.get(current) !== model)) return;
    const updated: ToolchainModel = { ...current, problems: [...current.problems, ...problems] };
    this.grownFrom.set(updated, model);
    this.models.set(dir, Promise.resolve(updated));
    this.ready.set(dir, updated);
    this.opts.log.info(`toolchain for ${dir}: ${problems.length} more problem(s) found after it answered`);
    this.opts.onUpdate?.(dir);
  }

  private loginShellEnv(): Promise<Record<string, string> | null> {
    if (this.shellEnv) return this.shellEnv;
    const shell = this.opts.env['SHELL'];
    const warn = (e: unknown) => {
      this.opts.log.warn(`reference environment not read: ${String(e)}`);
      return null;
    };
    const timeoutMs = this.opts.shellTimeoutMs ?? (this.opts.onUpdate ? 10_000 : 5_000);
    // Unix: the login shell (what a terminal has). Windows: the registry (what a newly started program gets).
    const p: Promise<Record<string, string> | null> =
      this.hostOs === 'windows'
        ? readWindowsRegistryEnv(timeoutMs, { env: this.opts.env }).catch(warn)
        : shell
          ? // Below normal CPU priority when nothing waits for it (the editor): it yields to the compilers.
            readLoginShellEnv(shell, timeoutMs, this.opts.onUpdate ? { priority: 10 } : {}).catch(warn)
          : Promise.resolve(null);
    this.shellEnv = p;
    return p;
  }
}

/** The go/build context a toolchain model implies (GOFLAGS -tags, GOAMD64 levels, GOEXPERIMENT tags). */
export function buildContextOf(tc: ToolchainModel, goos = tc.goos, goarch = tc.goarch, cgoEnabled = tc.cgo.enabled): BuildContext {
  const goVersion = tc.go.version ?? NEWEST_KNOWN;
  const goflags = tc.values['GOFLAGS']?.value ?? '';
  const tagsFlag = /(?:^|\s)--?tags[=\s]([^\s]+)/.exec(goflags);
  const buildTags = tagsFlag ? tagsFlag[1]!.split(/[,\s]+/).filter(Boolean) : [];
  const toolTags: string[] = [];
  if (goarch === 'amd64') {
    const level = Number((tc.go.env?.['GOAMD64'] ?? 'v1').replace(/^v/, '')) || 1;
    for (let i = 1; i <= level; i++) toolTags.push(`amd64.v${i}`);
  }
  for (const exp of (tc.go.env?.['GOEXPERIMENT'] ?? '').split(',').filter(Boolean)) {
    if (!exp.startsWith('no')) toolTags.push(`goexperiment.${exp}`);
  }
  return { goos, goarch, cgoEnabled, goMinor: goVersion.minor, compiler: 'gc', buildTags, toolTags };
}
