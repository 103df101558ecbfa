// `cgo-ls check --matrix` as a user runs it (the built CLI): usage errors exit 2, the JSON shape, and the exit-code
// contract (1 when a cell fails, 0 when the chosen cells all work). The cells themselves are held to the real go
// command in test/engine/matrix.test.ts.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'modules', 'matrix');

function cli(args: string[], cwd = fixture): Promise<{ code: number; stdout: string; stderr: string }> {
  // SHELL unset: the login-shell drift check (seconds with a slow rc file) is not what is tested here.
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false' };
  for (const k of ['SHELL', 'CGO_ENABLED', 'GOOS', 'GOARCH', 'CC']) delete env[k];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [serverMain, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface MatrixJson {
  targets: string[];
  unaffected: number;
  cgo: number[];
  failing: number;
  packages: {
    dir: string;
    importPath: string;
    main: boolean;
    cells: {
      target: string;
      cgo: number;
      build: { status: string; at?: { file: string; line: number } };
      test: { status: string; testFiles: string[]; excluded: { file: string; constraint: string }[] };
      run: { status: string } | null;
    }[];
  }[];
}

describe('cgo-ls check --matrix', () => {
  it('exits 2 on usage errors, naming the problem', async () => {
    const [a, b, c, d] = await Promise.all([
      cli(['check', '--matrix', '--cgo', '2', '.']),
      cli(['check', '--cgo', '1', '.']),
      cli(['check', '--format', 'yaml', '.']),
      cli(['doctor', '--format', 'html']),
    ]);
    expect([a.code, b.code, c.code, d.code]).toEqual([2, 2, 2, 2]);
    expect(a.stderr).toContain('invalid CGO_ENABLED value "2"');
    expect(b.stderr).toContain('--cgo only applies to --matrix');
    expect(c.stderr).toContain('--format must be text, json, sarif, codequality or markdown');
    expect(d.stderr).toContain('--format must be text, json or markdown');
  });

  it('JSON: every package and cell with relative paths; exit 1 when a cell fails, 0 when the chosen cells all work', async () => {
    const [all, on] = await Promise.all([
      cli(['check', '--matrix', '--targets', 'linux/amd64,windows/amd64', '--format', 'json', '.']),
      cli(['check', '--matrix', '--cgo', '1', '--format', 'json', '.']),
    ]);
    expect(all.code, all.stderr).toBe(1);
    const m = (JSON.parse(all.stdout) as { matrix: MatrixJson }).matrix;
    expect(m.targets).toEqual(['linux/amd64', 'windows/amd64']);
    expect(m.cgo).toEqual([0, 1]);
    expect(m.packages.map((p) => p.dir)).toEqual(['app', 'fallback', 'needs', 'nofallback', 'partial', 'stubcmd']);
    expect(m.failing).toBe(8);
    expect(m.unaffected).toBe(1); // plain/: no cgo, no import of a cgo package
    const partial = m.packages.find((p) => p.dir === 'partial')!.cells.find((c) => c.target === 'linux/amd64' && c.cgo === 0)!;
    expect(partial.build).toMatchObject({ status: 'fails', at: { file: 'partial/util.go', line: 5 } });
    const fallback = m.packages.find((p) => p.dir === 'fallback')!.cells.find((c) => c.target === 'windows/amd64' && c.cgo === 0)!;
    expect(fallback.test).toMatchObject({
      status: 'excludes-tests',
      testFiles: ['sum_test.go'],
      excluded: [{ file: 'sum_cgo_test.go', constraint: '//go:build cgo' }],
    });
    // Only CGO_ENABLED=1 (host and windows/amd64 with MinGW-w64): every cell works.
    expect(on.code, on.stdout + on.stderr).toBe(0);
    expect((JSON.parse(on.stdout) as { matrix: MatrixJson }).matrix).toMatchObject({ cgo: [1], failing: 0 });
  });
});
