// What every handler of the LSP adapter shares: the connection, the open documents, the engine, the log, and
// read-only views of what the client said at initialize and of the current settings.
import type { ClientCapabilities, Connection, TextDocuments } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from '../core/types.js';
import type { Engine, Settings } from '../engine/index.js';

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly engine: Engine;
  readonly log: Logger;
  caps(): ClientCapabilities;
  settings(): Settings;
  /** `clientInfo.name` from initialize ('' when the client did not say). */
  clientName(): string;
  /** The workspace folders, as paths. */
  folders(): string[];
  /** The document the user touched last: what a command run without arguments is about. */
  lastUri(): string | undefined;
  /** Records that the user acted on this document (an edit, an open, a code-action request). */
  touched(uri: string): void;
}
