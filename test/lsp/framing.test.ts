import { describe, expect, it } from 'vitest';
import { BIG_BODY, BIG_STRING, FramingGuard, jsonDecoderFor } from '../../server/src/lsp/framing.js';

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

/** Feeds `chunks` through a guard and decodes every message it lets through as the server's reader would. */
async function decoded(chunks: Buffer[]): Promise<{ messages: unknown[]; drops: string[]; passed: number; guard: FramingGuard }> {
  const drops: string[] = [];
  const g = new FramingGuard((w) => drops.push(w));
  const parts: Buffer[] = [];
  g.on('data', (d: Buffer) => parts.push(d));
  await new Promise<void>((resolve) => {
    g.on('end', () => resolve());
    for (const c of chunks) g.write(c);
    g.end();
  });
  const all = Buffer.concat(parts);
  const decoder = jsonDecoderFor(g);
  const messages: unknown[] = [];
  for (let at = 0; at < all.length;) {
    const end = all.indexOf('\r\n\r\n', at);
    const len = Number(/Content-Length: (\d+)/.exec(all.subarray(at, end).toString('latin1'))![1]);
    messages.push(await decoder.decode(all.subarray(end + 4, end + 4 + len), { charset: 'utf-8' }));
    at = end + 4 + len;
  }
  return { messages, drops, passed: all.length, guard: g };
}

const frame = (body: Buffer) => Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);

/** Cuts a buffer at pseudo-random places (a fixed seed: the same cuts every run). */
function cut(b: Buffer, seed: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  for (let at = 0; at < b.length;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % max);
    out.push(Buffer.from(b.subarray(at, at + n)));
    at += n;
  }
  return out;
}

describe('FramingGuard: a big body', () => {
  // Text that exercises the piece-wise decoding: every JSON escape, runs of backslashes before quotes, a BOM at
  // the start, multi-byte UTF-8 (2, 3 and 4 bytes), a surrogate pair written as two \u escapes, control characters.
  const tricky = (n: number): string => {
    const parts = ['\uFEFF'];
    const bits = ['x := "a\\"b"\n', '\\\\"', '\t', 'é', '漢字', '😀', '\u2028', '\u0001', '\\', '"', '/', 'C.int(x)\n'];
    let len = 0;
    for (let i = 0; len < n; i++) {
      const b = bits[(i * 7) % bits.length]!;
      parts.push(b);
      len += b.length;
    }
    return parts.join('');
  };

  it('delivers the same message as a plain JSON.parse, however the bytes are cut into chunks', async () => {
    const text = tricky(BIG_BODY + BIG_STRING);
    const open = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///p/big.go', languageId: 'go', version: 1, text } } };
    const hover = {
      jsonrpc: '2.0',
      id: 7,
      method: 'textDocument/hover',
      params: { textDocument: { uri: 'file:///p/big.go' }, position: { line: 0, character: 3 } },
    };
    // A \u escape written out (JSON.stringify leaves 😀 and é as UTF-8): the pair may be cut between pieces.
    const body = Buffer.from(JSON.stringify(open).replace(/😀/g, '\\ud83d\\ude00'), 'utf8');
    const stream = Buffer.concat([frame(body), frame(Buffer.from(JSON.stringify(hover)))]);
    for (const [seed, max] of [
      [1, 97],
      [2, 65_536],
      [3, 300_000],
    ] as const) {
      const r = await decoded(cut(stream, seed, max));
      expect(r.drops).toEqual([]);
      expect(r.messages).toEqual([open, hover]);
      expect(r.guard.pending.size).toBe(0);
      // The long text did not go through the stream: the reader got a small stand-in.
      expect(r.passed).toBeLessThan(BIG_STRING);
    }
  });

  it('leaves the short strings of a big body in place and decodes each long one', async () => {
    const many = {
      jsonrpc: '2.0',
      method: 'x',
      params: { a: 'é'.repeat(BIG_STRING), list: Array.from({ length: 40_000 }, (_, i) => `f${i}.go`), b: 'z'.repeat(BIG_BODY) },
    };
    const r = await decoded(cut(frame(Buffer.from(JSON.stringify(many))), 5, 65_536));
    expect(r.drops).toEqual([]);
    expect(r.messages).toEqual([many]);
  });

  it('drops a big body whose long string is not valid JSON, and serves the next message', async () => {
    const bad = Buffer.from(`{"jsonrpc":"2.0","method":"x","params":{"text":"${'a'.repeat(BIG_BODY)}\\q"}}`);
    const next = { jsonrpc: '2.0', id: 1, method: 'y' };
    const r = await decoded(cut(Buffer.concat([frame(bad), frame(Buffer.from(JSON.stringify(next)))]), 9, 65_536));
    expect(r.messages).toEqual([next]);
    expect(r.drops.join('\n')).toMatch(/not valid JSON/);
  });

  it('does not put a decoded string in place of a look-alike placeholder sent by the client', async () => {
    const msg = { jsonrpc: '2.0', method: 'x', params: { fake: '\u0000cgo-ls:big-string:0000000000000000:1', text: 'q'.repeat(BIG_BODY + 10) } };
    const r = await decoded([frame(Buffer.from(JSON.stringify(msg)))]);
    expect(r.messages).toEqual([msg]);
  });
});
