/* Farmdesk client for farmer.html and admin.html (no build step; design notes: web-tests/README.md).
 * Safety: user text is only ever set as text (el() below), never parsed as HTML. */
(function () {
'use strict';
const TOKEN_KEY = 'farmdesk.token', LS = localStorage;
const enc = encodeURIComponent, now = Date.now;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const load = (k, d) => { try { return JSON.parse(LS.getItem(k)) || d; } catch (e) { return d; } };
const save = (k, v) => { try { LS.setItem(k, JSON.stringify(v)); } catch (e) { /* full or private mode */ } };
const visible = () => document.visibilityState !== 'hidden';

/** #token= goes to sessionStorage (and off the address bar); another user's link switches only if
 * the user says so (a link on another site must not sign them in as someone else); #ticket= stays. */
function readFragment() {
  const p = new URLSearchParams(location.hash.slice(1)), token = p.get('token');
  if (token) {
    const was = claimsOf(auth.token() || ''), c = claimsOf(token), who = x => (x.name || x.sub) + ' (' + x.sub + ')';
    if (!was || was.exp * 1000 < now() || c && c.sub === was.sub && c.role === was.role ||
        c && confirm('This link signs you in as ' + who(c) + ' instead of ' + who(was) + '. Switch?')) auth.save(token);
    p.delete('token');
    history.replaceState(null, '', location.pathname + location.search + (p + '' ? '#' + p : ''));
  }
  return p;
}

function claimsOf(token) {
  try { return JSON.parse(decodeURIComponent(escape(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))))); } catch (e) { return null; }
}

const auth = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  save: t => sessionStorage.setItem(TOKEN_KEY, t),
  logout() { sessionStorage.removeItem(TOKEN_KEY); location.href = 'index.html'; },
  /** The button: unsent messages, notes and receipts go too (an ended session keeps them). */
  signOut() {
    Object.keys(LS).forEach(k => k.startsWith('farmdesk.') && LS.removeItem(k));
    auth.logout();
  },
  /** The signed-in {id, role, name}, else to the login page. */
  require(role) {
    readFragment();
    const c = claimsOf(auth.token() || '');
    const expired = c && c.exp && c.exp * 1000 < now();
    if (!c || c.role !== role || expired) {
      const t = new URLSearchParams(location.hash.slice(1)).get('ticket');
      location.replace('index.html?role=' + role + (expired ? '&expired=1' : '') + (t ? '#ticket=' + enc(t) : ''));
      throw new Error('not signed in as ' + role);
    }
    return { id: c.sub, role: c.role, name: c.name || c.sub };
  },
};

function notify(text, kind) {
  const box = document.getElementById('notice');
  if (!box) return;
  box.textContent = text;
  box.dataset.kind = kind || 'error';
  box.hidden = !text;
  clearTimeout(notify.t);
  if (text && kind === 'info') notify.t = setTimeout(() => { box.hidden = true; }, 4000);
}

const apiError = (status, detail, retryAfter) => Object.assign(new Error(detail), { status, retryAfter });

/** fetch with the token, JSON in and out; throws {status (0: unreachable), message}. */
async function api(method, path, body, opts) {
  opts = opts || {};
  let res;
  try {
    res = await fetch(path, {
      method, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body),
      headers: Object.assign({ Authorization: 'Bearer ' + auth.token() },
        body === undefined ? {} : { 'Content-Type': 'application/json' }),
    });
  } catch (e) {
    const err = apiError(0, 'The server cannot be reached. Check your connection and try again.');
    if (!opts.quiet) notify(err.message);
    throw err;
  }
  if (res.ok) return res.status === 204 ? null : res.json();
  let detail = res.statusText || 'Request failed';
  try { const p = await res.json(); detail = p.detail || p.title || detail; } catch (e) { /* not JSON */ }
  const err = apiError(res.status, detail, Number(res.headers.get('Retry-After')) || 0);
  if (res.status === 401) {
    notify('Your session has ended: ' + detail + '. Please sign in again.');
    setTimeout(auth.logout, 2500);
  } else if (!opts.quiet) notify(detail);
  throw err;
}
const retriable = e => e.status === 0 || e.status === 429 || e.status >= 500;

const newClientId = () => (crypto.randomUUID ? crypto.randomUUID() // secure contexts only
  : now().toString(36) + '-' + Array.from(crypto.getRandomValues(new Uint32Array(3)), x => x.toString(36)).join('-'));

const STORED = ['ticket-created', 'new-message', 'ticket-updated', 'ticket-read'];
const TYPES = STORED.concat('typing', 'token-expired', 'reset');
const HOLD_KEY = 'farmdesk.pollHold';

/** One stream for all this browser's tabs (a leader tab relays), SSE or long-polling: see web-tests/README.md. */
class Live {
  constructor(path, userId, h, o) {
    this.path = path;
    this.h = h || {};
    // what each does: web-tests/README.md
    this.o = Object.assign({ openMs: 3000, fails: 3, holdS: 25, probeMs: 30000, auditMs: 30000, offlineMs: 10000 },
      o, load('farmdesk.tuning', {}));
    this.key = 'farmdesk:' + userId + ':' + path;
    this.lastId = null;
    this.mode = null;    // leader: 'sse' | 'poll'
    this.probeMs = this.o.probeMs;
    this.stats = { opens: 0, errors: 0, fallbacks: 0, probes: 0, polls: 0, cuts: 0, stalls: 0, why: null };
    const held = load(HOLD_KEY, {});
    this.hold = held.until > now() ? held.s : this.o.holdS;
    this.held = []; // events, until the page is ready()
    this.stalls = 0;
    if (window.BroadcastChannel && navigator.locks) {
      this.ch = new BroadcastChannel(this.key);
      this.ch.onmessage = e => this.onMsg(e.data);
    }
    addEventListener('online', () => this.leader && this.mode && this.restart(this.mode));
    addEventListener('offline', () => this.setState('offline'));
    document.addEventListener('visibilitychange', () => visible() && this.mode === 'sse' && this.audit());
  }

  /** The newest id; then start(), load, ready() (see Loading in web-tests/README.md). */
  async prime() {
    try {
      const res = await fetch(await this.url('/poll'), { cache: 'no-store' });
      if (res.ok) this.lastId = (await res.json()).next;
    } catch (e) { /* start() copes without an id */ }
  }

  start() {
    if (!this.ch) return this.lead();
    this.seen = now();
    this.acquire();
    this.ch.postMessage({ k: 'hi' });
    setInterval(() => {
      if (this.leader) this.beacon();
      else if (now() - this.seen > 10000 && visible()) this.acquire(true);
    }, 3000);
  }

  /** Waits to lead; steal: from a leader silent for 10 s (a frozen tab). */
  acquire(steal) {
    if (this.wait) this.wait.abort();
    const ctl = this.wait = steal ? null : new AbortController();
    this.seen = now();
    navigator.locks.request(this.key, steal ? { steal: true } : { signal: ctl.signal }, () => {
      this.wait = null;
      this.lead();
      return new Promise(() => {}); // held for the life of the tab, unless stolen
    }).catch(() => {
      if (ctl && ctl.signal.aborted) return; // stopped waiting to steal
      this.leader = false;                   // stolen: follow, and queue again
      this.mode = null;
      this.closeAll();
      this.acquire();
    });
  }

  lead() {
    if (this.leader) return;
    this.leader = true;
    this.stream();
  }

  onMsg(m) {
    if (this.leader) {
      if (m.k === 'hi') this.beacon();
      else if (m.k === 'sent') this.expect(m.mid);
      return;
    }
    this.seen = now();
    if (m.k === 'ev') this.apply(m.type, m.data, m.id);
    else if (m.k === 'st') this.setState(m.s);
  }

  beacon() { if (this.ch && this.state) this.ch.postMessage({ k: 'st', s: this.state }); }

  stop() {
    this.mode = null;
    this.closeAll();
    this.setState('offline');
  }

  // a stream token, not the session token: URLs reach proxies' logs. Throws if none (but 404)
  async url(suffix, extra) {
    if (!(this.stT > now())) this.st = await api('POST', '/api/stream-token', undefined, { quiet: true })
      .then(r => { this.stT = now() + r.expiresIn * 500; return r.token; }, e => { if (e.status - 404) throw e; });
    const q = new URLSearchParams(extra || {});
    q.set('access_token', this.st || auth.token());
    return this.path + (suffix || '') + '?' + q;
  }

  setState(s) {
    if (this.outbox && (s === 'streaming' || s === 'polling')) this.outbox.flush();
    if (this.state !== s) {
      this.state = document.body.dataset.connection = s;
      if (this.h.onState) this.h.onState(s);
    }
    if (this.leader) this.beacon();
  }

  trouble() {
    if (!this.since) this.since = now();
    this.setState(navigator.onLine === false || now() - this.since > this.o.offlineMs ? 'offline' : 'reconnecting');
  }

  closeAll() {
    for (const t of ['auditT', 'probeT', 'graceT']) clearTimeout(this[t]);
    for (const es of [this.es, this.probeEs]) if (es) { clearTimeout(es.t); es.close(); }
    this.es = this.probeEs = this.run = null;
    if (this.req) this.req.abort();
  }

  restart(mode) {
    this.closeAll();
    if (mode === 'poll') this.poll(); else this.stream();
  }

  apply(type, data, id) {
    if (id != null) {
      if (this.lastId != null && id <= this.lastId) return;
      this.lastId = id;
    }
    if (this.leader && this.ch) this.ch.postMessage({ k: 'ev', type, data, id });
    if (type === 'reset') {
      this.lastId = data.latest;
      if (this.h.onReset) this.h.onReset();
      if (this.leader && this.mode === 'sse') this.restart('sse'); // not with the unknown id again
    } else if (type === 'token-expired') {
      this.stop();
      if (this.h.onAuthError) this.h.onAuthError('Your session has expired.');
    } else if (this.held) this.held.push([type, data, id]); else this.emit(type, data, id);
  }
  emit(type, data, id) {
    try { this.h.onEvent(type, data, id); } catch (e) { console.error('event handler failed', type, e); }
  }
  ready() { const h = this.held; this.held = null; h.forEach(e => this.emit(...e)); }

  /** SSE; a probe is opened while polling and adopted when it opens. */
  async stream(probe) {
    if (!probe) { this.closeAll(); this.mode = 'sse'; }
    const u = await this.url('', this.lastId != null ? { lastEventId: this.lastId } : null).catch(() => 0);
    if (probe ? this.mode !== 'poll' || this.probeEs : this.mode !== 'sse' || this.es) return;
    if (!u) return probe ? this.dropProbe() : this.fallBack('no token');
    const es = new EventSource(u);
    let fails = 0;
    es.last = es.mid = 0;
    es.at = this.stT;
    if (probe) { this.probeEs = es; this.stats.probes++; } else { this.es = es; this.trouble(); }
    const give = why => {
      if (this.probeEs === es) this.dropProbe(); else if (this.es === es) this.fallBack(why);
    };
    es.t = setTimeout(() => give('no open within ' + this.o.openMs + ' ms'), this.o.openMs);
    es.onopen = () => {
      clearTimeout(es.t);
      clearTimeout(this.graceT);
      fails = 0;
      this.stats.opens++;
      if (this.probeEs === es) { // the probe works: stop polling, stream
        this.probeEs = null;
        this.closeAll();
        this.mode = 'sse';
        this.es = es;
      }
      if (this.es !== es) return;
      this.since = 0;
      this.streamed = true;
      this.setState('streaming');
      this.audit(this.o.auditMs);
    };
    es.onerror = () => {
      this.stats.errors++;
      if (this.es !== es) return give();
      // an old stream token, or not SSE (a proxy's 403...)
      if (es.readyState === 2) return now() > es.at ? this.restart('sse') : this.fallBack('refused');
      if (++fails >= this.o.fails) return this.fallBack('failing');
      // the browser retries in 3 s with Last-Event-ID; no flicker if it is back quickly
      clearTimeout(es.t);
      es.t = setTimeout(() => give('no reopen'), 3000 + this.o.openMs);
      clearTimeout(this.graceT);
      this.graceT = setTimeout(() => this.es === es && this.trouble(), this.state === 'streaming' ? 4500 : 0);
    };
    for (const type of TYPES) {
      es.addEventListener(type, e => {
        if (this.es !== es) return;
        let data;
        try { data = JSON.parse(e.data || '{}'); } catch (x) { return; }
        // lastEventId carries over, so live-only events have no id of their own
        const id = STORED.includes(type) && e.lastEventId ? Number(e.lastEventId) : null;
        if (id) es.last = Math.max(es.last, id);
        if (data.message) es.mid = Math.max(es.mid, data.message.id);
        this.apply(type, data, id);
      });
    }
  }

  dropProbe() {
    const es = this.probeEs;
    if (es) { clearTimeout(es.t); es.close(); }
    this.probeEs = null;
    if (this.mode === 'poll') this.probeT = setTimeout(() => this.mode === 'poll' && this.stream(true), this.probeMs);
    this.probeMs = Math.min(this.probeMs * 2, 600000);
  }

  fallBack(why) {
    if (!this.leader || this.mode !== 'sse') return;
    console.info('farmdesk: streaming unavailable (' + why + '), long-polling');
    this.stats.fallbacks++;
    this.stats.why = why;
    this.restart('poll');
    this.dropProbe(); // schedules the first probe
  }

  /** An open stream may be dead (a proxy holds it; heartbeats are invisible to scripts): poll; lagging 2 s: reopen. */
  async audit(delay) {
    clearTimeout(this.auditT);
    if (delay) { this.auditT = setTimeout(() => this.audit(), delay * (visible() ? 1 : 4)); return; }
    const es = this.es;
    if (!es || es.readyState !== 1 || this.lastId == null) return;
    let body;
    try {
      const res = await fetch(await this.url('/poll', { after: this.lastId, timeout: 0 }), { cache: 'no-store' });
      body = res.ok && await res.json();
    } catch (e) { /* the stream's own errors will tell */ }
    if (this.es !== es) return;
    const events = (body && body.events) || [], max = Math.max(0, ...events.map(e => e.id || 0));
    if (!max) return this.audit(this.o.auditMs);
    this.auditT = setTimeout(() => {
      if (this.es !== es) return;
      if (es.last >= max) { this.stalls = 0; this.probeMs = this.o.probeMs; return this.audit(this.o.auditMs); }
      this.stats.stalls++;
      events.forEach(ev => this.apply(ev.type, ev.data, ev.id));
      if (++this.stalls >= 2) this.fallBack('stalled'); else this.restart('sse');
    }, 2000);
  }

  /** This browser posted message `mid`: the stream should bring it, else audit. */
  expect(mid) {
    if (!this.leader) return this.ch && this.ch.postMessage({ k: 'sent', mid });
    const es = this.es;
    if (this.mode === 'sse') setTimeout(() => this.es === es && es.mid < mid && this.audit(), 3000);
  }

  async poll() {
    this.mode = 'poll';
    const run = this.run = {};
    let quick = true, failures = 0; // the first poll answers at once
    while (this.run === run) {
      const hold = quick ? 0 : this.hold, t0 = now();
      const req = this.req = new AbortController(), guard = setTimeout(() => req.abort(), (hold + 15) * 1000);
      try {
        const q = { timeout: hold };
        if (this.lastId != null) q.after = this.lastId;
        this.stats.polls++;
        const res = await fetch(await this.url('/poll', q), { cache: 'no-store', signal: req.signal });
        if (res.status === 401 || res.status === 403) {
          const p = await res.json().catch(() => ({}));
          this.stop();
          if (this.h.onAuthError) this.h.onAuthError(p.detail || 'Not allowed.');
          return;
        }
        if (!res.ok) throw Object.assign(new Error('poll answered ' + res.status), { ra: Number(res.headers.get('Retry-After')) });
        const body = await res.json();
        if (this.run !== run) return;
        const recovered = failures > 0 && this.streamed; // polls failed too: an outage, not a proxy
        failures = 0;
        if (this.cutFrom) { this.cutFrom = 0; save(HOLD_KEY, { s: this.hold, until: now() + 864e5 }); }
        quick = false;
        this.since = 0;
        this.setState('polling');
        body.events.forEach(ev => this.apply(ev.type, ev.data, ev.id));
        if (body.next != null && (this.lastId == null || body.next > this.lastId)) this.lastId = body.next;
        if (recovered) return this.restart('sse');
      } catch (e) {
        if (this.run !== run) return;
        const held = (now() - t0) / 1000;
        if (hold >= 5 && held >= 4 && held < hold - 1 && !e.ra && navigator.onLine !== false) {
          // cut early: a proxy's idle timeout. Hold less (for a day, once confirmed).
          this.stats.cuts++;
          this.cutFrom = this.cutFrom || hold;
          this.hold = Math.max(4, Math.floor(held) - 4);
          continue;
        }
        if (this.cutFrom) { this.hold = this.cutFrom; this.cutFrom = 0; }
        failures++;
        quick = true;
        this.trouble();
        await sleep(e.ra ? e.ra * 1000 : Math.min(10000, 1000 * 2 ** (failures - 1)) * (0.5 + Math.random() / 2));
      } finally {
        clearTimeout(guard);
      }
    }
  }
}

/** Messages to send, in localStorage with a clientId (stored once). onSent(item, message | null, error). */
class Outbox {
  constructor(userId, live, onSent) {
    this.key = 'farmdesk.outbox.' + userId;
    this.live = live;
    live.outbox = this; // flushed whenever the connection is live
    this.onSent = onSent;
    addEventListener('online', () => this.flush());
    setInterval(() => this.failed && this.flush(), 10000);
  }
  items(tid) { return load(this.key, []).filter(i => !tid || i.tid === tid); }
  drop(cid) { save(this.key, this.items().filter(i => i.cid !== cid)); }
  add(tid, text, internal) {
    const it = { cid: newClientId(), tid, text, internal: !!internal, at: new Date().toISOString() };
    save(this.key, this.items().concat(it));
    this.flush();
    return it;
  }
  async flush() {
    if (!this.items().length) return;
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    try {
      await (navigator.locks ? navigator.locks.request(this.key, () => this.send()) : this.send());
    } finally { this.busy = false; }
    if (this.again) { this.again = false; this.flush(); }
  }
  async send() {
    this.failed = false;
    for (const it of this.items()) {
      try {
        const m = await api('POST', '/api/tickets/' + enc(it.tid) + '/messages',
          { text: it.text, clientId: it.cid, internal: it.internal || undefined }, { quiet: true });
        this.drop(it.cid);
        this.live.expect(m.id);
        this.onSent(it, m);
      } catch (e) {
        if (retriable(e) || e.status === 401) { this.failed = true; return; } // kept for later, in order
        this.drop(it.cid);
        this.onSent(it, null, e);
      }
    }
  }
}

/** An element; string children become text nodes, never HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null && c !== false) node.append(c.nodeType ? c : document.createTextNode(String(c)));
  return node;
}

function timeLabel(iso) {
  if (!iso) return '';
  const d = new Date(iso), hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return new Date().toDateString() === d.toDateString() ? hm
    : d.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + hm;
}

const STATE_WORDS = { streaming: 'Live', polling: 'Live (polling)', reconnecting: 'Reconnecting…', offline: 'Offline' };

/** The state in words (the colour comes from body[data-connection]). */
const connectionLabel = node => s => { node.textContent = STATE_WORDS[s] || s; };

const activity = t => (t.lastMessage && t.lastMessage.createdAt > t.updatedAt ? t.lastMessage.createdAt : t.updatedAt);
const byActivity = (a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : 0);

/** The open conversation: messages once each, in id order, pending last. */
class Conversation {
  constructor(list, typing, marker, me, ticketId, onEnd) {
    Object.assign(this, { list, typing, marker, me, ticketId, onEnd, ids: new Set(), lastRead: 0, other: 0 });
    this.seenKey = 'farmdesk.seen.' + ticketId;
    this.seenUpTo = load(this.seenKey, 0);
    list.replaceChildren();
    typing.textContent = '';
    marker.hidden = true;
    marker.onclick = () => this.toEnd(true);
    list.onscroll = () => { if (this.atEnd()) { marker.hidden = true; onEnd(); } };
  }

  atEnd() { const l = this.list; return l.scrollHeight - l.scrollTop - l.clientHeight < 48; }

  toEnd(byUser) {
    this.list.scrollTop = this.list.scrollHeight;
    this.marker.hidden = true;
    if (!byUser) return;
    const last = this.list.lastElementChild;
    if (last) { last.tabIndex = -1; last.focus(); }
    this.onEnd();
  }

  item(m, pending) {
    const mine = m.senderId === this.me.id;
    const who = mine ? 'You' : (m.senderName || m.senderId) + (m.senderRole === 'admin' ? ' (support)' : '');
    const ours = pending || (!m.internal && m.senderRole === this.me.role);
    return el('li', { class: 'msg' + (mine ? ' mine' : '') + (m.internal ? ' note' : '') + (pending ? ' pending' : ''),
      'data-id': pending ? null : String(m.id), 'data-cid': m.clientId || null },
    el('div', { class: 'meta' },
      m.internal ? el('strong', { class: 'tag' }, 'Internal note') : null,
      el('span', { class: 'who' }, who), ' · ',
      el('time', { datetime: m.createdAt }, timeLabel(m.createdAt)),
      ours ? el('span', { class: 'rcpt' }, pending ? 'Not sent yet' : m.id <= this.seenUpTo ? 'Seen' : 'Sent') : null),
    el('p', { class: 'text' }, m.text));
  }

  pend(cid) { return cid && this.list.querySelector('li.pending[data-cid="' + CSS.escape(cid) + '"]'); }
  dropPending(cid) { const li = this.pend(cid); if (li) li.remove(); }
  add(m) {
    this.dropPending(m.clientId);
    if (this.ids.has(m.id)) return;
    this.ids.add(m.id);
    const atEnd = this.atEnd();
    let before = null;
    for (const li of this.list.children) if (!li.dataset.id || Number(li.dataset.id) > m.id) { before = li; break; }
    this.list.insertBefore(this.item(m), before);
    const mine = m.senderId === this.me.id;
    if (m.senderRole !== this.me.role) this.other = Math.max(this.other, m.id);
    if (!mine) this.typing.textContent = '';
    if (mine || atEnd) this.toEnd(); else this.marker.hidden = false;
  }

  addPending(it) {
    if (this.pend(it.cid)) return;
    this.list.append(this.item({ senderId: this.me.id, senderRole: this.me.role, text: it.text,
      internal: it.internal, clientId: it.cid, createdAt: it.at }, true));
    this.toEnd();
  }

  seen(id) {
    if (id <= this.seenUpTo) return;
    save(this.seenKey, this.seenUpTo = id);
    this.list.querySelectorAll('li[data-id] .rcpt').forEach(n => {
      if (Number(n.closest('li').dataset.id) <= id) n.textContent = 'Seen';
    });
  }

  showTyping(name) {
    this.typing.textContent = name + ' is typing…';
    clearTimeout(this.typingT);
    this.typingT = setTimeout(() => { this.typing.textContent = ''; }, 4000);
  }

  /** Marks the other side's messages read when visible and scrolled to the end. */
  markRead() {
    const last = this.other;
    if (!last || last <= this.lastRead || !visible() || !this.atEnd()) return false;
    this.lastRead = last;
    api('POST', '/api/tickets/' + enc(this.ticketId) + '/read', { messageId: last }, { quiet: true })
      .catch(() => { this.lastRead = 0; });
    return true;
  }
}

/** Tickets by id. Events carry no `unread`: an update keeps the count, and `counted` (what REST counted). */
class TicketStore {
  constructor() { this.map = new Map(); }
  get(id) { return this.map.get(id); }
  clear() { this.map.clear(); }
  upsert(t) {
    const old = this.map.get(t.id), m = Object.assign({}, old, t);
    m.unread = t.unread != null ? t.unread : (old && old.unread) || 0;
    if (t.unread != null) m.counted = t.lastMessage ? t.lastMessage.id : 0;
    delete m.messages;
    this.map.set(t.id, m);
    return m;
  }
  async load(query, pages, cursor) {
    for (let n = 0; n < (pages || 5); n++) {
      const q = new URLSearchParams(query || {});
      q.set('limit', '100');
      if (cursor) q.set('cursor', cursor);
      const page = await api('GET', '/api/tickets?' + q);
      page.tickets.forEach(t => this.upsert(t));
      if (!(cursor = page.next)) break;
    }
    return cursor;
  }
  sorted(keep) { return [...this.map.values()].filter(keep || (() => true)).sort(byActivity); }
}

function typingSender(field, ticketIdFn) {
  let last = 0;
  field.addEventListener('input', () => {
    const id = ticketIdFn();
    if (!id || !field.value.trim() || now() - last < 3000) return;
    last = now();
    api('POST', '/api/tickets/' + enc(id) + '/typing', undefined, { quiet: true }).catch(() => {});
  });
}

window.Farmdesk = {
  auth, claimsOf, readFragment, api, notify, newClientId, Live, Outbox, el, timeLabel,
  connectionLabel, byActivity, Conversation, TicketStore, typingSender, STATE_WORDS,
};
})();
