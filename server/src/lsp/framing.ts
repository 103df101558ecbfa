// A guard in front of the JSON-RPC reader for --stdio: a message whose header has no valid Content-Length
// would leave vscode-jsonrpc's reader stuck for good. This stream passes well-framed messages through unchanged
// and drops a malformed header block (then resynchronises on the next `Content-Length:`), reporting each drop.
import { Transform, type TransformCallback } from 'node:stream';

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

export class FramingGuard extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private need = -1; // body bytes still to pass through for the current message

  constructor(private readonly onDrop: (why: string) => void) {
    super();
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
        this.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.need -= n;
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
      this.push(this.buf.subarray(0, end + HEADER_END.length));
      this.buf = this.buf.subarray(end + HEADER_END.length);
      this.need = len;
      if (len === 0) this.need = -1;
    }
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
