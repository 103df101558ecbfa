// The diagnostic-code catalogue, the source and protocol.md agree.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { renderCodesSection } from '../../server/src/engine/protocol-doc.js';
import { FIX_DOCS } from '../../server/src/engine/fixes.js';

const root = path.resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('diagnostic code catalogue', () => {
  const codes = Engine.codes();

  it('has unique codes, each with a title, a cause and a fix', () => {
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
    for (const c of codes) {
      expect(c.code).toMatch(/^cgo\/[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.title.length, c.code).toBeGreaterThan(5);
      expect(c.cause.length, c.code).toBeGreaterThan(10);
      expect(c.fix.length, c.code).toBeGreaterThan(10);
    }
  });

  it('documents every cgo/ code string the server source mentions', () => {
    const known = new Set(codes.map((c) => c.code));
    const notCodes = new Set(['cgo/toolchain']); // the custom request, not a diagnostic
    const missing: string[] = [];
    for (const f of sourceFiles(path.join(root, 'server', 'src'))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/['"`](cgo\/[a-z0-9-]+)['"`]/g)) {
        if (!known.has(m[1]!) && !notCodes.has(m[1]!)) missing.push(`${path.relative(root, f)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents code actions only for codes that exist', () => {
    const known = new Set(codes.map((c) => c.code));
    expect(Object.keys(FIX_DOCS).filter((c) => !known.has(c))).toEqual([]);
  });

  it('protocol.md carries the generated section (run node scripts/protocol-codes.mjs after changing codes)', () => {
    const doc = fs.readFileSync(path.join(root, 'protocol.md'), 'utf8');
    const start = doc.indexOf('<!-- codes:start -->') + '<!-- codes:start -->'.length;
    const end = doc.indexOf('<!-- codes:end -->');
    expect(doc.slice(start, end).trim()).toBe(renderCodesSection().trim());
  });
});
