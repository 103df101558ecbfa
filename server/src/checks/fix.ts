// The kit every check's fixes are written with: what a fix is, what it is computed from, and the edits and
// environment changes several checks share (a preamble line in the preamble's style, an `#include` where C sees it,
// `go env -w/-u`, install commands, project-local snippets). The fixes themselves live beside the check that emits
// the code (checks/*.ts, registered in checks/registry.ts); engine/fixes.ts only dispatches to them.
import fs from 'node:fs';
import path from 'node:path';
import * as jsonc from 'jsonc-parser';
import { detectOs, packageManagerFor, type OsInfo } from '../compiler/pkgconfig.js';
import type { CgoDiagnostic, DiagnosticCode, PayloadOf, Range, TextEdit } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import type { GoFile, Preamble } from '../gomodel/types.js';
import type { ToolchainModel } from '../toolchain/types.js';
import { linuxGnuTriple } from '../toolchain/compiler.js';
import { host, hostIsWindows } from '../core/host.js';

export interface EnvChange {
  /** `go env -w KEY=VALUE` (value set) or `go env -u KEY` (value null). */
  key: string;
  value: string | null;
  /** Folder whose go command runs it (cwd). */
  folder: string;
}

export interface Fix {
  title: string;
  kind: 'quickfix' | 'source.fixAll';
  isPreferred?: boolean;
  /** Codes of the diagnostics this fix addresses (the adapter attaches the matching diagnostics). */
  diagnostic?: CgoDiagnostic;
  /** Text edits to existing files. */
  edits?: { file: string; edits: TextEdit[] }[];
  /** Files to create (with content). */
  create?: { file: string; text: string }[];
  /** An environment change, executed by `cgo.applyEnvFix` only when the user picks the action. */
  env?: EnvChange;
  /** Text to show the user (an install command, a snippet for an editor config). */
  show?: string;
  /** Safe, unambiguous source fix: part of `source.fixAll.cgo`. */
  safe?: boolean;
}

export interface FixContext {
  file: GoFile;
  text: string;
  toolchain: ToolchainModel | null;
  /** Whether the client can create files through a WorkspaceEdit. */
  canCreateFiles: boolean;
  /** The editor's workspace folders (where `.vscode/settings.json` is read), when known. */
  workspaceFolders?: string[];
  /** The client is VS Code (or a fork): offer `.vscode/settings.json`. Other editors do not read that file. */
  vscodeSettings?: boolean;
}

/** What one code's fix function gets: the server's own diagnostic, its payload typed by its code, the context. */
export interface FixInput<C extends DiagnosticCode> {
  d: CgoDiagnostic;
  data: PayloadOf<C>;
  ctx: FixContext;
  lines: LineIndex;
  /** A quick fix editing the diagnostic's file. */
  edit(title: string, edits: TextEdit[], opts?: { preferred?: boolean; safe?: boolean }): Fix;
}

/** The fixes of one code (source edits first, then environment changes), and what they are, for protocol.md. */
export type FixFn<C extends DiagnosticCode> = (input: FixInput<C>) => Fix[] | Promise<Fix[]>;

/** The input of a fix function for a diagnostic (its `data` read as the payload its code declares). */
export function fixInput<C extends DiagnosticCode>(d: CgoDiagnostic, ctx: FixContext): FixInput<C> {
  return {
    d,
    data: (d.data ?? { code: d.code }) as unknown as PayloadOf<C>, // built by makeDiagnostic, checked against its code's payload
    ctx,
    lines: LineIndex.of(ctx.text),
    edit: (title, edits, opts = {}) => ({
      title,
      kind: 'quickfix',
      diagnostic: d,
      edits: [{ file: ctx.file.path, edits }],
      ...(opts.preferred ? { isPreferred: true } : {}),
      ...(opts.safe ? { safe: true } : {}),
    }),
  };
}

/** Environment changes for a diagnostic: `go env -w` in the folder of the file's toolchain. */
export function envTools(
  d: CgoDiagnostic,
  ctx: FixContext,
): { tc: ToolchainModel | null; folder: string; goEnvW(key: string, value: string, title?: string, preferred?: boolean): Fix } {
  const tc = ctx.toolchain;
  const folder = tc?.folder ?? path.dirname(ctx.file.path);
  return {
    tc,
    folder,
    goEnvW: (key, value, title, preferred = false) => ({
      title: title ?? `Run go env -w ${key}=${value}`,
      kind: 'quickfix',
      diagnostic: d,
      env: { key, value, folder },
      ...(preferred ? { isPreferred: true } : {}),
    }),
  };
}

export function lineRange(lines: LineIndex, from: number, toExclusive: number): Range {
  return { start: { line: from, character: 0 }, end: { line: toExclusive, character: 0 } };
}

export function isBlank(lines: LineIndex, l: number): boolean {
  return lines.lineText(l).trim() === '';
}

/** The preamble a diagnostic's line falls in. */
export function preambleAt(file: GoFile, line: number): Preamble | undefined {
  for (const imp of file.cImports) {
    const p = imp.preamble;
    if (p && line >= p.group.range.start.line && line <= p.group.range.end.line) return p;
  }
  return undefined;
}

/** An edit that inserts a new preamble line after `afterLine`, written in the style of the preamble. */
export function insertPreambleLine(lines: LineIndex, p: Preamble, afterIndex: number, text: string): TextEdit {
  const after = p.lines[Math.max(0, Math.min(afterIndex, p.lines.length - 1))]!;
  const goText = lines.lineText(after.goLine);
  const isLineComment = p.group.comments.some((c) => c.text.startsWith('//') && c.range.start.line === after.goLine);
  let newLine: string;
  if (isLineComment) {
    const slash = goText.indexOf('//');
    const prefix = goText.slice(0, slash + 2);
    const space = /^\/\/\s/.test(goText.slice(slash)) ? goText.slice(slash + 2).match(/^\s*/)![0] : '';
    newLine = `${prefix}${space}${text}`;
  } else {
    // Inside a block comment: keep the indentation of the line we insert after.
    newLine = `${goText.match(/^\s*/)![0]}${text}`;
    if (after.goLine === p.group.range.start.line) newLine = text; // `/*` line: start a fresh line
  }
  const endOfLine = { line: after.goLine, character: goText.length };
  return { range: { start: endOfLine, end: endOfLine }, newText: '\n' + newLine };
}

/**
 * An edit adding `#include …` where C sees it before any use: after the last `#include`, or else at the very top
 * of the preamble (above the first `//` line, or right after the `/*` of a block comment).
 */
export function insertInclude(lines: LineIndex, p: Preamble, include: string): TextEdit {
  if (p.lines.some((l) => /^\s*#\s*include\b/.test(l.text))) return insertPreambleLine(lines, p, includeInsertionIndex(p), include);
  const first = p.lines[0]!;
  const goText = lines.lineText(first.goLine);
  const isLineComment = p.group.comments.some((c) => c.text.startsWith('//') && c.range.start.line === first.goLine);
  if (isLineComment) {
    const slash = goText.indexOf('//');
    const space = /^\/\/\s/.test(goText.slice(slash)) ? goText.slice(slash + 2).match(/^\s*/)![0] : '';
    const at = { line: first.goLine, character: 0 };
    return { range: { start: at, end: at }, newText: `${goText.slice(0, slash + 2)}${space}${include}\n` };
  }
  if (first.text.trim() === '') return insertPreambleLine(lines, p, 0, include);
  const at = { line: first.goLine, character: first.goCol };
  return { range: { start: at, end: at }, newText: `\n${include}\n` };
}

/** Index of the preamble line after which a new `#include` goes: after the last `#include`, else first line. */
function includeInsertionIndex(p: Preamble): number {
  let idx = -1;
  p.lines.forEach((l, i) => {
    if (/^\s*#\s*include\b/.test(l.text)) idx = i;
  });
  if (idx >= 0) return idx;
  // A block comment's first line is often empty (`/*` alone): insert after it.
  return 0;
}

/** Whether an executable of that name is on the PATH of `env` (no subprocess). */
export function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  const pathVar = Object.keys(env).find((k) => k.toUpperCase() === 'PATH');
  const exts = hostIsWindows() ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (pathVar ? (env[pathVar] ?? '') : '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      try {
        if (fs.statSync(path.join(dir, name + ext)).isFile()) return true;
      } catch {
        /* not here */
      }
    }
  }
  return false;
}

export function goEnvU(key: string, d: CgoDiagnostic, folder: string, preferred = false): Fix {
  return {
    title: `Remove ${key} from the go env file: go env -u ${key}`,
    kind: 'quickfix',
    diagnostic: d,
    env: { key, value: null, folder },
    ...(preferred ? { isPreferred: true } : {}),
  };
}

export function showInstall(command: string, d: CgoDiagnostic): Fix {
  return {
    title: `Install: ${command}`,
    kind: 'quickfix',
    diagnostic: d,
    show: `To fix this, run:\n\n  ${command}\n\ncgo-ls never runs package managers itself.`,
  };
}

/** The C (or C++) compiler to use for a target, by its usual cross-compiler name. */
export function crossCompilerFor(goos: string, goarch: string, variable: string): string | null {
  const cxx = variable === 'CXX';
  if (goos === 'windows') {
    const base = goarch === '386' ? 'i686-w64-mingw32' : goarch === 'arm64' ? 'aarch64-w64-mingw32' : 'x86_64-w64-mingw32';
    return goarch === 'arm64' ? `${base}-${cxx ? 'clang++' : 'clang'}` : `${base}-${cxx ? 'g++' : 'gcc'}`;
  }
  const triple = goos === 'linux' ? linuxGnuTriple(goarch) : null;
  if (triple) return `${triple}-${cxx ? 'g++' : 'gcc'}`;
  return null;
}

/** The command that installs a C compiler for a target on this machine, when it can be said reliably. */
export function installCompilerCommand(goos: string, goarch: string, os: OsInfo = detectOs()): string | null {
  const pm = packageManagerFor(os);
  const native =
    (os.platform === 'linux' && goos === 'linux') || (os.platform === 'darwin' && goos === 'darwin') || (os.platform === 'win32' && goos === 'windows');
  if (native && goarch === (host().arch === 'x64' ? 'amd64' : host().arch)) {
    if (pm === 'apt') return 'sudo apt install gcc';
    if (pm === 'dnf') return 'sudo dnf install gcc';
    if (pm === 'pacman') return 'sudo pacman -S gcc';
    if (pm === 'apk') return 'apk add gcc musl-dev';
    if (os.platform === 'darwin') return 'xcode-select --install';
    if (pm === 'msys2') return 'pacman -S mingw-w64-ucrt-x86_64-gcc';
    return null;
  }
  if (goos === 'windows' && (goarch === 'amd64' || goarch === '386')) {
    if (pm === 'apt') return `sudo apt install gcc-mingw-w64-${goarch === '386' ? 'i686' : 'x86-64'}`;
    if (pm === 'dnf') return `sudo dnf install mingw${goarch === '386' ? '32' : '64'}-gcc`;
    if (pm === 'pacman') return 'sudo pacman -S mingw-w64-gcc';
    if (pm === 'brew') return 'brew install mingw-w64';
  }
  if (goos === 'linux' && pm === 'apt') {
    const cross = crossCompilerFor(goos, goarch, 'CC');
    if (cross) return `sudo apt install gcc-${cross.replace(/-gcc$/, '').replace(/_/g, '-')}`;
  }
  return null;
}

/** Flags that make the compiler or linker load and run code chosen by the flag's value. */
export function loadsCode(flag: unknown): boolean {
  return (
    typeof flag === 'string' && /^(-fplugin\b|-fplugin-arg|-Xclang$|-load$|-B|--?specs|-wrapper|-Wl,.*-?-plugin|--?plugin|-fuse-ld=\/|--?ld-path)/.test(flag)
  );
}

/** Whether the file or directory a code-loading flag names exists (relative names: from the package directory). */
export function codeFileExists(flag: string, dir: string): boolean {
  const m = /^(?:-fplugin=|-B|--?specs=|-wrapper,?|-fuse-ld=|--?ld-path=|-Wl,-?-plugin[=,]|--?plugin[=,]?)(.+)$/.exec(flag);
  if (!m) return true; // e.g. -Xclang: its argument is the next flag, nothing to look at here
  const target = m[1]!.split(',')[0]!;
  if (!/[\\/.]/.test(target) && flag.startsWith('-fuse-ld=')) return true;
  try {
    fs.statSync(path.resolve(dir, target));
    return true;
  } catch {
    return false;
  }
}

/** The warning every variant of a trust-changing action carries. */
export function trustNote(flag: unknown): string {
  return loadsCode(flag) ? `${String(flag)} makes the compiler load and run code: only if you trust this code` : 'only if you trust this code';
}

/** The workspace folder containing `dir` (the innermost), where VS Code reads `.vscode/settings.json`. */
function workspaceFolderOf(dir: string, folders: string[] | undefined): string {
  let best: string | null = null;
  for (const f of folders ?? []) {
    const rel = path.relative(f, dir);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) if (!best || f.length > best.length) best = f;
  }
  return best ?? dir;
}

/** Edits an existing JSONC settings.json in place (comments and trailing commas kept), or null if it cannot. */
function settingsEdit(file: string, key: string, value: string): TextEdit[] | null {
  let text: string;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) return null;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const errors: jsonc.ParseError[] = [];
  const tree = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (text.trim() !== '' && (!tree || tree.type !== 'object' || errors.length > 0)) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  const formattingOptions = { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol };
  let next = text.trim() === '' ? '{}' : text;
  for (const p of [
    ['cgo.env', key],
    ['go.toolsEnvVars', key],
    ['gopls', 'env', key],
  ]) {
    next = jsonc.applyEdits(next, jsonc.modify(next, p, value, { formattingOptions }));
  }
  if (next === text) return [];
  const lines = LineIndex.of(text);
  return [{ range: { start: { line: 0, character: 0 }, end: lines.positionAt(text.length) }, newText: next }];
}

/** Keep an environment change in the project: a direnv `.envrc` / `cgo-env.ps1`, or editor settings. */
export function snippetFixes(d: CgoDiagnostic, change: EnvChange, folder: string, ctx: FixContext): Fix[] {
  const out: Fix[] = [];
  const data = (d.data ?? {}) as Record<string, unknown>;
  const value = change.value ?? '';
  // Every variant of an allow-list change loads what the repository asks for: each says so.
  const flag = data['flag'] ?? data['arg'];
  const trust = /_ALLOW$/.test(change.key) ? ` (${trustNote(flag)})` : '';
  const sq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const snippets = {
    sh: `export ${change.key}=${sq(value)}`,
    fish: `set -gx ${change.key} ${sq(value)}`,
    ps1: `$env:${change.key} = '${value.replace(/'/g, "''")}'`,
    cmd: `set "${change.key}=${value}"`,
  };
  const envrc = path.join(folder, hostIsWindows() ? 'cgo-env.ps1' : '.envrc');
  if (ctx.canCreateFiles && !fs.existsSync(envrc)) {
    const text = hostIsWindows()
      ? `# cgo settings for this project (dot-source: . .\\cgo-env.ps1)\n${snippets.ps1}\n`
      : `# cgo settings for this project (direnv: run \`direnv allow\`)\n${snippets.sh}\n`;
    out.push({
      title: `Set ${change.key} for this project only: create ${path.basename(envrc)}${trust}`,
      kind: 'quickfix',
      diagnostic: d,
      create: [{ file: envrc, text }],
    });
  }
  // VS Code reads .vscode/settings.json of the workspace folder, not of a module below it.
  const vscodeSettings = path.join(workspaceFolderOf(folder, ctx.workspaceFolders), '.vscode', 'settings.json');
  const title = `Set ${change.key} in .vscode/settings.json (cgo-ls, the Go extension and gopls)${trust}`;
  if (ctx.vscodeSettings !== true) {
    // Only VS Code (and its forks) read .vscode/settings.json: other editors are not offered it.
  } else if (fs.existsSync(vscodeSettings)) {
    const edits = settingsEdit(vscodeSettings, change.key, value);
    if (edits && edits.length > 0) out.push({ title, kind: 'quickfix', diagnostic: d, edits: [{ file: vscodeSettings, edits }] });
  } else if (ctx.canCreateFiles) {
    const json = { 'cgo.env': { [change.key]: value }, 'go.toolsEnvVars': { [change.key]: value }, gopls: { env: { [change.key]: value } } };
    out.push({ title, kind: 'quickfix', diagnostic: d, create: [{ file: vscodeSettings, text: JSON.stringify(json, null, 2) + '\n' }] });
  }
  out.push({
    title: `Show how to set ${change.key} in your shell or editor${trust}`,
    kind: 'quickfix',
    diagnostic: d,
    show: [
      ...(trust ? [`Only if you trust this code: ${trustNote(flag)}.`] : []),
      `${change.key}=${value}`,
      `bash/zsh:   ${snippets.sh}`,
      `fish:       ${snippets.fish}`,
      `PowerShell: ${snippets.ps1}`,
      `cmd.exe:    ${snippets.cmd}`,
      `Neovim:     cmd_env = { ${change.key} = ${JSON.stringify(value)} }  (in the cgo_ls / gopls config)`,
      `Helix:      [language-server.cgo-ls] environment = { ${change.key} = ${JSON.stringify(value)} }`,
      `VS Code:    "go.toolsEnvVars": { "${change.key}": ${JSON.stringify(value)} }, "cgo.env": { "${change.key}": ${JSON.stringify(value)} }`,
    ].join('\n'),
  });
  return out;
}
