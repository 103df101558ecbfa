// The fixes of the `#cgo` line checks (checks/directives.ts): rewritten conditions and verbs, a quoted `-D` moved
// into a `#define`, and the allow-list variable for a refused flag (run only when the user picks it).
import path from 'node:path';
import type { Range } from '../core/types.js';
import { codeFileExists, envTools, insertPreambleLine, loadsCode, preambleAt, trustNote, type Fix, type FixInput } from './fix.js';

export function conditionFixes({ d, data, edit }: FixInput<'cgo/condition-spacing' | 'cgo/condition-invalid'>): Fix[] {
  const fixes: Fix[] = [];
  const replacement = data.replacement;
  const r: Range = data.range ?? d.range;
  if (replacement !== undefined)
    fixes.push(edit(`Write the condition as ${replacement}`, [{ range: r, newText: replacement }], { preferred: true, safe: true }));
  const alternative = 'alternative' in data ? data.alternative : undefined;
  if (alternative && alternative !== replacement) fixes.push(edit(`Write the condition as ${alternative}`, [{ range: r, newText: alternative }]));
  return fixes;
}

export function directiveVerbFixes({ data, edit }: FixInput<'cgo/directive-verb'>): Fix[] {
  const { suggestion, range: r } = data;
  return suggestion && r ? [edit(`Change the verb to ${suggestion}`, [{ range: r, newText: suggestion }], { preferred: true, safe: true })] : [];
}

export function unsafeArgumentFixes({ d, data, ctx, lines, edit }: FixInput<'cgo/unsafe-argument'>): Fix[] {
  const macro = typeof data.macroName === 'string' ? { name: data.macroName, value: String(data.macroValue ?? '') } : undefined;
  const argRange = d.range;
  const p = preambleAt(ctx.file, d.range.start.line);
  if (!macro || !p) return [];
  const idx = p.lines.findIndex((l) => l.goLine === d.range.start.line);
  const lineText = lines.lineText(argRange.start.line);
  // Remove the argument and one adjacent space.
  let s = argRange.start.character;
  let e = argRange.end.character;
  if (lineText[e] === ' ') e++;
  else if (lineText[s - 1] === ' ') s--;
  const define = `#define ${macro.name} ${macro.value}`;
  return [
    edit(
      `Replace the flag by ${define} in the preamble`,
      [
        { range: { start: { line: argRange.start.line, character: s }, end: { line: argRange.end.line, character: e } }, newText: '' },
        insertPreambleLine(lines, p, idx >= 0 ? idx : p.lines.length - 1, define),
      ],
      { preferred: true, safe: true },
    ),
  ];
}

export function flagNotAllowedFixes({ d, data, ctx }: FixInput<'cgo/flag-not-allowed'>): Fix[] {
  const { tc, goEnvW } = envTools(d, ctx);
  const { envVar, allowRegexp: re } = data; // re: already combined with an existing value
  // Only the allow-list variables; anything else in data is not an action this diagnostic can ask for.
  // A flag that loads code from a file that does not exist (`-fplugin=evil.so`) fails the build once allowed:
  // allowing it is not offered.
  const flag = data.flag ?? data.arg;
  const missingFile = loadsCode(flag) && !codeFileExists(String(flag), path.dirname(ctx.file.path));
  if (!envVar || !re || !/^CGO_(CFLAGS|CPPFLAGS|CXXFLAGS|FFLAGS|LDFLAGS)_ALLOW$/.test(envVar) || missingFile) return [];
  const fromOsEnv = tc?.values[envVar]?.source === 'process-env';
  return [
    goEnvW(
      envVar,
      re,
      `Allow this flag: go env -w ${envVar}='${re}' (${trustNote(flag)})${fromOsEnv ? ` — note ${envVar} is also set in the environment, which wins over go env -w` : ''}`,
    ),
  ];
}
