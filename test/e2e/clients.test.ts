// The editor client configurations agree with the server: the Helix languages.toml parses (python3's tomllib,
// a real TOML parser) and carries valid `cgo` settings; the VS Code manifest contributes every setting of
// server/src/engine/settings.ts with the same default; the .vsix builds, its bundled server runs outside the
// repo (scripts/smoke.mjs) and it contains what the extension loads at run time.
// clients/vscode is an npm workspace of the repo: `npm install` in the root installs its dependencies (vsce …).
// python3 (>= 3.11, for tomllib) reads the TOML and the .vsix; without it those tests are skipped with one line.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, parseSettings } from '../../server/src/engine/settings.js';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';
import { describeWith, findExecutable, itWith, probeOutput, tool } from '../helpers/tools.js';

const clients = path.join(repoRoot, 'clients');
const vscodeDir = path.join(clients, 'vscode');
const settingKeys = Object.keys(defaultSettings).sort();

const python3 = findExecutable('python3');
const PYTHON = tool(
  'python3 >= 3.11 (tomllib, zipfile)',
  python3 && probeOutput([python3, '-c', 'import tomllib, zipfile']) !== null ? python3 : null,
  'apt-get install -y python3',
);

function python(code: string, ...args: string[]): string {
  const r = spawnSync(PYTHON.path!, ['-c', code, ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`python3 failed to start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}

function parseToml(file: string): any {
  return JSON.parse(python('import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))', file));
}

function parseTomlText(text: string): any {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-toml-')), 'snippet.toml');
  try {
    fs.writeFileSync(tmp, text);
    return parseToml(tmp);
  } finally {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
}

describeWith(PYTHON, 'Helix languages.toml', () => {
  const file = path.join(clients, 'helix', 'languages.toml');
  let toml: any;
  beforeAll(() => {
    toml = parseToml(file);
  });

  it('declares the cgo-ls server with --stdio and an environment table', () => {
    const server = toml['language-server']['cgo-ls'];
    expect(server.command).toBe('cgo-ls');
    expect(server.args).toEqual(['--stdio']);
    expect(typeof server.environment).toBe('object');
    expect(Array.isArray(server.environment)).toBe(false);
  });

  it('carries config.cgo with every setting at its default, which the server accepts without warnings', () => {
    const config = toml['language-server']['cgo-ls'].config;
    expect(Object.keys(config)).toEqual(['cgo']);
    expect(Object.keys(config.cgo).sort()).toEqual(settingKeys);
    // Helix sends `config` as initializationOptions: exactly what the server parses.
    const parsed = parseSettings(config);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.settings).toEqual(defaultSettings);
  });

  it('re-lists gopls before cgo-ls for go and gomod (the list replaces the built-in one)', () => {
    const byName = Object.fromEntries(toml.language.map((l: any) => [l.name, l]));
    expect(byName.go['language-servers']).toEqual(['gopls', 'cgo-ls']);
    expect(byName.gomod['language-servers']).toEqual(['gopls', 'cgo-ls']);
  });

  it('has commented examples that are valid TOML too', () => {
    const text = fs.readFileSync(file, 'utf8');
    const example = text.split('\n').find((l) => l.startsWith('# environment = '));
    expect(example).toBeDefined();
    const env = parseTomlText(example!.slice(2)).environment;
    expect(Object.keys(env)).toContain('PATH');
    const envExample = /^env = \{\}\s+# e\.g\. (\{.*\})$/m.exec(text);
    expect(envExample).not.toBeNull();
    const cgo = parseTomlText(`env = ${envExample![1]}\n`);
    expect(parseSettings(cgo).warnings).toEqual([]);
  });

  it('the README snippet parses and is accepted by the server', () => {
    const readme = fs.readFileSync(path.join(clients, 'helix', 'README.md'), 'utf8');
    const snippet = /```toml\n([\s\S]*?)```/.exec(readme);
    expect(snippet).not.toBeNull();
    const t = parseTomlText(snippet![1]!);
    expect(t['language-server']['cgo-ls'].args).toEqual(['--stdio']);
    expect(parseSettings(t['language-server']['cgo-ls'].config).warnings).toEqual([]);
    expect(t.language[0]['language-servers']).toEqual(['gopls', 'cgo-ls']);
  });
});

describe('VS Code extension manifest', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(vscodeDir, 'package.json'), 'utf8'));
  const props: Record<string, any> = pkg.contributes.configuration.properties;

  it('has the identity, engine, entry point and activation the brief fixes', () => {
    expect(pkg.name).toBe('cgo-ls-vscode');
    expect(pkg.publisher).toBe('cgo-ls');
    expect(pkg.engines.vscode).toBe('^1.82.0');
    expect(pkg.main).toBe('./out/extension.js');
    expect(pkg.activationEvents).toContain('onLanguage:go');
    // The toolchain checks cover go.work workspaces too (a go line newer than the installed Go …).
    expect(pkg.activationEvents).toEqual(expect.arrayContaining(['onLanguage:go.mod', 'onLanguage:go.work', 'workspaceContains:go.work']));
    expect(pkg.dependencies['vscode-languageclient']).toMatch(/^\^9\./);
  });

  it('contributes every cgo.* setting of settings.ts with the same default, plus cgo.trace.server', () => {
    const contributed = Object.keys(props)
      .filter((k) => k !== 'cgo.trace.server')
      .map((k) => k.replace(/^cgo\./, ''))
      .sort();
    expect(contributed).toEqual(settingKeys);
    for (const key of settingKeys) {
      const p = props[`cgo.${key}`];
      expect(p.default, key).toEqual((defaultSettings as any)[key]);
      expect(typeof p.markdownDescription, key).toBe('string');
      expect(p.markdownDescription.length, key).toBeGreaterThan(10);
      const types = [p.type].flat();
      const want =
        (defaultSettings as any)[key] === null ? 'null' : Array.isArray((defaultSettings as any)[key]) ? 'array' : typeof (defaultSettings as any)[key];
      expect(types, key).toContain(want);
    }
    expect(props['cgo.trace.server'].enum).toEqual(['off', 'messages', 'verbose']);
    // What VS Code sends for the section by default is accepted as is (trace is the client's).
    const section: Record<string, unknown> = { trace: { server: 'off' } };
    for (const key of settingKeys) section[key] = props[`cgo.${key}`].default;
    const parsed = parseSettings(section);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.settings).toEqual(defaultSettings);
  });

  it('enum settings offer exactly the values the server accepts', () => {
    for (const key of ['diagnosticsScope', 'logLevel']) {
      for (const v of props[`cgo.${key}`].enum) expect(parseSettings({ [key]: v }).warnings, `${key}=${v}`).toEqual([]);
      expect(parseSettings({ [key]: 'nonsense' }).warnings.length).toBe(1);
    }
  });

  it('contributes the two server commands with titles', () => {
    const cmds = Object.fromEntries(pkg.contributes.commands.map((c: any) => [c.command, c]));
    expect(cmds['cgo.refresh']?.title).toBeTruthy();
    expect(cmds['cgo.showToolchainReport']?.title).toBeTruthy();
  });

  it('sends the same keys as initializationOptions that it contributes', () => {
    const src = fs.readFileSync(path.join(vscodeDir, 'src', 'extension.ts'), 'utf8');
    const m = /SETTING_KEYS = \[([^\]]*)\]/.exec(src);
    expect(m).not.toBeNull();
    const keys = [...m![1]!.matchAll(/'([A-Za-z]+)'/g)].map((x) => x[1]).sort();
    expect(keys).toEqual(settingKeys);
  });
});

describe('VS Code .vsix (bundled server)', () => {
  let tmp: string;
  let files: string[] | undefined;
  let vsix: string;
  let buildOut: string;
  // A failed build fails every test below with its message instead of skipping them.
  let setupError: unknown;
  const ready = () => {
    if (setupError !== undefined) throw setupError;
  };

  beforeAll(() => {
    try {
      build();
    } catch (e) {
      setupError = e;
    }
  }, 180_000);

  function build(): void {
    let vsce: string;
    try {
      // Resolved the way the workspace's `npm run package` finds it (hoisted to the root node_modules).
      vsce = path.join(path.dirname(createRequire(path.join(vscodeDir, 'package.json')).resolve('@vscode/vsce/package.json')), 'vsce');
    } catch {
      throw new Error('@vscode/vsce is not installed: run `npm install` (or `npm ci`) in the repo root; clients/vscode is one of its workspaces');
    }
    if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`npm run build\` first`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-vsix-'));
    vsix = path.join(tmp, 'cgo-ls-vscode.vsix');
    // `vsce package` runs the manifest's vscode:prepublish: scripts/build.mjs, then scripts/smoke.mjs.
    buildOut = execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], {
      cwd: vscodeDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000, // the smoke test bounds itself; this bounds the whole build if anything else hangs
      killSignal: 'SIGKILL',
    });
  }

  function listing(): string[] {
    ready();
    files ??= JSON.parse(python('import json, sys, zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix));
    return files!;
  }

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('builds, and the bundled server passes the smoke test outside the repo', () => {
    ready();
    expect(buildOut).toMatch(/^smoke: bundled server .* OK/m);
    expect(buildOut).toMatch(/completion after C\. offers puts \(func\(\w+ \*C\.char\) C\.int\) → "func G\(\) { C\.puts\(nil\) }"/);
  });

  itWith(PYTHON, 'contains the client, the bundled server, its wasm files and package root marker', () => {
    const files = listing();
    for (const f of [
      'extension/package.json',
      'extension/out/extension.js',
      'extension/server/package.json',
      'extension/server/dist/main.js',
      'extension/server/dist/reaper.js',
      'extension/server/dist/tree-sitter.wasm',
      'extension/server/dist/wasm/tree-sitter-go.wasm',
      'extension/server/dist/wasm/tree-sitter-c.wasm',
      'extension/readme.md',
    ]) {
      expect(
        files.map((x) => x.toLowerCase()),
        f,
      ).toContain(f.toLowerCase());
    }
    expect(files).toContain('extension/server/dist/main.cjs'); // the program, which main.js loads
  });

  itWith(PYTHON, 'leaves out sources, maps and node_modules', () => {
    const files = listing();
    expect(files.filter((f) => /\/src\/|\.ts$|\.map$|node_modules\//.test(f))).toEqual([]);
  });

  it('marks the server folder as the cgo-ls package (how the server finds dist/wasm)', () => {
    ready();
    const serverPkg = JSON.parse(fs.readFileSync(path.join(vscodeDir, 'server', 'package.json'), 'utf8'));
    expect(serverPkg.name).toBe('cgo-ls');
    expect(serverPkg.type).toBe('module');
  });
});
