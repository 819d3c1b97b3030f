// The support queue: every ticket with filters, a conversation with replies and internal notes, and
// the ticket's status, priority and assignee.
import { t, num, ready, part } from './i18n.js';
import words from './lang/en.admin.js';
import { api, requireUser } from './session.js';
import { byId, el, notify, timeLabel } from './dom.js';
import { LiveConnection } from './live/connection.js';
import { outbox } from './outbox.js';
import * as desk from './desk.js';
import { attach } from './conversation.js';
import { assigneeName, loadAdmins, showAssignee } from './assignees.js';
import { ORDERS, fetchTickets, age, refreshAges } from './queue.js';
import { showOthers } from './others.js';

part('admin', words); // this page's own words (lang/<code>.admin.js), not carried by the farmer page

let me; // the signed-in admin, once the page's words are ready
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
  describe: x => [
    x.id + ' · ' + (x.farmerName || x.farmerId) + ' · ' + t(x.status) + ' · ',
    el('span', { class: 'prio-' + x.priority }, t(x.priority)),
    ' · ' + (x.assigneeId ? assigneeName(x) : t('unassigned')), age(x)],
  rendered() {
    // the team's count (the server's unread is the same for every admin, and any admin's read clears it)
    const unread = desk.store.sorted(x => x.unread > 0).length;
    document.title = (unread ? '(' + num(unread) + ') ' : '') + t('adminTitle');
    byId('team-unread').textContent = unread ? t(unread === 1 ? 'ticketUnread' : 'ticketsUnread', { n: num(unread) }) : '';
  },
  showHeader(ticket) {
    const shownBefore = shownId;
    byId('t-subject').textContent = ticket.subject;
    byId('t-info').textContent = ticket.id + ' · ' + (ticket.farmerName || ticket.farmerId) + ' (' + ticket.farmerId + ') · ' +
      (ticket.category && ticket.category !== 'general' ? ticket.category : t('general')) + ' · ' + t('opened', { when: timeLabel(ticket.createdAt) });
    for (const k of PROPS) {
      const select = byId('t-' + k);
      // a choice not saved yet survives updates from elsewhere; another ticket starts afresh
      if (shownId !== ticket.id || select.value === select.dataset.saved) select.value = ticket[k];
      select.dataset.saved = ticket[k];
    }
    shownId = ticket.id;
    unsaved();
    // posting to a closed ticket is refused (409): say so before anything is typed
    const closed = ticket.status === 'closed';
    byId('t-closed').hidden = !closed;
    for (const n of document.querySelectorAll('#compose-text, #compose .send')) n.disabled = closed;
    showAssignee(ticket, shownBefore === ticket.id);
    showOthers(ticket);
  },
  async load(cursor) {
    older = await desk.store.load(cursor);
    byId('more').hidden = !older;
  },
  // a note being typed is announced to admins only (the farmer would see "… is typing" for nothing)
  typing: () => (byId('mode-note').checked ? { internal: true } : undefined),
  // the draft's mode: asked without an argument, set with one
  note(set) {
    if (set != null) { byId(set ? 'mode-note' : 'mode-reply').checked = true; mode(); }
    return byId('mode-note').checked;
  },
  newTicket(x) {
    announced.add(x.id); // its first message comes next: "New ticket" has said it
    say(t('newTicketFrom', { name: x.farmerName || x.farmerId, subject: x.subject }));
    const open = desk.store.get(desk.openId);
    if (open && open.farmerId === x.farmerId) showOthers(open, true);
  },
  // a farmer's message on the open ticket is said by the conversation (aria-live); on another one, here, once
  newUnread(x, open) {
    if (!open && !announced.delete(x.id)) say(t('newMessageOn', { name: x.farmerName || x.farmerId, id: x.id }));
  },
};
const announced = new Set(), say = text => { byId('announce').textContent = text; };
for (const filter of ['f-status', 'f-assignee', 'f-unread']) byId(filter).onchange = () => desk.render();

// Search is the server's (it reads the messages); its answer is the set of tickets the queue shows.
let found = null, searches = 0; // ids found by the current search (null: no search); which search answered last
async function search() {
  const q = byId('f-search').value.trim(), mine = ++searches;
  if (!q) found = null;
  else {
    const tickets = await fetchTickets('activity', q).catch(() => null); // every match: the order is kept here
    if (!tickets || mine !== searches) return;
    tickets.forEach(x => desk.store.upsert(x));
    found = new Set(tickets.map(x => x.id));
  }
  byId('f-found').textContent = found ? t(found.size === 1 ? 'ticketFound' : 'ticketsFound', { n: num(found.size) }) : '';
  desk.render();
}
let typed;
byId('f-search').oninput = () => { clearTimeout(typed); typed = setTimeout(search, 300); };
// another order: rendered at once from what is loaded, then completed by the server's first pages of it
// (with more tickets than loaded, the oldest waits may not be among the newest)
const orderLabel = () => byId('queue').setAttribute('aria-label', t('queueIn', { order: byId('f-sort').selectedOptions[0].textContent }));
byId('f-sort').onchange = async () => {
  orderLabel();
  desk.render();
  if (byId('f-sort').value === 'activity') return;
  (await fetchTickets(byId('f-sort').value).catch(() => [])).forEach(x => desk.store.upsert(x));
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
  if (await desk.patch(change) && desk.openId) notify(t('saved'), 'info');
}
for (const k of PROPS) byId('t-' + k).onchange = unsaved;

// one box, two modes: a reply to the farmer, or an internal note (its own label, colour and button)
function mode() {
  const note = byId('mode-note').checked;
  byId('compose').classList.toggle('note', note);
  byId('compose-label').textContent = t(note ? 'noteLabel' : 'replyMode');
  Object.assign(byId('send'), { value: note ? 'note' : 'reply', textContent: t(note ? 'addNote' : 'sendReply') });
}
// files dropped on the conversation, or pasted into the box, join the message being written (as if picked)
const panel = byId('t-view'), box = byId('compose-text');
const attachFiles = files => files.length && !box.disabled && attach().then(a => a.add(files, byId('compose')));
const dragsFiles = e => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
panel.addEventListener('dragover', e => {
  if (!dragsFiles(e)) return;
  e.preventDefault();
  panel.classList.add('dropping');
});
panel.addEventListener('dragleave', e => { if (!panel.contains(e.relatedTarget)) panel.classList.remove('dropping'); });
panel.addEventListener('drop', e => {
  panel.classList.remove('dropping');
  if (!dragsFiles(e)) return;
  e.preventDefault();
  attachFiles([...e.dataTransfer.files]);
});
box.addEventListener('paste', e => {
  const files = [...e.clipboardData.files];
  if (!files.length) return; // text is pasted as text
  e.preventDefault();
  attachFiles(files);
});
byId('mode-reply').onchange = byId('mode-note').onchange = () => { mode(); desk.keepDraft(); };
byId('props').onsubmit = e => {
  e.preventDefault();
  const change = {};
  for (const k of changed()) change[k] = byId('t-' + k).value;
  if (Object.keys(change).length) patch(change); else notify(t('nothingToSave'), 'info');
};
// the assignee is saved by "Set" only (like status and priority: arrow keys on a closed select only choose)
byId('assign').onsubmit = e => { e.preventDefault(); patch({ assigneeId: byId('t-assignee').value || null }); };
byId('assign-me').onclick = () => patch({ assigneeId: me.id });

// the admins to choose from, again at each ticket opened or closed: whoever signed in since is there
addEventListener('hashchange', () => loadAdmins());
// Unread is the team's: another admin's read clears it here too. A read that covers the ticket's last
// message leaves nothing unread; an older one (an admin replied since) leaves what the server counts.
const onEvent = desk.handlers.onEvent;
desk.handlers.onEvent = (type, data) => {
  const x = desk.store.get(data.ticketId);
  if (type === 'ticket-read' && data.readerRole === 'admin' && x && x.unread) {
    if (x.lastMessage && data.messageId >= x.lastMessage.id) x.unread = 0;
    else api('GET', '/api/tickets?limit=50&farmer=' + encodeURIComponent(x.farmerId), null, true)
      .then(page => { page.tickets.forEach(o => desk.store.upsert(o)); desk.render(); }, () => {});
  }
  onEvent(type, data);
};
ready.then(() => {
  mode(); // in the page's language; the browser may have kept the choice across a reload
  orderLabel();
  me = requireUser('admin');
  if (!me) return; // not signed in: on its way to sign-in
  loadAdmins();
  const live = new LiveConnection('/api/admin/events', me.id, desk.handlers);
  desk.start(me, parts, live, outbox(me.id, live, desk.sent));
});
