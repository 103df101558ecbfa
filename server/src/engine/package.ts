// The package as the go command builds it: cmd/go applies the `#cgo` lines of every cgo file of a package
// (go/build appends them file by file, in directory order) to every preamble of the package, then adds
// pkg-config's output. This module assembles that merged view, remembering where each flag was written, so a
// compiler error in one file caused by a flag in another can name that line.
import { withDetails } from '../core/message.js';
import path from 'node:path';
import type { CgoDiagnostic, Range } from '../core/types.js';
import type { CgoDirective, CgoVerb } from '../cgorules/types.js';
import { appliedArgs } from '../cgorules/directives.js';
import { hashOf } from './hash.js';

/** One flag of the package, with the `#cgo` argument it came from. */
export interface FlagOrigin {
  flag: string;
  file: string;
  range: Range;
  /** The `#cgo` directive's conditions and verb as written (for messages). */
  directiveRange: Range;
}

/** What one built cgo file contributes to its package. */
export interface FileContribution {
  file: string;
  /** The parsed `#cgo` lines of each of the file's preambles. */
  directives: CgoDirective[][];
  /** The go command refuses the file's `#cgo` lines on this target (go/build error or allow-list). */
  rejected: boolean;
  /** C functions the file calls as `C.f(…)`. */
  calls: string[];
}

export type PackageVerb = Exclude<CgoVerb, 'pkg-config'> | 'pkgConfig';

export interface PackageFlags {
  dir: string;
  /** The package's cgo files that the current target builds, in go/build order. */
  cgoFiles: string[];
  CPPFLAGS: FlagOrigin[];
  CFLAGS: FlagOrigin[];
  CXXFLAGS: FlagOrigin[];
  FFLAGS: FlagOrigin[];
  LDFLAGS: FlagOrigin[];
  pkgConfig: FlagOrigin[];
  /** Files whose `#cgo` lines the go command refuses: the package does not build, nothing is compiled. */
  rejectedFiles: string[];
  /** Every C function called from Go anywhere in the package (`#cgo noescape/nocallback` are matched against it). */
  calls: string[];
  /** Hash of every flag (not positions): equal hashes, equal compiles. */
  hash: string;
}

const VERBS: PackageVerb[] = ['CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'FFLAGS', 'LDFLAGS', 'pkgConfig'];

/** Merges the contributions of a package's built cgo files (already in go/build order). */
export function assemblePackage(dir: string, files: readonly FileContribution[]): PackageFlags {
  const out: PackageFlags = {
    dir,
    cgoFiles: [],
    CPPFLAGS: [],
    CFLAGS: [],
    CXXFLAGS: [],
    FFLAGS: [],
    LDFLAGS: [],
    pkgConfig: [],
    rejectedFiles: [],
    calls: [],
    hash: '',
  };
  const calls = new Set<string>();
  for (const f of files) {
    out.cgoFiles.push(f.file);
    if (f.rejected) out.rejectedFiles.push(f.file);
    for (const c of f.calls) calls.add(c);
    for (const directives of f.directives) {
      for (const { verb, arg, directive } of appliedArgs(directives)) {
        const list = verb === 'pkg-config' ? out.pkgConfig : out[verb];
        list.push({ flag: arg.flag ?? arg.value, file: f.file, range: arg.range, directiveRange: directive.range });
      }
    }
  }
  out.calls = [...calls].sort();
  out.hash = hashOf(
    VERBS.map((v) => out[v].map((o) => o.flag)),
    out.rejectedFiles,
  );
  return out;
}

/** The flag strings of one verb. */
export function flagsOf(pkg: PackageFlags, verb: PackageVerb): string[] {
  return pkg[verb].map((o) => o.flag);
}

/** The flags of the package written in files other than `file`, grouped by `#cgo` line (for messages). */
export function foreignFlags(
  pkg: PackageFlags,
  file: string,
  verbs: PackageVerb[] = ['CPPFLAGS', 'CFLAGS', 'pkgConfig'],
): { file: string; line: number; flags: string[] }[] {
  const byLine = new Map<string, { file: string; line: number; flags: string[] }>();
  for (const v of verbs) {
    for (const o of pkg[v]) {
      if (o.file === file) continue;
      const k = `${o.file}:${o.directiveRange.start.line}`;
      let e = byLine.get(k);
      if (!e) byLine.set(k, (e = { file: o.file, line: o.directiveRange.start.line, flags: [] }));
      e.flags.push(v === 'pkgConfig' ? `pkg-config ${o.flag}` : o.flag);
    }
  }
  return [...byLine.values()];
}

/** `flags.go:3: -DX -I…/inc` lines naming where the other files' flags are written (1-based lines). */
export function describeForeign(list: ReturnType<typeof foreignFlags>): string {
  return list.map((e) => `${path.basename(e.file)}:${e.line + 1}: ${e.flags.join(' ')}`).join('; ');
}

/**
 * Compiler findings in a file whose package has `#cgo` flags written in other files: the message names those
 * lines (a `-D`/`-I` in `flags.go` may be why `use.go`'s preamble fails), and `data.foreignFlags` lists them.
 */
export function annotateForeign(ds: CgoDiagnostic[], foreign: ReturnType<typeof foreignFlags>): CgoDiagnostic[] {
  if (foreign.length === 0) return ds;
  const codes = new Set(['cgo/c-error', 'cgo/header-not-found', 'cgo/c-warning', 'cgo/unresolved-name']);
  const text = describeForeign(foreign);
  return ds.map((d) =>
    codes.has(d.code)
      ? {
          ...d,
          message: withDetails(d.message, `Flags from other files of the package apply here too: ${text}`),
          data: { ...(d.data ?? { code: d.code }), foreignFlags: foreign.map((f) => ({ file: f.file, line: f.line, flags: f.flags })) },
          related: [
            ...(d.related ?? []),
            ...foreign.map((f) => ({
              file: f.file,
              range: { start: { line: f.line, character: 0 }, end: { line: f.line, character: 0 } },
              message: `#cgo flags applied to this preamble: ${f.flags.join(' ')}`,
            })),
          ],
        }
      : d,
  );
}
