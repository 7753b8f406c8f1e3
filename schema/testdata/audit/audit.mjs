// Runs the server audits of graphql-http (the reference implementation of
// GraphQL over HTTP) against the GraphQL endpoint given as the argument,
// and prints one JSON line per audit: {id, name, status, reason}, where a
// failed MUST has the status "error", a failed SHOULD "warn" and a failed
// MAY "notice".
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await Promise.all(serverAudits({ url }).map((a) => a.fn()));
for (const r of results) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' }));
}
