import { Command } from 'commander';
import { loadConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { dataOption, jsonOption, printJson } from '../common.ts';

export function auditCommand(): Command {
  const audit = new Command('audit').description('the audit trail: verify its hash chain');
  audit
    .command('verify')
    .description('check every entry of the audit trail against the one before it; name the first that breaks the chain')
    .addOption(dataOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Prints "ok: N entries" and the hash of the last one (keep it elsewhere: removing entries from
the end leaves a shorter, valid chain), or the first broken entry with the reason, exit status 1.
With --json: {"ok":true,"entries":N,"lastHash":"..."} or {"ok":false,"entries":N,"brokenAt":{"seq":S,"line":L,"reason":"..."}}.`,
    )
    .action(async (opts: { data?: string; json?: boolean }) => {
      const trail = new AuditTrail(loadConfig({ dataDir: opts.data }).dataDir);
      const r = await trail.verify();
      if (opts.json) {
        printJson(r);
        if (!r.ok) process.exitCode = 1;
        return;
      }
      if (!r.ok)
        throw new TracegraphError(
          'AUDIT_BROKEN',
          `audit trail broken at entry ${r.brokenAt.seq} (${trail.path} line ${r.brokenAt.line}): ${r.brokenAt.reason}; the ${r.entries} entries before it verify`,
        );
      process.stdout.write(`ok: ${r.entries} entries${r.lastHash ? `, last hash ${r.lastHash}` : ''}\n`);
    });
  return audit;
}
