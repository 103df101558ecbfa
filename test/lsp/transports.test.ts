// The other transports the server accepts besides --stdio.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';

function frame(msg: unknown): string {
  const body = JSON.stringify(msg);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('transports', () => {
  it('--socket=PORT connects to the editor on loopback and answers initialize', async () => {
    const received: string[] = [];
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const got = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no initialize result over the socket')), 20_000);
      server.on('connection', (sock) => {
        sock.on('data', (d) => {
          received.push(d.toString());
          const all = received.join('');
          if (all.includes('"serverInfo"')) {
            clearTimeout(t);
            resolve(all);
            sock.end();
          }
        });
        sock.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
      });
    });
    const child = spawn(process.execPath, [serverMain, `--socket=${port}`], { cwd: repoRoot, stdio: 'ignore' });
    try {
      const text = await got;
      expect(text).toContain('"name":"cgo-ls"');
    } finally {
      child.kill('SIGKILL');
      server.close();
    }
  });

  it('--node-ipc answers initialize over the IPC channel', async () => {
    const child = spawn(process.execPath, [serverMain, '--node-ipc'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    try {
      const result = await new Promise<any>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no initialize result over IPC')), 20_000);
        child.on('message', (m: any) => {
          if (m && m.id === 1) {
            clearTimeout(t);
            resolve(m.result);
          }
        });
        child.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
      });
      expect(result.serverInfo.name).toBe('cgo-ls');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
