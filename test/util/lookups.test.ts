import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetLookups, LOOKUP_TTL_MS, rememberedLookup } from '../../server/src/util/lookups.js';
import { resolveCommand } from '../../server/src/util/proc.js';

const dirs: string[] = [];
afterEach(() => {
  forgetLookups();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-lookups-'));
  dirs.push(d);
  return d;
}
function tool(dir: string, name: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return f;
}

describe('rememberedLookup', () => {
  it('reuses an answer within a second, searches again after it, after forgetLookups, or when the file is gone', () => {
    const d = tmp();
    const f = tool(d, 'cc');
    let searches = 0;
    const search = () => (searches++, fs.existsSync(f) ? f : null);
    const t0 = 1_000_000;
    expect(rememberedLookup('k', search, t0)).toBe(f);
    expect(rememberedLookup('k', search, t0 + LOOKUP_TTL_MS - 1)).toBe(f);
    expect(searches).toBe(1);
    expect(rememberedLookup('k', search, t0 + LOOKUP_TTL_MS)).toBe(f);
    expect(searches).toBe(2);
    forgetLookups();
    expect(rememberedLookup('k', search, t0 + LOOKUP_TTL_MS)).toBe(f);
    expect(searches).toBe(3);
    fs.rmSync(f);
    expect(rememberedLookup('k', search, t0 + LOOKUP_TTL_MS + 1)).toBeNull();
    expect(searches).toBe(4);
  });

  it.skipIf(process.platform === 'win32')('resolveCommand: a compiler put earlier on PATH is found after forgetLookups (what a toolchain probe does)', () => {
    const late = tmp();
    const early = tmp();
    const found = tool(late, 'mycc');
    const env = { PATH: `${early}${path.delimiter}${late}` };
    expect(resolveCommand('mycc', env)).toBe(found);
    const shadow = tool(early, 'mycc');
    expect(resolveCommand('mycc', env)).toBe(found); // remembered (within the second)
    forgetLookups();
    expect(resolveCommand('mycc', env)).toBe(shadow);
    fs.rmSync(shadow);
    expect(resolveCommand('mycc', env)).toBe(found); // the remembered file is gone: searched again
  });
});
