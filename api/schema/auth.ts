/** Who am I, logging in with a password, and electronic signatures (`signRecord`). */
import { ROLES } from '../../domain/auth/roles.ts';
import { requireSignature, type Signature } from '../../domain/auth/signatures.ts';
import type { LoginResult } from '../auth/authenticate.ts';
import type { Principal } from '../../domain/auth/roles.ts';
import { builder } from '../builder.ts';

export const RoleEnum = builder.enumType('Role', { values: ROLES });

const PrincipalType = builder.objectRef<Principal>('Principal').implement({
  description: 'An authenticated user (or `dev`, the development key).',
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.field({ type: RoleEnum, resolve: (p) => p.role }),
  }),
});

export const SignatureType = builder.objectRef<Signature>('Signature').implement({
  description: 'An electronic signature: who signed what, when, and what the signature means. Held in the audit trail.',
  fields: (t) => ({
    signer: t.exposeString('signer'),
    role: t.field({ type: RoleEnum, resolve: (s) => s.role }),
    signedAt: t.exposeString('signedAt', { description: 'ISO 8601, UTC' }),
    meaning: t.exposeString('meaning'),
    target: t.exposeID('target'),
    auditSeq: t.exposeInt('auditSeq', { description: 'The audit trail entry that records this signature.' }),
    auditHash: t.exposeString('auditHash'),
  }),
});

const LoginResultType = builder.objectRef<LoginResult>('LoginResult').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send as `Authorization: Bearer <token>`; valid on this server only.' }),
    expiresAt: t.exposeString('expiresAt'),
    principal: t.field({ type: PrincipalType, resolve: (r) => r.principal }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: PrincipalType,
    description: 'The caller.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.principal!,
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginResultType,
    description:
      'A short-lived token (one hour) for a user name and password; the only call allowed without a key. After repeated failures the name or address is refused for a while (TOO_MANY_ATTEMPTS, HTTP 429).',
    skipTypeScopes: true,
    args: {
      name: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
    },
    resolve: (_root, args, ctx) => ctx.auth.login(args.name, args.password, ctx.clientAddress),
  }),
  signRecord: t.withAuth({ sign: true }).field({
    type: SignatureType,
    description: 'Signs a record or report: re-enter your password; the signature goes into the audit trail.',
    args: {
      target: t.arg.id({ required: true, description: 'what is signed (a report, record or object id)' }),
      meaning: t.arg.string({ required: true, description: 'what the signature means, e.g. "approved", "reviewed"' }),
      password: t.arg.string({ required: true, description: 'your password, entered again for this signature' }),
    },
    resolve: (_root, args, ctx) => requireSignature(ctx, args),
  }),
}));
