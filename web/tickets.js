import { el } from './dom.js';
import { api } from './session.js';
import { t, num } from './i18n.js';

const activity = x => (x.lastMessage && x.lastMessage.createdAt > x.updatedAt ? x.lastMessage.createdAt : x.updatedAt);
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

// the badge shows the number; a screen reader hears "3 unread" (the words around {n}, in their order)
function unread(n) {
  const [before, after] = t('unread').split('{n}');
  return [el('span', { class: 'sr-only' }, before), num(n), el('span', { class: 'sr-only' }, after)];
}

export function renderTickets(list, tickets, openId, describe, go) {
  const focused = document.activeElement && document.activeElement.dataset.ticket;
  list.replaceChildren(...tickets.map(ticket => el('li', null,
    el('button', { type: 'button', 'data-ticket': ticket.id, 'aria-current': openId === ticket.id && 'true', onclick: () => go(ticket.id) },
      el('span', { class: 'subj', dir: 'auto' }, ticket.subject),
      ticket.unread ? el('span', { class: 'badge' }, ...unread(ticket.unread)) : el('span'),
      el('span', { class: 'sub', dir: 'auto' }, ...describe(ticket))))));
  const button = focused && list.querySelector('[data-ticket="' + CSS.escape(focused) + '"]');
  if (button) button.focus();
}
