// Renders the settings schema (settings.ts) for protocol.md ("Settings", "Trust") and for the VS Code manifest
// (clients/vscode/package.json `contributes.configuration`). `node scripts/settings-doc.mjs` writes both;
// `--check` fails when either is out of date (test/engine/settings-doc.test.ts runs the same comparison).
import { defaultSettings, SETTING_KEYS, settingMeta } from './settings.js';

const code = (x: unknown) => '`' + JSON.stringify(x) + '`';

/** protocol.md's settings table (between `<!-- settings:start -->` and `<!-- settings:end -->`). */
export function renderSettingsTable(): string {
  const rows = SETTING_KEYS.map((k) => {
    const m = settingMeta(k);
    return `| \`cgo.${k}\` | ${m.type} | ${code(defaultSettings[k])} | ${m.meaning} |`;
  });
  return [
    '| Setting | Type | Default | Meaning |',
    '|---|---|---|---|',
    ...rows,
    '| `workspaceTrusted` (initializationOptions only) | boolean | absent | See *Trust* below |',
  ].join('\n');
}

/** protocol.md's trust table (between `<!-- trust:start -->` and `<!-- trust:end -->`). */
export function renderTrustTable(): string {
  const rows = SETTING_KEYS.map((k) => `| \`cgo.${k}\` | ${settingMeta(k).untrusted} |`);
  return ['| Setting | Untrusted workspace |', '|---|---|', ...rows].join('\n');
}

/** The client's own setting (vscode-languageclient reads it), contributed after the server's. */
const TRACE_SERVER = {
  type: 'string',
  enum: ['off', 'messages', 'verbose'],
  default: 'off',
  scope: 'window',
  markdownDescription: 'Trace the LSP messages between VS Code and cgo-ls in the **cgo-ls** output channel.',
};

/** clients/vscode/package.json `contributes.configuration`. */
export function vscodeConfiguration(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const m = settingMeta(k).vscode;
    properties[`cgo.${k}`] = { ...m.schema, default: defaultSettings[k], ...m.extra, markdownDescription: m.markdownDescription };
  }
  properties['cgo.trace.server'] = TRACE_SERVER;
  return { type: 'object', title: 'cgo-ls', properties };
}

/** The settings VS Code hands out from user settings only in Restricted Mode (`restrictedConfigurations`). */
export function vscodeRestrictedConfigurations(): string[] {
  return SETTING_KEYS.filter((k) => settingMeta(k).untrusted.startsWith('refused')).map((k) => `cgo.${k}`);
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`; null when the markers are missing. */
export function replaceSection(text: string, name: string, body: string): string | null {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return null;
  return text.slice(0, i + start.length) + '\n' + body + '\n' + text.slice(j);
}

/** protocol.md with both generated tables. */
export function renderProtocol(text: string): string | null {
  const a = replaceSection(text, 'settings', renderSettingsTable());
  return a === null ? null : replaceSection(a, 'trust', renderTrustTable());
}

/** The VS Code manifest text with the generated `contributes.configuration` (2-space JSON, as npm writes it). */
export function renderVscodeManifest(text: string): string {
  const pkg = JSON.parse(text) as { contributes?: Record<string, unknown> };
  pkg.contributes = { ...pkg.contributes, configuration: vscodeConfiguration() };
  return JSON.stringify(pkg, null, 2) + '\n';
}
