// cgo/tests-excluded through the BUILT server (issue 18): with CGO_ENABLED=0 in the server's environment, the
// workspace scan publishes the warning on the closed `sum_cgo_test.go` (the scan's pre-filter lets test files that
// mention cgo through), and an opened copy of it gets the same diagnostic. The analysis itself is held to
// `go list -test` in test/checks/testsexcluded.test.ts.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, repoRoot } from '../helpers/lsp-client.js';

const pkg = path.join(repoRoot, 'test', 'fixtures', 'modules', 'matrix', 'fallback');
const testFile = path.join(pkg, 'sum_cgo_test.go');

describe('cgo/tests-excluded in the editor', () => {
  let client: LspClient;
  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
    delete env['SHELL']; // the login-shell drift check is not what is tested
    client = new LspClient({ env });
    await client.initialize(pkg);
  });
  afterAll(async () => client.shutdown());

  it('the workspace scan publishes it on the closed test file, on the //go:build line', async () => {
    const uri = pathToFileURL(testFile).toString();
    const pub = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'cgo/tests-excluded'), 60_000);
    const d = pub.diagnostics.find((x) => x.code === 'cgo/tests-excluded');
    expect(d.severity).toBe(2);
    expect(d.range.start.line).toBe(0);
    expect(d.message.split('\n')[0]).toBe('go test skips sum_cgo_test.go: CGO_ENABLED=0 (set explicitly) and it needs cgo');
    expect(d.message.split('\n')[1]).toMatch(/^Fix: /);
    expect(d.data).toMatchObject({ code: 'cgo/tests-excluded', constraint: '//go:build cgo' });
  });

  it('an opened test file gets it too, and loses it when the constraint goes', async () => {
    const uri = client.open(testFile);
    await client.waitForDiagnostics(uri, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'cgo/tests-excluded'));
    client.change(uri, 'package fallback\n', 2);
    const pub = await client.waitForDiagnostics(uri, (p) => p.version === 2);
    expect(pub.diagnostics.filter((d) => d.code === 'cgo/tests-excluded')).toEqual([]);
  });
});
