/**
 * Progress on long work: a bar on a terminal (stderr, so `--json` output stays clean), nothing
 * when stderr is not a terminal (logs and CI stay readable).
 */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(done: number, info?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

let enabled = true;

/** The `noProgress` setting turns bars off for the whole process (cli.ts sets it at start). */
export function setProgressBars(on: boolean): void {
  enabled = on;
}

export function progressBar(label: string, total: number, unit = ''): ProgressBar {
  if (!process.stderr.isTTY || !enabled) return { update() {}, setTotal() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | {info} | eta {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update: (done, info) =>
      bar.update(done, {
        info: info
          ? Object.entries(info)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')
          : '',
      }),
    setTotal: (t) => bar.setTotal(t),
    stop: () => bar.stop(),
  };
}
