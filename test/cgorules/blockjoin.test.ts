// cmd/cgo joins a /* */ comment and the // comment after it onto one preamble line; go/build reads them as two
// lines. The #cgo parser must follow go/build (regression: the second directive was read as arguments).
import { describe, expect, it } from 'vitest';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { checkDirectives } from '../../server/src/checks/directives.js';

const ctx = { goos: 'linux', goarch: 'amd64', cgoEnabled: true, goMinor: 26, compiler: 'gc' as const, buildTags: [], toolTags: [] };

describe('a block comment followed by a // comment in the preamble', () => {
  it('gives two #cgo directives with ranges on their own lines, and no bogus unsafe-argument error', async () => {
    const text = 'package p\n\n/* #cgo CFLAGS: -DBLOCK=1 */\n// #cgo CFLAGS: -DNEXT=2\nimport "C"\n';
    const file = await parseGoFile('/tmp/p/a.go', text);
    const res = checkDirectives({
      file: file.path,
      preambles: file.cImports.map((i) => i.preamble!),
      build: ctx,
      srcDir: '/tmp/p',
      goVersion: { major: 1, minor: 26, patch: 0, raw: '' },
      env: {},
    });
    expect(res.diagnostics).toEqual([]);
    expect(res.flags.CFLAGS).toEqual(['-DBLOCK=1', '-DNEXT=2']);
  });
});
