// The admin queue's search, orders and ages (admin page only): search by ticket id, farmer (id or name)
// or message text is the server's (GET /api/tickets?q=: it reads messages, internal notes included for
// admins); the orders are kept here as well, so rows arriving live land in their place.
import { api } from './session.js';
import { el } from './dom.js';
import { t as words, locale } from './i18n.js';

const RANK = { urgent: 3, high: 2, normal: 1, low: 0 };
const num = t => Number(t.id.slice(4)), time = iso => Date.parse(iso) || 0; // times compared as times, not text
export const lastActivity = t => (t.lastMessage && time(t.lastMessage.createdAt) > time(t.updatedAt) ? t.lastMessage.createdAt : t.updatedAt);
const newestFirst = (a, b) => time(lastActivity(b)) - time(lastActivity(a)) || num(b) - num(a);

/** The orders of the queue, as the server's ?sort= names them. "waiting": unanswered only, longest wait first. */
export const ORDERS = {
  activity: { keep: () => true, compare: newestFirst },
  waiting: {
    keep: t => !!t.waitingSince,
    compare: (a, b) => time(a.waitingSince) - time(b.waitingSince) || num(a) - num(b),
  },
  priority: { keep: () => true, compare: (a, b) => RANK[b.priority] - RANK[a.priority] || newestFirst(a, b) },
};

/** Tickets of the server's list in an order or for a search (all its pages up to 500): the queue's answer. */
export async function fetchTickets(sort, q) {
  const found = [];
  let cursor = null;
  for (let n = 0; n < 5; n++) {
    const page = await api('GET', '/api/tickets?limit=100&sort=' + sort + (q ? '&q=' + encodeURIComponent(q) : '') +
      (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    found.push(...page.tickets);
    if (!(cursor = page.next)) break;
  }
  return found;
}

/** "5 min", "2 hr", "3 days" in the page's language (Intl): a time span, coarse on purpose (refreshed each half minute). */
function span(minutes) {
  const [n, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 1440 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
}
const minutesSince = (iso, now) => Math.max(0, Math.floor((now - Date.parse(iso)) / 60000));
/** "just now", "5 min ago": the time since `iso`. */
export function since(iso, now) {
  const minutes = minutesSince(iso, now);
  return minutes < 1 ? words('justNow') : words('ago', { time: span(minutes) });
}

/** The age of a row: time since its last activity (and since when it waits), kept current by refreshAges. */
export function age(t) {
  return el('span', { class: 'age', 'data-at': lastActivity(t), 'data-waiting': t.waitingSince || null }, ageText(lastActivity(t), t.waitingSince, Date.now()));
}
const ageText = (at, waiting, now) => ' · ' + since(at, now) + (waiting ? ' · ' + words('waitingFor', { time: span(minutesSince(waiting, now)) }) : '');

export function refreshAges(root) {
  const now = Date.now();
  for (const n of root.querySelectorAll('.age')) n.textContent = ageText(n.dataset.at, n.dataset.waiting, now);
}
