// The floor under "didOpen → first hover answer" for a big file: a bare node child that reads LSP-framed messages
// from its stdin (joins the chunks, decodes UTF-8, JSON.parse) and answers each request with `null`. The parent
// sends the same didOpen and then a request, timed as the bench times the server (from after the didOpen is written
// to the answer). No language server can answer sooner than this on the same machine: the message has to cross the
// pipe and be parsed before the request behind it is read.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const CHILD = `
let buf = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const len = Number(/Content-Length: (\\d+)/i.exec(buf.subarray(0, end).toString('ascii'))[1]);
    if (buf.length < end + 4 + len) return;
    const msg = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString('utf8'));
    buf = buf.subarray(end + 4 + len);
    if (msg.id !== undefined) {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: null }));
      process.stdout.write(Buffer.concat([Buffer.from('Content-Length: ' + body.length + '\\r\\n\\r\\n'), body]));
    }
  }
});
`;

const frame = (msg) => {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
};

/** `runs` times: ms from after the didOpen of `text` is written to the answer to a request sent right after it. */
export async function didOpenFloor(uri, text, runs) {
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const times = [];
  try {
    for (let i = 0; i < runs; i++) {
      await new Promise((r) => setTimeout(r, 300)); // the child (and this process's GC) settle between runs
      const didOpen = frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'go', version: 1, text } } });
      const request = frame({ jsonrpc: '2.0', id: i, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 0, character: 0 } } });
      const answered = once(child.stdout, 'data');
      child.stdin.write(didOpen);
      const t0 = performance.now();
      child.stdin.write(request);
      await answered;
      times.push(performance.now() - t0);
    }
  } finally {
    child.kill();
  }
  return times;
}
