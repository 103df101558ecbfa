import { describe, expect, it } from 'vitest';
import { FramingGuard } from '../../server/src/lsp/framing.js';

function through(chunks: string[]): Promise<{ out: string; drops: string[] }> {
  const drops: string[] = [];
  const g = new FramingGuard((w) => drops.push(w));
  let out = '';
  g.on('data', (d: Buffer) => (out += d.toString('latin1')));
  return new Promise((resolve) => {
    g.on('end', () => resolve({ out, drops }));
    for (const c of chunks) g.write(Buffer.from(c, 'latin1'));
    g.end();
  });
}

const msg = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('FramingGuard', () => {
  it('passes well-framed messages through unchanged, even split across chunks', async () => {
    const a = msg('{"jsonrpc":"2.0","id":1,"method":"x"}');
    const b = msg('{"jsonrpc":"2.0","method":"y","params":{"s":"é"}}');
    const all = a + b;
    const r = await through([all.slice(0, 7), all.slice(7, 40), all.slice(40)]);
    expect(r.out).toBe(all);
    expect(r.drops).toEqual([]);
  });

  it('drops a header without a numeric Content-Length and its body, then resynchronises', async () => {
    const good = msg('{"jsonrpc":"2.0","id":2,"method":"ok"}');
    const r = await through(['Content-Length: abc\r\n\r\n{"junk":1}', good]);
    expect(r.out).toBe(good);
    expect(r.drops.length).toBeGreaterThan(0);
    const r2 = await through(['X-Whatever: 1\r\n\r\n{"junk":2}' + good]);
    expect(r2.out).toBe(good);
  });

  it('gives up on an endless header block but keeps what follows', async () => {
    const good = msg('{"jsonrpc":"2.0","id":3,"method":"ok"}');
    const r = await through(['A'.repeat(20_000), good]);
    expect(r.out).toBe(good);
    expect(r.drops.length).toBeGreaterThan(0);
  });
});
