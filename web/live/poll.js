import { readSaved, save } from '../session.js';
import { t } from '../i18n.js';

const HOLD_KEY = 'farmdesk.pollHold';

export function longPoll(live) {
  const learned = readSaved(HOLD_KEY, {});
  const poll = { holdSeconds: learned.until > Date.now() ? learned.s : live.options.holdS, start, stop };
  let run, request, cutHold = 0;

  function stop() { run = null; if (request) request.abort(); }

  async function start() {
    const mine = run = {};
    live.mode = 'poll';
    let quick = true, failures = 0;
    while (run === mine) {
      const hold = quick ? 0 : poll.holdSeconds, startedAt = Date.now();
      const aborter = request = new AbortController(), guard = setTimeout(() => aborter.abort(), (hold + 15) * 1000);
      try {
        live.stats.polls++;
        const query = { timeout: hold };
        if (live.lastId != null) query.after = live.lastId;
        const res = await live.poll(query, aborter.signal);
        if (res.status === 401 || res.status === 403) {
          const problem = await res.json().catch(() => ({}));
          live.stop();
          return live.handlers.onAuthError(problem.detail || t('notAllowed'));
        }
        if (!res.ok) throw Object.assign(new Error(res.status), { retryAfter: Number(res.headers.get('Retry-After')) });
        const body = await res.json();
        if (run !== mine) return;
        const recovered = failures > 0 && live.streamed;
        failures = 0;
        if (cutHold) { cutHold = 0; save(HOLD_KEY, { s: poll.holdSeconds, until: Date.now() + 864e5 }); }
        quick = false;
        live.troubleSince = 0;
        live.setState('polling');
        body.events.forEach(e => live.apply(e.type, e.data, e.id));
        if (body.next != null && (live.lastId == null || body.next > live.lastId)) live.lastId = body.next;
        if (recovered) return live.restart('sse');
      } catch (e) {
        if (run !== mine) return;
        const held = (Date.now() - startedAt) / 1000;
        if (hold >= 5 && held >= 4 && held < hold - 1 && !e.retryAfter && navigator.onLine !== false) {
          live.stats.cuts++;
          cutHold = cutHold || hold;
          poll.holdSeconds = Math.max(4, Math.floor(held) - 4);
          continue;
        }
        if (cutHold) { poll.holdSeconds = cutHold; cutHold = 0; }
        failures++;
        quick = true;
        live.trouble();
        await new Promise(resolve => setTimeout(resolve,
          e.retryAfter ? e.retryAfter * 1000 : Math.min(10000, 1000 * 2 ** (failures - 1)) * (0.5 + Math.random() / 2)));
      } finally {
        clearTimeout(guard);
      }
    }
  }

  return poll;
}
