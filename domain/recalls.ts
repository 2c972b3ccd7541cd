/**
 * Saved recalls: a scope saved with its criteria and counts, approved by electronic signatures
 * that live in the audit trail (target `recall:<id>`).
 */
import { TracegraphError } from '../core/errors.ts';
import type { GraphStore, RecallCriteria, RecallRecord } from '../cypher/port.ts';
import type { AuditTrail } from './audit/trail.ts';
import type { Signature, Signer } from './auth/signatures.ts';

export const MAX_RECALL_NAME = 512;

/** The target a recall approval signs. */
export const recallApprovalTarget = (id: string): string => `recall:${id}`;

/** Scopes the criteria and saves the recall with its counts. */
export async function saveRecall(
  s: { store: Pick<GraphStore, 'recallScope' | 'saveRecall'> },
  input: { name: string; criteria: RecallCriteria; by: string | null },
): Promise<RecallRecord> {
  const name = input.name.trim();
  if (name === '' || name.length > MAX_RECALL_NAME)
    throw new TracegraphError('BAD_INPUT', `name must be 1 to ${MAX_RECALL_NAME} characters`);
  const { counts } = await s.store.recallScope(input.criteria);
  return s.store.saveRecall({ name, criteria: input.criteria, counts, createdBy: input.by });
}

/** Signs a saved recall as approved (or with another meaning); NOT_FOUND for an unknown id. */
export async function approveRecall(
  s: { store: Pick<GraphStore, 'listRecalls'> },
  sign: Signer,
  input: { id: string; meaning?: string | null },
): Promise<Signature> {
  const recall = (await s.store.listRecalls()).find((r) => r.id === input.id);
  if (!recall)
    throw new TracegraphError('NOT_FOUND', `no recall ${JSON.stringify(input.id)}: list them with { recalls { id name } }`);
  return sign({ meaning: input.meaning ?? 'approved', target: recallApprovalTarget(recall.id) });
}

/** A recall's approvals: the trail's index reads just the signature entries on this recall. */
export async function recallApprovals(audit: Pick<AuditTrail, 'query'>, id: string): Promise<Signature[]> {
  const target = recallApprovalTarget(id);
  const { entries } = await audit.query({ first: Infinity, action: 'signature', target });
  return entries.map((e) => {
    const d = e.details as { meaning: string; role: Signature['role'] };
    return { signer: e.actor, role: d.role, signedAt: e.time, meaning: d.meaning, target, auditSeq: e.seq, auditHash: e.hash };
  });
}
