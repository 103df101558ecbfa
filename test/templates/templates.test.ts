// The CI templates (templates/github/cgo-ls.yml, templates/gitlab/cgo-ls.gitlab-ci.yml, .pre-commit-hooks.yaml):
//  - the GitHub workflow passes SchemaStore's github-workflow schema (the one GitHub's editor uses), through
//    @action-validator/core; GitLab publishes its CI schema only inside GitLab, and pre-commit its manifest schema
//    only in Python, so those two are held to their rules spelled out below;
//  - the commands each template runs are run here, on fixture modules, with the built cgo-ls on PATH as `cgo-ls`
//    (the templates' install step, `npm install -g "$CGO_LS_PACKAGE"`, is the one step not run: it needs the package
//    source the user configures). A green module must pass every step; a broken one must fail the job.
// `SHELL` is unset for the cgo-ls runs: the login-shell drift check is not what is tested, and a slow rc file
// (pyenv …) would cost seconds per run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, serverMain } from '../helpers/lsp-client.js';
import { describeWith, findExecutable, tool } from '../helpers/tools.js';

const GITHUB = path.join(repoRoot, 'templates', 'github', 'cgo-ls.yml');
const GITLAB = path.join(repoRoot, 'templates', 'gitlab', 'cgo-ls.gitlab-ci.yml');
const PRECOMMIT = path.join(repoRoot, '.pre-commit-hooks.yaml');
const matrixFixture = path.join(repoRoot, 'test', 'fixtures', 'modules', 'matrix');

type Step = {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
};
interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; strategy: { matrix: { include: { target: string; os: string }[] } }; env: Record<string, string>; steps: Step[] }>;
}

describe('GitHub Actions workflow template', () => {
  const text = fs.readFileSync(GITHUB, 'utf8');
  const wf = yaml.load(text) as Workflow;
  const job = Object.values(wf.jobs)[0]!;

  it('passes the github-workflow JSON schema (and the validator rejects a broken copy)', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
    expect(validateWorkflow(text.replace('runs-on:', 'runs-onn:')).errors.length).toBeGreaterThan(0);
  });

  it('has a job per target, MinGW-w64 on the Windows runner, SARIF to code scanning, doctor markdown in the summary', () => {
    expect(job.strategy.matrix.include).toEqual(
      expect.arrayContaining([
        { target: 'linux/amd64', os: 'ubuntu-latest' },
        { target: 'windows/amd64', os: 'windows-latest' },
      ]),
    );
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    const mingw = job.steps.find((s) => s.uses?.startsWith('msys2/setup-msys2@'))!;
    expect(mingw.if).toBe("runner.os == 'Windows'");
    expect(String(mingw.with?.['install'])).toMatch(/mingw-w64-ucrt-x86_64-gcc/);
    expect(job.steps.find((s) => s.run?.includes('GITHUB_PATH'))?.run).toContain('steps.msys2.outputs.msys2-location');
    const check = job.steps.find((s) => s.run?.includes('--format sarif'))!;
    const sarifFile = /> (\S+)$/.exec(check.run!.trim())![1];
    const upload = job.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with?.['sarif_file']).toBe(sarifFile);
    expect(upload.if).toContain('always()');
    expect(wf.permissions['security-events']).toBe('write');
    expect(job.steps.some((s) => s.run === 'cgo-ls doctor --format markdown >> "$GITHUB_STEP_SUMMARY"')).toBe(true);
    // The verdict step fails the job when check or the matrix failed (both continue so SARIF is still uploaded).
    expect(job.steps.find((s) => s.name === 'Verdict')?.if).toBe(`steps.${check.id}.outcome == 'failure' || steps.matrix.outcome == 'failure'`);
  });
});

/** GitLab CI rules (docs.gitlab.com/ci/yaml) that the template relies on, checked one by one. */
const GITLAB_GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);
const GITLAB_JOB_KEYWORDS = new Set([
  'after_script',
  'allow_failure',
  'artifacts',
  'before_script',
  'cache',
  'coverage',
  'dependencies',
  'environment',
  'extends',
  'image',
  'interruptible',
  'needs',
  'parallel',
  'release',
  'retry',
  'rules',
  'script',
  'services',
  'stage',
  'tags',
  'timeout',
  'trigger',
  'variables',
  'when',
]);
type GitlabJob = {
  extends?: string;
  script?: string[];
  before_script?: string[];
  variables?: Record<string, unknown>;
  stage?: string;
  image?: unknown;
  artifacts?: { when?: string; reports?: { codequality?: unknown }; paths?: string[] };
};

describe('GitLab CI template', () => {
  const doc = yaml.load(fs.readFileSync(GITLAB, 'utf8')) as Record<string, unknown>;
  const jobs = Object.entries(doc).filter(([k]) => !GITLAB_GLOBAL_KEYWORDS.has(k)) as [string, GitlabJob][];
  const resolve = (j: GitlabJob): GitlabJob =>
    j.extends
      ? { ...resolve(doc[j.extends] as GitlabJob), ...j, variables: { ...(resolve(doc[j.extends] as GitlabJob).variables ?? {}), ...(j.variables ?? {}) } }
      : j;

  it('follows the .gitlab-ci.yml rules it relies on', () => {
    for (const [name, j] of jobs) {
      expect(typeof j, name).toBe('object');
      for (const k of Object.keys(j)) expect(GITLAB_JOB_KEYWORDS.has(k), `${name}: unknown job keyword ${k}`).toBe(true);
      if (j.extends) expect(doc[j.extends], `${name}: extends ${j.extends}`).toBeTypeOf('object');
      const r = resolve(j);
      for (const list of [r.script, r.before_script])
        if (list)
          expect(
            list.every((l) => typeof l === 'string'),
            name,
          ).toBe(true);
      for (const [k, v] of Object.entries(r.variables ?? {})) expect(typeof v, `${name}: variable ${k} must be a string`).toBe('string');
      if (!name.startsWith('.')) {
        expect(r.script?.length, `${name} has a script`).toBeGreaterThan(0);
        // No `stages:` is defined, so only GitLab's default stages exist.
        expect(['.pre', 'build', 'test', 'deploy', '.post']).toContain(r.stage ?? 'test');
        expect(typeof r.image).toBe('string');
        expect(['on_success', 'on_failure', 'always']).toContain(r.artifacts?.when ?? 'on_success');
        // The Code Quality report is the file the script writes.
        const report = r.artifacts?.reports?.codequality;
        expect(typeof report).toBe('string');
        expect(r.script!.some((l) => l.includes('--format codequality') && l.includes(`> ${report as string}`))).toBe(true);
      }
    }
    for (const [k, v] of Object.entries((doc['variables'] ?? {}) as Record<string, unknown>)) expect(typeof v, k).toBe('string');
  });

  it('has a job per target; the windows/amd64 one cross-compiles with MinGW-w64', () => {
    const visible = jobs.filter(([n]) => !n.startsWith('.')).map(([, j]) => resolve(j));
    expect(visible.map((j) => j.variables?.['CGO_LS_TARGET']).sort()).toEqual(['linux/amd64', 'windows/amd64']);
    const win = visible.find((j) => j.variables?.['CGO_LS_TARGET'] === 'windows/amd64')!;
    expect(win.variables).toMatchObject({ GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '1', CC: 'x86_64-w64-mingw32-gcc' });
    expect(win.before_script!.join('\n')).toContain('gcc-mingw-w64-x86-64');
  });
});

const PRECOMMIT_LANGUAGES = new Set([
  'conda',
  'coursier',
  'dart',
  'docker',
  'docker_image',
  'dotnet',
  'fail',
  'golang',
  'haskell',
  'julia',
  'lua',
  'node',
  'perl',
  'pygrep',
  'python',
  'r',
  'ruby',
  'rust',
  'swift',
  'script',
  'system',
  'unsupported',
  'unsupported_script',
]);
const PRECOMMIT_STAGES = new Set([
  'commit-msg',
  'post-checkout',
  'post-commit',
  'post-merge',
  'post-rewrite',
  'pre-commit',
  'pre-merge-commit',
  'pre-push',
  'pre-rebase',
  'prepare-commit-msg',
  'manual',
]);
type Hook = {
  id: string;
  name: string;
  entry: string;
  language: string;
  files?: string;
  pass_filenames?: boolean;
  require_serial?: boolean;
  stages?: string[];
  minimum_pre_commit_version?: string;
  description?: string;
};

describe('pre-commit hook manifest', () => {
  const hooks = yaml.load(fs.readFileSync(PRECOMMIT, 'utf8')) as Hook[];
  it('follows the manifest rules of pre-commit (clientlib.MANIFEST_HOOK_DICT)', () => {
    expect(Array.isArray(hooks)).toBe(true);
    const ids = new Set<string>();
    for (const h of hooks) {
      for (const k of ['id', 'name', 'entry', 'language'] as const) expect(typeof h[k], `${h.id}: ${k}`).toBe('string');
      expect(ids.has(h.id)).toBe(false);
      ids.add(h.id);
      expect(PRECOMMIT_LANGUAGES.has(h.language)).toBe(true);
      if (h.files !== undefined) expect(() => new RegExp(h.files!)).not.toThrow();
      for (const s of h.stages ?? []) expect(PRECOMMIT_STAGES.has(s), s).toBe(true);
      for (const b of ['pass_filenames', 'require_serial'] as const) if (h[b] !== undefined) expect(typeof h[b]).toBe('boolean');
      if (h.minimum_pre_commit_version !== undefined) expect(String(h.minimum_pre_commit_version)).toMatch(/^\d+\.\d+\.\d+$/);
      // language: node installs this repository as an npm package: its bin must provide the entry's command.
      expect(h.entry.split(' ')[0]).toBe(Object.keys(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).bin)[0]);
    }
    expect([...ids]).toEqual(['cgo-ls', 'cgo-ls-matrix']);
  });
});

// ---- the templates' commands, run ------------------------------------------------------------------------------

const GO = tool('go', findExecutable('go'), 'apt-get install -y golang-go (or a Go release on PATH)');
const GCC = tool('gcc', findExecutable('gcc'), 'apt-get install -y gcc');
const MINGW = tool('x86_64-w64-mingw32-gcc', findExecutable('x86_64-w64-mingw32-gcc'), 'apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64');
const BASH = tool('bash', findExecutable('bash'), 'apt-get install -y bash');

interface Ran {
  code: number;
  out: string;
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    // GitLab's runner and GitHub's `shell: bash` both stop on the first failing command (set -e, pipefail).
    const p = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
  });
}

describeWith([GO, GCC, MINGW, BASH], "the templates' commands on fixture modules", () => {
  let tmp: string;
  let green: string;
  let red: string;
  let env: NodeJS.ProcessEnv;
  let scenarios: {
    githubGreen: Promise<{ steps: Record<string, Ran>; failed: boolean; summary: string }>;
    githubRed: Promise<{ steps: Record<string, Ran>; failed: boolean; summary: string }>;
    gitlabWindowsGreen: Promise<{ run: Ran; report: unknown }>;
    gitlabRed: Promise<{ run: Ran; report: unknown }>;
    preCommit: Promise<Ran[]>;
  };

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cgo-ls-templates-'));
    // `cgo-ls` on PATH, as `npm install -g` leaves it.
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'cgo-ls'), `#!/bin/sh\nexec "${process.execPath}" "${serverMain}" "$@"\n`, { mode: 0o755 });
    // A module where every cell works: the fallback package (its cgo test is skipped with cgo off, a warning) and
    // the program that uses it.
    green = path.join(tmp, 'green');
    fs.mkdirSync(green);
    fs.copyFileSync(path.join(matrixFixture, 'go.mod'), path.join(green, 'go.mod'));
    fs.cpSync(path.join(matrixFixture, 'fallback'), path.join(green, 'fallback'), { recursive: true });
    fs.cpSync(path.join(matrixFixture, 'app'), path.join(green, 'app'), { recursive: true });
    env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false' };
    for (const k of ['SHELL', 'CGO_ENABLED', 'GOOS', 'GOARCH', 'CC', 'CI']) delete env[k];
    // The scenarios run side by side (each is a few cgo-ls runs, mostly waiting on go and gcc); the tests read them.
    const hooks = yaml.load(fs.readFileSync(PRECOMMIT, 'utf8')) as Hook[];
    const goFiles = (root: string) =>
      fs
        .readdirSync(root, { recursive: true })
        .map(String)
        .filter((f) => new RegExp(hooks[0]!.files!).test(f))
        .sort();
    const entry = (h: Hook, root: string) => (h.pass_filenames === false ? h.entry : `${h.entry} ${goFiles(root).join(' ')}`);
    const [check, matrix] = hooks as [Hook, Hook];
    // The red runs of GitHub and pre-commit write nothing into the fixture; GitLab's red run works on a copy.
    red = path.join(tmp, 'red');
    fs.cpSync(matrixFixture, red, { recursive: true });
    scenarios = {
      githubGreen: githubJob(green),
      // On the broken module only the matrix step and the verdict matter (the others are the green run's).
      githubRed: githubJob(matrixFixture, ['Command matrix (job summary)', 'Verdict']),
      gitlabWindowsGreen: gitlabJob('cgo-ls:windows-amd64', green),
      gitlabRed: gitlabJob('cgo-ls:linux-amd64', red, { CGO_ENABLED: '0' }),
      preCommit: Promise.all([
        bash(entry(check, green), green, env),
        bash(entry(matrix, green), green, env),
        bash(entry(check, matrixFixture), matrixFixture, { ...env, CGO_ENABLED: '0' }),
      ]),
    };
    for (const p of Object.values(scenarios)) p.catch(() => undefined);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Runs the linux/amd64 job of the GitHub workflow: its `run:` steps in order, with continue-on-error and `if:`. */
  async function githubJob(cwd: string, only?: string[]): Promise<{ steps: Record<string, Ran>; failed: boolean; summary: string }> {
    const wf = yaml.load(fs.readFileSync(GITHUB, 'utf8')) as Workflow;
    const job = Object.values(wf.jobs)[0]!;
    const summary = path.join(fs.mkdtempSync(path.join(tmp, 'gh-')), 'summary.md');
    fs.writeFileSync(summary, '');
    const outcome: Record<string, 'success' | 'failure'> = {};
    const steps: Record<string, Ran> = {};
    let failed = false;
    for (const s of job.steps) {
      if (!s.run || s.name === 'Install cgo-ls' || (only && !only.includes(s.name ?? ''))) continue;
      if (s.if === "runner.os == 'Windows'") continue;
      if (s.if) {
        const cond = s.if.replace(/steps\.(\w+)\.outcome/g, (_m, id: string) => JSON.stringify(outcome[id] ?? 'success')).replace(/'/g, '"');
        if (!(new Function(`return (${cond});`)() as boolean)) continue;
      }
      const script = s.run.replace(/\$\{\{\s*matrix\.target\s*\}\}/g, 'linux/amd64');
      const r = await bash(script, cwd, { ...env, GITHUB_STEP_SUMMARY: summary, ...job.env, CGO_LS_PACKAGE: 'unused' });
      steps[s.name ?? s.run] = r;
      if (s.id) outcome[s.id] = r.code === 0 ? 'success' : 'failure';
      if (r.code !== 0 && !s['continue-on-error']) failed = true;
    }
    return { steps, failed, summary: fs.readFileSync(summary, 'utf8') };
  }

  /** Runs one GitLab job's script (variables: global, template, job) as the runner would. */
  async function gitlabJob(name: string, cwd: string, extra: Record<string, string> = {}): Promise<{ run: Ran; report: unknown }> {
    const doc = yaml.load(fs.readFileSync(GITLAB, 'utf8')) as Record<string, GitlabJob>;
    const job = doc[name]!;
    const base = doc[job.extends!]!;
    const vars = {
      ...(doc['variables'] as unknown as Record<string, string>),
      ...(base.variables as Record<string, string>),
      ...(job.variables as Record<string, string>),
      ...extra,
    };
    const run = await bash(base.script!.join('\n'), cwd, { ...env, ...vars });
    const file = path.join(cwd, base.artifacts!.reports!.codequality as string);
    return { run, report: JSON.parse(fs.readFileSync(file, 'utf8')) };
  }

  it('GitHub: every step of the linux/amd64 job passes on a green module; SARIF 2.1.0; doctor and matrix in the summary', async () => {
    const { steps, failed, summary } = await scenarios.githubGreen;
    expect(failed, JSON.stringify(steps, null, 1)).toBe(false);
    expect(Object.keys(steps)).not.toContain('Verdict');
    const sarif = JSON.parse(fs.readFileSync(path.join(green, 'cgo-ls.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].tool.driver.name).toBe('cgo-ls');
    expect(Array.isArray(sarif.runs[0].results)).toBe(true);
    expect(summary).toContain('## cgo-ls doctor');
    expect(summary).toMatch(/\| ✅ \| C compiler \|/);
    expect(summary).toContain('## cgo-ls command matrix');
    expect(summary).toContain('leaves out sum\\_cgo\\_test.go (//go:build cgo)');
  }, 120_000);

  it('GitHub: the job fails on the matrix fixture (a package without fallback)', async () => {
    const { steps, failed, summary } = await scenarios.githubRed;
    expect(steps['Command matrix (job summary)']?.code).toBe(1);
    expect(steps['Verdict']?.code).toBe(1);
    expect(failed).toBe(true);
    expect(summary).toMatch(/❌ fails: build constraints exclude all Go files in nofallback/);
  }, 120_000);

  it('GitLab: the windows/amd64 job (cross, MinGW-w64) passes on a green module; the Code Quality report is an array', async () => {
    // (The linux/amd64 job runs the same script; it is run below on a broken module.)
    const { run, report } = await scenarios.gitlabWindowsGreen;
    expect(run.code, run.out).toBe(0);
    expect(report).toEqual([]);
    expect(run.out).toContain('## cgo-ls doctor');
    expect(run.out).toContain('**cgo enabled** for `windows/amd64`');
    expect(run.out).toContain('| `windows/amd64` | `CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc` | ✅ builds |');
  }, 120_000);

  it('GitLab: with CGO_ENABLED=0 on the matrix fixture the job fails and the report holds Code Quality issues', async () => {
    const { run, report } = await scenarios.gitlabRed;
    expect(run.code, run.out).toBe(1);
    const issues = report as {
      description: string;
      check_name: string;
      fingerprint: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) {
      expect(i.description.length).toBeGreaterThan(0);
      expect(i.check_name).toMatch(/^cgo\//);
      expect(i.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
      expect(path.isAbsolute(i.location.path)).toBe(false);
      expect(fs.existsSync(path.join(red, i.location.path))).toBe(true);
      expect(i.location.lines.begin).toBeGreaterThan(0);
    }
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.find((i) => i.check_name === 'cgo/tests-excluded')).toMatchObject({
      severity: 'minor',
      location: { path: 'fallback/sum_cgo_test.go', lines: { begin: 1 } },
    });
  }, 120_000);

  it("pre-commit: the hooks' entries pass on a green module and fail on a broken one", async () => {
    const [a, b, c] = await scenarios.preCommit;
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(c.code, c.out).toBe(1);
    expect(c.out).toMatch(/^fallback\/sum_cgo_test\.go:1:1: warning cgo\/tests-excluded: /m);
  }, 120_000);
});
