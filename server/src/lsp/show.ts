// Showing a command's result when the client has no UI of its own for it. The VS Code extension and the Neovim
// plugin call cgo.showToolchainReport / cgo.refresh with the file as argument and show the result themselves;
// a generic command UI (Helix's `:lsp-workspace-command cgo.showToolchainReport`) sends no argument and
// discards the result, so the server shows it: a multi-line text as a document (`window/showDocument`, when
// the client supports it), a one-line text as a message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageType, ShowDocumentRequest, ShowMessageNotification, type ClientCapabilities, type Connection } from 'vscode-languageserver/node.js';
import { pathToUri } from '../core/uri.js';

/** True when a command was called with no arguments, i.e. from a generic command UI that shows no result. */
export function calledBare(args: unknown[] | undefined): boolean {
  return !args || args.length === 0;
}

export class ResultShower {
  private dir: string | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly caps: () => ClientCapabilities,
  ) {}

  message(type: MessageType, message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /**
   * Shows `text` (several lines) as a read-only-by-convention file the client opens, named `name`; falls back to
   * a message when the client cannot open documents on request or the file cannot be written.
   */
  async document(name: string, text: string): Promise<void> {
    if (this.caps().window?.showDocument?.support === true) {
      try {
        this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-'));
        const file = path.join(this.dir, name);
        fs.writeFileSync(file, text.endsWith('\n') ? text : text + '\n');
        const r = await this.connection.sendRequest(ShowDocumentRequest.type, { uri: pathToUri(file), takeFocus: true });
        if (r?.success !== false) return;
      } catch {
        /* fall back to a message */
      }
    }
    this.message(MessageType.Info, text);
  }

  dispose(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
