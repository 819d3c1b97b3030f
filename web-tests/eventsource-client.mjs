// A third-party SSE client for the JUnit test of docs/deploy/nginx.conf (farmdesk.deploy.NginxExampleTest):
// the npm `eventsource` package, which follows the WHATWG EventSource rules a browser follows (reconnect
// after `retry:` with Last-Event-ID when a 200 stream ends; give up for good on any other status).
//
//   node web-tests/eventsource-client.mjs <url>
//
// Prints one JSON line per happening on standard output, for the test to read:
//   {"kind":"open"}  {"kind":"error","readyState":0|2,"status":502}  {"kind":"event","type":...,"id":...,"data":...}
// and {"kind":"closed"} once the EventSource gave up (readyState CLOSED). Ends when standard input closes.
import { EventSource } from 'eventsource';

const url = process.argv[2];
if (!url) {
  console.error('usage: node eventsource-client.mjs <url>');
  process.exit(2);
}
const say = line => process.stdout.write(JSON.stringify(line) + '\n');

const es = new EventSource(url);
es.onopen = () => say({ kind: 'open' });
es.onerror = e => {
  say({ kind: 'error', readyState: es.readyState, status: e.code ?? null, message: e.message ?? null });
  if (es.readyState === EventSource.CLOSED) say({ kind: 'closed' });
};
for (const type of ['ticket-created', 'new-message', 'ticket-updated', 'ticket-read', 'typing', 'token-expired', 'reset', 'message']) {
  es.addEventListener(type, e => say({ kind: 'event', type, id: e.lastEventId || null, data: e.data }));
}

// the test ends this client by closing its standard input (no signal needed)
process.stdin.resume();
process.stdin.on('end', () => {
  es.close();
  process.exit(0);
});
