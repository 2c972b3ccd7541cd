import { loadConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { out, printJson } from '../output.ts';

export async function auditVerify(opts: { data?: string; json?: boolean }): Promise<void> {
  const trail = new AuditTrail(loadConfig({ dataDir: opts.data }).dataDir);
  const r = await trail.verify();
  if (opts.json) {
    await printJson(r);
    if (!r.ok) process.exitCode = 1;
    return;
  }
  if (!r.ok)
    throw new TracegraphError(
      'AUDIT_BROKEN',
      `audit trail broken at entry ${r.brokenAt.seq} (${trail.path} line ${r.brokenAt.line}): ${r.brokenAt.reason}; the ${r.entries} entries before it verify`,
    );
  await out(`ok: ${r.entries} entries${r.lastHash ? `, last hash ${r.lastHash}` : ''}\n`);
}
