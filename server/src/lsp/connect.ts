// Creates the connection for the transport named on the command line and starts the server on it. For --stdio
// the input goes through FramingGuard (a malformed header or an absurd Content-Length cannot wedge the JSON-RPC
// reader; a big body's long strings are decoded as they arrive and its JSON decoder puts them back) and through
// the lifecycle gate (LifecycleReader): requests before `initialize` are answered with
// ServerNotInitialized and requests after `shutdown` with InvalidRequest, as the LSP specification asks, and
// neither reaches a handler. The server exits when stdin closes (exit code 0 after a clean shutdown, 1 otherwise),
// and on every exit path the subprocesses still running are killed (util/proc.ts).
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
  type Event,
  type Message,
  type MessageReader,
  type MessageWriter,
  type PartialMessageInfo,
} from 'vscode-languageserver/node.js';
import { installExitGuards, killAllRuns } from '../engine/index.js';
import { FramingGuard, jsonDecoderFor } from './framing.js';
import { startServer } from './server.js';

/** JSON-RPC / LSP error codes used by the gate. */
export const SERVER_NOT_INITIALIZED = -32002;
export const INVALID_REQUEST = -32600;

export type Lifecycle = 'new' | 'initializing' | 'running' | 'shutdown';

interface RawMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  result?: unknown;
  error?: unknown;
}

/**
 * The decision for one incoming message in a lifecycle state: pass it to the connection, answer it with an
 * error (requests), or drop it (notifications). Pure, so it is unit-tested on its own.
 */
export function gate(state: Lifecycle, msg: RawMessage): { pass: true; next: Lifecycle } | { pass: false; error?: { code: number; message: string } } {
  const isRequest = typeof msg.method === 'string' && msg.id !== undefined && msg.id !== null;
  const isNotification = typeof msg.method === 'string' && !isRequest;
  if (!isRequest && !isNotification) return { pass: true, next: state }; // a response to one of our requests
  const method = msg.method!;
  if (method === 'exit') return { pass: true, next: state };
  switch (state) {
    case 'new':
      if (isRequest && method === 'initialize') return { pass: true, next: 'initializing' };
      if (isRequest) return { pass: false, error: { code: SERVER_NOT_INITIALIZED, message: `server not initialized: ${method} before initialize` } };
      return { pass: false };
    case 'initializing':
    case 'running':
      if (isRequest && method === 'shutdown') return { pass: true, next: 'shutdown' };
      if (method === 'initialized') return { pass: true, next: 'running' };
      return { pass: true, next: state };
    case 'shutdown':
      if (isRequest) return { pass: false, error: { code: INVALID_REQUEST, message: `server is shutting down: ${method} after shutdown` } };
      return { pass: false };
  }
}

/** A MessageReader that applies `gate` in front of another reader and answers refused requests itself. */
export class LifecycleReader implements MessageReader {
  state: Lifecycle = 'new';
  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
  ) {}
  get onError(): Event<Error> {
    return this.inner.onError;
  }
  get onClose(): Event<void> {
    return this.inner.onClose;
  }
  get onPartialMessage(): Event<PartialMessageInfo> {
    return this.inner.onPartialMessage;
  }
  listen(callback: DataCallback): Disposable {
    return this.inner.listen((msg: Message) => {
      const raw = msg as RawMessage;
      const d = gate(this.state, raw);
      if (d.pass) {
        this.state = d.next;
        callback(msg);
        return;
      }
      if (d.error && raw.id !== undefined && raw.id !== null) {
        void this.writer.write({ jsonrpc: '2.0', id: raw.id, error: d.error } as Message).catch(() => undefined);
      }
    });
  }
  dispose(): void {
    this.inner.dispose();
  }
}

export function runLanguageServer(transport: string): void {
  const early: string[] = [];
  let warn: ((m: string) => void) | null = null;
  let connection;
  let lifecycle: LifecycleReader | null = null;
  if (transport === '--stdio') {
    const guard = new FramingGuard((why) => (warn ? warn(why) : early.push(why)));
    process.stdin.pipe(guard);
    const writer = new StreamMessageWriter(process.stdout);
    lifecycle = new LifecycleReader(new StreamMessageReader(guard, { contentTypeDecoder: jsonDecoderFor(guard) }), writer);
    connection = createConnection(ProposedFeatures.all, lifecycle, writer);
    // vscode-languageserver watches only a stream it was given; ours is the reader above, so stdin is watched
    // here. The editor closing the pipe ends the server (0 after a clean shutdown, 1 otherwise, like `exit`).
    const gone = () => {
      killAllRuns();
      process.exit(lifecycle?.state === 'shutdown' ? 0 : 1);
    };
    process.stdin.on('end', gone);
    process.stdin.on('close', gone);
    // A client that vanished makes stdout fail with EPIPE: that is the end too, not a crash.
    process.stdout.on('error', gone);
  } else {
    // --node-ipc, --socket=N, --pipe=…: vscode-languageserver reads the transport from process.argv.
    connection = createConnection(ProposedFeatures.all);
  }
  const c = connection;
  const state = lifecycle;
  installExitGuards();
  warn = (m) => c.console.warn(`json-rpc: ${m}`);
  for (const m of early.splice(0)) warn(m);
  // Never let one bad request or a bug take the server down: log and carry on. The logging itself must not
  // throw (the connection may already be closed while exiting; a throwing handler makes node exit with 7).
  const report = (m: string) => {
    try {
      if (state?.state !== 'shutdown') c.console.error(m);
      else process.stderr.write(m + '\n');
    } catch {
      try {
        process.stderr.write(m + '\n');
      } catch {
        /* nowhere left to say it */
      }
    }
  };
  process.on('uncaughtException', (e) => report(`uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => report(`unhandled rejection: ${String(e)}`));
  startServer(connection);
}
