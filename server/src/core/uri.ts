// File paths <-> URIs, via vscode-uri so drive letters, UNC paths and percent-encoding behave as editors expect.
import { URI } from 'vscode-uri';

export function uriToPath(uri: string): string | null {
  try {
    const u = URI.parse(uri);
    if (u.scheme !== 'file') return null;
    return u.fsPath;
  } catch {
    return null;
  }
}

export function pathToUri(p: string): string {
  return URI.file(p).toString();
}
