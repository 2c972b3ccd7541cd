/**
 * Every GraphQL mutation, allowed or refused, goes on the audit trail once it has run: who, the
 * root fields with their arguments (variables filled in; passwords, tokens and secrets blanked),
 * and whether it succeeded with the error codes if not. The answer waits for the entry to be on
 * disk, so an acknowledged change is always on the record.
 */
import {
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type DefinitionNode,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../builder.ts';
import type { JsonValue } from '../../domain/audit/trail.ts';

const SECRET_KEY = /pass(word)?|secret|token|api.?key/i;
/** Arguments beyond this (JSON) are recorded as their size and SHA-256 only. */
const MAX_ARGS_JSON = 8 * 1024;

/** A JSON copy with every value under a secret-sounding key replaced. */
export function redact(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]),
    );
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

function rootFields(
  selections: readonly SelectionNode[],
  variables: Record<string, unknown>,
): { field: string; args: JsonValue }[] {
  return selections.flatMap((s) => {
    if (s.kind === Kind.INLINE_FRAGMENT) return rootFields(s.selectionSet.selections, variables);
    if (s.kind !== Kind.FIELD) return []; // a named fragment at the root of a mutation: rare; its fields run anyway
    const args = Object.fromEntries((s.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]));
    return [{ field: s.name.value, args: redact(args) }];
  });
}

function bounded(args: JsonValue): JsonValue {
  const json = JSON.stringify(args);
  if (json.length <= MAX_ARGS_JSON) return args;
  return { truncated: true, bytes: json.length, sha256: createHash('sha256').update(json).digest('hex') };
}

export function useMutationAudit(): Plugin {
  return {
    onExecute({ args }) {
      const op = (args.document as DocumentNode).definitions.find(
        (d: DefinitionNode): d is OperationDefinitionNode =>
          d.kind === Kind.OPERATION_DEFINITION && (args.operationName ? d.name?.value === args.operationName : true),
      );
      if (op?.operation !== OperationTypeNode.MUTATION) return;
      const ctx = args.contextValue as unknown as ApiContext;
      const fields = rootFields(op.selectionSet.selections, (args.variableValues ?? {}) as Record<string, unknown>);
      return {
        // Returned, not fire-and-forget (envelop's handleStreamOrSingleExecutionResult drops the
        // promise): the answer leaves only once the entry is on disk.
        onExecuteDone: async ({ result }) => {
          if (Symbol.asyncIterator in result) return; // incremental delivery: not used by mutations here
          const codes = (result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL'));
          await ctx.audit.append({
            actor: ctx.principal?.name ?? 'anonymous',
            action: 'mutation',
            target: fields.map((f) => f.field).join(','),
            details: {
              operationName: op.name?.value ?? null,
              fields: fields.map((f) => ({ field: f.field, args: bounded(f.args) })),
              ok: codes.length === 0,
              ...(codes.length ? { errors: codes } : {}),
            },
          });
        },
      };
    },
  };
}
