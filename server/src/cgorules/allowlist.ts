// The cgo flag security allow-lists of cmd/go/internal/work/security.go, per Go version, and checkFlags.
//
// The go1.26 lists are copied verbatim (cgo-rules.md §3.4, identical to go1.26.8's security.go); older lists are
// derived from them with the version diffs of §3.5. Version → rule set:
//   ≤1.20            go1.19.8 lists (the 1.21 linker tightenings were backported to some later 1.19.x/1.20.x
//                    point release that is not known; the looser 1.19.8 lists are used so no false error appears)
//   1.21.x           go1.21.13   1.22.x go1.22.12   1.23.x go1.23.5
//   1.24.0–1.24.11   go1.24.4 lists, old messages, no pkg-config option check
//   1.24.12+         go1.24.4 lists + pkg-config options (CVE-2025-61731) + new messages
//   1.25.0–1.25.5    go1.26 lists (1.25 sources were not read; the superset avoids false errors), old messages
//   1.25.6+, ≥1.26   go1.26 lists + pkg-config options + new messages (1.27 is unchanged)
// Message format: `invalid flag in <source>: <arg>` gains ` (see https://go.dev/s/invalidflag)` and the next-arg
// messages move from golang.org to go.dev together with the pkg-config check (the exact patch release is
// UNVERIFIED upstream; 1.24.4 has the old form, 1.26.3+ the new one).
import { atLeast, type GoVersion } from '../core/goversion.js';
import { RE2JS } from 're2js';
import { compileGoRegexp, fullMatch, translateGoRegexp, quoteMeta, type GoRegexp } from './re2.js';
import type { FlagCheckResult } from './types.js';

export { translateGoRegexp, compileGoRegexp, fullMatch, quoteMeta };
export type { GoRegexp, GoRegexpResult } from './re2.js';

export type FlagName = 'CFLAGS' | 'CPPFLAGS' | 'CXXFLAGS' | 'FFLAGS' | 'LDFLAGS';
export type FlagKind = 'compiler' | 'linker';

// ----- go1.26.10 (verbatim) ------------------------------------------------------------------------------

export const COMPILER_FLAGS_1_26: readonly string[] = [
  String.raw`-D([A-Za-z_][A-Za-z0-9_]*)(=[^@\-]*)?`,
  String.raw`-U([A-Za-z_][A-Za-z0-9_]*)`,
  String.raw`-F([^@\-].*)`,
  String.raw`-I([^@\-].*)`,
  String.raw`-O`,
  String.raw`-O([^@\-].*)`,
  String.raw`-W`,
  String.raw`-W([^@,]+)`,
  String.raw`-Wa,-mbig-obj`,
  String.raw`-Wp,-D([A-Za-z_][A-Za-z0-9_]*)(=[^@,\-]*)?`,
  String.raw`-Wp,-U([A-Za-z_][A-Za-z0-9_]*)`,
  String.raw`-ansi`,
  String.raw`-f(no-)?asynchronous-unwind-tables`,
  String.raw`-f(no-)?blocks`,
  String.raw`-f(no-)builtin-[a-zA-Z0-9_]*`,
  String.raw`-f(no-)?common`,
  String.raw`-f(no-)?constant-cfstrings`,
  String.raw`-fdebug-prefix-map=([^@]+)=([^@]+)`,
  String.raw`-fdiagnostics-show-note-include-stack`,
  String.raw`-ffile-prefix-map=([^@]+)=([^@]+)`,
  String.raw`-fno-canonical-system-headers`,
  String.raw`-f(no-)?eliminate-unused-debug-types`,
  String.raw`-f(no-)?exceptions`,
  String.raw`-f(no-)?fast-math`,
  String.raw`-f(no-)?inline-functions`,
  String.raw`-finput-charset=([^@\-].*)`,
  String.raw`-f(no-)?fat-lto-objects`,
  String.raw`-f(no-)?keep-inline-dllexport`,
  String.raw`-f(no-)?lto`,
  String.raw`-fmacro-backtrace-limit=(.+)`,
  String.raw`-fmessage-length=(.+)`,
  String.raw`-f(no-)?modules`,
  String.raw`-f(no-)?objc-arc`,
  String.raw`-f(no-)?objc-nonfragile-abi`,
  String.raw`-f(no-)?objc-legacy-dispatch`,
  String.raw`-f(no-)?omit-frame-pointer`,
  String.raw`-f(no-)?openmp(-simd)?`,
  String.raw`-f(no-)?permissive`,
  String.raw`-f(no-)?(pic|PIC|pie|PIE)`,
  String.raw`-f(no-)?plt`,
  String.raw`-f(no-)?rtti`,
  String.raw`-f(no-)?split-stack`,
  String.raw`-f(no-)?stack-(.+)`,
  String.raw`-f(no-)?strict-aliasing`,
  String.raw`-f(un)signed-char`,
  String.raw`-f(no-)?use-linker-plugin`,
  String.raw`-f(no-)?visibility-inlines-hidden`,
  String.raw`-fsanitize=(.+)`,
  String.raw`-fsanitize-undefined-strip-path-components=(-)?[0-9]+`,
  String.raw`-ftemplate-depth-(.+)`,
  String.raw`-ftls-model=(global-dynamic|local-dynamic|initial-exec|local-exec)`,
  String.raw`-fvisibility=(.+)`,
  String.raw`-g([^@\-].*)?`,
  String.raw`-m32`,
  String.raw`-m64`,
  String.raw`-m(abi|arch|cpu|fpu|simd|tls-dialect|tune)=([^@\-].*)`,
  String.raw`-m(no-)?v?aes`,
  String.raw`-marm`,
  String.raw`-mcmodel=[0-9a-z-]+`,
  String.raw`-mfloat-abi=([^@\-].*)`,
  String.raw`-m(soft|single|double)-float`,
  String.raw`-mfpmath=[0-9a-z,+]*`,
  String.raw`-m(no-)?avx[0-9a-z.]*`,
  String.raw`-m(no-)?ms-bitfields`,
  String.raw`-m(no-)?stack-(.+)`,
  String.raw`-mmacosx-(.+)`,
  String.raw`-m(no-)?relax`,
  String.raw`-m(no-)?strict-align`,
  String.raw`-m(no-)?(lsx|lasx|frecipe|div32|lam-bh|lamcas|ld-seq-sa)`,
  String.raw`-mios-simulator-version-min=(.+)`,
  String.raw`-miphoneos-version-min=(.+)`,
  String.raw`-mlarge-data-threshold=[0-9]+`,
  String.raw`-mtvos-simulator-version-min=(.+)`,
  String.raw`-mtvos-version-min=(.+)`,
  String.raw`-mwatchos-simulator-version-min=(.+)`,
  String.raw`-mwatchos-version-min=(.+)`,
  String.raw`-mnop-fun-dllimport`,
  String.raw`-m(no-)?sse[0-9.]*`,
  String.raw`-m(no-)?ssse3`,
  String.raw`-mthumb(-interwork)?`,
  String.raw`-mthreads`,
  String.raw`-mwindows`,
  String.raw`-no-canonical-prefixes`,
  String.raw`--param=ssp-buffer-size=[0-9]*`,
  String.raw`-pedantic(-errors)?`,
  String.raw`-pipe`,
  String.raw`-pthread`,
  String.raw`--static`,
  String.raw`-?-std=([^@\-].*)`,
  String.raw`-?-stdlib=([^@\-].*)`,
  String.raw`--sysroot=([^@\-].*)`,
  String.raw`-w`,
  String.raw`-x([^@\-].*)`,
  String.raw`-v`,
];

export const COMPILER_FLAGS_WITH_NEXT_ARG: readonly string[] = [
  '-arch',
  '-D',
  '-U',
  '-I',
  '-F',
  '-framework',
  '-include',
  '-isysroot',
  '-isystem',
  '--sysroot',
  '-target',
  '-x',
];

export const INVALID_LINKER_FLAGS_1_26: readonly string[] = [String.raw`-lto_library`];

export const LINKER_FLAGS_1_26: readonly string[] = [
  String.raw`-F([^@\-].*)`,
  String.raw`-l([^@\-].*)`,
  String.raw`-L([^@\-].*)`,
  String.raw`-O`,
  String.raw`-O([^@\-].*)`,
  String.raw`-f(no-)?(pic|PIC|pie|PIE)`,
  String.raw`-f(no-)?openmp(-simd)?`,
  String.raw`-fsanitize=([^@\-].*)`,
  String.raw`-flat_namespace`,
  String.raw`-g([^@\-].*)?`,
  String.raw`-headerpad_max_install_names`,
  String.raw`-m(abi|arch|cpu|fpu|simd|tls-dialect|tune)=([^@\-].*)`,
  String.raw`-mcmodel=[0-9a-z-]+`,
  String.raw`-mfloat-abi=([^@\-].*)`,
  String.raw`-m(soft|single|double)-float`,
  String.raw`-m(no-)?relax`,
  String.raw`-m(no-)?strict-align`,
  String.raw`-m(no-)?(lsx|lasx|frecipe|div32|lam-bh|lamcas|ld-seq-sa)`,
  String.raw`-mmacosx-(.+)`,
  String.raw`-mios-simulator-version-min=(.+)`,
  String.raw`-miphoneos-version-min=(.+)`,
  String.raw`-mthreads`,
  String.raw`-mwindows`,
  String.raw`-(pic|PIC|pie|PIE)`,
  String.raw`-pthread`,
  String.raw`-rdynamic`,
  String.raw`-shared`,
  String.raw`-?-static([-a-z0-9+]*)`,
  String.raw`-?-stdlib=([^@\-].*)`,
  String.raw`-v`,
  String.raw`-Wl,--(no-)?allow-multiple-definition`,
  String.raw`-Wl,--(no-)?allow-shlib-undefined`,
  String.raw`-Wl,--(no-)?as-needed`,
  String.raw`-Wl,-Bdynamic`,
  String.raw`-Wl,-berok`,
  String.raw`-Wl,-Bstatic`,
  String.raw`-Wl,-Bsymbolic-functions`,
  String.raw`-Wl,-O[0-9]+`,
  String.raw`-Wl,-d[ny]`,
  String.raw`-Wl,--disable-new-dtags`,
  String.raw`-Wl,-e[=,][a-zA-Z0-9]+`,
  String.raw`-Wl,--enable-new-dtags`,
  String.raw`-Wl,--end-group`,
  String.raw`-Wl,--(no-)?export-dynamic`,
  String.raw`-Wl,-E`,
  String.raw`-Wl,-framework,[^,@\-][^,]*`,
  String.raw`-Wl,--hash-style=(sysv|gnu|both)`,
  String.raw`-Wl,-headerpad_max_install_names`,
  String.raw`-Wl,--no-undefined`,
  String.raw`-Wl,--pop-state`,
  String.raw`-Wl,--push-state`,
  String.raw`-Wl,-R,?([^@\-,][^,@]*$)`,
  String.raw`-Wl,--just-symbols[=,]([^,@\-][^,@]*)`,
  String.raw`-Wl,-rpath(-link)?[=,]([^,@\-][^,]*)`,
  String.raw`-Wl,-s`,
  String.raw`-Wl,-search_paths_first`,
  String.raw`-Wl,-sectcreate,([^,@\-][^,]*),([^,@\-][^,]*),([^,@\-][^,]*)`,
  String.raw`-Wl,--start-group`,
  String.raw`-Wl,-?-static`,
  String.raw`-Wl,-?-subsystem,(native|windows|console|posix|xbox)`,
  String.raw`-Wl,-syslibroot[=,]([^,@\-][^,]*)`,
  String.raw`-Wl,-undefined[=,]([^,@\-][^,]*)`,
  String.raw`-Wl,-?-unresolved-symbols=[^,]+`,
  String.raw`-Wl,--(no-)?warn-([^,]+)`,
  String.raw`-Wl,-?-wrap[=,][^,@\-][^,]*`,
  String.raw`-Wl(,-z,(relro|now|(no)?execstack))+`,
  String.raw`[a-zA-Z0-9_/].*\.(a|o|obj|dll|dylib|so|tbd)`,
  String.raw`\./.*\.(a|o|obj|dll|dylib|so|tbd)`,
];

export const LINKER_FLAGS_WITH_NEXT_ARG: readonly string[] = [
  '-arch',
  '-F',
  '-l',
  '-L',
  '-framework',
  '-isysroot',
  '--sysroot',
  '-target',
  '-Wl,-framework',
  '-Wl,-rpath',
  '-Wl,-R',
  '-Wl,--just-symbols',
  '-Wl,-undefined',
];

export const PKG_CONFIG_FLAGS: readonly string[] = [
  String.raw`--atleast-pkgconfig-version=\d+\.\d+\.\d+`,
  String.raw`--atleast-version=\d+\.\d+\.\d+`,
  String.raw`--cflags-only-I`,
  String.raw`--cflags`,
  String.raw`--define-prefix`,
  String.raw`--define-variable=[A-Za-z_][A-Za-z0-9_]*=[^@\-]*`,
  String.raw`--digraph`,
  String.raw`--dont-define-prefix`,
  String.raw`--dont-relocate-paths`,
  String.raw`--dump-personality`,
  String.raw`--env-only`,
  String.raw`--errors-to-stdout`,
  String.raw`--exact-version=\d+\.\d+\.\d+`,
  String.raw`--exists`,
  String.raw`--fragment-filter=[A-Za-z_][a-zA-Z0-9_]*`,
  String.raw`--ignore-conflicts`,
  String.raw`--internal-cflags`,
  String.raw`--keep-system-cflags`,
  String.raw`--keep-system-libs`,
  String.raw`--libs-only-l`,
  String.raw`--libs-only-L`,
  String.raw`--libs`,
  String.raw`--list-all`,
  String.raw`--list-package-names`,
  String.raw`--max-version=\d+\.\d+\.\d+`,
  String.raw`--maximum-traverse-depth=[0-9]+`,
  String.raw`--modversion`,
  String.raw`--msvc-syntax`,
  String.raw`--no-cache`,
  String.raw`--no-provides`,
  String.raw`--no-uninstalled`,
  String.raw`--path`,
  String.raw`--personality=(triplet|filename)`,
  String.raw`--prefix-variable=[A-Za-z_][a-zA-Z0-9_]*`,
  String.raw`--print-errors`,
  String.raw`--print-provides`,
  String.raw`--print-requires-private`,
  String.raw`--print-requires`,
  String.raw`--print-variables`,
  String.raw`--pure`,
  String.raw`--shared`,
  String.raw`--short-errors`,
  String.raw`--silence-errors`,
  String.raw`--simulate`,
  String.raw`--static`,
  String.raw`--uninstalled`,
  String.raw`--validate`,
  String.raw`--variable=[A-Za-z_][a-zA-Z0-9_]*`,
  String.raw`--with-path=[^@\-].*`,
];

// ----- older versions, derived with the §3.5 diffs ---------------------------------------------------------

function edit(list: readonly string[], remove: string[], replace: Record<string, string | string[]> = {}, add: string[] = []): string[] {
  const out: string[] = [];
  for (const p of list) {
    if (remove.includes(p)) continue;
    const r = replace[p];
    if (r === undefined) out.push(p);
    else if (Array.isArray(r)) out.push(...r);
    else out.push(r);
  }
  return [...out, ...add];
}

const M126 = String.raw`-m(abi|arch|cpu|fpu|simd|tls-dialect|tune)=([^@\-].*)`;
const M124 = String.raw`-m(abi|arch|cpu|fpu|tune)=([^@\-].*)`;
const LOONG_ETC = [
  String.raw`-m(soft|single|double)-float`,
  String.raw`-m(no-)?relax`,
  String.raw`-m(no-)?strict-align`,
  String.raw`-m(no-)?(lsx|lasx|frecipe|div32|lam-bh|lamcas|ld-seq-sa)`,
];

const COMPILER_1_24 = edit(COMPILER_FLAGS_1_26, [String.raw`-fsanitize-undefined-strip-path-components=(-)?[0-9]+`, String.raw`--static`, ...LOONG_ETC], {
  [M126]: M124,
  [String.raw`-mcmodel=[0-9a-z-]+`]: [String.raw`-m(no-)?avx[0-9a-z]*`, String.raw`-mcmodel=[0-9a-z-]+`],
});
const LINKER_1_24 = edit(LINKER_FLAGS_1_26, [String.raw`-mcmodel=[0-9a-z-]+`, ...LOONG_ETC], { [M126]: M124 });

const COMPILER_1_23 = edit(COMPILER_1_24, [String.raw`-ftls-model=(global-dynamic|local-dynamic|initial-exec|local-exec)`]);
const LINKER_1_23 = edit(LINKER_1_24, [String.raw`-Wl,--pop-state`, String.raw`-Wl,--push-state`], {
  [String.raw`-Wl,-framework,[^,@\-][^,]*`]: String.raw`-Wl,-framework,[^,@\-][^,]+`,
  [String.raw`-Wl,--just-symbols[=,]([^,@\-][^,@]*)`]: String.raw`-Wl,--just-symbols[=,]([^,@\-][^,@]+)`,
  [String.raw`-Wl,-rpath(-link)?[=,]([^,@\-][^,]*)`]: String.raw`-Wl,-rpath(-link)?[=,]([^,@\-][^,]+)`,
  [String.raw`-Wl,-sectcreate,([^,@\-][^,]*),([^,@\-][^,]*),([^,@\-][^,]*)`]: String.raw`-Wl,-sectcreate,([^,@\-][^,]+),([^,@\-][^,]+),([^,@\-][^,]+)`,
  [String.raw`-Wl,-syslibroot[=,]([^,@\-][^,]*)`]: String.raw`-Wl,-syslibroot[=,]([^,@\-][^,]+)`,
  [String.raw`-Wl,-undefined[=,]([^,@\-][^,]*)`]: String.raw`-Wl,-undefined[=,]([^,@\-][^,]+)`,
});

const COMPILER_1_22 = edit(COMPILER_1_23, [String.raw`-mcmodel=[0-9a-z-]+`, String.raw`-mlarge-data-threshold=[0-9]+`]);
const LINKER_1_22 = edit(LINKER_1_23, [], {
  [String.raw`-Wl(,-z,(relro|now|(no)?execstack))+`]: [String.raw`-Wl,-z,(no)?execstack`, String.raw`-Wl,-z,relro`],
});

const COMPILER_1_21 = edit(COMPILER_1_22, [
  String.raw`-fdebug-prefix-map=([^@]+)=([^@]+)`,
  String.raw`-ffile-prefix-map=([^@]+)=([^@]+)`,
  String.raw`-fno-canonical-system-headers`,
  String.raw`-no-canonical-prefixes`,
]);
const LINKER_1_21 = LINKER_1_22;

const COMPILER_1_19 = COMPILER_1_21;
const LINKER_1_19 = edit(LINKER_1_21, [], {
  [String.raw`-Wl,-O[0-9]+`]: String.raw`-Wl,-O([^@,\-][^,]*)?`,
  [String.raw`-Wl,-e[=,][a-zA-Z0-9]+`]: String.raw`-Wl,-e[=,][a-zA-Z0-9]*`,
  [String.raw`-Wl,-R,?([^@\-,][^,@]*$)`]: String.raw`-Wl,-R([^@\-][^,@]*$)`,
});

export interface FlagRules {
  /** Which source tree the lists come from, e.g. `go1.22.12`. */
  id: string;
  compiler: readonly string[];
  compilerNext: readonly string[];
  linkerInvalid: readonly string[];
  linker: readonly string[];
  linkerNext: readonly string[];
  /** validPkgConfigFlags, or null when pkg-config options are passed through unchecked. */
  pkgConfig: readonly string[] | null;
  /** `-Wl,--push-state,a,b` sub-splitting (1.24+). */
  pushState: boolean;
  /** Message wording: `new` adds ` (see https://go.dev/s/invalidflag)` to Bad and uses go.dev in next-arg messages. */
  messages: 'old' | 'new';
}

const R119: FlagRules = {
  id: 'go1.19.8',
  compiler: COMPILER_1_19,
  compilerNext: COMPILER_FLAGS_WITH_NEXT_ARG,
  linkerInvalid: [],
  linker: LINKER_1_19,
  linkerNext: LINKER_FLAGS_WITH_NEXT_ARG,
  pkgConfig: null,
  pushState: false,
  messages: 'old',
};
const R121: FlagRules = { ...R119, id: 'go1.21.13', compiler: COMPILER_1_21, linker: LINKER_1_21, linkerInvalid: INVALID_LINKER_FLAGS_1_26 };
const R122: FlagRules = { ...R121, id: 'go1.22.12', compiler: COMPILER_1_22, linker: LINKER_1_22 };
const R123: FlagRules = { ...R121, id: 'go1.23.5', compiler: COMPILER_1_23, linker: LINKER_1_23 };
const R124: FlagRules = { ...R121, id: 'go1.24.4', compiler: COMPILER_1_24, linker: LINKER_1_24, pushState: true };
const R124_12: FlagRules = { ...R124, id: 'go1.24.12', pkgConfig: PKG_CONFIG_FLAGS, messages: 'new' };
const R126: FlagRules = {
  id: 'go1.26.10',
  compiler: COMPILER_FLAGS_1_26,
  compilerNext: COMPILER_FLAGS_WITH_NEXT_ARG,
  linkerInvalid: INVALID_LINKER_FLAGS_1_26,
  linker: LINKER_FLAGS_1_26,
  linkerNext: LINKER_FLAGS_WITH_NEXT_ARG,
  pkgConfig: PKG_CONFIG_FLAGS,
  pushState: true,
  messages: 'new',
};
const R125: FlagRules = { ...R126, id: 'go1.25 (assumed: go1.26 lists)', pkgConfig: null, messages: 'old' };

/** The allow-lists cmd/go uses for a Go version. */
export function rulesFor(v: GoVersion): FlagRules {
  if (v.minor <= 20) return R119;
  if (v.minor === 21) return R121;
  if (v.minor === 22) return R122;
  if (v.minor === 23) return R123;
  if (v.minor === 24) return atLeast(v, 24, 12) ? R124_12 : R124;
  if (v.minor === 25) return atLeast(v, 25, 6) ? { ...R126, id: 'go1.25.6 (assumed: go1.26 lists)' } : R125;
  return R126;
}

/** How the go command prefixes a package-level error with the import path (`%s` = import path). */
export function versionedPrefix(v: GoVersion): string {
  return v.minor <= 20 ? 'go build %s: ' : '%s: ';
}

// ----- matching ---------------------------------------------------------------------------------------------

const compiled = new Map<string, GoRegexp>();
function builtin(p: string): GoRegexp {
  let re = compiled.get(p);
  if (!re) {
    // Every built-in pattern compiles as it does in every Go version (a test asserts it).
    re = translateGoRegexp(p) ?? RE2JS.compile(p);
    compiled.set(p, re);
  }
  return re;
}

/** load.SafeArg: the first byte is [0-9A-Za-z._/] or a non-ASCII byte. */
export function safeArg(s: string): boolean {
  if (s === '') return false;
  const c = s.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f || c === 0x2f || c >= 0x80;
}

/**
 * The text every full match of the built-in pattern `p` starts with: its leading run of plain characters, less the
 * last one when a quantifier makes it optional; '' when `p` has a top-level alternation (or starts with anything
 * but a plain character). A flag that does not start with it cannot match, so its pattern is neither compiled nor
 * run: on a first analysis, compiling the patterns before the one that matched was most of the allow-list's cost
 * (`-O2` compiled the -D, -U, -F, -I and -O patterns first).
 */
export function literalPrefix(p: string): string {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return '';
  }
  let out = '';
  for (const c of p) {
    if ('\\.[](){}*+?|^$'.includes(c)) {
      if (c === '*' || c === '?' || c === '{' || c === '+') out = out.slice(0, -1);
      break;
    }
    out += c;
  }
  return out;
}

const prefixes = new Map<string, string>();
function prefixOf(p: string): string {
  let v = prefixes.get(p);
  if (v === undefined) prefixes.set(p, (v = literalPrefix(p)));
  return v;
}

/** False when `s` cannot fully match the built-in pattern `p` (it lacks the literal prefix); the empty flag is always left to the pattern. */
function mayFullMatch(p: string, s: string): boolean {
  return s === '' || s.startsWith(prefixOf(p));
}

function anyFull(patterns: readonly string[], s: string): boolean {
  return patterns.some((p) => mayFullMatch(p, s) && fullMatch(builtin(p), s));
}

export interface CheckFlagsOptions {
  goVersion: GoVersion;
  /** Environment as the go command sees it (process env merged with `go env -w` values) for CGO_<NAME>_ALLOW/DISALLOW. */
  env: Record<string, string | undefined>;
  /** false for pkg-config options (cmd/go does not apply overrides there). Default true. */
  checkOverrides?: boolean;
}

type Override = { re: GoRegexp } | { unknown: true } | null;

function messageFor(rules: FlagRules, source: string, arg: string, kind: 'bad' | 'next' | 'without', next?: string): string {
  const url = rules.messages === 'new' ? 'https://go.dev/s/invalidflag' : 'https://golang.org/s/invalidflag';
  if (kind === 'next') return `invalid flag in ${source}: ${arg} ${next} (see ${url})`;
  if (kind === 'without') return `invalid flag in ${source}: ${arg} without argument (see ${url})`;
  return rules.messages === 'new' ? `invalid flag in ${source}: ${arg} (see ${url})` : `invalid flag in ${source}: ${arg}`;
}

interface ScanResult {
  problems: FlagCheckResult[];
  /** Indices of flags whose fate depends on an override regexp whose reading could differ from Go's. */
  uncertain: number[];
}

function scan(
  lists: { invalid: readonly string[]; valid: readonly string[]; next: readonly string[] },
  name: string,
  source: string,
  list: readonly string[],
  opts: CheckFlagsOptions,
  all: boolean,
): ScanResult {
  const rules = rulesFor(opts.goVersion);
  const prefix = versionedPrefix(opts.goVersion);
  const problems: FlagCheckResult[] = [];
  const uncertain: number[] = [];
  let allow: Override = null;
  let disallow: Override = null;
  if (opts.checkOverrides !== false) {
    for (const which of ['ALLOW', 'DISALLOW'] as const) {
      const envVar = `CGO_${name}_${which}`;
      const value = opts.env[envVar];
      if (value === undefined || value === '') continue;
      const r = compileGoRegexp(value, opts.goVersion.minor);
      if (r.ok === false) {
        problems.push({
          kind: 'bad-override',
          index: -1,
          arg: value,
          message: `parsing $${envVar}: ${r.error}`,
          versionedPrefix: prefix,
          envVar,
        });
        return { problems, uncertain };
      }
      const o: Override = r.ok === true ? { re: r.regexp } : { unknown: true };
      if (which === 'ALLOW') allow = o;
      else disallow = o;
    }
  }
  // A DISALLOW whose reading could differ from Go's could reject any flag: evaluate without it but claim nothing.
  let allUncertain = false;
  if (disallow && 'unknown' in disallow) {
    allUncertain = true;
    disallow = null;
  }
  const bad = (i: number, arg: string) =>
    problems.push({ kind: 'not-allowed', index: i, arg, message: messageFor(rules, source, arg, 'bad'), versionedPrefix: prefix });

  Args: for (let i = 0; i < list.length; i++) {
    if (!all && problems.length > 0) break;
    const arg = list[i]!;
    let mayBeAllowed = false;
    if (disallow && 're' in disallow) {
      if (fullMatch(disallow.re, arg)) {
        bad(i, arg);
        continue Args;
      }
    }
    if (allow) {
      if ('unknown' in allow) mayBeAllowed = true;
      else if (fullMatch(allow.re, arg)) continue Args;
    }
    const reject = () => {
      if (mayBeAllowed) uncertain.push(i);
      else bad(i, arg);
    };
    if (anyFull(lists.invalid, arg)) {
      reject();
      continue Args;
    }
    for (const p of lists.valid) {
      if (mayFullMatch(p, arg) && fullMatch(builtin(p), arg)) continue Args;
      if (rules.pushState && arg.startsWith('-Wl,--push-state,')) {
        const parts = arg.split(',');
        for (const part of parts.slice(1)) {
          const a = '-Wl,' + part;
          if (!anyFull(lists.valid, a) || anyFull(lists.invalid, a)) {
            reject();
            continue Args;
          }
        }
        continue Args;
      }
    }
    if (lists.next.includes(arg)) {
      const nxt = list[i + 1];
      if (nxt !== undefined) {
        if (safeArg(nxt)) {
          i++;
          continue Args;
        }
        if (arg.startsWith('-Wl,') && nxt.startsWith('-Wl,') && safeArg(nxt.slice(4)) && !nxt.slice(4).includes(',')) {
          i++;
          continue Args;
        }
        if (arg === '-I' && (nxt.startsWith('=') || nxt.startsWith('$SYSROOT')) && safeArg(nxt.slice(1))) {
          i++;
          continue Args;
        }
        if (mayBeAllowed) uncertain.push(i);
        else
          problems.push({
            kind: 'bad-next-arg',
            index: i,
            arg,
            next: nxt,
            message: messageFor(rules, source, arg, 'next', nxt),
            versionedPrefix: prefix,
          });
        i++; // the pair is reported as one problem
        continue Args;
      }
      if (mayBeAllowed) uncertain.push(i);
      else problems.push({ kind: 'missing-arg', index: i, arg, message: messageFor(rules, source, arg, 'without'), versionedPrefix: prefix });
      continue Args;
    }
    reject();
  }
  if (allUncertain) return { problems: [], uncertain: [...uncertain, ...problems.map((p) => p.index)].sort((a, b) => a - b) };
  return { problems, uncertain };
}

function listsFor(kind: FlagKind, rules: FlagRules) {
  return kind === 'compiler'
    ? { invalid: [] as readonly string[], valid: rules.compiler, next: rules.compilerNext }
    : { invalid: rules.linkerInvalid, valid: rules.linker, next: rules.linkerNext };
}

/**
 * cmd/go checkCompilerFlags / checkLinkerFlags (security.go checkFlags) for one list: returns the first problem
 * exactly as cmd/go reports it, or null when the list passes (or when every doubtful flag depends on an
 * override regexp whose reading could differ from that Go version's — then no claim is made).
 * `source` is `#cgo CFLAGS`, `pkg-config --cflags`, `pkg-config --libs`, `go:cgo_ldflag` …
 */
export function checkFlags(kind: FlagKind, name: FlagName, source: string, list: readonly string[], opts: CheckFlagsOptions): FlagCheckResult | null {
  const rules = rulesFor(opts.goVersion);
  return scan(listsFor(kind, rules), name, source, list, opts, false).problems[0] ?? null;
}

/** Like checkFlags but continues after a problem and reports every bad flag (a flag+argument pair counts once). */
export function checkFlagsAll(
  kind: FlagKind,
  name: FlagName,
  source: string,
  list: readonly string[],
  opts: CheckFlagsOptions,
): { problems: FlagCheckResult[]; uncertain: number[] } {
  const rules = rulesFor(opts.goVersion);
  return scan(listsFor(kind, rules), name, source, list, opts, true);
}

export interface PkgConfigProblem {
  kind: 'name' | 'option';
  /** Index in the `#cgo pkg-config` argument list. */
  index: number;
  arg: string;
  message: string;
  versionedPrefix: string;
}

/**
 * cmd/go getPkgConfigFlags' checks on `#cgo pkg-config:` arguments, in cmd/go's order (package names first, then
 * options): non-`--` arguments must pass SafeArg (`invalid pkg-config package name: %s`); `--options` must match
 * validPkgConfigFlags on Go ≥1.24.12 / ≥1.25.6 (older versions pass them to pkg-config unchecked). A bare `--` is
 * dropped by cmd/go and never an error.
 */
export function checkPkgConfigArgs(args: readonly string[], goVersion: GoVersion): PkgConfigProblem[] {
  const rules = rulesFor(goVersion);
  const prefix = versionedPrefix(goVersion);
  const names: PkgConfigProblem[] = [];
  const options: PkgConfigProblem[] = [];
  args.forEach((arg, index) => {
    if (arg === '--') return;
    if (arg.startsWith('--')) {
      if (rules.pkgConfig && !anyFull(rules.pkgConfig, arg)) {
        options.push({ kind: 'option', index, arg, message: messageFor(rules, 'pkg-config', arg, 'bad'), versionedPrefix: prefix });
      }
    } else if (!safeArg(arg)) {
      names.push({ kind: 'name', index, arg, message: `invalid pkg-config package name: ${arg}`, versionedPrefix: prefix });
    }
  });
  return [...names, ...options];
}

/**
 * A Go regexp that full-matches exactly `flag` (for CGO_<NAME>_ALLOW). When `existing` is set, the result also
 * keeps accepting what it accepted: both alternatives are anchored so leftmost-first matching cannot stop at a
 * shorter alternative.
 */
export function allowRegexpFor(flag: string, existing?: string): string {
  const mine = quoteMeta(flag);
  if (!existing) return mine;
  return `^(?:${mine})$|^(?:${existing})$`;
}
