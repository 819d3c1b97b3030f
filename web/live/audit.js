import { isVisible } from '../dom.js';

export function stallAudit(live) {
  let timer, stalls = 0;
  const cancel = () => clearTimeout(timer);
  const schedule = () => { cancel(); timer = setTimeout(run, live.options.auditMs * (isVisible() ? 1 : 4)); };

  async function run() {
    const sse = live.sse, es = sse.es;
    cancel();
    if (!es || es.readyState !== 1 || live.lastId == null) return;
    let body;
    try {
      const res = await live.poll({ after: live.lastId, timeout: 0 });
      body = res.ok && await res.json();
    } catch { /* the stream's own errors will tell */ }
    if (sse.es !== es) return;
    const events = (body && body.events) || [], newest = Math.max(0, ...events.map(e => e.id || 0));
    if (!newest) return schedule();
    timer = setTimeout(() => {
      if (sse.es !== es) return;
      if (es.lastId >= newest) { stalls = 0; sse.probeDelay = live.options.probeMs; return schedule(); }
      live.stats.stalls++;
      events.forEach(e => live.apply(e.type, e.data, e.id));
      if (++stalls >= 2) live.fallBack('stalled'); else live.restart('sse');
    }, 2000);
  }

  function expect(messageId) {
    const es = live.sse.es;
    if (live.mode === 'sse') setTimeout(() => es && live.sse.es === es && es.lastMessageId < messageId && run(), 3000);
  }

  return { cancel, schedule, run, expect };
}
