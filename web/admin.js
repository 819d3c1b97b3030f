// The support queue: every ticket with filters, a conversation with replies and internal notes, and
// the ticket's status, priority and assignee.
import { requireUser } from './session.js';
import { byId, el, notify, timeLabel } from './dom.js';
import { LiveConnection } from './live/connection.js';
import { outbox } from './outbox.js';
import * as desk from './desk.js';

const me = requireUser('admin');
const STATUS = { active: t => t.status === 'open' || t.status === 'pending', all: () => true };
const ASSIGNEE = { any: () => true, me: t => t.assigneeId === me.id, none: t => !t.assigneeId };
let older = null; // the cursor of the tickets not loaded yet

const parts = {
  list: 'queue',
  composer: 'compose',
  keep(t) {
    const status = byId('f-status').value;
    return (STATUS[status] ? STATUS[status](t) : t.status === status) && ASSIGNEE[byId('f-assignee').value](t) &&
      (!byId('f-unread').checked || t.unread > 0);
  },
  describe: t => [
    t.id + ' · ' + (t.farmerName || t.farmerId) + ' · ' + t.status + ' · ',
    el('span', { class: 'prio-' + t.priority }, t.priority),
    t.assigneeId ? ' · ' + t.assigneeId : ' · unassigned'],
  rendered() {
    const unread = desk.store.sorted(t => t.unread > 0).length;
    document.title = (unread ? '(' + unread + ') ' : '') + 'Farmdesk: support queue';
  },
  showHeader(t) {
    byId('t-subject').textContent = t.subject;
    byId('t-info').textContent = t.id + ' · ' + (t.farmerName || t.farmerId) + ' (' + t.farmerId + ') · ' +
      (t.category || 'general') + ' · opened ' + timeLabel(t.createdAt);
    byId('t-status').value = t.status;
    byId('t-priority').value = t.priority;
    if (document.activeElement !== byId('t-assignee')) byId('t-assignee').value = t.assigneeId || '';
  },
  async load(cursor) {
    older = await desk.store.load(cursor);
    byId('more').hidden = !older;
  },
  newTicket(t) { byId('announce').textContent = 'New ticket from ' + t.farmerName + ': ' + t.subject; },
};
for (const filter of ['f-status', 'f-assignee', 'f-unread']) byId(filter).onchange = () => desk.render();
byId('more').onclick = () => desk.load(older);

async function patch(change) {
  const t = await desk.patch(change);
  if (t && desk.openId) notify('Saved.', 'info');
  else if (desk.openId && desk.store.get(desk.openId)) parts.showHeader(desk.store.get(desk.openId)); // undo the control
}
byId('t-status').onchange = e => patch({ status: e.target.value });
byId('t-priority').onchange = e => patch({ priority: e.target.value });
byId('assign').onsubmit = e => { e.preventDefault(); patch({ assigneeId: byId('t-assignee').value.trim() || null }); };
byId('assign-me').onclick = () => { byId('t-assignee').value = me.id; patch({ assigneeId: me.id }); };

const live = new LiveConnection('/api/admin/events', me.id, desk.handlers);
desk.start(me, parts, live, outbox(me.id, live, desk.sent));
