// The worker thread that runs the server's big parses off its event loop (started by ParseWorker,
// engine/parseworker.ts), so that hovers and other requests keep being answered meanwhile:
// - `cindex`: the preprocessor's output parsed into a C name index (compiler/cindex.ts parsePreprocessed, a
//   tree-sitter-c parse of up to 64 MiB of C plus the walk over it);
// - `model`: the GoFile model of a big .go file (gomodel/model.ts parseGoFile: the Go parse, the preambles and
//   their C declarations; a generated file such as go-gl's takes about half a second the first time).
// One job at a time, `{ id, kind, … }` in, `{ id, result }` or `{ id, error }` out; the result crosses back by
// structured clone (Maps, Sets and bigints included; both results are plain data).
import { parentPort } from 'node:worker_threads';
import { parsePreprocessed, type ParseOptions } from '../compiler/cindex.js';
import { parseGoFile } from '../gomodel/model.js';
import { getCParser } from '../gomodel/parser.js';

/** A model job carries the text's modelPart (gomodel/model.ts) and its whole length, not a 20 MB text. */
export type ParseJob =
  { id: number; kind: 'cindex'; out: string; opts: ParseOptions } | { id: number; kind: 'model'; path: string; text: string; totalLength: number };

async function runJob(job: ParseJob): Promise<unknown> {
  if (job.kind === 'model') return parseGoFile(job.path, job.text, job.totalLength);
  return parsePreprocessed(job.out, await getCParser(), job.opts);
}

parentPort?.on('message', (job: ParseJob) => {
  runJob(job)
    .then((result) => parentPort!.postMessage({ id: job.id, result }))
    .catch((e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }));
});
