// Proves the bundled server is self-contained: copies server/ OUT of the repo (so nothing can resolve from the
// repo's node_modules or dist/), starts it the way vscode-languageclient does
// (`node server/dist/main.js --stdio --clientProcessId=<pid>`), opens a Go file whose preamble is detached by a
// blank line, and waits for cgo/preamble-detached (that needs the tree-sitter wasm files) and for the hover on
// `import "C"` (the toolchain report); then, in a second file whose preamble includes stdio.h, asks for completion
// after a typed `C.pu` with VS Code's completion capabilities, resolves the `puts` item (its C declaration) and
// applies it as VS Code would. Exit 0 on success; prints what went wrong otherwise.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TIMEOUT_MS = Number(process.env.CGO_SMOKE_TIMEOUT_MS ?? 60_000);

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-vsix-smoke-')));
const serverCopy = path.join(tmp, 'extension', 'server');
fs.cpSync(path.join(ext, 'server'), serverCopy, { recursive: true });
const mod = path.join(tmp, 'mod');
fs.mkdirSync(mod);
fs.writeFileSync(path.join(mod, 'go.mod'), 'module example.com/smoke\n\ngo 1.21\n');
const goFile = path.join(mod, 'detached.go');
const goText = 'package smoke\n\n// #include <stdio.h>\n\nimport "C"\n\nfunc F() { C.puts(nil) }\n';
fs.writeFileSync(goFile, goText);
const uri = pathToFileURL(goFile).toString();
// A healthy file for completion: the detached preamble above declares nothing.
const cFile = path.join(mod, 'attached.go');
const cText = 'package smoke\n\n// #include <stdio.h>\nimport "C"\n\nfunc G() { C.pu(nil) }\n';
fs.writeFileSync(cFile, cText);
const cUri = pathToFileURL(cFile).toString();

const child = spawn(process.execPath, [path.join(serverCopy, 'dist', 'main.js'), '--stdio', `--clientProcessId=${process.pid}`], {
  cwd: tmp,
  stdio: ['pipe', 'pipe', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (b) => (stderr += b.toString()));
const logs = [];

let buf = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
const waiters = [];
const published = [];

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
function onMessage(msg) {
  if (msg.id !== undefined && msg.method === undefined) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
    else p?.resolve(msg.result);
  } else if (msg.id !== undefined) {
    // A server → client request: answer like VS Code would.
    const result = msg.method === 'workspace/configuration' ? msg.params.items.map(() => ({ checkShellEnv: false })) : null;
    send({ id: msg.id, result });
  } else if (msg.method === 'textDocument/publishDiagnostics') {
    published.push(msg.params);
  } else if (msg.method === 'window/logMessage') {
    logs.push(msg.params.message);
  }
  for (const w of waiters.splice(0)) w();
}
child.stdout.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, end).toString('ascii'));
    if (!m) throw new Error('bad header from server');
    const len = Number(m[1]);
    if (buf.length < end + 4 + len) return;
    const body = buf.subarray(end + 4, end + 4 + len).toString('utf8');
    buf = buf.subarray(end + 4 + len);
    onMessage(JSON.parse(body));
  }
});

function waitFor(pred, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`)), TIMEOUT_MS);
    const check = () => {
      const v = pred();
      if (v) {
        clearTimeout(timer);
        resolve(v);
      } else waiters.push(check);
    };
    check();
  });
}

let exitCode = 0;
try {
  const init = await Promise.race([
    request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(mod).toString(),
      workspaceFolders: [{ uri: pathToFileURL(mod).toString(), name: 'mod' }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: {
          publishDiagnostics: { codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown'] },
          // What VS Code 1.82 says of its completion.
          completion: {
            completionItem: {
              snippetSupport: true,
              documentationFormat: ['markdown', 'plaintext'],
              labelDetailsSupport: true,
              insertReplaceSupport: true,
              resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
            },
            contextSupport: true,
          },
        },
      },
      initializationOptions: { checkShellEnv: false },
    }),
    new Promise((_, reject) => child.on('exit', (code) => reject(new Error(`server exited with ${code}`)))),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer to initialize within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
  ]);
  if (init?.serverInfo?.name !== 'cgo-ls') throw new Error(`unexpected initialize result ${JSON.stringify(init)}`);
  send({ method: 'initialized', params: {} });
  send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'go', version: 1, text: goText } } });
  const pub = await waitFor(
    () => published.find((p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'cgo/preamble-detached')),
    'cgo/preamble-detached',
  );
  const d = pub.diagnostics.find((x) => x.code === 'cgo/preamble-detached');
  if (d.range.start.line !== 2) throw new Error(`cgo/preamble-detached on line ${d.range.start.line}, want 2`);
  // A hover never waits long for the toolchain probe: while it says the report is pending, ask again.
  let hover;
  for (let i = 0; i < 60; i++) {
    hover = await request('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 8 } });
    if (!/has not answered/.test(hover?.contents?.value ?? '')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const value = hover?.contents?.value;
  if (typeof value !== 'string' || !value.includes('CGO_ENABLED')) throw new Error(`hover on import "C" has no CGO_ENABLED: ${JSON.stringify(hover)}`);
  // Completion after `C.` (the C name index needs the tree-sitter-c grammar from the bundle): the puts item, with
  // its Go signature as detail and the C declaration once resolved, applied the way VS Code applies it.
  send({ method: 'textDocument/didOpen', params: { textDocument: { uri: cUri, languageId: 'go', version: 1, text: cText } } });
  const line = cText.split('\n')[5];
  const at = { line: 5, character: line.indexOf('C.pu') + 4 }; // the user has typed `C.pu`
  const list = await request('textDocument/completion', { textDocument: { uri: cUri }, position: at, context: { triggerKind: 1 } });
  const items = Array.isArray(list) ? list : (list?.items ?? []);
  const puts = items.find((i) => i.label === 'puts');
  if (!puts) throw new Error(`no puts among ${items.length} completion items after C.`);
  if (!/^func\(\w+ \*C\.char\) C\.int$/.test(puts.detail ?? '')) throw new Error(`puts detail ${JSON.stringify(puts.detail)}`);
  const resolved = await request('completionItem/resolve', puts);
  const doc = typeof resolved.documentation === 'string' ? resolved.documentation : resolved.documentation?.value;
  if (!doc?.includes('stdio.h')) throw new Error(`resolved puts has no stdio.h declaration: ${JSON.stringify(resolved.documentation)}`);
  const edit = puts.textEdit;
  // Without a textEdit VS Code replaces the word typed before the cursor.
  const range = edit ? (edit.replace ?? edit.range) : { start: { line: 5, character: at.character - 2 }, end: at };
  const applied = line.slice(0, range.start.character) + (edit?.newText ?? puts.insertText ?? puts.label) + line.slice(range.end.character);
  if (!applied.includes('C.puts(nil)')) throw new Error(`applying the puts item gives ${JSON.stringify(applied)}`);
  const href = d.codeDescription?.href;
  process.stdout.write(
    `smoke: bundled server (${init.serverInfo.name} ${init.serverInfo.version}) OK: ${d.code} on line 3, hover has CGO_ENABLED, completion after C. offers puts (${puts.detail}) → ${JSON.stringify(applied.trim())}${href ? `, href ${href}` : ''}\n`,
  );
  await request('shutdown', null);
  send({ method: 'exit' });
} catch (e) {
  exitCode = 1;
  process.stderr.write(`smoke: FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
  if (logs.length > 0) process.stderr.write(`server log:\n${logs.map((l) => `  ${l}`).join('\n')}\n`);
  if (stderr) process.stderr.write(`server stderr:\n${stderr}\n`);
} finally {
  setTimeout(() => child.kill(), 2000).unref();
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
