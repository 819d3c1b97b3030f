/*
 * Farmdesk browser client: token, REST calls, the live connection (SSE with a long-poll fallback)
 * and a few DOM helpers shared by farmer.html and admin.html. Plain script, no build step:
 * everything hangs off window.Farmdesk.
 *
 * Safety rule for every page: text that came from a user is only ever set with textContent
 * (el() below does that), never with innerHTML.
 */
(function () {
  'use strict';

  const TOKEN_KEY = 'farmdesk.token';

  /* ---------- token ---------- */

  /** Reads #token= (then removes it from the address bar) and #ticket=; the token goes to sessionStorage. */
  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('token');
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      params.delete('token');
      const rest = params.toString();
      history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    }
    return params;
  }

  /** The payload of a JWT, for display and routing only (the server is the one that verifies it). */
  function claimsOf(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = decodeURIComponent(Array.from(atob(part),
        c => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
      return JSON.parse(json);
    } catch (e) {
      return null;
    }
  }

  const auth = {
    token: () => sessionStorage.getItem(TOKEN_KEY),
    save: token => sessionStorage.setItem(TOKEN_KEY, token),
    logout() {
      sessionStorage.removeItem(TOKEN_KEY);
      location.href = 'index.html';
    },
    /**
     * The signed-in user {id, role, name} when the token fits this page's role, else sends the
     * browser to the login page (keeping #ticket= so the link still works after logging in).
     */
    require(role) {
      readFragment();
      const token = auth.token();
      const c = token && claimsOf(token);
      const expired = c && c.exp && c.exp * 1000 < Date.now();
      if (!c || c.role !== role || expired) {
        const ticket = new URLSearchParams(location.hash.slice(1)).get('ticket');
        location.replace('index.html?role=' + role + (expired ? '&expired=1' : '') +
          (ticket ? '#ticket=' + encodeURIComponent(ticket) : ''));
        throw new Error('not signed in as ' + role);
      }
      return { id: c.sub, role: c.role, name: c.name || c.sub };
    },
  };

  /* ---------- notices ---------- */

  /** Shows a message in the page's #notice region (role="alert"). */
  function notify(text, kind) {
    const box = document.getElementById('notice');
    if (!box) return;
    box.textContent = text;
    box.dataset.kind = kind || 'error';
    box.hidden = !text;
    clearTimeout(notify.timer);
    if (text && kind === 'info') notify.timer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  /* ---------- REST ---------- */

  class ApiError extends Error {
    constructor(status, detail, retryAfter) {
      super(detail);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  /**
   * fetch with the token, JSON in and out. A failure shows the problem+json `detail` to the user
   * (unless opts.quiet) and throws an ApiError. A 401 sends the user back to the login page.
   */
  async function api(method, path, body, opts) {
    opts = opts || {};
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: Object.assign({ Authorization: 'Bearer ' + auth.token() },
          body === undefined ? {} : { 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (e) {
      const err = new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
      if (!opts.quiet) notify(err.message);
      throw err;
    }
    if (res.ok) {
      if (res.status === 204) return null;
      return res.json();
    }
    let detail = res.statusText || 'Request failed';
    try {
      const problem = await res.json();
      detail = problem.detail || problem.title || detail;
    } catch (e) { /* not JSON: keep the status text */ }
    const err = new ApiError(res.status, detail, Number(res.headers.get('Retry-After')) || 0);
    if (res.status === 401) {
      notify('Your session has ended: ' + detail + '. Please log in again.');
      setTimeout(auth.logout, 2500);
    } else if (!opts.quiet) {
      notify(detail);
    }
    throw err;
  }

  const sleep = ms => new Promise(r => setTimeout(r, ms));

  /**
   * A call that creates something, carrying a clientId so the server stores it once however often
   * it is retried. Retries network failures, 429 and 5xx a few times with the same body.
   */
  async function post(path, body, attempts) {
    attempts = attempts || 3;
    for (let i = 1; ; i++) {
      try {
        return await api('POST', path, body, { quiet: i < attempts });
      } catch (e) {
        const retriable = e.status === 0 || e.status === 429 || e.status >= 500;
        if (!retriable || i >= attempts) throw e;
        await sleep(e.retryAfter ? e.retryAfter * 1000 : 500 * i);
      }
    }
  }

  function newClientId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // insecure contexts lack randomUUID
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  /* ---------- live connection ---------- */

  const STORED = ['ticket-created', 'new-message', 'ticket-updated', 'ticket-read'];
  const LIVE_ONLY = ['typing', 'token-expired', 'reset'];

  /**
   * One live view of a stream: SSE first, long-polling when SSE cannot open or keeps failing.
   * Both carry the last event id, so switching loses nothing; an event whose id is not above the
   * last one applied is dropped, so nothing is applied twice.
   *
   * handlers: onEvent(type, data, id), onState(state), onReset() (reload everything),
   * onAuthError(detail).
   * States: 'reconnecting' (connecting or retrying), 'streaming', 'polling', 'offline'.
   */
  class Live {
    constructor(streamPath, handlers, options) {
      this.path = streamPath;
      this.h = handlers || {};
      this.o = Object.assign({
        openTimeoutMs: 10000,     // no `open` by then (a buffering proxy): poll instead
        maxStreamErrors: 3,       // errors in a row without an open in between: poll instead
        pollTimeoutS: 25,
        retryStreamMs: 5 * 60000, // while polling, try SSE again after this long
      }, options || {});
      this.lastId = null;
      this.state = null;
      this.mode = null;           // 'sse' | 'poll' | null (stopped)
      this.es = null;
      this.errors = 0;
      this.pollFailures = 0;
      this.pollAbort = null;
      this.streamedOnce = false;  // SSE has opened at least once here
      addEventListener('online', () => this.mode && this.restart(this.mode));
      addEventListener('offline', () => this.mode && this.setState('offline'));
    }

    /** The newest event id, so a page can load its state and then start() with no gap. */
    async prime() {
      try {
        const res = await fetch(this.url('/poll', null), { cache: 'no-store' });
        if (res.ok) this.lastId = (await res.json()).next;
      } catch (e) { /* start() copes without an id */ }
    }

    start() { this.stream(); }

    stop() {
      this.mode = null;
      this.closeAll();
      this.setState('offline');
    }

    url(suffix, extra) {
      const q = new URLSearchParams(extra || {});
      q.set('access_token', auth.token());
      return this.path + suffix + '?' + q;
    }

    setState(state) {
      if (this.state === state) return;
      this.state = state;
      document.body.dataset.connection = state;
      if (this.h.onState) this.h.onState(state);
    }

    closeAll() {
      clearTimeout(this.openTimer);
      clearTimeout(this.retryTimer);
      if (this.es) { this.es.close(); this.es = null; }
      if (this.pollAbort) { this.pollAbort.abort(); this.pollAbort = null; }
    }

    restart(mode) {
      this.closeAll();
      if (mode === 'poll') this.poll(); else this.stream();
    }

    /** Applies one event unless it was applied already. */
    apply(type, data, id) {
      if (id != null && STORED.includes(type)) {
        if (this.lastId != null && id <= this.lastId) return;
        this.lastId = id;
      }
      if (type === 'reset') {
        this.lastId = data.latest;
        if (this.h.onReset) this.h.onReset();
        if (this.mode === 'sse') this.restart('sse'); // EventSource would resume with the unknown id again
        return;
      }
      if (type === 'token-expired') {
        this.stop();
        if (this.h.onAuthError) this.h.onAuthError('Your session has expired.');
        return;
      }
      try {
        if (this.h.onEvent) this.h.onEvent(type, data, id);
      } catch (e) {
        console.error('event handler failed', type, e);
      }
    }

    /* SSE */

    stream() {
      this.mode = 'sse';
      this.errors = 0;
      this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
      const es = new EventSource(this.url('', this.lastId != null ? { lastEventId: this.lastId } : null));
      this.es = es;
      this.openTimer = setTimeout(() => this.fallBack('no answer'), this.o.openTimeoutMs);
      es.onopen = () => {
        clearTimeout(this.openTimer);
        this.errors = 0;
        this.streamedOnce = true;
        this.setState('streaming');
      };
      es.onerror = () => {
        if (this.es !== es) return;
        this.errors++;
        if (es.readyState === EventSource.CLOSED) {
          this.fallBack('closed'); // a refused or non-SSE answer: the browser will not retry
        } else if (this.errors >= this.o.maxStreamErrors) {
          this.fallBack('failing');
        } else {
          this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
          clearTimeout(this.openTimer);
          this.openTimer = setTimeout(() => this.fallBack('no answer'), this.o.openTimeoutMs);
        }
      };
      for (const type of STORED.concat(LIVE_ONLY)) {
        es.addEventListener(type, e => {
          if (this.es !== es) return;
          let data;
          try { data = JSON.parse(e.data || '{}'); } catch (err) { return; }
          // lastEventId carries over from the previous event, so live-only events have no id of their own
          this.apply(type, data, STORED.includes(type) && e.lastEventId ? Number(e.lastEventId) : null);
        });
      }
    }

    fallBack(why) {
      if (this.mode !== 'sse') return;
      console.info('farmdesk: streaming unavailable (' + why + '), long-polling');
      this.restart('poll');
      this.retryTimer = setTimeout(() => this.mode === 'poll' && this.restart('sse'), this.o.retryStreamMs);
    }

    /* long-polling */

    async poll() {
      this.mode = 'poll';
      const abort = new AbortController();
      this.pollAbort = abort;
      let quick = true; // the first poll (and the first after a failure) answers at once: proof it works
      while (this.mode === 'poll' && this.pollAbort === abort) {
        try {
          const params = { timeout: quick ? 0 : this.o.pollTimeoutS };
          if (this.lastId != null) params.after = this.lastId;
          const res = await fetch(this.url('/poll', params), { cache: 'no-store', signal: abort.signal });
          if (res.status === 401 || res.status === 403) {
            const p = await res.json().catch(() => ({}));
            this.stop();
            if (this.h.onAuthError) this.h.onAuthError(p.detail || 'Not allowed.');
            return;
          }
          if (!res.ok) {
            const err = new Error('poll answered ' + res.status);
            err.retryAfter = Number(res.headers.get('Retry-After')) || 0;
            throw err;
          }
          const body = await res.json();
          if (this.pollAbort !== abort) return;
          // SSE worked before and the polls failed too: that was an outage, not a proxy; stream again
          const recovered = this.pollFailures > 0 && this.streamedOnce;
          this.pollFailures = 0;
          quick = false;
          this.setState('polling');
          for (const ev of body.events) this.apply(ev.type, ev.data, ev.id);
          if (body.next != null && (this.lastId == null || body.next > this.lastId)) this.lastId = body.next;
          if (recovered) { this.restart('sse'); return; }
        } catch (e) {
          if (abort.signal.aborted) return;
          this.pollFailures++;
          quick = true;
          this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
          const wait = e.retryAfter ? e.retryAfter * 1000
            : Math.min(30000, 1000 * 2 ** Math.min(this.pollFailures - 1, 5)) * (0.5 + Math.random() / 2);
          await sleep(wait);
        }
      }
    }
  }

  /* ---------- DOM helpers ---------- */

  /** Creates an element; string children become text nodes (never parsed as HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k in node && typeof v !== 'string') node[k] = v;
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) {
      if (c == null || c === false) continue;
      node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function timeLabel(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    const today = new Date().toDateString() === d.toDateString();
    return today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : d.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' +
        d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  const STATE_WORDS = {
    streaming: 'Live',
    polling: 'Live (polling)',
    reconnecting: 'Reconnecting…',
    offline: 'Offline',
  };

  /** Keeps an element showing the connection state in words (its colour comes from body[data-connection]). */
  function connectionLabel(node) {
    return state => { node.textContent = STATE_WORDS[state] || state; };
  }

  /** Newest activity first. */
  function byActivity(a, b) {
    const ta = a.lastMessage && a.lastMessage.createdAt > a.updatedAt ? a.lastMessage.createdAt : a.updatedAt;
    const tb = b.lastMessage && b.lastMessage.createdAt > b.updatedAt ? b.lastMessage.createdAt : b.updatedAt;
    return ta < tb ? 1 : ta > tb ? -1 : 0;
  }

  /**
   * One open conversation: the message list (an aria-live region), the typing line and read marks.
   * Messages are kept by id, in id order, each shown once however it arrived (REST, stream, poll).
   */
  class Conversation {
    constructor(listNode, typingNode, me, ticketId) {
      this.list = listNode;
      this.typing = typingNode;
      this.me = me;
      this.ticketId = ticketId;
      this.ids = new Set();
      this.lastRead = 0;
      this.list.replaceChildren();
      this.typing.textContent = '';
    }

    add(m) {
      if (this.ids.has(m.id)) return;
      this.ids.add(m.id);
      const mine = m.senderId === this.me.id;
      const who = mine ? 'You' : (m.senderName || m.senderId) + (m.senderRole === 'admin' ? ' (support)' : '');
      const item = el('li', {
        class: 'msg' + (mine ? ' mine' : '') + (m.internal ? ' note' : ''),
        'data-id': String(m.id),
      },
      el('div', { class: 'meta' },
        m.internal ? el('strong', { class: 'tag' }, 'Internal note') : null,
        el('span', { class: 'who' }, who), ' · ',
        el('time', { datetime: m.createdAt }, timeLabel(m.createdAt))),
      el('p', { class: 'text', text: m.text }));
      let before = null;
      for (const li of this.list.children) {
        if (Number(li.dataset.id) > m.id) { before = li; break; }
      }
      this.list.insertBefore(item, before);
      if (!before) item.scrollIntoView({ block: 'nearest' });
      if (!mine) this.typing.textContent = '';
    }

    showTyping(name) {
      this.typing.textContent = name + ' is typing…';
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => { this.typing.textContent = ''; }, 4000);
    }

    /** Marks everything shown as read, when the page is visible. */
    markRead() {
      const last = Math.max(0, ...this.ids);
      if (!last || last <= this.lastRead || document.visibilityState === 'hidden') return false;
      this.lastRead = last;
      api('POST', '/api/tickets/' + encodeURIComponent(this.ticketId) + '/read', { messageId: last }, { quiet: true })
        .catch(() => { this.lastRead = 0; });
      return true;
    }
  }

  /**
   * The tickets a page knows, by id. Ticket objects in events carry no `unread`, so an update keeps
   * the count it had; the page adjusts it as messages arrive and are read.
   */
  class TicketStore {
    constructor() { this.map = new Map(); }
    get(id) { return this.map.get(id); }
    clear() { this.map.clear(); }
    upsert(t) {
      const old = this.map.get(t.id);
      const merged = Object.assign({}, old, t);
      merged.unread = t.unread != null ? t.unread : (old && old.unread) || 0;
      delete merged.messages;
      this.map.set(t.id, merged);
      return merged;
    }
    /** GET /api/tickets from `cursor`, following `next` for up to `pages` pages; returns the cursor left, if any. */
    async load(query, pages, cursor) {
      for (let n = 0; n < (pages || 5); n++) {
        const q = new URLSearchParams(query || {});
        q.set('limit', '100');
        if (cursor) q.set('cursor', cursor);
        const page = await api('GET', '/api/tickets?' + q);
        page.tickets.forEach(t => this.upsert(t));
        cursor = page.next;
        if (!cursor) break;
      }
      return cursor;
    }
    sorted(keep) {
      return [...this.map.values()].filter(keep || (() => true)).sort(byActivity);
    }
  }

  /** Sends typing pings for a text field, at most one every 3 s. */
  function typingSender(field, ticketIdFn) {
    let lastSent = 0;
    field.addEventListener('input', () => {
      const id = ticketIdFn();
      if (!id || !field.value.trim() || Date.now() - lastSent < 3000) return;
      lastSent = Date.now();
      api('POST', '/api/tickets/' + encodeURIComponent(id) + '/typing', undefined, { quiet: true }).catch(() => {});
    });
  }

  /**
   * A composer's clientId: the same one for the same text on the same ticket until it is sent,
   * so a send that is retried (or clicked again after an error) is stored once.
   */
  function draftKey() {
    let key = null;
    return {
      for(scope, text) {
        if (!key || key.scope !== scope || key.text !== text) key = { scope, text, id: newClientId() };
        return key.id;
      },
      done() { key = null; },
    };
  }

  window.Farmdesk = {
    auth, claimsOf, readFragment, api, post, notify, newClientId, Live, el, timeLabel,
    connectionLabel, byActivity, Conversation, TicketStore, typingSender, draftKey, STATE_WORDS,
  };
})();
