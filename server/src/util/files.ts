// Reading a file whose name is not under our control, synchronously and safely: only a regular file (a FIFO or a
// device in its place would block the thread for good) of a bounded size. The file is opened without blocking and
// checked through the open descriptor, so nothing swapped in after a check can be read instead. Used where a read is
// small and an asynchronous one would cost threadpool round trips behind a busy main thread (the workspace scan, the
// disk cache's entries and the compilers' stamps, V8's code cache at start-up).
import fs from 'node:fs';

/** Opening never waits for a writer (a FIFO) or a device; 0 where the flag does not exist (Windows). */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * An open descriptor of `file` with its stats when it is a regular file, else null (missing, not a file,
 * unreadable). The caller closes the descriptor.
 */
export function openRegularSync(file: string): { fd: number; stats: fs.Stats } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const stats = fs.fstatSync(fd);
    if (stats.isFile()) return { fd, stats };
  } catch {
    /* unreadable */
  }
  fs.closeSync(fd);
  return null;
}

/** The bytes of `file` if it is a regular file of at most `maxBytes`, else null (missing, not a file, too large, unreadable). */
export function readRegularFileSync(file: string, maxBytes: number): Buffer | null {
  const open = openRegularSync(file);
  if (!open) return null;
  try {
    if (open.stats.size > maxBytes) return null;
    // At most the size seen (a file growing meanwhile is read as it was, never past the bound).
    const buf = Buffer.alloc(open.stats.size);
    let n = 0;
    while (n < buf.length) {
      const got = fs.readSync(open.fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return n === buf.length ? buf : buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    fs.closeSync(open.fd);
  }
}

/** `readRegularFileSync` as UTF-8 text. */
export function readTextFileSync(file: string, maxBytes = 64 * 1024 * 1024): string | null {
  return readRegularFileSync(file, maxBytes)?.toString('utf8') ?? null;
}
