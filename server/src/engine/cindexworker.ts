// The worker thread that parses the preprocessor's output into a C name index (compiler/cindex.ts
// parsePreprocessed, a tree-sitter-c parse of up to 64 MiB of C plus the walk over it), so that the server's
// event loop keeps answering while a big header set is indexed. Started by CIndexWorker (engine/cindexes.ts):
// one job at a time, `{ id, out, opts }` in, `{ id, idx }` or `{ id, error }` out; the index crosses back by
// structured clone (Maps, Sets and bigints included).
import { parentPort } from 'node:worker_threads';
import { parsePreprocessed, type ParseOptions } from '../compiler/cindex.js';
import { getCParser } from '../gomodel/parser.js';

export interface CIndexJob {
  id: number;
  out: string;
  opts: ParseOptions;
}

parentPort?.on('message', (job: CIndexJob) => {
  void getCParser()
    .then((parser) => parentPort!.postMessage({ id: job.id, idx: parsePreprocessed(job.out, parser, job.opts) }))
    .catch((e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }));
});
