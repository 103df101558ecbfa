// The toolchain model: which go, which C compiler, is cgo on and why, and where every value came from.
// CONTRACT used by the engine and the compiler stage; the toolchain stage may add fields, never remove them.
import type { GoVersion } from '../core/goversion.js';
import type { CgoDiagnostic } from '../core/types.js';

/** Where a value came from, in cmd/go's precedence order. */
export type ValueSource =
  | 'process-env' // the environment cgo-ls (and so the go command it runs) sees
  | 'editor-settings' // cgo.env setting, applied on top of the process env
  | 'goenv-file' // `go env -w` (the GOENV file)
  | 'goroot-go.env' // $GOROOT/go.env (1.21+)
  | 'default' // built into the toolchain (DefaultCC, -O2 -g …)
  | 'computed'; // derived by the go command (CGO_ENABLED auto-disable, GOOS from host …)

export interface EnvValue {
  value: string;
  source: ValueSource;
  /** The file for goenv-file / goroot-go.env. */
  file?: string;
}

export interface CompilerInfo {
  /** CC as the go command splits it (quoted.Split): argv[0] is the program. */
  argv: string[];
  /** Where the CC value came from. */
  source: ValueSource;
  /** Absolute path LookPath found, or null. */
  path: string | null;
  /** gcc | clang | zig | msvc-cl | clang-cl | unknown */
  family: 'gcc' | 'clang' | 'zig' | 'msvc-cl' | 'clang-cl' | 'unknown';
  /** Flavour details: mingw-w64, llvm-mingw, cygwin, apple, debian … */
  flavor?: string;
  version?: string;
  /** `-dumpmachine` target triple. */
  target?: string;
  /** Raw first line of --version, for reports. */
  banner?: string;
}

export interface ToolchainModel {
  /** Workspace folder the model is for (cwd of every probe). */
  folder: string;
  go: {
    /** The go that wins on PATH (what the user's shell would run), or null. */
    path: string | null;
    /** Every `go` on PATH, in order. */
    candidates: string[];
    version: GoVersion | null;
    goroot?: string;
    /** Raw `go env -json` output (parsed), when the probe ran. */
    env?: Record<string, string>;
    /** Error text when the probe failed. */
    error?: string;
  };
  /** Target and host. */
  goos: string;
  goarch: string;
  hostGoos: string;
  hostGoarch: string;
  /** Values with provenance: CGO_ENABLED, CC, CXX, CGO_CFLAGS …, GOOS, GOARCH, GOFLAGS, GODEBUG, PKG_CONFIG … */
  values: Record<string, EnvValue>;
  cgo: {
    enabled: boolean;
    /** One sentence: why (explicit, cross-compiling, CC unset and gcc not on PATH, default …). */
    reason: string;
    source: ValueSource;
  };
  cc: CompilerInfo | null;
  cxx: CompilerInfo | null;
  pkgConfig: { argv: string[]; path: string | null; version?: string; pkgConfigPath?: string };
  /** The environment to run the C compiler / pkg-config with (process env + editor overrides + go env values). */
  childEnv: NodeJS.ProcessEnv;
  /** Flags the go command puts before directive flags: CGO_CPPFLAGS, CGO_CFLAGS, CGO_CXXFLAGS, CGO_LDFLAGS (split). */
  envFlags: { CPPFLAGS: string[]; CFLAGS: string[]; CXXFLAGS: string[]; LDFLAGS: string[] };
  /** Stable hash of everything that can change a compiler result (go version, CC path+mtime, flags, env). */
  fingerprint: string;
  /** Toolchain problems; the engine places them (import "C" lines, go.mod) via toolchainDiagnostics(). */
  problems: ToolchainProblem[];
}

export interface ToolchainProblem {
  code: string;
  severity: CgoDiagnostic['severity'];
  /** Full message: value, where it came from, and the fix. */
  message: string;
  /** Where it belongs: every cgo file's import "C", or go.mod (line of the go/toolchain directive). */
  target: 'import-c' | 'go.mod';
  goModLine?: number;
  data?: Record<string, unknown>;
}
