// Fuzzing the pure stages with fast-check: the Go model (parseGoFile), the #cgo parser (parseDirectives via
// checkDirectives) and the static checks (checkSource) on mutated fixture files and random text. They must never
// throw, return well-formed results (ranges inside the document, non-negative, every diagnostic with code,
// severity, message and data.code). How long the pathological inputs take is a figure of `npm run stress`
// (section "pathological"), not a threshold here; the test timeouts only catch a hang.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { parseDirectives } from '../../server/src/cgorules/directives.js';
import { checkDirectives } from '../../server/src/checks/directives.js';
import { checkSource } from '../../server/src/checks/source.js';
import type { GoFile } from '../../server/src/gomodel/types.js';
import {
  corpus,
  expectDiagnosticWellFormed,
  expectRangeInside,
  go122,
  go126,
  lineLengths,
  linuxBuild,
  mutatedGoFile,
  params,
  randomGoText,
  timeoutFor,
} from './common.js';

const SRC_DIR = '/tmp/fuzz/pkg';

/** Everything the pure stages produce for one text, checked for well-formedness. Returns the model. */
async function analyzeAndCheck(name: string, text: string): Promise<GoFile> {
  const file = path.join(SRC_DIR, name);
  const lens = lineLengths(text);
  const model = await parseGoFile(file, text);
  expect(model.path).toBe(file);
  expect(model.importsC).toBe(model.cImports.length > 0);
  for (const imp of model.cImports) {
    expectRangeInside(imp.pathRange, lens, 'cImport.pathRange');
    expectRangeInside(imp.specRange, lens, 'cImport.specRange');
    if (imp.preamble) {
      expect(imp.preamble.firstLine).toBeGreaterThanOrEqual(0);
      for (const l of imp.preamble.lines) {
        expect(l.goLine, 'preamble line maps past the end').toBeLessThan(lens.length);
        expect(l.goLine).toBeGreaterThanOrEqual(0);
        expect(l.goCol).toBeGreaterThanOrEqual(0);
      }
    }
  }
  for (const r of model.cRefs) {
    expectRangeInside(r.range, lens, `cRef ${r.name}`);
    expect(r.name).toMatch(/^[\p{L}_][\p{L}\p{Nd}_]*$/u);
  }
  for (const e of model.exports) expectRangeInside(e.range, lens, 'export');
  for (const [goVersion, text2] of [
    [go126, text],
    [go122, text],
  ] as const) {
    const src = checkSource(model, { goVersion, text: text2 });
    for (const d of src) expectDiagnosticWellFormed(d, file, lens);
    const preambles = model.cImports.flatMap((i) => (i.preamble ? [i.preamble] : []));
    for (const p of preambles) {
      const parsed = parseDirectives(p, { build: linuxBuild, srcDir: SRC_DIR, goVersion, pathStyle: 'posix' });
      for (const d of parsed.directives) expectRangeInside(d.range, lens, 'directive');
      for (const e of parsed.errors) expectRangeInside(e.range, lens, `directive error ${e.kind}`);
    }
    const dres = checkDirectives({
      file,
      preambles,
      build: linuxBuild,
      srcDir: SRC_DIR,
      goVersion,
      env: {},
      pathStyle: 'posix',
      cFunctionRefs: model.cRefs.map((r) => r.name),
    });
    for (const d of dres.diagnostics) expectDiagnosticWellFormed(d, file, lens);
    // Security invariant: flags of a file that is not rejected never include a code-loading flag.
    if (!dres.rejected) {
      const all = [...dres.flags.CFLAGS, ...dres.flags.CPPFLAGS, ...dres.flags.CXXFLAGS, ...dres.flags.FFLAGS, ...dres.flags.LDFLAGS];
      const bad = all.filter((a) => a.startsWith('@') || /^-f?plugin|^-Wl,.*-plugin|^-B|^-specs|^-lto_library/.test(a));
      expect(bad, 'a code-loading flag passed the allow-list checks').toEqual([]);
    }
  }
  return model;
}

describe('fuzz: Go model, #cgo parser and static checks', () => {
  it('the seed corpus itself is analysed cleanly (and has cgo files to mutate)', async () => {
    expect(corpus.length).toBeGreaterThan(10);
    let withC = 0;
    for (const c of corpus) if ((await analyzeAndCheck(path.basename(c.file), c.text)).importsC) withC++;
    expect(withC).toBeGreaterThan(5);
  });

  it(
    'mutated fixture files (insert/delete/duplicate lines, random bytes, invalid UTF-8, unterminated comments, nesting, CRLF): never throw, well-formed results',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedGoFile, async ({ name, text }) => {
          await analyzeAndCheck(name, text);
        }),
        params(300),
      );
    },
    timeoutFor(300, 200),
  );

  it(
    'random text made of Go/cgo fragments: never throws, well-formed results',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomGoText, fc.constantFrom('a.go', 'a_test.go', 'x_windows.go'), async (text, name) => {
          await analyzeAndCheck(name, text);
        }),
        params(300),
      );
    },
    timeoutFor(300, 200),
  );

  it(
    'random #cgo lines in a real preamble: the directive checks never throw and stay well-formed',
    async () => {
      const word = fc.oneof(
        fc.constantFrom(
          'CFLAGS:',
          'LDFLAGS:',
          'CPPFLAGS:',
          'pkg-config:',
          'noescape',
          'nocallback',
          'linux',
          '!windows',
          'linux,amd64',
          '&&',
          '||',
          '(linux',
          'cgo',
          'CFLAG:',
        ),
        fc.constantFrom(
          '-DX=1',
          '-D',
          '-I',
          '-I${SRCDIR}/inc',
          '-L/x',
          '-lm',
          '-fplugin=x.so',
          '@rsp',
          '-include',
          '-foo',
          '"a b"',
          "'c'",
          '\\',
          '"',
          '${HOME}',
          '-Wl,--push-state,--as-needed',
          'x.obj',
          'libz.so.1',
          '--static',
          'zlib',
          '-lfoo',
        ),
        fc.string({ maxLength: 10 }),
      );
      const line = fc.array(word, { maxLength: 8 }).map((ws) => `#cgo ${ws.join(' ')}`);
      await fc.assert(
        fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), fc.boolean(), async (lines, block) => {
          // (`*/` inside a block preamble would end the comment, `\n` would end a // line: keep the preamble a preamble.)
          const clean = lines.map((l) => l.replace(/\*\//g, '* /').replace(/[\n\r\u2028\u2029]/g, ' '));
          const pre = block ? `/*\n${clean.join('\n')}\n#include <stdlib.h>\n*/` : [...clean, '#include <stdlib.h>'].map((l) => `// ${l}`).join('\n');
          const text = `package p\n\n${pre}\nimport "C"\n\nfunc F() { C.free(nil) }\n`;
          const m = await analyzeAndCheck('a.go', text);
          expect(m.importsC).toBe(true);
        }),
        params(400),
      );
    },
    timeoutFor(400, 100),
  );

  it('CRLF line ends give the same cgo structure as LF for every fixture', async () => {
    for (const c of corpus) {
      const lf = await parseGoFile('/tmp/fuzz/a.go', c.text.replace(/\r\n/g, '\n'));
      const crlf = await parseGoFile('/tmp/fuzz/a.go', c.text.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n'));
      expect(crlf.importsC, c.file).toBe(lf.importsC);
      expect(
        crlf.cRefs.map((r) => r.name),
        c.file,
      ).toEqual(lf.cRefs.map((r) => r.name));
      expect(
        crlf.cImports.map((i) => i.preamble?.lines.length ?? -1),
        c.file,
      ).toEqual(lf.cImports.map((i) => i.preamble?.lines.length ?? -1));
      expect(
        crlf.exports.map((e) => e.name),
        c.file,
      ).toEqual(lf.exports.map((e) => e.name));
    }
  });

  it('pathological inputs are analysed without throwing, with well-formed results: a 10 MB file, 100k nested parens, 20k #cgo lines', async () => {
    const body = corpus.find((c) => c.file.endsWith('box.go'))?.text ?? corpus[0]!.text;
    const comment = '// a generated comment line, as in big generated bindings\n';
    const big = body + comment.repeat(Math.ceil((10 * 1024 * 1024) / comment.length));
    const cases: [string, string][] = [
      ['big.go', big],
      ['parens.go', `package p\n\n// #include <stdlib.h>\nimport "C"\n\nvar x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`],
      ['lines.go', `package p\n\n${'// #cgo CFLAGS: -DX=1\n'.repeat(20_000)}import "C"\n`],
    ];
    for (const [name, text] of cases) await analyzeAndCheck(name, text);
  }, 240_000);

  it('inputs fuzzing once failed on stay fixed: cgo/file-too-large on a file whose first line is empty', async () => {
    // A NUL byte (not Go source) behind an empty first line: the diagnostic's range went past the end of line 0.
    await analyzeAndCheck('x_windows.go', '\n\n:)&s9]\u0000${HOME})f}eh@BKl\u0013\ufffd\u0003YuH~#~');
  });

  it('a 12 KB file with an unterminated block comment full of "/*" is analysed (the parse once took minutes on it)', async () => {
    // 4,000 × "/* " without a closing "*/": the kind of text a half-typed or hostile file holds.
    await analyzeAndCheck('unterminated.go', `package p\n\n${'/* '.repeat(4_000)}\nimport "C"\n`);
  }, 120_000);

  it('a 2 MB generated cgo file (50k C.name uses) is analysed', async () => {
    const body = corpus.find((c) => c.file.endsWith('box.go'))?.text ?? corpus[0]!.text;
    const filler = 'func f() { x := C.CString("s"); _ = x }\n';
    await analyzeAndCheck('gen.go', body + filler.repeat(Math.ceil((2 * 1024 * 1024) / filler.length)));
  }, 120_000);
});
