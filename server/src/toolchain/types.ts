// The toolchain model: which go, which C compiler, is cgo on and why, and where every value came from.
// CONTRACT used by the engine and the compiler stage; the toolchain stage may add fields, never remove them.
import type { GoVersion } from '../core/goversion.js';
import type { CgoDiagnostic, DiagnosticText } from '../core/types.js';

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
  /** Added: LookPath's error text (Go's wording) when `path` is null. */
  lookPathError?: string;
  /** Added: why the identity probe failed (spawn error, timeout). */
  error?: string;
  /** Added: mtime of `path` (part of the fingerprint). */
  mtimeMs?: number;
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
    /** Added: first line of `go version`. */
    versionOutput?: string;
    /** Added: whether the winner is $GOROOT/bin/go (after resolving symlinks); null when unknown. */
    winnerIsGoroot?: boolean | null;
  };
  /** Added: the GOENV file (`go env -w`) the go command reads, and whether it exists. */
  envFile?: { path: string | null; exists: boolean; reason?: string };
  /** Added: module context of the folder and what GOTOOLCHAIN does with it. */
  module?: {
    mode: 'module' | 'workspace' | 'gopath' | 'none';
    goMod: string | null;
    goWork: string | null;
    /** `go` line of go.work (workspace) or go.mod, with its 0-based line. */
    goLine?: { value: string; line: number; file: string };
    toolchainLine?: { value: string; line: number; file: string };
    gotoolchain?: EnvValue;
    /** What the go command does: run the local toolchain, refuse, or switch to `toolchain`. */
    selection?: { action: 'ok' | 'error' | 'switch'; how?: 'download' | 'path' | 'pinned'; toolchain?: string; message?: string };
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
    /** Added: which rule of the decision order applied. */
    rule?: 'explicit' | 'cross-compiling' | 'unsupported' | 'no-default-cc' | 'default' | 'toolchain-built';
  };
  cc: CompilerInfo | null;
  cxx: CompilerInfo | null;
  pkgConfig: {
    argv: string[];
    path: string | null;
    version?: string;
    pkgConfigPath?: string;
    /** Added: where PKG_CONFIG came from. */
    source?: ValueSource;
    /** Added: LookPath's error text when `path` is null. */
    lookPathError?: string;
  };
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
  /** Full message in the one shape (core/message.ts): the cause, "Fix: …", then the value's provenance. */
  message: DiagnosticText;
  /** Where it belongs: every cgo file's import "C", or go.mod (line of the go/toolchain directive). */
  target: 'import-c' | 'go.mod';
  /** 0-based line in `goModFile` (Go's own messages, quoted in `message`, count from 1). */
  goModLine?: number;
  /** Added: the go.mod or go.work file `goModLine` is in. */
  goModFile?: string;
  data?: Record<string, unknown>;
}
