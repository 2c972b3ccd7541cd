/**
 * `myScopes`: what the caller may do, so that the web app shows only the pages and buttons of the
 * signed-in role (a service key never sees a recall button). The server still checks every field:
 * this only spares people buttons that would answer FORBIDDEN.
 */
import { ROLE_SCOPES } from '../../domain/auth/roles.ts';
import { builder } from '../builder.ts';

builder.queryFields((t) => ({
  myScopes: t.stringList({
    authScopes: { authenticated: true },
    description: "The scopes of the caller's role (readTrace, readHistory, readMonitor, hold, recall, sign, auditRead, ...)",
    resolve: (_r, _a, ctx) => [...ROLE_SCOPES[ctx.principal!.role]],
  }),
}));
