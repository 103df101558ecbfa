// The toolchain model for people: a flutter-doctor style text report (`cgo-ls doctor`), a compact markdown summary
// (hover on `import "C"`), and JSON (the model, with the child environment reduced to the keys that matter).
import { formatGoVersion } from '../core/goversion.js';
import { splitMessage } from '../core/message.js';
import type { CompilerInfo, EnvValue, ToolchainModel, ToolchainProblem } from './types.js';
import { describeSource } from './goenv.js';

/** text: `cgo-ls doctor`; markdown: the compact hover on import "C"; summary: `cgo-ls doctor --format markdown`, a CI
 * job summary (`>> $GITHUB_STEP_SUMMARY`); json: the model. */
export type ReportFormat = 'text' | 'markdown' | 'summary' | 'json';

/** Environment keys kept in the JSON report's childEnv (the rest can hold secrets and is irrelevant to cgo). */
const CHILD_ENV_KEYS =
  /^(PATH|Path|PATHEXT|CC|CXX|FC|CGO_[A-Z_]+|PKG_CONFIG(_PATH|_LIBDIR|_SYSROOT_DIR)?|GO[A-Z0-9_]*|TERM|LC_ALL|LANG|SDKROOT|DEVELOPER_DIR|MACOSX_DEPLOYMENT_TARGET|C_INCLUDE_PATH|CPATH|CPLUS_INCLUDE_PATH|LIBRARY_PATH|LD_LIBRARY_PATH|DYLD_LIBRARY_PATH|MSYSTEM|HOME|XDG_CONFIG_HOME|AppData|APPDATA)$/;
const SECRET_GO_KEYS = new Set(['GOAUTH', 'GONOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE']);

function redactUrls(s: string): string {
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s,|]+@/gi, '$1***@');
}

export function exitCodeFor(model: ToolchainModel): number {
  return model.problems.some((p) => p.severity === 'error') ? 1 : 0;
}

export function renderReport(model: ToolchainModel, format: ReportFormat): string {
  switch (format) {
    case 'json':
      // Credentials in URLs (GOPROXY=https://user:token@proxy …) are masked.
      return JSON.stringify(jsonModel(model), (_k, v: unknown) => (typeof v === 'string' ? redactUrls(v) : v), 2);
    case 'markdown':
      return markdownReport(model);
    case 'summary':
      return summaryReport(model);
    default:
      return textReport(model);
  }
}

function jsonModel(model: ToolchainModel): unknown {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(model.childEnv)) {
    if (v !== undefined && CHILD_ENV_KEYS.test(k) && !SECRET_GO_KEYS.has(k)) childEnv[k] = v;
  }
  const goEnv = model.go.env ? Object.fromEntries(Object.entries(model.go.env).filter(([k]) => !SECRET_GO_KEYS.has(k))) : undefined;
  return { ...model, go: { ...model.go, ...(goEnv ? { env: goEnv } : {}) }, childEnv };
}

function val(key: string, v: EnvValue | undefined): string {
  if (!v) return `${key} unset`;
  return `${key} = ${v.value === '' ? '""' : v.value} (${describeSource(v)})`;
}

function compilerLine(c: CompilerInfo): string {
  const who = [c.family !== 'unknown' ? c.family : null, c.flavor, c.version].filter(Boolean).join(' ');
  const parts = [c.path ?? 'not found'];
  if (who) parts.push(who);
  if (c.target) parts.push(`target ${c.target}`);
  return parts.join(', ');
}

type Mark = '✓' | '!' | '✗';

function markFor(problems: ToolchainProblem[]): Mark {
  if (problems.some((p) => p.severity === 'error')) return '✗';
  if (problems.some((p) => p.severity === 'warning')) return '!';
  return '✓';
}

const SECTIONS: { title: string; codes: RegExp }[] = [
  { title: 'Go toolchain', codes: /^cgo\/(go-|goroot-|goenv-|toolchain-)/ },
  { title: 'Module', codes: /^cgo\/(gopath-mode|godebug-cgocheck-gomod)/ },
  { title: 'cgo', codes: /^cgo\/(disabled|cgocheck)/ },
  { title: 'C compiler', codes: /^cgo\/(cc-|msvc-|cygwin-|mingw32-)/ },
  { title: 'pkg-config', codes: /^cgo\/pkg-config/ },
  { title: 'Environment', codes: /^cgo\/(env-drift|wsl-)/ },
];

/** A section's problems; Environment also takes any problem no section claims, so the report never drops one. */
function sectionProblems(model: ToolchainModel, title: string): ToolchainProblem[] {
  const s = SECTIONS.find((x) => x.title === title)!;
  return model.problems.filter((p) => s.codes.test(p.code) || (title === 'Environment' && !SECTIONS.some((x) => x.codes.test(p.code))));
}

/** Each problem as its cause (with the code), then "Fix: …", then its details, one per line. */
function problemLines(problems: ToolchainProblem[]): string[] {
  const out: string[] = [];
  for (const p of problems) {
    const sym = p.severity === 'error' ? '✗' : p.severity === 'warning' ? '!' : '•';
    const { cause, fix, details } = splitMessage(p.message);
    out.push(`    ${sym} ${cause} [${p.code}]`);
    if (fix !== undefined) out.push(`      Fix: ${fix}`);
    for (const d of details) out.push(`      ${d}`);
  }
  return out;
}

function textReport(m: ToolchainModel): string {
  const lines: string[] = [];
  const head = (title: string, summary: string) => {
    lines.push(`[${markFor(sectionProblems(m, title))}] ${title}${summary ? ` — ${summary}` : ''}`);
  };
  const detail = (s: string) => lines.push(`    • ${s}`);

  head('Go toolchain', m.go.version ? `${formatGoVersion(m.go.version)} at ${m.go.path}` : 'not found');
  if (m.go.path) detail(`go on PATH: ${m.go.path}${m.go.winnerIsGoroot === false ? ' (not $GOROOT/bin/go)' : ''}`);
  if (m.go.candidates.length > 1) detail(`all go on PATH: ${m.go.candidates.join(', ')}`);
  if (m.go.goroot) detail(val('GOROOT', m.values.GOROOT ?? { value: m.go.goroot, source: 'computed' }));
  detail(val('GOTOOLCHAIN', m.values.GOTOOLCHAIN));
  if (m.envFile)
    detail(`go env file: ${m.envFile.path ?? `none (${m.envFile.reason ?? 'unknown'})`}${m.envFile.path ? (m.envFile.exists ? '' : ' (does not exist)') : ''}`);
  if (m.go.error) detail(`error: ${m.go.error}`);
  lines.push(...problemLines(sectionProblems(m, 'Go toolchain')));

  const mod = m.module;
  head('Module', mod ? (mod.mode === 'none' ? 'no go.mod' : `${mod.mode}${mod.goMod ? ` ${mod.goMod}` : ''}`) : '');
  if (mod?.goWork) detail(`go.work: ${mod.goWork}`);
  if (mod?.goLine) detail(`go ${mod.goLine.value} (${mod.goLine.file}:${mod.goLine.line + 1})`);
  if (mod?.toolchainLine) detail(`toolchain ${mod.toolchainLine.value} (${mod.toolchainLine.file}:${mod.toolchainLine.line + 1})`);
  if (m.values.GO111MODULE) detail(val('GO111MODULE', m.values.GO111MODULE));
  lines.push(...problemLines(sectionProblems(m, 'Module')));

  head('cgo', `CGO_ENABLED=${m.cgo.enabled ? 1 : 0} for ${m.goos}/${m.goarch}`);
  detail(`reason: ${m.cgo.reason}`);
  detail(val('GOOS', m.values.GOOS));
  detail(val('GOARCH', m.values.GOARCH));
  if (m.goos !== m.hostGoos || m.goarch !== m.hostGoarch) detail(`host: ${m.hostGoos}/${m.hostGoarch}`);
  for (const k of ['CGO_CPPFLAGS', 'CGO_CFLAGS', 'CGO_CXXFLAGS', 'CGO_LDFLAGS']) detail(val(k, m.values[k]));
  if (m.values.GODEBUG) detail(val('GODEBUG', m.values.GODEBUG));
  lines.push(...problemLines(sectionProblems(m, 'cgo')));

  head('C compiler', m.cc ? compilerLine(m.cc) : 'unknown');
  detail(val('CC', m.values.CC));
  if (m.cc?.banner) detail(`CC --version: ${m.cc.banner}`);
  detail(val('CXX', m.values.CXX));
  if (m.cxx) detail(`C++: ${compilerLine(m.cxx)}`);
  lines.push(...problemLines(sectionProblems(m, 'C compiler')));

  head('pkg-config', m.pkgConfig.path ? `${m.pkgConfig.path}${m.pkgConfig.version ? ` ${m.pkgConfig.version}` : ''}` : 'not found');
  detail(val('PKG_CONFIG', m.values.PKG_CONFIG));
  detail(`PKG_CONFIG_PATH = ${m.pkgConfig.pkgConfigPath ?? '(unset)'}`);
  lines.push(...problemLines(sectionProblems(m, 'pkg-config')));

  const envProblems = sectionProblems(m, 'Environment');
  if (envProblems.length > 0) {
    const parts = [
      envProblems.some((p) => p.code === 'cgo/env-drift') ? 'editor vs login shell' : '',
      envProblems.some((p) => p.code === 'cgo/wsl-windows-toolchain') ? 'WSL' : '',
    ];
    head('Environment', parts.filter(Boolean).join(', '));
    lines.push(...problemLines(envProblems));
  }
  const errors = m.problems.filter((p) => p.severity === 'error').length;
  const warnings = m.problems.filter((p) => p.severity === 'warning').length;
  lines.push('');
  lines.push(errors + warnings === 0 ? '• No issues found.' : `! Found ${errors} error(s) and ${warnings} warning(s).`);
  return lines.join('\n');
}

function mdEscapePlain(s: string): string {
  return s.replace(/([\\*_[\]<>|])/g, '\\$1');
}

/** Escapes markdown outside `code spans` (which messages use for the toolchain's verbatim output). */
function mdEscape(s: string): string {
  return s
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : mdEscapePlain(part)))
    .join('');
}

function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${s}${fence}`;
}

function markdownReport(m: ToolchainModel): string {
  const out: string[] = [];
  const go = m.go.version ? `${formatGoVersion(m.go.version)} (${code(m.go.path ?? '?')})` : '**no go command found**';
  out.push(`**cgo** ${m.cgo.enabled ? 'enabled' : '**disabled**'} · ${code(`${m.goos}/${m.goarch}`)} · ${go}`);
  out.push('');
  out.push(`- ${code(`CGO_ENABLED=${m.cgo.enabled ? 1 : 0}`)}: ${mdEscape(m.cgo.reason)}`);
  const cc = m.cc;
  if (cc) {
    const id = [cc.family !== 'unknown' ? cc.family : null, cc.flavor, cc.version].filter(Boolean).join(' ');
    out.push(
      `- CC ${code(m.values.CC?.value ?? cc.argv.join(' '))} (${mdEscape(describeSource(m.values.CC ?? { source: cc.source }))}) → ${cc.path ? code(cc.path) : '**not found**'}${id ? `, ${mdEscape(id)}` : ''}${cc.target ? `, target ${code(cc.target)}` : ''}`,
    );
  }
  const cxx = m.cxx;
  if (cxx) out.push(`- CXX ${code(m.values.CXX?.value ?? cxx.argv.join(' '))} → ${cxx.path ? code(cxx.path) : '**not found**'}`);
  const flags = (['CPPFLAGS', 'CFLAGS', 'LDFLAGS'] as const)
    .map((k) => {
      const v = m.values[`CGO_${k}`];
      return v ? `CGO_${k} ${code(v.value || '""')}${v.source === 'default' ? '' : ` (${mdEscape(describeSource(v))})`}` : null;
    })
    .filter(Boolean);
  if (flags.length) out.push(`- ${flags.join(' · ')}`);
  out.push(
    `- pkg-config: ${m.pkgConfig.path ? `${code(m.pkgConfig.path)}${m.pkgConfig.version ? ` ${m.pkgConfig.version}` : ''}` : '**not found**'}${m.pkgConfig.pkgConfigPath ? ` · PKG_CONFIG_PATH ${code(m.pkgConfig.pkgConfigPath)}` : ''}`,
  );
  const important = m.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
  if (important.length > 0) {
    out.push('');
    for (const p of important.slice(0, 4)) {
      // Cause in bold, then the fix and the details, each on its own line (a backslash ends a line in CommonMark).
      const { cause, fix, details } = splitMessage(p.message);
      const lines = [`${p.severity === 'error' ? '✗' : '!'} **${mdEscape(cause)}** (${code(p.code)})`];
      if (fix !== undefined) lines.push(`Fix: ${mdEscape(fix)}`);
      lines.push(...details.map(mdEscape));
      out.push(lines.join('\\\n'), '');
    }
    if (out[out.length - 1] === '') out.pop();
    if (important.length > 4) out.push(`… and ${important.length - 4} more (run \`cgo-ls doctor\`)`);
  }
  return out.join('\n');
}

/**
 * A problem message as cause, fix and details: the one shape (`cause\nFix: …\ndetails…`) or the older one-line
 * `cause Fix: …`.
 */
function messageParts(message: string): { cause: string; fix?: string; details: string[] } {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const i = lines.findIndex((l) => l.startsWith('Fix: '));
  if (i > 0) return { cause: lines.slice(0, i).join(' '), fix: lines[i]!.slice(5), details: lines.slice(i + 1) };
  const [cause, ...fix] = lines.join(' ').split(/ Fix: /);
  return { cause: cause!, ...(fix.length > 0 ? { fix: fix.join(' Fix: ') } : {}), details: [] };
}

/** A Markdown table cell: pipes escaped (inside code spans too), line breaks as <br>. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

const EMOJI: Record<Mark, string> = { '✓': '✅', '!': '⚠️', '✗': '❌' };

/**
 * The doctor report as a CI job summary: a verdict line, one table row per section (✅/⚠️/❌ and what was found),
 * each problem with its fix, and the values with their provenance in a collapsed table.
 */
function summaryReport(m: ToolchainModel): string {
  const out: string[] = [];
  const errors = m.problems.filter((p) => p.severity === 'error').length;
  const warnings = m.problems.filter((p) => p.severity === 'warning').length;
  const overall: Mark = errors > 0 ? '✗' : warnings > 0 ? '!' : '✓';
  out.push('## cgo-ls doctor', '');
  const go = m.go.version ? formatGoVersion(m.go.version) : 'no go command';
  const cc = m.cc ? `CC ${code(m.cc.argv.join(' '))}${m.cc.path ? '' : ' (not found)'}` : 'no C compiler';
  out.push(
    `${EMOJI[overall]} **cgo ${m.cgo.enabled ? 'enabled' : 'disabled'}** for ${code(`${m.goos}/${m.goarch}`)} · ${go} · ${cc} — ${errors + warnings === 0 ? 'no issues found' : `${errors} error(s), ${warnings} warning(s)`}`,
    '',
  );
  const rows: [string, string][] = [];
  rows.push([
    'Go toolchain',
    m.go.version
      ? `${formatGoVersion(m.go.version)} at ${code(m.go.path ?? '?')}${
          m.go.candidates.length > 1
            ? `; also on PATH: ${m.go.candidates
                .filter((c) => c !== m.go.path)
                .map(code)
                .join(', ')}`
            : ''
        }`
      : `not found${m.go.error ? `: ${mdEscape(m.go.error)}` : ''}`,
  ]);
  const mod = m.module;
  rows.push([
    'Module',
    mod
      ? mod.mode === 'none'
        ? 'no go.mod'
        : `${mod.mode}${mod.goMod ? ` ${code(mod.goMod)}` : ''}${mod.goLine ? ` · go ${mod.goLine.value}` : ''}${mod.toolchainLine ? ` · toolchain ${mod.toolchainLine.value}` : ''}`
      : '—',
  ]);
  rows.push(['cgo', `${code(`CGO_ENABLED=${m.cgo.enabled ? 1 : 0}`)} for ${code(`${m.goos}/${m.goarch}`)}: ${mdEscape(m.cgo.reason)}`]);
  rows.push([
    'C compiler',
    m.cc
      ? `${m.cc.path ? code(m.cc.path) : '**not found**'}${[m.cc.family !== 'unknown' ? m.cc.family : null, m.cc.flavor, m.cc.version].filter(Boolean).length > 0 ? `, ${mdEscape([m.cc.family !== 'unknown' ? m.cc.family : null, m.cc.flavor, m.cc.version].filter(Boolean).join(' '))}` : ''}${m.cc.target ? `, target ${code(m.cc.target)}` : ''}`
      : 'unknown',
  ]);
  rows.push(['pkg-config', m.pkgConfig.path ? `${code(m.pkgConfig.path)}${m.pkgConfig.version ? ` ${m.pkgConfig.version}` : ''}` : 'not found']);
  const envProblems = sectionProblems(m, 'Environment');
  if (envProblems.length > 0) rows.push(['Environment', 'editor vs login shell']);
  out.push('| | Check | Found |', '|---|---|---|');
  for (const [title, found] of rows) out.push(`| ${EMOJI[markFor(sectionProblems(m, title))]} | ${title} | ${cell(found)} |`);
  const shown = m.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
  if (shown.length > 0) {
    out.push('', '### Problems', '');
    for (const p of shown) {
      const { cause, fix, details } = messageParts(p.message);
      out.push(`- ${p.severity === 'error' ? '❌' : '⚠️'} ${code(p.code)} ${mdEscape(cause)}`);
      if (fix) out.push(`  - **Fix:** ${mdEscape(fix)}`);
      for (const d of details) out.push(`  - ${mdEscape(d)}`);
    }
  }
  const keys = [
    'GOROOT',
    'GOTOOLCHAIN',
    'GOOS',
    'GOARCH',
    'CGO_ENABLED',
    'CC',
    'CXX',
    'CGO_CPPFLAGS',
    'CGO_CFLAGS',
    'CGO_CXXFLAGS',
    'CGO_LDFLAGS',
    'PKG_CONFIG',
    'GOFLAGS',
    'GODEBUG',
  ];
  const vals = keys
    .filter((k) => m.values[k])
    .map(
      (k) =>
        `| ${code(k)} | ${m.values[k]!.value === '' ? '""' : cell(code(redactUrls(m.values[k]!.value)))} | ${cell(mdEscape(describeSource(m.values[k]!)))} |`,
    );
  if (vals.length > 0)
    out.push('', '<details><summary>Values and where they come from</summary>', '', '| Variable | Value | From |', '|---|---|---|', ...vals, '', '</details>');
  return out.join('\n');
}
