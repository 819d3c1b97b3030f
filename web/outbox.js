import { api, ticketPath, readSaved, save } from './session.js';
import { attach } from './conversation.js';

export const newClientId = () => (crypto.randomUUID ? crypto.randomUUID()
  : Date.now().toString(36) + '-' + Array.from(crypto.getRandomValues(new Uint32Array(3)), x => x.toString(36)).join('-'));

export function outbox(userId, live, onSent) {
  const key = 'farmdesk.outbox.' + userId;
  let failed, sending, again;
  const items = ticketId => readSaved(key, []).filter(i => !ticketId || i.tid === ticketId);
  const drop = clientId => save(key, items().filter(i => i.cid !== clientId));

  async function flush() {
    if (!items().length) return;
    if (sending) return (again = true);
    sending = true;
    try { await (navigator.locks ? navigator.locks.request(key, send) : send()); } finally { sending = false; }
    if (again) { again = false; flush(); }
  }

  // one attempt; false: the server is in trouble (429, 5xx, 401), the next would fare no better.
  // A message with files (att: their keys in IndexedDB, attach.js) is posted once they are all uploaded
  async function post(item) {
    try {
      const attachments = item.att && await (await attach()).uploads(item);
      const message = await api('POST', ticketPath(item.tid, '/messages'),
        { text: item.text, clientId: item.cid, internal: item.internal || undefined, attachments }, true, 15000);
      drop(item.cid);
      if (attachments) attach().then(a => a.forget(item.att));
      live.expect(message.id);
      onSent(item, message);
    } catch (e) {
      if (!e.status) { failed = true; onSent(item); return true; } // no answer: kept, the next go on
      if (e.status === 429 || e.status >= 500 || e.status === 401) return !(failed = true);
      // refused (a closed ticket, too long): kept, marked, sent again only by its Retry button
      save(key, items().map(i => (i.cid === item.cid ? Object.assign(i, { err: e.message }) : i)));
      onSent(item, null, e);
    }
    return true;
  }

  async function send() {
    failed = false;
    for (const item of items()) if (!item.err && !await post(item)) return;
  }

  addEventListener('online', flush);
  setInterval(() => failed && flush(), 10000);
  return {
    items, flush,
    // the Retry button: this message now, with its clientId (a copy already stored is answered, not stored again)
    retry(clientId) {
      const item = items().find(i => i.cid === clientId);
      if (!item) return;
      delete item.err;
      save(key, items().map(i => (i.cid === clientId ? item : i)));
      post(item);
    },
    take(clientId) { const item = items().find(i => i.cid === clientId); drop(clientId); return item; },
    add(ticketId, text, internal, att) {
      const item = { cid: newClientId(), tid: ticketId, text, internal: !!internal, att, at: new Date().toISOString() };
      save(key, items().concat(item));
      flush();
      return item;
    },
  };
}
