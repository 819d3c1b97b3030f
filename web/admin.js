// The support queue: every ticket with filters, a conversation with replies and internal notes, and
// the ticket's status, priority and assignee.
import { api, requireUser } from './session.js';
import { byId, el, notify, timeLabel } from './dom.js';
import { LiveConnection } from './live/connection.js';
import { outbox } from './outbox.js';
import * as desk from './desk.js';
import { assigneeName, loadAdmins, showAssignee } from './assignees.js';
import { ORDERS, fetchTickets, age, refreshAges } from './queue.js';
import { showOthers } from './others.js';

const me = requireUser('admin');
const STATUS = { active: t => t.status === 'open' || t.status === 'pending', all: () => true };
const ASSIGNEE = { any: () => true, me: t => t.assigneeId === me.id, none: t => !t.assigneeId };
const assignedAs = (choice, t) => (ASSIGNEE[choice] ? ASSIGNEE[choice](t) : t.assigneeId === choice); // or an admin's id
let older = null; // the cursor of the tickets not loaded yet
// Status and priority are saved by "Save" only: a closed select changes its value (and fires
// `change`) on every arrow key, so saving on `change` closed tickets and sent the farmer an update
// for each option a keyboard or screen-reader user went past.
const PROPS = ['status', 'priority'];
let shownId = null; // the ticket whose status and priority the controls show
const changed = () => PROPS.filter(k => byId('t-' + k).value !== byId('t-' + k).dataset.saved);
const unsaved = () => { byId('t-unsaved').hidden = !changed().length; };

const parts = {
  list: 'queue',
  composer: 'compose',
  keep(t) {
    const status = byId('f-status').value;
    return (STATUS[status] ? STATUS[status](t) : t.status === status) && assignedAs(byId('f-assignee').value, t) &&
      (!byId('f-unread').checked || t.unread > 0) && ORDERS[byId('f-sort').value].keep(t) && (!found || found.has(t.id));
  },
  describe: t => [
    t.id + ' · ' + (t.farmerName || t.farmerId) + ' · ' + t.status + ' · ',
    el('span', { class: 'prio-' + t.priority }, t.priority),
    t.assigneeId ? ' · ' + assigneeName(t) : ' · unassigned', age(t)],
  rendered() {
    // the team's count (the server's unread is the same for every admin, and any admin's read clears it)
    const unread = desk.store.sorted(t => t.unread > 0).length;
    document.title = (unread ? '(' + unread + ') ' : '') + 'Farmdesk: support queue';
    byId('team-unread').textContent = unread ? unread + (unread === 1 ? ' ticket unread' : ' tickets unread') : '';
  },
  showHeader(t) {
    const shownBefore = shownId;
    byId('t-subject').textContent = t.subject;
    byId('t-info').textContent = t.id + ' · ' + (t.farmerName || t.farmerId) + ' (' + t.farmerId + ') · ' +
      (t.category || 'general') + ' · opened ' + timeLabel(t.createdAt);
    for (const k of PROPS) {
      const select = byId('t-' + k);
      // a choice not saved yet survives updates from elsewhere; another ticket starts afresh
      if (shownId !== t.id || select.value === select.dataset.saved) select.value = t[k];
      select.dataset.saved = t[k];
    }
    shownId = t.id;
    unsaved();
    // posting to a closed ticket is refused (409): say so before anything is typed
    const closed = t.status === 'closed';
    byId('t-closed').hidden = !closed;
    for (const n of document.querySelectorAll('#compose-text, #compose .send')) n.disabled = closed;
    showAssignee(t, shownBefore === t.id);
    showOthers(t);
  },
  async load(cursor) {
    older = await desk.store.load(cursor);
    byId('more').hidden = !older;
  },
  // a note being typed is announced to admins only (the farmer would see "… is typing" for nothing)
  typing: () => (byId('mode-note').checked ? { internal: true } : undefined),
  newTicket(t) {
    byId('announce').textContent = 'New ticket from ' + t.farmerName + ': ' + t.subject;
    const open = desk.store.get(desk.openId);
    if (open && open.farmerId === t.farmerId) showOthers(open, true);
  },
};
for (const filter of ['f-status', 'f-assignee', 'f-unread']) byId(filter).onchange = () => desk.render();

// Search is the server's (it reads the messages); its answer is the set of tickets the queue shows.
let found = null, searches = 0; // ids found by the current search (null: no search); which search answered last
async function search() {
  const q = byId('f-search').value.trim(), mine = ++searches;
  if (!q) found = null;
  else {
    const tickets = await fetchTickets('activity', q).catch(() => null); // every match: the order is kept here
    if (!tickets || mine !== searches) return;
    tickets.forEach(t => desk.store.upsert(t));
    found = new Set(tickets.map(t => t.id));
  }
  byId('f-found').textContent = found ? found.size + (found.size === 1 ? ' ticket found' : ' tickets found') : '';
  desk.render();
}
let typed;
byId('f-search').oninput = () => { clearTimeout(typed); typed = setTimeout(search, 300); };
// another order: rendered at once from what is loaded, then completed by the server's first pages of it
// (with more tickets than loaded, the oldest waits may not be among the newest)
const orderLabel = () => byId('queue').setAttribute('aria-label', 'Ticket queue, ' + byId('f-sort').selectedOptions[0].textContent.toLowerCase());
orderLabel(); // the browser may have kept the choice across a reload
byId('f-sort').onchange = async () => {
  orderLabel();
  desk.render();
  if (byId('f-sort').value === 'activity') return;
  (await fetchTickets(byId('f-sort').value).catch(() => [])).forEach(t => desk.store.upsert(t));
  desk.render();
};
setInterval(() => refreshAges(queue), 30000); // "5 min ago" stays true while the page is open

// The queue holds its order while the pointer or the focus is in it, so a row never moves under the
// pointer or the keyboard (rows still update; new ones go to the end); the latest order is applied
// once both have left.
const queue = byId('queue'), ordered = keep => [...desk.store.values()].filter(keep).sort(ORDERS[byId('f-sort').value].compare);
let held = null; // ticket ids in the order shown when the hold began
desk.store.sorted = keep => {
  const tickets = ordered(keep), at = id => (held.includes(id) ? held.indexOf(id) : held.length);
  return held ? tickets.sort((a, b) => at(a.id) - at(b.id)) : tickets;
};
function hold() { held = held || [...queue.querySelectorAll('[data-ticket]')].map(b => b.dataset.ticket); }
function release() {
  if (!held || queue.matches(':hover') || queue.contains(document.activeElement)) return;
  held = null;
  desk.render();
}
queue.addEventListener('pointerenter', hold);
queue.addEventListener('focusin', hold);
queue.addEventListener('pointerleave', () => setTimeout(release));
queue.addEventListener('focusout', () => setTimeout(release)); // the focus has moved on by then
byId('more').onclick = () => desk.load(older);

async function patch(change) {
  if (await desk.patch(change) && desk.openId) notify('Saved.', 'info');
}
for (const k of PROPS) byId('t-' + k).onchange = unsaved;

// one box, two modes: a reply to the farmer, or an internal note (its own label, colour and button)
function mode() {
  const note = byId('mode-note').checked;
  byId('compose').classList.toggle('note', note);
  byId('compose-label').textContent = note ? 'Internal note (only staff see it)' : 'Reply to the farmer';
  Object.assign(byId('send'), { value: note ? 'note' : 'reply', textContent: note ? 'Add internal note' : 'Send reply' });
}
byId('mode-reply').onchange = byId('mode-note').onchange = mode;
mode(); // the browser may have kept the choice across a reload
byId('props').onsubmit = e => {
  e.preventDefault();
  const change = {};
  for (const k of changed()) change[k] = byId('t-' + k).value;
  if (Object.keys(change).length) patch(change); else notify('Nothing to save.', 'info');
};
// the assignee is saved by "Set" only (like status and priority: arrow keys on a closed select only choose)
byId('assign').onsubmit = e => { e.preventDefault(); patch({ assigneeId: byId('t-assignee').value || null }); };
byId('assign-me').onclick = () => patch({ assigneeId: me.id });

// the admins to choose from, again at each ticket opened or closed: whoever signed in since is there
loadAdmins();
addEventListener('hashchange', () => loadAdmins());
// Unread is the team's: another admin's read clears it here too. A read that covers the ticket's last
// message leaves nothing unread; an older one (an admin replied since) leaves what the server counts.
const onEvent = desk.handlers.onEvent;
desk.handlers.onEvent = (type, data) => {
  const t = desk.store.get(data.ticketId);
  if (type === 'ticket-read' && data.readerRole === 'admin' && t && t.unread) {
    if (t.lastMessage && data.messageId >= t.lastMessage.id) t.unread = 0;
    else api('GET', '/api/tickets?limit=50&farmer=' + encodeURIComponent(t.farmerId), null, true)
      .then(page => { page.tickets.forEach(x => desk.store.upsert(x)); desk.render(); }, () => {});
  }
  onEvent(type, data);
};
const live = new LiveConnection('/api/admin/events', me.id, desk.handlers);
desk.start(me, parts, live, outbox(me.id, live, desk.sent));
