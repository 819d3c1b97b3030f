// The pages' service worker (issue 13, loading on a weak network), registered by offline.js. It keeps the pages
// and their versioned files (/v/<version>/...) in one cache, so that:
// - a repeat visit takes the page and its files from here, with no round trip, while the page is fetched
//   again behind it for the next visit (a deploy is seen one visit later: the price of no round trip);
// - a reload offline shows the page (and, from the page's storage, the conversations last seen: session.js),
//   not the browser's offline page.
// It answers nothing else: API requests (tickets, streams, polls, posts) always go to the network as if it
// were not there, so the outbox, the live connection and tests that route API requests see them as before.
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
