/**
 * Standard output for every command: written in full before the process exits.
 *
 * On Linux a write to a pipe that the reader has not emptied is queued inside Node, and
 * `process.exit()` drops the queue: `tracegraph trace forward --json LOT | python3 -m json.tool`
 * used to receive a multiple of 64 KiB and the command still exited 0. So commands write through
 * `out` / `printJson`, and the CLI leaves through `exitAfterOutput`, which waits until stdout and
 * stderr have handed everything to the operating system.
 *
 * A reader that goes away (`| head`) is not an error of ours: no message, and the exit status of a
 * program stopped by SIGPIPE (141), as `seq 1000000 | head` gives. Any other write error (a full
 * disk behind `> file`) is one line on stderr and exit status 1.
 */

/** 128 + SIGPIPE: what a shell reports for a program whose reader closed the pipe. */
export const EXIT_PIPE_CLOSED = 141;

type Outcome = { kind: 'ok' } | { kind: 'closed' } | { kind: 'failed'; message: string };

let outcome: Outcome = { kind: 'ok' };

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (outcome.kind !== 'ok') return;
  outcome = e.code === 'EPIPE' ? { kind: 'closed' } : { kind: 'failed', message: e.message };
}

// Without a listener a closed pipe would be an uncaught exception with a stack trace.
process.stdout.on('error', onStdoutError);
// Progress bars and messages on a closed stderr are not worth failing a command for.
process.stderr.on('error', () => undefined);

/** Writes `text` to stdout; resolves once the operating system has it (or stdout can take no more). */
export function out(text: string): Promise<void> {
  if (outcome.kind !== 'ok' || !process.stdout.writable) return Promise.resolve();
  return new Promise((resolve) => {
    process.stdout.write(text, (e) => {
      if (e) onStdoutError(e);
      resolve();
    });
  });
}

/** One JSON document and a newline on stdout. */
export function printJson(value: unknown): Promise<void> {
  return out(JSON.stringify(value) + '\n');
}

/** Resolves when everything written to `stream` so far has left the process (writes complete in order). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || !stream.writable) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/**
 * Waits for stdout and stderr to be written out, then exits with `code`, or with 141 when the
 * reader of stdout went away, or 1 (and one line on stderr) when stdout could not be written.
 */
export async function exitAfterOutput(code: number): Promise<never> {
  await drained(process.stdout);
  const o: Outcome = outcome;
  if (o.kind === 'failed') process.stderr.write(`tracegraph: could not write the output (${o.message})\n`);
  await drained(process.stderr);
  // A command that failed keeps its own status; the output problem only says why a success is not one.
  process.exit(code !== 0 ? code : o.kind === 'closed' ? EXIT_PIPE_CLOSED : o.kind === 'failed' ? 1 : 0);
}
