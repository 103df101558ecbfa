// Compile a cgo preamble the way cmd/cgo does and put every C diagnostic on the right .go position.
//
// Two results, from one compiler run where it suffices, else from two runs started together:
//  (a) the preamble run: builtin prolog + `#line N "<go file>"` + preamble, with the user's flags and warnings
//      ON (what `go build` shows when it compiles the preamble into the cgo output), `-fsyntax-only`, `-H`
//      (lists every header read, even when the compile fails: used for cache invalidation), byte columns;
//  (b) the kind probe: the same text plus cmd/cgo's `not-declared`/`not-type`/… program for every C.name,
//      with cmd/cgo's exact flags (`-w -Wno-error -o<null> -gdwarf-2 -c -xc [clang flags] <opts minus -g/-O>
//      <gccMachine> -fno-lto -O0 -fdiagnostics-color=never -`), scanned with cmd/cgo's algorithm.
// The one run (gcc only) compiles (a)'s text, a split line and (b)'s program with (a)'s command line; its output
// cut at the split line gives (a)'s, and without the split line and the warnings it gives what (b) scans. It is
// used only where that is exact (see "one run for the preamble and the probe" below: no -Werror and the like,
// the preamble ends closed, nothing at the end of the translation unit, no optimization macro in play, no
// promoted warning); otherwise (a) and (b) run as two runs, because (b) must run with `-w` (a user `-Werror`
// would otherwise turn probe warnings into errors and corrupt the kind bitmask) and (a) must not.
//
// struct_/union_/enum_ names: cmd/cgo marks them "type" without asking the compiler; it only complains
// (`type C.struct_x: undefined C type 'struct x'`) when the Go code needs the definition, which depends on
// how the name is used (a pointer to an incomplete struct is fine). We cannot see the use here, so such
// names get kind "type" and are never reported.
import * as path from 'node:path';
import { diagnosticMessage, short, splitMessage, withDetails, type MessageParts } from '../core/message.js';
import type { CgoDiagnostic, Range } from '../core/types.js';
import { baseName, compilerCause } from './ccmessage.js';
import { byteColumnToUtf16 } from '../core/text.js';
import { run, type RunResult } from '../util/proc.js';
import { compilerEnv, compilerFeatures, DEV_NULL, gccMachine, goQuote, systemIncludeDirs } from './ccinfo.js';
import {
  BUILTIN_FUNCS,
  BUILTIN_TYPES,
  classifyName,
  kindFromMask,
  preambleIdentifiers,
  probeProgram,
  scanProbeOutput,
  suggestName,
  unresolvedNameMessage,
  type NameKind,
} from './cnames.js';
import { parseDiagnostics, type CcDiagnostic } from './diagparse.js';
import { CXX_HEADERS, HEADER_PACKAGES, headerForSymbol, knownSymbols, LIBC_HEADERS } from './headers.js';
import { packageManagerHint, type OsInfo } from './pkgconfig.js';
import { promises as fsp, constants as fsc, statSync } from 'node:fs';
import * as os from 'node:os';
import { CGO_BUILTIN_PROLOG } from '../gomodel/preamble.js';
import { hostIsWindows } from '../core/host.js';

export type { NameKind } from './cnames.js';

export interface PreambleSource {
  /** Preamble lines exactly as cmd/cgo's commentText produces them; goLine 0-based, goCol 0-based UTF-16. */
  lines: { text: string; goLine: number; goCol: number }[];
  /** 0-based .go line of the first comment of the group (cmd/cgo writes `#line firstLine+1`). */
  firstLine: number;
}

export interface PreambleInput {
  /** Absolute path of the .go file. */
  goFile: string;
  preambles: PreambleSource[];
  /** Text of a .go line (0-based), used for ranges. */
  goLineText: (line: number) => string;
  /** Every C.name reference (name without `C.`, range of the reference). */
  cNames: { name: string; range: Range }[];
  /** CC argv, already resolved (argv[0] the program). */
  cc: string[];
  cppflags: string[];
  /** Already allow-list-checked: CGO_CFLAGS, then directive flags, then pkg-config --cflags. */
  cflags: string[];
  goarch: string;
  goos: string;
  goVersion: { minor: number; patch: number };
  family: 'gcc' | 'clang' | 'zig' | 'unknown';
  /** The first line of the compiler's `--version` (the toolchain probe's), when known: it can spare the feature probe. */
  banner?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** 0-based line of the `import "C"` (defaults to the line after the last preamble line). */
  importLine?: number;
  /** OS info for install hints (default: detected). */
  os?: OsInfo;
  /** false: always the two runs, never one (tests compare both ways). Default true: one run where it suffices. */
  oneRun?: boolean;
}

export interface RunOpts {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PreambleResult {
  diagnostics: CgoDiagnostic[];
  kinds: Record<string, NameKind>;
  durationMs: number;
  timedOut: boolean;
  /** The run was aborted through the signal (results are partial; do not publish or cache). */
  canceled: boolean;
  /** The preamble run's argv (argv[0] = program). */
  commandLine: string[];
  /** The kind probe's argv, when names were probed (the same as commandLine when one run served both). */
  probeCommandLine: string[] | null;
  /** One compiler run gave both the preamble's diagnostics and the kinds (commandLine === probeCommandLine). */
  oneRun: boolean;
  /** Absolute paths of every header the preamble run read (from -H) or that diagnostics point into. */
  includedFiles: string[];
  /** Paths where a missing header was looked for: when one appears, the result is stale. */
  missingHeaderCandidates: string[];
}

/** cmd/cgo's builtinProlog (cmd/cgo/out.go), verbatim (kept with the Go model). */
export const BUILTIN_PROLOG = CGO_BUILTIN_PROLOG;

/** At most this many diagnostics come from one compiler run (a compiler printing megabytes stays harmless). */
export const MAX_COMPILER_DIAGNOSTICS = 100;

const CLANG_PROBE_FLAGS = [
  '-ferror-limit=0',
  '-Wno-unknown-warning-option',
  '-Wno-unneeded-internal-declaration',
  '-Wno-unused-function',
  '-Qunused-arguments',
  '-fno-builtin',
];

/** cmd/cgo's ProcessCgoDirectives: `#cgo <space>…` lines become empty lines. */
export function stripCgoDirective(line: string): string {
  const l = line.trim();
  if (l.length < 5 || l.slice(0, 4) !== '#cgo' || !/\s/.test(l[4]!)) return line;
  return '';
}

interface Segment {
  /** Compiler line number of lines[0]. */
  start: number;
  lines: PreambleSource['lines'];
}

/** The C text cmd/cgo compiles for these preambles (without the builtin prolog), and the line map. */
export function buildPreambleText(goFile: string, preambles: PreambleSource[]): { text: string; segments: Segment[] } {
  let text = '';
  const segments: Segment[] = [];
  for (const p of preambles) {
    const start = p.firstLine + 1;
    text += `#line ${start} ${goQuote(goFile)}\n`;
    text += p.lines.map((l) => stripCgoDirective(l.text)).join('\n') + '\n';
    text += '#line 1 "cgo-generated-wrapper"\n';
    segments.push({ start, lines: p.lines });
  }
  return { text, segments };
}

/** -I / -iquote / -isystem / -idirafter directories in compiler flags, made absolute. */
export function includeDirsFromFlags(flags: string[], cwd: string): { quote: string[]; angle: string[] } {
  const quote: string[] = [];
  const angle: string[] = [];
  const opts: [string, 'quote' | 'angle' | 'after'][] = [
    ['-iquote', 'quote'],
    ['-isystem', 'angle'],
    ['-idirafter', 'after'],
    ['-I', 'angle'],
  ];
  const after: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    for (const [o, kind] of opts) {
      if (!f.startsWith(o)) continue;
      let v = f.slice(o.length);
      if (v === '') {
        v = flags[i + 1] ?? '';
        i++;
      }
      if (!v) break;
      const d = path.resolve(cwd, v);
      (kind === 'quote' ? quote : kind === 'angle' ? angle : after).push(d);
      break;
    }
  }
  return { quote, angle: [...angle, ...after] };
}

const CXX_LINE =
  /^\s*(?:class\s+\w|namespace\b|template\s*<|using\s+namespace\b|(?:public|private|protected)\s*:)|extern\s+"C"|\bstd::|#\s*include\s*<(?:iostream|string|vector|map|memory|cstdio|cstdlib|cstring|cstdint|algorithm)>/;

function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const na = path.resolve(a);
  const nb = path.resolve(b);
  return hostIsWindows() ? na.toLowerCase() === nb.toLowerCase() : na === nb;
}

/** Compile a preamble and probe the kinds of the C names. Never throws; never rejects. */
export async function compilePreamble(input: PreambleInput, opts: RunOpts): Promise<PreambleResult> {
  const started = Date.now();
  const result: PreambleResult = {
    diagnostics: [],
    kinds: {},
    durationMs: 0,
    timedOut: false,
    canceled: false,
    commandLine: [],
    probeCommandLine: null,
    oneRun: false,
    includedFiles: [],
    missingHeaderCandidates: [],
  };
  // Runs started beside the compile for what its messages may need; the compile answers only once they have ended,
  // so nothing it started outlives it.
  const beside: Promise<unknown>[] = [];
  try {
    await compileInner(input, opts, result, started, beside);
  } catch (e) {
    // Defensive: junk input must not escape as an exception. Report nothing rather than something wrong.
    result.diagnostics = result.diagnostics.filter((d) => d && d.range);
  }
  await Promise.allSettled(beside);
  result.durationMs = Date.now() - started;
  return result;
}

async function compileInner(input: PreambleInput, opts: RunOpts, result: PreambleResult, started: number, beside: Promise<unknown>[]): Promise<void> {
  const goFile = String(input.goFile ?? '');
  const preambles = Array.isArray(input.preambles) ? input.preambles.filter((p) => p && Array.isArray(p.lines)) : [];
  const cNames = Array.isArray(input.cNames) ? input.cNames.filter((n) => n && typeof n.name === 'string' && n.range) : [];
  const lineText = (l: number): string => {
    try {
      const t = input.goLineText(l);
      return typeof t === 'string' ? t : '';
    } catch {
      return '';
    }
  };
  const cc = Array.isArray(input.cc) ? input.cc.filter((a) => typeof a === 'string') : [];
  const cppflags = Array.isArray(input.cppflags) ? input.cppflags : [];
  const cflags = Array.isArray(input.cflags) ? input.cflags : [];
  const goMinor = input.goVersion?.minor ?? 26;
  const timeoutMs = Math.max(1, Number(input && opts?.timeoutMs) || 10_000);
  const deadline = started + timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const env = compilerEnv(input.env ?? {});
  const cwd = existingDir(input.cwd) ?? existingDir(path.dirname(goFile)) ?? os.tmpdir();

  if (preambles.length === 0 && cNames.length === 0) return;

  // Where file-level problems go: the import "C" line.
  const lastPre = preambles[preambles.length - 1];
  const lastLine = lastPre?.lines[lastPre.lines.length - 1];
  const importLine = input.importLine ?? (lastLine ? lastLine.goLine + 1 : lastPre ? lastPre.firstLine + 1 : (cNames[0]?.range.start.line ?? 0));
  const importRange: Range = { start: { line: importLine, character: 0 }, end: { line: importLine, character: Math.max(1, lineText(importLine).length) } };
  const diag = (range: Range, severity: CgoDiagnostic['severity'], code: string, message: MessageParts, data: Record<string, unknown> = {}): CgoDiagnostic => ({
    file: goFile,
    range,
    severity,
    code,
    message: diagnosticMessage(message),
    data: { code, ...data },
  });

  if (cc.length === 0) {
    result.diagnostics.push(
      diag(importRange, 'error', 'cgo/cc-broken', { cause: 'No C compiler is set, so the preamble cannot be checked', fix: 'install gcc or clang, or set CC' }),
    );
    return;
  }
  const [prog, ...pre] = cc as [string, ...string[]];
  const machine = gccMachine(input.goarch, input.goos, input.env ?? {});

  // ---- compiler facts (cached per fingerprint)
  const feat = await compilerFeatures(cc, {
    env: input.env ?? {},
    cwd,
    timeoutMs: remaining(),
    signal: opts.signal,
    family: input.family,
    banner: input.banner,
  });
  if (feat.failed) {
    handleRunFailure(feat.failed.run, result, importRange, diag, timeoutMs, input);
    return;
  }
  const features = feat.features ?? { columnUnitByte: false, isClang: input.family === 'clang' || input.family === 'zig' };
  const isClang = features.isClang || input.family === 'clang' || input.family === 'zig';

  // ---- the C text
  const { text: cgoPreamble, segments } = buildPreambleText(goFile, preambles);
  const preambleSource = BUILTIN_PROLOG + cgoPreamble;
  const preambleText = preambles.map((p) => p.lines.map((l) => l.text).join('\n')).join('\n');

  // ---- names
  const firstUse = new Map<string, Range>();
  for (const n of cNames) {
    const prev = firstUse.get(n.name);
    if (!prev || n.range.start.line < prev.start.line || (n.range.start.line === prev.start.line && n.range.start.character < prev.start.character)) {
      firstUse.set(n.name, n.range);
    }
  }
  const probeNames: string[] = [];
  const probeExprs: string[] = [];
  const invalidNames: string[] = [];
  for (const name of firstUse.keys()) {
    const c = classifyName(name);
    if (c.how === 'builtin' || c.how === 'tagged-type') result.kinds[name] = c.kind;
    else if (c.how === 'probe') {
      probeNames.push(name);
      probeExprs.push(c.expr);
    } else if (c.how === 'invalid') {
      result.kinds[name] = 'unknown';
      invalidNames.push(name);
    }
  }

  // ---- command lines
  const preArgs = [
    ...pre,
    ...cppflags,
    ...cflags,
    ...machine,
    '-fdiagnostics-color=never',
    ...(features.columnUnitByte ? ['-fdiagnostics-column-unit=byte'] : []),
    '-fmessage-length=0',
    '-H',
    '-fsyntax-only',
    '-xc',
    '-',
  ];
  result.commandLine = [prog, ...preArgs];
  const gccOptions = [...cppflags, ...cflags].filter((a) => !a.startsWith('-g') && !a.startsWith('-O'));
  const probeArgsFor = (color: boolean) => [
    ...pre,
    '-w',
    '-Wno-error',
    '-o' + DEV_NULL,
    '-gdwarf-2',
    '-c',
    '-xc',
    ...(isClang ? CLANG_PROBE_FLAGS : []),
    ...gccOptions,
    ...machine,
    '-fno-lto',
    '-O0',
    ...(color ? ['-fdiagnostics-color=never'] : []),
    '-',
  ];
  const probeSource = probeNames.length > 0 ? preambleSource + probeProgram(probeExprs) : '';
  if (probeNames.length > 0) result.probeCommandLine = [prog, ...probeArgsFor(true)];

  const runOpts = (input: string) => ({ env, cwd, timeoutMs: remaining(), signal: opts.signal, input, maxOutput: 4 << 20 });
  // The compiler's own include directories (`-E -v`, cached per compiler and machine flags) are asked beside the
  // compile, not after it: a header-not-found message lists them, and this way it need not wait for another run.
  const sysDirs = systemIncludeDirs(cc, machine, { env: input.env ?? {}, cwd, timeoutMs: Math.min(remaining(), 5000), signal: opts.signal });
  beside.push(sysDirs);
  // One run for both when it gives what the two runs give (see the header comment and oneRunBlocker).
  let preRun: RunResult | undefined;
  let probeRun: RunResult | null = null;
  result.oneRun = false;
  const blocker =
    probeNames.length === 0
      ? 'no names to probe'
      : input.oneRun === false
        ? 'one run turned off'
        : oneRunBlocker({ family: input.family, isClang, flags: [...cppflags, ...cflags], preambleText });
  if (blocker === null) {
    const merged = await run(prog, preArgs, runOpts(preambleSource + ONE_RUN_SPLIT + probeProgram(probeExprs)));
    if (merged.timedOut || merged.canceled || merged.spawnError) {
      result.commandLine = [prog, ...preArgs];
      result.probeCommandLine = result.commandLine;
      result.oneRun = true;
      preRun = merged;
      probeRun = merged;
    } else if (!merged.memoryLimited && !merged.signal) {
      const split = splitOneRunOutput(merged.stderr);
      const usable = split.ok && (!optimizeMatters([...cppflags, ...cflags]) || !(await headersTestOptimize(merged.stderr, cwd, await sysDirs)));
      if (split.ok && usable) {
        result.oneRun = true;
        result.probeCommandLine = result.commandLine;
        preRun = { ...merged, stderr: split.preamble };
        probeRun = { ...merged, stderr: split.probe };
      }
    }
  }
  if (!preRun) {
    const [a, b] = await Promise.all([
      run(prog, preArgs, runOpts(preambleSource)),
      probeNames.length > 0 ? run(prog, probeArgsFor(true), runOpts(probeSource)) : Promise.resolve(null),
    ]);
    preRun = a;
    probeRun = b;
    if (
      probeRun &&
      !probeRun.timedOut &&
      !probeRun.canceled &&
      probeRun.stderr.includes('unrecognized command line option') &&
      /fdiagnostics-color/.test(probeRun.stderr)
    ) {
      result.probeCommandLine = [prog, ...probeArgsFor(false)];
      probeRun = await run(prog, probeArgsFor(false), runOpts(probeSource));
    }
  }
  for (const r of [preRun, probeRun]) {
    if (r && (r.timedOut || r.canceled || r.spawnError)) {
      handleRunFailure(r, result, importRange, diag, timeoutMs, input);
      for (const n of probeNames) result.kinds[n] = 'unknown';
      return;
    }
  }

  // ---- preamble diagnostics
  const parsed = parseDiagnostics(preRun.stderr);
  const mapper = new Mapper(goFile, segments, lineText, cwd);
  const flagDirs = includeDirsFromFlags([...cppflags, ...cflags], cwd);
  const seen = new Set<string>();
  let preambleHasErrors = false;
  let last: CgoDiagnostic | null = null;
  const included = new Set<string>();
  for (const h of parsed.headers) included.add(path.resolve(cwd, h));
  // What the compiler really opened (-H), before diagnostics add their file names: a `#line` directive can
  // make a diagnostic name any path (/dev/tty, /proc/self/fd/0), and such a name must never be opened.
  const compilerRead = new Set(included);

  let dropped = 0;
  for (const d of parsed.diagnostics) {
    if (result.diagnostics.length >= MAX_COMPILER_DIAGNOSTICS) {
      if (d.severity === 'error' || d.severity === 'fatal') preambleHasErrors = true;
      if (d.severity !== 'note') dropped++;
      continue;
    }
    if (d.severity === 'note') {
      if (last && !/reported only once|each undeclared identifier/.test(d.message)) {
        const noteCount = (last.message.match(/\nnote: /g) ?? []).length;
        if (noteCount < 3) last.message = withDetails(last.message, `note: ${d.message}`);
        const m = /include '<([^>]+)>' or provide a declaration/.exec(d.message);
        if (m && last.data && !last.data.header) {
          // The compiler's note names the header: that is the fix (line 2), the rest stays.
          last.data.header = m[1];
          const parts = splitMessage(last.message);
          last.message = diagnosticMessage({ cause: parts.cause, fix: `add \`#include <${m[1]}>\` to the preamble`, details: parts.details });
        }
      }
      continue;
    }
    if (d.severity === 'remark') continue;
    if (!d.programLevel && d.file && !samePath(d.file, goFile) && !isPseudoFile(d.file)) included.add(path.resolve(cwd, d.file));
    const isErr = d.severity === 'error' || d.severity === 'fatal';
    if (isErr) preambleHasErrors = true;
    const made = await makeDiagnostic(d, { input, mapper, importRange, diag, flagDirs, cwd, remaining, opts, result, machine, goFile, compilerRead });
    if (!made) continue;
    const key = `${made.code}|${made.range.start.line}|${made.range.start.character}|${made.message}`;
    if (seen.has(key)) {
      last = null;
      continue;
    }
    seen.add(key);
    result.diagnostics.push(made);
    last = made;
  }
  const tail = result.diagnostics[result.diagnostics.length - 1];
  if (dropped > 0 && tail) tail.message = withDetails(tail.message, `(${dropped} more compiler messages not shown)`);
  // A compiler that ran out of memory under cgo-ls's bound, or was killed by a signal: never a clean file.
  if (preRun.memoryLimited || probeRun?.memoryLimited) {
    const limit = preRun.memoryLimitBytes ?? probeRun?.memoryLimitBytes ?? 0;
    const out = (preRun.memoryLimited ? preRun.stderr : (probeRun?.stderr ?? ''))
      .split('\n')
      .filter((l) => !/^\.+ /.test(l)) // -H lines
      .join('\n')
      .trim();
    result.diagnostics.push(
      diag(
        importRange,
        'error',
        'cgo/cc-broken',
        {
          cause: 'The C compiler ran out of memory, so the preamble was not checked',
          fix: 'look for an #include of a device or huge file (e.g. "/dev/zero") or a runaway macro in the preamble and its headers',
          details: [`cgo-ls allows ${Math.round(limit / (1 << 20))} MiB per compiler run.`, out && `The compiler's output:\n${truncate(out, 1000)}`],
        },
        { commandLine: result.commandLine, memoryLimitBytes: limit },
      ),
    );
  } else if (preRun.signal && !result.diagnostics.some((d) => d.code === 'cgo/cc-broken')) {
    const out = preRun.stderr.trim() || preRun.stdout.trim();
    result.diagnostics.push(
      diag(
        importRange,
        'error',
        'cgo/cc-broken',
        {
          cause: `The C compiler ${baseName(prog)} was killed by ${preRun.signal}, so the preamble was not checked`,
          fix: `check that \`${prog}\` works (a crash, or something on this machine killing it: the OOM killer, a sandbox)`,
          details: [
            `The C compiler ${prog} was killed by ${preRun.signal} while compiling the preamble.`,
            out && `The compiler's output:\n${truncate(out, 2000)}`,
          ],
        },
        { commandLine: result.commandLine, signal: preRun.signal },
      ),
    );
  }
  // A compiler that failed without saying anything we could parse.
  else if (preRun.exitCode !== 0 && !preambleHasErrors && parsed.diagnostics.length === 0 && !probeRun) {
    const out = preRun.stderr.trim() || preRun.stdout.trim();
    result.diagnostics.push(
      diag(
        importRange,
        'error',
        'cgo/cc-broken',
        {
          cause: `The C compiler ${baseName(prog)} ${preRun.signal ? `crashed (killed by ${preRun.signal})` : `failed (exit status ${preRun.exitCode})`} without a diagnostic we can place`,
          fix: `check that \`${prog}\` is a working gcc- or clang-compatible compiler`,
          details: out && `The compiler's output:\n${truncate(out, 2000)}`,
        },
        { commandLine: result.commandLine },
      ),
    );
  }
  result.includedFiles = [...included];

  // ---- kinds
  if (probeRun) {
    const { masks, completed } = scanProbeOutput(probeRun.stderr, probeNames.length);
    if (!completed) {
      for (const n of probeNames) result.kinds[n] = 'unknown';
      if (!preambleHasErrors && !result.diagnostics.some((d) => d.code === 'cgo/cc-broken')) {
        const crashed = probeRun.signal ?? preRun.signal;
        const what = (cc: string) =>
          crashed
            ? `${cc} crashed (killed by ${crashed}) while compiling the preamble`
            : probeRun.stderr.trim() === ''
              ? `${cc} produced no output`
              : `${cc} did not produce error at completed:1`;
        result.diagnostics.push(
          diag(
            importRange,
            'error',
            'cgo/cc-broken',
            {
              cause: `cgo: ${what(baseName(prog))}`,
              fix: 'point CC at gcc or clang (MSVC cl.exe is not supported)',
              details: [
                `cgo: ${what(prog)}`,
                'cmd/cgo needs a gcc- or clang-compatible compiler that reports errors as file:line:col: error:.',
                probeRun.stderr.trim() && `full error output:\n${truncate(probeRun.stderr.trim(), 2000)}`,
              ],
            },
            { commandLine: result.probeCommandLine, stderr: truncate(probeRun.stderr, 8000) },
          ),
        );
      }
    } else {
      const declared = preambleIdentifiers(preambleText);
      const resolved: string[] = [];
      probeNames.forEach((n, i) => {
        const k = kindFromMask(masks[i]!);
        result.kinds[n] = k;
        if (k !== 'unknown') resolved.push(n);
      });
      for (const n of [...probeNames.filter((n) => result.kinds[n] === 'unknown'), ...invalidNames]) {
        result.diagnostics.push(
          unresolvedDiagnostic(n, firstUse.get(n)!, { goMinor, preambleText, declared, resolved, preambleHasErrors, goos: input.goos, diag }),
        );
      }
    }
  } else {
    for (const n of invalidNames) {
      const declared = preambleIdentifiers(preambleText);
      result.diagnostics.push(
        unresolvedDiagnostic(n, firstUse.get(n)!, { goMinor, preambleText, declared, resolved: [], preambleHasErrors, goos: input.goos, diag }),
      );
    }
  }
}

// ---- one run for the preamble and the probe
//
// The one run compiles the preamble run's text with the preamble run's command line, followed by a split line and
// cmd/cgo's probe program. Its stderr is cut at the split line: what comes before is exactly what the preamble run
// prints (the compiler reads the input in order; the probe and the split line come after the preamble), and the
// whole output with the split line's error and every warning (with its notes) taken out is what the probe run
// prints under `-w`. That holds only under conditions checked before (oneRunBlocker) and after (splitOneRunOutput):
//  - gcc only: clang's probe needs `-ferror-limit=0` and other flags that would change the preamble run's output;
//  - no user flag that changes what is an error or how many are printed (-Werror…, -pedantic-errors,
//    -Wfatal-errors, -fmax-errors=…) or the output's format (-fdiagnostics-…, -fmessage-length=…): the probe
//    runs with `-w -Wno-error`;
//  - no error that is a promoted warning (`[-Werror=…]`, e.g. from `#pragma GCC diagnostic error` in a header):
//    `-w` drops those in the probe run;
//  - the split line's own error appears, exactly once and as a top-level declaration's: the preamble ends closed
//    (no open `{`, `#if`, comment or declaration whose error would land on the probe's lines);
//  - nothing follows the probe's `completed:1` error: the diagnostics gcc gives at the end of the translation unit
//    (`'f' declared 'static' but never defined`, which the probe's use of f turns into `used but never
//    defined`; `array 'a' assumed to have one element`) would come out differently or elsewhere;
//  - the optimization level: the probe runs at -O0 without the user's -O, the preamble run with it. Under
//    -fsyntax-only and the front end the level changes nothing but the macros __OPTIMIZE__, __OPTIMIZE_SIZE__
//    and __NO_INLINE__ (and what _FORTIFY_SOURCE does with them). When the user's last -O is not -O0, the
//    preamble text and every header the run read outside the compiler's own include directories must not name
//    them; the C library's headers only choose between inline and plain declarations of the same functions
//    with them, which changes no verdict of the probe (declared, type, constant).
// When a condition fails, the two runs are made as before (the one run's output is discarded).

/** The text between the preamble and the probe program in the one run. */
export const ONE_RUN_SPLIT_FILE = 'cgo-ls-split';
export const ONE_RUN_SPLIT = `#line 1 "${ONE_RUN_SPLIT_FILE}"\n_Static_assert(0, "${ONE_RUN_SPLIT_FILE}");\nint __cgo_ls_split__ = __cgo_ls_split_undeclared__;\n`;
/** The split lines' errors: the assertion (no declaration can go on into it) and a top-level declaration's. */
const SPLIT_ERRORS = [
  /^cgo-ls-split:1:\d+: error: static assertion failed: "cgo-ls-split"$/,
  /^cgo-ls-split:2:\d+: error: [\u2018'`"]__cgo_ls_split_undeclared__[\u2019'"] undeclared here \(not in a function\)$/,
];
/** A syntax error whose message names the split line's first token: the preamble did not end where it should. */
const SPLIT_LOOKAHEAD = /before [\u2018'`"]_Static_assert[\u2019'"]/;
const OPTIMIZE_MACROS = /__OPTIMIZE__|__OPTIMIZE_SIZE__|__NO_INLINE__|_FORTIFY_SOURCE/;

/** Why one run cannot give both results for these flags and this preamble, or null when it can (so far). */
export function oneRunBlocker(c: { family: string; isClang: boolean; flags: string[]; preambleText: string }): string | null {
  if (c.family !== 'gcc' || c.isClang) return 'not gcc';
  for (const f of c.flags) {
    if (/^-Werror($|=|-)/.test(f)) return `${f} makes warnings errors`;
    if (f === '-pedantic-errors' || f === '--pedantic-errors') return `${f} makes warnings errors`;
    if (f === '-Wfatal-errors' || /^-fmax-errors/.test(f) || /^-ferror-limit/.test(f)) return `${f} limits the errors printed`;
    if (/^-fdiagnostics-|^-fmessage-length|^-fno-diagnostics-|^-fpermissive$|^-Wsystem-headers$/.test(f)) return `${f} changes the messages`;
  }
  if (optimizeMatters(c.flags) && OPTIMIZE_MACROS.test(c.preambleText)) return 'the preamble tests the optimization level';
  return null;
}

/** The user's flags set an optimization level other than -O0 (the last -O wins). */
export function optimizeMatters(flags: string[]): boolean {
  let last: string | null = null;
  for (const f of flags) if (f.startsWith('-O')) last = f;
  return last !== null && last !== '-O0';
}

/**
 * The one run's stderr cut into what the preamble run and the probe run print, or ok: false (with why) when the
 * output shows that one run does not give what the two runs give.
 */
export function splitOneRunOutput(stderr: string): { ok: true; preamble: string; probe: string } | { ok: false; reason: string } {
  const lines = stderr.split('\n');
  let split = -1;
  const seen = SPLIT_ERRORS.map(() => 0);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/: error: .*\[-Werror/.test(l) || /some warnings being treated as errors/.test(l)) return { ok: false, reason: 'a warning is made an error' };
    if (SPLIT_LOOKAHEAD.test(l)) return { ok: false, reason: 'the preamble does not end closed' };
    if (!l.startsWith(ONE_RUN_SPLIT_FILE + ':')) continue;
    if (split < 0) split = i;
    if (l === `${ONE_RUN_SPLIT_FILE}: At top level:` || /^cgo-ls-split:\d+:\d+: (warning|note): /.test(l)) continue;
    const k = SPLIT_ERRORS.findIndex((re) => re.test(l));
    if (k < 0) return { ok: false, reason: 'the preamble does not end closed' };
    seen[k]!++;
  }
  if (split >= 0 && seen.some((n) => n !== 1)) return { ok: false, reason: 'the preamble does not end closed' };
  if (split < 0) {
    // A fatal error (a missing header) in the preamble stops the compiler before the split line in all runs alike.
    // Only a located one: a program-level fatal error (`cc1: fatal error: …`) may come from a flag the probe's
    // command line does not have.
    const fatal = lines.findIndex((l) => /^[^\s].*?:\d+:\d+: fatal error: /.test(l));
    if (fatal >= 0 && !PROBE_FILES.some((f) => lines[fatal]!.startsWith(f + ':'))) {
      return { ok: true, preamble: stderr, probe: probeView(lines) };
    }
    return { ok: false, reason: 'the split line was not reached' };
  }
  let completed = -1;
  for (let i = lines.length - 1; i > split; i--) {
    if (/^completed:1:\d+: error: /.test(lines[i]!)) {
      completed = i;
      break;
    }
  }
  if (completed < 0) return { ok: false, reason: 'the probe did not complete' };
  // -H ends with its "Multiple include guards may be useful for:" list, which belongs to the preamble run's output.
  let trailer: string[] = [];
  for (let i = completed + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === H_TRAILER) {
      trailer = lines.slice(i);
      break;
    }
    if (l === '' || /^\s/.test(l) || /^completed:1:\d+: note: /.test(l)) continue;
    return { ok: false, reason: 'diagnostics at the end of the translation unit' };
  }
  const preamble = [...lines.slice(0, split).filter((l) => !l.startsWith(ONE_RUN_SPLIT_FILE + ':')), ...trailer];
  const rest = lines.filter((l) => !l.startsWith(ONE_RUN_SPLIT_FILE + ':'));
  return { ok: true, preamble: preamble.join('\n'), probe: probeView(rest) };
}

const H_TRAILER = 'Multiple include guards may be useful for:';
const PROBE_FILES = ['not-declared', 'not-type', 'not-int-const', 'not-num-const', 'not-str-lit', 'completed'];

/** The output without warnings and their notes: what the probe's `-w` leaves of it. */
function probeView(lines: string[]): string {
  const out: string[] = [];
  let inWarning = false;
  for (const l of lines) {
    if (l.includes(': error:') || l.includes(': fatal error:')) inWarning = false;
    else if (l.includes(': warning:')) {
      inWarning = true;
      continue;
    } else if (inWarning && l.includes(': note:')) continue;
    out.push(l);
  }
  return out.join('\n');
}

/** Some header the run read (-H), outside the compiler's own include directories, names an optimization macro. */
async function headersTestOptimize(stderr: string, cwd: string, sysDirs: string[]): Promise<boolean> {
  const { headers } = parseDiagnostics(stderr);
  const sys = sysDirs.map((d) => path.resolve(d));
  for (const h of headers) {
    const abs = path.resolve(cwd, h);
    if (sys.some((d) => abs.startsWith(d.endsWith(path.sep) ? d : d + path.sep))) continue;
    try {
      const fh = await fsp.open(abs, fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0));
      try {
        const st = await fh.stat();
        if (!st.isFile()) return true;
        const buf = Buffer.alloc(Math.min(MAX_HEADER_READ, st.size));
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        if (st.size > MAX_HEADER_READ || OPTIMIZE_MACROS.test(buf.subarray(0, bytesRead).toString('latin1'))) return true;
      } finally {
        await fh.close().catch(() => undefined);
      }
    } catch {
      return true;
    }
  }
  return false;
}

type DiagFn = (range: Range, severity: CgoDiagnostic['severity'], code: string, message: MessageParts, data?: Record<string, unknown>) => CgoDiagnostic;

function existingDir(d: unknown): string | null {
  if (typeof d !== 'string' || d === '') return null;
  try {
    return statSync(d).isDirectory() ? d : null;
  } catch {
    return null;
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n) + `\n… (${s.length - n} more characters)`;
}

function isPseudoFile(f: string): boolean {
  return (
    f === 'cgo-builtin-prolog' ||
    f === 'cgo-generated-wrapper' ||
    f === '<stdin>' ||
    f === '<command-line>' ||
    f === '<built-in>' ||
    f === 'not-declared' ||
    f === 'not-type' ||
    f === 'not-int-const' ||
    f === 'not-num-const' ||
    f === 'not-str-lit' ||
    f === 'completed'
  );
}

function handleRunFailure(r: RunResult, result: PreambleResult, importRange: Range, diag: DiagFn, timeoutMs: number, input: PreambleInput): void {
  const cmd = [r.command, ...r.args];
  if (r.canceled) {
    result.canceled = true;
    return;
  }
  if (r.timedOut) {
    result.timedOut = true;
    result.diagnostics = [
      diag(
        importRange,
        'warning',
        'cgo/compiler-timeout',
        {
          cause: `The C compiler did not finish within ${timeoutMs} ms, so this preamble was not checked`,
          fix: 'if the compiler is just slow (large headers, a cold cache), raise the setting cgo.compilerTimeoutMs; if it hangs, check CC',
          details: ['The compiler was stopped.', `Command: ${cmd.map(shellQuote).join(' ')}`],
        },
        { commandLine: cmd, timeoutMs, setting: 'cgo.compilerTimeoutMs' },
      ),
    ];
    return;
  }
  result.diagnostics = [
    diag(
      importRange,
      'error',
      'cgo/cc-broken',
      {
        cause: `The C compiler ${baseName(r.command)} could not be started${spawnReason(r.spawnError)}`,
        fix: `install ${input.cc[0]} or set CC to a working gcc/clang`,
        details: [`The C compiler could not be started: ${r.spawnError ?? 'unknown error'}`, `Command: ${cmd.map(shellQuote).join(' ')}`],
      },
      { commandLine: cmd },
    ),
  ];
}

/** Why a program could not be started, in a few words for a first line ("" when the error says nothing known). */
function spawnReason(err: string | undefined): string {
  if (!err) return '';
  if (/executable file not found|ENOENT/.test(err)) return ' (not found)';
  if (/EACCES/.test(err)) return ' (permission denied)';
  if (/ENOEXEC|exec format error/i.test(err)) return ' (not a program this machine can run)';
  return '';
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Maps compiler locations in the .go file (via the #line directives) to engine ranges. */
class Mapper {
  constructor(
    readonly goFile: string,
    readonly segments: Segment[],
    readonly lineText: (l: number) => string,
    readonly cwd: string,
  ) {}

  isGoFile(f: string): boolean {
    return samePath(path.resolve(this.cwd, f), this.goFile);
  }

  /** The preamble line for a compiler line number in the .go file. */
  lineFor(compilerLine: number): { text: string; goLine: number; goCol: number } | null {
    let best: { text: string; goLine: number; goCol: number } | null = null;
    for (const s of this.segments) {
      const k = compilerLine - s.start;
      if (k >= 0 && k < s.lines.length) best = s.lines[k]!;
    }
    if (best) return best;
    // A line just past a segment (cmd/cgo's trailing newline): clamp to the segment's last line.
    for (const s of this.segments) {
      const k = compilerLine - s.start;
      if (k >= s.lines.length && k <= s.lines.length + 1 && s.lines.length > 0) return s.lines[s.lines.length - 1]!;
    }
    return null;
  }

  /** Range of the token at compiler (line, byte col) — or of the whole preamble line when col is 0. */
  rangeAt(compilerLine: number, col: number): Range | null {
    const pl = this.lineFor(compilerLine);
    if (!pl) return null;
    const goText = this.lineText(pl.goLine);
    const textEnd = pl.goCol + pl.text.length;
    if (col <= 0) {
      const lead = pl.text.length - pl.text.trimStart().length;
      return { start: { line: pl.goLine, character: pl.goCol + lead }, end: { line: pl.goLine, character: Math.max(pl.goCol + lead + 1, textEnd) } };
    }
    const start = pl.goCol + Math.min(byteColumnToUtf16(pl.text, col), pl.text.length);
    const src = goText.length >= textEnd ? goText : ' '.repeat(pl.goCol) + pl.text;
    let end = start;
    const ch = src[start];
    if (ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch)) {
      while (end < src.length && /[\p{L}\p{N}_$]/u.test(src[end]!)) end++;
    } else if (ch === '<' || ch === '"') {
      const close = src.indexOf(ch === '<' ? '>' : '"', start + 1);
      end = close > start ? close + 1 : Math.min(src.length, textEnd);
    } else {
      end = start + 1;
    }
    return { start: { line: pl.goLine, character: start }, end: { line: pl.goLine, character: Math.max(start + 1, end) } };
  }

  /** Range of the `#include` directive on a preamble line (for errors inside included headers). */
  includeRange(compilerLine: number): Range | null {
    const pl = this.lineFor(compilerLine);
    if (!pl) return null;
    const hash = pl.text.indexOf('#');
    const s = pl.goCol + (hash >= 0 ? hash : pl.text.length - pl.text.trimStart().length);
    return { start: { line: pl.goLine, character: s }, end: { line: pl.goLine, character: Math.max(s + 1, pl.goCol + pl.text.trimEnd().length) } };
  }

  textAt(compilerLine: number): string {
    return this.lineFor(compilerLine)?.text ?? '';
  }
}

interface MakeCtx {
  input: PreambleInput;
  mapper: Mapper;
  importRange: Range;
  diag: DiagFn;
  flagDirs: { quote: string[]; angle: string[] };
  cwd: string;
  remaining: () => number;
  opts: RunOpts;
  result: PreambleResult;
  machine: string[];
  goFile: string;
  /** Absolute paths of the files the compiler reported opening (-H). */
  compilerRead: Set<string>;
}

const MISSING_HEADER = /^(?:([^:]+): No such file or directory|'([^']+)' file not found|cannot open source file "([^"]+)")/;

async function makeDiagnostic(d: CcDiagnostic, ctx: MakeCtx): Promise<CgoDiagnostic | null> {
  const { mapper, diag, importRange } = ctx;
  const isErr = d.severity === 'error' || d.severity === 'fatal';
  const sevWord = d.severity === 'fatal' ? 'fatal error' : d.severity;
  const severity: CgoDiagnostic['severity'] = isErr ? 'error' : 'warning';

  // Where is it?
  let range: Range | null = null;
  let lineTextC = '';
  // For a finding inside an included header: where it is, verbatim ("In inner.h:1:5 (included via outer.h:1)").
  let headerWhere = '';
  let inHeader: { file: string; line: number; col: number } | null = null;
  if (!d.programLevel && mapper.isGoFile(d.file)) {
    range = mapper.rangeAt(d.line, d.col);
    lineTextC = mapper.textAt(d.line);
  } else if (!d.programLevel && d.includeChain.length > 0 && mapper.isGoFile(d.includeChain[0]!.file)) {
    range = mapper.includeRange(d.includeChain[0]!.line);
    lineTextC = mapper.textAt(d.includeChain[0]!.line);
    inHeader = { file: d.file, line: d.line, col: d.col };
    const via = d.includeChain.slice(1).map((s) => `${s.file}:${s.line}`);
    headerWhere = `In ${d.file}:${d.line}${d.col ? ':' + d.col : ''}${via.length ? ` (included via ${via.join(' → ')})` : ''}`;
  }
  // The compiler's own words (the location is the diagnostic's range, or `headerWhere`).
  const compilerText = `${headerWhere ? headerWhere + ': ' : ''}${sevWord}: ${d.message}`;

  const missing = MISSING_HEADER.exec(d.message);
  const header = missing ? (missing[1] ?? missing[2] ?? missing[3] ?? '').trim() : null;

  // Rejected command-line flags (program-level): e.g. `gcc: error: unrecognized command-line option '-m64'`.
  if (d.programLevel || d.file === '<command-line>' || d.file === 'cgo-builtin-prolog' || d.file === 'cgo-generated-wrapper' || !range) {
    const flagM = /unrecognized command[- ]line option '([^']+)'|unknown argument:? '([^']+)'|unsupported option '([^']+)'|unrecognized option '([^']+)'/.exec(
      d.message,
    );
    const verbatim = `${d.file}${d.line ? ':' + d.line : ''}${d.col ? ':' + d.col : ''}: ${sevWord}: ${d.message}`;
    if (flagM && isErr) {
      const flag = flagM[1] ?? flagM[2] ?? flagM[3] ?? flagM[4] ?? '';
      const fromCgo = ctx.machine.includes(flag);
      const { goos, goarch } = ctx.input;
      const parts: MessageParts = fromCgo
        ? {
            cause: `The C compiler rejects ${short(flag, 20)}, which cgo adds for GOARCH=${goarch}`,
            fix: `set CC to a C compiler for ${goos}/${goarch} (a cross compiler), or build for the native GOARCH`,
            details: [verbatim, `cgo adds ${flag} for GOARCH=${goarch}, and this compiler cannot target it.`],
          }
        : {
            cause: `The C compiler rejects the flag ${short(flag)}`,
            fix: 'remove it from where it comes from (CGO_CPPFLAGS/CGO_CFLAGS, a #cgo directive or pkg-config), or use a compiler that accepts it',
            details: verbatim,
          };
      return diag(importRange, 'error', 'cgo/cc-rejected-flag', parts, { flag, fromCgo });
    }
    if (header !== null && isErr) {
      return headerNotFound(header, importRange, verbatim, false, ctx, d.file === 'cgo-builtin-prolog');
    }
    if (!isErr && d.severity !== 'warning') return null;
    const code = isErr ? 'cgo/c-error' : 'cgo/c-warning';
    const data = { compilerFile: d.file, compilerLine: d.line };
    if (d.file === 'cgo-generated-wrapper') {
      const parts: MessageParts = {
        cause: compilerCause(`C ${sevWord} after the end of the preamble: `, d.message, ''),
        fix: 'close what the preamble leaves open: a `{`, a `#if` without `#endif`, or a declaration without `;`',
        details: [`after the end of the preamble: ${sevWord}: ${d.message}`, 'This usually means something in the preamble is not closed.'],
      };
      return diag(importRange, severity, code, parts, data);
    }
    if (d.file === 'cgo-builtin-prolog') {
      const parts: MessageParts = {
        cause: compilerCause(`C ${sevWord} in cgo's builtin prolog: `, d.message, ''),
        fix: 'repair the C compiler installation or the flags (CC, CGO_CFLAGS, #cgo CFLAGS)',
        details: [
          `in cgo's builtin prolog (cgo-builtin-prolog): ${sevWord}: ${d.message}`,
          'The C compiler cannot compile the code cgo puts before every preamble; the compiler installation or the flags are broken.',
        ],
      };
      return diag(importRange, severity, code, parts, data);
    }
    const parts: MessageParts = {
      cause: compilerCause(`C ${sevWord}: `, d.message, `in ${baseName(d.file)}`),
      fix: isErr
        ? 'fix the C code or the flags the compiler names (go build fails the same way)'
        : 'fix the C code or the flags the compiler names (go build prints this warning)',
      details: verbatim,
    };
    return diag(importRange, severity, code, parts, data);
  }

  // Missing header.
  if (header !== null && isErr) {
    const quoted = /#\s*include\s*"/.test(inHeader ? '' : lineTextC);
    return headerNotFound(header, range, compilerText, quoted, ctx, false, inHeader?.file);
  }

  // C++ in a C preamble.
  if (isErr && (CXX_LINE.test(lineTextC) || (inHeader && (await headerLooksCxx(inHeader.file, inHeader.line, ctx))))) {
    return cxxDiagnostic(range, compilerText, diag, inHeader?.file);
  }

  // Implicit declarations: add the header.
  const where = inHeader ? `C ${sevWord} in ${baseName(inHeader.file)}: ` : `C ${sevWord}: `;
  let fix = inHeader
    ? `fix the C code in ${baseName(inHeader.file)}, or what the preamble defines before including it`
    : isErr
      ? 'fix the C code; go build stops with this error when it compiles the preamble'
      : 'fix the C code; go build prints this warning when it compiles the preamble';
  const details: string[] = [compilerText];
  let hdr: string | undefined;
  const impl =
    /implicit declaration of (?:built-in )?function '([^']+)'|call to undeclared (?:library )?function '([^']+)'|'([^']+)' undeclared|use of undeclared identifier '([^']+)'/.exec(
      d.message,
    );
  if (impl) {
    const sym = impl[1] ?? impl[2] ?? impl[3] ?? impl[4] ?? '';
    const h = headerForSymbol(sym);
    if (h) {
      hdr = h.header;
      fix = `add \`#include <${h.header}>\` to the preamble`;
      details.push(`${sym} is declared in <${h.header}>.`);
    } else if (!inHeader) {
      fix = `declare ${sym} in the preamble or #include the header that declares it (check the spelling)`;
    }
  }
  const code = isErr ? 'cgo/c-error' : 'cgo/c-warning';
  const data: Record<string, unknown> = { compilerMessage: d.message };
  if (hdr) data.header = hdr;
  if (inHeader) data.headerLocation = inHeader;
  return diag(range, severity, code, { cause: compilerCause(where, d.message, inHeader ? '' : 'in the preamble'), fix, details }, data);
}

async function headerLooksCxx(file: string, line: number, ctx: MakeCtx): Promise<boolean> {
  if (/\.(hpp|hh|hxx|h\+\+)$/i.test(file)) return true;
  const abs = path.resolve(ctx.cwd, file);
  const text = await readCompilerFileLine(abs, line, { files: ctx.compilerRead, dirs: [ctx.cwd, ...ctx.flagDirs.quote, ...ctx.flagDirs.angle] });
  return text !== null && CXX_LINE.test(text);
}

/** The most of a header that is read to look at one line of it. */
export const MAX_HEADER_READ = 1 << 20;

/**
 * Line `line` (1-based) of a file named in compiler output, or null. Compiler output names files through
 * `#line` too, which can say anything (`/dev/tty`, `/dev/stdin`, `/proc/self/fd/4`), so the file is read only
 * when all of these hold: the compiler reported opening it (-H) or it lies (after symlinks) inside the package
 * directory or an include directory of the compile; it is a regular file (checked on the open handle, opened
 * non-blocking so a FIFO swapped in cannot hang); and at most MAX_HEADER_READ bytes are read — asynchronously.
 */
export async function readCompilerFileLine(abs: string, line: number, allowed: { files: Set<string>; dirs: string[] }): Promise<string | null> {
  if (!path.isAbsolute(abs) || line < 1) return null;
  let real: string;
  try {
    real = await fsp.realpath(abs);
  } catch {
    return null;
  }
  const inside = async (dir: string) => {
    try {
      const d = await fsp.realpath(dir);
      return real === d || real.startsWith(d.endsWith(path.sep) ? d : d + path.sep);
    } catch {
      return false;
    }
  };
  let ok = allowed.files.has(abs) || allowed.files.has(real);
  for (const d of allowed.dirs) if (!ok && (await inside(d))) ok = true;
  if (!ok) return null;
  let fh: Awaited<ReturnType<typeof fsp.open>> | undefined;
  try {
    const st = await fsp.stat(real);
    if (!st.isFile()) return null;
    fh = await fsp.open(real, fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0));
    const st2 = await fh.stat();
    if (!st2.isFile()) return null;
    const buf = Buffer.alloc(Math.min(MAX_HEADER_READ, st2.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8').split('\n')[line - 1] ?? null;
  } catch {
    return null;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function cxxDiagnostic(range: Range, compilerText: string, diag: DiagFn, header?: string): CgoDiagnostic {
  return diag(
    range,
    'error',
    'cgo/cxx-in-c-preamble',
    {
      cause: header ? `${baseName(header)} is C++, but cgo compiles the preamble as C` : 'C++ in the preamble, but cgo compiles the preamble as C',
      fix:
        'put the C++ code in a .cpp file in the package, expose it through a C header with `extern "C"` declarations ' +
        '(wrapped in `#ifdef __cplusplus`), and #include only that C header in the preamble; add `#cgo LDFLAGS: -lstdc++` if needed',
      details: [compilerText, `This is C++${header ? ` (in ${header})` : ''}, but cgo compiles the preamble as C (-xc), so C++ headers and syntax fail here.`],
    },
    header ? { header } : {},
  );
}

async function headerNotFound(
  header: string,
  range: Range,
  compilerText: string,
  quoted: boolean,
  ctx: MakeCtx,
  fromProlog: boolean,
  includingHeader?: string,
): Promise<CgoDiagnostic> {
  const { diag } = ctx;
  const base = header.split('/').pop() ?? header;
  if (CXX_HEADERS.has(header) || /\.(hpp|hh|hxx)$/.test(header)) return cxxDiagnostic(range, compilerText, diag, header);
  const sys = await systemIncludeDirs(ctx.input.cc, ctx.machine, {
    env: ctx.input.env ?? {},
    cwd: ctx.cwd,
    timeoutMs: Math.min(ctx.remaining(), 5000),
    signal: ctx.opts.signal,
  });
  const searched = [...(quoted ? [ctx.cwd, ...ctx.flagDirs.quote] : []), ...ctx.flagDirs.angle, ...sys];
  const uniq = [...new Set(searched)];
  for (const d of uniq) ctx.result.missingHeaderCandidates.push(path.join(d, header));
  const userDirs = [...new Set([...(quoted ? ctx.flagDirs.quote : []), ...ctx.flagDirs.angle])];
  const from = fromProlog ? "cgo's builtin prolog" : includingHeader ? baseName(includingHeader) : 'the preamble';
  let cause = `${short(header, 50)} not found (included from ${from})`;
  let fix: string;
  let why: string | undefined;
  const os = ctx.input.os;
  if (LIBC_HEADERS.has(header) || fromProlog) {
    const h = packageManagerHint('libc', os);
    why = `<${header}> is part of the C library's development files, which are missing for this compiler.`;
    fix = `install the C library's development files${h ? ` (\`${h.command}\`)` : ' (build-essential / libc6-dev, musl-dev on Alpine, Xcode command line tools on macOS)'} or use a complete toolchain`;
  } else if (HEADER_PACKAGES[header]) {
    const pkg = HEADER_PACKAGES[header];
    const h = packageManagerHint(pkg, os);
    fix = `install the development files that provide ${header}${h ? ` (\`${h.command}\`)` : ` (pkg-config module ${pkg})`}, or add \`#cgo CFLAGS: -I<dir>\` / \`#cgo pkg-config: ${pkg}\``;
  } else if (ctx.input.goos === 'windows' ? false : /^(windows|winsock2|ws2tcpip|shlobj|objbase|tchar)\.h$/i.test(base)) {
    cause = `${short(header, 50)} is a Windows header, but this file is compiled for GOOS=${ctx.input.goos}`;
    why = `<${header}> is a Windows header, but this file is compiled for GOOS=${ctx.input.goos}.`;
    fix = 'guard the code with a build constraint (//go:build windows) or a *_windows.go file name';
  } else {
    fix = `install the development package that provides ${header}, or add its directory with \`#cgo CFLAGS: -I\${SRCDIR}/<dir>\` (or CGO_CFLAGS)`;
  }
  const searchedText =
    userDirs.length > 0
      ? `-I directories searched: ${userDirs.join(', ')}`
      : 'No -I directories are set (only the compiler default directories were searched).';
  return diag(
    range,
    'error',
    'cgo/header-not-found',
    { cause, fix, details: [compilerText, why, searchedText] },
    {
      header,
      quoted,
      includeDirs: userDirs,
      searchedDirs: uniq,
      includedFrom: includingHeader,
    },
  );
}

function unresolvedDiagnostic(
  name: string,
  range: Range,
  c: { goMinor: number; preambleText: string; declared: Set<string>; resolved: string[]; preambleHasErrors: boolean; goos: string; diag: DiagFn },
): CgoDiagnostic {
  // cmd/cgo's own words (go build prints them) open the details.
  const details: string[] = [unresolvedNameMessage(name, c.goMinor)];
  const data: Record<string, unknown> = { name };
  const h = headerForSymbol(name);
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fnMacro = new RegExp(`#\\s*define\\s+${esc}\\(`).test(c.preambleText);
  const shown = `C.${short(name, 40)}`;
  let cause = `${shown} is declared nowhere the preamble includes`;
  let fix = 'declare it in the preamble or #include the header that declares it (check the spelling and any #ifdef around it)';
  if (fnMacro) {
    cause = `${shown} is a function-like macro; cgo cannot use macros that take arguments`;
    fix = 'wrap it in a static inline C function in the preamble and call that';
  } else if (h) {
    data.header = h.header;
    const includes = new RegExp(`#\\s*include\\s*[<"]${h.header.replace(/[.]/g, '\\.')}[>"]`).test(c.preambleText);
    if (h.std === 'windows' && c.goos !== 'windows') {
      cause = `${shown} is a Windows API, but this file is compiled for GOOS=${c.goos}`;
      fix = 'restrict the file to Windows (//go:build windows)';
      details.push(`${name} is a Windows API (<${h.header}>), but this file is compiled for GOOS=${c.goos}.`);
    } else if (includes) {
      cause = `${shown} is not declared, although the preamble includes <${h.header}>`;
      fix = `look for a feature macro or #ifdef in <${h.header}> that hides it (define the macro before the #include), or for its absence on GOOS=${c.goos}`;
      details.push(
        `${name} should come from <${h.header}>, which the preamble includes; it may be hidden by a feature macro or #ifdef, or be missing on GOOS=${c.goos}.`,
      );
    } else {
      fix = `add \`#include <${h.header}>\` to the preamble`;
      details.push(`${name} is declared in <${h.header}>.`);
    }
  }
  if (!fnMacro && !h) {
    const candidates = [...BUILTIN_FUNCS, ...BUILTIN_TYPES, ...c.resolved, ...c.declared, ...knownSymbols()];
    const s = suggestName(name, candidates);
    if (s) {
      data.suggestion = s;
      const sh = headerForSymbol(s);
      const where = sh && !c.declared.has(s) ? ` (declared in <${sh.header}>)` : '';
      fix = `use C.${s}${where} if that is what you meant; otherwise declare C.${name} in the preamble or #include the header that declares it`;
    }
  }
  if (c.preambleHasErrors) {
    fix = `fix the preamble's C errors first (they can hide the declaration); then ${fix}`;
    details.push('The preamble itself has C errors (reported on the preamble); fix those first.');
  }
  return c.diag(range, 'error', 'cgo/unresolved-name', { cause, fix, details }, data);
}

/** A scheduler job for compilePreamble (the results are cached by the compile service, not here). */
export function preambleJob(input: PreambleInput, timeoutMs: number): { run: (signal: AbortSignal) => Promise<PreambleResult> } {
  return { run: (signal) => compilePreamble(input, { timeoutMs, signal }) };
}
