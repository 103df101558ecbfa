// `cgo-ls doctor [dir] [--json]`: the toolchain model as a flutter-doctor style report.
import path from 'node:path';
import type { Logger } from '../core/types.js';
import { Engine } from '../engine/engine.js';
import { defaultSettings } from '../engine/settings.js';
import { exitCodeFor, renderReport } from '../toolchain/report.js';

export interface DoctorOptions {
  dir: string;
  json: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  write: (s: string) => void;
}

export async function runDoctor(opts: DoctorOptions): Promise<number> {
  const engine = new Engine({ env: opts.env, settings: defaultSettings, log: opts.log });
  const dir = path.resolve(opts.cwd, opts.dir);
  const tc = await engine.toolchain(dir);
  opts.write(renderReport(tc, opts.json ? 'json' : 'text') + '\n');
  return exitCodeFor(tc);
}
