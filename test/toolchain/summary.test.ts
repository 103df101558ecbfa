// `cgo-ls doctor --format markdown` (renderReport 'summary'): the toolchain report as a CI job summary, on real
// probes (test/toolchain/helpers.ts sandboxes).
import { describe, expect, it } from 'vitest';
import { probeToolchain } from '../../server/src/toolchain/probe.js';
import { renderReport } from '../../server/src/toolchain/report.js';
import { sandboxesPerTest } from './helpers.js';

const box = sandboxesPerTest();

describe('doctor --format markdown (job summary)', () => {
  it('a healthy toolchain: a ✅ verdict line and a ✅ row per section, no problem list', async () => {
    const b = box();
    const md = renderReport(await probeToolchain(b.ws, { env: b.env }), 'summary');
    expect(md.split('\n')[0]).toBe('## cgo-ls doctor');
    expect(md).toMatch(/^✅ \*\*cgo enabled\*\* for `linux\/amd64` · go1\.\d+\.\d+ · CC `gcc` — no issues found$/m);
    for (const row of ['Go toolchain', 'Module', 'cgo', 'C compiler', 'pkg-config']) expect(md).toMatch(new RegExp(`^\\| ✅ \\| ${row} \\| .+ \\|$`, 'm'));
    expect(md).not.toContain('### Problems');
    expect(md).toMatch(/<details><summary>Values and where they come from<\/summary>\n\n\| Variable \| Value \| From \|/);
    expect(md).toContain('| `CGO_ENABLED` | `1` | toolchain default |');
  });

  it('a problem: ❌ verdict and row, the cause with its code, the fix and the details as sub-items', async () => {
    const b = box();
    const m = await probeToolchain(b.ws, { env: { ...b.env, GOOS: 'windows', CGO_ENABLED: '1' } });
    const md = renderReport(m, 'summary');
    expect(md).toMatch(/^❌ \*\*cgo enabled\*\* for `windows\/amd64` .* — 1 error\(s\)/m);
    expect(md).toMatch(/^\| ❌ \| C compiler \| `\/usr\/bin\/gcc`/m);
    expect(md).toMatch(/^- ❌ `cgo\/cc-wrong-target` .+$/m);
    expect(md).toMatch(/^ {2}- \*\*Fix:\*\* set CC=x86\\?_64-w64-mingw32-gcc/m); // (`_` escaped outside code spans)
    // Messages in the one shape (cause, `Fix:` line, details) keep their details as sub-items.
    const p = m.problems.find((x) => x.code === 'cgo/cc-wrong-target')!;
    p.message = 'the cause\nFix: the fix\nthe go command says `x | y`';
    const md2 = renderReport(m, 'summary');
    expect(md2).toContain('- ❌ `cgo/cc-wrong-target` the cause\n  - **Fix:** the fix\n  - the go command says `x | y`');
  });
});
