// Small statistics and table helpers for the bench.

export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** { n, median, min, max, samples } of a list of milliseconds (rounded to 0.1 ms). */
export function summary(xs) {
  const v = xs.filter((x) => Number.isFinite(x));
  const r = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
  return { n: v.length, median: r(median(v)), min: r(Math.min(...v)), max: r(Math.max(...v)), samples: v.map(r) };
}

export function fmtMs(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 100) return `${Math.round(x)} ms`;
  return `${x.toFixed(1)} ms`;
}

export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Math.round((a / b) * 100) / 100 : null;
}

export function fmtRatio(x) {
  return x === null || x === undefined ? '—' : `${x}×`;
}

/** Renders rows (arrays of strings) as an aligned text table with a header row. */
export function textTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (r) =>
    r
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same rows as a GitHub markdown table. */
export function markdownTable(header, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
