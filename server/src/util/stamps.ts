// Size-and-mtime stamps of files a result depends on (headers a compile read, paths a missing header would
// appear at): a result is reused only while every stamp still matches. A missing file is stamped -1.
import fs from 'node:fs';

export interface FileStamp {
  file: string;
  mtimeMs: number;
  size: number;
}

export function stampFiles(files: readonly string[]): FileStamp[] {
  return files.map((f) => {
    try {
      const st = fs.statSync(f);
      return { file: f, mtimeMs: st.mtimeMs, size: st.size };
    } catch {
      return { file: f, mtimeMs: -1, size: -1 };
    }
  });
}

export function stampsUnchanged(stamps: readonly FileStamp[]): boolean {
  for (const h of stamps) {
    try {
      const st = fs.statSync(h.file);
      if (st.mtimeMs !== h.mtimeMs || st.size !== h.size) return false;
    } catch {
      if (h.mtimeMs !== -1) return false;
    }
  }
  return true;
}
