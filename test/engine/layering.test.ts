// The house rules ARCHITECTURE.md states about imports, checked on the source: thin adapters reach the stages
// only through the session's public face, only lsp/ talks LSP, only util/proc.ts starts processes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '..', '..', 'server', 'src');
const filesIn = (dir: string): string[] =>
  fs
    .readdirSync(path.join(src, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesIn(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(src, file), 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);

describe('imports', () => {
  it('the adapters (lsp/, cli/) import the stages only through engine/index.ts', () => {
    const bad: string[] = [];
    for (const f of [...filesIn('lsp'), ...filesIn('cli')]) {
      for (const i of importsOf(f)) {
        if (!i.startsWith('.')) continue;
        const target = path.relative(src, path.resolve(path.dirname(path.join(src, f)), i));
        const ok = target.startsWith('core/') || target === 'engine/index.js' || target === 'version.js' || path.dirname(target) === path.dirname(f);
        if (!ok) bad.push(`${f} → ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('only lsp/ imports vscode-languageserver', () => {
    const users = filesIn('.').filter((f) => importsOf(f).some((i) => i.startsWith('vscode-languageserver')));
    expect(users.every((f) => f.startsWith('lsp/'))).toBe(true);
  });

  it('only util/proc.ts imports child_process, and the reaper, which starts what util/proc.ts asks it to', () => {
    const users = filesIn('.').filter((f) => importsOf(f).some((i) => i === 'node:child_process' || i === 'child_process'));
    expect(users.sort()).toEqual(['util/proc.ts', 'util/reaper.ts']);
  });

  it('only core/host.ts reads process.platform / process.arch (the reaper script, which imports only node: modules, excepted)', () => {
    const readers = filesIn('.').filter((f) =>
      /\bprocess\.(platform|arch)\b/.test(fs.readFileSync(path.join(src, f), 'utf8').replace(/^\s*(\/\/|\/?\*).*$/gm, '')),
    );
    expect(readers.sort()).toEqual(['core/host.ts', 'util/reaper.ts']);
  });

  it('the reaper script imports nothing but node: modules, util/collect.ts and util/procscan.ts, which import none (its bundle is copied as-is into the VS Code extension)', () => {
    expect(importsOf('util/reaper.ts').filter((i) => !i.startsWith('node:'))).toEqual(['./collect.js', './procscan.js']);
    expect(importsOf('util/collect.ts').filter((i) => !i.startsWith('node:'))).toEqual([]);
    expect(importsOf('util/procscan.ts').filter((i) => !i.startsWith('node:'))).toEqual([]);
  });
});
