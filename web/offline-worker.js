// The pages' service worker (issue 13, loading on a weak network), registered by offline.js. It keeps the pages
// and their versioned files (/v/<version>/...) in one cache, so that:
// - a repeat visit takes the page and its files from here, with no round trip, while the page is fetched
//   again behind it for the next visit (a deploy is seen one visit later: the price of no round trip);
// - a reload offline shows the page (and, from the page's storage, the conversations last seen: session.js),
//   not the browser's offline page.
// It answers nothing else: API requests (tickets, streams, polls, posts) always go to the network as if it
// were not there, so the outbox, the live connection and tests that route API requests see them as before.
// In a function: the build's minifier (closure-compiler) shortens the names of a function's own, not a script's globals.
(() => {
const CACHE = 'farmdesk-pages';
const VERSIONED = /^\/v\/([0-9a-f]+)\//;
const isPage = path => path === '/' || path.endsWith('.html');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', event => {
  const request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (VERSIONED.test(url.pathname)) event.respondWith(versioned(request));
  else if (request.mode === 'navigate' && isPage(url.pathname)) event.respondWith(page(event, url.pathname));
});

// a file under /v/<version>/ never changes: from the cache, or fetched and kept
async function versioned(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request)) || keep(cache, request.url, await fetch(request));
}

// the kept page at once (then refreshed for the next visit), else the network's
async function page(event, path) {
  const cache = await caches.open(CACHE), kept = await cache.match(path);
  const fresh = fetch(path, { cache: 'no-cache' }).then(res => keepPage(cache, path, res));
  if (!kept) return fresh;
  event.waitUntil(fresh.catch(() => {})); // offline: the kept page stays
  return kept;
}

async function keep(cache, key, res) {
  if (res.ok) await cache.put(key, res.clone());
  return res;
}

// a page of a new version: the files and the pages of other versions go (an older page would load files that
// are gone; the next visit online keeps it again)
async function keepPage(cache, path, res) {
  if (!res.ok) return res;
  const version = versionOf(await res.clone().text());
  await cache.put(path, res.clone());
  for (const request of await cache.keys()) {
    const other = new URL(request.url).pathname, file = other.match(VERSIONED);
    if (other === path) continue;
    const v = file ? file[1] : versionOf(await (await cache.match(request)).text());
    if (v !== version) await cache.delete(request);
  }
  return res;
}

const versionOf = html => (html.match(/\bv\/([0-9a-f]+)\//) || [])[1];

// the page that registered this worker names the files it loaded: kept now, so its next visit needs none
self.addEventListener('message', event => {
  const files = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then(cache => Promise.all(files.map(async file => {
    const path = new URL(file, location.origin).pathname;
    if (await cache.match(path)) return;
    if (isPage(path)) return keepPage(cache, path, await fetch(path, { cache: 'no-cache' }));
    if (VERSIONED.test(path)) return keep(cache, path, await fetch(path));
  })).catch(() => {})));
});

// --- Web Push (issue 15): the server's push (docs/api.md "Web Push") shown as a notification, one per ticket (a
// newer replaces an older: tag), the click opening the ticket. A push may come twice (the sender stopped between
// sending and moving its cursor): the event ids shown last are kept in a cache (a worker is stopped between pushes,
// so not in memory), and one already shown is dropped. Pushes are handled one at a time (the kept ids read and
// written in turn).
let pushes = Promise.resolve();
self.addEventListener('push', event => event.waitUntil(pushes = pushes.then(() => notify(event.data.json())).catch(() => {})));

// where a push's ticket opens: a farmer's kinds on the farmer page; new tickets and farmers' messages on the admin page
const pageOf = push => (/^(reply|status)$/.test(push.kind) ? 'farmer' : 'admin') + '.html';
const windows = () => self.clients.matchAll({ type: 'window' });

async function notify(push) {
  const cache = await caches.open('farmdesk-push'), kept = await cache.match('ids'), ids = kept ? await kept.json() : [];
  if (ids.includes(push.eventId)) return;
  const ticket = push.ticketId, page = pageOf(push);
  // the person is looking at that ticket: nothing to tell. Chromium asks a push to show a notification
  // (userVisibleOnly) only when no page of the site is visible and focused, which this page is.
  const focused = (await windows()).filter(c => c.focused && c.visibilityState === 'visible' && new URL(c.url).pathname === '/' + page);
  if (!(await Promise.all(focused.map(c => showing(c, ticket)))).includes(true)) {
    await self.registration.showNotification(push.title + (push.count > 1 ? ' (' + push.count + ')' : ''), {
      body: push.text ? push.text + '\n' + ticket : ticket, tag: ticket, renotify: true, data: { ticketId: ticket, kind: push.kind, page },
    });
  }
  await cache.put('ids', new Response(JSON.stringify([...ids, push.eventId].slice(-300))));
}

// whether a page shows the ticket: it is asked (desk.js), as Chromium keeps a client's url as it was loaded (a hash
// set since is not in it); a page that does not answer within a second counts as not showing it
const showing = (client, ticket) => new Promise(done => {
  const channel = new MessageChannel();
  channel.port1.onmessage = e => done(e.data === '#ticket=' + encodeURIComponent(ticket));
  client.postMessage('showing?', [channel.port2]);
  setTimeout(done, 1000, false);
});

// a tap: the page of that kind already open goes to the ticket (a same-page navigation: its hash, desk.js route())
// and is focused; else the page is opened on the ticket
self.addEventListener('notificationclick', event => {
  event.notification.close();
  event.waitUntil(openTicket(event.notification.data));
});

async function openTicket({ page, ticketId }) {
  const url = page + '#ticket=' + encodeURIComponent(ticketId), client = (await windows()).find(c => new URL(c.url).pathname === '/' + page);
  return client ? (await client.navigate(url)).focus() : self.clients.openWindow(url);
}
})();
