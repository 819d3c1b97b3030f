// The farmer's other tickets, beside the open conversation (admin page only): links that open them.
import { api } from './session.js';
import { byId, el } from './dom.js';
import { t as words } from './i18n.js';

let farmerId = null, tickets = [], asked = 0;

/** Shows the other tickets of the open ticket's farmer; asks the server when the farmer changes (or `again`). */
export async function showOthers(t, again) {
  if (again || t.farmerId !== farmerId) {
    const mine = ++asked;
    farmerId = t.farmerId;
    tickets = [];
    try {
      const page = await api('GET', '/api/tickets?limit=50&farmer=' + encodeURIComponent(farmerId), null, true);
      if (mine !== asked) return;
      tickets = page.tickets;
    } catch { /* the list stays empty: it is a convenience, the queue has them all */ }
  }
  const others = tickets.filter(o => o.id !== t.id);
  byId('t-others').hidden = !others.length;
  byId('others-list').replaceChildren(...others.map(o => el('li', null,
    el('a', { href: '#ticket=' + encodeURIComponent(o.id) }, o.id + ' · ' + o.subject), ' · ' + words(o.status))));
}
