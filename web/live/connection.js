import { readSaved, sessionToken, api, firstAnswer } from '../session.js';
import { isVisible } from '../dom.js';
import { t } from '../i18n.js';
import { tabLeadership } from './leader.js';
import { eventStream } from './sse.js';
import { longPoll } from './poll.js';
import { stallAudit } from './audit.js';

export class LiveConnection {
  constructor(path, userId, handlers) {
    this.path = path;
    this.handlers = handlers;
    this.options = Object.assign({ openMs: 3000, fails: 3, holdS: 25, probeMs: 30000, auditMs: 30000, offlineMs: 10000 },
      readSaved('farmdesk.tuning', {}));
    this.lastId = this.mode = null;
    this.held = [];
    this.stats = { opens: 0, errors: 0, fallbacks: 0, probes: 0, polls: 0, cuts: 0, stalls: 0, why: null };
    this.tabs = tabLeadership(this, 'farmdesk.live:' + userId + ':' + path);
    this.sse = eventStream(this);
    this.longPoll = longPoll(this);
    this.audit = stallAudit(this);
    addEventListener('online', () => this.isLeader && this.mode && this.restart(this.mode));
    addEventListener('offline', () => this.setState('offline'));
    document.addEventListener('visibilitychange', () => isVisible() && this.mode === 'sse' && this.audit.run());
  }

  async start() {
    try {
      const res = await (firstAnswer('GET ' + this.path + '/poll') || this.poll());
      if (res.ok) this.lastId = (await res.json()).next;
    } catch { /* it copes without an id */ }
    this.tabs.start();
  }

  poll(query, signal) { return this.url('/poll', query).then(url => fetch(url, { cache: 'no-store', signal })); }

  async url(suffix, params) {
    if (!(this.tokenRenewAt > Date.now())) {
      this.streamToken = await api('POST', '/api/stream-token', undefined, true)
        .then(r => { this.tokenRenewAt = Date.now() + r.expiresIn * 500; return r.token; }, e => { if (e.status !== 404) throw e; });
    }
    const query = new URLSearchParams(params);
    query.set('access_token', this.streamToken || sessionToken());
    return this.path + suffix + '?' + query;
  }

  lead() { if (!this.isLeader) { this.isLeader = true; this.sse.open(); } }
  follow() { this.isLeader = false; this.stop(true); }
  ready() { const held = this.held; this.held = null; held.forEach(e => this.emit(...e)); }
  closeAll() { this.audit.cancel(); this.sse.close(); this.longPoll.stop(); }

  stop(quietly) {
    this.mode = null;
    this.closeAll();
    if (!quietly) this.setState('offline');
  }

  setState(state) {
    if (state === 'streaming' || state === 'polling') { this.wasLive = true; this.handlers.onLive(); }
    if (this.state !== state) this.handlers.onState(this.state = document.body.dataset.connection = state);
    if (this.isLeader) this.tabs.tellState();
  }

  trouble() {
    this.troubleSince = this.troubleSince || Date.now();
    // not "Reconnecting…" before the first connection: a first visit on a slow network is still connecting
    this.setState(navigator.onLine === false || Date.now() - this.troubleSince > this.options.offlineMs ? 'offline'
      : this.wasLive ? 'reconnecting' : 'connecting');
  }

  restart(mode) {
    this.closeAll();
    if (mode === 'poll') this.longPoll.start(); else this.sse.open();
  }

  fallBack(why) {
    if (!this.isLeader || this.mode !== 'sse') return;
    console.info('farmdesk: streaming unavailable (' + why + '), long-polling');
    this.stats.fallbacks++;
    this.stats.why = why;
    this.restart('poll');
    this.sse.dropProbe();
  }

  apply(type, data, id) {
    if (id != null) {
      if (this.lastId != null && id <= this.lastId) return;
      this.lastId = id;
    }
    if (this.isLeader) this.tabs.post({ kind: 'event', type, data, id });
    if (type === 'reset') {
      this.lastId = data.latest;
      this.handlers.onReset();
      if (this.isLeader && this.mode === 'sse') this.restart('sse'); // not with the unknown id again
    } else if (type === 'token-expired') {
      this.stop();
      this.handlers.onAuthError(t('sessionExpired'));
    } else if (this.held) this.held.push([type, data, id]); else this.emit(type, data, id);
  }

  emit(type, data, id) {
    try { this.handlers.onEvent(type, data, id); } catch (e) { console.error('event handler failed', type, e); }
  }

  expect(messageId) {
    if (this.isLeader) this.audit.expect(messageId); else this.tabs.post({ kind: 'sent', messageId });
  }
}
