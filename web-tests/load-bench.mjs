// Loading on a weak network (issue 13): the farmer page's first visit and repeat visit in Chromium's network
// emulation. A benchmark, not a test: it prints figures and checks nothing. Needs a running server:
//   FARMDESK_URL=http://127.0.0.1:8080 node web-tests/load-bench.mjs
// BENCH_RUNS=n (default 2) runs each, BENCH_ONLY='2G' one profile.
// Profiles: slow 3G (2 s round trip, 400 kbps) and 2G (1.4 s, 50 kbps), as in the issue; localhost, no TLS.
// Times are from navigation start, in the page's own clock (performance.now()):
//   paint     first contentful paint
//   list      the ticket list shows the farmer's tickets (usable)
//   ticket    a ticket opened from a link (#ticket=) shows its messages
//   repeat    list usable on a repeat visit (a new tab in the same browser: its HTTP cache and service worker kept)
//   bytes     documents, scripts and stylesheets on the wire (compressed when the server compresses)
import { BASE, launch, token, rest } from './lib.mjs';

const PROFILES = [
  { name: 'slow 3G', latency: 2000, kbps: 400 },
  { name: '2G', latency: 1400, kbps: 50 },
];
const TICKETS = 5;
const RUNS = Number(process.env.BENCH_RUNS || 2);

const farmerId = 'F-bench-' + Date.now().toString(36);
const tok = await token('farmer', farmerId, 'Bench Farmer');
let ticketId;
for (let i = 0; i < TICKETS; i++) {
  const t = await rest(tok, 'POST', '/api/tickets', { subject: `Payment not received ${i}`, text: `I delivered ${40 + i} kg of onions on Monday` });
  ticketId = t.id;
}

const browser = await launch();

async function visit(ctx, profile, hash, wait) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: profile.latency,
    downloadThroughput: profile.kbps * 1000 / 8, uploadThroughput: profile.kbps * 1000 / 8,
  });
  const sizes = [];
  page.on('requestfinished', r => {
    if (['document', 'script', 'stylesheet'].includes(r.resourceType())) sizes.push(r.sizes().then(x => x.responseBodySize));
  });
  page.setDefaultTimeout(120000);
  await page.goto(`${BASE}/farmer.html#token=${encodeURIComponent(tok)}${hash}`, { waitUntil: 'commit' });
  await page.waitForFunction(wait, TICKETS, { polling: 'raf', timeout: 120000 });
  const usable = await page.evaluate(() => performance.now());
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await page.waitForLoadState('load');
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  // a page with a service worker (offline-worker.js): the next visit is measured once it has kept the page
  // and its files (its own fetches are not throttled by this page's emulation: waiting keeps them out of it)
  if (await page.evaluate(() => navigator.serviceWorker.getRegistration().then(Boolean))) {
    await page.waitForFunction(() => caches.match('/farmer.html').then(Boolean), null, { polling: 200, timeout: 120000 });
  }
  await page.close();
  return { usable, paint, bytes };
}

const listShown = n => document.querySelectorAll('#tickets > *').length >= n;
const ticketShown = () => document.getElementById('t-view')?.hidden === false && document.querySelectorAll('#messages > *').length > 0;
const s = ms => (ms / 1000).toFixed(1) + ' s';
const median = xs => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

console.log(`farmer page load, ${BASE}, ${TICKETS} tickets, median of ${RUNS} runs`);
console.log('| network | first paint | list usable (first visit) | ticket from a link | list usable (repeat visit) | bytes on the wire (first visit) |');
console.log('|---|---|---|---|---|---|');
for (const profile of PROFILES.filter(p => !process.env.BENCH_ONLY || p.name === process.env.BENCH_ONLY)) {
  const r = { paint: [], list: [], ticket: [], repeat: [], bytes: [] };
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const first = await visit(ctx, profile, '', listShown);
    const repeat = await visit(ctx, profile, '', listShown);
    await ctx.close();
    const linkCtx = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const link = await visit(linkCtx, profile, `&ticket=${ticketId}`, ticketShown);
    await linkCtx.close();
    r.paint.push(first.paint); r.list.push(first.usable); r.repeat.push(repeat.usable);
    r.ticket.push(link.usable); r.bytes.push(first.bytes);
  }
  console.log(`| ${profile.name} (${profile.latency / 1000} s, ${profile.kbps} kbps) | ${s(median(r.paint))} | ${s(median(r.list))} | ${s(median(r.ticket))} | ${s(median(r.repeat))} | ${median(r.bytes)} |`);
}
await browser.close();
