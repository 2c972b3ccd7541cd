/**
 * `GET /reports/<file>`: the reports generateReport wrote, behind the same keys as GraphQL (scope
 * `reports`; the local key of the CLI works from loopback, as for GraphQL). Each download is an `export` audit entry. Only names generateReport makes are served.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AuditTrail } from '../domain/audit/trail.ts';
import { recordExport } from '../domain/audit/trail.ts';
import { hasScope, rolesWith } from '../domain/auth/roles.ts';
import type { Authenticator } from './auth/authenticate.ts';
import { sendJson, sendUnauthenticated } from './http.ts';
import { REPORTS_DIR, REPORTS_PATH } from './schema/reports.ts';

const NAME = /^(recall|unit|audit|fsma)-[0-9a-f-]{36}\.(pdf|csv|xlsx|json)$/;
const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export function reportDownloads(dataDir: string, auth: Authenticator, audit: AuditTrail) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const who = await auth.authenticate(req.headers.authorization, req.socket.remoteAddress);
    if (!who.principal) return sendUnauthenticated(res, who);
    if (!hasScope(who.principal.role, 'reports'))
      return sendJson(res, 403, {
        error: `role ${who.principal.role} may not download reports: that needs scope reports, held by ${rolesWith('reports').join(', ')}`,
      });
    const name = path.slice(REPORTS_PATH.length);
    if (!NAME.test(name))
      return sendJson(res, 404, { error: `no report ${JSON.stringify(name)}: use the url generateReport answered` });
    const file = join(dataDir, REPORTS_DIR, name);
    const size = await stat(file).then(
      (s) => s.size,
      () => null,
    );
    if (size === null)
      return sendJson(res, 404, { error: `no report ${JSON.stringify(name)}: use the url generateReport answered` });
    await recordExport(audit, who.principal.name, `report:${name}`, { bytes: size });
    res.writeHead(200, {
      'content-type': TYPES[name.slice(name.lastIndexOf('.') + 1)]!,
      'content-length': String(size),
      'content-disposition': `attachment; filename="${name}"`,
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file), res);
  };
}
