// The target matrix: for each GOOS/GOARCH the user cares about, which cgo files and `#cgo` lines apply, whether
// a C compiler for that target exists, and what happens with CGO_ENABLED=0 (a `!cgo` fallback, a stub that
// fails at run time, or "build constraints exclude all Go files").
import fs from 'node:fs';
import path from 'node:path';
import type { BuildContext, GoFile } from '../gomodel/types.js';
import { isFileIncluded } from '../gomodel/preamble.js';
import { parseDirectives } from '../cgorules/directives.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { cgoSupported, linuxGnuTriple, mingwCCFor, tripleToGo } from '../toolchain/compiler.js';
import { lookPath, nodePlatform } from '../toolchain/platform.js';
import { NEWEST_KNOWN } from '../core/goversion.js';
import { describeBuild, packageBuild } from './cgooff.js';

export interface Target {
  goos: string;
  goarch: string;
}

export function parseTargets(spec: string | string[]): Target[] {
  const list = Array.isArray(spec) ? spec : spec.split(/[\s,]+/);
  const out: Target[] = [];
  for (const t of list.map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9]+)\/([a-z0-9]+)$/.exec(t);
    if (!m) throw new Error(`invalid target ${JSON.stringify(t)}: want GOOS/GOARCH such as windows/amd64`);
    out.push({ goos: m[1]!, goarch: m[2]! });
  }
  return out;
}

export interface CompilerForTarget {
  /** The CC the go command would run for this target (argv[0] + args), or the one to install. */
  argv: string[];
  path: string | null;
  /** Why this compiler, or what is missing. */
  note: string;
  ok: boolean;
}

export interface TargetVerdict {
  target: string;
  goos: string;
  goarch: string;
  cgoSupported: boolean;
  /** .go files importing "C" that this target builds (with cgo on). */
  cgoFiles: string[];
  /** `#cgo` lines with conditions that apply to this target (file:line text). */
  conditionalDirectives: { file: string; line: number; text: string }[];
  compiler: CompilerForTarget;
  /** With CGO_ENABLED=0. */
  nocgo: { verdict: 'no-cgo-needed' | 'fallback' | 'stub' | 'undefined-symbols' | 'excluded-all'; detail: string };
  /** One line for humans. */
  summary: string;
  ok: boolean;
}

/** Candidate cross compilers by target (Debian/Homebrew/MSYS2 names), first found wins. */
function crossCandidates(t: Target): string[] {
  if (t.goos === 'windows') return [mingwCCFor(t.goarch), `${t.goarch === '386' ? 'i686' : t.goarch === 'arm64' ? 'aarch64' : 'x86_64'}-w64-mingw32-clang`];
  if (t.goos === 'linux') {
    const tr = linuxGnuTriple(t.goarch);
    return tr ? [`${tr}-gcc`] : [];
  }
  return [];
}

function ctxFor(tc: ToolchainModel, t: Target, cgoEnabled: boolean): BuildContext {
  const v = tc.go.version ?? NEWEST_KNOWN;
  return { goos: t.goos, goarch: t.goarch, cgoEnabled, goMinor: v.minor, compiler: 'gc', buildTags: [], toolTags: t.goarch === 'amd64' ? ['amd64.v1'] : [] };
}

export async function compilerFor(tc: ToolchainModel, t: Target): Promise<CompilerForTarget> {
  const platform = nodePlatform(tc.childEnv as Record<string, string | undefined>);
  const isHost = t.goos === tc.hostGoos && t.goarch === tc.hostGoarch;
  const ccValue = tc.values['CC'];
  const explicit = ccValue && ccValue.source !== 'default' && ccValue.source !== 'computed';
  if (explicit || isHost) {
    const cc = tc.cc;
    if (!cc || !cc.path)
      return { argv: cc?.argv ?? [ccValue?.value ?? 'gcc'], path: null, note: `CC ${cc?.argv.join(' ') ?? ccValue?.value ?? ''} is not installed`, ok: false };
    if (cc.target) {
      const tg = tripleToGo(cc.target);
      if (
        (tg.os && tg.os !== t.goos && !(t.goos === 'ios' && tg.os === 'darwin')) ||
        (tg.arch && tg.arch !== t.goarch && !(cc.family === 'clang' && t.goos === 'darwin'))
      ) {
        const suggest = crossCandidates(t)[0];
        return {
          argv: cc.argv,
          path: cc.path,
          note: `CC ${cc.argv.join(' ')} targets ${cc.target}, not ${t.goos}/${t.goarch}${suggest ? `; use CC=${suggest}` : ''}`,
          ok: false,
        };
      }
    }
    return { argv: cc.argv, path: cc.path, note: `${cc.argv.join(' ')}${cc.target ? ` (${cc.target})` : ''}`, ok: true };
  }
  if (t.goos === 'darwin' || t.goos === 'ios') {
    const zig = await lookPath('zig', platform);
    if (zig.ok)
      return {
        argv: ['zig', 'cc', '-target', `${t.goarch === 'arm64' ? 'aarch64' : 'x86_64'}-macos`],
        path: zig.path,
        note: 'zig cc can target macOS (frameworks need the macOS SDK)',
        ok: true,
      };
    return { argv: ['clang'], path: null, note: 'cgo for darwin needs Apple clang on a Mac (or zig cc with the macOS SDK); none here', ok: false };
  }
  const candidates = crossCandidates(t);
  for (const c of candidates) {
    const r = await lookPath(c, platform);
    if (r.ok) return { argv: [c], path: r.path, note: `${c} (set CC=${c} with CGO_ENABLED=1 when building for ${t.goos}/${t.goarch})`, ok: true };
  }
  const zig = await lookPath('zig', platform);
  if (zig.ok) return { argv: ['zig', 'cc'], path: zig.path, note: `zig cc -target … can cross-compile for ${t.goos}/${t.goarch}`, ok: true };
  return {
    argv: [candidates[0] ?? 'gcc'],
    path: null,
    note:
      candidates.length > 0
        ? `no C compiler for ${t.goos}/${t.goarch}: install ${candidates[0]}${t.goos === 'windows' ? ' (Debian/Ubuntu: gcc-mingw-w64-x86-64; Homebrew: mingw-w64)' : ''}`
        : `no known cross compiler for ${t.goos}/${t.goarch} (zig cc can target most)`,
    ok: false,
  };
}

/** A `!cgo` file that only fails at run time (go-sqlite3 style) rather than offering a real fallback. */
export function looksLikeStub(text: string): boolean {
  return /"[^"\n]*\b(cgo|CGO_ENABLED)\b[^"\n]*"/.test(text) && /\b(errors\.New|fmt\.Errorf|panic)\(/.test(text);
}

/**
 * How the go command decides CGO_ENABLED for `GOOS=<t> GOARCH=<a> go build` in this environment: an explicit 0/1
 * (environment, GOENV file, go.env) wins; else the host target keeps the current decision and a cross target
 * defaults to 0 (cgo-rules.md §4.1).
 */
function effectiveCgo(tc: ToolchainModel, t: Target): { enabled: boolean; why: string } {
  const v = tc.values['CGO_ENABLED'];
  if (!cgoSupported(t.goos, t.goarch)) return { enabled: false, why: `cgo is not supported on ${t.goos}/${t.goarch}` };
  if (v && v.source !== 'default' && v.source !== 'computed' && (v.value === '0' || v.value === '1')) {
    return { enabled: v.value === '1', why: `CGO_ENABLED=${v.value} is set explicitly` };
  }
  if (t.goos === tc.hostGoos && t.goarch === tc.hostGoarch)
    return { enabled: tc.cgo.enabled, why: tc.cgo.enabled ? 'cgo is on' : `CGO_ENABLED=0 (${tc.cgo.reason})` };
  return { enabled: false, why: 'cross-compiling, so CGO_ENABLED defaults to 0' };
}

/**
 * Evaluates one package directory for each target: the verdict is what `GOOS=<t> GOARCH=<a> go build` does in this
 * environment (package-load errors, undefined names, the C compiler for the target), plus what the other cgo
 * setting would do. `models` are the parsed non-test .go files of the package (the caller parses them so the
 * engine's cache is used).
 */
export async function evaluateTargets(dir: string, models: { file: GoFile; text: string }[], tc: ToolchainModel, targets: Target[]): Promise<TargetVerdict[]> {
  const out: TargetVerdict[] = [];
  const goVersion = tc.go.version ?? NEWEST_KNOWN;
  for (const t of targets) {
    const name = `${t.goos}/${t.goarch}`;
    const supported = cgoSupported(t.goos, t.goarch);
    const on = ctxFor(tc, t, true);
    const off = ctxFor(tc, t, false);
    const cgoFiles: string[] = [];
    const conditional: TargetVerdict['conditionalDirectives'] = [];
    for (const { file } of models) {
      if (!file.importsC || !isFileIncluded(file, on).included) continue;
      cgoFiles.push(path.basename(file.path));
      for (const imp of file.cImports) {
        if (!imp.preamble) continue;
        const { directives } = parseDirectives(imp.preamble, { build: on, srcDir: dir, goVersion });
        for (const d of directives)
          if (d.applies && d.conditions.length > 0) conditional.push({ file: path.basename(file.path), line: d.range.start.line + 1, text: d.orig });
      }
    }
    const onBuild = await packageBuild(dir, models, on);
    const offBuild = await packageBuild(dir, models, off);
    const fallbacks = models.filter(
      ({ file }) =>
        isFileIncluded(file, off).included && (/!\s*cgo\b/.test(file.build.goBuild?.expr ?? '') || file.build.plusBuild.some((p) => /!cgo\b/.test(p.expr))),
    );
    let nocgo: TargetVerdict['nocgo'];
    if (offBuild.loadError) nocgo = { verdict: 'excluded-all', detail: `CGO_ENABLED=0 fails: "${offBuild.loadError.message}"` };
    else if (cgoFiles.length === 0 && offBuild.builds) nocgo = { verdict: 'no-cgo-needed', detail: 'no cgo files for this target' };
    else if (offBuild.builds && fallbacks.some(({ text }) => looksLikeStub(text)))
      nocgo = {
        verdict: 'stub',
        detail: `CGO_ENABLED=0 builds with ${fallbacks.map((f) => path.basename(f.file.path)).join(', ')}, a stub that fails at run time`,
      };
    else if (!offBuild.builds || offBuild.exportsLost.length > 0)
      nocgo = {
        verdict: 'undefined-symbols',
        detail: `CGO_ENABLED=0 drops ${cgoFiles.join(', ') || offBuild.excluded.join(', ')}: ${describeBuild(offBuild)}`,
      };
    else
      nocgo = {
        verdict: 'fallback',
        detail:
          fallbacks.length > 0
            ? `CGO_ENABLED=0 builds with the pure-Go fallback ${fallbacks.map((f) => path.basename(f.file.path)).join(', ')}`
            : `CGO_ENABLED=0 builds without ${cgoFiles.join(', ')} (nothing else uses what ${cgoFiles.length > 1 ? 'they define' : 'it defines'})`,
      };
    const compiler: CompilerForTarget =
      supported && cgoFiles.length > 0
        ? await compilerFor(tc, t)
        : { argv: [], path: null, note: supported ? 'no cgo files' : 'cgo is not supported on this platform', ok: supported };
    const eff = effectiveCgo(tc, t);
    // What cgo on would do: a load error or undefined names for this target, else the compiler decides.
    const onOk = onBuild.loadError === null && onBuild.builds && (cgoFiles.length === 0 || (supported && compiler.ok));
    const offOk = nocgo.verdict === 'fallback' || nocgo.verdict === 'no-cgo-needed';
    const ok = eff.enabled ? onOk : offOk;
    const cgoPart = !supported
      ? `cgo unsupported on ${name}`
      : onBuild.loadError
        ? `with cgo: "${onBuild.loadError.message}"`
        : cgoFiles.length === 0
          ? onBuild.builds
            ? 'no cgo files'
            : `with cgo: ${describeBuild(onBuild)}`
          : `cgo: ${cgoFiles.length} file(s), compiler ${compiler.ok ? '✓ ' : '✗ '}${compiler.note}${onBuild.builds ? '' : `; ${describeBuild(onBuild)}`}`;
    const parts: string[] = [];
    if (eff.enabled) {
      parts.push(cgoPart);
      if (!onOk && nocgo.verdict !== 'no-cgo-needed') parts.push(nocgo.detail);
    } else {
      // go build runs with cgo off for this target: that result first, then what turning cgo on would do.
      if (cgoFiles.length > 0 || !offBuild.builds || offBuild.loadError) parts.push(`go build uses CGO_ENABLED=0 (${eff.why})`, nocgo.detail);
      else parts.push(cgoFiles.length === 0 && supported ? 'no cgo files' : cgoPart);
      if (!ok && supported && cgoFiles.length > 0)
        parts.push(onOk ? `with CGO_ENABLED=1${compiler.path && compiler.argv[0] ? ` CC=${compiler.argv.join(' ')}` : ''} it builds` : cgoPart);
    }
    out.push({
      target: name,
      goos: t.goos,
      goarch: t.goarch,
      cgoSupported: supported,
      cgoFiles,
      conditionalDirectives: conditional,
      compiler,
      nocgo,
      summary: parts.filter(Boolean).join('; '),
      ok,
    });
  }
  return out;
}

/** Non-test .go files of a package directory. */
export function packageGoFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.go') && !n.endsWith('_test.go') && !n.startsWith('.') && !n.startsWith('_'))
      .map((n) => path.join(dir, n))
      .sort();
  } catch {
    return [];
  }
}
