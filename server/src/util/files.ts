// Reading a file whose name is not under our control, synchronously and safely: only a regular file (a FIFO or a
// device in its place would block the thread for good) of a bounded size. Used where a read is small and an
// asynchronous one would cost threadpool round trips behind a busy main thread (the workspace scan, the disk cache's
// entries, V8's code cache at start-up).
import fs from 'node:fs';

/** The bytes of `file` if it is a regular file of at most `maxBytes`, else null (missing, not a file, too large, unreadable). */
export function readRegularFileSync(file: string, maxBytes: number): Buffer | null {
  try {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (!st || !st.isFile() || st.size > maxBytes) return null;
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

/** `readRegularFileSync` as UTF-8 text. */
export function readTextFileSync(file: string, maxBytes = 64 * 1024 * 1024): string | null {
  return readRegularFileSync(file, maxBytes)?.toString('utf8') ?? null;
}
