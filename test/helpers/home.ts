// Temporary home folders for tests that run the real `go`.
//
// Go ≥ 1.23 keeps telemetry counters under the user's config folder, and a `go` command may leave a detached child
// behind that is still writing there (`…/go/telemetry/local`, `upload`) after the command itself returned. In a
// test's temporary home that child races with the test's cleanup: removing the folder failed once in CI with
// ENOTEMPTY. A home made here has telemetry off (what `go telemetry off` writes), and removeTree retries.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes `<configDir>/go/telemetry/mode` = off, so no `go` run with this config folder writes counters there. */
export function goTelemetryOff(configDir: string): void {
  const dir = path.join(configDir, 'go', 'telemetry');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'mode'), 'off');
}

/** A new temporary folder to use as HOME: its `.config` holds Go's telemetry mode, off. */
export function tempHome(prefix = 'cgo-ls-home-'): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  goTelemetryOff(path.join(home, '.config'));
  return home;
}

/** Removes a folder and everything in it; retries while another process is still creating files in it. */
export function removeTree(dir: string, maxRetries = 10, retryDelay = 100): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries, retryDelay });
}
