// The admin queue's search, orders and ages (admin page only): search by ticket id, farmer (id or name)
// or message text is the server's (GET /api/tickets?q=: it reads messages, internal notes included for
// admins); the orders are kept here as well, so rows arriving live land in their place.
import { api } from './session.js';
import { el } from './dom.js';

const WORDS = { now: 'just now', min: ' min', h: ' h', d: ' d', ago: ' ago', waiting: 'waiting ' };
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

/** "5 min ago", "2 h ago": the time since `iso`, coarse on purpose (it is refreshed each half minute). */
export function since(iso, now) {
  const minutes = Math.floor((now - Date.parse(iso)) / 60000);
  if (minutes < 1) return WORDS.now;
  const text = minutes < 60 ? minutes + WORDS.min : minutes < 1440 ? Math.floor(minutes / 60) + WORDS.h : Math.floor(minutes / 1440) + WORDS.d;
  return text + WORDS.ago;
}

/** The age of a row: time since its last activity (and since when it waits), kept current by refreshAges. */
export function age(t) {
  return el('span', { class: 'age', 'data-at': lastActivity(t), 'data-waiting': t.waitingSince || null }, ageText(lastActivity(t), t.waitingSince, Date.now()));
}
const ageText = (at, waiting, now) => ' · ' + since(at, now) + (waiting ? ' · ' + WORDS.waiting + since(waiting, now).replace(WORDS.ago, '') : '');

export function refreshAges(root) {
  const now = Date.now();
  for (const n of root.querySelectorAll('.age')) n.textContent = ageText(n.dataset.at, n.dataset.waiting, now);
}
