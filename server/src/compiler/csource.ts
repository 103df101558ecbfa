// The package's own C sources (.c, .cc/.cpp/.cxx, .S/.s, .m): the go command compiles each with the package's
// merged flags (CGO_CPPFLAGS + #cgo CPPFLAGS + pkg-config --cflags, then CGO_CFLAGS + #cgo CFLAGS, or CXXFLAGS
// for C++), and a failure there fails `go build` with `escape.c:1: fatal error: …`. This runs the same compiler
// with the same flags (-fsyntax-only; assembler sources are only preprocessed) and maps its findings onto the file.
import path from 'node:path';
import type { BuildContext } from '../gomodel/types.js';
import type { CgoDiagnostic, Range } from '../core/types.js';
import { fileNameMatches, evalExpr, parseGoBuildExpr } from '../gomodel/constraint.js';
import { parseDiagnostics } from './diagparse.js';
import { makeDiagnostic, short } from '../core/message.js';
import { baseName, compilerCause } from './ccmessage.js';
import { compilerEnv, DEV_NULL, gccMachine } from './ccinfo.js';
import { run } from '../util/proc.js';

/** Extensions of the C-family sources cmd/go compiles in a cgo package, and the language of each. */
export const C_SOURCE_EXTS: Record<string, 'c' | 'c++' | 'asm' | 'objc'> = {
  '.c': 'c',
  '.cc': 'c++',
  '.cpp': 'c++',
  '.cxx': 'c++',
  '.S': 'asm',
  '.sx': 'asm',
  '.m': 'objc',
};

export function cSourceLanguage(file: string): 'c' | 'c++' | 'asm' | 'objc' | null {
  return C_SOURCE_EXTS[path.extname(file)] ?? null;
}

/**
 * Whether go/build builds this C source for `ctx`: its file name (`_windows.c`, `_arm64.S`) and a `//go:build`
 * line in its leading comments (go/build reads constraints from every source file, not only .go files).
 */
export function cSourceIncluded(file: string, text: string, ctx: BuildContext): boolean {
  const base = path.basename(file);
  if (base.startsWith('.') || base.startsWith('_')) return false;
  if (!fileNameMatches(base, ctx)) return false;
  for (const raw of text.split('\n').slice(0, 200)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('//')) break;
    const m = /^\/\/go:build\s+(.*)$/.exec(line);
    if (m) {
      try {
        return evalExpr(parseGoBuildExpr(m[1]!), ctx);
      } catch {
        return false; // go/build: a malformed constraint excludes the file (and reports it)
      }
    }
  }
  return true;
}

export interface CSourceInput {
  file: string;
  cc: string[];
  cppflags: string[];
  /** CFLAGS for C and assembler, CXXFLAGS for C++ (already allow-list-checked). */
  flags: string[];
  goos: string;
  goarch: string;
  env: NodeJS.ProcessEnv;
}

export interface CSourceResult {
  diagnostics: CgoDiagnostic[];
  /** Headers the compile read (gcc -H), to know when the result goes stale. */
  includedFiles: string[];
  timedOut: boolean;
  canceled: boolean;
  commandLine: string[];
}

/** Compiles one C source the way cmd/go does (syntax only) and reports its errors and warnings on it. */
export async function compileCSource(input: CSourceInput, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<CSourceResult> {
  const [prog, ...pre] = input.cc;
  const lang = cSourceLanguage(input.file) ?? 'c';
  const machine = gccMachine(input.goarch, input.goos, input.env);
  const dir = path.dirname(input.file);
  // cmd/go adds -I <objdir> (for _cgo_export.h) and compiles in the package directory.
  const args = [
    ...pre,
    ...input.cppflags,
    ...input.flags,
    ...machine,
    '-I',
    dir,
    '-fdiagnostics-color=never',
    '-fmessage-length=0',
    '-H',
    ...(lang === 'asm' ? ['-E', '-o', DEV_NULL] : ['-fsyntax-only']),
    input.file,
  ];
  const result: CSourceResult = { diagnostics: [], includedFiles: [], timedOut: false, canceled: false, commandLine: [prog ?? '', ...args] };
  // Objective-C needs an Objective-C front end (gobjc / Apple clang); not checked.
  if (!prog || lang === 'objc') return result;
  const r = await run(prog, args, {
    env: compilerEnv(input.env),
    cwd: dir,
    timeoutMs: opts.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    maxOutput: 1 << 20,
  });
  result.timedOut = r.timedOut;
  result.canceled = r.canceled;
  if (r.canceled || r.timedOut || r.spawnError) return result;
  const parsed = parseDiagnostics(r.stderr);
  result.includedFiles = parsed.headers.map((h) => path.resolve(dir, h));
  const base = path.basename(input.file);
  const same = (f: string) => path.resolve(dir, f) === input.file;
  for (const d of parsed.diagnostics) {
    if (d.severity === 'note' || d.severity === 'remark' || d.programLevel) continue;
    // A finding inside a header goes on the #include line of this file that led there.
    const site = same(d.file) ? { line: d.line, col: d.col } : (d.includeChain.find((s) => same(s.file)) ?? null);
    if (!site || site.line <= 0) continue;
    const line = site.line - 1;
    const range: Range = { start: { line, character: Math.max(0, site.col - 1) }, end: { line, character: Math.max(0, site.col - 1) + 1 } };
    const missing = /^(.*): No such file or directory$/.exec(d.message);
    const where = same(d.file) ? '' : ` (in ${d.file}:${d.line})`;
    // go build's own line for it: `escape.c:1: error: …` (plus where in a header it is).
    const verbatim = `${base}:${site.line}: ${d.severity === 'fatal' ? 'fatal error' : d.severity}: ${d.message}${where}`;
    if (missing && d.severity === 'fatal') {
      const from = same(d.file) ? base : baseName(d.file);
      result.diagnostics.push(
        makeDiagnostic({
          file: input.file,
          range,
          severity: 'error',
          code: 'cgo/header-not-found',
          cause: `${short(missing[1]!, 50)} not found (included from ${from})`,
          fix: `install the development files that provide ${missing[1]}, or add its directory to the package's #cgo CFLAGS (-I\${SRCDIR}/…) or CGO_CFLAGS`,
          details: verbatim,
          data: { header: missing[1], cSource: true },
        }),
      );
      continue;
    }
    const error = d.severity === 'error' || d.severity === 'fatal';
    const sev = d.severity === 'fatal' ? 'fatal error' : d.severity;
    result.diagnostics.push(
      makeDiagnostic({
        file: input.file,
        range,
        severity: error ? 'error' : 'warning',
        code: error ? 'cgo/c-error' : 'cgo/c-warning',
        cause: compilerCause(same(d.file) ? `C ${sev}: ` : `C ${sev} in ${baseName(d.file)}: `, d.message, same(d.file) ? `in ${base}` : ''),
        fix: error
          ? "fix the C code or the flags: go build compiles this file with the package's #cgo flags and fails here"
          : 'fix the C code: go build prints this warning when it compiles the file',
        details: verbatim,
        data: { cSource: true },
      }),
    );
    if (result.diagnostics.length >= 100) break;
  }
  return result;
}
