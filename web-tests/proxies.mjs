// The pages behind the corporate proxies of ../shared/lab/proxies (real squid and nginx; started by
// run.sh): one Chromium, one pair of contexts (farmer 360 px, admin) per proxy, each context with
// its own proxy (--proxy-server per context, loopback not bypassed), all scenarios at once.
//
// Needs FARMDESK_URL (the server), reached through each proxy as it is: the buffering one is a stock
// nginx that speaks HTTP/1.0 to its upstream, so the server answers it without chunks and ends a
// stream by closing (which that proxy holds back: the pages fall back to polling).
// E2E_ONLY=name,name runs some scenarios only.
import {
  BASE, RUN, sleep, log, check, step, dump, launch, token, rest, openPage, waitForText,
  waitForConnection, checkOnceInOrder, liveInfo, send, pageErrors, results,
} from './lib.mjs';
import { writeFileSync } from 'node:fs';


// in start order (the longest first; starts are 1.5 s apart so the pages do not all load at once)
const SCENARIOS = {
  'max-duration': { port: 20013, mode: 'streaming', extra: maxDuration },
  'idle-timeout': { port: 20012, mode: 'streaming', extra: idleTimeout },
  clean: { port: 20010, mode: 'streaming' },
  'no-sse': { port: 20014, mode: 'polling', why: 'refused' },
  buffering: { port: 20011, mode: 'polling', why: /no open/ },
  gzip: { port: 20015, mode: 'polling', why: /no open/ },
};

/** Records, in the page, when each stored message text first appears (ms since the epoch). */
async function recordArrivals(page) {
  await page.evaluate(() => {
    window.__arrived = {};
    const note = () => document.querySelectorAll('#messages li.msg[data-id] .text').forEach(n => {
      if (!(n.textContent in window.__arrived)) window.__arrived[n.textContent] = Date.now();
    });
    note();
    new MutationObserver(note).observe(document.getElementById('messages'), { childList: true, subtree: true });
  });
}
const arrivedAt = (page, text) => page.evaluate(t => window.__arrived[t], text);

/** Sends from one page's composer, waits for it on the other page; returns the latency in ms. */
async function exchange(from, role, to, text, who) {
  const sentAt = Date.now();
  await send(from, role, text);
  await waitForText(to, '#messages li.msg[data-id] .text', text, who);
  return (await arrivedAt(to, text)) - sentAt;
}

/** One proxy: farmer and admin pages through it exchange messages both ways. */
async function scenario(name, sc, browser) {
  const tag = s => `[${name}] ${s}`;
  const base = BASE;
  const proxy = { server: `http://127.0.0.1:${sc.port}` }; // playwright adds <-loopback> to the bypass list
  const farmer = { id: `F-${name}-${RUN}`, name: `Farmer ${name}` }, admin = { id: `A-${name}-${RUN}`, name: `Staff ${name}` };
  const ftok = await token('farmer', farmer.id, farmer.name), atok = await token('admin', admin.id, admin.name);
  const t = await rest(ftok, 'POST', '/api/tickets', { subject: `Through ${name} ${RUN}`, text: `opened ${name}` });
  const fctx = await browser.newContext({ proxy, viewport: { width: 360, height: 740 } });
  const actx = await browser.newContext({ proxy, viewport: { width: 1280, height: 900 } });
  const pages = {};
  const at = {}; // when the farmer page first asked for a stream, and then for a poll after an id
  fctx.on('request', r => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('/events')) at.sse = at.sse || Date.now();
    else if (u.pathname.endsWith('/poll') && u.searchParams.has('after') && at.sse) at.poll = at.poll || Date.now();
  });
  try {
    const loadAt = Date.now();
    const f = pages[name + '-farmer'] = await openPage(fctx, base, 'farmer', ftok, `${name} farmer`, 'ticket=' + t.id);
    check(f.__proxy === name, tag(`the page came through ${f.__proxy || 'no lab proxy'}`));
    // posted straight to the server the moment the page has loaded, before any fallback could happen
    const early = `Early reply through ${name} ${RUN}`, earlyAt = Date.now();
    await rest(atok, 'POST', `/api/tickets/${t.id}/messages`, { text: early });
    await waitForConnection(f, sc.mode, tag('farmer'));
    const modeAfter = Date.now() - loadAt;
    await waitForText(f, '#messages li.msg[data-id] .text', early, tag('farmer gets the early reply'));
    await recordArrivals(f);
    const earlyMs = (await arrivedAt(f, early)) - earlyAt;
    const a = pages[name + '-admin'] = await openPage(actx, base, 'admin', atok, `${name} admin`, 'ticket=' + t.id);
    check(a.__proxy === name, tag(`the admin page came through ${a.__proxy || 'no lab proxy'}`));
    await waitForConnection(a, sc.mode, tag('admin'));
    await waitForText(a, '#messages li.msg[data-id] .text', early, tag('admin conversation'));
    await recordArrivals(a);

    const down = await exchange(a, 'admin', f, `Admin to farmer via ${name} ${RUN}`, tag('farmer gets the reply'));
    const up = await exchange(f, 'farmer', a, `Farmer to admin via ${name} ${RUN}`, tag('admin gets the answer'));
    const fi = await liveInfo(f), ai = await liveInfo(a);
    const fellAfter = at.poll - at.sse;
    log(tag(`${sc.mode} ${modeAfter} ms after the page load` +
      (sc.mode === 'polling' ? `, polling ${fellAfter} ms after the stream was asked for (${fi.stats.why})` : '') +
      `; early reply shown ${earlyMs} ms after its post; admin→farmer ${down} ms, farmer→admin ${up} ms`));
    if (sc.mode === 'streaming') {
      check(fi.stats.fallbacks === 0 && ai.stats.fallbacks === 0, tag(`fell back to polling (${fi.stats.why || ai.stats.why})`));
    } else {
      check(fi.stats.why && (sc.why instanceof RegExp ? sc.why.test(fi.stats.why) : fi.stats.why === sc.why), tag(`fell back because "${fi.stats.why}"`));
    }
    // how fast is logged above, not asserted: speed belongs in benchmarks (this machine is shared and
    // noisy); that each message arrives, once and in order, is what the waits and checks here prove
    if (sc.extra) await sc.extra({ name, tag, f, a, t, ftok, atok, browser, proxy, base, pages });
    await checkOnceInOrder(f, [early, `Admin to farmer via ${name} ${RUN}`, `Farmer to admin via ${name} ${RUN}`], tag('farmer'));
    await checkOnceInOrder(a, [early, `Admin to farmer via ${name} ${RUN}`, `Farmer to admin via ${name} ${RUN}`], tag('admin'));
    check(await f.evaluate(() => document.body.dataset.connection) === sc.mode, tag('the farmer page left ' + sc.mode));
  } catch (e) {
    log(tag('FAILED: ' + e.message));
    await dump(pages);
    throw e;
  } finally {
    await fctx.close();
    await actx.close();
  }
}

/** idle-timeout: the stream survives idle periods (heartbeat); held long-polls are kept under the cut. */
async function idleTimeout({ tag, f, a, t, ftok, atok, browser, proxy, base, pages }) {
  // a third page of the same farmer whose streams are refused, so that it long-polls through the proxy
  const pctx = await browser.newContext({ proxy, viewport: { width: 360, height: 740 } });
  await pctx.route(url => url.pathname.endsWith('/events'), route => route.fulfill({ status: 403, body: 'no streams' }));
  try {
    const p = pages['idle-timeout-poller'] = await openPage(pctx, base, 'farmer', ftok, 'idle-timeout poller', 'ticket=' + t.id);
    await waitForConnection(p, 'polling', tag('poller'));
    await recordArrivals(p);
    log(tag('idle for 20 s or more (the proxy cuts responses idle for 15 s), until the poller was cut once'));
    const idleFrom = Date.now();
    await p.waitForFunction(() => Farmdesk.live.stats.cuts >= 1, null, { timeout: 45000 });
    await sleep(Math.max(0, 20000 - (Date.now() - idleFrom)));
    let fi = await liveInfo(f), pi = await liveInfo(p);
    check(fi.stats.errors === 0 && fi.stats.opens === 1, tag(`the stream was cut while idle (errors ${fi.stats.errors}, opens ${fi.stats.opens})`));
    check(pi.stats.cuts === 1 && pi.hold < 15, tag(`poller: ${pi.stats.cuts} cuts, hold ${pi.hold} s`));
    log(tag(`stream survived; the poller's first 25 s hold was cut, it now holds ${pi.hold} s`));
    const text = `After the idle period ${RUN}`, sentAt = Date.now();
    await send(a, 'admin', text);
    for (const [page, who] of [[f, 'farmer'], [p, 'poller']]) {
      await waitForText(page, '#messages li.msg[data-id] .text', text, tag(who + ' after idling'));
    }
    log(tag(`after idling: streaming farmer ${await arrivedAt(f, text) - sentAt} ms, polling farmer ${await arrivedAt(p, text) - sentAt} ms`));
    log(tag('idle for 20 s more'));
    await sleep(20000);
    fi = await liveInfo(f);
    pi = await liveInfo(p);
    check(fi.stats.errors === 0, tag('the stream was cut'));
    check(pi.stats.cuts === 1, tag(`poller was cut again (${pi.stats.cuts} cuts) with a hold of ${pi.hold} s`));
    check(pi.stats.polls >= 4, tag(`poller made only ${pi.stats.polls} polls`));
    const text2 = `Poller writes after idling ${RUN}`;
    const ms = await exchange(p, 'farmer', a, text2, tag('admin gets the poller message'));
    log(tag(`no more cuts in ${pi.stats.polls} polls; poller→admin ${ms} ms`));
    await checkOnceInOrder(p, [text, text2], tag('poller'));
    await checkOnceInOrder(f, [text, text2], tag('farmer'));
    check(await p.evaluate(() => localStorage.getItem('farmdesk.pollHold')) !== null, tag('the learned hold is not kept'));
  } finally {
    await pctx.close();
  }
}

/** max-duration: every response is cut at 60 s; messages both ways for 70 s, none lost or doubled. */
async function maxDuration({ tag, f, a }) {
  const texts = [], lat = [];
  log(tag('messages both ways for 70 s across the 60 s cuts'));
  for (let i = 1; i <= 14; i++) {
    const fromAdmin = i % 2 === 1;
    const text = `${fromAdmin ? 'Staff' : 'Farmer'} message ${i} ${RUN}`;
    texts.push(text);
    const sentAt = Date.now();
    await send(fromAdmin ? a : f, fromAdmin ? 'admin' : 'farmer', text);
    const other = fromAdmin ? f : a;
    await waitForText(other, '#messages li.msg[data-id] .text', text, tag(`message ${i}`));
    lat.push((await arrivedAt(other, text)) - sentAt);
    await sleep(Math.max(0, 5000 - (Date.now() - sentAt)));
  }
  const fi = await liveInfo(f), ai = await liveInfo(a);
  log(tag(`farmer stream: ${fi.stats.opens} opens, ${fi.stats.errors} cuts; admin: ${ai.stats.opens} opens, ${ai.stats.errors} cuts; ` +
    `latency max ${Math.max(...lat)} ms, median ${lat.sort((x, y) => x - y)[lat.length >> 1]} ms`));
  check(fi.stats.errors >= 1 && fi.stats.opens >= 2, tag('the farmer stream was never cut (is the proxy cutting?)'));
  check(ai.stats.errors >= 1 && ai.stats.opens >= 2, tag('the admin stream was never cut'));
  check(fi.stats.fallbacks === 0 && ai.stats.fallbacks === 0, tag('fell back to polling'));
  await checkOnceInOrder(f, texts, tag('farmer'));
  await checkOnceInOrder(a, texts, tag('admin'));
}

const only = (process.env.E2E_ONLY || '').split(',').filter(Boolean);
const names = Object.keys(SCENARIOS).filter(n => !only.length || only.includes(n));

const browser = await launch();
let failed = false;
try {
  log(`Farmdesk through the lab proxies: ${names.join(', ')} (server ${BASE})`);
  const outcomes = await Promise.allSettled(names.map((n, i) => sleep(1500 * i).then(() => scenario(n, SCENARIOS[n], browser))));
  // one step per proxy, reported in order once all have run
  for (const [i, n] of names.entries()) {
    const o = outcomes[i];
    await step(`${n}: farmer and admin pages exchange messages through the proxy (${SCENARIOS[n].mode})`, async () => {
      if (o.status === 'rejected') throw o.reason;
    }).catch(() => { failed = true; });
  }
  await step('no script errors in any page', async () => {
    check(pageErrors.length === 0, 'uncaught errors in pages: ' + pageErrors.join(' | '));
  }).catch(() => { failed = true; });
} finally {
  await browser.close();
}
log(`proxies: ${results.passed} passed, ${results.failed} failed`);
writeFileSync(process.env.E2E_RESULT || '/dev/null', JSON.stringify(results));
process.exit(failed ? 1 : 0);
