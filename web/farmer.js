import { t, ready } from './i18n.js'; // first: the page's words (and, in English, nothing more to fetch)
import { requireUser, api } from './session.js';
import { byId } from './dom.js';
import { LiveConnection } from './live/connection.js';
import { outbox, newClientId } from './outbox.js';
import * as desk from './desk.js';

const STATUS = { pending: 'waitingForYou' };
// a ticket opened without one is in the server's "general" category: a word of the page, not the farmer's
const category = c => (c && c !== 'general' ? c : t('general'));
const status = ticket => t(STATUS[ticket.status] || ticket.status);

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
    desk.offerPush();
  } catch { /* the notice shows why */ }
  button.disabled = false;
};

byId('reply-text').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !matchMedia('(pointer:coarse)').matches) { e.preventDefault(); byId('reply').requestSubmit(); }
});

byId('resolve').onclick = () => desk.patch({ status: 'resolved' });
byId('close').onclick = () => confirm(t('confirmClose')) && desk.patch({ status: 'closed' });

ready.then(() => {
  const me = requireUser('farmer');
  if (!me) return; // not signed in: on its way to sign-in
  const live = new LiveConnection('/api/farmers/' + encodeURIComponent(me.id) + '/events', me.id, desk.handlers);
  desk.start(me, {
    list: 'tickets',
    composer: 'reply',
    describe: x => [status(x) + ' · ' + x.id + (x.lastMessage ? ' · ' + x.lastMessage.text : '')],
    showHeader(ticket) {
      const closed = ticket.status === 'closed';
      byId('t-subject').textContent = ticket.subject;
      byId('t-status').textContent = status(ticket);
      byId('t-status').className = 'status ' + ticket.status;
      byId('t-id').textContent = ticket.id + ' · ' + category(ticket.category);
      byId('resolve').hidden = closed || ticket.status === 'resolved';
      byId('close').hidden = byId('reply').hidden = closed;
      byId('closed-note').hidden = !closed;
    },
    load: () => desk.store.load(),
    newUnread(x, open) { if (!open) byId('announce').textContent = t('newFromSupport', { subject: x.subject }); },
  }, live, outbox(me.id, live, desk.sent));
});
