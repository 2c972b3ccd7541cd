/** One Apollo client: queries and mutations over POST /graphql, subscriptions over WebSocket on the same path. */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { bearer, setBearer } from './session.ts';

const http = new HttpLink({ uri: '/graphql' });

const auth = new ApolloLink((operation, forward) => {
  const b = bearer();
  operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
    headers: b ? { ...headers, authorization: `Bearer ${b}` } : headers,
  }));
  return forward(operation);
});

const ws = new GraphQLWsLink(
  createClient({
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => ({ authorization: `Bearer ${bearer() ?? ''}` }),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  }),
);

// An expired token or a revoked key: back to the sign-in page, which shows why.
const signOutOnAuthError = new ErrorLink(({ error }) => {
  if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) setBearer(null);
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 401) setBearer(null);
});

export const client = new ApolloClient({
  link: ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    ws,
    ApolloLink.from([signOutOnAuthError, auth, http]),
  ),
  cache: new InMemoryCache({
    // Items and genealogy nodes share ids across different shapes; keep them apart per query.
    typePolicies: { Item: { keyFields: false }, GenealogyNode: { keyFields: false }, GenealogyEdge: { keyFields: false } },
  }),
  defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
});
