// The admins known to the service (GET /api/admins: those who have signed in): a ticket's assignee is
// chosen from them, and assignees are shown by name. Admin page only.
import { api } from './session.js';
import { byId, el } from './dom.js';
import { t } from './i18n.js';

let known = new Map(); // admin id -> name
const asked = new Set(); // assignee ids not in the list that made us ask again (once each)

// Names shown in the pickers; a name two admins share gets the id too, so the choice is never ambiguous.
function label(id) {
  const name = known.get(id) || id;
  return [...known.values()].filter(n => n === name).length > 1 ? name + ' (' + id + ')' : name;
}

/** The assignee's name: from the ticket (the server joins it), else from the list, else the id. */
export function assigneeName(t) {
  if (t.assigneeId && !known.has(t.assigneeId) && !asked.has(t.assigneeId)) {
    asked.add(t.assigneeId); // an admin who signed in after the list was loaded
    loadAdmins();
  }
  return t.assigneeName || known.get(t.assigneeId) || t.assigneeId;
}

export async function loadAdmins() {
  try {
    known = new Map((await api('GET', '/api/admins', null, true)).admins.map(a => [a.id, a.name]));
  } catch { return; /* the list stays as it was; the next ticket opened asks again */ }
  const options = () => [...known.keys()].map(id => el('option', { value: id, class: 'person' }, label(id))); // names: as people wrote them
  const pick = byId('t-assignee'), chosen = pick.value;
  pick.replaceChildren(el('option', { value: '' }, t('nobody')), ...options());
  if (chosen && !known.has(chosen)) pick.append(el('option', { value: chosen, class: 'person' }, chosen)); // set before admins were recorded
  pick.value = chosen;
  const filter = byId('f-assignee'), was = filter.value;
  filter.querySelector('optgroup')?.remove();
  filter.append(el('optgroup', { label: t('assignedTo') }, ...options()));
  filter.value = [...filter.options].some(o => o.value === was) ? was : 'any';
}

/**
 * Shows the ticket's assignee in the picker (one not in the list yet gets an option of its own). A choice
 * not set yet survives updates of the same ticket from elsewhere, as status and priority do.
 */
export function showAssignee(t, sameTicket) {
  const pick = byId('t-assignee'), id = t.assigneeId || '';
  if (id && ![...pick.options].some(o => o.value === id)) pick.append(el('option', { value: id, class: 'person' }, assigneeName(t)));
  if (!sameTicket || pick.value === pick.dataset.saved) pick.value = id;
  pick.dataset.saved = id;
}
