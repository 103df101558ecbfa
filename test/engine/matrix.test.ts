// The command matrix (engine/matrix.ts, `cgo-ls check --matrix`) against the real go command, cell by cell, for the
// packages of test/fixtures/modules/matrix on linux/amd64 and windows/amd64 with CGO_ENABLED=0 and 1 (windows with
// cgo: the C compiler the matrix names, CC=x86_64-w64-mingw32-gcc).
//
// For every package and cell:
//  - `go build` (for linux main packages: the build `go run` does) succeeds exactly when the matrix says it builds (or builds a stub), and when it fails its output holds
//    the predicted reason (and `file:line:col` for an undefined name);
//  - `go list -e -test -json` lists exactly the predicted test files (TestGoFiles + XTestGoFiles), and every test
//    file the matrix says is left out is in IgnoredGoFiles, with the predicted constraint on the predicted line;
//  - linux/amd64: `go test` (which compiles, vets and runs the tests) and `go run` (main packages) end as predicted:
//    "no test files", passing, failing on the predicted line, or a stub that builds, runs and exits 1;
//  - windows/amd64: nothing can be executed on this machine, so `go vet` (which type-checks the package with its
//    test files, through cgo when it is on) stands for go test, and `go run` is checked through its build: a stub
//    cell must build with the stub file in GoFiles.
// The go commands share the user's GOCACHE (a fresh one would rebuild the standard library) and run three at a time.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { defaultSettings } from '../../server/src/engine/settings.js';
import { commandMatrix, type CommandMatrix, type CommandVerdict, type MatrixCell } from '../../server/src/engine/matrix.js';
import { describeWith, findExecutable, tool } from '../helpers/tools.js';

const mod = path.resolve(import.meta.dirname, '..', 'fixtures', 'modules', 'matrix');
const PACKAGES = ['app', 'fallback', 'needs', 'nofallback', 'partial', 'stubcmd'];
const TARGETS = ['linux/amd64', 'windows/amd64'];

const GO = tool('go', findExecutable('go'), 'apt-get install -y golang-go (or a Go release on PATH)');
const GCC = tool('gcc', findExecutable('gcc'), 'apt-get install -y gcc');
const MINGW = tool('x86_64-w64-mingw32-gcc', findExecutable('x86_64-w64-mingw32-gcc'), 'apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64');

/** The environment both cgo-ls and the go command see: no inherited target or cgo setting. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false' };
  for (const k of ['CGO_ENABLED', 'GOOS', 'GOARCH', 'CC', 'CXX', 'CGO_CFLAGS', 'CGO_LDFLAGS']) delete env[k];
  return env;
}

interface Ran {
  code: number;
  out: string;
}

function go(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('go', args, { cwd: mod, env, timeout: 170_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

async function pool(jobs: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

interface Listed {
  ImportPath: string;
  GoFiles?: string[];
  TestGoFiles?: string[];
  XTestGoFiles?: string[];
  IgnoredGoFiles?: string[];
}

interface Real {
  build: Ran;
  list: Listed | undefined;
  test?: Ran;
  vet?: Ran;
  run?: Ran;
}

const cellKey = (pkg: string, c: Pick<MatrixCell, 'target' | 'cgo'>) => `${pkg} ${c.target} CGO_ENABLED=${c.cgo}`;

describeWith([GO, GCC, MINGW], 'command matrix vs the real go build / go test / go vet / go run', () => {
  let matrix: CommandMatrix;
  const real = new Map<string, Real>();
  let elapsed = 0;

  beforeAll(async () => {
    const started = Date.now();
    const engine = new Engine({ env: baseEnv(), settings: { ...defaultSettings, checkShellEnv: false } });
    matrix = await commandMatrix(
      engine,
      PACKAGES.map((p) => path.join(mod, p)),
      { targets: TARGETS },
    );
    const jobs: (() => Promise<void>)[] = [];
    const lists = new Map<string, Promise<Map<string, Listed>>>();
    for (const p of matrix.packages) {
      const rel = path.basename(p.dir);
      for (const c of p.cells) {
        const env: NodeJS.ProcessEnv = { ...baseEnv(), GOOS: c.goos, GOARCH: c.goarch, CGO_ENABLED: String(c.cgo) };
        if (c.cgo === 1 && c.cc) env['CC'] = c.cc.join(' ');
        const listKey = `${c.target} ${c.cgo}`;
        if (!lists.has(listKey)) {
          // One `go list -test` per cell for every package; the plain entry (not "[p.test]") holds the file lists.
          lists.set(
            listKey,
            go(['list', '-e', '-test', '-json=ImportPath,GoFiles,TestGoFiles,XTestGoFiles,IgnoredGoFiles', './...'], env).then((r) => {
              const byPath = new Map<string, Listed>();
              for (const chunk of r.out.split(/\n(?=\{)/)) {
                if (!chunk.trim().startsWith('{')) continue;
                const l = JSON.parse(chunk) as Listed;
                if (!l.ImportPath.includes(' ') && !l.ImportPath.endsWith('.test')) byPath.set(l.ImportPath, l);
              }
              return byPath;
            }),
          );
        }
        const r: Real = { build: { code: -1, out: '' }, list: undefined };
        real.set(cellKey(rel, c), r);
        const exe = path.join(os.tmpdir(), `cgo-ls-matrix-${process.pid}-${rel}-${c.goos}-${c.cgo}${c.goos === 'windows' ? '.exe' : ''}`);
        jobs.push(async () => {
          // A linux main package is built by `go run` below (same build, then it runs): no separate go build.
          if (!(p.main && c.goos === 'linux')) r.build = await go(['build', '-o', p.main ? exe : os.devNull, `./${rel}`], env);
          fs.rmSync(exe, { force: true });
          r.list = (await lists.get(listKey)!).get(p.importPath);
        });
        if (c.goos === 'linux') {
          jobs.push(async () => void (r.test = await go(['test', '-count=1', `./${rel}`], env)));
          if (p.main) jobs.push(async () => void (r.run = r.build = await go(['run', `./${rel}`], env)));
        } else {
          jobs.push(async () => void (r.vet = await go(['vet', `./${rel}`], env)));
        }
      }
    }
    await pool(jobs, 3);
    elapsed = Date.now() - started;
  }, 240_000);

  it('covers every package and cell (2 targets × CGO_ENABLED 0/1), naming MinGW-w64 for windows with cgo', () => {
    expect(matrix.packages.map((p) => path.basename(p.dir)).sort()).toEqual(PACKAGES);
    for (const p of matrix.packages)
      expect(p.cells.map((c) => `${c.target}/${c.cgo}`)).toEqual(['linux/amd64/0', 'linux/amd64/1', 'windows/amd64/0', 'windows/amd64/1']);
    const win = matrix.packages[0]!.cells.find((c) => c.goos === 'windows' && c.cgo === 1)!;
    expect(win.cc).toEqual(['x86_64-w64-mingw32-gcc']);
    process.stdout.write(`command matrix: ${real.size} cells checked against the go command in ${(elapsed / 1000).toFixed(1)} s\n`);
  });

  it('predicts the cases the fixtures were written for', () => {
    const cell = (pkg: string, target: string, cgo: 0 | 1) =>
      matrix.packages.find((p) => path.basename(p.dir) === pkg)!.cells.find((c) => c.target === target && c.cgo === cgo)!;
    // The pseudo-success: go test passes with CGO_ENABLED=0 because the cgo test file is left out.
    expect(cell('fallback', 'linux/amd64', 0).test).toMatchObject({
      status: 'excludes-tests',
      testFiles: ['sum_test.go'],
      excluded: [{ file: 'sum_cgo_test.go', constraint: '//go:build cgo', line: 1 }],
    });
    expect(cell('fallback', 'linux/amd64', 1).test).toMatchObject({ status: 'ok', testFiles: ['sum_cgo_test.go', 'sum_test.go'], excluded: [] });
    expect(cell('nofallback', 'windows/amd64', 0).build.status).toBe('fails');
    expect(cell('nofallback', 'linux/amd64', 0).test).toMatchObject({ status: 'fails', reason: 'undefined: Twice', at: { line: 6, column: 5 } });
    expect(cell('partial', 'linux/amd64', 0).build).toMatchObject({ status: 'fails', reason: 'undefined: cTwice', at: { line: 5, column: 9 } });
    expect(cell('stubcmd', 'linux/amd64', 0).run).toMatchObject({ status: 'stub', stubFiles: ['answer_stub.go'] });
    expect(cell('stubcmd', 'linux/amd64', 1).run?.status).toBe('ok');
    expect(cell('needs', 'linux/amd64', 0).run?.status).toBe('fails');
    expect(cell('app', 'windows/amd64', 0).run?.status).toBe('ok');
    expect(matrix.failing).toBe(8);
  });

  const relAt = (v: CommandVerdict) => (v.at ? `${path.relative(mod, v.at.file)}:${v.at.line}:${v.at.column}` : null);
  /** A failing verdict's reason (and, for a Go compile error, its position) is in the go command's output. */
  const expectFailure = (label: string, v: CommandVerdict, r: Ran) => {
    expect(r.code, `${label}: exit code\n${r.out}`).not.toBe(0);
    expect(r.out, label).toContain(v.reason!);
    if (v.reason!.startsWith('undefined:')) expect(r.out, label).toContain(`${relAt(v)}: ${v.reason}`);
  };

  for (const pkg of PACKAGES) {
    it(`${pkg}: every cell agrees with the go command`, () => {
      const p = matrix.packages.find((x) => path.basename(x.dir) === pkg)!;
      for (const c of p.cells) {
        const label = cellKey(pkg, c);
        const r = real.get(label)!;
        // go build (for a linux main package: the build `go run` did — it built when the program started)
        if (c.build.status === 'fails') expectFailure(`${label} go build`, c.build, r.build);
        else if (p.main && c.goos === 'linux')
          expect(r.build.out, `${label} go run's build\n${r.build.out}`).not.toMatch(/^# |build constraints exclude|undefined:/m);
        else expect(r.build.code, `${label} go build\n${r.build.out}`).toBe(0);
        if (c.build.status === 'stub') for (const f of c.build.stubFiles ?? []) expect(r.list?.GoFiles, label).toContain(f);
        // the test files go test compiles, and the ones the cell leaves out
        expect([...(r.list?.TestGoFiles ?? []), ...(r.list?.XTestGoFiles ?? [])].sort(), `${label} test files`).toEqual(c.test.testFiles);
        for (const e of c.test.excluded) {
          expect(r.list?.IgnoredGoFiles, label).toContain(e.file);
          expect(fs.readFileSync(path.join(p.dir, e.file), 'utf8').split('\n')[e.line - 1], label).toBe(e.constraint);
        }
        if (c.goos === 'linux') {
          const t = r.test!;
          if (c.test.status === 'fails') expectFailure(`${label} go test`, c.test, t);
          else {
            expect(t.code, `${label} go test\n${t.out}`).toBe(0);
            if (c.test.status === 'no-test-files') expect(t.out, label).toContain('[no test files]');
            else expect(t.out, label).toMatch(/^ok\s/m);
          }
          if (p.main) {
            const run = r.run!;
            if (c.run!.status === 'fails') expectFailure(`${label} go run`, c.run!, run);
            else if (c.run!.status === 'stub') {
              // Built, started, failed at run time: the stub's own error and `exit status 1`, no compile error.
              expect(run.code, `${label} go run\n${run.out}`).not.toBe(0);
              expect(run.out, label).toContain('this program needs cgo');
              expect(run.out, label).toContain('exit status 1');
              expect(run.out, label).not.toMatch(/^# /m);
            } else expect(run.code, `${label} go run\n${run.out}`).toBe(0);
          }
        } else {
          // windows/amd64: go vet compiles the package with its test files (cgo through MinGW-w64 when on).
          const vet = r.vet!;
          if (c.test.status === 'fails') expectFailure(`${label} go vet`, c.test, vet);
          else expect(vet.code, `${label} go vet\n${vet.out}`).toBe(0);
          // go run cannot execute a Windows program here: its verdict is checked through the build.
          if (p.main) {
            if (c.run!.status === 'fails') expect(r.build.code, label).not.toBe(0);
            else expect(r.build.code, label).toBe(0);
          }
        }
      }
    });
  }
});

describeWith([GO, GCC], 'command matrix: errors check found fail the cell of the current configuration', () => {
  it('a missing header: go build fails on the #include line, as the real go build does', async () => {
    const dir = path.resolve(import.meta.dirname, '..', 'fixtures', 'modules', 'compiler', 'header');
    const engine = new Engine({ env: baseEnv(), settings: { ...defaultSettings, checkShellEnv: false } });
    const errors = (await engine.analyze(path.join(dir, 'header.go'), { compile: 'run' })).diagnostics.filter((d) => d.severity === 'error');
    const tc = await engine.toolchain(path.join(dir, 'header.go'));
    const host = `${tc.goos}/${tc.goarch}`;
    const m = await commandMatrix(engine, [dir], { targets: host, cgo: [1], errors });
    const cell = m.packages[0]!.cells[0]!;
    expect(cell.build).toMatchObject({ status: 'fails', at: { file: path.join(dir, 'header.go'), line: 5 } });
    expect(cell.build.summary).toContain('no_such_header.h');
    // Without the errors (another configuration's cell), nothing in the files says it fails.
    expect((await commandMatrix(engine, [dir], { targets: host, cgo: [1] })).packages[0]!.cells[0]!.build.status).toBe('ok');
    const real = await new Promise<Ran>((resolve) =>
      execFile('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env: { ...baseEnv(), CGO_ENABLED: '1' } }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(real.code).toBe(1);
    expect(real.out).toMatch(/header\.go:5:\d+: fatal error: no_such_header\.h/);
  });
});
