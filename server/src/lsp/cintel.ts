// LSP handlers for C inside Go files (engine/cintel.ts): completion after `C.` and on C struct values,
// completionItem/resolve, signature help, definition/declaration, document links on `#include`, and hover on
// C names (falling back to the engine's cgo hovers). Converts engine results into LSP types.
import {
  CompletionItemKind,
  MarkupKind,
  type CancellationToken,
  type ClientCapabilities,
  type CompletionItem,
  type Connection,
  type DocumentLink,
  type Location,
  type MarkupContent,
  type ServerCapabilities,
  type SignatureHelp,
} from 'vscode-languageserver/node.js';
import { containsPosition, type Position } from '../core/types.js';
import type { Logger } from '../core/types.js';
import { pathToUri, uriToPath } from '../core/uri.js';
import {
  builtinEntities,
  cNameHoverAt as hoverAt,
  completeCNames,
  cRefLexedAt,
  completeFields,
  completionContext,
  definitionAt,
  entityMarkdown,
  entityPlain,
  HOVER_DEADLINE_MS,
  includeLinks,
  MAX_ANALYSED_CHARS,
  mightImportC,
  pendingCNameHover,
  pendingModelHover,
  provisionalDefinitionAt,
  provisionalHoverAt,
  signatureAt,
  wantsIndex,
  withRefAt,
  type CCompletionItem,
  type CIndex,
  type CItemKind,
  type Engine,
  type GoFile,
} from '../engine/index.js';

const KIND: Record<CItemKind, CompletionItemKind> = {
  function: CompletionItemKind.Function,
  variable: CompletionItemKind.Variable,
  constant: CompletionItemKind.Constant,
  enumMember: CompletionItemKind.EnumMember,
  struct: CompletionItemKind.Struct,
  enum: CompletionItemKind.Enum,
  class: CompletionItemKind.Class,
  field: CompletionItemKind.Field,
};

export const CINTEL_CAPABILITIES: Pick<
  ServerCapabilities,
  'completionProvider' | 'signatureHelpProvider' | 'definitionProvider' | 'declarationProvider' | 'documentLinkProvider'
> = {
  completionProvider: { triggerCharacters: ['.'], resolveProvider: true },
  signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
  definitionProvider: true,
  declarationProvider: true,
  documentLinkProvider: { resolveProvider: false },
};

/**
 * The `C.` names whose hover no preamble can change: cgo's builtin functions other than `malloc` (a header may
 * declare `malloc`) and the builtin types spelled as C keywords (builtinEntities in engine/cintel.ts).
 */
const FIXED_BUILTINS = new Set(['CString', 'CBytes', 'GoString', 'GoStringN', 'GoBytes', 'char', 'short', 'int', 'long', 'float', 'double']);

/** An index with nothing in it: the builtins alone (for the names in FIXED_BUILTINS). */
const EMPTY_INDEX: CIndex = {
  key: '',
  preambleSig: '',
  goFile: '',
  entities: new Map(),
  tags: new Map(),
  typedefs: new Map(),
  includes: new Map(),
  files: [],
  ccMs: 0,
  parseMs: 0,
  skipped: new Map(),
};

const LATE: unique symbol = Symbol('late');
/** The value of `p`, or LATE when it has not settled by `until` (a `performance.now()` time); `p` goes on. */
async function settledBy<T>(p: Promise<T | null>, until: number): Promise<T | null | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), Math.max(0, until - performance.now()))));
  try {
    return await Promise.race([p.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A file over the modelling cap is a big generated one: its C index waits for the toolchain probe and `cc -E` of
 * a big preamble (seconds), so its C-name requests do not wait for it; they answer from the preamble's own
 * declarations, or say what is pending, at once.
 */
function isBig(text: string): boolean {
  return text.length > MAX_ANALYSED_CHARS;
}

function signalOf(token: CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

export interface CIntelOptions {
  log: Logger;
  capabilities: () => ClientCapabilities;
  /** The explanation of the diagnostics under the cursor (shown above any other hover), or null. */
  diagnosticsHover?: (file: string, pos: { line: number; character: number }) => string | null;
}

/** Registers the handlers (replacing the plain hover handler: C names get the richer hover, the rest falls back). */
export function registerCIntel(connection: Connection, engine: Engine, opts: CIntelOptions): void {
  // The indexes live in the engine (engine/cindexes.ts): `cgo-ls check` reads the same ones, `cgo.refresh` clears them.
  const indexes = engine.cIndexes;
  const indexFor = (file: string, mode: 'build' | 'peek', signal?: AbortSignal): Promise<CIndex | null> => indexes.indexFor(file, mode, signal);

  const markdown = (): boolean => {
    const f = opts.capabilities().textDocument?.completion?.completionItem?.documentationFormat;
    return !f || f.includes(MarkupKind.Markdown);
  };
  const lazyDocs = (): boolean => (opts.capabilities().textDocument?.completion?.completionItem?.resolveSupport?.properties ?? []).includes('documentation');

  /** The client takes one edit range for the whole list (completionList.itemDefaults): items carry no textEdit. */
  const defaultRange = (): boolean => (opts.capabilities().textDocument?.completion?.completionList?.itemDefaults ?? []).includes('editRange');

  /** The file of the last `C.` completion list (completionItem/resolve refers to an item of it). */
  let lastListFile = '';

  function toItem(i: CCompletionItem, lazy: boolean, md: boolean, withEdit: boolean): CompletionItem {
    const item: CompletionItem = { label: i.label, kind: KIND[i.kind], detail: i.detail, sortText: i.sortText };
    if (withEdit) item.textEdit = { range: i.range, newText: i.label };
    if (lazy && i.kind !== 'field') item.data = 'cgo.c';
    else item.documentation = md ? ({ kind: MarkupKind.Markdown, value: i.documentation } satisfies MarkupContent) : i.documentationPlain;
    return item;
  }

  /** LSP items per index and client mode, built once: a `C.` list of a big header set is thousands of items. */
  const listCache = new WeakMap<object, Map<string, CompletionItem[]>>();
  const NO_INDEX = {};
  function cItems(idx: CIndex | null, range: CCompletionItem['range'], lazy: boolean, md: boolean): { items: CompletionItem[]; shared: boolean } {
    const useDefault = defaultRange();
    const mode = `${lazy}|${md}|${useDefault}`;
    const holder = idx ?? NO_INDEX;
    let byMode = listCache.get(holder);
    if (!byMode) listCache.set(holder, (byMode = new Map()));
    let items = byMode.get(mode);
    if (!items) {
      items = completeCNames(idx, { prefix: '', range }).map((i) => toItem(i, lazy, md, false));
      byMode.set(mode, items);
    }
    if (useDefault) return { items, shared: true };
    return { items: items.map((it) => ({ ...it, textEdit: { range, newText: it.label } })), shared: false };
  }

  connection.onCompletion(async (params, token) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return null;
    try {
      const text = await engine.getText(file);
      if (text === null) return null;
      if (!mightImportC(text)) return null; // not a cgo file: gopls answers, no parse here
      const ctx = completionContext(text, params.position);
      if (!ctx) return null;
      const signal = signalOf(token);
      let idx = indexes.byPrefix(file, text);
      if (!idx) {
        const model = await engine.model(file, text);
        if (!model?.importsC) return null;
        idx = await indexFor(file, 'build', signal);
      }
      if (signal?.aborted) return null;
      const lazy = lazyDocs();
      const md = markdown();
      if (ctx.kind === 'cname') {
        lastListFile = file;
        const { items, shared } = cItems(idx, ctx.range, lazy, md);
        return shared ? { isIncomplete: false, itemDefaults: { editRange: ctx.range }, items } : { isIncomplete: false, items };
      }
      if (!idx) return null;
      const fields = completeFields(idx, text, params.position, ctx);
      return fields ? { isIncomplete: false, items: fields.map((i) => toItem(i, false, md, true)) } : null;
    } catch (e) {
      opts.log.error(`completion failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return null;
    }
  });

  connection.onCompletionResolve(async (item) => {
    try {
      if (item.data !== 'cgo.c' || item.documentation || !lastListFile) return item;
      const idx = indexes.lastFor(lastListFile);
      const e = idx?.entities.get(item.label) ?? builtinEntities(idx).find((b) => b.name === item.label);
      if (!e) return item;
      const md = markdown();
      const one = completeCNames(idx, { prefix: '', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }).find(
        (i) => i.label === item.label,
      );
      const value = one ? (md ? one.documentation : one.documentationPlain) : md ? entityMarkdown(e, lastListFile) : entityPlain(e, lastListFile);
      return { ...item, documentation: md ? { kind: MarkupKind.Markdown, value } : value };
    } catch (e) {
      opts.log.error(`completion resolve failed: ${String(e)}`);
      return item;
    }
  });

  connection.onSignatureHelp(async (params, token): Promise<SignatureHelp | null> => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return null;
    try {
      const text = await engine.getText(file);
      if (text === null || !text.includes('C.') || !mightImportC(text)) return null;
      const idx = await indexFor(file, 'build', signalOf(token));
      if (!idx) return null;
      const sh = signatureAt(text, params.position, idx);
      if (!sh) return null;
      const md = (opts.capabilities().textDocument?.signatureHelp?.signatureInformation?.documentationFormat ?? [MarkupKind.Markdown]).includes(
        MarkupKind.Markdown,
      );
      const doc = (s: string) => (md ? { kind: MarkupKind.Markdown, value: s } : s.replace(/```\w*\n?/g, '').replace(/`/g, ''));
      return {
        signatures: sh.signatures.map((s) => ({
          label: s.label,
          documentation: doc(s.documentation),
          parameters: s.parameters.map((p) => ({ label: p.label, documentation: doc(p.documentation) })),
          activeParameter: sh.activeParameter,
        })),
        activeSignature: 0,
        activeParameter: sh.activeParameter,
      };
    } catch (e) {
      opts.log.error(`signature help failed: ${String(e)}`);
      return null;
    }
  });

  async function definition(uri: string, pos: Position, token?: CancellationToken): Promise<Location[] | null> {
    const file = uriToPath(uri);
    if (!file) return null;
    try {
      const text = await engine.getText(file);
      if (text === null) return null;
      const found = await engine.model(file, text);
      if (!found || (!found.importsC && found.exports.length === 0)) return null;
      // Past the modelled part of a file over the cap: the `C.name` lexed at the position (gomodel/pastcap.ts).
      const model = withRefAt(found, text, pos);
      const needIdx = model.importsC && wantsIndex(model, text, pos);
      let idx: CIndex | null = null;
      if (needIdx) {
        idx = await indexFor(file, 'peek');
        if (!idx && isBig(text)) {
          // The preamble's own declaration of the name is where the index would point: no wait for `cc -E`.
          const own = provisionalDefinitionAt(model, pos);
          if (own) {
            indexes.background(file);
            return own.map((l) => ({ uri: pathToUri(l.file), range: l.range }));
          }
        }
        idx ??= await indexFor(file, 'build', signalOf(token));
      }
      const locs = definitionAt(model, text, pos, idx);
      return locs ? locs.map((l) => ({ uri: pathToUri(l.file), range: l.range })) : null;
    } catch (e) {
      opts.log.error(`definition failed: ${String(e)}`);
      return null;
    }
  }
  connection.onDefinition((params, token) => definition(params.textDocument.uri, params.position, token));
  connection.onDeclaration((params, token) => definition(params.textDocument.uri, params.position, token));

  connection.onDocumentLinks(async (params, token): Promise<DocumentLink[] | null> => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return null;
    try {
      const model = await engine.model(file);
      if (!model?.importsC) return null;
      if (!model.cImports.some((i) => i.preamble?.lines.some((l) => /^\s*#\s*include/.test(l.text)))) return [];
      const idx = await indexFor(file, 'build', signalOf(token));
      return includeLinks(model, idx)
        .filter((l) => l.file)
        .map((l) => ({ range: l.range, target: pathToUri(l.file!), tooltip: l.file! }));
    } catch (e) {
      opts.log.error(`document links failed: ${String(e)}`);
      return null;
    }
  });

  connection.onHover(async (params) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return null;
    const diag = opts.diagnosticsHover?.(file, params.position) ?? null;
    const withDiag = (md: string | null) => {
      const value = [diag, md].filter(Boolean).join('\n\n---\n\n');
      return value ? { contents: { kind: MarkupKind.Markdown, value } } : null;
    };
    // One budget for the whole hover: the C index (built by `cc -E` on the first request) and then the engine's
    // hover share it; past it the answer says what is pending, and the index build goes on for the next request.
    const until = performance.now() + HOVER_DEADLINE_MS;
    try {
      const text = await engine.getText(file);
      if (text !== null) {
        const modelling = engine.modelAt(file, params.position, text);
        let found: GoFile | null;
        if (engine.modelPending(file, params.position, text)) {
          // A big file modelled in the worker (≈ 1 s for go-gl): the hover does not wait for it. On a `C.name`
          // (lexed alone) it says so at once; elsewhere there is nothing to say before the model. Even a 10 ms wait
          // became 20–30 ms behind the analysis's own work on the thread, and was almost never rewarded.
          void modelling.catch(() => undefined);
          const lexed = cRefLexedAt(text, params.position);
          return withDiag(lexed ? pendingModelHover(lexed.name, text.length) : null);
        } else found = await modelling;
        // Past the modelled part of a file over the cap: the `C.name` lexed at the position (gomodel/pastcap.ts).
        const model = found ? withRefAt(found, text, params.position) : null;
        if (model?.importsC && wantsIndex(model, text, params.position)) {
          const onInclude = model.cImports.some((i) => i.preamble?.lines.some((l) => l.goLine === params.position.line && /^\s*#\s*include/.test(l.text)));
          if (!onInclude) {
            // cgo's builtin functions and the types named by C keywords mean the same whatever the preamble: their
            // hover never waits for the index (a huge file's first hover would otherwise wait for `cc -E` and the parse).
            const ref = model.cRefs.find((r) => containsPosition(r.range, params.position));
            if (ref && FIXED_BUILTINS.has(ref.name)) {
              const md = hoverAt(model, text, params.position, EMPTY_INDEX);
              if (md) return withDiag(md);
            }
            // The index in memory answers; else a file over the cap does not wait for it (isBig): the preamble's own
            // declaration of the name (provisional), else "pending", at once; the build goes on for the next
            // request. Another file waits up to the deadline; past it, the engine's hover, or the provisional
            // answer when the engine's would only say what has not answered.
            let idx = await indexFor(file, 'peek');
            let notReady = false;
            if (!idx) {
              if (isBig(text)) {
                indexes.background(file);
                notReady = true;
              } else {
                const r = await settledBy(indexFor(file, 'build'), until);
                if (r === LATE) notReady = true;
                else idx = r;
              }
            }
            const md = idx ? hoverAt(model, text, params.position, idx) : null;
            if (md) return withDiag(md);
            if (notReady) {
              const early = provisionalHoverAt(model, params.position);
              if (isBig(text)) {
                if (early) return withDiag(early);
                if (ref) return withDiag(pendingCNameHover(ref.name));
              } else if (early) {
                const late = await engine.hover(file, params.position, until);
                return withDiag(late && !/has not answered/.test(late) ? late : early);
              }
            }
          }
        }
      }
      return withDiag(await engine.hover(file, params.position, until));
    } catch (e) {
      opts.log.error(`hover failed: ${String(e)}`);
      return withDiag(null);
    }
  });
}
