// Settings (section `cgo`): one valibot schema carries, per setting, its type and validation, its default, its
// description (for protocol.md and for the VS Code manifest) and its trust rule (what an untrusted workspace may
// set). Unknown keys and bad values are reported as warnings and replaced by defaults — never a crash.
// protocol.md's settings and trust tables and clients/vscode/package.json `contributes.configuration` are generated
// from it (settings-doc.ts, `node scripts/settings-doc.mjs`; `--check` and test/engine/settings-doc.test.ts verify).
import * as v from 'valibot';

/** What a setting carries besides its validation (valibot metadata of its schema). */
export type SettingMeta<T> = {
  /** Default when the setting is absent or invalid. */
  default: T;
  /** The end of the warning "cgo.<key> must be …" for a value the schema rejects. */
  want: string;
  /** protocol.md: the Type column (markdown). */
  type: string;
  /** protocol.md: the Meaning column (markdown); also the schema's description. */
  meaning: string;
  /** VS Code `contributes.configuration` entry: the JSON-schema part before `default`, and after it. */
  vscode: { schema: Record<string, unknown>; extra?: Record<string, unknown>; markdownDescription: string };
  /** What an untrusted workspace may choose (protocol.md "Trust", and the reason in each warning). */
  untrusted: string;
  /** Applies `untrusted`: the value used, given the workspace's (validated) value and the user's. */
  restrict: (workspace: T, user: T) => T;
  /** Warnings for parts of an accepted value that were dropped. */
  notes?: (raw: unknown) => string[];
};

export const UNTRUSTED_MAX_TARGETS = 8;
export const UNTRUSTED_MAX_IGNORE_DIRS = 200;
export const UNTRUSTED_MIN_TIMEOUT_MS = 1000;
export const UNTRUSTED_MAX_DEBOUNCE_MS = 10_000;
const MAX_MS = 600_000;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TARGET_PATTERN = '^[a-z0-9]+/[a-z0-9]+$';
const TARGET = new RegExp(TARGET_PATTERN);

function setting<T>(schema: v.GenericSchema<unknown, T>, meta: SettingMeta<NoInfer<T>>) {
  return v.pipe(schema, v.description(meta.meaning), v.metadata(meta));
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const milliseconds = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_MS), v.transform(Math.round));
const msWant = `a number of milliseconds between 0 and ${MAX_MS}`;
const refused = <T>(_workspace: T, user: T): T => user;

/** The settings of section `cgo`, in the order protocol.md and the VS Code manifest list them. */
export const settingsSchema = v.object({
  env: setting(
    v.pipe(
      v.custom<Record<string, unknown>>(isPlainObject),
      v.transform((obj): Record<string, string> => {
        const env: Record<string, string> = {};
        for (const [k, val] of Object.entries(obj)) if (typeof val === 'string' && ENV_NAME.test(k)) env[k] = val;
        return env;
      }),
    ),
    {
      default: {},
      want: 'an object of strings',
      type: 'object of strings',
      meaning:
        'Environment overrides for go, the C compiler and pkg-config (e.g. `{"CC": "x86_64-w64-mingw32-gcc"}`); reported with provenance "editor settings"',
      vscode: {
        schema: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { scope: 'machine-overridable' },
        markdownDescription:
          'Environment overrides for `go`, the C compiler and `pkg-config`, e.g. `{"CC": "x86_64-w64-mingw32-gcc"}`. The toolchain report shows them with the provenance "editor settings". Read from user settings only in Restricted Mode.',
      },
      untrusted: 'refused: the user value is kept (it chooses programs: `CC`, `CGO_CFLAGS` the go command passes unchecked)',
      restrict: (_w, user) => ({ ...user }),
      notes: (raw) =>
        isPlainObject(raw)
          ? Object.entries(raw)
              .filter(([k, val]) => !(typeof val === 'string' && ENV_NAME.test(k)))
              .map(([k]) => `settings: cgo.env.${k} ignored (names must be identifiers and values strings)`)
          : [],
    },
  ),
  goCommand: setting(
    v.pipe(
      v.nullable(v.string()),
      v.transform((s) => (s === '' ? null : s)),
    ),
    {
      default: null,
      want: 'a string',
      type: 'string \\| null',
      meaning: 'Use this `go` instead of the first on PATH',
      vscode: {
        schema: { type: ['string', 'null'] },
        extra: { scope: 'machine-overridable' },
        markdownDescription: 'Path of the `go` command to use instead of the first `go` on `PATH`. Read from user settings only in Restricted Mode.',
      },
      untrusted: 'refused: the user value is kept (it chooses the go program)',
      restrict: refused,
    },
  ),
  compilerTimeoutMs: setting(milliseconds, {
    default: 20_000,
    want: msWant,
    type: 'number',
    meaning: 'Kill a compiler/pkg-config run (and its children) after this long',
    vscode: {
      schema: { type: 'number' },
      extra: { minimum: 0, maximum: MAX_MS },
      markdownDescription: 'Kill a compiler or `pkg-config` run (and its children) after this many milliseconds.',
    },
    untrusted: `clamped to ${UNTRUSTED_MIN_TIMEOUT_MS} … the user value (default 20000): a workspace may shorten compiler runs, not lengthen them`,
    restrict: (w, user) => Math.max(Math.min(UNTRUSTED_MIN_TIMEOUT_MS, user), Math.min(w, user)),
  }),
  debounceMs: setting(milliseconds, {
    default: 300,
    want: msWant,
    type: 'number',
    meaning: 'Wait after the last edit inside a preamble before compiling',
    vscode: {
      schema: { type: 'number' },
      extra: { minimum: 0, maximum: MAX_MS },
      markdownDescription: 'Wait this many milliseconds after the last edit inside a cgo preamble before running the C compiler.',
    },
    untrusted: `clamped to the user value (default 300) … ${UNTRUSTED_MAX_DEBOUNCE_MS}: a workspace may compile less often, not more`,
    restrict: (w, user) => Math.min(Math.max(w, user), Math.max(UNTRUSTED_MAX_DEBOUNCE_MS, user)),
  }),
  compileOnChange: setting(v.boolean(), {
    default: true,
    want: 'true or false',
    type: 'boolean',
    meaning: 'Compile unsaved preamble edits (`false`: only on open/save)',
    vscode: {
      schema: { type: 'boolean' },
      markdownDescription:
        'Compile unsaved preamble edits. When off, the compiler-backed checks run only on open and save; the static checks still run on every change.',
    },
    untrusted: 'may turn it off, not on',
    restrict: (w, user) => w && user,
  }),
  diagnosticsScope: setting(v.picklist(['workspace', 'openFiles']), {
    default: 'workspace',
    want: '"workspace" or "openFiles"',
    type: '`"workspace"` \\| `"openFiles"`',
    meaning: 'Which files get diagnostics',
    vscode: {
      schema: {
        type: 'string',
        enum: ['workspace', 'openFiles'],
        enumDescriptions: ['Publish diagnostics for every cgo file in the workspace.', 'Publish diagnostics for open files only.'],
      },
      markdownDescription: 'Which files get diagnostics.',
    },
    untrusted: 'may narrow it to `"openFiles"`, not widen it to `"workspace"` (which compiles files nobody opened)',
    restrict: (w, user) => (user === 'openFiles' ? 'openFiles' : w),
  }),
  checkShellEnv: setting(v.boolean(), {
    default: true,
    want: 'true or false',
    type: 'boolean',
    meaning: "Compare the server's environment with `$SHELL -lic env` (once, with a timeout)",
    vscode: {
      schema: { type: 'boolean' },
      markdownDescription:
        "Compare the editor's environment with the login shell's (`$SHELL -lic env`, once, with a timeout) and report drift such as a `PATH` without Go.",
    },
    untrusted: 'may turn it off, not on (it runs the login shell)',
    restrict: (w, user) => w && user,
  }),
  targets: setting(
    v.pipe(
      v.union([
        v.pipe(
          v.string(),
          v.transform((s) => s.split(/[\s,]+/).filter(Boolean)),
        ),
        v.array(v.string()),
      ]),
      v.array(v.pipe(v.string(), v.regex(TARGET))),
    ),
    {
      default: [],
      want: 'a list of GOOS/GOARCH pairs such as ["linux/amd64", "windows/amd64"]',
      type: 'string[]',
      meaning: 'Extra `GOOS/GOARCH` targets to evaluate',
      vscode: {
        schema: { type: 'array', items: { type: 'string', pattern: TARGET_PATTERN, patternErrorMessage: 'GOOS/GOARCH, e.g. windows/amd64' } },
        markdownDescription: 'Extra `GOOS/GOARCH` targets to evaluate, e.g. `["windows/amd64", "darwin/arm64"]`.',
      },
      untrusted: `at most ${UNTRUSTED_MAX_TARGETS} targets (each looks up, and may run, a compiler)`,
      restrict: (w, user) => w.slice(0, Math.max(UNTRUSTED_MAX_TARGETS, user.length)),
    },
  ),
  ignoreDirs: setting(v.array(v.string()), {
    default: ['.git', 'node_modules', 'vendor', 'testdata'],
    want: 'a list of folder names',
    type: 'string[]',
    meaning: 'Folder names skipped when walking',
    vscode: { schema: { type: 'array', items: { type: 'string' } }, markdownDescription: 'Folder names skipped when walking the workspace.' },
    untrusted: `may add folder names (at most ${UNTRUSTED_MAX_IGNORE_DIRS}); the user's names are always kept`,
    restrict: (w, user) => [...new Set([...user, ...w])].slice(0, Math.max(UNTRUSTED_MAX_IGNORE_DIRS, user.length)),
  }),
  besideGopls: setting(v.boolean(), {
    default: true,
    want: 'true or false',
    type: 'boolean',
    meaning:
      "gopls runs beside cgo-ls: a diagnostic gopls publishes on the same line in the same words (`cgo/renamed-import`) is left to gopls; its code actions are still offered there. See *Beside gopls* in each code's section",
    vscode: {
      schema: { type: 'boolean' },
      markdownDescription:
        'gopls runs beside cgo-ls: leave out a diagnostic gopls publishes on the same line in the same words (`cgo/renamed-import`); its code actions are still offered there.',
    },
    untrusted: 'accepted',
    restrict: (w) => w,
  }),
  logLevel: setting(v.picklist(['error', 'warn', 'info', 'debug']), {
    default: 'info',
    want: 'one of "error", "warn", "info", "debug"',
    type: '`"error"`\\|`"warn"`\\|`"info"`\\|`"debug"`',
    meaning: 'Server log verbosity (`window/logMessage`)',
    vscode: {
      schema: { type: 'string', enum: ['error', 'warn', 'info', 'debug'] },
      markdownDescription: 'Server log verbosity (the **cgo-ls** output channel).',
    },
    untrusted: 'accepted',
    restrict: (w) => w,
  }),
});

export type Settings = v.InferOutput<typeof settingsSchema>;
export type SettingKey = keyof Settings;

/** The setting names, in schema order. */
export const SETTING_KEYS = Object.keys(settingsSchema.entries) as SettingKey[];

/** The metadata of one setting. */
export function settingMeta<K extends SettingKey>(key: K): SettingMeta<Settings[K]> {
  return v.getMetadata(settingsSchema.entries[key]) as unknown as SettingMeta<Settings[K]>;
}

function copy<T>(x: T): T {
  return Array.isArray(x) ? (x.slice() as T) : isPlainObject(x) ? ({ ...x } as T) : x;
}

export const defaultSettings: Settings = Object.fromEntries(SETTING_KEYS.map((k) => [k, settingMeta(k).default])) as Settings;

/** Settings that can point cgo-ls at executables (refused from an untrusted workspace): env and goCommand. */
export const EXECUTABLE_SETTINGS = ['env', 'goCommand'] as const satisfies readonly SettingKey[];

/** What an untrusted workspace may choose, per setting (protocol.md renders it: "Trust"). */
export const UNTRUSTED_RULES = Object.fromEntries(SETTING_KEYS.map((k) => [k, settingMeta(k).untrusted])) as Record<SettingKey, string>;

export interface SettingsResult {
  settings: Settings;
  warnings: string[];
}

function cloneSettings(s: Settings): Settings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, copy(s[k])])) as Settings;
}

/** Keys of the section that are not settings of the server but are accepted without a warning. */
const OTHER_KEYS: Record<string, (value: unknown) => string | null> = {
  // VS Code's `cgo.trace.server` is handled by the client library.
  trace: () => null,
  // Read by the LSP adapter from initializationOptions.
  workspaceTrusted: (value) => (typeof value === 'boolean' ? null : 'true or false'),
};

/**
 * Validates a raw settings object (the `cgo` section) against the schema. Accepts `{cgo: {...}}` too, since Helix
 * sends its whole `config` table and some clients wrap the section.
 */
export function parseSettings(raw: unknown, base: Settings = defaultSettings): SettingsResult {
  const warnings: string[] = [];
  const s = cloneSettings(base);
  if (raw === undefined || raw === null) return { settings: s, warnings };
  if (!isPlainObject(raw)) {
    warnings.push(`settings: expected an object for section "cgo", got ${typeof raw}; using defaults`);
    return { settings: s, warnings };
  }
  const obj = isPlainObject(raw['cgo']) ? raw['cgo'] : raw;
  const out = s as Record<SettingKey, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    const bad = (want: string) => warnings.push(`settings: cgo.${key} must be ${want}; ignoring ${JSON.stringify(value)}`);
    if (Object.hasOwn(settingsSchema.entries, key)) {
      const k = key as SettingKey;
      const meta = settingMeta(k);
      const r = v.safeParse(settingsSchema.entries[k], value);
      if (!r.success) {
        bad(meta.want);
        continue;
      }
      out[k] = r.output;
      warnings.push(...(meta.notes?.(value) ?? []));
    } else if (Object.hasOwn(OTHER_KEYS, key)) {
      const want = OTHER_KEYS[key]!(value);
      if (want !== null) bad(want);
    } else warnings.push(`settings: unknown setting cgo.${key} ignored`);
  }
  return { settings: s, warnings };
}

/**
 * Applies each setting's trust rule: `workspace` is what the workspace configuration asked for (already
 * validated), `user` what the user's own configuration says (initializationOptions or the defaults). Every value
 * changed is named in a warning (the client logs it).
 */
export function restrictUntrusted(workspace: Settings, user: Settings): SettingsResult {
  const s = cloneSettings(workspace);
  const out = s as Record<SettingKey, unknown>;
  const warnings: string[] = [];
  const why = 'the client reports the workspace as untrusted (workspaceTrusted: false)';
  for (const key of SETTING_KEYS) {
    const meta = settingMeta(key) as SettingMeta<unknown>;
    const asked = workspace[key];
    const used = copy(meta.restrict(copy(asked), copy(user[key])));
    out[key] = used;
    const a = JSON.stringify(asked);
    if (a !== JSON.stringify(used)) {
      const what = a === JSON.stringify(user[key]) ? 'ignored' : `not applied, using ${JSON.stringify(used)}`;
      warnings.push(`settings: cgo.${key} ${a} from the workspace configuration ${what}: ${why} (${meta.untrusted})`);
    }
  }
  return { settings: s, warnings };
}
