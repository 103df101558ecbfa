// Static checks on one Go file's cgo usage (no compiler needed): cgo-rules.md §10 rows 1–3, 13–15, 17, 22.
// Every message has the one shape of core/message.ts: the cause (≤ 100 characters), "Fix: …", then details; where
// the toolchain prints its own error, a details line quotes it verbatim ("go build: …").
import path from 'node:path';
import { makeDiagnostic, short, type DiagnosticInit, type MessageParts } from '../core/message.js';
import { atLeast, type GoVersion } from '../core/goversion.js';
import type { CgoDiagnostic, DiagnosticPayloads, Range } from '../core/types.js';
import type { CgoImport, CommentGroupInfo, ExportComment, GoFile, PreambleCDecl } from '../gomodel/types.js';
import { BUILTIN_TYPES as CGO_NUMERIC_TYPES } from '../compiler/cnames.js';
import { defineCheck, type CodeRow } from './check.js';
import {
  exportIgnoredFixes,
  exportNameFixes,
  exportPreambleDefinitionFixes,
  preambleDetachedFixes,
  preambleSplitFixes,
  renamedImportFixes,
} from './sourcefixes.js';

export type SourceCode =
  | 'cgo/preamble-detached'
  | 'cgo/preamble-split'
  | 'cgo/renamed-import'
  | 'cgo/export-preamble-definition'
  | 'cgo/export-name'
  | 'cgo/export-ignored'
  | 'cgo/test-file'
  | 'cgo/misuse'
  | 'cgo/file-too-large';

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/preamble-detached': {
      reason: 'blank-line' | 'group-doc';
      blankLines?: Range;
      specRange?: Range;
      lostFlags: string[];
      unresolvable: string[];
      commentRange: Range;
      pathRange: Range;
    };
    'cgo/preamble-split': { blankLines: Range; replaceWith: string; groupRange: Range };
    'cgo/renamed-import': { nameRange: Range; name: string; pathRange: Range };
    'cgo/export-preamble-definition': { name: string; kind: string; definitionRange: Range; nameRange?: Range; exportRange: Range };
    'cgo/export-name': { wantName: string; nameRange: Range; commentRange: Range; replacement: string };
    'cgo/export-ignored': {
      reason: 'space-after-slashes' | 'block-comment' | 'not-adjacent' | 'no-import-c' | 'not-first';
      commentRange: Range;
      replacement?: string;
      blankLines?: Range;
    };
    'cgo/test-file': { pathRange: Range };
    'cgo/misuse': { kind: string; name?: string; declarationRange?: Range; replacement?: string; typeName?: string };
    'cgo/file-too-large': NonNullable<GoFile['limited']>;
  }
}

export const codes: CodeRow<SourceCode>[] = [
  {
    code: 'cgo/preamble-detached',
    severity: 'error',
    title: 'Comment meant as the cgo preamble is not attached to import "C"',
    cause:
      'cmd/cgo uses only the doc comment of the import "C" spec (or of its import declaration when "C" is its only spec). A comment separated from import "C" by a blank line, or attached to a parenthesised import group with more than one spec, is ignored, and nothing is reported at the import. Severity follows what the build then does: **error** when a C name the file uses resolves only through that comment (the build fails at its first use with `could not determine kind of name for C.<x>` (Go ≤1.23) / `could not determine what C.<x> refers to` (Go ≥1.24); the uses are listed as related locations); **warning** when the build still works — the comment only held `#cgo` lines (the message names the lost flags), or the file uses only names cgo defines itself (`C.char`, `C.int`, `C.size_t`, `C.CString`, `C.malloc`, …).',
    fix: 'Delete the blank line so the comment ends directly above import "C"; for a group, put the comment directly above "C" inside the parentheses or use a separate `import "C"`.',
    example: '// #include <stdio.h>\n\nimport "C"',
    gopls: { says: '`undefined: C.x` at each use of a name only the detached comment declares', sameRange: false, sameWords: false },
  },
  {
    code: 'cgo/preamble-split',
    severity: 'warning',
    title: 'A blank line splits the preamble; the part above it is ignored',
    cause:
      'go/parser ends a comment group at a blank line and cmd/cgo only uses the group that touches import "C". The #cgo/#include/#define lines in the group above are silently lost (missing flags, `implicit declaration of function` warnings, unresolved names). The toolchain prints nothing about it.',
    fix: 'Replace the blank line with an empty `//` line (or delete it) so both parts form one comment.',
    example: '// #cgo LDFLAGS: -lm\n\n// #include <math.h>\nimport "C"',
  },
  {
    code: 'cgo/renamed-import',
    severity: 'error',
    title: 'import "C" cannot be renamed',
    cause: 'An import name on "C" (`c`, `_`, `.`): cmd/cgo fails with `cannot rename import "C"`.',
    fix: 'Use a plain `import "C"`.',
    example: '// #include <stdio.h>\nimport c "C"',
    gopls: { says: '`cannot rename import "C"` at the import (then `undefined: c` at each use)', sameRange: true, sameWords: true },
  },
  {
    code: 'cgo/export-preamble-definition',
    severity: 'error',
    title: 'Definition in the preamble of a file that uses //export',
    cause:
      "A file with //export has its preamble copied into both _cgo_export.c and <file>.cgo2.c, so a non-static function definition or a non-extern global variable definition in it is defined twice and the link fails: ``multiple definition of `<sym>'; …_cgo_export.c:<n>: first defined here``.",
    fix: 'Move the definition into a .c file or the preamble of a file without //export and keep only a declaration here, or make it `static` (`static inline` for small helpers).',
    example: '// int helper(void) { return 1; }\nimport "C"\n\n//export GoCb\nfunc GoCb() {}',
  },
  {
    code: 'cgo/export-name',
    severity: 'error',
    title: '//export name does not match the function',
    cause: 'cmd/cgo exports a function under its Go name: `export comment has wrong name "<X>", want "<Y>"`; an empty name gives `export missing name`.',
    fix: "Write `//export <FunctionName>` with the function's exact name.",
    example: '//export Other\nfunc GoCallback() {}',
  },
  {
    code: 'cgo/export-ignored',
    severity: 'warning',
    title: '//export comment that cmd/cgo does not see',
    cause:
      'cmd/cgo only honours a comment starting exactly with "//export " inside the function\'s doc comment (the group directly above `func`), only the first one, and only in a file that imports "C". `// export X`, `/*export X*/`, an //export separated from the func by a blank line, or one in a non-cgo file is silently ignored and the function is not exported.',
    fix: 'Write `//export Name` (no space after //) directly above the func, in a file that imports "C".',
    example: '// export GoCallback\nfunc GoCallback() {}',
  },
  {
    code: 'cgo/test-file',
    severity: 'error',
    title: 'cgo in a _test.go file',
    cause: 'go/build rejects import "C" in test files: `use of cgo in test <file> not supported` (go test then reports `[setup failed]`).',
    fix: 'Move the cgo code into a non-test file of the package and call it from the test.',
    example: '// file foo_test.go\nimport "C"',
  },
  {
    code: 'cgo/misuse',
    severity: 'error',
    title: 'C name used in a way cgo rejects',
    cause:
      "cmd/cgo errors: `cannot refer to errno directly; see documentation` (C.errno), `cannot refer to C._CMalloc; use C.malloc`, `cannot define new methods on non-local type <T>` (receiver C.T / *C.T, Go ≥1.21), `cannot embed C type` (embedded C.T field), `unexpected type: ...` when calling a variadic C function such as printf, and the link error ``undefined reference to `x'`` when Go names a `static` variable of the preamble.",
    fix: 'Use `n, err := C.f()` to read errno; use C.malloc; declare a local type (`type T C.T`) for methods and use a named field instead of embedding; call variadic C functions through a non-variadic C wrapper in the preamble; define shared variables without `static` in a .c file (extern in the preamble) or read them through an accessor function.',
    example: '_ = C.errno\nC.printf(C.CString("%d"), 1)',
  },
  {
    code: 'cgo/file-too-large',
    severity: 'information',
    title: 'File too big (or not text) to analyse fully',
    cause:
      'cgo-ls caps the work per file so the editor stays responsive: only the first 128 KiB of a .go file are modelled (always including the preamble and its import "C"), at most 64 `import "C"` specs, and a file with NUL bytes is not Go source. Checks that need the rest (C.name uses further down) did not run there.',
    fix: 'Nothing, if the file is generated; split a hand-written file. `go build` still checks all of it.',
    example: '// a 20 MB generated file:\n// #include "gen.h"\nimport "C"\n\nfunc f0() { C.f0() }\n// … 400 000 more lines',
  },
];

/** Well-known variadic C library functions (cgo cannot call variadic functions). */
export const KNOWN_VARIADIC = new Set([
  'printf',
  'fprintf',
  'sprintf',
  'snprintf',
  'dprintf',
  'asprintf',
  'scanf',
  'fscanf',
  'sscanf',
  'syslog',
  'ioctl',
  'open',
  'openat',
  'fcntl',
  'execl',
  'execlp',
  'execle',
  'prctl',
  'err',
  'errx',
  'warn',
  'warnx',
]);

export interface SourceCheckOptions {
  goVersion: GoVersion;
  text: string;
}

/** A file the model capped (gomodel/model.ts per-file work caps): say so, once, at the top. */
function checkLimits(file: GoFile, text: string, out: CgoDiagnostic[]): void {
  const l = file.limited;
  if (!l) return;
  // The first character of the file, or an empty range when the first line is empty (the range stays on the line).
  const first = text.length > 0 && text[0] !== '\n' && text[0] !== '\r' ? 1 : 0;
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  const cause =
    l.reason === 'binary'
      ? 'not analysed: the file contains NUL bytes, so it is not Go source'
      : l.reason === 'imports'
        ? 'analysed in part: more than 64 import "C" specs; the rest were ignored'
        : l.reason === 'time'
          ? 'not analysed: parsing took too long'
          : `analysed in part: only the first ${kib(l.analysedBytes)} of ${kib(l.totalBytes)}${l.endLine !== undefined ? ` (to line ${l.endLine})` : ''}`;
  out.push(
    diag({
      file: file.path,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: first } },
      severity: 'information',
      code: 'cgo/file-too-large',
      message: msg(
        `file ${cause}`,
        'nothing, if the file is generated; split a hand-written file',
        'cgo-ls reports no cgo problem past that point; `go build` still checks the whole file.',
      ),
      data: { ...l },
    }),
  );
}

function msg(cause: string, fix: string, ...details: (string | undefined | false)[]): MessageParts {
  return { cause, fix, details };
}

/** Every source diagnostic goes through `makeDiagnostic`, its payload checked against its code's. */
function diag<C extends SourceCode>(
  d: Omit<DiagnosticInit<C>, keyof MessageParts | 'data'> & { message: MessageParts; data: DiagnosticPayloads[C] },
): CgoDiagnostic {
  const { message, ...rest } = d;
  return makeDiagnostic<C>({ ...rest, ...message });
}

/** A details line quoting what the go command itself prints for the problem. */
function goSays(text: string, cmd = 'go build'): string {
  return `${cmd}: ${text}`;
}

function couldNotDetermine(v: GoVersion, name: string): string {
  return atLeast(v, 24) ? `could not determine what C.${name} refers to` : `could not determine kind of name for C.${name}`;
}

/** Runs the static cgo source checks on one file. Never throws. */
export function checkSource(file: GoFile, opts: SourceCheckOptions): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  const run = (f: () => void) => {
    try {
      f();
    } catch {
      // a malformed model must not take the other checks down
    }
  };
  run(() => checkImports(file, opts, out));
  run(() => checkExports(file, out));
  run(() => checkExportDefinitions(file, out));
  run(() => checkTestFile(file, out));
  run(() => checkMisuse(file, opts, out));
  run(() => checkLimits(file, opts.text, out));
  return out;
}

function checkImports(file: GoFile, opts: SourceCheckOptions, out: CgoDiagnostic[]): void {
  for (const imp of file.cImports) {
    if (imp.renamedTo !== undefined && imp.nameRange) {
      out.push(
        diag({
          file: file.path,
          range: imp.pathRange,
          severity: 'error',
          code: 'cgo/renamed-import',
          message: msg(
            'cannot rename import "C"',
            `delete "${imp.renamedTo}" and write a plain import "C" (refer to C names as C.x)`,
            goSays('cannot rename import "C"'),
          ),
          data: { nameRange: imp.nameRange, name: imp.renamedTo, pathRange: imp.pathRange },
        }),
      );
    }
    if (imp.detached) detached(file, imp, opts, out);
    if (imp.splitAbove && imp.preamble) {
      const blank: Range = {
        start: { line: imp.splitAbove.range.end.line + 1, character: 0 },
        end: { line: imp.preamble.group.range.start.line, character: 0 },
      };
      out.push(
        diag({
          file: file.path,
          range: imp.splitAbove.range,
          severity: 'warning',
          code: 'cgo/preamble-split',
          message: msg(
            'this comment is ignored: a blank line cuts it off from the cgo preamble below',
            'replace the blank line with an empty // line so both parts form one preamble',
            'cmd/cgo uses only the comment group directly above import "C", so the #cgo, #include and #define lines above the blank line are silently dropped.',
          ),
          data: { blankLines: blank, replaceWith: '//', groupRange: imp.splitAbove.range },
          related: [{ file: file.path, range: imp.preamble.group.range, message: 'the preamble cmd/cgo uses starts here' }],
        }),
      );
    }
  }
}

/**
 * C names that resolve with no preamble at all: cgo's own builtins and the names its builtin prolog declares
 * (`#include <stddef.h>`, `intgo`, `_GoString_`), and the numeric types cgo maps to C spellings itself.
 * Checked against go build 1.26 (test/checks/detached.test.ts): `*C.char`, `C.size_t`, `C.CString(…)`,
 * `C.malloc(n)`, `C.NULL`, `C.sizeof_int` build without any preamble; `C.int32_t`, `C.bool`, `C.free`,
 * `C.max_align_t`, `C.enum_x` and `C.sizeof_struct_x` do not.
 */
const BUILTIN_TYPES = new Set<string>([
  ...CGO_NUMERIC_TYPES, // cgo's own numeric spellings (compiler/cnames.ts)
  'void',
  '_Bool',
  'size_t',
  'ptrdiff_t',
  'wchar_t',
  'intgo',
  '_GoString_',
  '_GoBytes_',
]);
const BUILTIN_FUNCS = new Set(['CString', 'CBytes', 'GoString', 'GoStringN', 'GoBytes', 'malloc']);

/** Whether `C.<name>` resolves when the file has no preamble (see BUILTIN_TYPES). */
export function resolvesWithoutPreamble(name: string, pointerType: boolean): boolean {
  if (BUILTIN_TYPES.has(name) || BUILTIN_FUNCS.has(name) || name === 'NULL') return true;
  const sz = /^sizeof_(.+)$/.exec(name);
  if (sz) return BUILTIN_TYPES.has(sz[1]!) && sz[1] !== 'void';
  // `struct foo` / `union foo` with no declaration is an incomplete type: a pointer to it builds, a value or a
  // field access does not (the field is undefined).
  if (/^(struct|union)_\w+$/.test(name)) return pointerType;
  return false;
}

/** The `#cgo` lines of a comment group (comment markers removed), for "these flags are lost". */
function cgoLinesOf(group: CommentGroupInfo): string[] {
  const out: string[] = [];
  for (const c of group.comments) {
    const body = c.text.startsWith('//') ? c.text.slice(2) : c.text.slice(2, -2);
    for (const l of body.split('\n')) {
      const t = l.trim().replace(/^\*\s*/, '');
      if (/^#cgo\s/.test(t)) out.push(t);
    }
  }
  return out;
}

/** Whether a comment group holds C text other than `#cgo` lines (includes, declarations, definitions). */
function hasCText(group: CommentGroupInfo): boolean {
  for (const c of group.comments) {
    const body = c.text.startsWith('//') ? c.text.slice(2) : c.text.slice(2, -2);
    for (const l of body.split('\n')) {
      const t = l.trim();
      if (t !== '' && !/^#cgo\s/.test(t)) return true;
    }
  }
  return false;
}

function detached(file: GoFile, imp: CgoImport, opts: SourceCheckOptions, out: CgoDiagnostic[]): void {
  const d = imp.detached!;
  // What really happens without this comment: each C name that resolves only through it fails at its first use
  // (cmd/cgo reports there); #cgo flags in it are silently dropped; names cgo defines itself still resolve.
  const otherPreambles = file.cImports.filter((i) => i !== imp && i.preamble).map((i) => i.preamble!.text);
  const mentioned = (n: string) => otherPreambles.some((t) => new RegExp(`\\b${n}\\b`).test(t));
  const broken: { name: string; range: Range }[] = [];
  for (const r of file.cRefs) {
    if (broken.some((b) => b.name === r.name)) continue;
    const before = opts.text ? textBefore(opts.text, r.range) : '';
    if (resolvesWithoutPreamble(r.name, r.context === 'type' && /\*\s*$/.test(before)) || mentioned(r.name)) continue;
    broken.push({ name: r.name, range: r.range });
  }
  const lostFlags = cgoLinesOf(d.group);
  const lostC = hasCText(d.group);
  const why =
    d.reason === 'blank-line'
      ? 'a blank line detaches this comment from import "C"'
      : `this comment documents a group of ${imp.groupSpecCount} specs, not import "C"`;
  const where =
    d.reason === 'blank-line'
      ? 'cmd/cgo uses only the comment that ends directly above import "C"; a blank line separates this one from it.'
      : `cmd/cgo uses an import group's comment only when "C" is the group's only import; this group has ${imp.groupSpecCount}.`;
  let consequence: string;
  const details: string[] = [where];
  if (broken.length > 0) {
    const names = broken.map((b) => `C.${short(b.name, 24)}`);
    const shown = names.length > 2 ? `${names[0]} and ${names.length - 1} more names` : names.join(' and ');
    consequence = `${shown} cannot be resolved`;
    details.push(goSays(couldNotDetermine(opts.goVersion, broken[0]!.name)));
  } else if (lostFlags.length > 0) {
    consequence = `its #cgo lines are ignored`;
    details.push(`The build still works without them; ignored: ${lostFlags.join('; ')}`);
  } else if (lostC) {
    consequence = 'nothing in it is compiled';
    details.push('The build still works: the C names used here are cgo built-ins.');
  } else {
    consequence = 'it has no effect';
  }
  const severity: CgoDiagnostic['severity'] = broken.length > 0 ? 'error' : 'warning';
  const related: NonNullable<CgoDiagnostic['related']> = [{ file: file.path, range: imp.pathRange, message: 'this import "C" has no preamble' }];
  for (const b of broken) related.push({ file: file.path, range: b.range, message: `cmd/cgo will report "${couldNotDetermine(opts.goVersion, b.name)}" here` });
  const common = { lostFlags, unresolvable: broken.map((b) => b.name), commentRange: d.group.range, pathRange: imp.pathRange };
  if (d.reason === 'blank-line') {
    const blank: Range = d.blankLines ?? {
      start: { line: d.group.range.end.line + 1, character: 0 },
      end: { line: imp.specRange.start.line, character: 0 },
    };
    out.push(
      diag({
        file: file.path,
        range: d.group.range,
        severity,
        code: 'cgo/preamble-detached',
        message: msg(`${consequence}: ${why}`, 'delete the blank line so the comment ends directly above import "C"', ...details),
        data: { reason: 'blank-line', blankLines: blank, ...common },
        related,
      }),
    );
  } else {
    out.push(
      diag({
        file: file.path,
        range: d.group.range,
        severity,
        code: 'cgo/preamble-detached',
        message: msg(
          `${consequence}: ${why}`,
          'move the comment directly above "C" inside the parentheses, or put `import "C"` in its own import declaration right below it',
          ...details,
        ),
        data: { reason: 'group-doc', specRange: imp.specRange, ...common },
        related,
      }),
    );
  }
}

/** The text of the line of `r` before its start (to see a `*` in front of `C.struct_x`). */
function textBefore(text: string, r: Range): string {
  let line = 0;
  let i = 0;
  while (line < r.start.line) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return '';
    i = nl + 1;
    line++;
  }
  return text.slice(i, i + r.start.character);
}

function exportDiag(file: GoFile, e: ExportComment, out: CgoDiagnostic[]): void {
  const fn = e.func?.name;
  const shown = e.name || '<name>';
  switch (e.ignored) {
    case 'space-after-slashes':
      out.push(
        diag({
          file: file.path,
          range: e.range,
          severity: 'warning',
          code: 'cgo/export-ignored',
          message: msg(
            `${short(shown, 30)} is not exported: "// export" with a space is not an export directive`,
            `write //export ${shown}`,
            'cmd/cgo only recognizes "//export " with no space after the slashes; it ignores this comment without a word.',
          ),
          data: { reason: 'space-after-slashes', commentRange: e.range, replacement: `//export ${shown}` },
        }),
      );
      return;
    case 'block-comment':
      out.push(
        diag({
          file: file.path,
          range: e.range,
          severity: 'warning',
          code: 'cgo/export-ignored',
          message: msg(
            `${short(shown, 30)} is not exported: /*export*/ is not an export directive`,
            `write //export ${shown}`,
            'cmd/cgo only recognizes a //export line comment; it ignores this comment without a word.',
          ),
          data: { reason: 'block-comment', commentRange: e.range, replacement: `//export ${shown}` },
        }),
      );
      return;
    case 'not-adjacent':
      out.push(
        diag({
          file: file.path,
          range: e.range,
          severity: 'warning',
          code: 'cgo/export-ignored',
          message: msg(
            `${short(shown, 30)} is not exported: this //export is not in the function's doc comment`,
            e.blankLines ? 'delete the blank line so the comment ends directly above the func' : 'move //export directly above the func',
            'A blank line or another comment separates it from the func; cmd/cgo ignores it without a word.',
          ),
          data: { reason: 'not-adjacent', commentRange: e.range, ...(e.blankLines ? { blankLines: e.blankLines } : {}) },
        }),
      );
      return;
    case 'no-import-c':
      out.push(
        diag({
          file: file.path,
          range: e.range,
          severity: 'warning',
          code: 'cgo/export-ignored',
          message: msg(
            `${short(shown, 30)} is not exported: this file does not import "C"`,
            'add import "C" to this file, or move the function into a file that imports "C"',
            'cmd/cgo never processes a file without import "C", so its //export lines have no effect.',
          ),
          data: { reason: 'no-import-c', commentRange: e.range },
        }),
      );
      return;
    case 'not-first':
      out.push(
        diag({
          file: file.path,
          range: e.range,
          severity: 'warning',
          code: 'cgo/export-ignored',
          message: msg(
            `//export ${short(shown, 30)} is ignored: only the first //export of a doc comment counts`,
            'delete this line (a function is exported once, under its own name)',
          ),
          data: { reason: 'not-first', commentRange: e.range },
        }),
      );
      return;
    case undefined:
      break;
  }
  if (!fn) return;
  if (e.name === '') {
    out.push(
      diag({
        file: file.path,
        range: e.range,
        severity: 'error',
        code: 'cgo/export-name',
        message: msg(
          '//export without a name',
          `write //export ${fn}`,
          goSays('export missing name'),
          goSays(`export comment has wrong name "", want "${fn}"`),
        ),
        data: { wantName: fn, nameRange: e.nameRange, commentRange: e.range, replacement: `//export ${fn}` },
      }),
    );
  } else if (e.name !== fn) {
    out.push(
      diag({
        file: file.path,
        range: e.range,
        severity: 'error',
        code: 'cgo/export-name',
        message: msg(
          `export comment has wrong name "${short(e.name, 30)}", want "${short(fn, 30)}"`,
          `write //export ${fn}, or rename the function to ${e.name} if C must call it that`,
          'The C symbol is always the Go function name.',
          goSays(`export comment has wrong name "${e.name}", want "${fn}"`),
        ),
        data: { wantName: fn, nameRange: e.nameRange, commentRange: e.range, replacement: `//export ${fn}` },
      }),
    );
  }
}

function checkExports(file: GoFile, out: CgoDiagnostic[]): void {
  for (const e of file.exports) exportDiag(file, e, out);
}

/** The //export comments cmd/cgo acts on (first //export line of a func's doc, file imports "C"). */
function validExports(file: GoFile): ExportComment[] {
  return file.exports.filter((e) => e.ignored === undefined && e.func);
}

function checkExportDefinitions(file: GoFile, out: CgoDiagnostic[]): void {
  if (!file.importsC) return;
  const exps = validExports(file);
  if (exps.length === 0) return;
  const base = path.basename(file.path, '.go');
  for (const d of file.preambleDecls ?? []) {
    if (!d.externalDefinition) continue;
    const what = d.kind === 'function' ? `the function ${d.name}` : `the global variable ${d.name}`;
    const fix =
      d.kind === 'function'
        ? `move the definition of ${d.name} into a .c file (or the preamble of a file without //export) and keep only the prototype here, or make it static`
        : `define ${d.name} in a .c file and declare it here as extern, or make it static`;
    out.push(
      diag({
        file: file.path,
        range: d.nameRange,
        severity: 'error',
        code: 'cgo/export-preamble-definition',
        message: msg(
          `${short(d.name, 30)} is defined twice at link time: this file uses //export`,
          fix,
          `cmd/cgo copies the preamble of a file with //export into both _cgo_export.c and ${base}.cgo2.c, so ${what} is defined in both.`,
          goSays(`multiple definition of \`${d.name}'`),
        ),
        data: { name: d.name, kind: d.kind, definitionRange: d.range, nameRange: d.nameRange, exportRange: exps[0]!.range },
        related: [{ file: file.path, range: exps[0]!.range, message: 'this //export makes cmd/cgo copy the preamble into _cgo_export.c' }],
      }),
    );
  }
}

function checkTestFile(file: GoFile, out: CgoDiagnostic[]): void {
  if (!file.build.isTest) return;
  const ranges = file.cImports.map((i) => i.pathRange);
  if (file.backquotedCImport) ranges.push(file.backquotedCImport);
  for (const r of ranges) {
    out.push(
      diag({
        file: file.path,
        range: r,
        severity: 'error',
        code: 'cgo/test-file',
        message: msg(
          'a _test.go file cannot import "C"',
          'move the cgo code into a non-test file of the package and call it from the test',
          goSays(`use of cgo in test ${file.path} not supported`, 'go test'),
        ),
        data: { pathRange: r },
      }),
    );
  }
}

function checkMisuse(file: GoFile, opts: SourceCheckOptions, out: CgoDiagnostic[]): void {
  if (!file.importsC) return;
  const misuse = (range: Range, message: MessageParts, kind: string, extra: Omit<DiagnosticPayloads['cgo/misuse'], 'kind'> = {}) =>
    out.push(diag({ file: file.path, range, severity: 'error', code: 'cgo/misuse', message, data: { kind, ...extra } }));
  const declared = new Map<string, boolean>(); // C function name → variadic, as declared in this file's preamble
  for (const d of file.preambleDecls ?? []) if (d.kind === 'function') declared.set(d.name, d.variadic || (declared.get(d.name) ?? false));
  // Static variables of the preamble are private to the C side: Go code that names one links against a symbol
  // that does not exist (cgo doc: "static variables in the preamble may not be referenced from Go code").
  const staticVars = new Map<string, PreambleCDecl>();
  for (const d of file.preambleDecls ?? []) if (d.kind === 'variable' && d.storage === 'static') staticVars.set(d.name, d);
  const reportedStatic = new Set<string>();
  for (const r of file.cRefs) {
    const sv = staticVars.get(r.name);
    if (sv && !r.shadowed && r.context !== 'call' && r.context !== 'type' && !reportedStatic.has(r.name)) {
      reportedStatic.add(r.name);
      misuse(
        r.range,
        msg(
          `C.${short(r.name, 30)} is a static variable of the preamble: Go code cannot refer to it`,
          `drop \`static\` and define it in a .c file (declare it \`extern\` in the preamble), or call a static inline accessor`,
          `It is declared on preamble line ${sv.range.start.line + 1}.`,
          goSays(`undefined reference to \`${r.name}'`),
        ),
        'static-variable',
        { name: r.name, declarationRange: sv.range },
      );
    }
    if (r.name === 'errno') {
      misuse(
        r.range,
        msg(
          'cannot refer to errno directly; see documentation',
          'use the two-result form `n, err := C.f(...)`: err is the errno set by the call (a syscall.Errno)',
        ),
        'errno',
      );
    } else if (r.name === '_CMalloc') {
      misuse(r.range, msg('cannot refer to C._CMalloc; use C.malloc', 'call C.malloc instead'), '_CMalloc', { replacement: 'C.malloc' });
    } else if (r.context === 'call') {
      const fromPreamble = declared.get(r.name);
      const variadic = fromPreamble ?? KNOWN_VARIADIC.has(r.name);
      if (variadic) {
        misuse(
          r.range,
          msg(
            `C.${short(r.name, 30)} is variadic, and cgo cannot call variadic C functions`,
            `write a non-variadic wrapper in the preamble and call that`,
            `For example: static void my_${r.name}(const char *s) { ${r.name}("%s", s); }`,
            goSays('unexpected type: ...'),
          ),
          'variadic',
          { name: r.name },
        );
      }
    }
  }
  if (atLeast(opts.goVersion, 21)) {
    for (const rt of file.cTypeReceivers) {
      const local = rt.typeName.replace(/^[(*]+|[)]+$/g, '').replace(/^C\./, '');
      misuse(
        rt.range,
        msg(
          `cannot define new methods on non-local type ${short(rt.typeName, 40)}`,
          `declare a local type (\`type ${local} C.${local}\` or a wrapper struct) and define the method on it`,
        ),
        'receiver',
        { typeName: rt.typeName },
      );
    }
  }
  for (const ef of file.cEmbeddedFields) {
    const field = ef.typeName.replace(/^C\./, '');
    misuse(ef.range, msg('cannot embed C type', `use a named field instead (e.g. \`${field} ${ef.typeName}\`)`), 'embed', { typeName: ef.typeName });
  }
}

/** The source checks: the Go model of one file is all they need. */
export const check = defineCheck<SourceCode>({
  name: 'source',
  codes,
  runner: { needs: 'model', run: ({ file, goVersion, text }) => checkSource(file, { goVersion, text }) },
  fixes: {
    'cgo/preamble-detached': {
      docs: [
        'Remove the blank line between the preamble and `import "C"` (preferred, in fix-all)',
        'For a comment on an import group: move "C" into its own `import "C"` below the comment',
      ],
      fix: preambleDetachedFixes,
    },
    'cgo/preamble-split': {
      docs: ['Join the comment groups with `//` lines so the lost `#cgo`/`#include` lines reach cgo (in fix-all)'],
      fix: preambleSplitFixes,
    },
    'cgo/renamed-import': { docs: ['Use plain `import "C"` and rewrite `c.X` as `C.X` (in fix-all)'], fix: renamedImportFixes },
    'cgo/export-name': {
      docs: [
        'Change the comment to `//export <FuncName>` (preferred)',
        'Rename the function to the exported name (only when no other Go code names the function)',
        'Neither is offered when C already defines a symbol of that name (a static inline helper, a .c file): the build would fail with "redefinition" / "multiple definition"; nor while the preamble has definitions that a valid //export would compile twice (fix cgo/export-preamble-definition first)',
      ],
      fix: exportNameFixes,
    },
    'cgo/export-ignored': {
      docs: [
        'Write `// export X` as `//export X` (in fix-all)',
        'Remove the blank line between `//export` and the function',
        'Not offered when exporting would break the build: C already defines the name, or the preamble has definitions that an //export would compile twice',
      ],
      fix: exportIgnoredFixes,
    },
    'cgo/export-preamble-definition': {
      docs: [
        'Make the function definition `static inline` (preferred; not offered when another C file or preamble of the package names it: its link would fail)',
        'Move the definition to a new `.c` file and keep only its declaration in the preamble (only when the definition uses nothing else of the preamble but its #includes)',
      ],
      fix: exportPreambleDefinitionFixes,
    },
  },
});
