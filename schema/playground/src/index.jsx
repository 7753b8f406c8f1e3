// The graphd playground: GraphiQL talking to the graphd endpoint next to
// this page. Everything it needs is bundled; it fetches nothing else.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { parse, getOperationAST } from 'graphql';
import { createClient } from 'graphql-ws/client';
import 'graphiql/graphiql.css';
import './playground.css';

// The endpoint is resolved against the page, so a server that mounts the
// playground under a prefix keeps working.
const endpoint = document.body.dataset.endpoint || 'graphql';

const defaultQuery = `# Welcome to graphd: who said what, where and when.
#
# Run a query with Ctrl-Enter or the ▶ button. Argument names and
# fields autocomplete with Ctrl-Space; the Docs tab lists the schema.

{
  counts { articles quotes speakers venues outlets }
  quotes(first: 5) {
    totalCount
    edges {
      node {
        text
        kind
        speaker { name titles }
        venue { name kind }
        article { title outlet published }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

// Subscriptions run over a WebSocket to the same endpoint, with the
// graphql-transport-ws protocol; the client connects on first use.
const wsClient = createClient({ url: new URL(endpoint, location.href).href.replace(/^http/, 'ws'), lazy: true });

function isSubscription(params) {
  try {
    const op = getOperationAST(parse(params.query), params.operationName);
    return op && op.operation === 'subscription';
  } catch {
    return false;
  }
}

// fetcher posts one GraphQL request as JSON and returns the decoded reply;
// graphd answers errors as JSON too, so they show in the result pane. A
// subscription returns the stream of its results.
function fetcher(params, opts) {
  if (isSubscription(params)) return wsClient.iterate(params);
  return post(params, opts);
}

async function post(params, opts) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...(opts && opts.headers),
    },
    body: JSON.stringify(params),
    credentials: 'same-origin',
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] };
  }
}

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={defaultQuery}
    defaultEditorToolsVisibility={false}
    isHeadersEditorEnabled={false}
    shouldPersistHeaders={false}
  />,
);
