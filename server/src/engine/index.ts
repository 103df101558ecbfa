// The session's public face: everything the adapters (lsp/, cli/) may use. Adapters import from here only, so
// the stages behind the session (gomodel, cgorules, checks, toolchain, compiler, windows) can change freely.
export { Engine, HOVER_DEADLINE_MS, type Analysis, type AnalyzeOptions, type EngineOptions } from './engine.js';
export { defaultSettings, EXECUTABLE_SETTINGS, parseSettings, restrictUntrusted, type Settings } from './settings.js';
// The server's lifecycle guards: no subprocess outlives it (util/proc.ts).
export { installExitGuards, killAllRuns, killAllRunsAndWait, refuseNewRuns } from '../util/proc.js';
export { findCgoCandidates, findModuleRoot, isCgoCandidate, packageCSources, readTextFile, walkGoFiles, walkGoFilesSliced } from './workspace.js';
export { Watcher, type FileChange } from './watcher.js';
export type { EnvChange, Fix } from './fixes.js';
export { anchor } from './protocol-doc.js';
export { parseTargets, type TargetVerdict } from './targets.js';
export {
  cellFails,
  commandMatrix,
  defaultMatrixTargets,
  parseCgoValues,
  type CommandMatrix,
  type CommandVerdict,
  type MatrixCell,
  type MatrixStatus,
  type PackageMatrix,
  type TestCommandVerdict,
} from './matrix.js';
export { renderReport, exitCodeFor } from '../toolchain/report.js';
export { doctorBinaryReport } from '../windows/check.js';
export { locateMingwRuntime } from '../windows/dlls.js';
export { findPackageRoot } from '../gomodel/parser.js';
export { cRefLexedAt, withRefAt } from '../gomodel/pastcap.js';
export { MAX_ANALYSED_CHARS } from '../gomodel/model.js';
export { mightImportC } from './workspace.js';
export type { CCompileContext } from './engine.js';
export type { CIndex } from '../compiler/cindex.js';
export type { CIndexes } from './cindexes.js';
export type { GoFile } from '../gomodel/types.js';
export {
  builtinEntities,
  completeCNames,
  completeFields,
  completionContext,
  definitionAt,
  entityMarkdown,
  entityPlain,
  hoverAt as cNameHoverAt,
  includeLinks,
  pendingCNameHover,
  pendingModelHover,
  provisionalDefinitionAt,
  provisionalHoverAt,
  signatureAt,
  wantsIndex,
  type CCompletionItem,
  type CItemKind,
} from './cintel.js';
