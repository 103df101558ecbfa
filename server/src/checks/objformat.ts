// cmd/cgo reads the object file the C compiler writes (DWARF in ELF, Mach-O, PE or XCOFF). MinGW toolchains that
// default to the big-obj COFF format (w64devkit; skeeto/w64devkit#290) make that object unreadable and fail the
// build with `cannot parse …_cgo_.o as ELF, Mach-O, PE or XCOFF`. (-flto, the other classic cause, go#46295, no
// longer breaks cgo: cmd/cgo passes -fno-lto to its own compiler runs; go build with -flto succeeds on Go 1.26.)
import { makeDiagnostic, short } from '../core/message.js';
import type { CgoDiagnostic, Range } from '../core/types.js';
import { defineCheck, type CodeRow, type PackageInput } from './check.js';

export type ObjectFormatCode = 'cgo/windows-big-obj';

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/windows-big-obj': { flag: string | null; toolchain: 'w64devkit' | null };
  }
}

export const codes: CodeRow<ObjectFormatCode>[] = [
  {
    code: 'cgo/windows-big-obj',
    severity: 'warning',
    title: 'Big-obj COFF objects: cgo cannot parse them',
    cause:
      "The Windows toolchain writes big-obj COFF (`-Wa,-mbig-obj`, the default of w64devkit), which cmd/cgo's PE reader does not understand: `cgo: cannot parse $WORK\\b001\\_cgo_.o as ELF, Mach-O, PE or XCOFF` (skeeto/w64devkit#290).",
    fix: 'Drop -Wa,-mbig-obj from the cgo flags, or use a MinGW-w64 toolchain that does not default to big-obj (MSYS2 UCRT64, WinLibs, llvm-mingw); with w64devkit pass -Wa,-mno-big-obj in CGO_CFLAGS.',
    example: '// #cgo windows CFLAGS: -Wa,-mbig-obj\nimport "C"',
  },
];

export interface ObjectFormatInput {
  file: string;
  /** Where to report when the flag comes from the environment (the import "C" path). */
  importRange: Range;
  /** The effective C flags and, for each, the directive range it came from (undefined: from CGO_CFLAGS). */
  flags: { flag: string; range?: Range }[];
  goos: string;
  /** The C compiler's path and banner, to recognise toolchains that default to big-obj. */
  cc: { path: string | null; banner?: string } | null;
}

export function objectFormatDiagnostics(input: ObjectFormatInput): CgoDiagnostic[] {
  const out: CgoDiagnostic[] = [];
  if (input.goos === 'windows') {
    const big = input.flags.find((f) => f.flag === '-Wa,-mbig-obj');
    const noBig = input.flags.some((f) => f.flag === '-Wa,-mno-big-obj');
    const w64devkit = !!input.cc?.path && /w64devkit/i.test(input.cc.path + ' ' + (input.cc.banner ?? ''));
    if ((big || w64devkit) && !noBig) {
      out.push(
        makeDiagnostic({
          file: input.file,
          range: big?.range ?? input.importRange,
          severity: 'warning',
          code: 'cgo/windows-big-obj',
          cause: big
            ? `${short(big.flag, 24)}${big.range ? '' : ' in CGO_CFLAGS'} makes big-obj COFF objects, which cgo cannot read`
            : "w64devkit's C compiler writes big-obj COFF by default, which cgo cannot read",
          fix: big
            ? `drop -Wa,-mbig-obj from the cgo flags${big.range ? '' : ' (CGO_CFLAGS)'}`
            : 'add -Wa,-mno-big-obj to CGO_CFLAGS, or use MSYS2 UCRT64, WinLibs or llvm-mingw',
          details: [
            'go build: "cgo: cannot parse …_cgo_.o as ELF, Mach-O, PE or XCOFF"',
            big
              ? `${big.flag}${big.range ? '' : ' (from CGO_CFLAGS)'} makes the assembler write big-obj COFF.`
              : `The C compiler ${input.cc!.path} is w64devkit's, which writes big-obj COFF by default.`,
          ],
          data: { flag: big?.flag ?? null, toolchain: w64devkit ? 'w64devkit' : null },
        }),
      );
    }
  }
  return out;
}

/** The object-format check of a file whose package can be compiled: its own flags, the environment's, the compiler. */
function run(input: PackageInput): CgoDiagnostic[] {
  const { file, pkg, toolchain: tc } = input;
  const imp = file.cImports[0];
  if (!imp) return [];
  // This file's flags at their own ranges; another file's flags count only as a counter-flag (they are
  // reported in their own file).
  const fromDirectives = [...pkg.CPPFLAGS, ...pkg.CFLAGS]
    .filter((o) => o.file === file.path || o.flag === '-Wa,-mno-big-obj')
    .map((o) => ({ flag: o.flag, range: o.range }));
  const env = [...tc.envFlags.CPPFLAGS, ...tc.envFlags.CFLAGS].map((flag) => ({ flag }));
  return objectFormatDiagnostics({
    file: file.path,
    importRange: imp.pathRange,
    flags: [...env, ...fromDirectives],
    goos: tc.goos,
    cc: tc.cc ? { path: tc.cc.path, ...(tc.cc.banner ? { banner: tc.cc.banner } : {}) } : null,
  });
}

export const check = defineCheck<ObjectFormatCode>({ name: 'object-format', codes, runner: { needs: 'package', run } });
