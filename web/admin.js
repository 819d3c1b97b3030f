(function () {
'use strict';
const F = Farmdesk, { el, api } = F;
const $ = id => document.getElementById(id);
const enc = encodeURIComponent;
const me = F.auth.require('admin');
const store = new F.TicketStore();
const STATUS = { active: t => t.status === 'open' || t.status === 'pending', all: () => true };
const ASSIGNEE = { any: () => true, me: t => t.assigneeId === me.id, none: t => !t.assigneeId };
let current = null; // { id, conv }
let older = null;   // cursor of tickets not loaded yet

$('me').textContent = me.name + ' (' + me.id + ')';
$('logout').onclick = F.auth.signOut;

const live = F.live = new F.Live('/api/admin/events', me.id, {
  onEvent,
  onState: F.connectionLabel($('conn')),
  onReset: async () => { store.clear(); await load(); if (current) openTicket(current.id, true); },
  onAuthError: detail => F.notify(detail + ' Please sign in again.'),
});
// replies and notes go through the outbox: shown at once, kept while offline, sent once
const outbox = F.outbox = new F.Outbox(me.id, live, (it, m, err) => {
  const conv = current && current.id === it.tid && current.conv;
  if (m) { if (conv) conv.add(m); return; }
  if (conv) conv.dropPending(it.cid);
  F.notify('Not sent: ' + err.message);
  if (conv && !$('compose-text').value) $('compose-text').value = it.text;
});

async function load(cursor) {
  try { older = await store.load(null, 5, cursor); } catch (e) { /* shown */ }
  $('more').hidden = !older;
  renderQueue();
}
$('more').onclick = () => load(older);

/* the queue */

function renderQueue() {
  const fs = $('f-status').value, fa = ASSIGNEE[$('f-assignee').value], fu = $('f-unread').checked;
  const keep = t => (STATUS[fs] ? STATUS[fs](t) : t.status === fs) && fa(t) && (!fu || t.unread > 0);
  const focused = document.activeElement && document.activeElement.dataset.ticket;
  const items = store.sorted(t => keep(t) || (current && current.id === t.id)).map(t => el('li', null,
    el('button', {
      type: 'button', 'data-ticket': t.id, 'aria-current': current && current.id === t.id ? 'true' : null,
      onclick: () => go(t.id),
    },
    el('span', { class: 'subj' }, t.subject),
    t.unread ? el('span', { class: 'badge' }, String(t.unread), el('span', { class: 'sr-only' }, ' unread')) : el('span'),
    el('span', { class: 'sub' },
      t.id + ' · ' + (t.farmerName || t.farmerId) + ' · ' + t.status + ' · ',
      el('span', { class: 'prio-' + t.priority }, t.priority),
      t.assigneeId ? ' · ' + t.assigneeId : ' · unassigned'))));
  $('queue').replaceChildren(...items);
  const unread = store.sorted(t => t.unread > 0).length;
  document.title = (unread ? '(' + unread + ') ' : '') + 'Farmdesk: support queue';
  $('no-tickets').hidden = items.length > 0;
  if (focused) { const b = $('queue').querySelector('[data-ticket="' + CSS.escape(focused) + '"]'); if (b) b.focus(); }
}
for (const f of ['f-status', 'f-assignee', 'f-unread']) $(f).onchange = renderQueue;

/* the open ticket */

function go(id) { location.hash = id ? 'ticket=' + enc(id) : ''; }

function route() {
  const id = new URLSearchParams(location.hash.slice(1)).get('ticket');
  if (id) openTicket(id); else closeTicket();
}

function closeTicket() {
  current = null;
  document.body.classList.remove('viewing');
  $('t-view').hidden = true;
  $('t-empty').hidden = false;
  renderQueue();
}

function showHeader(t) {
  $('t-subject').textContent = t.subject;
  $('t-info').textContent = t.id + ' · ' + (t.farmerName || t.farmerId) + ' (' + t.farmerId + ') · ' +
    (t.category || 'general') + ' · opened ' + F.timeLabel(t.createdAt);
  $('t-status').value = t.status;
  $('t-priority').value = t.priority;
  if (document.activeElement !== $('t-assignee')) $('t-assignee').value = t.assigneeId || '';
}

async function openTicket(id, reload) {
  if (current && current.id === id && !reload) return;
  const mine = current = { id, conv: new F.Conversation($('messages'), $('typing'), $('newmsg'), me, id, () => markRead() && renderQueue()) };
  document.body.classList.add('viewing');
  $('t-empty').hidden = true;
  $('t-view').hidden = false;
  if (store.get(id)) showHeader(store.get(id));
  renderQueue();
  $('messages').setAttribute('aria-busy', 'true');
  try {
    const full = await api('GET', '/api/tickets/' + enc(id));
    if (current !== mine) return;
    full.messages.forEach(m => mine.conv.add(m));
    outbox.items(id).forEach(it => mine.conv.addPending(it));
    mine.conv.toEnd();
    showHeader(store.upsert(full));
    markRead();
    renderQueue();
    if (!reload) $('t-subject').focus();
  } catch (e) {
    if (current === mine && e.status === 404) go('');
  } finally {
    $('messages').removeAttribute('aria-busy');
  }
}

function markRead() {
  const t = current && store.get(current.id);
  if (!t || !current.conv.markRead()) return false;
  t.unread = 0;
  return true;
}

/* live events */

function onEvent(type, data) {
  const open = current && current.id === data.ticketId;
  switch (type) {
    case 'ticket-created':
      store.upsert(data.ticket);
      $('announce').textContent = 'New ticket from ' + data.ticket.farmerName + ': ' + data.ticket.subject;
      break;
    case 'new-message': {
      const m = data.message, fresh = m.id > ((store.get(data.ticketId) || {}).counted || 0);
      const t = store.upsert(data.ticket);
      if (open) current.conv.add(m);
      if (fresh && m.senderRole === 'farmer' && !(open && markRead())) t.unread++;
      break;
    }
    case 'ticket-updated':
      store.upsert(data.ticket);
      if (open) showHeader(store.get(data.ticketId));
      break;
    case 'ticket-read': {
      const t = store.get(data.ticketId);
      if (t && data.readerId === me.id && t.lastMessage && data.messageId >= t.lastMessage.id) t.unread = 0;
      if (open && data.readerRole === 'farmer') current.conv.seen(data.messageId);
      break;
    }
    case 'typing':
      if (open && data.role === 'farmer') current.conv.showTyping(data.name);
      return;
    default:
      return;
  }
  renderQueue();
}

document.addEventListener('visibilitychange', () => { if (markRead()) renderQueue(); });

/* actions */

async function patch(change) {
  if (!current) return;
  const t = await api('PATCH', '/api/tickets/' + enc(current.id), change).catch(() => null);
  if (t && current) { showHeader(store.upsert(t)); renderQueue(); F.notify('Saved.', 'info'); }
  else if (current && store.get(current.id)) showHeader(store.get(current.id)); // undo the control
}
$('t-status').onchange = e => patch({ status: e.target.value });
$('t-priority').onchange = e => patch({ priority: e.target.value });
$('assign').onsubmit = e => { e.preventDefault(); patch({ assigneeId: $('t-assignee').value.trim() || null }); };
$('assign-me').onclick = () => { $('t-assignee').value = me.id; patch({ assigneeId: me.id }); };
$('back').onclick = () => go('');

$('compose').onsubmit = e => {
  e.preventDefault();
  const internal = !!(e.submitter && e.submitter.value === 'note');
  const field = $('compose-text'), text = field.value.trim();
  if (!current || !text) return;
  current.conv.addPending(outbox.add(current.id, text, internal));
  field.value = '';
  field.focus();
};
F.typingSender($('compose-text'), () => current && current.id);

(async () => {
  await live.prime();
  live.start(); // connects at once, holds events until ready()
  await load();
  live.ready();
  route();
  addEventListener('hashchange', route);
  outbox.flush();
})();
})();
