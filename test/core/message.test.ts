import { describe, expect, it } from 'vitest';
import { CAUSE_MAX, diagnosticMessage, makeDiagnostic, short, splitMessage, withDetails } from '../../server/src/core/message.js';

const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

describe('the one message shape', () => {
  it('puts the cause on line 1, "Fix: " on line 2, details after', () => {
    const m = diagnosticMessage({
      cause: 'cannot rename import "C"',
      fix: 'write a plain import "C"',
      details: ['cmd/cgo: cannot rename import "C"', undefined, ''],
    });
    expect(m.split('\n')).toEqual(['cannot rename import "C"', 'Fix: write a plain import "C"', 'cmd/cgo: cannot rename import "C"']);
    expect(splitMessage(m)).toEqual({ cause: 'cannot rename import "C"', fix: 'write a plain import "C"', details: ['cmd/cgo: cannot rename import "C"'] });
  });

  it('cuts a cause over 100 characters at a word and keeps the whole cause as the first detail', () => {
    const long = 'the flag '.repeat(20) + 'end';
    const lines = diagnosticMessage({ cause: long, fix: 'x' }).split('\n');
    expect(lines[0]!.length).toBeLessThanOrEqual(CAUSE_MAX);
    expect(lines[0]!.endsWith('…')).toBe(true);
    expect(lines[1]).toBe('Fix: x');
    expect(lines[2]).toBe(long);
  });

  it('keeps newlines out of the cause and the fix, and does not double a "Fix:" the caller wrote', () => {
    const lines = diagnosticMessage({ cause: 'a\nb', fix: 'Fix: do\nthis' }).split('\n');
    expect(lines).toEqual(['a b', 'Fix: do this']);
  });

  it('withDetails appends after the fix; makeDiagnostic sets data.code and drops empty related', () => {
    const d = makeDiagnostic({ file: '/a.go', range: r, severity: 'error', code: 'cgo/x', cause: 'c', fix: 'f', data: { k: 1 }, related: [] });
    expect(d.data).toEqual({ k: 1, code: 'cgo/x' });
    expect(d.related).toBeUndefined();
    expect(withDetails(d.message, 'why', undefined)).toBe('c\nFix: f\nwhy');
  });

  it('short() cuts a long value in the middle', () => {
    const s = short('/very/long/path/'.repeat(10) + 'file.h', 30);
    expect(s.length).toBe(30);
    expect(s.endsWith('file.h')).toBe(true);
    expect(short('-lfoo')).toBe('-lfoo');
  });
});
