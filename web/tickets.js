import { el } from './dom.js';
import { api } from './session.js';

const activity = t => (t.lastMessage && t.lastMessage.createdAt > t.updatedAt ? t.lastMessage.createdAt : t.updatedAt);
const byActivity = (a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : 0);

export class TicketStore extends Map {
  sorted(keep) { return [...this.values()].filter(keep).sort(byActivity); }

  upsert(t) {
    const old = this.get(t.id), ticket = Object.assign({}, old, t);
    ticket.unread = t.unread != null ? t.unread : (old && old.unread) || 0;
    if (t.unread != null) ticket.counted = t.lastMessage ? t.lastMessage.id : 0;
    delete ticket.messages;
    this.set(t.id, ticket);
    return ticket;
  }

  async load(cursor) {
    for (let n = 0; n < 5; n++) {
      const page = await api('GET', '/api/tickets?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      page.tickets.forEach(t => this.upsert(t));
      if (!(cursor = page.next)) break;
    }
    return cursor;
  }
}

export function renderTickets(list, tickets, openId, describe, go) {
  const focused = document.activeElement && document.activeElement.dataset.ticket;
  list.replaceChildren(...tickets.map(t => el('li', null,
    el('button', { type: 'button', 'data-ticket': t.id, 'aria-current': openId === t.id && 'true', onclick: () => go(t.id) },
      el('span', { class: 'subj' }, t.subject),
      t.unread ? el('span', { class: 'badge' }, t.unread, el('span', { class: 'sr-only' }, ' unread')) : el('span'),
      el('span', { class: 'sub' }, ...describe(t))))));
  const button = focused && list.querySelector('[data-ticket="' + CSS.escape(focused) + '"]');
  if (button) button.focus();
}
