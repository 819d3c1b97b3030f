import { requireUser, api } from './session.js';
import { byId } from './dom.js';
import { LiveConnection } from './live/connection.js';
import { outbox, newClientId } from './outbox.js';
import * as desk from './desk.js';

const STATUS = { open: 'Open', pending: 'Waiting for you', resolved: 'Resolved', closed: 'Closed' };
const me = requireUser('farmer') || await new Promise(() => {}), status = t => STATUS[t.status] || t.status;

const form = byId('new-form'), newButton = byId('new-btn');
function showForm(open) {
  form.hidden = !open;
  newButton.setAttribute('aria-expanded', open);
}
newButton.onclick = () => { showForm(form.hidden); if (!form.hidden) byId('new-subject').focus(); };
byId('new-cancel').onclick = () => { showForm(false); newButton.focus(); };

let clientId = null; // kept until created: a resend creates it once
form.onsubmit = async e => {
  e.preventDefault();
  const [subject, text, category] = ['new-subject', 'new-text', 'new-category'].map(id => byId(id).value.trim());
  if (!subject || !text) return;
  const button = form.querySelector('[type=submit]');
  button.disabled = true;
  try {
    const t = await api('POST', '/api/tickets', { subject, text, category: category || undefined, clientId: clientId = clientId || newClientId() });
    clientId = null;
    form.reset();
    showForm(false);
    desk.store.upsert(t);
    desk.go(t.id);
  } catch { /* the notice shows why */ }
  button.disabled = false;
};

byId('reply-text').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !matchMedia('(pointer:coarse)').matches) { e.preventDefault(); byId('reply').requestSubmit(); }
});

byId('resolve').onclick = () => desk.patch({ status: 'resolved' });
byId('close').onclick = () => confirm('Close this ticket? You will not be able to reply to it.') && desk.patch({ status: 'closed' });

const live = new LiveConnection('/api/farmers/' + encodeURIComponent(me.id) + '/events', me.id, desk.handlers);
desk.start(me, {
  list: 'tickets',
  composer: 'reply',
  describe: t => [status(t) + ' · ' + t.id + (t.lastMessage ? ' · ' + t.lastMessage.text : '')],
  showHeader(t) {
    const closed = t.status === 'closed';
    byId('t-subject').textContent = t.subject;
    byId('t-status').textContent = status(t);
    byId('t-status').className = 'status ' + t.status;
    byId('t-id').textContent = t.id + (t.category ? ' · ' + t.category : '');
    byId('resolve').hidden = closed || t.status === 'resolved';
    byId('close').hidden = byId('reply').hidden = closed;
    byId('closed-note').hidden = !closed;
  },
  load: () => desk.store.load(),
  newUnread(t, open) { if (!open) byId('announce').textContent = 'New message from support on “' + t.subject + '”'; },
}, live, outbox(me.id, live, desk.sent));
