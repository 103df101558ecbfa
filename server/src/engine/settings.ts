// Settings (section `cgo`): one schema with defaults, validated; unknown keys and bad values are reported
// as warnings and replaced by defaults — never a crash.

export interface Settings {
  /** Extra environment for go, the C compiler and pkg-config (e.g. { CC: "x86_64-w64-mingw32-gcc" }). */
  env: Record<string, string>;
  /** Path of the go command to use instead of the first `go` on PATH. */
  goCommand: string | null;
  /** Kill a compiler / pkg-config run after this many milliseconds. */
  compilerTimeoutMs: number;
  /** Wait this long after the last edit inside a preamble before running the compiler. */
  debounceMs: number;
  /** Run the C compiler on unsaved edits inside a preamble (true) or only on open/save (false). */
  compileOnChange: boolean;
  /** `workspace`: publish diagnostics for every cgo file in the workspace; `openFiles`: only open files. */
  diagnosticsScope: 'workspace' | 'openFiles';
  /** Compare the editor's environment with the login shell's (`$SHELL -lic env`). */
  checkShellEnv: boolean;
  /** Extra targets to evaluate (e.g. ["windows/amd64", "darwin/arm64"]). */
  targets: string[];
  /** Folders skipped when walking the workspace. */
  ignoreDirs: string[];
  /**
   * gopls runs beside cgo-ls (the usual setup): the editor adapter leaves out a diagnostic that gopls publishes
   * at the same range in the same words (CodeInfo.gopls.sameWords); its code actions are still offered there.
   */
  besideGopls: boolean;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export const defaultSettings: Settings = {
  env: {},
  goCommand: null,
  compilerTimeoutMs: 20_000,
  debounceMs: 300,
  compileOnChange: true,
  diagnosticsScope: 'workspace',
  checkShellEnv: true,
  targets: [],
  ignoreDirs: ['.git', 'node_modules', 'vendor', 'testdata'],
  besideGopls: true,
  logLevel: 'info',
};

/** Settings that can point cgo-ls at executables: taken only from the user's own settings or a trusted workspace. */
export const EXECUTABLE_SETTINGS = ['env', 'goCommand'] as const;

export interface SettingsResult {
  settings: Settings;
  warnings: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a raw settings object (the `cgo` section). Accepts `{cgo: {...}}` too, since Helix sends its whole
 * `config` table and some clients wrap the section.
 */
export function parseSettings(raw: unknown, base: Settings = defaultSettings): SettingsResult {
  const warnings: string[] = [];
  const s: Settings = { ...base, env: { ...base.env }, targets: [...base.targets], ignoreDirs: [...base.ignoreDirs] };
  if (raw === undefined || raw === null) return { settings: s, warnings };
  if (!isPlainObject(raw)) {
    warnings.push(`settings: expected an object for section "cgo", got ${typeof raw}; using defaults`);
    return { settings: s, warnings };
  }
  const obj = isPlainObject(raw['cgo']) ? (raw['cgo'] as Record<string, unknown>) : raw;
  for (const [key, value] of Object.entries(obj)) {
    const bad = (want: string) => warnings.push(`settings: cgo.${key} must be ${want}; ignoring ${JSON.stringify(value)}`);
    switch (key) {
      case 'env':
        if (!isPlainObject(value)) bad('an object of strings');
        else {
          const env: Record<string, string> = {};
          for (const [k, v] of Object.entries(value)) {
            if (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) env[k] = v;
            else warnings.push(`settings: cgo.env.${k} ignored (names must be identifiers and values strings)`);
          }
          s.env = env;
        }
        break;
      case 'goCommand':
        if (value === null || value === '') s.goCommand = null;
        else if (typeof value === 'string') s.goCommand = value;
        else bad('a string');
        break;
      case 'compilerTimeoutMs':
      case 'debounceMs':
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 600_000) s[key] = Math.round(value);
        else bad('a number of milliseconds between 0 and 600000');
        break;
      case 'compileOnChange':
      case 'checkShellEnv':
      case 'besideGopls':
        if (typeof value === 'boolean') s[key] = value;
        else bad('true or false');
        break;
      case 'diagnosticsScope':
        if (value === 'workspace' || value === 'openFiles') s.diagnosticsScope = value;
        else bad('"workspace" or "openFiles"');
        break;
      case 'targets': {
        const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
        if (Array.isArray(list) && list.every((t) => typeof t === 'string' && /^[a-z0-9]+\/[a-z0-9]+$/.test(t))) s.targets = list as string[];
        else bad('a list of GOOS/GOARCH pairs such as ["linux/amd64", "windows/amd64"]');
        break;
      }
      case 'ignoreDirs':
        if (Array.isArray(value) && value.every((t) => typeof t === 'string')) s.ignoreDirs = value as string[];
        else bad('a list of folder names');
        break;
      case 'logLevel':
        if (value === 'error' || value === 'warn' || value === 'info' || value === 'debug') s.logLevel = value;
        else bad('one of "error", "warn", "info", "debug"');
        break;
      case 'trace':
        break; // VS Code's `cgo.trace.server` is handled by the client library.
      case 'workspaceTrusted':
        if (typeof value !== 'boolean') bad('true or false');
        break; // read by the LSP adapter from initializationOptions
      default:
        warnings.push(`settings: unknown setting cgo.${key} ignored`);
    }
  }
  return { settings: s, warnings };
}

/**
 * What a workspace the client reports as untrusted (`workspaceTrusted: false`) may choose, per setting. The
 * "user" value is the one from `initializationOptions` (the client's own, user-level configuration) or the
 * default; the "workspace" value arrives through `workspace/configuration` / `didChangeConfiguration`.
 * protocol.md renders this table ("Trust").
 */
export const UNTRUSTED_RULES: Record<Exclude<keyof Settings, never>, string> = {
  env: 'refused: the user value is kept (it chooses programs: CC, CGO_CFLAGS the go command passes unchecked)',
  goCommand: 'refused: the user value is kept (it chooses the go program)',
  compilerTimeoutMs: 'clamped to 1000 … the user value (default 20000): a workspace may shorten compiler runs, not lengthen them',
  debounceMs: 'clamped to the user value (default 300) … 10000: a workspace may compile less often, not more',
  compileOnChange: 'may turn it off, not on',
  diagnosticsScope: 'may narrow it to "openFiles", not widen it to "workspace" (which compiles files nobody opened)',
  checkShellEnv: 'may turn it off, not on (it runs the login shell)',
  targets: 'at most 8 targets (each looks up, and may run, a compiler)',
  ignoreDirs: "may add folder names (at most 200); the user's names are always kept",
  besideGopls: 'accepted',
  logLevel: 'accepted',
};

export const UNTRUSTED_MAX_TARGETS = 8;
export const UNTRUSTED_MAX_IGNORE_DIRS = 200;
export const UNTRUSTED_MIN_TIMEOUT_MS = 1000;
export const UNTRUSTED_MAX_DEBOUNCE_MS = 10_000;

/**
 * Applies UNTRUSTED_RULES: `workspace` is what the workspace configuration asked for (already validated), `user`
 * what the user's own configuration says. Every value changed is named in a warning (the client logs it).
 */
export function restrictUntrusted(workspace: Settings, user: Settings): SettingsResult {
  const s: Settings = { ...workspace, env: { ...workspace.env }, targets: [...workspace.targets], ignoreDirs: [...workspace.ignoreDirs] };
  const warnings: string[] = [];
  const why = 'the client reports the workspace as untrusted (workspaceTrusted: false)';
  const note = (key: keyof Settings, asked: unknown, used: unknown) => {
    if (JSON.stringify(asked) !== JSON.stringify(used)) {
      warnings.push(`settings: cgo.${key} ${JSON.stringify(asked)} from the workspace configuration ${JSON.stringify(asked) === JSON.stringify(user[key]) ? 'ignored' : `not applied, using ${JSON.stringify(used)}`}: ${why} (${UNTRUSTED_RULES[key]})`);
    }
  };
  // Refused outright.
  note('env', workspace.env, user.env);
  s.env = { ...user.env };
  note('goCommand', workspace.goCommand, user.goCommand);
  s.goCommand = user.goCommand;
  // Clamped.
  s.compilerTimeoutMs = Math.max(Math.min(UNTRUSTED_MIN_TIMEOUT_MS, user.compilerTimeoutMs), Math.min(workspace.compilerTimeoutMs, user.compilerTimeoutMs));
  note('compilerTimeoutMs', workspace.compilerTimeoutMs, s.compilerTimeoutMs);
  s.debounceMs = Math.min(Math.max(workspace.debounceMs, user.debounceMs), Math.max(UNTRUSTED_MAX_DEBOUNCE_MS, user.debounceMs));
  note('debounceMs', workspace.debounceMs, s.debounceMs);
  s.compileOnChange = workspace.compileOnChange && user.compileOnChange;
  note('compileOnChange', workspace.compileOnChange, s.compileOnChange);
  s.checkShellEnv = workspace.checkShellEnv && user.checkShellEnv;
  note('checkShellEnv', workspace.checkShellEnv, s.checkShellEnv);
  s.diagnosticsScope = user.diagnosticsScope === 'openFiles' ? 'openFiles' : workspace.diagnosticsScope;
  note('diagnosticsScope', workspace.diagnosticsScope, s.diagnosticsScope);
  s.targets = workspace.targets.slice(0, Math.max(UNTRUSTED_MAX_TARGETS, user.targets.length));
  note('targets', workspace.targets, s.targets);
  const dirs = [...new Set([...user.ignoreDirs, ...workspace.ignoreDirs])];
  s.ignoreDirs = dirs.slice(0, Math.max(UNTRUSTED_MAX_IGNORE_DIRS, user.ignoreDirs.length));
  note('ignoreDirs', workspace.ignoreDirs, s.ignoreDirs);
  return { settings: s, warnings };
}
