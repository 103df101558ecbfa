// Go RE2 (regexp.Compile, i.e. syntax.Perl flags) → JavaScript RegExp, for the flag allow-lists and for
// user-supplied CGO_<NAME>_ALLOW / _DISALLOW values.
//
// The parser follows regexp/syntax/parse.go (go1.26) closely enough to give Go's own error text for the
// syntax errors users make (`missing closing )`, `invalid escape sequence`, `missing closing ]`, …). The emitted
// JavaScript uses the `u` flag and spells every class out explicitly, so Go's ASCII-only `\d \s \w`, `.` not
// matching only `\n`, POSIX classes, `\A`, `\z`, `(?s)`, `(?m)`, `(?U)`, `\Q…\E` and named groups all keep their
// Go meaning. Case folding `(?i)` is supported when it covers the whole pattern (Node 20 has no scoped
// modifiers); JavaScript's `u`+`i` matching uses simple case folding like Go. Constructs whose JS meaning could
// differ from Go's are reported as `unsupported` instead of being approximated: callers then make no claim
// about flags that depend on that regexp (no diagnostic), rather than risk a wrong one.
//
// Matching semantics: Go's FindString returns the leftmost-first match, and JS RegExp.exec does too (both prefer
// alternatives and greedy/lazy repetitions in the same order), so `fullMatch` = exec at index 0 whose match is
// the whole string is the same test as Go's `re.FindString(arg) == arg`.

export type GoRegexpResult =
  | { ok: true; regexp: RegExp; source: string; flags: string }
  | { ok: false; error: string }
  | { ok: 'unsupported'; reason: string };

const MAX_RUNE = 0x10ffff;

type Ranges = [number, number][]; // sorted, merged, inclusive

function normalize(r: Ranges): Ranges {
  const s = r.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function negate(r: Ranges): Ranges {
  const n = normalize(r);
  const out: Ranges = [];
  let next = 0;
  for (const [a, b] of n) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

/** Go's fold closure restricted to what ASCII-range groups need (letters pair up; k/K gain U+212A, s/S U+017F). */
function foldAscii(r: Ranges): Ranges {
  const out: Ranges = r.map(([a, b]) => [a, b]);
  const has = (c: number) => r.some(([a, b]) => a <= c && c <= b);
  for (let c = 0x41; c <= 0x5a; c++) {
    if (has(c) || has(c + 32)) out.push([c, c], [c + 32, c + 32]);
  }
  if (has(0x4b) || has(0x6b) || has(0x212a)) out.push([0x4b, 0x4b], [0x6b, 0x6b], [0x212a, 0x212a]);
  if (has(0x53) || has(0x73) || has(0x17f)) out.push([0x53, 0x53], [0x73, 0x73], [0x17f, 0x17f]);
  return normalize(out);
}

const PERL_GROUPS: Record<string, { sign: 1 | -1; r: Ranges }> = {
  '\\d': { sign: 1, r: [[0x30, 0x39]] },
  '\\D': { sign: -1, r: [[0x30, 0x39]] },
  '\\s': { sign: 1, r: [[0x9, 0xa], [0xc, 0xd], [0x20, 0x20]] },
  '\\S': { sign: -1, r: [[0x9, 0xa], [0xc, 0xd], [0x20, 0x20]] },
  '\\w': { sign: 1, r: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]] },
  '\\W': { sign: -1, r: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]] },
};

const POSIX_GROUPS: Record<string, Ranges> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x0, 0x7f]],
  blank: [[0x9, 0x9], [0x20, 0x20]],
  cntrl: [[0x0, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x9, 0xd], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

/** unicode.Categories keys up to Go 1.24 (1.26 adds Cn and LC). */
const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

/** unicode.Scripts keys (identical in go1.22.12 and go1.26.8). */
const GO_SCRIPTS = new Set(
  (
  'Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki ' +
  'Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee ' +
  'Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra ' +
  'Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati ' +
  'Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic ' +
  'Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li ' +
  'Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian ' +
  'Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek ' +
  'Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean ' +
  'Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian ' +
  'Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur ' +
  'Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic ' +
  'Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese ' +
  'Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai ' +
  'Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square'
  ).split(' '),
);

/** unicode.CategoryAliases (go1.26), used by Go ≥1.26 through canonicalName. */
const CATEGORY_ALIASES: Record<string, string> = {
  Cased_Letter: 'LC', Close_Punctuation: 'Pe', Combining_Mark: 'M', Connector_Punctuation: 'Pc', Control: 'Cc',
  Currency_Symbol: 'Sc', Dash_Punctuation: 'Pd', Decimal_Number: 'Nd', Enclosing_Mark: 'Me', Final_Punctuation: 'Pf',
  Format: 'Cf', Initial_Punctuation: 'Pi', Letter: 'L', Letter_Number: 'Nl', Line_Separator: 'Zl', Lowercase_Letter: 'Ll',
  Mark: 'M', Math_Symbol: 'Sm', Modifier_Letter: 'Lm', Modifier_Symbol: 'Sk', Nonspacing_Mark: 'Mn', Number: 'N',
  Open_Punctuation: 'Ps', Other: 'C', Other_Letter: 'Lo', Other_Number: 'No', Other_Punctuation: 'Po', Other_Symbol: 'So',
  Paragraph_Separator: 'Zp', Private_Use: 'Co', Punctuation: 'P', Separator: 'Z', Space_Separator: 'Zs', Spacing_Mark: 'Mc',
  Surrogate: 'Cs', Symbol: 'S', Titlecase_Letter: 'Lt', Unassigned: 'Cn', Uppercase_Letter: 'Lu', cntrl: 'Cc', digit: 'Nd',
  punct: 'P',
};

/** regexp/syntax canonicalName (go1.26): `_`, `-`, space dropped; first letter upper-cased, later ones lower-cased. */
function canonicalName(name: string): string {
  let out = '';
  let first = true;
  for (const ch of name) {
    if (ch === '_' || ch === '-' || ch === ' ') continue;
    if (first) {
      out += /[a-z]/.test(ch) ? ch.toUpperCase() : ch;
      first = false;
    } else out += /[A-Z]/.test(ch) ? ch.toLowerCase() : ch;
  }
  return out;
}

/**
 * Go's unicodeTable: the JS property for a \p name, `error` when Go rejects the name, or `unsupported` (Go 1.25,
 * whose tables were not read, for names that are not exact category/script names).
 */
function unicodeProperty(name: string, goMinor: number): { prop: string; special: boolean } | 'error' | 'unsupported' {
  if (goMinor <= 25) {
    if (name === 'Any') return { prop: 'Any', special: true };
    if (GENERAL_CATEGORIES.has(name)) return { prop: name, special: false };
    if (GO_SCRIPTS.has(name)) return { prop: `Script=${name}`, special: false };
    return goMinor === 25 ? 'unsupported' : 'error';
  }
  const c = canonicalName(name);
  switch (c) {
    case 'Any':
      return { prop: 'Any', special: true };
    case 'Assigned':
      return { prop: 'Assigned', special: true };
    case 'Ascii':
      return { prop: 'ASCII', special: true };
    case 'Lc':
      return { prop: 'LC', special: false };
  }
  if (GENERAL_CATEGORIES.has(c) || c === 'Cn' || c === 'LC') return { prop: c, special: false };
  if (GO_SCRIPTS.has(c)) return { prop: `Script=${c}`, special: false };
  for (const [alias, actual] of Object.entries(CATEGORY_ALIASES)) {
    if (canonicalName(alias) === c) return { prop: actual, special: false };
  }
  return 'error';
}

function cp(c: number): string {
  return `\\u{${c.toString(16)}}`;
}

function rangesSource(r: Ranges): string {
  return r.map(([a, b]) => (a === b ? cp(a) : `${cp(a)}-${cp(b)}`)).join('');
}

function literalSource(c: number): string {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f) {
    return String.fromCharCode(c);
  }
  return cp(c);
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** A letter whose case matters under (?i) (has another case form or special fold). */
function caseSensitive(c: number): boolean {
  const s = String.fromCodePoint(c);
  return s.toLowerCase() !== s || s.toUpperCase() !== s || c === 0x17f || c === 0x212a;
}

class GoSyntaxError {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {}
  get message(): string {
    return `error parsing regexp: ${this.code}: \`${this.expr}\``;
  }
}
class Unsupported {
  constructor(readonly reason: string) {}
}

interface Flags {
  i: boolean;
  m: boolean; // multi-line (Go: OneLine cleared)
  s: boolean;
  U: boolean;
}

interface Item {
  src: string;
  /** Go pushes something that can be repeated (everything except the pseudo-ops). */
  /** Counted repeat info for Go's repeatIsValid (max repeat product 1000). */
  repeatWeight: number;
}

interface Frame {
  alts: string[];
  items: Item[];
  openFlags: Flags;
  /** The largest repeat weight among the frame's alternatives so far. */
  maxWeight: number;
}

/**
 * Translates a Go regexp (regexp.Compile syntax) into a JS RegExp with the same FindString semantics.
 * `goMinor` selects version-specific syntax (`(?<name>…)` needs Go 1.22+).
 */
export function compileGoRegexp(re: string, goMinor = 26): GoRegexpResult {
  try {
    return translate(re, goMinor);
  } catch (e) {
    if (e instanceof GoSyntaxError) return { ok: false, error: e.message };
    if (e instanceof Unsupported) return { ok: 'unsupported', reason: e.reason };
    return { ok: 'unsupported', reason: `internal: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The RegExp for a Go regexp, or null when it is invalid in Go or cannot be translated faithfully. */
export function translateGoRegexp(re: string, goMinor = 26): RegExp | null {
  const r = compileGoRegexp(re, goMinor);
  return r.ok === true ? r.regexp : null;
}

/**
 * Go's `re.FindString(s) == s` (leftmost-first match covering the whole string). FindString returns "" when there
 * is no match, so for s === "" this is always true (an empty flag passes every allow-list pattern, and every
 * DISALLOW pattern).
 */
export function fullMatch(re: RegExp, s: string): boolean {
  if (s === '') return true;
  re.lastIndex = 0;
  const m = re.exec(s);
  return m !== null && m.index === 0 && m[0] === s;
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
}

/** Go parseInt: digits without leading zeros; -1 when ≥ 1e8 (too big). */
function parseInt10(s: string, at: number): { n: number; next: number } | null {
  const d = (k: number) => k < s.length && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
  if (!d(at)) return null;
  if (s[at] === '0' && d(at + 1)) return null;
  let k = at;
  let n = 0;
  while (d(k)) {
    if (n >= 0) {
      if (n >= 1e8) n = -1;
      else n = n * 10 + s.charCodeAt(k) - 0x30;
    }
    k++;
  }
  return { n, next: k };
}

/** Go parseRepeat: {min} (max=min), {min,} (max=-1), {min,max}; null if not of that form. */
function parseRepeat(s: string, at: number): { min: number; max: number; next: number } | null {
  const a = parseInt10(s, at + 1);
  if (!a) return null;
  let k = a.next;
  let min = a.n;
  let max: number;
  if (k >= s.length) return null;
  if (s[k] !== ',') {
    max = min;
  } else {
    k++;
    if (k >= s.length) return null;
    if (s[k] === '}') {
      max = -1;
    } else {
      const b = parseInt10(s, k);
      if (!b) return null;
      max = b.n;
      k = b.next;
      if (max < 0) min = -1;
    }
  }
  if (k >= s.length || s[k] !== '}') return null;
  return { min, max, next: k + 1 };
}

function translate(whole: string, goMinor: number): GoRegexpResult {
  const foldStates = new Set<boolean>();
  let flags: Flags = { i: false, m: false, s: false, U: false };
  const stack: Frame[] = [{ alts: [], items: [], openFlags: { ...flags }, maxWeight: 1 }];
  let usedWordBoundary = false;
  let negatedPropertyUnderFold = false;
  const top = () => stack[stack.length - 1]!;
  let t = 0; // index into whole
  let lastRepeatStart = -1; // index where the previous token was a repeat operator, else -1

  const nextRune = (at: number): { c: number; next: number } | null => {
    if (at >= whole.length) return null;
    const c = whole.codePointAt(at)!;
    return { c, next: at + (c > 0xffff ? 2 : 1) };
  };

  const pushItem = (src: string, weight = 1) => top().items.push({ src, repeatWeight: weight });
  const pushLiteral = (c: number) => {
    if (caseSensitive(c)) foldStates.add(flags.i);
    pushItem(literalSource(c));
  };

  /** Parses an escape at `at` (whole[at] === '\\'); returns the rune and the index after it (Go parseEscape). */
  const parseEscape = (at: number): { r: number; next: number } => {
    let p = at + 1;
    const fail = (): never => {
      throw new GoSyntaxError('invalid escape sequence', whole.slice(at, p));
    };
    const n1 = nextRune(p);
    if (!n1) throw new GoSyntaxError('trailing backslash at end of expression', '');
    let c = n1.c;
    p = n1.next;
    if (c >= 0x31 && c <= 0x37) {
      const d = whole.charCodeAt(p);
      if (!(p < whole.length && d >= 0x30 && d <= 0x37)) fail();
    }
    if (c >= 0x30 && c <= 0x37) {
      let r = c - 0x30;
      for (let k = 1; k < 3; k++) {
        const d = whole.charCodeAt(p);
        if (!(p < whole.length && d >= 0x30 && d <= 0x37)) break;
        r = r * 8 + d - 0x30;
        p++;
      }
      return { r, next: p };
    }
    switch (c) {
      case 0x78: {
        // x
        const n2 = nextRune(p);
        if (!n2) fail();
        c = n2!.c;
        p = n2!.next;
        if (c === 0x7b) {
          let nhex = 0;
          let r = 0;
          for (;;) {
            const n3 = nextRune(p);
            if (!n3) fail();
            c = n3!.c;
            p = n3!.next;
            if (c === 0x7d) break;
            const v = unhex(c);
            if (v < 0) fail();
            r = r * 16 + v;
            if (r > MAX_RUNE) fail();
            nhex++;
          }
          if (nhex === 0) fail();
          return { r, next: p };
        }
        const x = unhex(c);
        const n4 = nextRune(p);
        const y = n4 ? unhex(n4.c) : -1;
        if (n4) p = n4.next;
        if (x < 0 || y < 0) fail();
        return { r: x * 16 + y, next: p };
      }
      case 0x61:
        return { r: 0x07, next: p };
      case 0x66:
        return { r: 0x0c, next: p };
      case 0x6e:
        return { r: 0x0a, next: p };
      case 0x72:
        return { r: 0x0d, next: p };
      case 0x74:
        return { r: 0x09, next: p };
      case 0x76:
        return { r: 0x0b, next: p };
    }
    if (c < 0x80 && !isAlnum(c) && !(c >= 0x31 && c <= 0x39)) return { r: c, next: p };
    return fail();
  };

  /** Go parseUnicodeClass at `at` (whole[at]=='\\', whole[at+1] in pP). Returns JS source for use inside a class. */
  const parseUnicodeClass = (at: number): { src: string; negated: boolean; next: number } => {
    let sign = whole[at + 1] === 'P' ? -1 : 1;
    const n = nextRune(at + 2);
    if (!n) throw new GoSyntaxError('invalid character class range', whole.slice(at, at + 2));
    let seq: string;
    let name: string;
    let next: number;
    if (n.c !== 0x7b) {
      next = n.next;
      seq = whole.slice(at, next);
      name = seq.slice(2);
    } else {
      const end = whole.indexOf('}', at);
      if (end < 0) throw new GoSyntaxError('invalid character class range', whole.slice(at));
      seq = whole.slice(at, end + 1);
      name = whole.slice(at + 3, end);
      next = end + 1;
    }
    if (name !== '' && name[0] === '^') {
      sign = -sign;
      name = name.slice(1);
    }
    const u = unicodeProperty(name, goMinor);
    if (u === 'error') throw new GoSyntaxError('invalid character class range', seq);
    if (u === 'unsupported') throw new Unsupported(`Unicode class name ${seq}`);
    const prop = u.prop;
    if (u.special && flags.i) throw new Unsupported(`${seq} with (?i)`);
    try {
      new RegExp(`\\p{${prop}}`, 'u');
    } catch {
      throw new Unsupported(`Unicode class ${seq} unknown to JavaScript`);
    }
    if (flags.i && sign < 0) negatedPropertyUnderFold = true;
    return { src: `${sign < 0 ? '\\P' : '\\p'}{${prop}}`, negated: sign < 0, next };
  };

  /** Source (for inside a JS class) of an ASCII group, folded if (?i). */
  const groupSource = (sign: 1 | -1, r: Ranges): string => {
    const base = flags.i ? foldAscii(r) : normalize(r);
    foldStates.add(flags.i);
    return rangesSource(sign < 0 ? negate(base) : base);
  };

  const parseClass = (at: number): number => {
    let p = at + 1;
    let negated = false;
    if (p < whole.length && whole[p] === '^') {
      negated = true;
      p++;
    }
    const parts: string[] = [];
    const ranges: Ranges = [];
    let first = true;
    while (p >= whole.length || whole[p] !== ']' || first) {
      first = false;
      if (p >= whole.length) throw new GoSyntaxError('missing closing ]', whole.slice(at));
      // POSIX named class.
      if (whole.length - p > 2 && whole[p] === '[' && whole[p + 1] === ':') {
        const close = whole.indexOf(':]', p + 2);
        if (close >= 0) {
          const full = whole.slice(p, close + 2);
          let name = full.slice(2, -2);
          let sign: 1 | -1 = 1;
          if (name.startsWith('^')) {
            sign = -1;
            name = name.slice(1);
          }
          const g = POSIX_GROUPS[name];
          if (!g) throw new GoSyntaxError('invalid character class range', full);
          parts.push(groupSource(sign, g));
          p = close + 2;
          continue;
        }
      }
      if (whole[p] === '\\' && (whole[p + 1] === 'p' || whole[p + 1] === 'P')) {
        const u = parseUnicodeClass(p);
        foldStates.add(flags.i);
        parts.push(u.src);
        p = u.next;
        continue;
      }
      if (whole[p] === '\\') {
        const g = PERL_GROUPS[whole.slice(p, p + 2)];
        if (g) {
          parts.push(groupSource(g.sign, g.r));
          p += 2;
          continue;
        }
      }
      const rngStart = p;
      const classChar = (q: number): { r: number; next: number } => {
        if (q >= whole.length) throw new GoSyntaxError('missing closing ]', whole.slice(at));
        if (whole[q] === '\\') return parseEscape(q);
        const n = nextRune(q)!;
        return { r: n.c, next: n.next };
      };
      const lo = classChar(p);
      p = lo.next;
      let hi = lo.r;
      if (whole.length - p >= 2 && whole[p] === '-' && whole[p + 1] !== ']') {
        const h = classChar(p + 1);
        p = h.next;
        hi = h.r;
        if (hi < lo.r) throw new GoSyntaxError('invalid character class range', whole.slice(rngStart, p));
      }
      for (let c = lo.r; c <= Math.min(hi, lo.r + 0x80); c++) {
        if (caseSensitive(c)) {
          foldStates.add(flags.i);
          break;
        }
      }
      if (hi - lo.r > 0x80) foldStates.add(flags.i);
      ranges.push([lo.r, hi]);
    }
    p++; // ]
    const body = rangesSource(normalize(ranges)) + parts.join('');
    if (body === '') {
      // Go: an empty class matches nothing; a negated empty class matches any rune (ClassNL is set).
      pushItem(negated ? '[\\s\\S]' : '[]');
    } else {
      pushItem(`[${negated ? '^' : ''}${body}]`);
    }
    return p;
  };

  const closeAlternative = (f: Frame) => {
    f.alts.push(f.items.map((x) => x.src).join(''));
    f.maxWeight = Math.max(f.maxWeight, f.items.reduce((m, x) => Math.max(m, x.repeatWeight), 1));
    f.items = [];
  };

  while (t < whole.length) {
    const c = whole[t]!;
    let isRepeat = false;
    let repeatStart = t;
    switch (c) {
      case '(': {
        if (whole[t + 1] === '?') {
          const s = t;
          const startsWithP = whole.length - t > 4 && whole[t + 2] === 'P' && whole[t + 3] === '<';
          const startsWithName = goMinor >= 22 && whole.length - t > 3 && whole[t + 2] === '<';
          if (startsWithP || startsWithName) {
            const exprStart = startsWithP ? t + 4 : t + 3;
            const end = whole.indexOf('>', t);
            if (end < 0) throw new GoSyntaxError('invalid named capture', whole.slice(s));
            const name = whole.slice(exprStart, end);
            if (!/^[A-Za-z0-9_]+$/.test(name)) throw new GoSyntaxError('invalid named capture', whole.slice(t, end + 1));
            stack.push({ alts: [], items: [], openFlags: { ...flags }, maxWeight: 1 });
            t = end + 1;
            break;
          }
          let q = t + 2;
          const nf: Flags = { ...flags };
          let sign = 1;
          let sawFlag = false;
          let done = false;
          while (q < whole.length) {
            const n = nextRune(q)!;
            q = n.next;
            const ch = String.fromCodePoint(n.c);
            if (ch === 'i' || ch === 'm' || ch === 's' || ch === 'U') {
              const v = sign > 0;
              if (ch === 'i') nf.i = v;
              else if (ch === 'm') nf.m = v;
              else if (ch === 's') nf.s = v;
              else nf.U = v;
              sawFlag = true;
              continue;
            }
            if (ch === '-') {
              if (sign < 0) break;
              sign = -1;
              sawFlag = false;
              continue;
            }
            if (ch === ':' || ch === ')') {
              if (sign < 0 && !sawFlag) break;
              if (ch === ':') stack.push({ alts: [], items: [], openFlags: { ...flags }, maxWeight: 1 });
              flags = nf;
              done = true;
              break;
            }
            break;
          }
          if (!done) throw new GoSyntaxError('invalid or unsupported Perl syntax', whole.slice(s, q));
          t = q;
          break;
        }
        stack.push({ alts: [], items: [], openFlags: { ...flags }, maxWeight: 1 });
        t++;
        break;
      }
      case '|':
        closeAlternative(top());
        t++;
        break;
      case ')': {
        if (stack.length < 2) throw new GoSyntaxError('unexpected )', whole);
        const f = stack.pop()!;
        closeAlternative(f);
        flags = f.openFlags;
        top().items.push({ src: `(?:${f.alts.join('|')})`, repeatWeight: f.maxWeight });
        t++;
        break;
      }
      case '^':
        pushItem(flags.m ? '(?:^|(?<=\\n))' : '^');
        t++;
        break;
      case '$':
        pushItem(flags.m ? '(?=\\n|$)' : '$');
        t++;
        break;
      case '.':
        pushItem(flags.s ? '[\\s\\S]' : '[^\\n]');
        t++;
        break;
      case '[':
        t = parseClass(t);
        break;
      case '*':
      case '+':
      case '?':
      case '{': {
        let min = 0;
        let max = -1;
        let after = t + 1;
        if (c === '{') {
          const rep = parseRepeat(whole, t);
          if (!rep) {
            // Not of the form {n}, {n,} or {n,m}: `{` is a literal.
            pushLiteral(0x7b);
            t++;
            break;
          }
          min = rep.min;
          max = rep.max;
          after = rep.next;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            throw new GoSyntaxError('invalid repeat count', whole.slice(t, after));
          }
        } else if (c === '+') {
          min = 1;
        } else if (c === '?') {
          max = 1;
        }
        let lazy = false;
        if (whole[after] === '?') {
          after++;
          lazy = true;
        }
        if (lastRepeatStart >= 0) throw new GoSyntaxError('invalid nested repetition operator', whole.slice(lastRepeatStart, after));
        const f = top();
        const last = f.items.pop();
        if (!last) throw new GoSyntaxError('missing argument to repetition operator', whole.slice(t, after));
        let weight = last.repeatWeight;
        if (c === '{' && (min >= 2 || max >= 2)) {
          const m = max === -1 ? min : max;
          if (m > 0) {
            weight = last.repeatWeight * m;
            if (weight > 1000) throw new GoSyntaxError('invalid repeat count', whole.slice(t, after));
          }
        }
        const greedy = flags.U ? lazy : !lazy;
        const q = c === '{' ? `{${min}${max === min ? '' : `,${max < 0 ? '' : max}`}}` : c;
        f.items.push({ src: `(?:${last.src})${q}${greedy ? '' : '?'}`, repeatWeight: weight });
        isRepeat = true;
        repeatStart = t;
        t = after;
        break;
      }
      case '\\': {
        const d = whole[t + 1];
        if (d === 'A') {
          pushItem('^');
          t += 2;
          break;
        }
        if (d === 'z') {
          pushItem('$');
          t += 2;
          break;
        }
        if (d === 'b' || d === 'B') {
          usedWordBoundary = true;
          pushItem(d === 'b' ? '\\b' : '\\B');
          t += 2;
          break;
        }
        if (d === 'C') throw new GoSyntaxError('invalid escape sequence', '\\C');
        if (d === 'Q') {
          const e = whole.indexOf('\\E', t + 2);
          const lit = e < 0 ? whole.slice(t + 2) : whole.slice(t + 2, e);
          for (const ch of lit) pushLiteral(ch.codePointAt(0)!);
          t = e < 0 ? whole.length : e + 2;
          break;
        }
        if (d === 'p' || d === 'P') {
          const u = parseUnicodeClass(t);
          foldStates.add(flags.i);
          pushItem(`[${u.src}]`);
          t = u.next;
          break;
        }
        const g = d !== undefined ? PERL_GROUPS['\\' + d] : undefined;
        if (g) {
          pushItem(`[${groupSource(g.sign, g.r)}]`);
          t += 2;
          break;
        }
        const e = parseEscape(t);
        pushLiteral(e.r);
        t = e.next;
        break;
      }
      default: {
        const n = nextRune(t)!;
        pushLiteral(n.c);
        t = n.next;
      }
    }
    lastRepeatStart = isRepeat ? repeatStart : -1;
  }
  if (stack.length !== 1) throw new GoSyntaxError('missing closing )', whole);
  const root = stack[0]!;
  closeAlternative(root);
  if (foldStates.size > 1) throw new Unsupported('(?i) applies to only part of the pattern');
  const fold = foldStates.has(true);
  if (fold && usedWordBoundary) throw new Unsupported('\\b with (?i)');
  if (negatedPropertyUnderFold) throw new Unsupported('negated Unicode class with (?i)');
  const source = root.alts.length === 1 ? root.alts[0]! : root.alts.join('|');
  const jsFlags = fold ? 'ui' : 'u';
  let regexp: RegExp;
  try {
    regexp = new RegExp(source, jsFlags);
  } catch (e) {
    throw new Unsupported(`JS rejected the translation: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ok: true, regexp, source, flags: jsFlags };
}
