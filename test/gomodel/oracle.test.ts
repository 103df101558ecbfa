// Differential test: the TypeScript model vs. the real go/parser + cmd/cgo logic (test/fixtures/gomodel/oracle),
// on hundreds of generated layouts of comments, blank lines, imports and //export comments.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGoFileSync } from '../../server/src/gomodel/model.js';
import { getGoParser, type Parser } from '../../server/src/gomodel/parser.js';
import { hasGo } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const oracleDir = path.join(here, '..', 'fixtures', 'gomodel', 'oracle');

interface OracleResult {
  parseError: boolean;
  imports: { preamble: string | null; firstLine: number; renamed: string }[];
  exports: { func: string; name: string }[];
}

function runOracle(srcs: string[]): OracleResult[] {
  const out = execFileSync('go', ['run', '.'], {
    cwd: oracleDir,
    input: JSON.stringify(srcs),
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString('utf8')) as OracleResult[];
}

const importItems = [
  '',
  '',
  '// #include <stdio.h>',
  '//',
  '// #cgo CFLAGS: -DX=1',
  '/* #include <a.h>\n * int x; */',
  '/* one */',
  '/* a */ // b',
  '// int f(void) { return 1; }',
  '// #define S "é😀"',
  '\t/* tabbed */',
  'import "C"',
  'import c "C"',
  'import _ "C"',
  'import (\n"C"\n)',
  'import (\n"fmt"\n"C"\n)',
  'import (\n// #include <b.h>\n"C"\n"fmt"\n)',
  'import (\n"fmt"\n\n// #include <c.h>\n\n"C"\n)',
  'import ( // trailing\n"C"\n)',
  'import "C" // trailing',
  'import "fmt"',
];
const declItems = [
  '',
  '',
  '//export F',
  '//export G',
  '// export F',
  '/*export F*/',
  '//export ',
  '// F does things.',
  'func F() {}',
  'func G() {}',
  'func (t T) F() {}',
  'var v = 1',
  'var w = 1 // t',
  'var u = 1 /* x\n y */',
  'type T int',
];

const source = fc
  .tuple(fc.array(fc.constantFrom(...importItems), { maxLength: 9 }), fc.array(fc.constantFrom(...declItems), { maxLength: 10 }), fc.boolean())
  .map(([imps, decls, crlf]) => {
    const s = ['package p', ...imps, ...decls].join('\n') + '\n';
    return crlf ? s.replace(/\n/g, '\r\n') : s;
  });

describe.skipIf(!hasGo())('model agrees with go/parser + cmd/cgo (oracle)', () => {
  let parser: Parser;
  beforeAll(async () => {
    parser = await getGoParser();
  });

  it('chooses the same preamble text, #line and rename for every import "C", and the same //export for every func', () => {
    const srcs = fc.sample(source, { numRuns: 600, seed: 20240611 });
    // plus hand-written edge cases from cgo-rules.md §1
    srcs.push(
      'package p\n\n// #include <x.h>\n\nimport "C"\n',
      'package p\n// a\n\n// b\nimport "C"\n',
      'package p\n// #include <x.h>\nimport (\n"C"\n"fmt"\n)\n',
      'package p\nimport (\n// #include <x.h>\n"C"\n"fmt"\n)\n',
      'package p\n// one\nimport "C"\n// two\nimport "C"\n',
      'package p\n/* x */ /* y */\nimport "C"\n',
      'package p\n/*\n#include <x.h>\n*/\nimport "C"\n',
    );
    const oracle = runOracle(srcs);
    let compared = 0;
    srcs.forEach((src, i) => {
      const o = oracle[i]!;
      if (o.parseError) return;
      compared++;
      const f = parseGoFileSync(parser, '/x/p.go', src);
      const ours = f.cImports.map((imp) => ({
        preamble: imp.preamble ? imp.preamble.text : null,
        firstLine: imp.preamble ? imp.preamble.firstLine + 1 : 0,
        renamed: imp.renamedTo ?? '',
      }));
      expect({ src, imports: ours }).toEqual({ src, imports: o.imports });
      const exps = f.exports
        .filter((e) => e.func && (e.ignored === undefined || e.ignored === 'no-import-c'))
        .map((e) => ({ func: e.func!.name, name: e.name }));
      expect({ src, exports: exps }).toEqual({ src, exports: o.exports });
    });
    expect(compared).toBeGreaterThan(300);
  });
});
