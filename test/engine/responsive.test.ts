// Big or hostile files must not make hovers wait (issue 12 item 7): a hover where nothing can be said answers
// without waiting for any tool, and the analysis and a hover that arrive together parse the text once.
// The hanging `go` is a FAULT-INJECTION FAKE: `go env` sleeps; everything else is the real go.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { FileStore } from '../../server/src/engine/session.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { killAllRunsAndWait } from '../../server/src/util/proc.js';
import { MAX_ANALYSED_CHARS } from '../../server/src/gomodel/model.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-responsive-'));
afterAll(async () => {
  await killAllRunsAndWait();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const SRC = 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nfunc F() C.int {\n\treturn C.int(C.rand())\n}\n';

describe('a hover answers without waiting when there is nothing to say', () => {
  it('a hover on a blank line is null while `go env` hangs; a hover on C.rand then says the toolchain is pending', async () => {
    const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
    expect(realGo, 'go on PATH').not.toBe('');
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'go'), `#!/bin/sh\n# FAULT-INJECTION FAKE go: "go env" hangs.\n[ "$1" = env ] && exec sleep 30\nexec '${realGo}' "$@"\n`, {
      mode: 0o755,
    });
    const mod = path.join(tmp, 'mod');
    fs.mkdirSync(path.join(mod, 'p'), { recursive: true });
    fs.writeFileSync(path.join(mod, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    const file = path.join(mod, 'p', 'a.go');
    fs.writeFileSync(file, SRC);
    const engine = new Engine({
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      settings: { ...defaultSettings, checkShellEnv: false },
    });
    engine.setDocument(file, SRC, 1);
    let probed = false;
    void engine.toolchain(file).finally(() => (probed = true));
    expect(await engine.hover(file, { line: 1, character: 0 })).toBeNull();
    expect(await engine.hover(file, { line: 7, character: 0 })).toBeNull(); // the closing brace
    expect(probed, 'the probe is still waiting for `go env`').toBe(false);
    // Where there is something to say, the hover does not wait either: it says what is pending.
    const h = await engine.hover(file, { line: 6, character: 16 });
    expect(h).toMatch(/has not answered/);
    expect(probed).toBe(false);
  }, 60_000);
});

describe('the model of one text is parsed once', () => {
  it('two callers asking at the same time (the analysis and a hover) get the same model', async () => {
    const store = new FileStore();
    const file = path.join(tmp, 'x.go');
    store.setDocument(file, SRC, 1);
    const [a, b] = await Promise.all([store.model(file), store.model(file)]);
    expect(a).not.toBeNull();
    expect(a).toBe(b);
    store.setDocument(file, SRC + '\n', 2);
    expect(await store.model(file)).not.toBe(a); // a new text is a new model
  });

  it('a hover near the top of a file over the cap gets a model of the part around it while the whole model is built', async () => {
    const store = new FileStore();
    const file = path.join(tmp, 'big.go');
    let text = 'package p\n\n// #include <stdlib.h>\nimport "C"\n\n';
    for (let i = 0; text.length < 4 * MAX_ANALYSED_CHARS; i++) text += `func f${i}(x int) C.int {\n\treturn C.int(x) + ${i}\n}\n\n`;
    store.setDocument(file, text, 1);
    const at = { line: 6, character: 8 }; // C.int in f0's body
    const early = await store.modelAt(file, at); // asked before the whole model is done
    const whole = await store.model(file);
    expect(early).not.toBe(whole);
    expect(early!.limited!.analysedBytes).toBeLessThan(whole!.limited!.analysedBytes);
    // The part's model says the same as the whole one about everything in the part.
    const inPart = whole!.cRefs.filter((r) => r.range.end.line < early!.limited!.endLine!);
    expect(early!.cRefs).toEqual(inPart);
    expect(early!.cRefs.find((r) => r.range.start.line === 6)).toMatchObject({ name: 'int', context: 'call' });
    expect(early!.cImports).toEqual(whole!.cImports);
    // Once the whole model is there, it is the one used; past the cap there is only the whole model.
    expect(await store.modelAt(file, at)).toBe(whole);
    store.setDocument(file, text + '\n', 2);
    const far = await store.modelAt(file, { line: 100_000, character: 0 });
    expect(far).toBe(await store.model(file));
    // The position's limit is remembered for the hover's second question, but not past the document's close: the
    // store must not keep a closed file's big text.
    expect(store.holdsPrefixMemo()).toBe(true);
    store.removeDocument(file);
    expect(store.holdsPrefixMemo()).toBe(false);
  });
});
