/**
 * Running the `tracegraph` command as a user does: `node bin/tracegraph.js`, which runs the
 * compiled CLI in dist/ (test/setup/build-cli.ts builds it when the sources are newer) and the
 * TypeScript sources with TRACEGRAPH_FROM_SOURCE=1.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = resolve(ROOT, 'bin/tracegraph.js');

export interface CliOptions {
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed with SIGKILL after this long (default 120 s); the result then has `signal`. */
  timeout?: number;
  cwd?: string;
  /** Options for node itself, before the script (e.g. --max-old-space-size=256). */
  nodeArgs?: string[];
}

export interface CliResult {
  /** Exit status, null when ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[], o: CliOptions): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...(o.nodeArgs ?? []), CLI, ...args], { env: o.env ?? process.env, cwd: o.cwd ?? ROOT });
}

/** Runs a command to its end and returns its exit status and everything it wrote. */
export function runCli(args: string[], o: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, o);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(o.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeout ?? 120_000);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** A command left running (ingest, serve): its output so far, a way to wait for a line, its exit. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Exit status (null: killed by a signal), once the process has ended. */
  exited: Promise<number | null>;
  /** Waits until stdout (or stderr) contains `text`; fails early, with stderr, if the process ends first. */
  waitForOutput(text: string | RegExp, o?: { stream?: 'stdout' | 'stderr'; timeout?: number }): Promise<void>;
  /** SIGKILL unless it has already ended (for afterEach/afterAll). */
  kill(): void;
}

export function startCli(args: string[], o: CliOptions = {}): RunningCli {
  const child = spawnCli(args, o);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (o.input !== undefined) child.stdin.end(o.input);
  let ended = false;
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      ended = true;
      r(code);
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForOutput(text, w = {}) {
      const has = () => {
        const s = w.stream === 'stderr' ? stderr : stdout;
        return typeof text === 'string' ? s.includes(text) : text.test(s);
      };
      await waitFor(
        `${String(text)} from tracegraph ${args[0] ?? ''}`,
        () => {
          if (ended && !has()) throw new Error(`tracegraph ${args.join(' ')} ended before it printed ${String(text)}: ${stderr}`);
          return has();
        },
        w.timeout ?? 60_000,
      );
    },
    kill() {
      if (!ended) child.kill('SIGKILL');
    },
  };
}
