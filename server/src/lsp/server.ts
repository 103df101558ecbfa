// The LSP adapter's entry: creates the shared context and wires the handlers onto the connection — lifecycle and
// settings here; analysis and publishing in analyses.ts, the workspace scan and file changes in workspace.ts,
// code actions and commands in actions.ts, C inside Go files in cintel.ts, conversions in convert.ts.
import path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from '../core/types.js';
import { uriToPath } from '../core/uri.js';
import { defaultSettings, Engine, killAllRunsAndWait, parseSettings, refuseNewRuns, restrictUntrusted, type Settings } from '../engine/index.js';
import { VERSION } from '../version.js';
import { COMMANDS, registerActions } from './actions.js';
import { Analyses } from './analyses.js';
import { CINTEL_CAPABILITIES, registerCIntel } from './cintel.js';
import type { ServerContext } from './context.js';
import { diagnosticHover } from './convert.js';
import { ResultShower } from './show.js';
import { Workspace } from './workspace.js';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let caps: ClientCapabilities = {};
  let clientName = '';
  let lastUri: string | undefined;
  let folders: string[] = [];
  let settings: Settings = defaultSettings;
  let initOptions: unknown;
  /** What the client said about workspace trust in initializationOptions (undefined: it did not say). */
  let workspaceTrusted: boolean | undefined;
  const levels = ['error', 'warn', 'info', 'debug'];
  const levelAllows = (l: Settings['logLevel']) => levels.indexOf(l) <= levels.indexOf(settings.logLevel);
  const log: Logger = {
    error: (m) => connection.console.error(m),
    warn: (m) => (levelAllows('warn') ? connection.console.warn(m) : undefined),
    info: (m) => (levelAllows('info') ? connection.console.info(m) : undefined),
    debug: (m) => (levelAllows('debug') ? connection.console.log(m) : undefined),
  };
  // The login shell can take seconds: a probe answers without it, and its drift findings re-analyse the folder.
  const engine = new Engine({ env: process.env, settings, log, modelWorker: true, onToolchainUpdate: (dir) => analyses.reanalyzeBelow(dir) });
  const ctx: ServerContext = {
    connection,
    documents,
    engine,
    log,
    caps: () => caps,
    settings: () => settings,
    clientName: () => clientName,
    folders: () => folders,
    lastUri: () => lastUri,
    touched: (uri) => {
      lastUri = uri;
    },
  };
  const shower = new ResultShower(connection, () => caps);
  const analyses = new Analyses(ctx);
  const workspace = new Workspace(ctx, analyses);

  async function refreshSettings(raw?: unknown): Promise<void> {
    let source = raw;
    if (source === undefined && caps.workspace?.configuration) {
      try {
        const [section] = await connection.workspace.getConfiguration([{ section: 'cgo' }]);
        source = section ?? undefined;
      } catch (e) {
        log.warn(`workspace/configuration failed: ${String(e)}`);
      }
    }
    const base = parseSettings(initOptions, defaultSettings);
    const res = source === undefined || source === null ? base : parseSettings(source, base.settings);
    for (const w of [...(source !== undefined ? base.warnings : []), ...res.warnings]) log.warn(w);
    let next = { ...res.settings };
    // Settings may come from a file inside the workspace through workspace/configuration. When the client says
    // the workspace is not trusted, what it may choose is restricted (settings.ts UNTRUSTED_RULES, protocol.md
    // "Trust"): programs come only from the values sent at start-up (the user's own configuration), and costs
    // (timeouts, debounce, targets, scope) may only go down.
    if (workspaceTrusted === false && source !== undefined && source !== null) {
      const r = restrictUntrusted(next, base.settings);
      for (const w of r.warnings) log.warn(w);
      next = r.settings;
    }
    engine.setSettings(next);
    settings = next;
  }

  connection.onDidChangeWatchedFiles((params) => workspace.clientChanges(params.changes));

  connection.onShutdown(async () => {
    shower.dispose();
    // Nothing may outlive the server: no new subprocess from here on, and every running one is killed now.
    refuseNewRuns();
    analyses.stopAll();
    await Promise.all([workspace.close(), killAllRunsAndWait(), engine.close()]);
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    caps = params.capabilities ?? {};
    clientName = params.clientInfo?.name ?? '';
    initOptions = params.initializationOptions;
    const opts = initOptions && typeof initOptions === 'object' ? (initOptions as Record<string, unknown>) : {};
    const trust = opts['workspaceTrusted'] ?? (opts['cgo'] as Record<string, unknown> | undefined)?.['workspaceTrusted'];
    workspaceTrusted = typeof trust === 'boolean' ? trust : undefined;
    const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((f): f is string => !!f);
    if (roots.length === 0 && params.rootUri) {
      const r = uriToPath(params.rootUri);
      if (r) roots.push(r);
    }
    folders = roots;
    const res = parseSettings(initOptions, defaultSettings);
    settings = res.settings;
    engine.setSettings(settings);
    // Probe the toolchain while the client handshakes (from the disk cache when it is warm). The login shell is
    // read once a model has answered: nothing in the editor waits for it (cgo/env-drift follows when it answers).
    engine.prewarm(roots);
    for (const w of res.warnings) log.warn(w);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll + '.cgo'], resolveProvider: false },
        executeCommandProvider: { commands: [...COMMANDS] },
        ...CINTEL_CAPABILITIES,
      },
      serverInfo: { name: 'cgo-ls', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cgo' }).catch(() => undefined);
    }
    await refreshSettings();
    workspace.startWatching();
    void workspace.scan().catch((e) => log.error(`workspace scan failed: ${String(e)}`));
  });

  connection.onDidChangeConfiguration(async (params) => {
    // Neovim sends the settings here unasked; VS Code sends null and expects us to pull.
    const raw = params.settings && typeof params.settings === 'object' && 'cgo' in params.settings ? params.settings : undefined;
    await refreshSettings(raw);
    analyses.reanalyzeAll();
  });

  /** TextDocuments fires onDidChangeContent right after onDidOpen for the same version: that one is not an edit. */
  const justOpened = new Map<string, number>();
  documents.onDidOpen((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    engine.setDocument(file, e.document.getText(), e.document.version);
    justOpened.set(e.document.uri, e.document.version);
    lastUri = e.document.uri;
    void analyses.analyze(e.document.uri, 'run', true);
  });
  documents.onDidChangeContent((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    const opened = justOpened.get(e.document.uri);
    justOpened.delete(e.document.uri);
    if (opened === e.document.version) return; // the open itself, already being analysed (compiler included)
    lastUri = e.document.uri;
    engine.setDocument(file, e.document.getText(), e.document.version);
    void analyses.analyze(e.document.uri, 'cached');
  });
  documents.onDidSave((e) => {
    void analyses.analyze(e.document.uri, 'run', true);
  });
  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    engine.removeDocument(file);
    analyses.stop(file);
    // A closed cgo file keeps its diagnostics (from disk) when the workspace scope owns it; otherwise clear them.
    if (settings.diagnosticsScope === 'workspace' && folders.some((f) => file.startsWith(f + path.sep))) {
      analyses.tracked.add(file);
      void analyses.analyze(e.document.uri, 'run');
    } else {
      analyses.tracked.delete(file);
      analyses.clear(e.document.uri);
    }
  });

  connection.onHover(async (params) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return null;
    try {
      const md = [diagnosticHover(analyses.at(file, params.position)), await engine.hover(file, params.position)].filter(Boolean).join('\n\n---\n\n');
      return md ? { contents: { kind: 'markdown', value: md } } : null;
    } catch (e) {
      log.error(`hover failed: ${String(e)}`);
      return null;
    }
  });

  // C inside Go files: completion, signature help, definition, document links; takes over hover (falls back to the one above).
  registerCIntel(connection, engine, { log, capabilities: () => caps, diagnosticsHover: (file, pos) => diagnosticHover(analyses.at(file, pos)) });

  registerActions(ctx, analyses, shower);

  documents.listen(connection);
  connection.listen();
}
