// protocol.md's settings and trust tables and the VS Code manifest's `contributes.configuration` are generated
// from the settings schema (node scripts/settings-doc.mjs); these tests fail when either is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../../server/src/engine/settings.js';
import {
  renderProtocol,
  renderSettingsTable,
  renderTrustTable,
  renderVscodeManifest,
  replaceSection,
  vscodeRestrictedConfigurations,
} from '../../server/src/engine/settings-doc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (...p: string[]) => fs.readFileSync(path.join(root, ...p), 'utf8');

describe('generated settings documentation', () => {
  it('protocol.md carries the generated settings and trust tables (run node scripts/settings-doc.mjs after changing settings.ts)', () => {
    const doc = read('protocol.md');
    expect(doc).toContain(`<!-- settings:start -->\n${renderSettingsTable()}\n<!-- settings:end -->`);
    expect(doc).toContain(`<!-- trust:start -->\n${renderTrustTable()}\n<!-- trust:end -->`);
    expect(renderProtocol(doc)).toBe(doc);
  });

  it('clients/vscode/package.json contributes the generated configuration (run node scripts/settings-doc.mjs)', () => {
    const text = read('clients', 'vscode', 'package.json');
    expect(renderVscodeManifest(text)).toBe(text);
  });

  it('VS Code restricts exactly the settings an untrusted workspace may not set', () => {
    const pkg = JSON.parse(read('clients', 'vscode', 'package.json'));
    expect(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(vscodeRestrictedConfigurations());
    expect(vscodeRestrictedConfigurations()).toEqual(['cgo.env', 'cgo.goCommand']);
  });

  it("the extension sends every setting of the schema (extension.ts SETTING_KEYS, in the schema's order)", () => {
    const src = read('clients', 'vscode', 'src', 'extension.ts');
    const m = /SETTING_KEYS = \[([^\]]*)\]/.exec(src);
    expect(m).not.toBeNull();
    expect([...m![1]!.matchAll(/'([A-Za-z]+)'/g)].map((x) => x[1])).toEqual(SETTING_KEYS);
  });

  it('the generators notice a stale file', () => {
    const doc = read('protocol.md').replace('| `cgo.logLevel` | accepted |', '| `cgo.logLevel` | anything |');
    expect(renderProtocol(doc)).not.toBe(doc);
    const pkg = JSON.parse(read('clients', 'vscode', 'package.json'));
    pkg.contributes.configuration.properties['cgo.debounceMs'].default = 1;
    const stale = JSON.stringify(pkg, null, 2) + '\n';
    expect(renderVscodeManifest(stale)).not.toBe(stale);
    expect(replaceSection('no markers', 'settings', 'x')).toBeNull();
  });
});
