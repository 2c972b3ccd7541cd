/**
 * Limits on what one GraphQL request may ask for, checked before anything runs: tokens while
 * parsing (a 1 MiB body of `{a a a ...}` is otherwise a million-node AST), then the depth of the
 * deepest selection and the number of selections with fragments expanded (aliases repeat a field
 * as often as the body allows). GraphiQL's own introspection query fits well inside all three.
 */
import {
  Kind,
  parse,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface QueryLimits {
  maxDepth: number;
  maxSelections: number;
  maxTokens: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 15, maxSelections: 2000, maxTokens: 10_000 };

// No HTTP status of our own: yoga answers validation errors 400 (200 to clients asking for plain
// application/json, as the GraphQL-over-HTTP spec says), and these should look the same.
const tooComplex = (message: string) => createGraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });

interface Measure {
  depth: number;
  selections: number;
}

/** Depth and selection count of a selection set, fragments expanded (a fragment cycle counts once; validation rejects it anyway). */
function measure(
  set: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  visiting: Set<string>,
  budget: number,
): Measure {
  let depth = 0;
  let selections = 0;
  for (const sel of set.selections) {
    if (selections > budget) break; // already over: stop walking a hostile document
    let inner: Measure | undefined;
    if (sel.kind === Kind.FIELD) {
      selections++;
      inner = sel.selectionSet ? measure(sel.selectionSet, fragment, visiting, budget - selections) : { depth: 0, selections: 0 };
      inner = { depth: inner.depth + 1, selections: inner.selections };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, fragment, visiting, budget - selections);
    } else {
      const name = sel.name.value;
      const def = fragment(name);
      if (!def || visiting.has(name)) continue;
      visiting.add(name);
      inner = measure(def.selectionSet, fragment, visiting, budget - selections);
      visiting.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    selections += inner.selections;
  }
  return { depth, selections };
}

export function complexityRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(op: OperationDefinitionNode) {
      const m = measure(op.selectionSet, (n) => context.getFragment(n), new Set(), limits.maxSelections);
      const name = op.name ? `operation ${op.name.value}` : 'the operation';
      if (m.depth > limits.maxDepth)
        context.reportError(
          tooComplex(`${name} is nested ${m.depth} levels deep; at most ${limits.maxDepth}: ask for less at once`),
        );
      if (m.selections > limits.maxSelections)
        context.reportError(
          tooComplex(
            `${name} selects more than ${limits.maxSelections} fields (aliases and fragments counted as often as they are used): split it`,
          ),
        );
      return false; // nothing below needs visiting by this rule
    },
  });
}

export function useQueryLimits(limits: QueryLimits = DEFAULT_LIMITS): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (e) {
          if (e instanceof Error && /contains more th\w* \d+ tokens/.test(e.message))
            throw tooComplex(
              `the query has more than ${limits.maxTokens} tokens: pass long lists as variables or split the query`,
            );
          throw e;
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(complexityRule(limits));
    },
  };
}
