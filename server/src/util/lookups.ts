// PATH searches, remembered for a second.
//
// Every compiler run resolves its program on PATH (util/proc.ts resolveCommand), and every compile keys its cached
// compiler facts by the compiler's fingerprint (compiler/ccinfo.ts), which resolves it again: ten or more stat
// calls each time, on the main thread. At scale (200 cgo files compiled in one scan) that was ≈ 0.85 s of the
// server's main thread. A search's answer is reused for LOOKUP_TTL_MS while the file it found is still a file;
// a toolchain probe forgets them all (engine/toolchains.ts), so a compiler installed or removed is seen by the
// re-probe the watcher starts.
import fs from 'node:fs';

export const LOOKUP_TTL_MS = 1000;
const MAX_ENTRIES = 256;
const remembered = new Map<string, { at: number; found: string | null }>();

/** `search()`'s answer for `key`, reused for a second while the file it found is still a file. */
export function rememberedLookup(key: string, search: () => string | null, now = Date.now()): string | null {
  const hit = remembered.get(key);
  if (hit && now - hit.at < LOOKUP_TTL_MS && (hit.found === null || isFile(hit.found))) return hit.found;
  const found = search();
  if (remembered.size >= MAX_ENTRIES) remembered.clear();
  remembered.set(key, { at: now, found });
  return found;
}

/** Every remembered search is done again (a toolchain probe starts). */
export function forgetLookups(): void {
  remembered.clear();
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
