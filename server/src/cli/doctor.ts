// `cgo-ls doctor [dir] [--format text|json|markdown]`: the toolchain model as a flutter-doctor style report
// (markdown: the same sections as a CI job summary).
import path from 'node:path';
import type { Logger } from '../core/types.js';
import { defaultSettings, doctorBinaryReport, Engine, exitCodeFor, locateMingwRuntime, renderReport } from '../engine/index.js';

export interface DoctorOptions {
  dir: string;
  format: 'text' | 'json' | 'markdown';
  /** `--binary app.exe`: list the DLLs a built Windows binary imports and where Windows would find them. */
  binary?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  write: (s: string) => void;
}

export async function runDoctor(opts: DoctorOptions): Promise<number> {
  const engine = new Engine({ env: opts.env, settings: defaultSettings, log: opts.log });
  const dir = path.resolve(opts.cwd, opts.dir);
  const tc = await engine.toolchain(dir);
  if (opts.binary !== undefined) {
    const runtime = tc.cc ? locateMingwRuntime(tc.cc) : null;
    const report = doctorBinaryReport(path.resolve(opts.cwd, opts.binary), { toolchainDirs: runtime?.dllDirs ?? [], cwd: opts.cwd });
    opts.write((opts.format === 'json' ? JSON.stringify(report.json, null, 2) : report.text) + '\n');
    return report.exitCode;
  }
  opts.write(renderReport(tc, opts.format === 'markdown' ? 'summary' : opts.format) + '\n');
  return exitCodeFor(tc);
}
