/**
 * Electronic signatures (21 CFR Part 11 style): the signer re-enters their password at the moment
 * of signing, and the signature (who, their role, when, what it means, what it signs) is written to
 * the audit trail before the signed action is acknowledged. Mutations that need a signature
 * (release a hold, approve a recall, change a spec, sign a report) call `requireSignature` first
 * and do their work only when it returns.
 */
import { TracegraphError } from '../../core/errors.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { DEV_PRINCIPAL, type Principal, type Role } from './roles.ts';
import { TooManyAttempts, type LoginThrottle } from './throttle.ts';
import type { UserStore } from './users.ts';

/** What signing needs from the caller's request: who signs, from where, and where it is recorded. */
export interface SigningContext {
  principal: Principal | null;
  clientAddress?: string;
  /** The signed-in session (an opaque id of its key or token): failed signatures are limited per session. */
  session?: string;
  audit: Pick<AuditTrail, 'append'>;
  auth: { throttle: LoginThrottle; users: Pick<UserStore, 'checkPassword'> };
}

export interface Signature {
  signer: string;
  role: Role;
  /** ISO 8601, UTC: the time of the audit entry. */
  signedAt: string;
  /** What the signature means, e.g. "approved", "reviewed", "released hold H-12". */
  meaning: string;
  /** What was signed: a record, report or object id. */
  target: string;
  /** The audit entry holding the signature. */
  auditSeq: number;
  auditHash: string;
}

/** Signs `target` with `meaning` for the caller (the password is already in hand); what use cases are given. */
export type Signer = (what: { meaning: string; target: string }) => Promise<Signature>;

export interface SignatureRequest {
  password: string;
  meaning: string;
  target: string;
}

export const MAX_MEANING_LENGTH = 200;
export const MAX_TARGET_LENGTH = 512;

function checked(req: SignatureRequest): { meaning: string; target: string } {
  const meaning = req.meaning.trim();
  const target = req.target.trim();
  if (!meaning) throw new TracegraphError('BAD_INPUT', 'a signature needs its meaning (e.g. "approved", "reviewed")');
  if (meaning.length > MAX_MEANING_LENGTH)
    throw new TracegraphError('BAD_INPUT', `the meaning has ${meaning.length} characters; at most ${MAX_MEANING_LENGTH}`);
  if (!target) throw new TracegraphError('BAD_INPUT', 'a signature needs the id of what it signs');
  if (target.length > MAX_TARGET_LENGTH)
    throw new TracegraphError('BAD_INPUT', `the target id has ${target.length} characters; at most ${MAX_TARGET_LENGTH}`);
  return { meaning, target };
}

/**
 * The password check of a signature, under failed-attempt limits of its own: counted per signed-in
 * session, so that others failing logins for this name cannot stop this session from signing.
 * Refused unchecked, and audited, while the session is locked out.
 */
async function throttledCheck(ctx: SigningContext, name: string, password: string, target: string, meaning: string) {
  let attempt;
  try {
    // In-process callers without a session (bare-schema tests) are counted by name.
    attempt = ctx.auth.throttle.beginSignature(ctx.session ?? `name:${name}`);
  } catch (e) {
    if (e instanceof TooManyAttempts)
      await ctx.audit.append({
        actor: name,
        action: 'signature.failed',
        target,
        details: { meaning, role: ctx.principal!.role, reason: 'too-many-attempts', retryAt: e.retryAt.toISOString() },
      });
    throw e;
  }
  try {
    const outcome = await ctx.auth.users.checkPassword(name, password);
    // A user without a password has nothing to guess: only a wrong password counts.
    attempt.done(outcome === 'ok' ? 'ok' : outcome === 'wrong-password' ? 'failed' : undefined);
    return outcome;
  } catch (e) {
    attempt.done(undefined);
    throw e;
  }
}

/**
 * Re-verifies the caller's password, records the signature in the audit trail and returns it;
 * throws SIGNATURE_INVALID (and records the failed attempt) when the password does not verify.
 */
export async function requireSignature(ctx: SigningContext, req: SignatureRequest): Promise<Signature> {
  const who = ctx.principal;
  if (!who) throw new TracegraphError('UNAUTHENTICATED', 'signing needs an authenticated user');
  const { meaning, target } = checked(req);
  const outcome =
    who.name === DEV_PRINCIPAL.name ? 'dev-key' : await throttledCheck(ctx, who.name, req.password, target, meaning);
  if (outcome !== 'ok') {
    await ctx.audit.append({
      actor: who.name,
      action: 'signature.failed',
      target,
      details: { meaning, role: who.role, reason: outcome },
    });
    throw new TracegraphError(
      'SIGNATURE_INVALID',
      outcome === 'wrong-password'
        ? 'the password does not match: nothing was signed'
        : outcome === 'no-password'
          ? `user ${who.name} has no password and cannot sign: add the user again with --password-stdin`
          : `${who.name} cannot sign (the dev key has no password): sign as a user with a password`,
    );
  }
  const entry = await ctx.audit.append({ actor: who.name, action: 'signature', target, details: { meaning, role: who.role } });
  return { signer: who.name, role: who.role, signedAt: entry.time, meaning, target, auditSeq: entry.seq, auditHash: entry.hash };
}
