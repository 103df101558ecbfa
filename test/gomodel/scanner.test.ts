import { describe, expect, it } from 'vitest';
import { scanGo, stripCR } from '../../server/src/gomodel/scanner.js';

function groups(src: string) {
  const s = scanGo(src);
  return s.groups.map((g) => ({
    texts: g.comments.map((c) => c.text),
    lead: g.leadFor === null ? null : s.tokens[g.leadFor]!.text,
    line: g.isLineComment,
  }));
}

describe('scanGo comment grouping (go/parser consumeCommentGroup)', () => {
  it('joins comments on adjacent lines into one group that is the lead comment of the next token', () => {
    expect(groups('package p\n// a\n// b\nimport "C"\n')).toEqual([{ texts: ['// a', '// b'], lead: 'import', line: false }]);
  });

  it('splits a group at a blank line and only the last group can be a lead comment', () => {
    expect(groups('package p\n// a\n\n// b\nimport "C"\n')).toEqual([
      { texts: ['// a'], lead: null, line: false },
      { texts: ['// b'], lead: 'import', line: false },
    ]);
  });

  it('keeps the group together across an empty // line', () => {
    expect(groups('package p\n// a\n//\n// b\nimport "C"\n')[0]!.texts).toEqual(['// a', '//', '// b']);
  });

  it('joins a block comment and a // comment on the next line', () => {
    expect(groups('package p\n/* a\n b */\n// c\nimport "C"\n')).toEqual([{ texts: ['/* a\n b */', '// c'], lead: 'import', line: false }]);
  });

  it('treats a comment after code on the same line as a line comment, separate from the following lines', () => {
    const g = groups('package p // x\n// y\nimport "C"\n');
    expect(g).toEqual([
      { texts: ['// x'], lead: null, line: true },
      { texts: ['// y'], lead: 'import', line: false },
    ]);
  });

  it('does not make a group a lead comment when a blank line follows it', () => {
    expect(groups('package p\n// a\n\nfunc f() {}\n')[0]!.lead).toBeNull();
  });

  it('does not lex comment markers inside strings, raw strings and runes', () => {
    const s = scanGo('package p\nvar a = "// no"\nvar b = `/* no\n */`\nvar c = \'/\'\n// yes\nfunc f() {}\n');
    expect(s.comments.map((c) => c.text)).toEqual(['// yes']);
    expect(s.groups[0]!.leadFor).not.toBeNull();
  });

  it('handles a same-line block comment spanning lines after a semicolon-inserting token like go/scanner', () => {
    // x /* a\n b */ // c\n y : the artificial ';' at the first newline ends the line comment; `// c` is then a lead comment of y
    const src = 'package p\nvar x = 1 /* a\n b */ // c\nvar y = 2\n';
    const g = groups(src);
    expect(g[0]).toEqual({ texts: ['/* a\n b */'], lead: null, line: true });
    expect(g[1]).toEqual({ texts: ['// c'], lead: 'var', line: false });
  });

  it('joins the block and the // comment after a non-semicolon token (no artificial semicolon)', () => {
    const g = groups('package p\nimport ( /* a\n b */ // c\n"C"\n)\n');
    expect(g[0]).toEqual({ texts: ['/* a\n b */', '// c'], lead: null, line: true });
  });

  it('strips \\r from comment text like go/scanner (CRLF files)', () => {
    const s = scanGo('package p\r\n// a\r\n/* b\r\n c */\r\nimport "C"\r\n');
    expect(s.comments.map((c) => c.text)).toEqual(['// a', '/* b\n c */']);
    expect(s.groups).toHaveLength(1);
    expect(s.tokens[s.groups[0]!.leadFor!]!.text).toBe('import');
  });

  it('stripCR keeps the \\r of a *\\r/ sequence inside a block comment', () => {
    expect(stripCR('/* a *\r/ b */', true)).toBe('/* a *\r/ b */');
    expect(stripCR('// a\r', false)).toBe('// a');
  });

  it('never throws on unterminated comments, strings and random text', () => {
    for (const src of ['/* open', '"open\n', '`raw', "'", '\u0000\ud800x', 'package p\n/*/']) {
      expect(() => scanGo(src)).not.toThrow();
    }
  });
});
