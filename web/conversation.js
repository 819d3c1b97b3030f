import { el, clock, dayLabel, linked, isVisible } from './dom.js';
import { t } from './i18n.js';
import { api, ticketPath, readSaved, save } from './session.js';

// Photos and files (attach.js): fetched when first needed, as its own bundle when the build made one. Its API
// is a global: closure-compiler keeps no exports in a bundle. attach.js imports none of the modules that
// import it (the bundler cannot take a module that imports itself)
export const attach = () => import('./attach.bundle.js').catch(() => import('./attach.js')).then(() => self.farmdeskFiles);

// fix(clientId, edit): the Retry (or Edit) button of a message that was not sent
export function conversation(list, typing, marker, me, ticketId, onEnd, fix) {
  const shown = new Set(), seenKey = 'farmdesk.seen.' + ticketId;
  let seenUpTo = readSaved(seenKey, 0), readUpTo = 0, newestOther = 0, typingTimer, oldest, loading;
  const atEnd = () => list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  const pendingRow = clientId => clientId && list.querySelector('li.pending[data-cid="' + CSS.escape(clientId) + '"]');
  const dropPending = clientId => { const li = pendingRow(clientId); if (li) { li.remove(); separate(); } };
  // the list and #typing are aria-live: a screen reader says every text set there, even an unchanged one
  const set = (node, text) => { if (node.textContent !== text) node.textContent = text; };
  // moved, not new: aria-busy keeps it from being said again
  const quietly = move => { const busy = list.getAttribute('aria-busy'); list.setAttribute('aria-busy', true); move(); if (!busy) list.removeAttribute('aria-busy'); };

  function toEnd(byUser) {
    list.scrollTop = list.scrollHeight;
    marker.hidden = true;
    if (!byUser) return;
    const last = list.lastElementChild;
    if (last) { last.tabIndex = -1; last.focus(); }
    onEnd();
  }

  function row(m, pending) {
    const mine = m.senderId === me.id, at = new Date(m.createdAt);
    const name = m.senderName || m.senderId, who = mine ? t('you') : m.senderRole === 'admin' ? t('support', { name }) : name;
    const receipt = pending || (!m.internal && m.senderRole === me.role);
    return el('li', { class: 'msg' + (mine ? ' mine' : '') + (m.internal ? ' note' : '') + (pending ? ' pending' : ''),
      'data-id': !pending && m.id, 'data-cid': m.clientId, 'data-day': at.toDateString() },
    el('div', { class: 'meta' },
      m.internal ? el('strong', { class: 'tag' }, t('internalNote')) : null,
      el('span', { class: 'who' }, who), ' · ',
      el('time', { datetime: m.createdAt }, clock(at)),
      receipt ? el('span', { class: 'rcpt' }, t(pending ? 'notSentYet' : m.id <= seenUpTo ? 'seen' : 'sent')) : null),
    m.text ? el('p', { class: 'text', dir: 'auto' }, ...linked(m.text)) : '',
    m.att || (m.attachments || '').length ? files(m) : '');
  }

  // photos and files: drawn by attach.js (fetched the first time it is needed), pending ones from this device
  function files(m) {
    const box = el('div', { class: 'att' });
    attach().then(a => a.show(box, m), () => {});
    return box;
  }

  // A day's first message has its day above it ("Today", "Yesterday", a date): separators are added
  // and removed where needed, never all rebuilt (the list is aria-live: a rebuilt one is re-announced)
  function separate() {
    let day, sep;
    for (const li of [...list.children]) {
      const d = li.dataset.day;
      if (!d) continue;
      if (li.classList.contains('day')) { if (sep) sep.remove(); sep = li; continue; }
      if (d === day) { if (sep) sep.remove(); } else if (!sep || sep.dataset.day !== d) {
        if (sep) sep.remove();
        li.before(el('li', { class: 'day', 'data-day': d }, dayLabel(new Date(li.querySelector('time').dateTime))));
      }
      sep = null;
      day = d;
    }
    if (sep) sep.remove();
  }

  // a message not sent: why, and what the reader can do (Retry sends it now; a refused one can be edited)
  function mark(clientId, words, refused) {
    const li = pendingRow(clientId);
    if (!li) return;
    set(li.querySelector('.rcpt'), words);
    const offer = refused ? 'retry edit' : 'retry';
    if (li.dataset.fix === offer) return; // the same buttons again would be said again (aria-live)
    li.dataset.fix = offer;
    li.querySelectorAll('.fix').forEach(n => n.remove());
    const button = (label, edit) => el('button', { type: 'button', class: 'plain fix', onclick() {
      li.querySelectorAll('.fix').forEach(n => n.remove()); // once: the button goes until the send fails again
      delete li.dataset.fix;
      li.querySelector('.rcpt').textContent = t('notSentYet');
      fix(clientId, edit);
    } }, label);
    li.append(button(t('retry')), refused ? button(t('edit'), true) : '');
  }

  list.replaceChildren();
  typing.textContent = '';
  marker.hidden = true;
  marker.onclick = () => toEnd(true);
  list.onscroll = () => {
    if (atEnd()) { marker.hidden = true; onEnd(); }
    if (list.scrollTop < 48 && oldest && !loading) loading = import('./older.js')
      .then(o => o.older(list, ticketPath(ticketId, '?before=' + oldest), page)).catch(() => {}).then(() => { loading = 0; });
  };

  function page(messages, old) {
    messages.forEach(m => add(m, old));
    oldest = messages.length > 199 && messages[0].id;
  }

  function add(m, old) {
    if (shown.has(m.id)) return dropPending(m.clientId);
    shown.add(m.id);
    const wasAtEnd = atEnd(), mine = m.senderId === me.id, li = row(m), sent = pendingRow(m.clientId);
    let before = null;
    for (const n of list.querySelectorAll('li.msg')) if (n !== sent && (!n.dataset.id || Number(n.dataset.id) > m.id)) { before = n; break; }
    if (sent) { // said once when sent: it becomes the stored row in place, not a second row
      sent.className = li.className;
      sent.dataset.id = m.id;
      sent.dataset.day = li.dataset.day;
      sent.querySelectorAll('.fix').forEach(n => n.remove());
      for (const part of ['time', '.rcpt']) {
        const was = sent.querySelector(part), now = li.querySelector(part);
        if (!now || was.textContent !== now.textContent) was.replaceWith(now || '');
      }
      const files = sent.querySelector('.att');
      if (files) files.replaceWith(li.querySelector('.att') || '');
      if (sent.nextSibling !== before) quietly(() => list.insertBefore(sent, before));
    } else list.insertBefore(li, before);
    separate();
    if (m.senderRole !== me.role) newestOther = Math.max(newestOther, m.id);
    if (old) return;
    if (!mine) typing.textContent = '';
    if (mine || wasAtEnd) toEnd(); else marker.hidden = false;
  }

  return {
    toEnd, dropPending, add, page,
    retrying: clientId => mark(clientId, t('retrying')),
    refused: (clientId, why) => mark(clientId, t('refused', { why }), true),
    addPending(item) {
      if (pendingRow(item.cid)) return;
      list.append(row({ senderId: me.id, senderRole: me.role, text: item.text, att: item.att, internal: item.internal, clientId: item.cid, createdAt: item.at }, true));
      separate();
      if (item.err) mark(item.cid, t('refused', { why: item.err }), true);
      toEnd();
    },
    seen(id) {
      if (id <= seenUpTo) return;
      save(seenKey, seenUpTo = id);
      list.querySelectorAll('li[data-id] .rcpt').forEach(n => { if (Number(n.closest('li').dataset.id) <= id) set(n, t('seen')); });
    },
    showTyping(name) {
      set(typing, t('typing', { name }));
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => { typing.textContent = ''; }, 4000);
    },
    markRead() {
      const newest = newestOther;
      if (!newest || newest <= readUpTo || !isVisible() || !atEnd()) return false;
      readUpTo = newest;
      api('POST', ticketPath(ticketId, '/read'), { messageId: newest }, true).catch(() => { readUpTo = 0; });
      return true;
    },
  };
}
