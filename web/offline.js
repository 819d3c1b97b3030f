// Registers the pages' service worker (offline-worker.js: repeat visits without a round trip, the pages offline)
// and hands it the files this page loaded, so that the next visit finds them kept.
export function keepOffline() {
  if (!('serviceWorker' in navigator)) return;
  const files = [location.pathname, ...performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
    .filter(path => path.startsWith('/v/'))];
  navigator.serviceWorker.register('offline-worker.js')
    .then(() => navigator.serviceWorker.ready)
    .then(registration => registration.active.postMessage({ keep: files }))
    .catch(() => { /* no worker (private mode, http on another host): the page works as before */ });
}
