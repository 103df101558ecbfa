// The Windows "pseudo-success" check: `go build` with cgo and MinGW-w64 succeeds, and the .exe dies at start-up for
// want of libstdc++-6.dll (STATUS_DLL_NOT_FOUND, 0xc0000135). Two entry points:
//   * runtimeDllDiagnostics: a warning on `import "C"` (or the `#cgo LDFLAGS` line) before anything is built;
//   * doctorBinaryReport: `cgo-ls doctor --binary app.exe`, which reads the built .exe and says where Windows would
//     find each DLL it imports.
import path from 'node:path';
import type { CodeInfo } from '../core/codes.js';
import { makeDiagnostic } from '../core/message.js';
import type { CgoDiagnostic, Range } from '../core/types.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { dllSearchDirs, findDllPath, isMingwGcc, isSystemDll, locateMingwRuntime, predictRuntimeDlls, type MingwRuntime, type SearchDirKind } from './dlls.js';
import { isPeError, readPeImportsFile } from './pe.js';
import { quotedSplit as splitEnvValue } from '../cgorules/split.js';
import { hostIsWindows } from '../core/host.js';

export const WINDOWS_RUNTIME_DLL = 'cgo/windows-runtime-dll';

/** Registered, with its payload and fixes, by checks/windowsdll.ts. */
export const codes: (CodeInfo & { code: typeof WINDOWS_RUNTIME_DLL })[] = [
  {
    code: WINDOWS_RUNTIME_DLL,
    severity: 'warning',
    title: 'The Windows .exe will need MinGW-w64 runtime DLLs that Windows does not have',
    cause:
      'GOOS=windows with a MinGW-w64 GCC and C++ in the package: g++ links libstdc++-6.dll and libgcc_s_seh-1.dll (libgcc_s_dw2-1.dll on 386; plus libwinpthread-1.dll with a posix-thread-model toolchain) dynamically, and runtime/cgo never adds -static-libgcc. `go build` succeeds; the .exe fails to start outside the MinGW shell: `The code execution cannot proceed because libstdc++-6.dll was not found` (exit status 0xc0000135, STATUS_DLL_NOT_FOUND; -1073741515).',
    fix: 'Add `#cgo windows LDFLAGS: -static-libgcc -static-libstdc++` (posix thread model: `-static`) to link the runtime into the .exe, or ship the DLLs next to the .exe (or put the toolchain folder that holds them on PATH). `cgo-ls doctor --binary app.exe` checks a built binary.',
    example: '// #cgo CXXFLAGS: -std=c++17\n// #include "wrapper.h"   // implemented in wrapper.cpp\nimport "C"',
  },
];

export interface RuntimeDllInput {
  /** The .go file with the `import "C"`. */
  file: string;
  /** Range of the `import "C"` line. */
  importRange: Range;
  /** Range of the `#cgo [windows] LDFLAGS` line, when the file has one: the diagnostic goes there. */
  ldflagsLine?: Range;
  toolchain: Pick<ToolchainModel, 'goos' | 'goarch' | 'cc' | 'childEnv' | 'values'>;
  /** The package has C++ files (.cc, .cpp, .cxx): `go build` links with $CXX. */
  hasCxx: boolean;
  /** The package's `#cgo LDFLAGS` for this target (and pkg-config --libs); CGO_LDFLAGS from `toolchain.values` is added. */
  ldflags: string[];
  /** From probeMingwRuntime; without it the runtime is located from the compiler's path (no subprocess). */
  runtime?: MingwRuntime | null;
}

/** cmd/internal/quoted.Split; an unparsable value yields no flags (the go command refuses it anyway). */
function quotedSplit(s: string): string[] {
  return splitEnvValue(s).fields;
}

/** All linker flags that reach the external link: CGO_LDFLAGS, the package's flags, `-extldflags` in GOFLAGS. */
export function effectiveLdflags(values: Record<string, { value: string } | undefined>, ldflags: string[]): string[] {
  const env = values.CGO_LDFLAGS?.value ?? '';
  const goflags = values.GOFLAGS?.value ?? '';
  const out = [...quotedSplit(env), ...ldflags.filter((f) => typeof f === 'string')];
  // go build -ldflags=-extldflags=-static (in GOFLAGS): the external linker gets -static.
  const ext = /-extldflags[= ]+(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(goflags);
  if (ext) out.push(...quotedSplit(ext[1] ?? ext[2] ?? ext[3] ?? ''));
  return out;
}

function list(names: string[]): string {
  return names.join(', ');
}

export function runtimeDllDiagnostics(input: RuntimeDllInput): CgoDiagnostic[] {
  try {
    const tc = input.toolchain;
    if (tc.goos !== 'windows' || !tc.cc || !isMingwGcc(tc.cc)) return [];
    const ldflags = effectiveLdflags(tc.values ?? {}, input.ldflags ?? []);
    const runtime = input.runtime === undefined ? locateMingwRuntime(tc.cc) : input.runtime;
    const p = predictRuntimeDlls({ hasCxx: input.hasCxx, ldflags, cc: tc.cc, goarch: tc.goarch, runtime });
    const libDlls = new Set(p.fromLibraries.flatMap((l) => l.dlls));
    const runtimeDlls = p.dlls.filter((d) => !libDlls.has(d));
    if (!p.applies || runtimeDlls.length === 0) return [];

    const dllPaths: Record<string, string> = {};
    for (const d of [...runtimeDlls, ...p.transitive]) {
      const at = runtime?.found[d];
      if (at) dllPaths[d] = at;
    }
    const dirs = [...new Set(Object.values(dllPaths).map((f) => path.dirname(f)))];
    const toolchainBinDir = dirs[0];
    const ship = [...runtimeDlls, ...p.transitive];
    const flagText = p.staticFlags.join(' ');
    const where =
      dirs.length === 0
        ? "Ship the DLLs from the toolchain's bin folder."
        : dirs.length === 1
          ? `They are in ${dirs[0]}; or put that folder on PATH.`
          : `They are in ${list(dirs)}; or put those folders on PATH.`;
    const posixNote =
      p.staticFlags.includes('-static') && (p.threadModel === 'posix' || p.threadModel === 'mcf')
        ? 'The toolchain uses the posix thread model, so -static-libgcc -static-libstdc++ alone would still leave libwinpthread-1.dll.'
        : undefined;
    const trans = p.transitive.length > 0 ? ` (which need ${list(p.transitive)})` : '';
    const libs =
      p.fromLibraries.length > 0
        ? `Libraries linked with -l also need their DLLs beside the .exe: ${p.fromLibraries.map((l) => `${list(l.dlls)} (${l.flag})`).join(', ')}.`
        : undefined;
    const named = list(runtimeDlls);
    const dllText = named.length <= 42 ? named : `${runtimeDlls[0]} and ${runtimeDlls.length - 1} more DLL${runtimeDlls.length > 2 ? 's' : ''}`;
    const range = input.ldflagsLine ?? input.importRange;
    return [
      makeDiagnostic({
        file: input.file,
        range,
        severity: 'warning',
        code: WINDOWS_RUNTIME_DLL,
        cause: `the windows/${tc.goarch} .exe needs ${dllText} to start (MinGW-w64 runtime)`,
        fix: `add \`#cgo windows LDFLAGS: ${flagText}\` to link the runtime into the .exe, or ship ${list(ship)} next to the .exe`,
        details: [
          `\`go build\` succeeds, but the program fails to start where ${runtimeDlls.length > 1 ? 'they are' : 'it is'} not found ` +
            `("The code execution cannot proceed because ${runtimeDlls[0]} was not found", exit status 0xc0000135 STATUS_DLL_NOT_FOUND).`,
          `The windows/${tc.goarch} .exe will import ${named}${trans} from the MinGW-w64 runtime.`,
          posixNote,
          where,
          libs,
        ],
        data: {
          dlls: runtimeDlls,
          staticFlags: p.staticFlags,
          ...(toolchainBinDir ? { toolchainBinDir } : {}),
          transitive: p.transitive,
          dllPaths,
          libraryDlls: p.fromLibraries.map((l) => ({ flag: l.flag, file: l.file, dlls: l.dlls })),
          threadModel: p.threadModel,
        },
      }),
    ];
  } catch {
    return [];
  }
}

/** The text a code action inserts: a new `#cgo windows LDFLAGS:` line for the preamble (with the comment prefix). */
export function staticFlagsDirective(staticFlags: string[], linePrefix = '// '): string {
  return `${linePrefix}#cgo windows LDFLAGS: ${staticFlags.join(' ')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// cgo-ls doctor --binary app.exe

export interface DoctorBinaryOptions {
  /** Folder(s) of the toolchain's runtime DLLs (reported as "toolchain folder, not searched by Windows" unless on PATH). */
  toolchainBinDir?: string;
  toolchainDirs?: string[];
  /** PATH with Windows semantics (`;`). Default: the process PATH when running on Windows, none elsewhere. */
  PATH?: string;
  /** [System32, System, Windows]. Default: from %SystemRoot% on Windows, none elsewhere. */
  systemDirs?: string[];
  /** Current folder of the process that will start the .exe. */
  cwd?: string;
  /** Follow the imports of found DLLs (default true). */
  transitive?: boolean;
}

export type DoctorDllStatus = 'system' | 'found' | 'toolchain-only' | 'not-found';

export interface DoctorDllEntry {
  name: string;
  /** The image that imports it (the .exe's base name, or a DLL). */
  neededBy: string;
  delayLoad: boolean;
  status: DoctorDllStatus;
  /** Where the loader finds it (status found). */
  where?: SearchDirKind;
  path?: string;
  /** For toolchain-only: the folder that has it. */
  toolchainDir?: string;
}

export interface DoctorBinaryJson {
  binary: string;
  ok: boolean;
  error?: string;
  machine?: string;
  is64?: boolean;
  subsystem?: string;
  dlls: DoctorDllEntry[];
  missing: string[];
  searchDirs: { dir: string; kind: SearchDirKind; searchedByLoader: boolean }[];
}

export interface DoctorBinaryReport {
  /** 0: every import resolves; 1: a non-system DLL is not found; 2: the file cannot be read as a PE image. */
  exitCode: 0 | 1 | 2;
  text: string;
  json: DoctorBinaryJson;
}

const WHERE_TEXT: Record<SearchDirKind, string> = {
  app: 'next to the binary',
  system: 'in the system folder',
  windows: 'in the Windows folder',
  cwd: 'in the current folder',
  path: 'on PATH',
  toolchain: 'in the toolchain folder',
};

const MAX_ENTRIES = 256;

export function doctorBinaryReport(exePath: string, opts: DoctorBinaryOptions = {}): DoctorBinaryReport {
  const binary = path.resolve(String(exePath));
  const searchPath = opts.PATH ?? (hostIsWindows() ? (process.env.PATH ?? process.env.Path ?? '') : '');
  const search = dllSearchDirs({
    binaryDir: path.dirname(binary),
    toolchainBinDir: opts.toolchainBinDir,
    PATH: searchPath,
    systemDirs: opts.systemDirs,
    cwd: opts.cwd,
  });
  const loaderDirs = search.filter((s) => s.searchedByLoader);
  const toolchainDirs = [...new Set([...(opts.toolchainBinDir ? [opts.toolchainBinDir] : []), ...(opts.toolchainDirs ?? [])])];
  const json: DoctorBinaryJson = { binary, ok: false, dlls: [], missing: [], searchDirs: search };
  try {
    const pe = readPeImportsFile(binary);
    if (isPeError(pe)) {
      json.error = pe.error;
      return { exitCode: 2, text: `✗ ${binary}: ${pe.error}\n`, json };
    }
    json.machine = pe.machine;
    json.is64 = pe.is64;
    json.subsystem = pe.subsystem;
    const queue: { name: string; neededBy: string; delay: boolean; depth: number }[] = [
      ...pe.imports.map((name) => ({ name, neededBy: path.basename(binary), delay: false, depth: 0 })),
      ...pe.delayImports.map((name) => ({ name, neededBy: path.basename(binary), delay: true, depth: 0 })),
    ];
    const seen = new Set<string>();
    const depths: number[] = [];
    for (let i = 0; i < queue.length && json.dlls.length < MAX_ENTRIES; i++) {
      const q = queue[i]!;
      const key = q.name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const entry: DoctorDllEntry = { name: q.name, neededBy: q.neededBy, delayLoad: q.delay, status: 'not-found' };
      let file: string | undefined;
      if (isSystemDll(q.name)) entry.status = 'system';
      else {
        let hitPath: string | null = null;
        const hit = loaderDirs.find((s) => (hitPath = findDllPath(q.name, [s.dir])) !== null);
        if (hit && hitPath) {
          entry.status = 'found';
          entry.where = hit.kind;
          entry.path = file = hitPath;
        } else {
          const tfile = findDllPath(q.name, toolchainDirs);
          if (tfile) {
            entry.status = 'toolchain-only';
            entry.toolchainDir = path.dirname(tfile);
            file = tfile;
          }
        }
      }
      json.dlls.push(entry);
      depths.push(q.depth);
      if (file && opts.transitive !== false && q.depth < 8) {
        const sub = readPeImportsFile(file);
        if (!isPeError(sub)) for (const d of sub.imports) queue.push({ name: d, neededBy: q.name, delay: false, depth: q.depth + 1 });
      }
    }
    json.missing = json.dlls.filter((d) => !d.delayLoad && (d.status === 'not-found' || d.status === 'toolchain-only')).map((d) => d.name);
    json.ok = json.missing.length === 0;
    const lines: string[] = [`${binary}: ${pe.is64 ? 'PE32+' : 'PE32'} ${pe.machine} ${pe.subsystem}`];
    json.dlls.forEach((d, i) => {
      const indent = '  '.repeat(1 + (depths[i] ?? 0));
      const by = (depths[i] ?? 0) > 0 ? ` (needed by ${d.neededBy})` : '';
      const delay = d.delayLoad ? ' [delay-load]' : '';
      if (d.status === 'system') lines.push(`${indent}✓ ${d.name}${by}${delay} — Windows system DLL`);
      else if (d.status === 'found') lines.push(`${indent}✓ ${d.name}${by}${delay} — ${WHERE_TEXT[d.where!]}: ${d.path}`);
      else {
        const mark = d.delayLoad ? '!' : '✗';
        const tail =
          d.status === 'toolchain-only'
            ? `NOT FOUND by Windows; it is in the toolchain folder ${d.toolchainDir}, which the loader does not search — copy it next to the .exe or put that folder on PATH`
            : 'NOT FOUND';
        lines.push(`${indent}${mark} ${d.name}${by}${delay} — ${tail}${d.delayLoad ? ' (delay-loaded: fails only when first used)' : ''}`);
      }
    });
    if (json.ok) lines.push('✓ Every DLL the binary needs at start-up is found.');
    else
      lines.push(
        `✗ ${json.missing.length} DLL${json.missing.length > 1 ? 's' : ''} will not be found: the program fails to start with 0xc0000135 (STATUS_DLL_NOT_FOUND).`,
        '  Fix: ship them next to the .exe, or relink with `#cgo windows LDFLAGS: -static-libgcc -static-libstdc++` (posix-thread-model toolchains: -static) for the MinGW-w64 runtime DLLs.',
      );
    return { exitCode: json.ok ? 0 : 1, text: lines.join('\n') + '\n', json };
  } catch (e) {
    json.error = e instanceof Error ? e.message : String(e);
    return { exitCode: 2, text: `✗ ${binary}: ${json.error}\n`, json };
  }
}
