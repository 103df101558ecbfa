// Code actions and commands: quick fixes and fix-all computed by the engine from the server's own diagnostics,
// environment changes run only when the user picks them (and only ones this server offered), the toolchain report,
// and refresh (one re-probe shared by concurrent callers).
import path from 'node:path';
import { CodeActionKind, MessageType, ShowMessageNotification, type CodeAction } from 'vscode-languageserver/node.js';
import type { CgoDiagnostic } from '../core/types.js';
import { DIAGNOSTIC_SOURCE } from '../core/types.js';
import { uriToPath } from '../core/uri.js';
import { renderReport, type EnvChange } from '../engine/index.js';
import type { Analyses } from './analyses.js';
import type { ServerContext } from './context.js';
import { fromLspDiagnostic, toWorkspaceEdit } from './convert.js';
import { calledBare, type ResultShower } from './show.js';

export const COMMANDS = ['cgo.refresh', 'cgo.showToolchainReport', 'cgo.applyEnvFix', 'cgo.showFixInstructions'] as const;

/** Environment changes offered in code actions (the only ones cgo.applyEnvFix runs); bounded, oldest dropped. */
class OfferedEnvChanges {
  private readonly keys = new Set<string>();
  private static key(c: EnvChange): string {
    return JSON.stringify([c.key, c.value, path.resolve(c.folder)]);
  }
  add(c: EnvChange): void {
    const k = OfferedEnvChanges.key(c);
    this.keys.delete(k);
    this.keys.add(k);
    if (this.keys.size > 256) this.keys.delete(this.keys.values().next().value!);
  }
  has(c: EnvChange): boolean {
    return this.keys.has(OfferedEnvChanges.key(c));
  }
}

export function registerActions(ctx: ServerContext, analyses: Analyses, shower: ResultShower): void {
  const { connection, documents, engine, log } = ctx;
  const offeredEnv = new OfferedEnvChanges();
  let refreshing: Promise<void> | null = null;

  /** A plain `window/showMessage` notification (no reply expected; every client shows it). */
  function showMessage(type: MessageType, message: string): void {
    void connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /** The file a command without arguments is about: the last document touched, else any open one. */
  function currentFile(): string | null {
    const last = ctx.lastUri();
    const uri = last && documents.get(last) ? last : documents.all()[0]?.uri;
    return uri ? uriToPath(uri) : null;
  }

  connection.onCodeAction(async (params) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return [];
    ctx.touched(params.textDocument.uri);
    try {
      const caps = ctx.caps();
      const only = params.context.only;
      const wantFixAll = !only || only.some((k) => (CodeActionKind.SourceFixAll + '.cgo').startsWith(k));
      const wantQuick = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k));
      const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
      // A withheld diagnostic's actions are offered anywhere on its lines (the cursor may be on `c` of `import c "C"`).
      const engineDiags: CgoDiagnostic[] = [...analyses.withheldOn(file, params.range), ...ours.map((d) => fromLspDiagnostic(file, d))];
      // Resource operations exist only inside documentChanges, so a client that lists 'create' applies them even
      // when it does not also set documentChanges: true (Neovim 0.7–0.12 does exactly that).
      const canCreateFiles = (caps.workspace?.workspaceEdit?.resourceOperations ?? []).includes('create');
      // Only VS Code and its forks read .vscode/settings.json.
      const vscodeSettings = /visual studio code|vscode|vscodium|code - oss|cursor|windsurf/i.test(ctx.clientName());
      const fixes = await engine.fixes(file, wantQuick ? engineDiags : [], {
        canCreateFiles,
        fixAll: wantFixAll && !!only,
        vscodeSettings,
        workspaceFolders: ctx.folders(),
      });
      const actions: CodeAction[] = [];
      for (const f of fixes) {
        const lspDiag = f.diagnostic
          ? ours.find(
              (d) =>
                d.code === f.diagnostic!.code &&
                d.range.start.line === f.diagnostic!.range.start.line &&
                d.range.start.character === f.diagnostic!.range.start.character,
            )
          : undefined;
        const action: CodeAction = { title: f.title, kind: f.kind === 'source.fixAll' ? CodeActionKind.SourceFixAll + '.cgo' : CodeActionKind.QuickFix };
        if (lspDiag) action.diagnostics = [lspDiag];
        if (f.isPreferred) action.isPreferred = true;
        const edit = toWorkspaceEdit(f, caps, (uri) => documents.get(uri)?.version);
        if (edit) action.edit = edit;
        if (f.env) {
          action.command = { title: f.title, command: 'cgo.applyEnvFix', arguments: [f.env] };
          offeredEnv.add(f.env);
        } else if (f.show) action.command = { title: f.title, command: 'cgo.showFixInstructions', arguments: [f.show] };
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
        if (
          !change ||
          typeof change.key !== 'string' ||
          !/^[A-Z_][A-Z0-9_]*$/.test(change.key) ||
          typeof change.folder !== 'string' ||
          (change.value !== null && typeof change.value !== 'string')
        ) {
          return { ok: false, message: 'cgo.applyEnvFix needs { key, value, folder }' };
        }
        // Only a change this server offered in a code action (same key, value and folder) is run: a client
        // cannot make cgo-ls write an arbitrary go env key or run go in an arbitrary folder (issue 12 item 11).
        if (!offeredEnv.has(change)) {
          log.warn(`cgo.applyEnvFix refused: ${JSON.stringify(change)} was not offered by this server`);
          return { ok: false, message: 'cgo.applyEnvFix: this change was not offered by cgo-ls; request the code action again' };
        }
        const res = await engine.applyEnvChange(change);
        showMessage(res.ok ? MessageType.Info : MessageType.Error, res.output);
        analyses.reanalyzeAll();
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
          await Promise.all(analyses.reanalyzeAll());
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
          const checked = new Set([...analyses.tracked, ...documents.all().map((d) => uriToPath(d.uri))]).size;
          shower.message(MessageType.Info, `cgo-ls: toolchain re-probed: ${go}, ${cc}, CGO_ENABLED=${tc?.cgo.enabled ? 1 : 0}; ${checked} file(s) re-checked`);
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

  connection.onRequest('cgo/toolchain', async (params: { uri?: string } | undefined) => {
    const uri = params?.uri ?? documents.all()[0]?.uri;
    const file = uri ? uriToPath(uri) : null;
    if (!file) return null;
    const tc = await engine.toolchain(file);
    return JSON.parse(renderReport(tc, 'json'));
  });
}
