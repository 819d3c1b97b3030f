// Verifies webhook requests with the npm `standardwebhooks` package (the Standard Webhooks reference
// library, not Farmdesk's code). Reads one JSON object on standard input:
//   {"secret":"whsec_...","requests":[{"headers":{"webhook-id":..,...},"body":"<raw body>"},...]}
// and prints one JSON line per request: {"ok":true,"id":"..","payload":{..}} or {"ok":false,"error":".."}.
// Timestamps are checked against now (5 minutes of tolerance, the library's rule): verify right after receiving.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { Webhook } = require('standardwebhooks');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  const { secret, requests } = JSON.parse(input);
  const wh = new Webhook(secret);
  for (const r of requests) {
    try {
      const payload = wh.verify(r.body, r.headers);
      console.log(JSON.stringify({ ok: true, id: r.headers['webhook-id'], payload }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, id: r.headers['webhook-id'], error: String(e && e.message || e) }));
    }
  }
});
