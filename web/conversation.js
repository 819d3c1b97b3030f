import { el, timeLabel, isVisible } from './dom.js';
import { api, ticketPath, readSaved, save } from './session.js';

export function conversation(list, typing, marker, me, ticketId, onEnd) {
  const shown = new Set(), seenKey = 'farmdesk.seen.' + ticketId;
  let seenUpTo = readSaved(seenKey, 0), readUpTo = 0, newestOther = 0, typingTimer, oldest, loading;
  const atEnd = () => list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  const pendingRow = clientId => clientId && list.querySelector('li.pending[data-cid="' + CSS.escape(clientId) + '"]');
  const dropPending = clientId => { const li = pendingRow(clientId); if (li) li.remove(); };
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
    const mine = m.senderId === me.id;
    const who = mine ? 'You' : (m.senderName || m.senderId) + (m.senderRole === 'admin' ? ' (support)' : '');
    const receipt = pending || (!m.internal && m.senderRole === me.role);
    return el('li', { class: 'msg' + (mine ? ' mine' : '') + (m.internal ? ' note' : '') + (pending ? ' pending' : ''),
      'data-id': !pending && m.id, 'data-cid': m.clientId },
    el('div', { class: 'meta' },
      m.internal ? el('strong', { class: 'tag' }, 'Internal note') : null,
      el('span', { class: 'who' }, who), ' · ',
      el('time', { datetime: m.createdAt }, timeLabel(m.createdAt)),
      receipt ? el('span', { class: 'rcpt' }, pending ? 'Not sent yet' : m.id <= seenUpTo ? 'Seen' : 'Sent') : null),
    el('p', { class: 'text' }, m.text));
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
    for (const n of list.children) if (n !== sent && (!n.dataset.id || n.dataset.id > m.id)) { before = n; break; }
    if (sent) { // said once when sent: it becomes the stored row in place, not a second row
      sent.className = li.className;
      sent.dataset.id = m.id;
      for (const part of ['time', '.rcpt']) {
        const was = sent.querySelector(part), now = li.querySelector(part);
        if (!now || was.textContent !== now.textContent) was.replaceWith(now || '');
      }
      if (sent.nextSibling !== before) quietly(() => list.insertBefore(sent, before));
    } else list.insertBefore(li, before);
    if (m.senderRole !== me.role) newestOther = Math.max(newestOther, m.id);
    if (old) return;
    if (!mine) typing.textContent = '';
    if (mine || wasAtEnd) toEnd(); else marker.hidden = false;
  }

  return {
    toEnd, dropPending, add, page,
    retrying(clientId) { const li = pendingRow(clientId); if (li) set(li.querySelector('.rcpt'), 'Not sent, retrying'); },
    addPending(item) {
      if (pendingRow(item.cid)) return;
      list.append(row({ senderId: me.id, senderRole: me.role, text: item.text, internal: item.internal, clientId: item.cid, createdAt: item.at }, true));
      toEnd();
    },
    seen(id) {
      if (id <= seenUpTo) return;
      save(seenKey, seenUpTo = id);
      list.querySelectorAll('li[data-id] .rcpt').forEach(n => { if (n.closest('li').dataset.id <= id) set(n, 'Seen'); });
    },
    showTyping(name) {
      set(typing, name + ' is typing…');
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
