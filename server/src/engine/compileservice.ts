// The compile service: every compiler-backed answer goes through here — pkg-config, the preamble compile with
// its name probe, library lookup — with the one cache of their results and the scheduler that bounds how many
// run at once and lets a newer run for a file abort the older one. Results are keyed by content (preamble text,
// the package's merged flags, C names, toolchain fingerprint); a cached preamble result is moved with the text
// when the preamble shifts. It works on packages: pkg-config and library lookup run once per package.
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CgoDiagnostic, Logger, Range } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import { CAUSE_MAX, makeDiagnostic, short } from '../core/message.js';
import { stampFiles, stampsUnchanged } from '../util/stamps.js';
import type { GoVersion } from '../core/goversion.js';
import type { GoFile } from '../gomodel/types.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { checkFlags } from '../cgorules/allowlist.js';
import { splitPkgConfigOutput } from '../cgorules/split.js';
import { compilePreamble, type PreambleInput, type PreambleResult } from '../compiler/preamble.js';
import { CompileScheduler, compileConcurrency } from '../compiler/scheduler.js';
import { compileCSource, type CSourceInput } from '../compiler/csource.js';
import { probePkgConfig, pkgConfigDiagnostic } from '../compiler/pkgconfig.js';
import { checkLibraries, libraryDiagnostic } from '../compiler/libs.js';
import { flagsOf, type FlagOrigin, type PackageFlags } from './package.js';
import { hashOf } from './hash.js';
import { compileCache } from '../toolchain/diskcache.js';
import { VERSION } from '../version.js';

export interface CompileEntry {
  key: string;
  diagnostics: CgoDiagnostic[];
  /** 0-based .go line of each preamble when the entry was computed (to shift positions on reuse). */
  firstLines: number[];
  includedFiles: { file: string; mtimeMs: number; size: number }[];
  /** cgo's kind for each C name (from the probe). */
  kinds: Record<string, string>;
}

export interface PkgConfigResult {
  cflags: string[];
  libs: string[];
  /** Diagnostics, each in the file (and on the argument) of the `#cgo pkg-config:` line it concerns. */
  diagnostics: CgoDiagnostic[];
  /** pkg-config failed or its output was refused: the go command stops before compiling anything. */
  blocked: boolean;
}

/** A link flag with the `#cgo` argument it came from (none for CGO_LDFLAGS). */
export interface LinkFlag {
  flag: string;
  origin?: { file: string; range: Range };
}

export interface CompileServiceOptions {
  log: Logger;
  timeoutMs: () => number;
  /** The machine's CPUs (default: node's availableParallelism); tests inject it. */
  cores?: number;
}

export class CompileService {
  private readonly compiled = new Map<string, CompileEntry>();
  /** Library lookups per package directory. */
  private readonly libs = new Map<string, { key: string; diagnostics: CgoDiagnostic[] }>();
  private readonly pkgConfigs = new Map<string, PkgConfigResult>();
  private readonly pkgConfigFlights = new Map<string, Promise<PkgConfigResult>>();
  /** Bumped when pkg-config answers are forgotten: a run started before does not store its (stale) result. */
  private pkgConfigGeneration = 0;
  /** Compiler jobs at once by the machine's cores (compileConcurrency: 2 on two cores); supersession per file. */
  private readonly scheduler: CompileScheduler;

  constructor(private readonly opts: CompileServiceOptions) {
    this.scheduler = new CompileScheduler({ concurrency: compileConcurrency(opts.cores ?? os.availableParallelism()) });
  }

  /** How many compiler jobs run at once (the workspace scan and `check` feed as many analyses). */
  get concurrency(): number {
    return this.scheduler.concurrency;
  }

  // ---- the disk cache: results of earlier runs (another editor session, the last `cgo-ls check`) -------------

  /**
   * The result an earlier process stored for this file and key, made the cached one; undefined when there is none
   * or a header it read (or a place a missing header would appear) changed since.
   */
  stored(file: string, key: string): Promise<CompileEntry | undefined> {
    return this.load('preamble', file, key);
  }

  private async load(kind: 'preamble' | 'csource', file: string, key: string): Promise<CompileEntry | undefined> {
    const e = await compileCache().get<CompileEntry>(kind, storedKey(file, key));
    if (!isEntry(e) || e.key !== key || !headersUnchanged(e)) return undefined;
    this.compiled.set(file, e);
    return e;
  }

  private store(kind: 'preamble' | 'csource', file: string, entry: CompileEntry): void {
    compileCache().setLater(kind, storedKey(file, entry.key), entry);
  }

  /** Waits for the disk cache writes in flight (never throws). */
  flush(): Promise<void> {
    return compileCache().flush();
  }

  /** `cgo.refresh`: results stored before now are not reused. */
  distrustStored(): void {
    compileCache().distrustOlderEntries();
  }

  // ---- the cache ---------------------------------------------------------------------------------------------

  /** The cached preamble result of `file` when it was computed for `key`; headers are stat'ed only if asked. */
  cached(file: string, key: string, checkHeaders: boolean): CompileEntry | undefined {
    const e = this.compiled.get(file);
    if (!e || e.key !== key) return undefined;
    if (checkHeaders && !headersUnchanged(e)) return undefined;
    return e;
  }

  /** The last preamble result of `file`, whatever its key (shown, moved with the text, until a new run lands). */
  last(file: string): CompileEntry | undefined {
    return this.compiled.get(file);
  }

  dropFile(file: string): void {
    this.compiled.delete(file);
    this.libs.delete(path.dirname(file));
  }

  /** Drops results of files below `dir` (a header or C file there changed, or appeared). */
  dropBelow(dir: string): void {
    const prefix = path.resolve(dir) + path.sep;
    for (const m of [this.compiled, this.libs]) for (const f of [...m.keys()]) if (f.startsWith(prefix) || f + path.sep === prefix) m.delete(f);
    this.forgetPkgConfig();
  }

  /** Drops the results that read (or looked for) `file`; returns the .go files affected. */
  dropDependents(file: string): string[] {
    const abs = path.resolve(file);
    const out: string[] = [];
    for (const [goFile, entry] of this.compiled) {
      if (entry.includedFiles.some((h) => h.file === abs)) {
        this.compiled.delete(goFile);
        this.libs.delete(path.dirname(goFile));
        out.push(goFile);
      }
    }
    // A .pc file changed: pkg-config answers may differ.
    if (abs.endsWith('.pc')) this.forgetPkgConfig();
    return out;
  }

  private forgetPkgConfig(): void {
    this.pkgConfigs.clear();
    this.pkgConfigFlights.clear();
    this.pkgConfigGeneration++;
  }

  clear(): void {
    this.compiled.clear();
    this.libs.clear();
    this.forgetPkgConfig();
  }

  // ---- preamble compile --------------------------------------------------------------------------------------

  /**
   * Compiles a file's preambles (bounded concurrency; a newer run for the same file aborts this one and kills
   * its compiler). Returns null when the run was superseded, canceled or failed.
   */
  async compile(file: string, key: string, input: PreambleInput, firstLines: number[], signal?: AbortSignal): Promise<PreambleResult | null> {
    const timeoutMs = this.opts.timeoutMs();
    const outcome = await this.scheduler.schedule(file, {
      run: (own) => compilePreamble(input, { timeoutMs, signal: signal ? AbortSignal.any([own, signal]) : own }),
    });
    if (outcome.status !== 'done' || signal?.aborted || outcome.result.canceled) {
      if (outcome.status === 'failed') this.opts.log.error(`compiler run for ${file} failed: ${outcome.error}`);
      return null;
    }
    const result = outcome.result;
    if (!result.timedOut) {
      const entry: CompileEntry = {
        key,
        diagnostics: result.diagnostics,
        firstLines,
        // Headers read, and the places a missing header would appear: a change to either invalidates.
        includedFiles: statAll([...result.includedFiles, ...result.missingHeaderCandidates]),
        kinds: result.kinds,
      };
      this.compiled.set(file, entry);
      this.store('preamble', file, entry);
    }
    return result;
  }

  /** Compiles one of the package's C sources (cached by its text, flags and toolchain). */
  async compileC(
    input: CSourceInput,
    text: string,
    tc: ToolchainModel,
    run: boolean,
    signal?: AbortSignal,
  ): Promise<{ diagnostics: CgoDiagnostic[]; stale: boolean }> {
    const key = hashOf(text, input.cc, input.cppflags, input.flags, tc.fingerprint);
    const hit = this.cached(input.file, key, run) ?? (run ? await this.load('csource', input.file, key) : undefined);
    if (hit) return { diagnostics: hit.diagnostics, stale: false };
    if (!run) return { diagnostics: this.compiled.get(input.file)?.diagnostics ?? [], stale: true };
    const outcome = await this.scheduler.schedule(input.file, {
      run: (own) => compileCSource(input, { timeoutMs: this.opts.timeoutMs(), signal: signal ? AbortSignal.any([own, signal]) : own }),
    });
    if (outcome.status !== 'done' || outcome.result.canceled || signal?.aborted) return { diagnostics: [], stale: true };
    const r = outcome.result;
    if (!r.timedOut) {
      const entry: CompileEntry = { key, diagnostics: r.diagnostics, firstLines: [], includedFiles: statAll(r.includedFiles), kinds: {} };
      this.compiled.set(input.file, entry);
      this.store('csource', input.file, entry);
    }
    return { diagnostics: r.diagnostics, stale: false };
  }

  // ---- pkg-config --------------------------------------------------------------------------------------------

  /**
   * `pkg-config --cflags/--libs` for the package's `#cgo pkg-config:` arguments (all files together, as cmd/go
   * runs it); every output flag passes the allow-list first. Cached per package, arguments and toolchain.
   */
  async pkgConfig(pkg: PackageFlags, tc: ToolchainModel, goVersion: GoVersion, signal?: AbortSignal): Promise<PkgConfigResult> {
    const args = flagsOf(pkg, 'pkgConfig');
    const key = hashOf(pkg.dir, args, tc.fingerprint, tc.pkgConfig.pkgConfigPath ?? '');
    const cached = this.pkgConfigs.get(key);
    if (cached) return cached;
    // One pkg-config run per key at a time: callers that arrive while it runs (hovers every few ms on a file whose
    // analysis is slow) share it instead of each starting their own. The run belongs to no caller, so one caller's
    // abort does not fail the others; the timeout still bounds it, and its result is cached for everyone.
    let flight = this.pkgConfigFlights.get(key);
    if (!flight) {
      const run = this.runPkgConfig(pkg, tc, goVersion, args, key).finally(() => {
        if (this.pkgConfigFlights.get(key) === run) this.pkgConfigFlights.delete(key);
      });
      flight = run;
      this.pkgConfigFlights.set(key, flight);
    }
    if (!signal) return flight;
    // An aborted caller stops waiting (its result is dropped anyway); the shared run goes on.
    const aborted: PkgConfigResult = { cflags: [], libs: [], diagnostics: [], blocked: true };
    if (signal.aborted) return aborted;
    return Promise.race([flight, new Promise<PkgConfigResult>((resolve) => signal.addEventListener('abort', () => resolve(aborted), { once: true }))]);
  }

  private async runPkgConfig(pkg: PackageFlags, tc: ToolchainModel, goVersion: GoVersion, args: string[], key: string): Promise<PkgConfigResult> {
    const generation = this.pkgConfigGeneration;
    const out: PkgConfigResult = { cflags: [], libs: [], diagnostics: [], blocked: false };
    const first = pkg.pkgConfig[0];
    if (!first || args.every((a) => a.startsWith('--'))) return out;
    if (!tc.pkgConfig.path) {
      // The toolchain's `cgo/pkg-config-missing` problem (placed on import "C") explains it; nothing to run.
      out.blocked = true;
      return out;
    }
    const res = await probePkgConfig(
      args.filter((a) => !a.startsWith('--')),
      {
        argv: tc.pkgConfig.argv,
        env: tc.childEnv,
        cwd: pkg.dir,
        timeoutMs: this.opts.timeoutMs(),
        options: args.filter((a) => a.startsWith('--')),
        split: (outText: string) => {
          const r = splitPkgConfigOutput(outText);
          if (r.error) throw new Error(r.error);
          return r.flags;
        },
        goVersion: { minor: goVersion.minor, patch: goVersion.patch },
      },
    );
    const originOf = (name: string): FlagOrigin => pkg.pkgConfig.find((o) => o.flag === name) ?? first;
    // Each diagnostic goes to the file and argument of the package it is about.
    for (const d of pkgConfigDiagnostic({ file: first.file, probe: res, rangeOf: () => undefined, fallbackRange: first.directiveRange })) {
      const name = typeof d.data?.['package'] === 'string' ? (d.data['package'] as string) : '';
      const o = pkg.pkgConfig.find((x) => x.flag === name);
      out.diagnostics.push(o ? { ...d, file: o.file, range: o.range } : d);
    }
    if (!res.ok) out.blocked = true;
    const env = tc.childEnv as Record<string, string | undefined>;
    const cf = checkFlags('compiler', 'CFLAGS', 'pkg-config --cflags', res.cflags, { goVersion, env });
    const lf = checkFlags('linker', 'LDFLAGS', 'pkg-config --libs', res.libs, { goVersion, env });
    for (const bad of [cf, lf]) {
      if (!bad) continue;
      out.blocked = true;
      const at = originOf(args.find((a) => !a.startsWith('--')) ?? first.flag);
      const envVar = bad === cf ? 'CGO_CFLAGS_ALLOW' : 'CGO_LDFLAGS_ALLOW';
      const source = bad === cf ? 'pkg-config --cflags' : 'pkg-config --libs';
      const plain = bad.message.replace(/\s*\(see https?:\/\/\S+\)$/, '');
      out.diagnostics.push(
        makeDiagnostic({
          file: at.file,
          range: at.directiveRange,
          severity: 'error',
          code: 'cgo/flag-not-allowed',
          // The go command's own words (without its link) when they fit; its full text stays in the details.
          cause: plain.length <= CAUSE_MAX ? plain : `invalid flag in ${source}: ${short(bad.arg, 50)}`,
          fix: `if you trust the .pc file, allow the flag with ${envVar}`,
          details: [
            plain === bad.message && plain.length <= CAUSE_MAX ? undefined : bad.message,
            'The flag comes from pkg-config output and the go command refuses it.',
          ],
          data: { arg: bad.arg, envVar, fromPkgConfig: true },
        }),
      );
    }
    if (!out.blocked) {
      out.cflags = res.cflags;
      out.libs = res.libs;
    }
    if (generation === this.pkgConfigGeneration) this.pkgConfigs.set(key, out);
    return out;
  }

  // ---- libraries ---------------------------------------------------------------------------------------------

  /**
   * Looks up every `-l` of the package's link flags (once per package and flag list); a missing one is reported
   * on the `#cgo` argument that asked for it, in its own file (or on `fallback` for CGO_LDFLAGS / pkg-config).
   */
  async libraries(
    pkg: PackageFlags,
    tc: ToolchainModel,
    ldflags: LinkFlag[],
    fallback: { file: string; range: Range },
    signal?: AbortSignal,
  ): Promise<CgoDiagnostic[]> {
    const flags = ldflags.map((l) => l.flag);
    const key = hashOf(flags, tc.fingerprint);
    const cached = this.libs.get(pkg.dir);
    if (cached && cached.key === key) return cached.diagnostics;
    if (!flags.some((f) => f.startsWith('-l'))) {
      this.libs.set(pkg.dir, { key, diagnostics: [] });
      return [];
    }
    const result = await checkLibraries(flags, {
      cc: tc.cc!.argv,
      goos: tc.goos,
      goarch: tc.goarch,
      env: tc.childEnv,
      cwd: pkg.dir,
      timeoutMs: this.opts.timeoutMs(),
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted || result.timedOut) return [];
    const diagnostics: CgoDiagnostic[] = [];
    for (const m of result.missing) {
      const origin = ldflags[m.index]?.origin ?? fallback;
      const d = libraryDiagnostic({ file: origin.file, check: m, range: origin.range });
      if (d) diagnostics.push(d);
    }
    this.libs.set(pkg.dir, { key, diagnostics });
    return diagnostics;
  }

  /** Last library diagnostics of a package if they were computed for these flags (the keystroke path). */
  cachedLibraries(dir: string, ldflags: LinkFlag[], tc: ToolchainModel): CgoDiagnostic[] | undefined {
    const e = this.libs.get(dir);
    return e &&
      e.key ===
        hashOf(
          ldflags.map((l) => l.flag),
          tc.fingerprint,
        )
      ? e.diagnostics
      : undefined;
  }
}

/**
 * What one file's preamble compile needs, from the package: as cmd/go, CGO_CPPFLAGS, the package's #cgo
 * CPPFLAGS, pkg-config --cflags; CGO_CFLAGS, the package's #cgo CFLAGS. The key is the content the result
 * depends on; the link flags carry their `#cgo` origins for the library lookup.
 */
export function preambleJob(src: { file: GoFile; text: string; goVersion: GoVersion }, pkg: PackageFlags, tc: ToolchainModel, pc: PkgConfigResult) {
  const cppflags = [...tc.envFlags.CPPFLAGS, ...flagsOf(pkg, 'CPPFLAGS'), ...pc.cflags];
  const cflags = [...tc.envFlags.CFLAGS, ...flagsOf(pkg, 'CFLAGS')];
  const pcLine = pkg.pkgConfig[0];
  const ldflags: LinkFlag[] = [
    ...tc.envFlags.LDFLAGS.map((flag) => ({ flag })),
    ...pkg.LDFLAGS.map((o) => ({ flag: o.flag, origin: { file: o.file, range: o.range } })),
    ...pc.libs.map((flag) => ({ flag, ...(pcLine ? { origin: { file: pcLine.file, range: pcLine.directiveRange } } : {}) })),
  ];
  const file = src.file;
  const preambles = file.cImports.flatMap((i) => (i.preamble ? [i.preamble] : []));
  const names = [...new Set(file.cRefs.map((r) => r.name))].sort();
  // Compiler findings sit on preamble lines, which are inside the modelled part of the file: a 20 MB generated file
  // is indexed only as far as the model read it (indexing all of it costs more than the rest of the compile).
  const modelled = file.limited?.reason === 'size' ? file.limited.analysedBytes : src.text.length;
  let lines: LineIndex | undefined;
  let allLines: LineIndex | undefined;
  const goLineText = (line: number): string => {
    lines ??= LineIndex.of(modelled < src.text.length ? src.text.slice(0, modelled) : src.text);
    if (line < lines.lineCount - 1 || modelled === src.text.length) return lines.lineText(line);
    return (allLines ??= LineIndex.of(src.text)).lineText(line);
  };
  const cc = tc.cc!;
  const key = hashOf(
    preambles.map((p) => p.text),
    cppflags,
    cflags,
    names,
    tc.fingerprint,
    src.goVersion.raw,
  );
  const seen = new Set<string>();
  const cNames = file.cRefs.filter((r) => !seen.has(r.name) && seen.add(r.name)).map((r) => ({ name: r.name, range: r.range }));
  const preambleInput: PreambleInput = {
    goFile: file.path,
    preambles: preambles.map((p) => ({ lines: p.lines, firstLine: p.firstLine })),
    goLineText,
    cNames,
    cc: cc.argv,
    cppflags,
    cflags,
    goarch: tc.goarch,
    goos: tc.goos,
    goVersion: { minor: src.goVersion.minor, patch: src.goVersion.patch },
    family: cc.family === 'gcc' || cc.family === 'clang' || cc.family === 'zig' ? cc.family : ('unknown' as const),
    ...(cc.banner ? { banner: cc.banner } : {}),
    env: tc.childEnv,
    cwd: path.dirname(file.path),
    importLine: file.cImports[0]!.pathRange.start.line,
  };
  return { key, preambleInput, pkgDiagnostics: pc.diagnostics, ldflags, blocked: pc.blocked, firstLines: preambles.map((p) => p.firstLine) };
}

/** Moves cached compiler diagnostics to where their preamble / first C.name use is now. */
export function reposition(entry: CompileEntry, file: GoFile): CgoDiagnostic[] {
  const firstLines = file.cImports.flatMap((i) => (i.preamble ? [i.preamble.firstLine] : []));
  const out: CgoDiagnostic[] = [];
  for (const d of entry.diagnostics) {
    const name = typeof d.data?.['name'] === 'string' ? (d.data['name'] as string) : null;
    if (d.code === 'cgo/unresolved-name' && name) {
      const ref = file.cRefs.find((r) => r.name === name);
      if (ref) out.push({ ...d, range: ref.range });
      continue;
    }
    // Preamble diagnostics: find which preamble they sat in and shift by how far it moved.
    let shifted: CgoDiagnostic = d;
    for (let i = 0; i < entry.firstLines.length; i++) {
      const before = entry.firstLines[i]!;
      const next = entry.firstLines[i + 1] ?? Number.MAX_SAFE_INTEGER;
      if (d.range.start.line >= before && d.range.start.line < next) {
        const delta = (firstLines[i] ?? before) - before;
        if (delta !== 0) {
          shifted = {
            ...d,
            range: {
              start: { line: d.range.start.line + delta, character: d.range.start.character },
              end: { line: d.range.end.line + delta, character: d.range.end.character },
            },
          };
        }
        break;
      }
    }
    out.push(shifted);
  }
  return out;
}

/**
 * What a stored result is valid for besides its content key: the file (diagnostics name it) and the cgo-ls that
 * produced it — the release and this build of it (the size and mtime of this module's file), so a rebuilt or
 * upgraded cgo-ls never shows an older one's messages.
 */
function storedKey(file: string, key: string): unknown {
  return { file, key, code: codeStamp() };
}

let stamp: unknown[] | null = null;
function codeStamp(): unknown[] {
  if (!stamp) {
    try {
      const st = statSync(fileURLToPath(import.meta.url));
      stamp = [VERSION, st.size, st.mtimeMs];
    } catch {
      stamp = [VERSION, 'unknown build', process.pid]; // never matches another process: nothing is reused
    }
  }
  return stamp;
}

/** A stored value has the entry's shape (a corrupt or foreign file is a miss). */
function isEntry(e: unknown): e is CompileEntry {
  const x = e as Partial<CompileEntry> | undefined;
  return (
    !!x &&
    typeof x.key === 'string' &&
    Array.isArray(x.diagnostics) &&
    Array.isArray(x.firstLines) &&
    Array.isArray(x.includedFiles) &&
    x.includedFiles.every((h) => h && typeof h.file === 'string' && typeof h.mtimeMs === 'number' && typeof h.size === 'number') &&
    typeof x.kinds === 'object' &&
    x.kinds !== null
  );
}

function headersUnchanged(entry: CompileEntry): boolean {
  return stampsUnchanged(entry.includedFiles);
}

function statAll(files: string[]): CompileEntry['includedFiles'] {
  return stampFiles(files);
}
