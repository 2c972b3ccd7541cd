import { loadConfig } from '../../core/config.ts';
import { listDeadLetters } from '../../ingest/pipeline/dead-letters.ts';
import { out, printJson } from '../output.ts';

/** One line per reject; control characters in the raw payload are shown as spaces so each stays on a line. */
function row(d: { at: string; source: string; reason: string; raw: string }): string {
  const raw = [...d.raw].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('');
  return `${d.at}  ${d.source}  ${d.reason}\n    ${raw.length > 80 ? raw.slice(0, 80) + '…' : raw}`;
}

export async function deadletters(opts: { data?: string; json?: boolean }): Promise<void> {
  // Only the data directory matters here: no graph store is opened.
  const letters = listDeadLetters(loadConfig({ dataDir: opts.data }).dataDir);
  if (opts.json) return printJson(letters);
  if (!letters.length) return out('no dead letters\n');
  await out(letters.map(row).join('\n') + `\n${letters.length} dead letter(s)\n`);
}
