// Go toolchain versions: which rules and message wordings apply.
export interface GoVersion {
  major: 1;
  minor: number;
  patch: number;
  /** As printed by `go env GOVERSION`, e.g. `go1.26.8`; '' when synthesized. */
  raw: string;
}

/** Parses `go1.26.8`, `go1.22`, `1.21.0`, `go1.24rc1`, `devel go1.27-abc…`. Returns null for junk. */
export function parseGoVersion(s: string): GoVersion | null {
  const m = /(?:^|\s|go)(1)\.(\d+)(?:\.(\d+))?/.exec(s.trim());
  if (!m) return null;
  return { major: 1, minor: Number(m[2]), patch: m[3] ? Number(m[3]) : 0, raw: s.trim() };
}

/** The newest rules cgo-ls knows; used when no `go` is found. */
export const NEWEST_KNOWN: GoVersion = { major: 1, minor: 27, patch: 3, raw: '' };

export function compareGoVersions(a: GoVersion, b: { minor: number; patch?: number }): number {
  return a.minor - b.minor || a.patch - (b.patch ?? 0);
}

export function atLeast(v: GoVersion, minor: number, patch = 0): boolean {
  return compareGoVersions(v, { minor, patch }) >= 0;
}

export function formatGoVersion(v: GoVersion): string {
  return v.raw || `go1.${v.minor}.${v.patch}`;
}
