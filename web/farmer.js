(function () {
'use strict';
const F = Farmdesk, { el, api } = F;
const $ = id => document.getElementById(id);
const enc = encodeURIComponent;
const me = F.auth.require('farmer');
const store = new F.TicketStore();
let newCid = null; // the new ticket's clientId until it is created: a resend creates it once
const STATUS = { open: 'Open', pending: 'Waiting for you', resolved: 'Resolved', closed: 'Closed' };
let current = null; // { id, conv }

$('me').textContent = me.name + ' (' + me.id + ')';
$('logout').onclick = F.auth.signOut;

const live = F.live = new F.Live('/api/farmers/' + enc(me.id) + '/events', me.id, {
  onEvent,
  onState: F.connectionLabel($('conn')),
  onReset: async () => { store.clear(); await store.load(); renderList(); if (current) openTicket(current.id, true); },
  onAuthError: detail => F.notify(detail + ' Please sign in again.'),
});
// messages go through the outbox: shown at once, kept offline, sent once
const outbox = F.outbox = new F.Outbox(me.id, live, (it, m, err) => {
  const conv = current && current.id === it.tid && current.conv;
  if (m) { if (conv) conv.add(m); return; }
  if (conv) conv.dropPending(it.cid);
  F.notify('Not sent: ' + err.message);
  if (conv && !$('reply-text').value) $('reply-text').value = it.text;
});

function renderList() {
  const focused = document.activeElement && document.activeElement.dataset.ticket;
  const items = store.sorted().map(t => el('li', null,
    el('button', {
      type: 'button', 'data-ticket': t.id, 'aria-current': current && current.id === t.id ? 'true' : null,
      onclick: () => go(t.id),
    },
    el('span', { class: 'subj' }, t.subject),
    t.unread ? el('span', { class: 'badge' }, String(t.unread), el('span', { class: 'sr-only' }, ' unread')) : el('span'),
    el('span', { class: 'sub' }, (STATUS[t.status] || t.status) + ' · ' + t.id +
      (t.lastMessage ? ' · ' + t.lastMessage.text : '')))));
  $('tickets').replaceChildren(...items);
  $('no-tickets').hidden = items.length > 0;
  if (focused) { const b = $('tickets').querySelector('[data-ticket="' + CSS.escape(focused) + '"]'); if (b) b.focus(); }
}

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
  renderList();
}

function showHeader(t) {
  $('t-subject').textContent = t.subject;
  $('t-status').textContent = STATUS[t.status] || t.status;
  $('t-status').className = 'status ' + t.status;
  $('t-id').textContent = t.id + (t.category ? ' · ' + t.category : '');
  $('resolve').hidden = t.status === 'resolved' || t.status === 'closed';
  $('close').hidden = t.status === 'closed';
  $('reply').hidden = t.status === 'closed';
  $('closed-note').hidden = t.status !== 'closed';
}

async function openTicket(id, reload) {
  if (current && current.id === id && !reload) return;
  const mine = current = { id, conv: new F.Conversation($('messages'), $('typing'), $('newmsg'), me, id, () => markRead() && renderList()) };
  document.body.classList.add('viewing');
  $('t-empty').hidden = true;
  $('t-view').hidden = false;
  if (store.get(id)) showHeader(store.get(id));
  renderList();
  $('messages').setAttribute('aria-busy', 'true');
  try {
    const full = await api('GET', '/api/tickets/' + enc(id));
    if (current !== mine) return;
    full.messages.forEach(m => mine.conv.add(m));
    outbox.items(id).forEach(it => mine.conv.addPending(it));
    mine.conv.toEnd();
    showHeader(store.upsert(full));
    markRead();
    renderList();
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

function onEvent(type, data) {
  const open = current && current.id === data.ticketId;
  switch (type) {
    case 'ticket-created':
      store.upsert(data.ticket);
      break;
    case 'new-message': {
      const m = data.message, fresh = m.id > ((store.get(data.ticketId) || {}).counted || 0);
      const t = store.upsert(data.ticket);
      if (open) current.conv.add(m);
      if (fresh && m.senderId !== me.id && !(open && markRead())) {
        t.unread++;
        if (!open) $('announce').textContent = 'New message from support on “' + t.subject + '”';
      }
      break;
    }
    case 'ticket-updated':
      store.upsert(data.ticket);
      if (open) showHeader(store.get(data.ticketId));
      break;
    case 'ticket-read': {
      const t = store.get(data.ticketId);
      if (t && data.readerId === me.id && t.lastMessage && data.messageId >= t.lastMessage.id) t.unread = 0;
      if (open && data.readerRole === 'admin') current.conv.seen(data.messageId);
      break;
    }
    case 'typing':
      if (open && data.role === 'admin') current.conv.showTyping(data.name);
      return;
    default:
      return;
  }
  renderList();
}

document.addEventListener('visibilitychange', () => { if (markRead()) renderList(); });

function showNew(open) {
  $('new-form').hidden = !open;
  $('new-btn').setAttribute('aria-expanded', String(open));
}
$('new-btn').onclick = () => { showNew($('new-form').hidden); if (!$('new-form').hidden) $('new-subject').focus(); };
$('new-cancel').onclick = () => { showNew(false); $('new-btn').focus(); };

$('new-form').onsubmit = async e => {
  e.preventDefault();
  const subject = $('new-subject').value.trim(), text = $('new-text').value.trim();
  const category = $('new-category').value.trim();
  if (!subject || !text) return;
  const button = e.target.querySelector('[type=submit]');
  button.disabled = true;
  try {
    const t = await api('POST', '/api/tickets', {
      subject, text, category: category || undefined, clientId: newCid = newCid || F.newClientId() });
    newCid = null;
    e.target.reset();
    showNew(false);
    store.upsert(t);
    go(t.id);
  } catch (err) { /* the notice shows why */ } finally {
    button.disabled = false;
  }
};

$('reply').onsubmit = e => {
  e.preventDefault();
  const field = $('reply-text'), text = field.value.trim();
  if (!current || !text) return;
  current.conv.addPending(outbox.add(current.id, text));
  field.value = '';
  field.focus();
};
$('reply-text').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('reply').requestSubmit(); }
});
F.typingSender($('reply-text'), () => current && current.id);

async function setStatus(status) {
  if (!current) return;
  const t = await api('PATCH', '/api/tickets/' + enc(current.id), { status }).catch(() => null);
  if (t) { showHeader(store.upsert(t)); renderList(); }
}
$('resolve').onclick = () => setStatus('resolved');
$('close').onclick = () => { if (confirm('Close this ticket? You will not be able to reply to it.')) setStatus('closed'); };
$('back').onclick = () => go('');

/* start: the newest event id; connect (events held); the tickets; the events held */
(async () => {
  await live.prime();
  live.start();
  try { await store.load(); } catch (e) { /* shown */ }
  renderList();
  live.ready();
  route();
  addEventListener('hashchange', route);
  outbox.flush(); // what a previous visit could not send
})();
})();
