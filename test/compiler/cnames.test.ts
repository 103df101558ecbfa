// cmd/cgo's name handling, reproduced.
import { describe, expect, test } from 'vitest';
import {
  classifyName,
  cname,
  editDistance,
  kindFromMask,
  NOT_DECLARED,
  NOT_INT_CONST,
  NOT_NUM_CONST,
  NOT_STR_LITERAL,
  NOT_TYPE,
  probeProgram,
  scanProbeOutput,
  suggestName,
  unresolvedNameMessage,
} from '../../server/src/compiler/cnames.js';
import { headerForSymbol, knownSymbols } from '../../server/src/compiler/headers.js';

describe('cmd/cgo name rules', () => {
  test('cname', () => {
    expect(cname('uint')).toBe('unsigned int');
    expect(cname('struct_foo')).toBe('struct foo');
    expect(cname('sizeof_struct_foo')).toBe('sizeof(struct foo)');
    expect(cname('sizeof_ulonglong')).toBe('sizeof(unsigned long long)');
    expect(cname('puts')).toBe('puts');
  });

  test('classifyName', () => {
    expect(classifyName('CString')).toEqual({ how: 'builtin', kind: 'var-or-func' });
    expect(classifyName('malloc')).toEqual({ how: 'builtin', kind: 'var-or-func' });
    expect(classifyName('longlong')).toEqual({ how: 'builtin', kind: 'type' });
    expect(classifyName('struct_x')).toEqual({ how: 'tagged-type', kind: 'type' });
    expect(classifyName('errno')).toEqual({ how: 'ignored' });
    expect(classifyName('uintptr_t')).toEqual({ how: 'probe', expr: 'uintptr_t' });
    expect(classifyName('a-b')).toEqual({ how: 'invalid' });
  });

  test('kind bitmask exactly as guessKinds', () => {
    expect(kindFromMask(NOT_STR_LITERAL | NOT_TYPE)).toBe('iconst');
    expect(kindFromMask(NOT_INT_CONST | NOT_STR_LITERAL | NOT_TYPE)).toBe('fconst');
    expect(kindFromMask(NOT_INT_CONST | NOT_NUM_CONST | NOT_TYPE)).toBe('sconst');
    expect(kindFromMask(NOT_INT_CONST | NOT_NUM_CONST | NOT_STR_LITERAL)).toBe('type');
    expect(kindFromMask(NOT_INT_CONST | NOT_NUM_CONST | NOT_STR_LITERAL | NOT_TYPE)).toBe('var-or-func');
    expect(kindFromMask(NOT_DECLARED | NOT_TYPE | NOT_INT_CONST | NOT_NUM_CONST | NOT_STR_LITERAL)).toBe('unknown');
    expect(kindFromMask(0)).toBe('unknown');
    expect(kindFromMask(NOT_TYPE)).toBe('unknown');
  });

  test('probe program and output scan', () => {
    const p = probeProgram(['x', 'unsigned int']);
    expect(p).toContain('#line 2 "not-type"\nvoid __cgo_f_2_2(void) { unsigned int *__cgo_undefined__2; }\n');
    expect(p.endsWith('#line 1 "completed"\nint __cgo__1 = __cgo__2;\n')).toBe(true);
    const out = [
      "not-type:1:34: error: 'x' undeclared",
      'not-str-lit:1:59: error: invalid initializer',
      "completed:1:13: error: '__cgo__2' undeclared here",
      'junk:9:1: error: unmatched',
      'not-num-const:2:1: note: attached to the unmatched error above',
    ].join('\n');
    const r = scanProbeOutput(out, 2);
    expect(r.completed).toBe(true);
    expect(r.masks).toEqual([NOT_TYPE | NOT_STR_LITERAL, NOT_NUM_CONST]);
    expect(scanProbeOutput('', 1).completed).toBe(false);
  });

  test('version wording (#70472)', () => {
    expect(unresolvedNameMessage('x', 19)).toBe('could not determine kind of name for C.x');
    expect(unresolvedNameMessage('x', 23)).toBe('could not determine kind of name for C.x');
    expect(unresolvedNameMessage('x', 24)).toBe('could not determine what C.x refers to');
  });

  test('suggestions', () => {
    expect(editDistance('CStirng', 'CString')).toBe(1);
    expect(suggestName('Cstring', ['CString', 'GoString'])).toBe('CString');
    expect(suggestName('CStirng', ['CString'])).toBe('CString');
    expect(suggestName('prinf', ['printf', 'puts'])).toBe('printf');
    expect(suggestName('abc', ['xyz'])).toBeNull();
    expect(suggestName('ab', ['cd'])).toBeNull();
  });

  test('header table', () => {
    expect(knownSymbols().length).toBeGreaterThanOrEqual(150);
    expect(headerForSymbol('free')).toEqual({ header: 'stdlib.h', std: 'c' });
    expect(headerForSymbol('pthread_create')!.header).toBe('pthread.h');
    expect(headerForSymbol('CreateFileW')).toEqual({ header: 'windows.h', std: 'windows' });
    expect(headerForSymbol('dlopen')!.header).toBe('dlfcn.h');
    expect(headerForSymbol('uint32_t')!.header).toBe('stdint.h');
    expect(headerForSymbol('not_a_libc_symbol')).toBeNull();
  });
});
