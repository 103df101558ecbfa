import { describe, expect, it } from 'vitest';
import { pathToUri, uriToPath } from '../../server/src/core/uri.js';

describe('uriToPath', () => {
  it('upper-cases the Windows drive letter for both the VS Code and the Neovim spelling of a URI', () => {
    // vscode-uri lower-cases it; go.exe and cmd.exe say C:\ (checked for real in test/windows/real-windows.test.ts).
    expect(uriToPath('file:///c%3A/Users/me/My%20Projects/app/main.go', 'win32')).toMatch(/^C:[\\/]Users[\\/]me[\\/]My Projects[\\/]app[\\/]main\.go$/);
    expect(uriToPath('file:///C:/Users/me/app/main.go', 'win32')).toMatch(/^C:[\\/]Users/);
    expect(uriToPath('file:///c%3A/x.go', 'linux')).toBe('c:/x.go');
    expect(uriToPath('file:///home/me/x.go', 'win32')).toMatch(/[\\/]home[\\/]me[\\/]x\.go$/);
    expect(uriToPath('untitled:Untitled-1', 'win32')).toBeNull();
  });

  it('round-trips to the URI VS Code sends', () => {
    expect(pathToUri(uriToPath('file:///c%3A/Users/me/main.go', 'win32')!)).toBe('file:///c%3A/Users/me/main.go');
  });
});
