// Creates the connection for the transport named on the command line and starts the server on it. For --stdio
// the input goes through FramingGuard, so a malformed header cannot wedge the JSON-RPC reader.
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { FramingGuard } from './framing.js';
import { startServer } from './server.js';

export function runLanguageServer(transport: string): void {
  const early: string[] = [];
  let warn: ((m: string) => void) | null = null;
  let connection;
  if (transport === '--stdio') {
    const guard = new FramingGuard((why) => (warn ? warn(why) : early.push(why)));
    process.stdin.pipe(guard);
    connection = createConnection(ProposedFeatures.all, new StreamMessageReader(guard), new StreamMessageWriter(process.stdout));
  } else {
    // --node-ipc, --socket=N, --pipe=…: vscode-languageserver reads the transport from process.argv.
    connection = createConnection(ProposedFeatures.all);
  }
  const c = connection;
  warn = (m) => c.console.warn(`json-rpc: ${m}`);
  for (const m of early.splice(0)) warn(m);
  // Never let one bad request or a bug take the server down: log and carry on.
  process.on('uncaughtException', (e) => c.console.error(`uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => c.console.error(`unhandled rejection: ${String(e)}`));
  startServer(connection);
}
