// File paths <-> URIs, via vscode-uri so drive letters, UNC paths and percent-encoding behave as editors expect.
import { URI } from 'vscode-uri';
import { host } from './host.js';

/**
 * The file path of a `file:` URI. On Windows the drive letter is upper-cased: vscode-uri gives `c:\…` for both
 * `file:///c%3A/…` (VS Code) and `file:///C:/…` (Neovim), while the go command, cmd.exe and the compiler say `C:\…`
 * (a `#cgo -I${SRCDIR}` flag, a hover or a report would otherwise differ from `go list` by the drive letter).
 */
export function uriToPath(uri: string, platform: NodeJS.Platform = host().platform): string | null {
  try {
    const u = URI.parse(uri);
    if (u.scheme !== 'file') return null;
    const p = u.fsPath;
    return platform === 'win32' && /^[a-z]:/.test(p) ? p[0]!.toUpperCase() + p.slice(1) : p;
  } catch {
    return null;
  }
}

export function pathToUri(p: string): string {
  return URI.file(p).toString();
}
