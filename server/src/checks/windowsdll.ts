// `cgo/windows-runtime-dll`: the MinGW-w64 runtime DLLs a Windows binary of the package will need at run time
// (windows/check.ts decides it from the toolchain and the link flags, no subprocess). Needs the package: the
// link flags of every file, pkg-config's --libs and the environment's.
import type { CgoDiagnostic } from '../core/types.js';
import { codes, runtimeDllDiagnostics, WINDOWS_RUNTIME_DLL } from '../windows/check.js';
import { defineCheck, type PackageInput } from './check.js';
import { insertPreambleLine, type Fix, type FixInput } from './fix.js';

export type WindowsDllCode = typeof WINDOWS_RUNTIME_DLL;

declare module '../core/types.js' {
  interface DiagnosticPayloads {
    'cgo/windows-runtime-dll': {
      dlls: string[];
      /** The flags that link the runtime statically (`-static-libgcc -static-libstdc++`, or `-static`). */
      staticFlags: string[];
      toolchainBinDir?: string;
      transitive: string[];
      dllPaths: unknown;
      libraryDlls: { flag: string; file: string | null; dlls: string[] }[];
      threadModel: unknown;
    };
  }
}

function run(input: PackageInput): CgoDiagnostic[] {
  const { file, toolchain: tc, pkg } = input;
  if (tc.goos !== 'windows' || !tc.cgo.enabled || !tc.cc?.path) return [];
  const imp = file.cImports[0];
  if (!imp) return [];
  const ldLine = pkg.LDFLAGS.find((o) => o.file === file.path)?.directiveRange;
  return runtimeDllDiagnostics({
    file: file.path,
    importRange: imp.pathRange,
    ...(ldLine ? { ldflagsLine: ldLine } : {}),
    toolchain: tc,
    hasCxx: input.hasCxxFiles(),
    ldflags: input.ldflags,
  });
}

function fix({ d, data, ctx, lines, edit }: FixInput<WindowsDllCode>): Fix[] {
  const fixes: Fix[] = [];
  const flags = data.staticFlags as string[] | undefined;
  const imp = ctx.file.cImports.find((i) => i.preamble) ?? ctx.file.cImports[0];
  if (flags && flags.length > 0 && imp) {
    const line = `#cgo windows LDFLAGS: ${flags.join(' ')}`;
    const p = imp.preamble;
    const e = p
      ? insertPreambleLine(lines, p, p.lines.length - 1, line)
      : { range: { start: { line: imp.specRange.start.line, character: 0 }, end: { line: imp.specRange.start.line, character: 0 } }, newText: `// ${line}\n` };
    fixes.push(edit(`Link the MinGW runtime statically: ${line}`, [e], { preferred: true, safe: true }));
  }
  const dir = data.toolchainBinDir;
  const dlls = (data.dlls as string[] | undefined) ?? [];
  if (dlls.length > 0) {
    fixes.push({
      title: `Show how to ship ${dlls.join(', ')} instead`,
      kind: 'quickfix',
      diagnostic: d,
      show: `Copy ${dlls.join(', ')}${dir ? ` from ${dir}` : ''} next to the .exe, or put ${dir ?? "the toolchain's bin folder"} on PATH of the process that starts it. Check a built binary with: cgo-ls doctor --binary app.exe`,
    });
  }
  return fixes;
}

export const check = defineCheck<WindowsDllCode>({
  name: 'windows-runtime-dll',
  codes,
  runner: { needs: 'package', run },
  fixes: {
    'cgo/windows-runtime-dll': {
      docs: [
        'Insert `#cgo windows LDFLAGS: -static-libgcc -static-libstdc++` (or `-static`) into the preamble (preferred)',
        'Show which DLLs to ship next to the .exe, or the folder to put on PATH',
      ],
      fix,
    },
  },
});
