/**
 * The EPCIS REST endpoints go through the same keys and roles as GraphQL: a capture needs the
 * `capture` scope and is recorded in the audit trail; a query needs `readTrace`.
 */
import type { IncomingMessage } from 'node:http';
import type { AuditTrail } from '../../domain/audit/trail.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import { hasScope, rolesWith, type Scope } from '../../domain/auth/roles.ts';
import { EpcisQueryError } from './query.ts';

/** The address is over its failed-authentication limit: 429, with how long to wait (Retry-After). */
export class EpcisThrottled extends EpcisQueryError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('SecurityException', 429, message);
  }
}

const NEEDS: Record<'capture' | 'read', Scope> = { capture: 'capture', read: 'readTrace' };

export function epcisGuard(auth: Authenticator, audit: AuditTrail) {
  return async (req: IncomingMessage, need: 'capture' | 'read'): Promise<void> => {
    const who = await auth.authenticate(req.headers.authorization, req.socket.remoteAddress);
    if (!who.principal) {
      if (who.retryAfterSeconds !== undefined) throw new EpcisThrottled(who.reason, who.retryAfterSeconds);
      throw new EpcisQueryError('SecurityException', 401, who.reason);
    }
    const scope = NEEDS[need];
    if (!hasScope(who.principal.role, scope)) {
      throw new EpcisQueryError(
        'SecurityException',
        403,
        `role ${who.principal.role} may not ${need === 'capture' ? 'capture EPCIS events' : 'query EPCIS events'}: that needs scope ${scope}, held by ${rolesWith(scope).join(', ')}`,
      );
    }
    if (need === 'capture') {
      await audit.append({
        actor: who.principal.name,
        action: 'epcis.capture',
        details: { contentType: req.headers['content-type'] ?? null },
      });
    }
  };
}
