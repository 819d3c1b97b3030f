import { byId, el, notify, connectionLabel } from './dom.js';
import { api, ticketPath, signOut, readSaved, save } from './session.js';
import { conversation, attach } from './conversation.js';
import { t } from './i18n.js';
import { TicketStore, renderTickets } from './tickets.js';
import { keepOffline } from './offline.js';

export const store = new TicketStore();
export let openId = null;
let me, page, otherRole, outbox, field, talk;

export async function start(user, parts, live, box) {
  me = user, page = parts, outbox = box;
  otherRole = me.role === 'farmer' ? 'admin' : 'farmer';
  byId('me').textContent = me.name + ' (' + me.id + ')';
  // notifications (push.js): its code only when pressed, after the first message, or where they are on in this
  // browser; then sign-out removes this browser's subscription first, while the token can still DELETE it
  const on = () => localStorage['farmdesk.push'];
  byId('logout').onclick = () => (on() ? push('leave') : Promise.resolve()).catch(() => {}).then(signOut);
  // (push.js cannot be fetched offline: then nothing happens, but for a pressed button, which says why)
  byId('push').onclick = () => push('toggle').catch(() => notify(t('unreachable')));
  if (on()) push('resume').catch(() => {});
  // the service worker asks which ticket is on screen before it shows a push (offline-worker.js)
  if (navigator.serviceWorker) navigator.serviceWorker.onmessage = e => e.ports[0] && e.ports[0].postMessage(location.hash);
  byId('back').onclick = () => go('');
  document.body.dataset.ready = ''; // the buttons work from here: shown (farmdesk.css)
  field = byId(page.composer + '-text');
  const form = byId(page.composer), pick = byId(page.composer + '-file');
  byId(page.composer + '-pick').onclick = () => pick.click();
  pick.onchange = () => { const files = [...pick.files]; pick.value = ''; attach().then(a => a.add(files, form)); };
  form.onsubmit = e => {
    e.preventDefault();
    const text = field.value.trim(), att = form.att; // att: the files attach.js kept for this message
    if (!openId || !text && !att) return;
    form.att = null;
    talk.addPending(outbox.add(openId, text, e.submitter && e.submitter.value === 'note', att));
    offerPush();
    field.value = '';
    keepDraft();
    field.focus();
  };
  let typedAt = 0;
  field.addEventListener('input', () => {
    keepDraft();
    if (!openId || !field.value.trim() || Date.now() - typedAt < 3000) return;
    typedAt = Date.now();
    api('POST', ticketPath(openId, '/typing'), page.typing && page.typing(), true).catch(() => {});
  });
  document.addEventListener('visibilitychange', () => markRead() && render());
  window.Farmdesk = { live };
  await live.start();
  await load();
  live.ready();
  const routed = Promise.resolve(route());
  addEventListener('hashchange', route);
  outbox.flush();
  if (window.farmdeskFirst) routed.then(catchUp);
  keepOffline();
}

// the list and a linked ticket came with the page (farmer.html), fetched beside the live head rather than
// after it: an event committed between the two would be in neither; once more, now that live runs from it
async function catchUp() {
  await load();
  const t = talk, id = openId;
  if (t) api('GET', ticketPath(id), undefined, true).then(full => {
    if (talk === t) { full.messages.forEach(m => t.add(m)); header(full); render(); }
  }, () => {});
}

export async function load(cursor) {
  try { await page.load(cursor); } catch { /* the notice shows why */ }
  render();
}

export function render() {
  const keep = page.keep || (() => true), tickets = store.sorted(t => keep(t) || openId === t.id);
  renderTickets(byId(page.list), tickets, openId, page.describe, go);
  byId('no-tickets').hidden = tickets.length > 0;
  if (page.rendered) page.rendered();
}

// Notifications on/off (push.js, issue 15): its own bundle, fetched when first needed, as attach.js; calls one of its
// functions (its API is a global: a bundle keeps no exports)
const push = f => import('./push.bundle.js').catch(() => import('./push.js')).then(() => self.farmdeskPush[f]());

// after the user's first sent message, notifications are offered once in this browser (push.js)
export const offerPush = () => localStorage['farmdesk.pushAsked'] || push('offer').catch(() => {});

export const go = id => { location.hash = id ? 'ticket=' + encodeURIComponent(id) : ''; };

function route() {
  const id = new URLSearchParams(location.hash.slice(1)).get('ticket');
  if (id) return openTicket(id);
  openId = talk = null;
  show(false);
}

function show(viewing) {
  document.body.classList.toggle('viewing', viewing);
  byId('t-view').hidden = !viewing;
  byId('t-empty').hidden = viewing;
  render();
}

// A half-typed message is kept per ticket and user until sent (or sign-out): a reload, another tab or
// another ticket does not lose it; the admin's draft keeps its mode (reply or internal note)
const draftKey = () => 'farmdesk.draft.' + me.id + '.' + openId;
export function keepDraft() {
  if (!openId) return;
  if (!field.value.trim()) return localStorage.removeItem(draftKey());
  save(draftKey(), { text: field.value, note: page.note && page.note() });
}

async function openTicket(id, reload) {
  if (openId === id && !reload) return;
  if (openId !== id) {
    openId = id;
    const draft = readSaved(draftKey(), {});
    field.value = draft.text || '';
    if (page.note) page.note(draft.note);
  }
  const list = byId('messages'), opened = talk = conversation(list, byId('typing'), byId('newmsg'), me, id, () => markRead() && render(), fix);
  if (store.get(id)) page.showHeader(store.get(id));
  show(true);
  list.setAttribute('aria-busy', 'true');
  const loading = el('li', { class: 'empty' }, t('loading'));
  list.append(loading);
  try {
    const full = await api('GET', ticketPath(id));
    if (talk !== opened) return;
    opened.page(full.messages);
    outbox.items(id).forEach(opened.addPending);
    opened.toEnd();
    header(full);
    markRead();
    render();
    if (!reload) byId('t-subject').focus();
  } catch (e) {
    if (talk === opened && e.status === 404) go('');
  } finally {
    loading.remove();
    list.removeAttribute('aria-busy');
  }
}

const header = t => page.showHeader(store.upsert(t));

function markRead() {
  const t = store.get(openId);
  if (!t || !talk.markRead()) return false;
  t.unread = 0;
  return true;
}

export async function patch(change) {
  const t = openId && await api('PATCH', ticketPath(openId), change).catch(() => null);
  if (t) { header(t); render(); }
  return t;
}

export function sent(item, message, error) {
  const shown = openId === item.tid && talk;
  if (message) return shown && shown.add(message);
  if (!error) return shown && shown.retrying(item.cid);
  if (shown) shown.refused(item.cid, error.message);
  notify(t('refused', { why: error.message }));
}

// a message's Retry button sends it now; Edit takes a refused one out and puts it in the box
function fix(clientId, edit) {
  if (!edit) return outbox.retry(clientId);
  const item = outbox.take(clientId);
  talk.dropPending(clientId);
  if (!item) return;
  field.value = field.value ? field.value + '\n' + item.text : item.text;
  keepDraft();
  field.focus();
}

export const handlers = {
  onState: connectionLabel(byId('conn')),
  onLive: () => outbox.flush(),
  onAuthError: why => notify(t('signInAgain', { why })),
  async onReset() {
    store.clear();
    await load();
    if (openId) openTicket(openId, true);
  },
  onEvent(type, data) {
    const open = openId === data.ticketId, t = store.get(data.ticketId);
    if (type === 'ticket-created') {
      store.upsert(data.ticket);
      if (page.newTicket) page.newTicket(data.ticket);
    } else if (type === 'new-message') {
      const m = data.message, fresh = m.id > ((t || {}).counted || 0), ticket = store.upsert(data.ticket);
      if (open) talk.add(m);
      if (fresh && m.senderRole === otherRole && !(open && markRead())) {
        ticket.unread++;
        if (page.newUnread) page.newUnread(ticket, open);
      }
    } else if (type === 'ticket-updated') {
      if (open) header(data.ticket); else store.upsert(data.ticket);
    } else if (type === 'ticket-read') {
      if (t && data.readerId === me.id && t.lastMessage && data.messageId >= t.lastMessage.id) t.unread = 0;
      if (open && data.readerRole === otherRole) talk.seen(data.messageId);
    } else {
      if (type === 'typing' && open && data.role === otherRole) talk.showTyping(data.name);
      return;
    }
    render();
  },
};
