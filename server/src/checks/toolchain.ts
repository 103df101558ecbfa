// The toolchain codes: found by the toolchain probe (toolchain/probe.ts, toolchain/rules.ts) as `ToolchainProblem`s
// with their messages built there; their catalogue rows stay beside the producer (toolchain/codes.ts). This check
// puts the problems that concern cgo files on `import "C"` (and those about go.mod on its line), and holds the
// codes' payloads and fixes: `go env -w/-u` changes that run only when the user picks them, install commands.
import type { CgoDiagnostic, Range } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import { isFileIncluded } from '../gomodel/preamble.js';
import { codes, type ToolchainCode } from '../toolchain/codes.js';
import type { ToolchainModel, ToolchainProblem } from '../toolchain/types.js';
import { defineCheck, type FileInput } from './check.js';
import { crossCompilerFor, envTools, goEnvU, installCompilerCommand, onPath, showInstall, type Fix, type FixInput } from './fix.js';

/**
 * What the probe records with a problem (toolchain/probe.ts builds it as a record): the fields fixes and the engine
 * read are named; the rest (paths, versions, the probe's own errors) is kept for reports.
 */
interface ProblemPayload {
  /** The environment variable at fault (CC, CXX, CGO_CFLAGS…), its value and where it was set. */
  variable?: string;
  value?: string;
  source?: string;
  /** Put on `import "C"` only where the file's package uses C++ / `#cgo pkg-config`. */
  onlyIfCxxUsed?: boolean;
  onlyIfPkgConfigUsed?: boolean;
  [key: string]: unknown;
}

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/go-not-found': ProblemPayload;
    'cgo/go-env-failed': ProblemPayload;
    'cgo/go-shadowed': ProblemPayload;
    'cgo/goroot-mismatch': ProblemPayload;
    'cgo/go-version-too-old': ProblemPayload;
    'cgo/toolchain-switch': ProblemPayload;
    /** The CGO_ENABLED rule (`explicit`, `cross-compiling`, `no-default-cc`, `unsupported`); engine/cgooff.ts adds what breaks (`cgoOff`). */
    'cgo/disabled': ProblemPayload & { rule?: string; cgoOff?: string; name?: string; names?: string[] };
    'cgo/cc-not-found': ProblemPayload;
    'cgo/cc-invalid-env': ProblemPayload;
    'cgo/cc-wrong-target': ProblemPayload;
    'cgo/cc-probe-failed': ProblemPayload;
    'cgo/msvc-compiler': ProblemPayload;
    'cgo/cygwin-compiler': ProblemPayload;
    'cgo/mingw32-for-amd64': ProblemPayload;
    'cgo/cgocheck-off': ProblemPayload;
    'cgo/cgocheck2-removed': ProblemPayload;
    'cgo/godebug-cgocheck-gomod': ProblemPayload;
    'cgo/env-drift': ProblemPayload;
    'cgo/gopath-mode': ProblemPayload;
    'cgo/pkg-config-missing': ProblemPayload;
    'cgo/wsl-windows-toolchain': ProblemPayload;
    'cgo/goenv-unreadable': ProblemPayload;
  }
}

function problemAt(file: string, range: Range, p: ToolchainProblem): CgoDiagnostic {
  return { file, range, severity: p.severity, code: p.code, message: p.message, data: { ...(p.data ?? {}), code: p.code } };
}

/** Toolchain problems that concern cgo files, on the `import "C"` of every file that is (or would be) built. */
function run({ file, ctx, toolchain: tc, directives, hasCxxFiles }: FileInput & { toolchain: ToolchainModel }): CgoDiagnostic[] {
  const target = file.cImports[0];
  if (!file.importsC || !target) return [];
  if (!isFileIncluded(file, { ...ctx, cgoEnabled: true }).included) return [];
  const out: CgoDiagnostic[] = [];
  const usesPkgConfig = (directives?.flags.pkgConfig.length ?? 0) > 0;
  const usesCxx = (directives?.flags.CXXFLAGS.length ?? 0) > 0 || (tc.problems.some((p) => p.data?.['onlyIfCxxUsed']) && hasCxxFiles());
  for (const p of tc.problems) {
    if (p.target !== 'import-c') continue;
    if (p.data?.['onlyIfPkgConfigUsed'] && !usesPkgConfig) continue;
    if (p.data?.['onlyIfCxxUsed'] && !usesCxx) continue;
    out.push(problemAt(file.path, target.pathRange, p));
  }
  return out;
}

/** The toolchain problems about go.mod, each on the line it names. */
export function goModDiagnostics(file: string, text: string, tc: ToolchainModel): CgoDiagnostic[] {
  const lines = LineIndex.of(text);
  const out: CgoDiagnostic[] = [];
  for (const p of tc.problems) {
    if (p.target !== 'go.mod') continue;
    const line = Math.max(0, Math.min(p.goModLine ?? 0, lines.lineCount - 1));
    out.push(problemAt(file, { start: { line, character: 0 }, end: { line, character: lines.lineText(line).length } }, p));
  }
  return out;
}

/** A compiler for the wrong target (or MSVC, Cygwin, 32-bit MinGW): the usual cross compiler for GOOS/GOARCH. */
function wrongCompilerFixes({ d, data, ctx }: FixInput<'cgo/cc-wrong-target' | 'cgo/msvc-compiler' | 'cgo/cygwin-compiler' | 'cgo/mingw32-for-amd64'>): Fix[] {
  const { tc, folder, goEnvW } = envTools(d, ctx);
  if (!tc) return [];
  const out: Fix[] = [];
  const variable = data.variable ?? 'CC';
  const cross = crossCompilerFor(tc.goos, tc.goarch, variable);
  if (cross) out.push(goEnvW(variable, cross, `Use ${cross}: go env -w ${variable}=${cross}`, true));
  if (tc.values[variable]?.source === 'goenv-file') out.push(goEnvU(variable, d, folder));
  const install = installCompilerCommand(tc.goos, tc.goarch);
  if (install) out.push(showInstall(install, d));
  return out;
}

function ccNotFoundFixes({ d, data, ctx }: FixInput<'cgo/cc-not-found'>): Fix[] {
  const { tc, folder } = envTools(d, ctx);
  if (!tc) return [];
  const out: Fix[] = [];
  const variable = data.variable ?? 'CC';
  if (tc.values[variable]?.source === 'goenv-file') out.push(goEnvU(variable, d, folder, true));
  const install = installCompilerCommand(tc.goos, tc.goarch);
  if (install) out.push(showInstall(install, d));
  return out;
}

function disabledFixes({ d, data, ctx }: FixInput<'cgo/disabled'>): Fix[] {
  const { tc, folder, goEnvW } = envTools(d, ctx);
  if (!tc) return [];
  const out: Fix[] = [];
  const rule = data.rule;
  if (rule === 'cross-compiling') {
    const cross = crossCompilerFor(tc.goos, tc.goarch, 'CC');
    if (cross) {
      out.push(goEnvW('CGO_ENABLED', '1', `Enable cgo for ${tc.goos}/${tc.goarch}: go env -w CGO_ENABLED=1 (with CC=${cross})`));
      out.push(goEnvW('CC', cross, `Use ${cross}: go env -w CC=${cross}`));
    }
  } else if (tc.values['CGO_ENABLED']?.source === 'goenv-file') {
    out.push(goEnvU('CGO_ENABLED', d, folder, true));
  }
  const needed = rule === 'cross-compiling' ? crossCompilerFor(tc.goos, tc.goarch, 'CC') : null;
  const missing = needed ? !onPath(needed, tc.childEnv) : !tc.cc?.path;
  const install = rule === 'unsupported' ? null : installCompilerCommand(tc.goos, tc.goarch);
  if (install && missing) out.push(showInstall(install, d));
  return out;
}

function goVersionFixes({ d, ctx }: FixInput<'cgo/go-version-too-old'>): Fix[] {
  return [envTools(d, ctx).goEnvW('GOTOOLCHAIN', 'auto', 'Let the go command fetch the Go release go.mod asks for: go env -w GOTOOLCHAIN=auto')];
}

const useMingw = ['Run `go env -w CC=<MinGW-w64 compiler>`', 'Show the install command for MinGW-w64'];

export const check = defineCheck<ToolchainCode>({
  name: 'toolchain',
  codes,
  runner: { needs: 'toolchain', run },
  fixes: {
    'cgo/cc-not-found': {
      docs: ['Run `go env -u CC` when CC comes from the GOENV file', 'Show the command that installs a C compiler for this OS'],
      fix: ccNotFoundFixes,
    },
    'cgo/cc-wrong-target': {
      docs: [
        'Run `go env -w CC=<cross compiler>` (e.g. `x86_64-w64-mingw32-gcc`)',
        'Project-local `.envrc` / `.vscode/settings.json` with CC',
        'Show the install command for the cross compiler',
      ],
      fix: wrongCompilerFixes,
    },
    'cgo/msvc-compiler': { docs: useMingw, fix: wrongCompilerFixes },
    'cgo/cygwin-compiler': { docs: useMingw, fix: wrongCompilerFixes },
    'cgo/mingw32-for-amd64': { docs: ['Run `go env -w CC=x86_64-w64-mingw32-gcc`', 'Show the install command for 64-bit MinGW-w64'], fix: wrongCompilerFixes },
    'cgo/disabled': {
      docs: [
        'Cross-compiling: `go env -w CGO_ENABLED=1` and `go env -w CC=<cross compiler>`',
        'CGO_ENABLED=0 from the GOENV file: `go env -u CGO_ENABLED`',
        'Show the install command for a C compiler',
      ],
      fix: disabledFixes,
    },
    'cgo/go-version-too-old': { docs: ['Run `go env -w GOTOOLCHAIN=auto` so the go command fetches the Go release go.mod asks for'], fix: goVersionFixes },
  },
});
