// Go regexps (regexp.Compile, syntax.Perl) for the flag allow-lists and for user-supplied CGO_<NAME>_ALLOW /
// _DISALLOW values, run by re2js (a JavaScript port of RE2, the engine Go's regexp package implements).
//
// Matching is linear in the flag's length (no backtracking), and the syntax, case folding, Unicode classes and
// leftmost-first match preference are RE2's, so the built-in lists need no translation. What differs between
// re2js and a given Go version is handled here:
//   - `(?<name>…)` is Go 1.22+ syntax: older versions reject it with their own error text.
//   - Go 1.25 changed `\p{…}` names (1.26 accepts case-insensitive names and aliases and drops some), re2js knows
//     the exact names of older versions: for Go ≥ 1.25 a `\p` class other than a one- or two-letter category
//     makes the result `unsupported`, and callers then make no claim about the flags that depend on it.
//   - Two error texts are adjusted to Go's (trailing backslash, a pattern that ends in `(?<`).
// test/cgorules/re2.test.ts compares all of this with the real Go regexp package.
import { RE2JS } from 're2js';

/** A compiled Go regexp. */
export type GoRegexp = RE2JS;

export type GoRegexpResult = { ok: true; regexp: GoRegexp } | { ok: false; error: string } | { ok: 'unsupported'; reason: string };

interface Features {
  /** A `(?<` group opener (not escaped, not in a class). */
  angleGroup: boolean;
  /** Names of `\p` / `\P` classes (`L` for `\pL`, `Greek` for `\p{Greek}`, `^L` for `\p{^L}`). */
  unicodeNames: string[];
}

/** The syntax features the version gates need, found by a scan that skips escapes, `\Q…\E` and classes. */
function features(re: string): Features {
  const out: Features = { angleGroup: false, unicodeNames: [] };
  let inClass = false;
  for (let i = 0; i < re.length;) {
    const c = re[i];
    if (c === '\\') {
      const nx = re[i + 1];
      if (nx === 'Q' && !inClass) {
        const end = re.indexOf('\\E', i + 2);
        i = end < 0 ? re.length : end + 2;
        continue;
      }
      if (nx === 'p' || nx === 'P') {
        if (re[i + 2] === '{') {
          const end = re.indexOf('}', i + 3);
          out.unicodeNames.push(end < 0 ? re.slice(i + 3) : re.slice(i + 3, end));
        } else out.unicodeNames.push(re[i + 2] ?? '');
      }
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && re[i + 1] === ':') {
        const end = re.indexOf(':]', i + 2);
        if (end >= 0) {
          i = end + 2;
          continue;
        }
      }
      if (c === ']') inClass = false;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      i++;
      if (re[i] === '^') i++;
      if (re[i] === ']') i++; // a leading ] is a literal
      continue;
    }
    if (c === '(' && re[i + 1] === '?' && re[i + 2] === '<') out.angleGroup = true;
    i++;
  }
  return out;
}

/**
 * Whether Go ≥ 1.25 might accept a `\p` name that re2js rejects: names are letters (with `_`, `-`, space), and a
 * one-letter name only when it is a general category in either case (Go 1.26 ignores case).
 */
function mayBeNewName(name: string): boolean {
  const n = name.startsWith('^') ? name.slice(1) : name;
  if (!/^[A-Za-z][A-Za-z_ -]*$/.test(n)) return false;
  return n.length > 1 || 'CLMNPSZ'.includes(n.toUpperCase());
}

const PERL_SYNTAX_ANGLE = 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`';

/**
 * Compiles a Go regexp as Go 1.`goMinor` would: the regexp, Go's error text, or `unsupported` when re2js's
 * reading could differ from that Go version's (see the file comment).
 */
export function compileGoRegexp(re: string, goMinor = 26): GoRegexpResult {
  const f = features(re);
  let compiled: RE2JS | null = null;
  let error = '';
  try {
    compiled = RE2JS.compile(re);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  // re2js rejected the pattern for its \p name (and not for an error before it, which Go reports the same way).
  const rejectedName = /^error parsing regexp: invalid character class range: `\\[pP]/.test(error);
  if (goMinor >= 25 && f.unicodeNames.some((n) => (compiled ? !/^\^?[A-Z][a-z]?$/.test(n) : rejectedName && mayBeNewName(n)))) {
    return { ok: 'unsupported', reason: `\\p{…} names differ between Go 1.${goMinor} and the RE2 tables used here` };
  }
  if (goMinor < 22 && f.angleGroup) {
    // Go before 1.22 rejects every (?< group; when something else is wrong too, which error comes first is not known here.
    return compiled ? { ok: false, error: PERL_SYNTAX_ANGLE } : { ok: 'unsupported', reason: '(?< before Go 1.22 together with another syntax error' };
  }
  if (compiled) return { ok: true, regexp: compiled };
  if (error === 'error parsing regexp: trailing backslash at end of expression') error += ': ``';
  if (error === 'error parsing regexp: invalid named capture: `(?<`' && re.endsWith('(?<')) error = PERL_SYNTAX_ANGLE;
  if (!error.startsWith('error parsing regexp: ')) return { ok: 'unsupported', reason: `internal: ${error}` };
  return { ok: false, error };
}

/** The compiled regexp, or null when it is invalid in Go or re2js's reading could differ from Go's. */
export function translateGoRegexp(re: string, goMinor = 26): GoRegexp | null {
  const r = compileGoRegexp(re, goMinor);
  return r.ok === true ? r.regexp : null;
}

/**
 * Go's `re.FindString(s) == s`: the leftmost-first match covers the whole string. FindString returns "" when there
 * is no match, so for s === "" this is always true (an empty flag passes every allow-list pattern, and every
 * DISALLOW pattern). A match of the whole string, if one exists, starts at the leftmost position 0, so the
 * anchored test (cheap, rejects almost every pattern) decides unless it succeeds; then the leftmost-first match
 * at 0 must end at the end.
 */
export function fullMatch(re: GoRegexp, s: string): boolean {
  if (s === '') return true;
  if (!re.matches(s)) return false;
  const m = re.matcher(s);
  return m.lookingAt() && m.end() === s.length;
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
}
