// A guard in front of the JSON-RPC reader for --stdio: a message whose header has no valid Content-Length
// would leave vscode-jsonrpc's reader stuck for good. This stream passes well-framed messages through unchanged
// and drops a malformed header block (then resynchronises on the next `Content-Length:`), reporting each drop.
//
// A big body (a whole-file didOpen/didChange of a generated file) is not passed through: decoding it in one go
// would hold the event loop three times over its size (vscode-jsonrpc joins the chunks into one buffer, decodes
// it to a string, and JSON.parse copies the text again, each about 100 ms per 20 MB here). Instead its long
// string values are decoded chunk by chunk as the bytes arrive (`BigBodyDecoder`), and a small stand-in message,
// with a placeholder where each long string was, goes to the reader; `expandBigStrings` (called by the reader's
// JSON decoder, `jsonDecoderFor`, wired in connect.ts) puts the decoded strings back. The only whole-size step left is joining the pieces.
import { randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { ContentTypeDecoder, Message } from 'vscode-languageserver/node.js';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /content-length/i;
/** A header block longer than this is junk (real headers are a few dozen bytes). */
const MAX_HEADER = 8 * 1024;
/**
 * A body longer than this is refused (its header is dropped and the reader resynchronises on the next header):
 * an absurd Content-Length would otherwise make the reader buffer everything that follows, for good. The
 * largest real messages are whole-file didOpen/didChange notifications; 64 MiB leaves room for any source file.
 */
export const MAX_BODY = 64 * 1024 * 1024;
/** A body longer than this has its long strings decoded as it arrives (see BigBodyDecoder). */
export const BIG_BODY = 1024 * 1024;
/** Inside a big body, a string value longer than this (in bytes of JSON) is decoded chunk by chunk. */
export const BIG_STRING = 64 * 1024;
/** Decoded big strings not yet claimed by expandBigStrings: at most this many are kept (a body the reader failed
 * to parse never claims its strings). */
const MAX_PENDING_STRINGS = 8;

export class FramingGuard extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private need = -1; // body bytes still to pass through (or to decode) for the current message
  private big: BigBodyDecoder | null = null; // the decoder of the current body when it is big
  private readonly nonce = randomBytes(8).toString('hex');
  private serial = 0;
  /** Decoded long strings by placeholder, waiting for expandBigStrings. */
  readonly pending = new Map<string, string>();

  constructor(private readonly onDrop: (why: string) => void) {
    super();
  }

  /**
   * Puts the long strings of a big body back into its parsed stand-in message (in place; returns it). Cheap when
   * nothing is pending. Placeholders carry a per-process random nonce, so a client cannot forge one.
   */
  expandBigStrings<T>(msg: T): T {
    if (this.pending.size === 0) return msg;
    const visit = (v: unknown): unknown => {
      if (typeof v === 'string') {
        const s = v.startsWith(PLACEHOLDER) ? this.pending.get(v) : undefined;
        if (s === undefined) return v;
        this.pending.delete(v);
        return s;
      }
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length && this.pending.size > 0; i++) v[i] = visit(v[i]);
      } else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
          if (this.pending.size === 0) break;
          o[k] = visit(o[k]);
        }
      }
      return v;
    };
    return visit(msg) as T;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.drain();
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.need > 0) {
        if (this.buf.length === 0) return;
        const n = Math.min(this.need, this.buf.length);
        if (this.big) this.big.write(this.buf.subarray(0, n));
        else this.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.need -= n;
        if (this.need === 0 && this.big) this.finishBig();
        continue;
      }
      this.need = -1;
      const end = this.buf.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER) this.resync('a header block without an end (\\r\\n\\r\\n)');
        return;
      }
      const header = this.buf.subarray(0, end).toString('latin1');
      const m = /(?:^|\r\n)content-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(header);
      if (!m) {
        // Junk glued in front of a real header (the rest of a dropped body): cut it off and try again.
        const at = header.search(/content-length[ \t]*:/i);
        if (at > 0) {
          this.onDrop(`dropped ${at} bytes of junk before a header`);
          this.buf = this.buf.subarray(at);
          continue;
        }
        this.buf = this.buf.subarray(end + HEADER_END.length);
        this.onDrop(`dropped a message whose header has no valid Content-Length: ${JSON.stringify(header.slice(0, 200))}`);
        this.skipToNextHeader();
        continue;
      }
      const len = Number(m[1]);
      if (!Number.isSafeInteger(len) || len > MAX_BODY) {
        this.buf = this.buf.subarray(end + HEADER_END.length);
        this.onDrop(`dropped a message whose Content-Length (${m[1]!.slice(0, 20)}) exceeds the ${MAX_BODY} byte limit`);
        this.skipToNextHeader();
        continue;
      }
      if (len > BIG_BODY) {
        // The stand-in message gets its own header once the body is decoded.
        this.big = new BigBodyDecoder(() => `${PLACEHOLDER}${this.nonce}:${++this.serial}`);
      } else {
        this.push(this.buf.subarray(0, end + HEADER_END.length));
      }
      this.buf = this.buf.subarray(end + HEADER_END.length);
      this.need = len;
      if (len === 0) this.need = -1;
    }
  }

  private finishBig(): void {
    const big = this.big!;
    this.big = null;
    const r = big.end();
    if (typeof r === 'string') {
      this.onDrop(`dropped a ${big.bytes} byte message: ${r}`);
      return;
    }
    for (const [k, v] of r.strings) {
      this.pending.set(k, v);
      if (this.pending.size > MAX_PENDING_STRINGS) this.pending.delete(this.pending.keys().next().value!);
    }
    this.push(Buffer.from(`Content-Length: ${r.body.length}\r\n\r\n`, 'latin1'));
    this.push(r.body);
  }

  /** After a bad header, the junk body may follow: skip to the next `Content-Length` header. */
  private skipToNextHeader(): void {
    const text = this.buf.toString('latin1');
    const at = text.search(CONTENT_LENGTH);
    if (at < 0) {
      // Keep a short tail: it may be the start of a header split across chunks.
      this.buf = this.buf.subarray(Math.max(0, this.buf.length - 15));
      return;
    }
    this.buf = this.buf.subarray(at);
  }

  private resync(why: string): void {
    this.onDrop(`dropped ${this.buf.length} bytes: ${why}`);
    const text = this.buf.toString('latin1');
    const next = text.slice(1).search(CONTENT_LENGTH);
    this.buf = next < 0 ? this.buf.subarray(Math.max(0, this.buf.length - 15)) : this.buf.subarray(next + 1);
  }
}

/**
 * The reader's JSON decoder for messages that went through `guard`: vscode-jsonrpc's own (the body as a string,
 * then JSON.parse), then the guard's long strings put back in.
 */
export function jsonDecoderFor(guard: FramingGuard): ContentTypeDecoder {
  return {
    name: 'application/json',
    decode: (bytes, options) => {
      try {
        const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(options.charset === 'ascii' ? 'ascii' : 'utf8');
        return Promise.resolve(guard.expandBigStrings(JSON.parse(text) as Message));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}

/** What a long string is replaced with in a stand-in message (then a nonce and a serial number). */
const PLACEHOLDER = '\u0000cgo-ls:big-string:';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Decodes one JSON body as its bytes arrive. Outside long strings the bytes are kept as they are (the stand-in
 * body); a string value longer than BIG_STRING bytes is decoded (UTF-8, then its JSON escapes) piece by piece,
 * so no step but the final join of the pieces is proportional to the whole body. The JSON is not validated
 * beyond what finding the strings needs: the reader parses the stand-in body as it would have parsed the real one.
 */
export class BigBodyDecoder {
  bytes = 0;
  private readonly out: Buffer[] = []; // the stand-in body so far
  private inString = false;
  private bsBefore = 0; // backslashes right before the current position, inside a string
  private small: Buffer[] = []; // raw bytes of the current string (opening quote included) while it is short
  private smallLen = 0;
  private long: LongString | null = null;
  private readonly strings = new Map<string, string>();
  private error: string | null = null;

  constructor(private readonly placeholder: () => string) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.error !== null) return;
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.inString) {
        const q = chunk.indexOf(QUOTE, pos);
        if (q < 0) {
          this.out.push(chunk.subarray(pos));
          return;
        }
        this.out.push(chunk.subarray(pos, q));
        this.inString = true;
        this.bsBefore = 0;
        this.small = [chunk.subarray(q, q + 1)];
        this.smallLen = 1;
        pos = q + 1;
        continue;
      }
      // Inside a string: the next quote not escaped by an odd run of backslashes ends it.
      let from = pos;
      let end = -1;
      for (;;) {
        const q = chunk.indexOf(QUOTE, from);
        if (q < 0) break;
        let run = 0;
        while (q - run - 1 >= from && chunk[q - run - 1] === BACKSLASH) run++;
        if (q - run === from) run += this.bsBefore;
        if (run % 2 === 0) {
          end = q;
          break;
        }
        from = q + 1;
        this.bsBefore = 0;
      }
      const stop = end < 0 ? chunk.length : end;
      if (end < 0) {
        let run = 0;
        while (stop - run - 1 >= from && chunk[stop - run - 1] === BACKSLASH) run++;
        this.bsBefore = stop - run === from ? this.bsBefore + run : run;
      }
      this.content(chunk.subarray(pos, stop));
      if (end < 0) return;
      this.closeString(chunk.subarray(end, end + 1));
      pos = end + 1;
    }
  }

  /** Bytes of a string's content (escapes still in). */
  private content(part: Buffer): void {
    if (part.length === 0) return;
    if (this.long) {
      this.long.write(part);
      return;
    }
    this.small.push(part);
    this.smallLen += part.length;
    if (this.smallLen > BIG_STRING) {
      this.long = new LongString();
      const [, ...rest] = this.small; // without the opening quote
      for (const p of rest) this.long.write(p);
      this.small = [];
      this.smallLen = 0;
    }
  }

  private closeString(quote: Buffer): void {
    this.inString = false;
    if (this.long) {
      const s = this.long.end();
      this.long = null;
      if (s === null) {
        this.error = 'a long string in it is not valid JSON';
        return;
      }
      const key = this.placeholder();
      this.strings.set(key, s);
      this.out.push(Buffer.from(JSON.stringify(key), 'utf8'));
      return;
    }
    this.out.push(...this.small, quote);
    this.small = [];
    this.smallLen = 0;
  }

  /** The stand-in body and its long strings by placeholder, or why the body cannot be delivered. */
  end(): { body: Buffer; strings: Map<string, string> } | string {
    if (this.error !== null) return this.error;
    if (this.inString) return 'it ends inside a string';
    return { body: Buffer.concat(this.out), strings: this.strings };
  }
}

/** One long JSON string value, decoded piece by piece. */
class LongString {
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly pieces: string[] = [];
  private carry = ''; // an escape sequence cut by the end of a piece
  private bad = false;

  write(bytes: Buffer): void {
    if (this.bad) return;
    this.add(this.carry + this.utf8.decode(bytes, { stream: true }));
  }

  private add(s: string): void {
    // Keep back an escape the piece ends inside: the last backslash starts one if it ends an odd run.
    let cut = s.length;
    const i = s.lastIndexOf('\\');
    if (i >= 0 && i >= s.length - 6) {
      let run = 1;
      while (i - run >= 0 && s.charCodeAt(i - run) === BACKSLASH) run++;
      if (run % 2 === 1 && i + (s.charCodeAt(i + 1) === 0x75 /* u */ ? 6 : 2) > s.length) cut = i;
    }
    this.carry = s.slice(cut);
    if (cut === 0) return;
    try {
      this.pieces.push(JSON.parse(`"${s.slice(0, cut)}"`) as string);
    } catch {
      this.bad = true;
    }
  }

  /** The decoded string, or null when it was not valid JSON. */
  end(): string | null {
    if (!this.bad) {
      const rest = this.carry + this.utf8.decode();
      this.carry = '';
      if (rest !== '') this.add(rest);
    }
    if (this.bad || this.carry !== '') return null;
    return this.pieces.join('');
  }
}
