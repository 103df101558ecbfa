// The program: `cgo-ls --stdio | --node-ipc | --socket=N`, `cgo-ls check …`, `cgo-ls doctor …`, `--help`. Bundled
// into dist/main.cjs, which boot.ts (dist/main.js, the bin) loads through V8's code cache.
import type { Logger } from './core/types.js';
import { VERSION } from './version.js';

const HELP = `cgo-ls ${VERSION} — a language server for Go code that uses cgo

Usage:
  cgo-ls --stdio                 run the language server over stdio (also --node-ipc, --socket=PORT)
  cgo-ls check [paths…]          check cgo files like a compiler; exit 1 on errors
        --format FORMAT            text (default), json, sarif (code scanning), codequality (GitLab), markdown
        --targets LIST             also evaluate GOOS/GOARCH targets, e.g. linux/amd64,windows/amd64,darwin/arm64
        --matrix                   what go build / go vet / go test / go run do per target × CGO_ENABLED
                                   (targets: --targets, default the host and windows/amd64); exit 1 if a cell fails
        --cgo 0|1|0,1              the CGO_ENABLED values of --matrix (default 0,1)
  cgo-ls doctor [dir]            explain the Go/C toolchain the go command will use; exit 1 on ✗
        --format text|json|markdown  report format (markdown: for a CI job summary)
        --json                     same as --format json
        --binary app.exe           list the DLLs a Windows binary imports and where they would be found
  cgo-ls --version               print the version
  cgo-ls --help                  this text

Exit codes: check — 0 nothing wrong; 1 an error diagnostic, an unbuildable --targets target or a failing --matrix
cell; 2 usage error. doctor — 1 when the report has a ✗.
`;

const stderrLog: Logger = {
  error: (m) => process.stderr.write(m + '\n'),
  warn: (m) => process.stderr.write(m + '\n'),
  info: () => undefined,
  debug: () => undefined,
};

// `cgo-ls check | head`: a closed pipe ends the output quietly instead of crashing with EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  // `--version` is answered by boot.ts (dist/main.js) without loading the program.
  if (cmd === '--help' || cmd === '-h' || cmd === 'help' || cmd === undefined) {
    process.stdout.write(HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--stdio' || cmd === '--node-ipc' || cmd.startsWith('--socket') || cmd.startsWith('--pipe') || cmd.startsWith('--clientProcessId')) {
    // The reaper starts now, while the process is small, and starts every subprocess of the server (util/proc.ts).
    const { useSpawnHost } = await import('./util/proc.js');
    useSpawnHost();
    // The grammars load (the wasm compiles on V8's background threads) while the connection is set up and the client
    // handshakes: the first file opened, often right after initialize, no longer waits for them on the main thread.
    const { getCParser, getGoParser } = await import('./gomodel/parser.js');
    void getGoParser().catch(() => undefined);
    void getCParser().catch(() => undefined);
    const { runLanguageServer } = await import('./lsp/connect.js');
    runLanguageServer(cmd);
    return -1; // keep running
  }
  if (cmd === 'check' || cmd === 'doctor') {
    // boot.ts (dist/main.js) has set --liftoff-only for every command that is not a server, before the bundle loaded.
    // Ctrl-C reaches only the foreground process group; the compilers run in groups of their own and are
    // killed here (and by the reaper if cgo-ls itself is killed).
    const { installExitGuards } = await import('./util/proc.js');
    installExitGuards();
  }
  if (cmd === 'check') {
    const { runCheck } = await import('./cli/check.js');
    const paths: string[] = [];
    const { FORMATS } = await import('./cli/format.js');
    let format: (typeof FORMATS)[number] = 'text';
    let demo = false;
    let targets: string | undefined;
    let matrix = false;
    let cgo: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--format' || a.startsWith('--format=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
        const f = FORMATS.find((x) => x === v);
        if (!f) {
          process.stderr.write(`cgo-ls check: --format must be ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS[FORMATS.length - 1]}\n`);
          return 2;
        }
        format = f;
      } else if (a === '--targets' || a.startsWith('--targets=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
        if (!v) {
          process.stderr.write(`cgo-ls check: --targets needs a list such as linux/amd64,windows/amd64\n`);
          return 2;
        }
        targets = v;
      } else if (a === '--matrix') matrix = true;
      else if (a === '--cgo' || a.startsWith('--cgo=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
        if (!v) {
          process.stderr.write('cgo-ls check: --cgo needs 0, 1 or 0,1\n');
          return 2;
        }
        cgo = v;
      } else if (a === '--json') format = 'json';
      else if (a === '--demo') demo = true;
      else if (a.startsWith('-')) {
        process.stderr.write(`cgo-ls check: unknown flag ${a}\n${HELP}`);
        return 2;
      } else paths.push(a);
    }
    return runCheck({ paths, format, cwd: process.cwd(), env: process.env, log: stderrLog, demo, targets, matrix, cgo, write: (s) => process.stdout.write(s) });
  }
  if (cmd === 'doctor') {
    const { runDoctor } = await import('./cli/doctor.js');
    let format: 'text' | 'json' | 'markdown' = 'text';
    let dir = '.';
    let binary: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--json') format = 'json';
      else if (a === '--format' || a.startsWith('--format=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
        if (v !== 'text' && v !== 'json' && v !== 'markdown') {
          process.stderr.write('cgo-ls doctor: --format must be text, json or markdown\n');
          return 2;
        }
        format = v;
      } else if (a === '--binary' || a.startsWith('--binary=')) {
        binary = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
        if (!binary) {
          process.stderr.write('cgo-ls doctor: --binary needs the path of a Windows .exe or .dll\n');
          return 2;
        }
      } else if (a.startsWith('-')) {
        process.stderr.write(`cgo-ls doctor: unknown flag ${a}\n${HELP}`);
        return 2;
      } else dir = a;
    }
    return runDoctor({ dir, format, binary, cwd: process.cwd(), env: process.env, log: stderrLog, write: (s) => process.stdout.write(s) });
  }
  process.stderr.write(`cgo-ls: unknown command ${cmd}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    // A failure to start (a module that cannot load, a bad transport) ends the process: an editor waiting on
    // stdin for an answer to initialize would otherwise wait forever.
    process.exitCode = 2;
    setTimeout(() => process.exit(2), 1000).unref();
    process.stderr.write(`cgo-ls: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, () => process.exit(2));
  },
);
