/**
 * What the CLI writes reaches whoever reads it: a multi-megabyte `--json` answer through a pipe to
 * a slow reader arrives whole, a reader that stops early (`| head`) ends the command quietly, a
 * write that fails is an error; and the launcher runs the compiled CLI only when it matches the sources.
 */
import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { distState, newestMtime } from '../../bin/freshness.js';
import { CLI, ROOT, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';

const UNITS = 10_000;
// Long ids make a big answer from a small graph: about 4 MB of JSON.
const unitId = (i: number) => `urn:epc:id:sgtin:4012345.077889.${'S'.repeat(150)}${i}`;

/** Reads stdin in small sips with pauses, then prints what it got; or prints the first sip and closes the pipe. */
const READER = `
const stopEarly = process.argv[1] === 'stop';
const chunks = [];
process.stdin.on('data', (d) => {
  if (stopEarly) {
    process.stdin.destroy(); // closes the pipe: the writer's next write fails with EPIPE
    process.stdout.write(d);
    return;
  }
  chunks.push(d);
  process.stdin.pause();
  setTimeout(() => process.stdin.resume(), 2);
});
process.stdin.on('end', () => process.stdout.write(Buffer.concat(chunks)));
`;

interface Piped {
  code: number | null;
  stderr: string;
  received: string;
}

/** `tracegraph ARGS | node -e READER`: the CLI writes straight into the reader's pipe, as in a shell. */
async function throughPipe(args: string[], env: NodeJS.ProcessEnv, mode: 'slow' | 'stop'): Promise<Piped> {
  const reader = spawn(process.execPath, ['-e', READER, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const cli = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', reader.stdin, 'pipe'], env });
  // Only the CLI holds the writing end now: the reader sees the end when the CLI exits.
  reader.stdin.destroy();
  let received = '';
  let stderr = '';
  reader.stdout.setEncoding('utf8').on('data', (d: string) => (received += d));
  cli.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = await Promise.all([
    new Promise<number | null>((r) => cli.on('close', (c) => r(c))),
    new Promise((r) => reader.on('close', r)),
  ]);
  return { code, stderr, received };
}

describe('tracegraph output through pipes', () => {
  const dir = tempDir();
  const env = { ...process.env, TRACEGRAPH_DATA: join(dir, 'data'), TRACEGRAPH_NEO4J_URI: '' };

  beforeAll(async () => {
    const ops = [];
    for (let o = 0; o < 10; o++) {
      const outputs = [];
      for (let i = o * (UNITS / 10); i < (o + 1) * (UNITS / 10); i++) outputs.push({ id: unitId(i), type: 'unit' });
      ops.push({
        kind: 'operation',
        eventId: `big-${o}`,
        eventTime: '2026-03-01T08:00:00Z',
        operationId: `OP-${o}`,
        step: 'assembly',
        station: 'ASM-1',
        inputs: [{ id: 'BIG-LOT', qty: 1, uom: 'kg' }],
        outputs,
      });
    }
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, ops.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const r = await runCli(['import', 'events', file], { env });
    expect(r.stderr).toContain(`10 events, 10 new`);
  }, 240_000);

  it('a multi-megabyte trace --json reaches a slow reader whole, and the exit status is 0', async () => {
    const r = await throughPipe(['trace', 'forward', '--json', 'BIG-LOT'], env, 'slow');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.received.length).toBeGreaterThan(3 * 1024 * 1024);
    const trace = JSON.parse(r.received) as { units: string[]; flows: unknown[] };
    expect(trace.units).toHaveLength(UNITS);
    expect(new Set(trace.units)).toEqual(new Set(Array.from({ length: UNITS }, (_, i) => unitId(i))));
    expect(trace.flows).toHaveLength(UNITS);
  });

  it('a reader that stops early (| head) ends the command quietly, with the status of a closed pipe', async () => {
    const r = await throughPipe(['trace', 'forward', '--json', 'BIG-LOT'], env, 'stop');
    expect(r.received.length).toBeGreaterThan(0);
    expect(r.received.length).toBeLessThan(3 * 1024 * 1024);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });

  it('output that cannot be written (a full disk) is one line on stderr and a non-zero exit', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const stdio: StdioOptions = ['ignore', full, 'pipe'];
      const child = spawn(process.execPath, [CLI, 'trace', 'forward', '--json', 'BIG-LOT'], { stdio, env });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(code).toBe(1);
      expect(stderr).toMatch(/^tracegraph: could not write the output \(.*no space left on device.*\)\n$/);
    } finally {
      closeSync(full);
    }
  });
});

describe('the tracegraph launcher', () => {
  it('runs the compiled CLI that the build made (what `npm ci` installs), saying nothing about it', async () => {
    expect(distState(ROOT)).toBe('fresh');
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('runs the TypeScript sources through tsx when asked, with the same commands', async () => {
    const r = await runCli(['trace', '--help'], { env: { ...process.env, TRACEGRAPH_FROM_SOURCE: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Usage: tracegraph trace \[options\] \[command\]/);
    expect(r.stdout).toMatch(/forward \[options\] <ids\.\.\.>/);
  });

  /** A tree with the real launcher and stand-ins for the compiled and the source CLI. */
  function tree(): { root: string; source: string } {
    const root = tempDir('tracegraph-launcher-');
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'core'));
    mkdirSync(join(root, 'dist/bin'), { recursive: true });
    for (const f of ['tracegraph.js', 'freshness.js']) copyFileSync(join(ROOT, 'bin', f), join(root, 'bin', f));
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'package.json'), '{"type":"module"}');
    writeFileSync(join(root, 'bin/cli.ts'), "const from: string = 'source';\nprocess.stdout.write(from);\n");
    writeFileSync(join(root, 'dist/bin/cli.js'), "process.stdout.write('dist');\n");
    const source = join(root, 'core/x.ts');
    writeFileSync(source, 'export {};\n');
    const past = new Date(Date.now() - 60_000);
    for (const f of [source, join(root, 'bin/cli.ts'), join(root, 'bin/tracegraph.js'), join(root, 'bin/freshness.js')])
      utimesSync(f, past, past);
    const stamp = { sourceMtimeMs: newestMtime(root, ['core', 'bin']), roots: ['core', 'bin'], files: [] };
    writeFileSync(join(root, 'dist/build-stamp.json'), JSON.stringify(stamp));
    return { root, source };
  }

  /** Runs the copied launcher (not the repository's) in that tree. */
  function run(root: string) {
    return new Promise<{ stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(root, 'bin/tracegraph.js')], { cwd: root });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', () => done({ stdout, stderr }));
    });
  }

  it('falls back to the sources, with one line on stderr, when a source is newer than the build or there is no build', async () => {
    const { root, source } = tree();
    expect(await run(root)).toEqual({ stdout: 'dist', stderr: '' });
    writeFileSync(source, 'export const changed = 1;\n');
    expect(distState(root)).toBe('stale');
    expect(await run(root)).toEqual({
      stdout: 'source',
      stderr: 'tracegraph: running from source, slower to start (dist/ is older than the sources: npm run build)\n',
    });
    writeFileSync(join(root, 'dist/build-stamp.json'), '');
    expect(distState(root)).toBe('missing');
    const missing = await run(root);
    expect(missing.stdout).toBe('source');
    expect(missing.stderr).toMatch(/dist\/ is not built: npm run build/);
  });

  it('leaves a dist/ that matches the sources as it is when built again (npx runs `prepare` beside a running demo)', () => {
    const { root } = tree();
    copyFileSync(join(ROOT, 'bin/build.js'), join(root, 'bin/build.js'));
    writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ include: ['core', 'bin'] }));
    // Older than the tree's sources, so the copy itself does not make dist/ stale.
    const older = new Date(Date.now() - 120_000);
    utimesSync(join(root, 'bin/build.js'), older, older);
    const r = spawnSync(process.execPath, [join(root, 'bin/build.js')], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('tracegraph build: dist/ matches the sources, left as it is (--force rebuilds it)\n');
    expect(readFileSync(join(root, 'dist/bin/cli.js'), 'utf8')).toBe("process.stdout.write('dist');\n");
  });
});
