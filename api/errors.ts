/**
 * How errors leave the API. A TracegraphError keeps its code (`extensions.code`) and its message,
 * which were written for the person reading them; any other error stays masked by yoga as an
 * internal error, so driver messages, stack traces and file paths never reach a client.
 */
import type { GraphQLError } from 'graphql';
// Errors are built with yoga's own helper, not `new GraphQLError`: graphql ships as CJS and ESM,
// and an error from the other copy would fail yoga's instanceof check and be masked.
import { createGraphQLError, handleStreamOrSingleExecutionResult, type Plugin, type YogaLogger } from 'graphql-yoga';
import { isTracegraphError, type TracegraphError } from '../core/errors.ts';
import { TooManyAttempts } from '../domain/auth/throttle.ts';

/** A TracegraphError meant for the client (INTERNAL is a bug by definition: masked like any other). */
function clientFacing(e: unknown): TracegraphError | undefined {
  return isTracegraphError(e) && e.code !== 'INTERNAL' ? e : undefined;
}

/** The HTTP answer an error asks for (yoga takes `extensions.http` and leaves it out of the body). */
function httpOf(e: TracegraphError): { http?: { status: number; headers?: Record<string, string> } } {
  if (e instanceof TooManyAttempts) return { http: { status: 429, headers: { 'retry-after': String(e.retryAfterSeconds) } } };
  return {};
}

function toClientError(error: GraphQLError, logger: YogaLogger | undefined): GraphQLError {
  const cause = clientFacing(error.originalError);
  if (cause) {
    // A store outage is the operator's business too; a client's bad input is not worth a log line.
    if (cause.code.startsWith('STORE_')) logger?.warn(`${cause.code}: ${cause.message}`);
    // Rebuilt without originalError, so yoga treats it as intended and passes it through unmasked.
    return createGraphQLError(cause.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: { ...error.extensions, code: cause.code, ...httpOf(cause) },
    });
  }
  // graphql-js reports a variable of the wrong shape (e.g. an object for `[ID!]!`) with no code:
  // an error outside any field whose cause, if any, is graphql's own coercion error.
  const fromGraphql = !error.originalError || error.originalError.name === 'GraphQLError';
  if (!error.path && fromGraphql && error.extensions.code === undefined)
    return createGraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      extensions: { ...error.extensions, code: 'BAD_INPUT' },
    });
  return error;
}

export function useTracegraphErrors(): Plugin {
  let logger: YogaLogger | undefined;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onExecute() {
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors?.length) setResult({ ...result, errors: result.errors.map((e) => toClientError(e, logger)) });
          }),
      };
    },
    // Subscriptions (SSE and WebSocket): a refused subscribe and errors in later events alike.
    onSubscribe() {
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors?.length) setResult({ ...result, errors: result.errors.map((e) => toClientError(e, logger)) });
          }),
      };
    },
  };
}
