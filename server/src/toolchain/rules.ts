// Pure decision rules of the go command: the CGO_ENABLED default (cmd/go/internal/cfg defaultContext), which
// toolchain runs for a go.mod (GOTOOLCHAIN, Go 1.21+), and the go.mod/go.work directives they read.
import { atLeast, compareGoVersions, parseGoVersion, type GoVersion } from '../core/goversion.js';
import type { EnvValue, ValueSource } from './types.js';
import { cgoSupported } from './compiler.js';
import { describeSource } from './goenv.js';

export interface CgoDecisionInput {
  /** CGO_ENABLED from env / go env file / go.env, or null when unset. */
  cgoEnabled: EnvValue | null;
  goos: string;
  goarch: string;
  hostGoos: string;
  hostGoarch: string;
  /** The running go's version; null = unknown (assume modern). */
  goVersion: GoVersion | null;
  /** CC from the *process environment* only (the auto-disable ignores the go env file). */
  processCC: string;
  /** DefaultCC(GOOS, GOARCH) of this toolchain. */
  defaultCC: string;
  /** Whether LookPath(defaultCC) succeeds. */
  defaultCCFound: boolean;
  /** CC from the go env file / go.env, when set there (for the "go env -w CC does not help" remark). */
  fileCC?: EnvValue | null;
  /** What `go env CGO_ENABLED` printed, when the probe ran: the authority on the value. */
  reported?: '0' | '1' | null;
}

export interface CgoDecision {
  enabled: boolean;
  reason: string;
  source: ValueSource;
  /** Which rule decided: explicit, cross, unsupported, no-default-cc, default, toolchain-built. */
  rule: 'explicit' | 'cross-compiling' | 'unsupported' | 'no-default-cc' | 'default' | 'toolchain-built';
}

/** §4.1 decision order. When `reported` disagrees with the computed default, the toolchain's build-time setting wins. */
export function decideCgoEnabled(i: CgoDecisionInput): CgoDecision {
  const v = i.cgoEnabled;
  if (v && (v.value === '0' || v.value === '1')) {
    const enabled = v.value === '1';
    return {
      enabled,
      rule: 'explicit',
      source: v.source,
      reason: `CGO_ENABLED=${v.value} is set explicitly (${describeSource(v)})`,
    };
  }
  const ignored = v && v.value !== '' ? `; CGO_ENABLED=${v.value} (${describeSource(v)}) is ignored: only 0 and 1 count` : '';
  let d: CgoDecision;
  if (i.goos !== i.hostGoos || i.goarch !== i.hostGoarch) {
    d = {
      enabled: false,
      rule: 'cross-compiling',
      source: 'computed',
      reason: `cross-compiling (GOOS/GOARCH ${i.goos}/${i.goarch} differs from the host ${i.hostGoos}/${i.hostGoarch}); cgo must be enabled explicitly with CGO_ENABLED=1${ignored}`,
    };
  } else if (!cgoSupported(i.goos, i.goarch)) {
    d = {
      enabled: false,
      rule: 'unsupported',
      source: 'computed',
      reason: `cgo is not supported on ${i.goos}/${i.goarch}${ignored}`,
    };
  } else if ((i.goVersion === null || atLeast(i.goVersion, 20)) && i.processCC === '' && !i.defaultCCFound) {
    const fileNote =
      i.fileCC && i.fileCC.value !== ''
        ? `; CC=${i.fileCC.value} (${describeSource(i.fileCC)}) does not prevent this, the go command only checks the CC environment variable`
        : '';
    d = {
      enabled: false,
      rule: 'no-default-cc',
      source: 'computed',
      reason: `CC is not set in the environment and the default C compiler "${i.defaultCC}" is not on PATH, so Go 1.20+ turns cgo off${fileNote}${ignored}`,
    };
  } else {
    d = {
      enabled: true,
      rule: 'default',
      source: 'default',
      reason: `default for the native platform ${i.goos}/${i.goarch}${i.processCC !== '' ? ' (CC is set)' : ` (the C compiler "${i.defaultCC}" is on PATH)`}${ignored}`,
    };
  }
  if (i.reported === '0' || i.reported === '1') {
    const reportedEnabled = i.reported === '1';
    if (reportedEnabled !== d.enabled) {
      return {
        enabled: reportedEnabled,
        rule: 'toolchain-built',
        source: 'default',
        reason: `the go command reports CGO_ENABLED=${i.reported}: this toolchain was built with CGO_ENABLED=${i.reported}, which replaces the usual default (${d.reason})`,
      };
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// go.mod / go.work

export interface ModDirectives {
  /** `go` line value and its 0-based line. */
  go?: { value: string; line: number };
  toolchain?: { value: string; line: number };
  /** `godebug key=value` entries (single-line and block forms), 0-based lines. */
  godebug: { key: string; value: string; line: number }[];
  module?: string;
}

function stripComment(line: string): string {
  const i = line.indexOf('//');
  return (i >= 0 ? line.slice(0, i) : line).trim();
}

/** The directives the toolchain stage needs from a go.mod or go.work (a tolerant line scanner, not a full parser). */
export function parseModDirectives(text: string): ModDirectives {
  const out: ModDirectives = { godebug: [] };
  const lines = text.split(/\r?\n/);
  let block: string | null = null;
  const unquote = (s: string) => (/^".*"$/.test(s) ? s.slice(1, -1) : s);
  for (let n = 0; n < lines.length; n++) {
    const l = stripComment(lines[n]!);
    if (l === '') continue;
    if (block !== null) {
      if (l === ')') {
        block = null;
        continue;
      }
      if (block === 'godebug') {
        const m = /^([^=\s]+)=(\S*)$/.exec(l);
        if (m) out.godebug.push({ key: m[1]!, value: m[2]!, line: n });
      }
      continue;
    }
    const open = /^(\w+)\s*\($/.exec(l);
    if (open) {
      block = open[1]!;
      continue;
    }
    const m = /^(\w+)\s+(.*)$/.exec(l);
    if (!m) continue;
    const [, verb, rest] = m as unknown as [string, string, string];
    if (verb === 'go' && out.go === undefined) out.go = { value: unquote(rest.trim()), line: n };
    else if (verb === 'toolchain' && out.toolchain === undefined) out.toolchain = { value: unquote(rest.trim()), line: n };
    else if (verb === 'module' && out.module === undefined) out.module = unquote(rest.trim());
    else if (verb === 'godebug') {
      const g = /^([^=\s]+)=(\S*)$/.exec(rest.trim());
      if (g) out.godebug.push({ key: g[1]!, value: g[2]!, line: n });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// GOTOOLCHAIN

/** `go1.22.12` → 1.22.12; `go1.21rc2` → 1.21.0 (pre-release sorts before .0: rc flagged); `1.99` → 1.99 (language). */
export interface ToolchainVersion {
  minor: number;
  patch: number;
  /** Whether a patch number was written (`1.99` is a language version; its first release is go1.99.0). */
  hasPatch: boolean;
  prerelease: boolean;
  text: string;
}

export function parseToolchainVersion(s: string): ToolchainVersion | null {
  const m = /^(?:go)?1\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)?(?:[-+].*)?$/.exec(s.trim());
  if (!m) return null;
  return {
    minor: Number(m[1]),
    patch: m[2] !== undefined ? Number(m[2]) : 0,
    hasPatch: m[2] !== undefined,
    prerelease: m[3] !== undefined,
    text: s.trim().replace(/^go/, ''),
  };
}

function cmpTV(a: ToolchainVersion, b: ToolchainVersion): number {
  return a.minor - b.minor || a.patch - b.patch || (a.prerelease === b.prerelease ? 0 : a.prerelease ? -1 : 1);
}

/** The toolchain name the go command switches to for a `go` line: `1.99` → go1.99.0 (for 1.21+), else go<line>. */
export function toolchainNameForGoLine(v: ToolchainVersion): string {
  if (!v.hasPatch && !v.prerelease && v.minor >= 21) return `go1.${v.minor}.0`;
  return `go${v.text}`;
}

export interface GoToolchainSetting {
  /** `local` or a toolchain name (go1.22.12). */
  name: string;
  mode: 'pinned' | 'auto' | 'path';
}

/** GOTOOLCHAIN: local | <name> | <name>+auto | <name>+path | auto (= local+auto) | path (= local+path). */
export function parseGoToolchain(value: string): GoToolchainSetting {
  const v = value.trim();
  if (v === '' || v === 'local') return { name: 'local', mode: 'pinned' };
  if (v === 'auto') return { name: 'local', mode: 'auto' };
  if (v === 'path') return { name: 'local', mode: 'path' };
  const plus = v.lastIndexOf('+');
  if (plus > 0) {
    const suffix = v.slice(plus + 1);
    if (suffix === 'auto' || suffix === 'path') return { name: v.slice(0, plus), mode: suffix };
  }
  return { name: v, mode: 'pinned' };
}

export interface ToolchainSelectionInput {
  running: GoVersion;
  gotoolchain: EnvValue;
  /** `go` line of go.work (workspace mode) or go.mod. */
  goLine?: { value: string; line: number };
  toolchainLine?: { value: string; line: number };
  /** Display name of the file: `go.mod` or `go.work`. */
  fileName: string;
}

export interface ToolchainSelection {
  /**
   * ok: the local toolchain runs the module. error: the go command refuses (message verbatim). switch: it runs
   * another toolchain (`download` for +auto, `path` for +path, `pinned` for GOTOOLCHAIN=<name>).
   */
  action: 'ok' | 'error' | 'switch';
  how?: 'download' | 'path' | 'pinned';
  /** The toolchain the go command would run (go1.99.0), for switch; the version it compares with for error. */
  toolchain?: string;
  /** The go command's own message for error. */
  message?: string;
  /** Which line made it happen (0-based), when a go.mod/go.work line did. */
  line?: number;
  /** What asked for it: the go line, the toolchain line or GOTOOLCHAIN. */
  cause?: 'go-line' | 'toolchain-line' | 'gotoolchain';
}

function fmtRunning(v: GoVersion): string {
  return `1.${v.minor}.${v.patch}`;
}

/** What the go command does with GOTOOLCHAIN and the module's go/toolchain lines (toolchain.md, verified 1.26). */
export function selectToolchain(i: ToolchainSelectionInput): ToolchainSelection {
  const setting = parseGoToolchain(i.gotoolchain.value);
  const running = i.running;
  // The version of the toolchain named by GOTOOLCHAIN (the local one for `local`).
  let base: ToolchainVersion = { minor: running.minor, patch: running.patch, hasPatch: true, prerelease: false, text: fmtRunning(running) };
  let baseName = 'local';
  if (!atLeast(running, 21)) {
    // Before 1.21 there is no switching; 1.19.13+/1.20.8+ refuse go lines >= 1.22 (toolchain.md).
    const goLine = i.goLine ? parseToolchainVersion(i.goLine.value) : null;
    if (goLine && goLine.minor >= 22 && ((running.minor === 19 && running.patch >= 13) || (running.minor === 20 && running.patch >= 8))) {
      return {
        action: 'error',
        message: `go: ${i.fileName} requires go >= ${i.goLine!.value} (running go ${fmtRunning(running)})`,
        line: i.goLine!.line,
        cause: 'go-line',
        toolchain: `go${fmtRunning(running)}`,
      };
    }
    return { action: 'ok' };
  }
  if (setting.name !== 'local') {
    const named = parseToolchainVersion(setting.name);
    if (named) {
      base = named;
      baseName = setting.name;
    }
  }
  const goLine = i.goLine ? parseToolchainVersion(i.goLine.value) : null;
  const tcLine = i.toolchainLine && i.toolchainLine.value !== 'default' ? parseToolchainVersion(i.toolchainLine.value) : null;

  if (setting.mode === 'pinned') {
    const switched = baseName !== 'local' && cmpTV(base, { minor: running.minor, patch: running.patch, hasPatch: true, prerelease: false, text: '' }) !== 0;
    if (goLine && cmpTV(goLine, base) > 0) {
      const runningText = baseName === 'local' ? fmtRunning(running) : base.text;
      return {
        action: 'error',
        message: `go: ${i.fileName} requires go >= ${i.goLine!.value} (running go ${runningText}; GOTOOLCHAIN=${i.gotoolchain.value})`,
        line: i.goLine!.line,
        cause: 'go-line',
        toolchain: baseName === 'local' ? `go${fmtRunning(running)}` : baseName,
      };
    }
    if (switched) return { action: 'switch', how: 'pinned', toolchain: baseName, cause: 'gotoolchain' };
    return { action: 'ok' };
  }
  // +auto / +path: the minimum is the named (or local) toolchain; go.mod may raise it.
  let want: ToolchainVersion | null = null;
  let wantName = '';
  let cause: ToolchainSelection['cause'];
  let line: number | undefined;
  if (goLine && cmpTV(goLine, base) > 0) {
    want = goLine;
    wantName = toolchainNameForGoLine(goLine);
    cause = 'go-line';
    line = i.goLine!.line;
  }
  if (tcLine && cmpTV(tcLine, want ?? base) > 0) {
    want = tcLine;
    wantName = i.toolchainLine!.value.startsWith('go') ? i.toolchainLine!.value : `go${i.toolchainLine!.value}`;
    cause = 'toolchain-line';
    line = i.toolchainLine!.line;
  }
  if (want) return { action: 'switch', how: setting.mode === 'path' ? 'path' : 'download', toolchain: wantName, cause, line };
  if (baseName !== 'local' && compareGoVersions(running, { minor: base.minor, patch: base.patch }) !== 0) {
    return { action: 'switch', how: 'pinned', toolchain: baseName, cause: 'gotoolchain' };
  }
  return { action: 'ok' };
}

/** GODEBUG's cgocheck setting (last one wins, as in the runtime). */
export function cgocheckFromGodebug(godebug: string): string | undefined {
  let v: string | undefined;
  for (const part of godebug.split(',')) {
    const m = /^\s*cgocheck=(.*)$/.exec(part);
    if (m) v = m[1]!.trim();
  }
  return v;
}

export { parseGoVersion };
