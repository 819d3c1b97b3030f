const STORED = ['ticket-created', 'new-message', 'ticket-updated', 'ticket-read'];
const TYPES = STORED.concat('typing', 'token-expired', 'reset');

export function eventStream(live) {
  const options = live.options, stats = live.stats;
  const sse = { es: null, probe: null, probeDelay: options.probeMs, open, dropProbe, close };
  let graceTimer, probeTimer;

  async function open(probe) {
    if (!probe) { live.closeAll(); live.mode = 'sse'; }
    const url = await live.url('', live.lastId != null ? { lastEventId: live.lastId } : {}).catch(() => 0);
    if (probe ? live.mode !== 'poll' || sse.probe : live.mode !== 'sse' || sse.es) return;
    if (!url) return probe ? dropProbe() : live.fallBack('no token');
    const es = new EventSource(url);
    let failures = 0;
    es.lastId = es.lastMessageId = 0;
    es.tokenRenewAt = live.tokenRenewAt;
    if (probe) { sse.probe = es; stats.probes++; } else { sse.es = es; live.trouble(); }
    const giveUp = why => { if (sse.probe === es) dropProbe(); else if (sse.es === es) live.fallBack(why); };
    es.timer = setTimeout(() => giveUp('no open within ' + options.openMs + ' ms'), options.openMs);
    es.onopen = () => {
      clearTimeout(es.timer);
      clearTimeout(graceTimer);
      failures = 0;
      stats.opens++;
      if (sse.probe === es) {
        sse.probe = null;
        live.closeAll();
        live.mode = 'sse';
        sse.es = es;
      }
      if (sse.es !== es) return;
      live.troubleSince = 0;
      live.streamed = true;
      live.setState('streaming');
      live.audit.schedule();
    };
    es.onerror = () => {
      stats.errors++;
      if (sse.es !== es) return giveUp();
      if (es.readyState === 2) return Date.now() > es.tokenRenewAt ? live.restart('sse') : live.fallBack('refused');
      if (++failures >= options.fails) return live.fallBack('failing');
      clearTimeout(es.timer);
      clearTimeout(graceTimer);
      es.timer = setTimeout(() => giveUp('no reopen'), 3000 + options.openMs);
      graceTimer = setTimeout(() => sse.es === es && live.trouble(), live.state === 'streaming' ? 4500 : 0);
    };
    for (const type of TYPES) {
      es.addEventListener(type, e => {
        if (sse.es !== es) return;
        let data;
        try { data = JSON.parse(e.data || '{}'); } catch { return; }
        // lastEventId carries over: live-only events have none of their own
        const id = STORED.includes(type) && e.lastEventId ? Number(e.lastEventId) : null;
        if (id) es.lastId = Math.max(es.lastId, id);
        if (data.message) es.lastMessageId = Math.max(es.lastMessageId, data.message.id);
        live.apply(type, data, id);
      });
    }
  }

  function dropProbe() {
    if (sse.probe) { clearTimeout(sse.probe.timer); sse.probe.close(); }
    sse.probe = null;
    if (live.mode === 'poll') probeTimer = setTimeout(() => live.mode === 'poll' && open(true), sse.probeDelay);
    sse.probeDelay = Math.min(sse.probeDelay * 2, 600000);
  }

  function close() {
    clearTimeout(probeTimer);
    clearTimeout(graceTimer);
    for (const es of [sse.es, sse.probe]) if (es) { clearTimeout(es.timer); es.close(); }
    sse.es = sse.probe = null;
  }

  return sse;
}
