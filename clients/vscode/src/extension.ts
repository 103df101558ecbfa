// cgo-ls for VS Code: starts the bundled server (`node <extension>/server/dist/main.js --stdio`) for Go files,
// beside the Go extension's gopls. Settings are the `cgo` section: sent as initializationOptions, answered on
// workspace/configuration by the client library, and pushed on change (synchronize.configurationSection).
import * as path from 'node:path';
import { commands, window, workspace, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type NodeModule,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** Every key of the server's `cgo` settings section (server/src/engine/settings.ts). */
export const SETTING_KEYS = [
  'env',
  'goCommand',
  'compilerTimeoutMs',
  'debounceMs',
  'compileOnChange',
  'diagnosticsScope',
  'checkShellEnv',
  'targets',
  'ignoreDirs',
  'besideGopls',
  'logLevel',
] as const;

/** The server needs Node.js >= 20.5 (package.json engines of cgo-ls). */
const MIN_NODE: [number, number] = [20, 5];

let client: LanguageClient | undefined;

function nodeIsRecentEnough(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** The `cgo` section as a plain JSON object (only the keys the server knows). */
function currentSettings(): Record<string, unknown> {
  const cfg = workspace.getConfiguration('cgo');
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = cfg.get(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function serverOptions(context: ExtensionContext): ServerOptions {
  const module = context.asAbsolutePath(path.join('server', 'dist', 'main.js'));
  // VS Code >= 1.90 runs extensions on Node 20; older builds ship Node 18, so the server then runs on the
  // `node` found on PATH instead of VS Code's own runtime.
  const ownRuntime = nodeIsRecentEnough(process.versions.node);
  const run: NodeModule = {
    module,
    transport: TransportKind.stdio, // appends --stdio
    ...(ownRuntime ? {} : { runtime: 'node' }),
  };
  const debug: NodeModule = { ...run, options: { execArgv: ['--nolazy', '--inspect=6019'] } };
  return { run, debug };
}

async function showToolchainReport(result: unknown): Promise<void> {
  const r = result as { ok?: boolean; report?: unknown; message?: unknown } | null | undefined;
  if (!r || r.ok !== true || typeof r.report !== 'string') {
    const why = r && typeof r.message === 'string' ? r.message : 'the server returned no report';
    void window.showWarningMessage(`cgo-ls: no toolchain report (${why})`);
    return;
  }
  const doc = await workspace.openTextDocument({ content: r.report, language: 'plaintext' });
  await window.showTextDocument(doc, { preview: false });
}

export async function activate(context: ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'file', language: 'go.mod' },
    ],
    synchronize: { configurationSection: 'cgo' },
    // workspaceTrusted: the server then ignores cgo.env / cgo.goCommand coming from workspace configuration.
    initializationOptions: () => ({ ...currentSettings(), workspaceTrusted: workspace.isTrusted }),
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      // The client library registers one VS Code command per server command (cgo.refresh,
      // cgo.showToolchainReport); the palette entries come from package.json. This adds the active file as the
      // argument and shows what the command returned.
      executeCommand: async (command, args, next) => {
        if (command === 'cgo.showToolchainReport') {
          // Always one argument: called bare, the server would also open the report itself (for Helix).
          const uri = args.length > 0 ? args[0] : (window.activeTextEditor?.document.uri ?? workspace.workspaceFolders?.[0]?.uri)?.toString();
          const result = await next(command, [uri === undefined ? '' : String(uri)]);
          await showToolchainReport(result);
          return result;
        }
        if (command === 'cgo.refresh') {
          // With an argument the server leaves showing the outcome to the client (called bare, it shows a message).
          const uri = args.length > 0 ? args[0] : (window.activeTextEditor?.document.uri ?? workspace.workspaceFolders?.[0]?.uri)?.toString();
          const result = await next(command, [uri === undefined ? '' : String(uri)]);
          void window.setStatusBarMessage('cgo-ls: toolchain re-probed', 3000);
          return result;
        }
        return next(command, args);
      },
    },
  };

  client = new LanguageClient('cgo', 'cgo-ls', serverOptions(context), clientOptions);
  context.subscriptions.push(commands.registerCommand('cgo.showOutput', () => client?.outputChannel.show(true)));
  if (!nodeIsRecentEnough(process.versions.node)) {
    client.outputChannel.appendLine(
      `VS Code runs Node.js ${process.versions.node}; cgo-ls needs >= ${MIN_NODE.join('.')}, so it is started with \`node\` from PATH.`,
    );
  }
  try {
    await client.start();
  } catch (e) {
    client.outputChannel.show(true);
    void window.showErrorMessage(`cgo-ls could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
