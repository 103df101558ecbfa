// `cgo/c-field-unknown`: a field selector on a C struct value that cgo's Go form of the struct does not have. Decided
// by engine/cfields.ts after the preamble compiled (it needs the session's C name index, built with the package's
// merged flags); registered here with its catalogue row and payload. No fix is offered: which header defines the
// struct, or which member was meant, is said in the message.
import type { CodeInfo } from '../core/codes.js';
import { defineCheck } from './check.js';

export type CFieldCode = 'cgo/c-field-unknown';

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/c-field-unknown': { struct: string; field: string; reason: string };
  }
}

export const codes: (CodeInfo & { code: CFieldCode })[] = [
  {
    code: 'cgo/c-field-unknown',
    severity: 'error',
    title: 'A field selector on a C struct names no field cgo gives that struct',
    cause:
      "x is a C struct or union (`var x C.struct_T`, a parameter, `x := C.struct_T{…}`) and cgo's Go form of that type has no field f: the C struct has no such member, the member is a bitfield or a trailing flexible array (cgo drops both), the type is a union (cgo represents it as bytes), or the struct is incomplete — only declared, because the header that defines it is not included (said only of a package's sole cgo file: cgo's C types are package-wide, so another file's preamble may define it). go build: `x.f undefined (type _Ctype_struct_T has no field or method f)`. Checked only after the preamble compiled, against the C names as compiled with the package's flags; a name whose type is not certain (shadowed, declared elsewhere, inferred) is not checked.",
    fix: 'Include the header that defines the struct; use the Go name cgo gives the field (`_type` for a C `type`); read bitfields, flexible arrays and union members through a C helper or unsafe.',
    example: '// #include <sys/socket.h>\nimport "C"\n\nfunc f(s C.struct_tpacket_stats) C.uint { return s.tp_packets }',
    gopls: {
      says: "the type checker's `x.f undefined (type _Ctype_struct_T has no field or method f)` on the same selector; cgo-ls adds why (a missing #include, a bitfield, a union …) and the way out",
      sameRange: true,
      sameWords: false,
    },
  },
];

export const check = defineCheck<CFieldCode>({
  name: 'c-fields',
  codes,
  runner: { needs: 'stage', producedBy: 'engine/cfields.ts (after the preamble compile, from the C name index)' },
  fixes: {},
});
