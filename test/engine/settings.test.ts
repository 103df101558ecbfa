// parseSettings: the valibot schema's validation as the server and the CLI see it — bad values are named in a
// warning and replaced by the default (or the base), never a crash; what is accepted is normalised.
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { defaultSettings, parseSettings, SETTING_KEYS, settingMeta, settingsSchema, type Settings } from '../../server/src/engine/settings.js';

describe('parseSettings', () => {
  it('returns the defaults (as copies) for an absent section', () => {
    for (const raw of [undefined, null, {}]) {
      const r = parseSettings(raw);
      expect(r).toEqual({ settings: defaultSettings, warnings: [] });
      r.settings.ignoreDirs.push('x');
      r.settings.env['A'] = 'b';
    }
    expect(defaultSettings.ignoreDirs).toEqual(['.git', 'node_modules', 'vendor', 'testdata']);
    expect(defaultSettings.env).toEqual({});
  });

  it('a section that is not an object is one warning and the defaults', () => {
    expect(parseSettings('x')).toEqual({ settings: defaultSettings, warnings: ['settings: expected an object for section "cgo", got string; using defaults'] });
    expect(parseSettings([1]).warnings).toEqual(['settings: expected an object for section "cgo", got object; using defaults']);
  });

  it('accepts the section wrapped as {cgo: {...}} (Helix sends its whole config table)', () => {
    expect(parseSettings({ cgo: { debounceMs: 50 } }).settings.debounceMs).toBe(50);
  });

  it('every bad value is named in a warning and the base value is kept', () => {
    const base: Settings = { ...defaultSettings, debounceMs: 42, logLevel: 'debug' };
    const cases: [keyof Settings, unknown, string][] = [
      ['env', 'CC=gcc', 'an object of strings'],
      ['env', ['CC'], 'an object of strings'],
      ['goCommand', 7, 'a string'],
      ['compilerTimeoutMs', -1, 'a number of milliseconds between 0 and 600000'],
      ['compilerTimeoutMs', 600_001, 'a number of milliseconds between 0 and 600000'],
      ['compilerTimeoutMs', '100', 'a number of milliseconds between 0 and 600000'],
      ['debounceMs', Number.NaN, 'a number of milliseconds between 0 and 600000'],
      ['debounceMs', Number.POSITIVE_INFINITY, 'a number of milliseconds between 0 and 600000'],
      ['compileOnChange', 'yes', 'true or false'],
      ['checkShellEnv', 1, 'true or false'],
      ['besideGopls', null, 'true or false'],
      ['diagnosticsScope', 'all', '"workspace" or "openFiles"'],
      ['targets', ['linux/amd64', 'Windows/AMD64'], 'a list of GOOS/GOARCH pairs such as ["linux/amd64", "windows/amd64"]'],
      ['targets', 3, 'a list of GOOS/GOARCH pairs such as ["linux/amd64", "windows/amd64"]'],
      ['ignoreDirs', ['a', 1], 'a list of folder names'],
      ['ignoreDirs', 'vendor', 'a list of folder names'],
      ['logLevel', 'trace', 'one of "error", "warn", "info", "debug"'],
    ];
    for (const [key, value, want] of cases) {
      const r = parseSettings({ [key]: value }, base);
      expect(r.warnings, `${key}=${String(value)}`).toEqual([`settings: cgo.${key} must be ${want}; ignoring ${JSON.stringify(value)}`]);
      expect(r.settings, `${key}=${String(value)}`).toEqual(base);
    }
  });

  it('normalises what it accepts: rounded milliseconds, "" goCommand, targets as a string, bounds inclusive', () => {
    const r = parseSettings({ compilerTimeoutMs: 1234.6, debounceMs: 0, goCommand: '', targets: 'linux/arm64, windows/amd64  darwin/arm64' });
    expect(r.warnings).toEqual([]);
    expect(r.settings).toMatchObject({ compilerTimeoutMs: 1235, debounceMs: 0, goCommand: null, targets: ['linux/arm64', 'windows/amd64', 'darwin/arm64'] });
    expect(parseSettings({ compilerTimeoutMs: 600_000, goCommand: null }).settings).toMatchObject({ compilerTimeoutMs: 600_000, goCommand: null });
  });

  it('cgo.env keeps the good entries and names each dropped one', () => {
    const r = parseSettings({ env: { CC: 'clang', 'BAD-NAME': 'x', N: 1, _OK: '' } });
    expect(r.settings.env).toEqual({ CC: 'clang', _OK: '' });
    expect(r.warnings).toEqual([
      'settings: cgo.env.BAD-NAME ignored (names must be identifiers and values strings)',
      'settings: cgo.env.N ignored (names must be identifiers and values strings)',
    ]);
  });

  it('unknown keys warn; trace and workspaceTrusted are accepted quietly (a non-boolean workspaceTrusted warns)', () => {
    expect(parseSettings({ trace: { server: 'verbose' }, workspaceTrusted: false }).warnings).toEqual([]);
    expect(parseSettings({ workspaceTrusted: 'no' }).warnings).toEqual(['settings: cgo.workspaceTrusted must be true or false; ignoring "no"']);
    expect(parseSettings({ debounce: 3 }).warnings).toEqual(['settings: unknown setting cgo.debounce ignored']);
    expect(parseSettings({ toString: 3, __proto__: 1 }).warnings.length).toBeGreaterThan(0);
  });

  it('later values build on the base: only the keys present change', () => {
    const base = parseSettings({ logLevel: 'debug', targets: ['windows/amd64'] }).settings;
    const r = parseSettings({ debounceMs: 10 }, base);
    expect(r.settings).toEqual({ ...base, debounceMs: 10 });
    r.settings.targets.push('linux/arm64');
    expect(base.targets).toEqual(['windows/amd64']);
  });
});

describe('the settings schema', () => {
  it('carries, per setting, its type, default, description and trust rule; the default passes its own validation', () => {
    expect(SETTING_KEYS).toEqual(Object.keys(defaultSettings));
    for (const key of SETTING_KEYS) {
      const m = settingMeta(key);
      expect(m.type.length, key).toBeGreaterThan(3);
      expect(v.getDescription(settingsSchema.entries[key]), key).toBe(m.meaning);
      expect(m.untrusted.length, key).toBeGreaterThan(5);
      expect(m.vscode.markdownDescription.length, key).toBeGreaterThan(10);
      expect(parseSettings({ [key]: m.default }).warnings, key).toEqual([]);
      expect(parseSettings({ [key]: m.default }).settings[key], key).toEqual(m.default);
    }
  });
});
