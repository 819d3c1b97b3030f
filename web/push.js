// "Notifications on/off" on this device (issue 15, docs/api.md "Web Push"). Not part of a page's first load (the
// farmer page has a 40 KB budget): imported on demand (session.js push()) when the button is pressed, after the
// user's first sent message, at sign-out, and at load only where it was turned on in this browser. Its own bundle
// (pom.xml); its API is a global, as a bundle keeps no exports.
//
// - On: the browser's permission (asked here only: from the button, or once after the first message; never on
//   load), then a subscription with the server's VAPID key, POSTed to the server. The push service may not
//   answer (no internet, a network that blocks it: subscribe() then waits for minutes): after WAIT_MS the page
//   says so instead of waiting.
// - Off: the subscription is DELETEd from the server and dropped by the browser (dropped even when the server
//   cannot be reached: the push service then answers the server 404/410 and it deletes it).
// - The service worker (offline-worker.js) shows the pushes and opens their ticket.
import { byId, notify } from './dom.js';
import { t, part } from './i18n.js';
import { api, readSaved } from './session.js';
import en from './lang/en.push.js';

const ON = 'farmdesk.push', ASKED = 'farmdesk.pushAsked';
const WAIT_MS = () => readSaved('farmdesk.tuning', {}).pushMs || 20000;
const words = part('push', en);
const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

// the state shown on the button (#push): on, off, blocked (the browser's permission denied), unsupported, working
async function show(state) {
  await words;
  const button = byId('push');
  if (!state) state = !supported() ? 'unsupported' : Notification.permission === 'denied' ? 'blocked'
    : Notification.permission === 'granted' && await current() ? 'on' : 'off';
  button.textContent = t('push_' + state);
  button.dataset.state = state;
  button.disabled = state === 'working';
  return state;
}

async function current() {
  const registration = await navigator.serviceWorker.getRegistration();
  return registration && registration.pushManager.getSubscription();
}

// the browser's push service may never answer: a promise that gives up after WAIT_MS
const within = promise => Promise.race([promise, new Promise((_, fail) =>
  setTimeout(() => fail(new Error(t('pushNoService'))), WAIT_MS()))]);

const bytes = base64url => Uint8Array.from(atob(base64url.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0));

async function on() {
  await show('working');
  try {
    if (await Notification.requestPermission() !== 'granted') return show();
    const { publicKey } = await api('GET', '/api/push/key', undefined, true);
    const registration = await within(navigator.serviceWorker.ready);
    const subscription = await within(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(publicKey) }));
    try {
      await api('POST', '/api/push/subscriptions', subscription.toJSON(), true);
    } catch (e) {
      await subscription.unsubscribe(); // the server does not know it: no half-on state
      throw e;
    }
    localStorage.setItem(ON, '1');
  } catch (e) {
    notify(t('pushFailed', { why: e.message }));
  }
  return show();
}

async function off() {
  localStorage.removeItem(ON);
  const subscription = supported() && await current();
  if (subscription) {
    await api('DELETE', '/api/push/subscriptions', { endpoint: subscription.endpoint }, true).catch(() => {});
    await subscription.unsubscribe().catch(() => {});
  }
  return show();
}

async function toggle() {
  const state = await show();
  if (state === 'on') return off();
  if (state === 'off') return on();
  notify(t(state === 'blocked' ? 'pushBlockedHow' : 'push_unsupported'));
}

// after the user's first sent message: asked once in this browser, never again once answered or dismissed
function offer() {
  if (localStorage.getItem(ASKED) || !supported() || Notification.permission === 'denied' || localStorage.getItem(ON)) return;
  localStorage.setItem(ASKED, '1');
  return on();
}

// at load, where it was turned on here: its state, and the subscription sent again (the browser may have renewed it;
// the server answers 204 for one it has)
async function resume() {
  const subscription = await show() === 'on' && await current();
  if (subscription) api('POST', '/api/push/subscriptions', subscription.toJSON(), true).catch(() => {});
}

// at sign-out: off, at most 5 s (offline, the push service tells the server the subscription is gone at its next push)
const leave = () => Promise.race([off(), new Promise(done => setTimeout(done, 5000))]);

self.farmdeskPush = { toggle, offer, leave, resume };
