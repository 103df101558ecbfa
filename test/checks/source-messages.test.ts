// The toolchain's own wording: for each rule that has a toolchain error, build a tiny module with the real go
// command and check that its output contains what our message quotes from it: the details lines "go build: …" /
// "go test: …", or the first line when the cause is in the toolchain's own words and nothing is quoted.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../server/src/checks/source.js';
import { parseGoVersion } from '../../server/src/core/goversion.js';
import { parseGoFile } from '../../server/src/gomodel/model.js';
import { hasGcc, hasGo } from '../gomodel/helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-src-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function toolchainOutput(name: string, file: string, text: string, cmd: string[]): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/x\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, file), text);
  const r = spawnSync('go', cmd, { cwd: dir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '1' } });
  return `${r.stdout}${r.stderr}`;
}

const cases: { name: string; code: string; file?: string; text: string; cmd?: string[] }[] = [
  { name: 'renamed', code: 'cgo/renamed-import', text: 'package main\n\n// #include <stdlib.h>\nimport c "C"\n\nfunc main() {}\n' },
  { name: 'errno', code: 'cgo/misuse', text: 'package main\n\n// #include <errno.h>\nimport "C"\n\nfunc main() { _ = C.errno }\n' },
  { name: 'cmalloc', code: 'cgo/misuse', text: 'package main\n\nimport "C"\n\nfunc main() { _ = C._CMalloc(1) }\n' },
  { name: 'receiver', code: 'cgo/misuse', text: 'package main\n\n// typedef int T;\nimport "C"\n\nfunc (t *C.T) M() {}\n\nfunc main() {}\n' },
  { name: 'embed', code: 'cgo/misuse', text: 'package main\n\nimport "C"\n\ntype S struct {\n\tC.int\n}\n\nfunc main() {}\n' },
  { name: 'variadic', code: 'cgo/misuse', text: 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() { C.printf(nil) }\n' },
  { name: 'wrongname', code: 'cgo/export-name', text: 'package main\n\nimport "C"\n\n//export Other\nfunc GoCallback() {}\n\nfunc main() {}\n' },
  { name: 'missingname', code: 'cgo/export-name', text: 'package main\n\nimport "C"\n\n//export \nfunc GoCallback() {}\n\nfunc main() {}\n' },
  {
    name: 'testfile',
    code: 'cgo/test-file',
    file: 'main_test.go',
    text: 'package main\n\nimport "C"\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
    cmd: ['vet', '.'],
  },
];

describe.skipIf(!hasGo() || !hasGcc())('messages use the toolchain wording', () => {
  const version = hasGo()
    ? parseGoVersion(spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).stdout)!
    : parseGoVersion('go1.26')!;
  for (const c of cases) {
    it(`${c.code} (${c.name}): the toolchain prints our cause text`, async () => {
      const file = c.file ?? 'main.go';
      const dir = path.join(root, c.name);
      if (c.name === 'testfile') {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
      }
      const out = toolchainOutput(c.name, file, c.text, c.cmd ?? ['build', '-o', '/dev/null', '.']);
      const ds = checkSource(await parseGoFile(path.join(dir, file), c.text), { goVersion: version, text: c.text }).filter((d) => d.code === c.code);
      expect(ds.length).toBeGreaterThan(0);
      for (const d of ds) {
        const lines = d.message.split('\n');
        const quoted = lines.slice(2).flatMap((l) => /^go (?:build|test|vet): (.*)$/.exec(l)?.[1] ?? []);
        const parts = quoted.length > 0 ? quoted : [lines[0]!];
        for (const part of parts) expect({ out, part, has: out.includes(part) }).toMatchObject({ has: true });
      }
    });
  }
});
