// The LSP adapter: the only module that touches the connection. It maps editor events onto the engine,
// schedules compiler runs (debounce, supersede, drop stale), and maps engine diagnostics onto LSP ones.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type CodeAction,
  type WorkspaceEdit,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CgoDiagnostic, Logger } from '../core/types.js';
import { DIAGNOSTIC_SOURCE } from '../core/types.js';
import { pathToUri, uriToPath } from '../core/uri.js';
import {
  anchor,
  defaultSettings,
  Engine,
  findModuleRoot,
  findPackageRoot,
  isCgoCandidate,
  killAllRunsAndWait,
  packageCSources,
  parseSettings,
  readTextFile,
  refuseNewRuns,
  renderReport,
  restrictUntrusted,
  walkGoFiles,
  Watcher,
  type EnvChange,
  type FileChange,
  type Fix,
  type Settings,
} from '../engine/index.js';
import { VERSION } from '../version.js';
import { calledBare, ResultShower } from './show.js';
import { CINTEL_CAPABILITIES, registerCIntel } from './cintel.js';

export const COMMANDS = ['cgo.refresh', 'cgo.showToolchainReport', 'cgo.applyEnvFix', 'cgo.showFixInstructions'] as const;

interface FileState {
  /** Aborts the running compiler job for this file. */
  abort?: AbortController;
  timer?: NodeJS.Timeout;
  /** Monotonic generation: a result is published only if no newer analysis started since. */
  generation: number;
  published: boolean;
}

const SEVERITY: Record<CgoDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const protocolDoc = pathToFileURL(path.join(findPackageRoot(), 'protocol.md')).toString();

/** The anchor of a code's row in protocol.md (`cgo/preamble-detached` → `#cgopreamble-detached`). */
export function codeHref(code: string): string {
  return `${protocolDoc}#${anchor(code)}`;
}

const CATALOGUE = new Map(Engine.codes().map((c) => [c.code, c]));

/**
 * The hover part for the diagnostics under the cursor (issue 13: long explanations go to the hover on the
 * diagnostic's range): each message with its lines kept, the catalogue's explanation and the link to protocol.md.
 * Helix flattens a multi-line message into one status line and Neovim's virtual text cuts it; the hover shows all.
 */
export function diagnosticHover(diags: CgoDiagnostic[]): string | null {
  if (diags.length === 0) return null;
  return diags
    .map((d) => {
      const [cause, ...rest] = d.message.split('\n');
      const info = CATALOGUE.get(d.code);
      return [`**${cause}** (\`${d.code}\`)`, ...rest.map((l) => `- ${l}`), info ? `\n${info.cause}` : '', `\n[${d.code} in protocol.md](${codeHref(d.code)})`].filter(Boolean).join('\n');
    })
    .join('\n\n---\n\n');
}

/** Codes gopls publishes at the same range in the same words (the catalogue's `gopls.sameWords`). */
const SAID_BY_GOPLS = new Set(Engine.codes().filter((c) => c.gopls?.sameWords).map((c) => c.code));

function linesTouch(a: { start: { line: number }; end: { line: number } }, b: typeof a): boolean {
  return a.start.line <= b.end.line && b.start.line <= a.end.line;
}

export function toLspDiagnostic(d: CgoDiagnostic, caps: { codeDescription: boolean; related: boolean }): Diagnostic {
  const out: Diagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    source: DIAGNOSTIC_SOURCE,
    code: d.code,
    message: d.message,
    data: d.data ?? { code: d.code },
  };
  if (caps.codeDescription) out.codeDescription = { href: codeHref(d.code) };
  if (caps.related && d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: pathToUri(r.file), range: r.range }, message: r.message }));
  }
  if (d.tags) out.tags = d.tags.map((t) => (t === 'unnecessary' ? 1 : 2));
  return out;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const files = new Map<string, FileState>();
  let caps: ClientCapabilities = {};
  /** `clientInfo.name` from initialize ('' when the client did not say). */
  let clientName = '';
  /** The document the user touched last: what a command run without arguments is about. */
  let lastUri: string | undefined;
  const shower = new ResultShower(connection, () => caps);
  let settings: Settings = defaultSettings;
  let initOptions: unknown;
  /** What the client said about workspace trust in initializationOptions (undefined: it did not say). */
  let workspaceTrusted: boolean | undefined;
  const log: Logger = {
    error: (m) => connection.console.error(m),
    warn: (m) => (levelAllows('warn') ? connection.console.warn(m) : undefined),
    info: (m) => (levelAllows('info') ? connection.console.info(m) : undefined),
    debug: (m) => (levelAllows('debug') ? connection.console.log(m) : undefined),
  };
  function levelAllows(l: Settings['logLevel']): boolean {
    const order = ['error', 'warn', 'info', 'debug'];
    return order.indexOf(l) <= order.indexOf(settings.logLevel);
  }
  const engine = new Engine({ env: process.env, settings, log });
  const diagCaps = () => ({
    codeDescription: caps.textDocument?.publishDiagnostics?.codeDescriptionSupport === true,
    related: caps.textDocument?.publishDiagnostics?.relatedInformation === true,
  });

  /** Diagnostics left out of the last publish of a file because gopls says the same (see publish). */
  const withheld = new Map<string, CgoDiagnostic[]>();
  /** The engine's diagnostics of each file's last publish (withheld ones included): the hover explains them. */
  const shown = new Map<string, CgoDiagnostic[]>();
  const diagnosticsAt = (file: string, pos: { line: number; character: number }): CgoDiagnostic[] =>
    (shown.get(file) ?? []).filter(
      (d) =>
        (d.range.start.line < pos.line || (d.range.start.line === pos.line && d.range.start.character <= pos.character)) &&
        (d.range.end.line > pos.line || (d.range.end.line === pos.line && d.range.end.character >= pos.character)),
    );

  function state(file: string): FileState {
    let s = files.get(file);
    if (!s) {
      s = { generation: 0, published: false };
      files.set(file, s);
    }
    return s;
  }

  function publish(uri: string, file: string, diagnostics: CgoDiagnostic[], version?: number): void {
    const mine = diagnostics.filter((d) => path.resolve(d.file) === file);
    // Beside gopls, a diagnostic gopls publishes at the same range in the same words is left out (issue 13, "said
    // twice"); it is kept here so its code actions are still offered on that range.
    const hide = settings.besideGopls ? mine.filter((d) => SAID_BY_GOPLS.has(d.code)) : [];
    shown.set(file, mine);
    if (hide.length > 0) withheld.set(file, hide);
    else withheld.delete(file);
    const lsp = mine.filter((d) => !hide.includes(d)).map((d) => toLspDiagnostic(d, diagCaps()));
    state(file).published = lsp.length > 0;
    void connection.sendDiagnostics({ uri, diagnostics: lsp, ...(version !== undefined ? { version } : {}) });
  }

  /**
   * Analyse one file and publish. `mode` decides whether the compiler may run now; a newer call for the
   * same file aborts the older one, and a result whose generation or document version moved on is dropped.
   */
  async function analyze(uri: string, mode: 'run' | 'cached', libraries = false): Promise<void> {
    const file = uriToPath(uri);
    if (!file) return;
    const st = state(file);
    const generation = ++st.generation;
    st.abort?.abort();
    const abort = new AbortController();
    st.abort = abort;
    const version = documents.get(uri)?.version;
    const compile = mode === 'run' || settings.compileOnChange ? mode : 'cached';
    // Static checks never wait for the toolchain probe: until it answers they run with a provisional context.
    const result = await engine.analyze(file, { compile, signal: abort.signal, libraries, waitForToolchain: false });
    if (st.generation !== generation || abort.signal.aborted) return; // superseded
    if (files.get(file) !== st) return; // the file was deleted (and forgotten) while it was analysed
    if (version !== undefined && documents.get(uri)?.version !== version) return; // stale text
    publish(uri, file, result.diagnostics, version);
    if (result.toolchainPending) {
      // The static results are out; analyse again, fully, once the probe answers (unless a newer analysis started
      // meanwhile). The returned promise settles after that, so a caller that awaits it (a refresh, the scan)
      // waits for the complete result.
      await engine.toolchain(file).catch(() => undefined);
      if (st.generation === generation && files.get(file) === st) await analyze(uri, mode, libraries);
      return;
    }
    // An edit to this file's `#cgo` lines changes what the package's other preambles are compiled with.
    for (const dep of result.dependents ?? []) {
      if (engine.isOpen(dep) || tracked.has(dep)) void analyze(pathToUri(dep), 'cached');
    }
    if (result.compileStale && mode === 'cached' && settings.compileOnChange) scheduleCompile(uri, file);
    // An open cgo file whose preamble was just compiled: its C name index is built now, not on the first `C.`.
    if (mode === 'run' && result.importsC && engine.isOpen(file) && !cIndexes.lastFor(file)) void engine.cCompileContext(file).then((c) => c && cIndexes.prefetch(c)).catch(() => undefined);
    // A toolchain probed for the first time brings files to watch (GOENV file, go.env, the compilers).
    void updateWatchedToolchainFiles().catch(() => undefined);
  }

  function scheduleCompile(uri: string, file: string): void {
    const st = state(file);
    if (st.timer) clearTimeout(st.timer);
    st.timer = setTimeout(() => {
      st.timer = undefined;
      void analyze(uri, 'run').catch((e) => log.error(`analysis failed: ${String(e)}`));
    }, settings.debounceMs);
  }

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

  // ---- workspace: every cgo file, watched -------------------------------------------------------------------
  let folders: string[] = [];
  /** Closed files whose diagnostics the workspace scan owns. */
  const tracked = new Set<string>();
  let watcher: Watcher | null = null;

  /** Re-analyses every open and tracked file; the promises settle when each analysis has finished. */
  function reanalyzeAll(): Promise<void>[] {
    const runs: Promise<void>[] = [];
    const go = (uri: string) => runs.push(analyze(uri, 'run', true).catch((e) => log.error(`analysis failed: ${String(e)}`)));
    for (const doc of documents.all()) go(doc.uri);
    for (const f of tracked) if (!engine.isOpen(f)) go(pathToUri(f));
    return runs;
  }
  let refreshing: Promise<void> | null = null;

  /** Runs `work` over items, at most two at a time (compilers are the slow part; the machine may have 2 cores). */
  async function bounded<T>(items: T[], work: (t: T, i: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i).catch((e) => log.error(`workspace analysis: ${String(e)}`));
      }
    };
    await Promise.all([worker(), worker()]);
  }

  async function scanWorkspace(): Promise<void> {
    if (settings.diagnosticsScope !== 'workspace' || folders.length === 0) return;
    const started = Date.now();
    const progress = caps.window?.workDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => null) : null;
    progress?.begin('cgo-ls', 0, 'finding cgo files', false);
    // Walking is cheap; reading 20 000 files is not. Read, pre-filter and analyse in the same bounded pass,
    // so the first diagnostics arrive while the rest of the tree is still being read.
    const all = folders.flatMap((folder) => walkGoFiles(folder, { ignoreDirs: settings.ignoreDirs }));
    const modules = new Set<string>();
    let candidates = 0;
    let done = 0;
    await bounded(all, async (f) => {
      const text = await readTextFile(f);
      if (text !== null && isCgoCandidate(text, f)) {
        candidates++;
        const root = findModuleRoot(path.dirname(f));
        if (root && !modules.has(root)) {
          modules.add(root);
          const mod = path.join(root, 'go.mod');
          tracked.add(mod);
          await analyze(pathToUri(mod), 'run');
        }
        if (!engine.isOpen(f)) {
          tracked.add(f);
          await analyze(pathToUri(f), 'run', true);
        }
        // The package's own C sources (compiled with the package's flags, as go build does).
        for (const c of packageCSources(path.dirname(f))) {
          if (tracked.has(c) || engine.isOpen(c)) continue;
          tracked.add(c);
          await analyze(pathToUri(c), 'run');
        }
      }
      done++;
      if (done % 200 === 0 || done === all.length) progress?.report(Math.round((done / Math.max(1, all.length)) * 100), `${done}/${all.length} files, ${candidates} cgo`);
    });
    progress?.done();
    log.info(`workspace: ${candidates} cgo file(s) in ${modules.size} module(s) checked in ${Date.now() - started} ms`);
    await updateWatchedToolchainFiles();
  }

  async function updateWatchedToolchainFiles(): Promise<void> {
    watcher?.setFiles(await engine.toolchainInputs());
  }

  async function onFileChanges(changes: FileChange[]): Promise<void> {
    const inputs = new Set(await engine.toolchainInputs());
    let toolchainChanged = false;
    const changedInputs: string[] = [];
    const again = new Set<string>();
    const trackedOrOpen = () => [...tracked, ...documents.all().flatMap((d) => uriToPath(d.uri) ?? [])];
    // One place decides what is stale: the engine's caches first (texts, listings, compiler results that read a
    // changed header), then what to analyse again.
    for (const f of engine.applyChanges(changes.filter((c) => !inputs.has(c.file) && !(c.file.endsWith('.go') && engine.isOpen(c.file))))) again.add(f);
    for (const c of changes) {
      const base = path.basename(c.file);
      if (inputs.has(c.file)) {
        toolchainChanged = true;
        changedInputs.push(`${c.file} (${c.kind})`);
        continue;
      }
      if (base === 'go.mod' || base === 'go.work') {
        const dir = path.dirname(c.file);
        engine.invalidateModule(dir);
        const prefix = dir + path.sep;
        for (const f of trackedOrOpen()) if (f.startsWith(prefix)) again.add(f);
        if (c.kind !== 'deleted') again.add(c.file);
        else {
          tracked.delete(c.file);
          void connection.sendDiagnostics({ uri: pathToUri(c.file), diagnostics: [] });
        }
        continue;
      }
      if (tracked.has(c.file) && !c.file.endsWith('.go')) {
        // One of the packages' C sources: compiled again (or its diagnostics cleared when it is gone).
        if (c.kind === 'deleted') {
          tracked.delete(c.file);
          void connection.sendDiagnostics({ uri: pathToUri(c.file), diagnostics: [] });
        } else again.add(c.file);
        continue;
      }
      if (c.file.endsWith('.go')) {
        if (engine.isOpen(c.file)) continue; // the editor's buffer wins over the disk
        // A file of a package appeared, changed or vanished: its siblings' merged #cgo flags may have moved.
        const dir = path.dirname(c.file);
        for (const f of trackedOrOpen()) if (path.dirname(f) === dir && f !== c.file && f.endsWith('.go')) again.add(f);
        if (c.kind === 'deleted') {
          if (tracked.delete(c.file) || state(c.file).published) void connection.sendDiagnostics({ uri: pathToUri(c.file), diagnostics: [] });
          files.get(c.file)?.abort?.abort(); // an analysis in flight must not publish for a file that is gone
          files.delete(c.file);
          shown.delete(c.file);
          withheld.delete(c.file);
          again.delete(c.file);
          continue;
        }
        if (settings.diagnosticsScope === 'workspace' || tracked.has(c.file)) {
          const text = await readTextFile(c.file);
          if (text !== null && isCgoCandidate(text, c.file)) {
            tracked.add(c.file);
            again.add(c.file);
          } else if (tracked.delete(c.file)) {
            void connection.sendDiagnostics({ uri: pathToUri(c.file), diagnostics: [] });
          }
        }
        continue;
      }
    }
    if (toolchainChanged) {
      log.info(`toolchain inputs changed: ${changedInputs.join(', ')}; re-probing`);
      engine.invalidateToolchains();
      reanalyzeAll();
      await updateWatchedToolchainFiles();
      return;
    }
    for (const f of again) void analyze(pathToUri(f), 'run', true);
  }

  function startWatching(): void {
    if (folders.length === 0) return;
    watcher = new Watcher({
      folders,
      files: [],
      ignoreDirs: settings.ignoreDirs,
      log,
      onChanges: (changes) => void onFileChanges(changes).catch((e) => log.error(`file change handling failed: ${String(e)}`)),
    });
    try {
      watcher.start();
    } catch (e) {
      log.warn(`file watching unavailable: ${String(e)}; relying on the editor's file events and on save`);
    }
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{go,c,h,cc,cpp,cxx,hh,hpp,hxx,S,s,m,syso}' }, { globPattern: '**/go.{mod,work}' }],
        })
        .catch(() => undefined);
    }
  }

  connection.onDidChangeWatchedFiles((params) => {
    for (const ch of params.changes) {
      const file = uriToPath(ch.uri);
      if (!file) continue;
      const kind = ch.type === FileChangeType.Created ? 'created' : ch.type === FileChangeType.Deleted ? 'deleted' : 'changed';
      if (watcher) watcher.queue(file, kind);
      else void onFileChanges([{ file, kind }]);
    }
  });

  connection.onShutdown(async () => {
    shower.dispose();
    // Nothing may outlive the server: no new subprocess from here on, and every running one is killed now.
    refuseNewRuns();
    for (const st of files.values()) {
      st.abort?.abort();
      if (st.timer) clearTimeout(st.timer);
    }
    await Promise.all([watcher?.close(), killAllRunsAndWait()]);
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
    engine.prefetchShellEnv(); // the login shell takes a few hundred ms: read it while the client handshakes
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
    startWatching();
    void scanWorkspace().catch((e) => log.error(`workspace scan failed: ${String(e)}`));
  });

  connection.onDidChangeConfiguration(async (params) => {
    // Neovim sends the settings here unasked; VS Code sends null and expects us to pull.
    const raw = params.settings && typeof params.settings === 'object' && 'cgo' in params.settings ? params.settings : undefined;
    await refreshSettings(raw);
    reanalyzeAll();
  });

  /** TextDocuments fires onDidChangeContent right after onDidOpen for the same version: that one is not an edit. */
  const justOpened = new Map<string, number>();
  documents.onDidOpen((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    engine.setDocument(file, e.document.getText(), e.document.version);
    justOpened.set(e.document.uri, e.document.version);
    lastUri = e.document.uri;
    void analyze(e.document.uri, 'run', true);
  });
  documents.onDidChangeContent((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    const opened = justOpened.get(e.document.uri);
    justOpened.delete(e.document.uri);
    if (opened === e.document.version) return; // the open itself, already being analysed (compiler included)
    lastUri = e.document.uri;
    engine.setDocument(file, e.document.getText(), e.document.version);
    void analyze(e.document.uri, 'cached');
  });
  documents.onDidSave((e) => {
    void analyze(e.document.uri, 'run', true);
  });
  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    engine.removeDocument(file);
    const st = files.get(file);
    st?.abort?.abort();
    if (st?.timer) clearTimeout(st.timer);
    files.delete(file);
    // A closed cgo file keeps its diagnostics (from disk) when the workspace scope owns it; otherwise clear them.
    if (settings.diagnosticsScope === 'workspace' && folders.some((f) => file.startsWith(f + path.sep))) {
      tracked.add(file);
      void analyze(e.document.uri, 'run');
    } else {
      tracked.delete(file);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    }
  });

  connection.onHover(async (params) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return null;
    try {
      const md = [diagnosticHover(diagnosticsAt(file, params.position)), await engine.hover(file, params.position)].filter(Boolean).join('\n\n---\n\n');
      return md ? { contents: { kind: 'markdown', value: md } } : null;
    } catch (e) {
      log.error(`hover failed: ${String(e)}`);
      return null;
    }
  });

  // C inside Go files: completion, signature help, definition, document links; takes over hover (falls back to the one above).
  const cIndexes = registerCIntel(connection, engine, { log, capabilities: () => caps, diagnosticsHover: (file, pos) => diagnosticHover(diagnosticsAt(file, pos)) });

  /** A plain `window/showMessage` notification (no reply expected; every client shows it). */
  function showMessage(type: MessageType, message: string): void {
    void connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /** Environment changes offered in code actions (the only ones cgo.applyEnvFix runs); bounded, oldest dropped. */
  const offeredEnv = new Set<string>();
  function envChangeKey(c: EnvChange): string {
    return JSON.stringify([c.key, c.value, path.resolve(c.folder)]);
  }
  function offerEnvChange(c: EnvChange): void {
    const k = envChangeKey(c);
    offeredEnv.delete(k);
    offeredEnv.add(k);
    if (offeredEnv.size > 256) offeredEnv.delete(offeredEnv.values().next().value!);
  }

  function toWorkspaceEdit(f: Fix): WorkspaceEdit | undefined {
    if (!f.edits && !f.create) return undefined;
    const canDocChanges = caps.workspace?.workspaceEdit?.documentChanges === true;
    if (f.create && f.create.length > 0) {
      const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
      for (const c of f.create) {
        const uri = pathToUri(c.file);
        // Neither overwrite nor ignoreIfExists: if the file appeared since the action was offered, the client fails
        // the whole edit instead of inserting a second copy (a second JSON object) at the top of the user's file.
        documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
        documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text }] });
      }
      for (const e of f.edits ?? []) {
        const uri = pathToUri(e.file);
        documentChanges.push({ textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: e.edits });
      }
      return { documentChanges };
    }
    if (canDocChanges) {
      return {
        documentChanges: (f.edits ?? []).map((e) => {
          const uri = pathToUri(e.file);
          return { textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: e.edits };
        }),
      };
    }
    const changes: NonNullable<WorkspaceEdit['changes']> = {};
    for (const e of f.edits ?? []) changes[pathToUri(e.file)] = e.edits;
    return { changes };
  }

  connection.onCodeAction(async (params) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return [];
    lastUri = params.textDocument.uri;
    try {
      const only = params.context.only;
      const wantFixAll = !only || only.some((k) => (CodeActionKind.SourceFixAll + '.cgo').startsWith(k));
      const wantQuick = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k));
      const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
      // A withheld diagnostic's actions are offered anywhere on its lines (the cursor may be on `c` of `import c "C"`).
      const hidden = (withheld.get(file) ?? []).filter((d) => linesTouch(d.range, params.range));
      const engineDiags: CgoDiagnostic[] = [...hidden, ...ours.map((d): CgoDiagnostic => ({
        file,
        range: d.range,
        severity: 'error',
        code: String(d.code),
        message: d.message as CgoDiagnostic['message'], // our own message, sent back by the client
        data: (d.data as CgoDiagnostic['data']) ?? { code: String(d.code) },
      }))];
      // Resource operations exist only inside documentChanges, so a client that lists 'create' applies them even
      // when it does not also set documentChanges: true (Neovim 0.7–0.12 does exactly that).
      const canCreateFiles = (caps.workspace?.workspaceEdit?.resourceOperations ?? []).includes('create');
      // Only VS Code and its forks read .vscode/settings.json.
      const vscodeSettings = /visual studio code|vscode|vscodium|code - oss|cursor|windsurf/i.test(clientName);
      const fixes = await engine.fixes(file, wantQuick ? engineDiags : [], { canCreateFiles, fixAll: wantFixAll && !!only, vscodeSettings, workspaceFolders: folders });
      const actions: CodeAction[] = [];
      for (const f of fixes) {
        const lspDiag = f.diagnostic ? ours.find((d) => d.code === f.diagnostic!.code && d.range.start.line === f.diagnostic!.range.start.line && d.range.start.character === f.diagnostic!.range.start.character) : undefined;
        const action: CodeAction = { title: f.title, kind: f.kind === 'source.fixAll' ? CodeActionKind.SourceFixAll + '.cgo' : CodeActionKind.QuickFix };
        if (lspDiag) action.diagnostics = [lspDiag];
        if (f.isPreferred) action.isPreferred = true;
        const edit = toWorkspaceEdit(f);
        if (edit) action.edit = edit;
        if (f.env) {
          action.command = { title: f.title, command: 'cgo.applyEnvFix', arguments: [f.env] };
          offerEnvChange(f.env);
        }
        else if (f.show) action.command = { title: f.title, command: 'cgo.showFixInstructions', arguments: [f.show] };
        actions.push(action);
      }
      return actions;
    } catch (e) {
      log.error(`code actions failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return [];
    }
  });

  connection.onExecuteCommand(async (params) => {
    switch (params.command) {
      case 'cgo.applyEnvFix': {
        const change = params.arguments?.[0] as EnvChange | undefined;
        if (!change || typeof change.key !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(change.key) || typeof change.folder !== 'string' || (change.value !== null && typeof change.value !== 'string')) {
          return { ok: false, message: 'cgo.applyEnvFix needs { key, value, folder }' };
        }
        // Only a change this server offered in a code action (same key, value and folder) is run: a client
        // cannot make cgo-ls write an arbitrary go env key or run go in an arbitrary folder (issue 12 item 11).
        if (!offeredEnv.has(envChangeKey(change))) {
          log.warn(`cgo.applyEnvFix refused: ${JSON.stringify(change)} was not offered by this server`);
          return { ok: false, message: 'cgo.applyEnvFix: this change was not offered by cgo-ls; request the code action again' };
        }
        const res = await engine.applyEnvChange(change);
        showMessage(res.ok ? MessageType.Info : MessageType.Error, res.output);
        reanalyzeAll();
        return res;
      }
      case 'cgo.showFixInstructions': {
        const text = String(params.arguments?.[0] ?? '');
        showMessage(MessageType.Info, text);
        return { ok: true, message: text };
      }
      case 'cgo.refresh': {
        // Concurrent refreshes share one re-probe: a refresh asked for while one runs joins it.
        refreshing ??= (async () => {
          engine.refresh();
          await Promise.all(reanalyzeAll());
        })().finally(() => {
          refreshing = null;
        });
        await refreshing;
        // Called bare (e.g. Helix's :lsp-workspace-command), nobody shows the result: say what was found.
        const file = calledBare(params.arguments) ? currentFile() : null;
        if (file) {
          const tc = await engine.toolchain(file).catch(() => null);
          const go = tc?.go.version?.raw || (tc?.go.path ? 'go (version unknown)' : 'no go found');
          const cc = tc?.cc?.path ? `CC ${tc.cc.path}` : 'no C compiler found';
          shower.message(MessageType.Info, `cgo-ls: toolchain re-probed: ${go}, ${cc}, CGO_ENABLED=${tc?.cgo.enabled ? 1 : 0}; ${new Set([...tracked, ...documents.all().map((d) => uriToPath(d.uri))]).size} file(s) re-checked`);
        }
        return { ok: true };
      }
      case 'cgo.showToolchainReport': {
        const arg = params.arguments?.[0];
        const file = typeof arg === 'string' && arg !== '' ? (uriToPath(arg) ?? arg) : currentFile();
        if (!file) return { ok: false, message: 'no file or folder given' };
        const tc = await engine.toolchain(file);
        const report = renderReport(tc, 'text');
        if (calledBare(params.arguments)) await shower.document('cgo-toolchain-report.txt', report);
        return { ok: true, report };
      }
      default:
        return { ok: false, message: `unknown command ${params.command}` };
    }
  });

  /** The file a command without arguments is about: the last document touched, else any open one. */
  function currentFile(): string | null {
    const uri = lastUri && documents.get(lastUri) ? lastUri : documents.all()[0]?.uri;
    return uri ? uriToPath(uri) : null;
  }

  connection.onRequest('cgo/toolchain', async (params: { uri?: string } | undefined) => {
    const uri = params?.uri ?? documents.all()[0]?.uri;
    const file = uri ? uriToPath(uri) : null;
    if (!file) return null;
    const tc = await engine.toolchain(file);
    return JSON.parse(renderReport(tc, 'json'));
  });

  documents.listen(connection);
  connection.listen();
}

