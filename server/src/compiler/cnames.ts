// C.name handling as cmd/cgo does it: builtins, the cname() spelling map, the kind bitmask of the probe
// program, the version-dependent "could not determine" wording, and near-miss spelling suggestions.

export type NameKind = 'iconst' | 'fconst' | 'sconst' | 'type' | 'var-or-func' | 'unknown';

/** cgo builtins declared by its builtin prolog (C.malloc is rewritten to _CMalloc). Never probed. */
export const BUILTIN_FUNCS = ['CString', 'CBytes', 'GoString', 'GoStringN', 'GoBytes', 'malloc'] as const;

/**
 * The numeric type names cgo documents as always available. They are C keywords (or cname() spellings of
 * keyword combinations), so they resolve without any #include. `C.int8_t`, `C.uintptr_t`, `C.size_t` … are
 * NOT builtins: they need <stdint.h>/<stddef.h> (`C.size_t` works because the builtin prolog includes
 * <stddef.h>); verified with go1.26.8: `var x C.int8_t` with only <stdio.h> gives
 * "could not determine what C.int8_t refers to". Those are probed like any other name.
 */
export const BUILTIN_TYPES = [
  'char',
  'schar',
  'uchar',
  'short',
  'ushort',
  'int',
  'uint',
  'long',
  'ulong',
  'longlong',
  'ulonglong',
  'float',
  'double',
  'complexfloat',
  'complexdouble',
] as const;

const BUILTIN_FUNC_SET = new Set<string>(BUILTIN_FUNCS);
const BUILTIN_TYPE_SET = new Set<string>(BUILTIN_TYPES);

/** cmd/cgo's nameToC. */
const NAME_TO_C: Record<string, string> = {
  schar: 'signed char',
  uchar: 'unsigned char',
  ushort: 'unsigned short',
  uint: 'unsigned int',
  ulong: 'unsigned long',
  longlong: 'long long',
  ulonglong: 'unsigned long long',
  complexfloat: 'float _Complex',
  complexdouble: 'double _Complex',
};

/** cmd/cgo's cname(): the C spelling of C.<s>. */
export function cname(s: string): string {
  const t = NAME_TO_C[s];
  if (t) return t;
  if (s.startsWith('struct_')) return 'struct ' + s.slice(7);
  if (s.startsWith('union_')) return 'union ' + s.slice(6);
  if (s.startsWith('enum_')) return 'enum ' + s.slice(5);
  if (s.startsWith('sizeof_')) return 'sizeof(' + cname(s.slice(7)) + ')';
  return s;
}

export type NameDisposition =
  | { how: 'builtin'; kind: NameKind }
  /** struct_/union_/enum_: cgo sets kind "type" without asking the compiler (guessKinds). */
  | { how: 'tagged-type'; kind: 'type' }
  /** errno / _CMalloc: cmd/cgo reports these itself (static checks); not our business here. */
  | { how: 'ignored' }
  | { how: 'probe'; expr: string }
  /** Not something the compiler can be asked about safely (not an identifier). */
  | { how: 'invalid' };

export function classifyName(name: string): NameDisposition {
  if (name === 'errno' || name === '_CMalloc') return { how: 'ignored' };
  if (BUILTIN_FUNC_SET.has(name)) return { how: 'builtin', kind: 'var-or-func' };
  if (BUILTIN_TYPE_SET.has(name)) return { how: 'builtin', kind: 'type' };
  if (/^(struct|union|enum)_./.test(name)) return { how: 'tagged-type', kind: 'type' };
  if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) return { how: 'invalid' };
  return { how: 'probe', expr: cname(name) };
}

export const NOT_TYPE = 1;
export const NOT_INT_CONST = 2;
export const NOT_NUM_CONST = 4;
export const NOT_STR_LITERAL = 8;
export const NOT_DECLARED = 16;

/** cmd/cgo guessKinds' switch over the sniff bitmask. */
export function kindFromMask(mask: number): NameKind {
  switch (mask) {
    case NOT_STR_LITERAL | NOT_TYPE:
      return 'iconst';
    case NOT_INT_CONST | NOT_STR_LITERAL | NOT_TYPE:
      return 'fconst';
    case NOT_INT_CONST | NOT_NUM_CONST | NOT_TYPE:
      return 'sconst';
    case NOT_INT_CONST | NOT_NUM_CONST | NOT_STR_LITERAL:
      return 'type';
    case NOT_INT_CONST | NOT_NUM_CONST | NOT_STR_LITERAL | NOT_TYPE:
      return 'var-or-func';
    default:
      return 'unknown';
  }
}

/** The probe program cmd/cgo appends for the names (1-based index i). */
export function probeProgram(exprs: string[]): string {
  let b = '';
  exprs.forEach((n, idx) => {
    const i = idx + 1;
    b +=
      `#line ${i} "not-declared"\nvoid __cgo_f_${i}_1(void) { __typeof__(${n}) *__cgo_undefined__1; }\n` +
      `#line ${i} "not-type"\nvoid __cgo_f_${i}_2(void) { ${n} *__cgo_undefined__2; }\n` +
      `#line ${i} "not-int-const"\nvoid __cgo_f_${i}_3(void) { enum { __cgo_undefined__3 = (${n})*1 }; }\n` +
      `#line ${i} "not-num-const"\nvoid __cgo_f_${i}_4(void) { static const double __cgo_undefined__4 = (${n}); }\n` +
      `#line ${i} "not-str-lit"\nvoid __cgo_f_${i}_5(void) { static const char __cgo_undefined__5[] = (${n}); }\n`;
  });
  b += '#line 1 "completed"\nint __cgo__1 = __cgo__2;\n';
  return b;
}

/** cmd/cgo's scan of the probe's stderr. Returns the masks and whether `completed:1` was seen. */
export function scanProbeOutput(stderr: string, count: number): { masks: number[]; completed: boolean } {
  const masks = new Array<number>(count).fill(0);
  let completed = false;
  let sawUnmatchedErrors = false;
  for (const line of stderr.split('\n')) {
    const isError = line.includes(': error:');
    const isErrorNote = line.includes(': note:') && sawUnmatchedErrors;
    if (!isError && !isErrorNote) continue;
    const c1 = line.indexOf(':');
    if (c1 < 0) continue;
    const c2r = line.slice(c1 + 1).indexOf(':');
    if (c2r < 0) continue;
    const c2 = c2r + c1 + 1;
    const filename = line.slice(0, c1);
    const numText = line.slice(c1 + 1, c2);
    // strconv.Atoi: the whole field must be a decimal integer; otherwise 0.
    const i = (/^[+-]?\d+$/.test(numText) ? Number.parseInt(numText, 10) : 0) - 1;
    if (i < 0 || i >= count) {
      if (isError) sawUnmatchedErrors = true;
      continue;
    }
    switch (filename) {
      case 'completed':
        completed = true;
        break;
      case 'not-declared':
        masks[i]! |= NOT_DECLARED;
        break;
      case 'not-type':
        masks[i]! |= NOT_TYPE;
        break;
      case 'not-int-const':
        masks[i]! |= NOT_INT_CONST;
        break;
      case 'not-num-const':
        masks[i]! |= NOT_NUM_CONST;
        break;
      case 'not-str-lit':
        masks[i]! |= NOT_STR_LITERAL;
        break;
      default:
        if (isError) sawUnmatchedErrors = true;
        continue;
    }
    sawUnmatchedErrors = false;
  }
  return { masks, completed };
}

/** The toolchain's wording for an unresolved C name (changed in Go 1.24, #70472). */
export function unresolvedNameMessage(name: string, goMinor: number): string {
  return goMinor <= 23 ? `could not determine kind of name for C.${name}` : `could not determine what C.${name} refers to`;
}

/** Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 3) return Math.abs(m - n);
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/**
 * The best near-miss for `name` among `candidates` (in priority order), or null. A case-only difference
 * always qualifies; otherwise distance ≤ 1 for names up to 4 characters, ≤ 2 for longer ones.
 */
export function suggestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name || c.length === 0) continue;
    let score: number;
    if (c.toLowerCase() === lower) score = 0.5;
    else {
      const d = editDistance(name, c);
      const limit = Math.max(name.length, c.length) <= 4 ? 1 : 2;
      if (d > limit) continue;
      score = d;
    }
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

const C_KEYWORDS = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
    'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    '_Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local include ' +
    'define ifdef ifndef endif undef pragma elif error line defined __attribute__ __typeof__ typeof'
  ).split(' '),
);

/** Identifiers a preamble text mentions (a cheap superset of what it declares), minus C keywords. */
export function preambleIdentifiers(text: string): Set<string> {
  const out = new Set<string>();
  const noStrings = text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""').replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
  for (const m of noStrings.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (!C_KEYWORDS.has(m[0])) out.add(m[0]);
  return out;
}
