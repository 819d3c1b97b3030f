// End-to-end test of the Farmdesk pages in a real browser (Debian's chromium, driven by playwright-core),
// without proxies (proxies.mjs covers those). Needs a running server: FARMDESK_URL (run.sh starts one).
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import {
  BASE, TIMEOUT, RUN, sleep, log, check, step, launch, token, rest, metric, trackStreams, openPage, waitForText,
  waitForConnection, messageTexts, checkOnceInOrder, liveInfo, send, relay, pageErrors, results, newContext,
  cspViolations, canListen, launchProfile, fakeGcm,
} from './lib.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, recordAnnouncements, spoken, smallTargets, lowNonTextContrast } from './a11y.mjs';

const FARMER = { id: 'F-e2e-' + RUN, name: 'Asha E2E' };
const ADMIN = { id: 'A-e2e-' + RUN, name: 'Ravi E2E' };

const SUBJECT = `Pump broken <b>x</b> ${RUN}`;
const FIRST = `Hello <b>x</b> from the farm ${RUN}`;
const REPLY1 = `Reply from support <b>x</b> ${RUN}`;
const NOTE = `SECRET-NOTE-${RUN} <b>staff only</b>`;
const REPLY2 = `Second reply <script>alert(1)</script> ${RUN}`;
const FARMER_REPLY = `Thanks <i>y</i> ${RUN}`;
const REPLY3 = `Third reply while away ${RUN}`;
const REPLY4 = `Reply seen through long-polling ${RUN}`;
const SERVER_PORT = Number(new URL(BASE).port);

const pages = {};

/** Marks the window, so a later check can prove the page was never reloaded. */
async function markNoReload(page) {
  await page.evaluate(() => { window.__e2eSamePage = true; });
}
async function checkNoReload(page, who) {
  check(await page.evaluate(() => window.__e2eSamePage === true), `${who} page was reloaded`);
}

/** No element was created from message or subject text: the page holds no <b>, <i> or <script> from users. */
async function checkNoMarkup(page, who) {
  const found = await page.evaluate(() =>
    [...document.querySelectorAll('main b, main i, main script')].map(n => n.outerHTML));
  check(found.length === 0, `${who} page rendered user text as HTML: ${found.join(', ')}`);
}

async function login(context, role, user) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', e => pageErrors.push(`${role}: ${e.message}`));
  await page.goto(BASE + '/');
  await page.check(`input[name=role][value=${role}]`);
  await page.fill('#uid', user.id);
  await page.fill('#uname', user.name);
  await page.click('button[type=submit]');
  await page.waitForURL(new RegExp(`/${role}\\.html`), { timeout: TIMEOUT });
  check(await page.evaluate(() => !!localStorage.getItem('farmdesk.token')), `${role}: token not kept in localStorage`);
  return page;
}

/** The receipt shown on the message with `text`. */
function receipt(page, text) {
  return page.evaluate(t => {
    const li = [...document.querySelectorAll('#messages li.msg')].find(n => n.querySelector('.text').textContent === t);
    return li && li.querySelector('.rcpt') ? li.querySelector('.rcpt').textContent : null;
  }, text);
}

/** Number of stored messages with `text` on the ticket, asked from the server. */
async function storedCount(tok, ticketId, text) {
  const t = await rest(tok, 'GET', `/api/tickets/${ticketId}`);
  return t.messages.filter(m => m.text === text).length;
}

/**
 * Words on `page` that come from no catalogue: text with two Latin letters in a row, in a page shown in
 * a language without Latin letters (Hindi), outside what users wrote and what Intl formats (times); `strip`
 * lists user values (names, subjects) to ignore, with ids (F-…, TKT-…) and the brand.
 */
function untranslated(page, strip) {
  return page.evaluate(strip => {
    const clean = s => strip.sort((x, y) => y.length - x.length).reduce((x, w) => x.split(w).join(''), s).replace(/Farmdesk|\b[A-Z]+-[\w-]+|\d (am|pm)\b/g, ''); // am/pm: Intl's, in Hindi too
    const left = [], walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode());) {
      if (n.parentElement.closest('script, style, time, .text, .subj, .sub, #t-subject, #lang, .person')) continue; // .person: admins' names
      if (/[A-Za-z]{2,}/.test(clean(n.textContent))) left.push(n.textContent.trim());
    }
    for (const a of ['placeholder', 'aria-label', 'title']) {
      for (const n of document.querySelectorAll(`[${a}]`)) if (/[A-Za-z]{2,}/.test(clean(n.getAttribute(a)))) left.push(`${a}="${n.getAttribute(a)}"`);
    }
    return left;
  }, strip);
}

/**
 * A JPEG made in `page` (a canvas): w×h, a gradient with `noise` (0..1) of its pixels random (how big it is), and
 * an EXIF segment put after its start: Orientation 6 (shown turned a quarter clockwise, as phones keep portrait
 * photos). Shown upright it is h×w.
 */
async function photo(page, w, h, noise) {
  const b64 = await page.evaluate(async ([w, h, noise]) => {
    const c = new OffscreenCanvas(w, h), g = c.getContext('2d'), grad = g.createLinearGradient(0, 0, w, h);
    grad.addColorStop(0, '#3a7d44');
    grad.addColorStop(1, '#c9953a');
    g.fillStyle = grad;
    g.fillRect(0, 0, w, h);
    if (noise) {
      const img = g.getImageData(0, 0, w, h), d = img.data;
      for (let i = 0; i < d.length; i += 4) if (Math.random() < noise) { d[i] = Math.random() * 255; d[i + 1] = Math.random() * 255; d[i + 2] = Math.random() * 255; }
      g.putImageData(img, 0, 0);
    }
    const jpeg = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
    const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
    const app1 = [0xff, 0xe1, 0, 2 + 6 + tiff.length, 0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
    const out = new Uint8Array(jpeg.length + app1.length);
    out.set(jpeg.subarray(0, 2));
    out.set(app1, 2);
    out.set(jpeg.subarray(2), 2 + app1.length);
    let s = '';
    for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return btoa(s);
  }, [w, h, noise]);
  return Buffer.from(b64, 'base64');
}

/** Waits until the stored message with `text` shows its pictures, each loaded (an <img> with naturalWidth > 0). */
async function waitForPhotos(page, text, count, what) {
  try {
    await page.waitForFunction(([t, n]) => {
      const li = [...document.querySelectorAll('#messages li.msg[data-id]')].find(x => (x.querySelector('.text') || {}).textContent === t);
      const imgs = li ? [...li.querySelectorAll('.att img.thumb')] : [];
      return imgs.length === n && imgs.every(i => i.complete && i.naturalWidth > 0);
    }, [text, count], { timeout: TIMEOUT * 2 });
  } catch {
    throw new Error(`${what}: the message ${JSON.stringify(text)} with ${count} loaded thumbnail(s) not shown`);
  }
}

/** Rows of the conversation on `page` whose text is `text`. */
const rowsWith = (page, text) => page.evaluate(t => [...document.querySelectorAll('#messages li.msg')]
  .filter(x => (x.querySelector('.text') || {}).textContent === t).length, text);

/** The attachments of the stored message with `text` (asked from the server). */
async function storedAttachments(tok, ticketId, text) {
  const t = await rest(tok, 'GET', `/api/tickets/${ticketId}`);
  const found = t.messages.filter(m => m.text === text);
  check(found.length === 1, `${JSON.stringify(text)} stored ${found.length} times, not once`);
  return found[0].attachments;
}

/** Waits until the composer's tray on `page` holds `n` files, each ready (its size shown) and Send enabled. */
async function waitForTray(page, form, n) {
  await page.waitForFunction(([f, n]) => {
    const items = document.querySelectorAll(`#${f} .tray li`);
    return items.length === n && [...items].every(li => /\d/.test(li.querySelector('.size').textContent))
      && !document.querySelector(`#${f} [type=submit]`).disabled;
  }, [form, n], { timeout: TIMEOUT });
}

/** What goes to /api/uploads from `ctx`: "METHOD offset" per request. */
function uploadLog(ctx) {
  const seen = [];
  ctx.on('request', r => {
    if (new URL(r.url()).pathname.startsWith('/api/uploads')) seen.push(r.method() + ' ' + (r.headers()['upload-offset'] ?? ''));
  });
  return seen;
}

/** Ids of the controls reached by pressing Tab from the top of the page. */
async function tabStops(page, presses) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  const seen = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => document.activeElement.id || document.activeElement.dataset.ticket || document.activeElement.tagName));
  }
  return seen;
}

const browser = await launch();
let failed = false;
try {
  log(`Farmdesk e2e against ${BASE} (run ${RUN}, timeout ${TIMEOUT} ms per wait)`);
  const farmerCtx = await newContext(browser, { viewport: { width: 360, height: 740 } });
  const adminCtx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
  let ticketId, adminToken, farmerToken;

  await step(`farmer ${FARMER.id} signs in with the dev login form (360 px wide screen)`, async () => {
    pages.farmer = await login(farmerCtx, 'farmer', FARMER);
    await waitForConnection(pages.farmer, 'streaming', 'farmer');
    check(await pages.farmer.textContent('#conn') === 'Live', 'farmer connection indicator does not say Live');
    farmerToken = await pages.farmer.evaluate(() => localStorage.getItem('farmdesk.token'));
    await markNoReload(pages.farmer);
    // record anything that ever shows the internal note on the farmer page, even briefly
    await pages.farmer.evaluate(marker => {
      window.__e2eLeaks = [];
      new MutationObserver(records => {
        for (const r of records) {
          const nodes = r.type === 'characterData' ? [r.target] : [...r.addedNodes];
          for (const n of nodes) if ((n.textContent || '').includes(marker)) window.__e2eLeaks.push(n.textContent);
        }
      }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
    }, `SECRET-NOTE-${RUN}`);
  }, pages);

  await step(`admin ${ADMIN.id} signs in; queue page is streaming`, async () => {
    pages.admin = await login(adminCtx, 'admin', ADMIN);
    await waitForConnection(pages.admin, 'streaming', 'admin');
    adminToken = await pages.admin.evaluate(() => localStorage.getItem('farmdesk.token'));
    await markNoReload(pages.admin);
  }, pages);

  await step('the pages run under a strict Content-Security-Policy (a violation is seen) and refuse to be framed', async () => {
    const ctx = await newContext(browser, { viewport: { width: 800, height: 800 } });
    try {
      const tok = await token('farmer', 'F-csp-' + RUN, 'Policy');
      const p = pages.policy = await openPage(ctx, BASE, 'farmer', tok, 'policy farmer');
      await waitForConnection(p, 'streaming', 'policy farmer');
      const csp = (await p.evaluate(() => fetch(location.href).then(r => r.headers.get('content-security-policy')))) || '';
      for (const d of ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) check(csp.includes(d), `no ${d} in the page's policy: "${csp}"`);
      check(!cspViolations.some(v => v.page === p), 'the page itself broke its policy: ' + cspViolations.map(v => v.text).join(' | '));
      // the policy is enforced, and the watcher that the last step relies on sees what it refuses
      const ran = await p.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__e2eInline = 1';
        document.head.append(s);
        return window.__e2eInline === 1;
      });
      check(!ran, 'an inline script ran: no script-src policy');
      for (let i = 0; i < 50 && !cspViolations.some(v => v.page === p); i++) await sleep(100);
      check(cspViolations.some(v => v.page === p && /script-src/.test(v.text)), 'the refused inline script was not reported as a violation');
      const frame = await ctx.newPage();
      await frame.setContent(`<iframe src="${BASE}/index.html" onload="document.body.dataset.loaded = 1"></iframe>`);
      await frame.waitForFunction(() => document.body.dataset.loaded);
      const child = frame.frames().find(f => f !== frame.mainFrame());
      const shown = await child.evaluate(() => !!document.getElementById('login')).catch(() => false);
      check(!shown, 'another site framed the sign-in page');
      for (let i = cspViolations.length - 1; i >= 0; i--) if (cspViolations[i].page === p || cspViolations[i].page === frame) cspViolations.splice(i, 1);
    } finally {
      delete pages.policy;
      await ctx.close();
    }
  }, pages);

  await step('a #token= link of another user asks before switching: declined keeps the user, accepted switches', async () => {
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    const a = { id: 'F-link-a-' + RUN, name: 'Link A' }, b = { id: 'F-link-b-' + RUN, name: 'Link B' };
    try {
      const p = pages.link = await openPage(ctx, BASE, 'farmer', await token('farmer', a.id, a.name), 'link farmer');
      await waitForConnection(p, 'streaming', 'link farmer');
      const asked = [];
      let answer = 'dismiss';
      p.on('dialog', d => { asked.push(d.message()); d[answer](); });
      const follow = async (tok, who) => {
        await p.goto('about:blank'); // the browser (and its session) stays: a link followed from another site
        await p.goto(`${BASE}/farmer.html#token=${encodeURIComponent(tok)}`);
        await waitForConnection(p, 'streaming', 'link farmer');
        await waitForText(p, '#me', `${who.name} (${who.id})`, 'the signed-in user');
        check(!p.url().includes('token='), 'the token stays in the address bar: ' + p.url());
      };
      await follow(await token('farmer', b.id, b.name), a);
      check(asked.length === 1, `asked ${asked.length} times before switching`);
      check(asked[0].includes(b.id) && asked[0].includes(a.id), 'the question does not name both users: ' + asked[0]);
      answer = 'accept';
      await follow(await token('farmer', b.id, b.name), b);
      check(asked.length === 2, 'not asked the second time');
      await follow(await token('farmer', b.id, b.name), b); // a newer token of the same user: nothing to ask
      check(asked.length === 2, 'asked when the link names the user signed in: ' + asked[2]);
    } finally {
      delete pages.link;
      await ctx.close();
    }
  }, pages);

  await step('sign-out leaves nothing in localStorage: unsent messages and internal notes are cleared', async () => {
    const ctx = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const f = { id: 'F-out-' + RUN, name: 'Sign out' };
    try {
      const ftok = await token('farmer', f.id, f.name);
      const t = await rest(ftok, 'POST', '/api/tickets', { subject: 'Leaving ' + RUN, text: 'before sign-out' });
      for (const [role, tok, note] of [['farmer', ftok, false], ['admin', await token('admin', 'A-out-' + RUN, 'Out'), true]]) {
        const p = pages.out = await openPage(ctx, BASE, role, tok, role + ' signing out', 'ticket=' + t.id);
        await waitForConnection(p, 'streaming', role);
        await waitForText(p, '#messages .msg .text', 'before sign-out', role + ' ticket');
        await p.route(u => u.pathname.endsWith('/messages'), r => r.abort()); // the network drops every send
        const text = `Unsent ${note ? 'internal note' : 'message'} ${RUN}`;
        await send(p, role, text, note);
        await waitForText(p, '#messages li.pending .text', text, role + ' keeps it unsent');
        check(await p.evaluate(t => JSON.stringify(localStorage).includes(t), text), role + ': the unsent text is not in the outbox');
        await p.click('#logout');
        await p.waitForURL(/index\.html/);
        const left = await p.evaluate(() => ({ storage: JSON.stringify(localStorage), token: localStorage.getItem('farmdesk.token') }));
        check(!left.token, role + ': the token is kept after sign-out');
        check(!left.storage.includes(text) && !left.storage.includes(t.id), `${role}: localStorage keeps ${left.storage}`);
        await p.close();
      }
    } finally {
      delete pages.out;
      await ctx.close();
    }
  }, pages);

  await step('the session is shared by the tabs: a ticket link opened in a new tab opens the ticket; sign-out in one tab signs out the others', async () => {
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    const f = { id: 'F-tabs2-' + RUN, name: 'Two tabs' };
    try {
      const tok = await token('farmer', f.id, f.name);
      const t = await rest(tok, 'POST', '/api/tickets', { subject: 'New tab ' + RUN, text: 'opened in a new tab' });
      const one = pages.one = await openPage(ctx, BASE, 'farmer', tok, 'first tab');
      await waitForConnection(one, 'streaming', 'first tab');
      const two = pages.two = await ctx.newPage(); // a link pasted into a new tab: no #token=
      two.on('pageerror', e => pageErrors.push(`second tab: ${e.message}`));
      await two.goto(`${BASE}/farmer.html#ticket=${encodeURIComponent(t.id)}`);
      await waitForText(two, '#messages .msg .text', 'opened in a new tab', 'the ticket in the new tab');
      check(/farmer\.html/.test(two.url()), 'the new tab is not on the farmer page: ' + two.url());
      await waitForText(two, '#me', `${f.name} (${f.id})`, 'the new tab\'s user');
      await one.click('#logout');
      await one.waitForURL(/index\.html/);
      await two.waitForURL(/index\.html/, { timeout: TIMEOUT }); // signed out there too
      check(!(await two.evaluate(() => localStorage.getItem('farmdesk.token'))), 'a token is left after sign-out');
    } finally {
      delete pages.one;
      delete pages.two;
      await ctx.close();
    }
  }, pages);

  await step('drafts: a half-typed message is kept per ticket (reload, new tab, another ticket), cleared when sent and at sign-out; the admin\'s note mode too', async () => {
    const f = { id: 'F-draft-' + RUN, name: 'Drafts' };
    const ftok = await token('farmer', f.id, f.name), atok = await token('admin', 'A-draft-' + RUN, 'Draft agent');
    const [a, b] = [await rest(ftok, 'POST', '/api/tickets', { subject: 'Draft A ' + RUN, text: 'ticket a' }),
      await rest(ftok, 'POST', '/api/tickets', { subject: 'Draft B ' + RUN, text: 'ticket b' })];
    const [draftA, draftB, note] = ['Half typed on A', 'Half typed on B', 'A note half typed'].map(x => `${x} ${RUN}`);
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    const actx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const open = async (p, id, text) => {
      await p.evaluate(x => { location.hash = 'ticket=' + encodeURIComponent(x); }, id);
      await waitForText(p, '#messages .msg .text', text, 'ticket ' + id);
    };
    try {
      const p = pages.draft = await openPage(ctx, BASE, 'farmer', ftok, 'draft farmer', 'ticket=' + a.id);
      await waitForText(p, '#messages .msg .text', 'ticket a', 'draft farmer on A');
      await p.fill('#reply-text', draftA);
      await open(p, b.id, 'ticket b');
      check(await p.inputValue('#reply-text') === '', 'ticket B shows the text typed on A: ' + await p.inputValue('#reply-text'));
      await p.fill('#reply-text', draftB);
      await open(p, a.id, 'ticket a');
      check(await p.inputValue('#reply-text') === draftA, 'back on A, the draft is ' + JSON.stringify(await p.inputValue('#reply-text')));
      await p.reload();
      await waitForText(p, '#messages .msg .text', 'ticket a', 'draft farmer after the reload');
      check(await p.inputValue('#reply-text') === draftA, 'after a reload the draft is ' + JSON.stringify(await p.inputValue('#reply-text')));
      const p2 = pages.draft2 = await ctx.newPage();
      await p2.goto(`${BASE}/farmer.html#ticket=${encodeURIComponent(b.id)}`);
      await waitForText(p2, '#messages .msg .text', 'ticket b', 'ticket B in a new tab');
      check(await p2.inputValue('#reply-text') === draftB, 'in a new tab the draft of B is ' + JSON.stringify(await p2.inputValue('#reply-text')));
      await p2.close();
      await p.click('#send'); // A's draft is sent: it is gone from the box and from storage
      await waitForText(p, '#messages .msg[data-id] .text', draftA, 'the draft, sent');
      check(await p.inputValue('#reply-text') === '', 'the box keeps the sent text');
      await p.reload();
      await waitForText(p, '#messages .msg .text', draftA, 'draft farmer after the send and a reload');
      check(await p.inputValue('#reply-text') === '', 'a sent draft came back: ' + await p.inputValue('#reply-text'));
      // (the conversation kept for offline reloads holds it now as a sent message: only drafts are looked at)
      check(!(await p.evaluate(x => Object.keys(localStorage).some(k => k.startsWith('farmdesk.draft.') && localStorage[k].includes(x)), draftA)),
        'the sent draft is still stored');

      const q = pages.draftAdmin = await openPage(actx, BASE, 'admin', atok, 'draft admin', 'ticket=' + a.id);
      await waitForText(q, '#messages .msg .text', 'ticket a', 'draft admin on A');
      await q.check('#mode-note');
      await q.fill('#compose-text', note);
      const q2 = pages.draftAdmin2 = await actx.newPage();
      await q2.goto(`${BASE}/admin.html#ticket=${encodeURIComponent(a.id)}`);
      await waitForText(q2, '#messages .msg .text', 'ticket a', 'admin ticket A in a new tab');
      check(await q2.inputValue('#compose-text') === note, 'the admin\'s draft in a new tab is ' + JSON.stringify(await q2.inputValue('#compose-text')));
      check(await q2.isChecked('#mode-note'), 'the admin\'s draft is back in reply mode, not as an internal note');
      await q2.click('#logout');
      await q2.waitForURL(/index\.html/);
      await p.click('#logout');
      await p.waitForURL(/index\.html/);
      for (const [x, who] of [[p, 'farmer'], [q2, 'admin']]) {
        const left = await x.evaluate(() => JSON.stringify(localStorage));
        check(!left.includes(draftB) && !left.includes(note), `${who}: drafts left after sign-out: ${left}`);
      }
    } finally {
      for (const k of ['draft', 'draft2', 'draftAdmin', 'draftAdmin2']) delete pages[k];
      await ctx.close();
      await actx.close();
    }
  }, pages);

  await step('farmer opens a ticket with the new-ticket form', async () => {
    const p = pages.farmer;
    await p.click('#new-btn');
    await p.fill('#new-subject', SUBJECT);
    await p.fill('#new-category', 'equipment');
    await p.fill('#new-text', FIRST);
    await p.click('#new-form button[type=submit]');
    await p.waitForFunction(() => /ticket=TKT-\d+/.test(location.hash), null, { timeout: TIMEOUT });
    ticketId = decodeURIComponent(await p.evaluate(() => location.hash.match(/ticket=([^&]+)/)[1]));
    await waitForText(p, '#messages .msg .text', FIRST, 'farmer conversation');
    await waitForText(p, '#t-subject', SUBJECT, 'farmer ticket subject');
    log(`    ticket ${ticketId}; subject and text shown literally`);
  }, pages);

  await step(`${ticketId} appears live in the admin queue, with an unread badge`, async () => {
    const p = pages.admin;
    const sel = `#queue button[data-ticket="${ticketId}"]`;
    await p.waitForSelector(sel, { timeout: TIMEOUT });
    await waitForText(p, `${sel} .subj`, SUBJECT, 'admin queue subject');
    await waitForText(p, `${sel} .badge`, '1 unread', 'admin queue unread badge');
    const first = await p.getAttribute('#queue li:first-child button', 'data-ticket');
    check(first === ticketId, `newest activity is not first in the queue (first is ${first})`);
    await checkNoReload(p, 'admin');
  }, pages);

  await step('admin opens the ticket and sees the farmer message', async () => {
    const p = pages.admin;
    await p.click(`#queue button[data-ticket="${ticketId}"]`);
    await waitForText(p, '#messages .msg .text', FIRST, 'admin conversation');
    await p.waitForSelector(`#queue button[data-ticket="${ticketId}"]:not(:has(.badge))`, { timeout: TIMEOUT });
  }, pages);

  await step('admin replies; the reply appears on the farmer page without reload', async () => {
    await send(pages.admin, 'admin', REPLY1);
    await waitForText(pages.admin, '#messages .msg.mine[data-id] .text', REPLY1, 'admin own reply');
    await waitForText(pages.farmer, '#messages .msg .text', REPLY1, 'farmer sees admin reply');
    await checkNoReload(pages.farmer, 'farmer');
  }, pages);

  await step('admin adds an internal note (shown as a note), then a second public reply', async () => {
    await send(pages.admin, 'admin', NOTE, true);
    await waitForText(pages.admin, '#messages .msg.note[data-id] .text', NOTE, 'admin internal note');
    const tag = await pages.admin.textContent('#messages .msg.note .tag');
    check(tag === 'Internal note', 'the note is not labelled as an internal note');
    await send(pages.admin, 'admin', REPLY2);
    await waitForText(pages.farmer, '#messages .msg .text', REPLY2, 'farmer sees second reply');
  }, pages);

  await step('the internal note never showed on the farmer page', async () => {
    const p = pages.farmer;
    const leaks = await p.evaluate(() => window.__e2eLeaks);
    check(leaks.length === 0, 'internal note reached the farmer page: ' + JSON.stringify(leaks));
    const body = await p.evaluate(() => document.body.textContent);
    check(!body.includes(`SECRET-NOTE-${RUN}`), 'internal note text is on the farmer page');
    check(await p.locator('#messages .msg.note').count() === 0, 'farmer page has a note element');
  }, pages);

  await step('farmer types: admin sees the typing indicator', async () => {
    await pages.farmer.fill('#reply-text', FARMER_REPLY);
    await waitForText(pages.admin, '#typing', `${FARMER.name} is typing…`, 'admin typing indicator');
  }, pages);

  await step('farmer replies; it appears on the admin page', async () => {
    await pages.farmer.click('#send');
    await waitForText(pages.farmer, '#messages .msg.mine[data-id] .text', FARMER_REPLY, 'farmer own reply');
    await waitForText(pages.admin, '#messages .msg .text', FARMER_REPLY, 'admin sees farmer reply');
    await checkNoReload(pages.admin, 'admin');
  }, pages);

  const PHOTO = `Photo of the damaged bags ${RUN}`;
  await step('photo from the 360 px farmer page: picked (3000×2000, EXIF turned), downscaled in the browser (upright, ≤ 1600 px), previewed, progress shown; the upload cut mid-way resumes from HEAD\'s offset; the admin gets the message once, with its thumbnail', async () => {
    const p = pages.farmer, a = pages.admin, ctx = p.context(), sent = uploadLog(ctx);
    const file = await photo(p, 3000, 2000, 1); // all noise: ~5 MB picked, ~0.8 MB once downscaled (one piece)
    let cut = false, held = false;
    const cable = async route => {
      const r = route.request();
      if (r.method() === 'PATCH' && !cut) { // the first piece reaches the server, its answer is lost
        cut = true;
        await route.fetch().catch(() => {});
        return route.abort('connectionreset');
      }
      if (r.method() === 'PATCH' && !held) { held = true; await sleep(1500); } // time to see the bar move
      return route.continue();
    };
    await ctx.route('**/api/uploads**', cable);
    try {
      await p.setInputFiles('#reply-file', { name: 'bags.jpg', mimeType: 'image/jpeg', buffer: file });
      await waitForTray(p, 'reply', 1);
      const kept = await p.evaluate(() => document.querySelector('#reply .tray .size').textContent);
      check(await p.locator('#reply .tray img.preview').count() === 1, 'no preview of the picked photo');
      check(await p.locator('#reply .tray button[aria-label]').count() === 1, 'no Remove button in the tray');
      await p.fill('#reply-text', PHOTO);
      await p.click('#send');
      await p.waitForFunction(() => { const b = document.querySelector('#messages li.pending progress'); return b && !b.hidden && b.value > 0; }, null, { timeout: TIMEOUT });
      const bar = await p.evaluate(() => { const b = document.querySelector('#messages li.pending progress'); return { label: b.getAttribute('aria-label'), text: b.getAttribute('aria-valuetext') }; });
      check(bar.label === 'Uploading' && /% uploaded$/.test(bar.text), 'the progress bar has no label or words: ' + JSON.stringify(bar));
      await waitForPhotos(a, PHOTO, 1, 'admin');
      await waitForPhotos(p, PHOTO, 1, 'farmer');
      const [att] = await storedAttachments(farmerToken, ticketId, PHOTO);
      log(`    picked ${file.length} bytes, ${kept} sent; stored ${att.width}×${att.height} ${att.contentType} ${att.size} bytes; ${sent.join(', ')}`);
      check(att.contentType === 'image/jpeg' && Math.max(att.width, att.height) <= 1600 && att.height > att.width,
        'not downscaled upright in the browser: ' + JSON.stringify(att));
      const patches = sent.filter(x => x.startsWith('PATCH'));
      // the piece reached the server, its answer was lost: HEAD says so, and nothing is sent again
      check(cut && patches.length === 1 && sent.lastIndexOf('HEAD ') > sent.indexOf('PATCH 0'),
        'not resumed from HEAD\'s offset after the cut: ' + sent.join(', '));
      check(await rowsWith(a, PHOTO) === 1 && await rowsWith(p, PHOTO) === 1, 'the photo message is shown more than once');
    } finally {
      await ctx.unroute('**/api/uploads**', cable);
    }
  }, pages);

  const RELOADED = `Photo sent across a reload ${RUN}`;
  await step('a reload in the middle of an upload (an original of 4 pieces, the second held): the file (kept in IndexedDB) goes on from HEAD\'s offset, the message is sent once', async () => {
    const p = pages.farmer, ctx = p.context(), sent = uploadLog(ctx);
    const file = await photo(p, 3000, 2000, 0.6); // sent as it is: several 1 MiB pieces
    let patches = 0, release;
    const hold = new Promise(r => { release = r; });
    const stall = async route => {
      if (route.request().method() === 'PATCH' && ++patches === 2) { await hold; return route.abort().catch(() => {}); } // the second piece never arrives
      return route.continue();
    };
    await ctx.route('**/api/uploads**', stall);
    try {
      await p.setInputFiles('#reply-file', { name: 'reload.jpg', mimeType: 'image/jpeg', buffer: file });
      await waitForTray(p, 'reply', 1);
      await p.check('#reply-original');
      await waitForTray(p, 'reply', 1);
      await p.fill('#reply-text', RELOADED);
      await p.click('#send');
      for (let i = 0; patches < 2; i++) { check(i < TIMEOUT / 100, 'the second piece was never sent'); await sleep(100); }
      await ctx.unroute('**/api/uploads**', stall);
      const before = sent.length;
      await p.reload();
      release();
      await waitForPhotos(pages.admin, RELOADED, 1, 'admin');
      await waitForPhotos(p, RELOADED, 1, 'farmer after the reload');
      const after = sent.slice(before), first = after.find(x => x.startsWith('PATCH'));
      log(`    before the reload: ${sent.slice(0, before).join(', ')}; after: ${after.join(', ')}`);
      check(after[0] === 'HEAD ' && first && Number(first.split(' ')[1]) >= 1048576 && !after.includes('POST '),
        'the reload did not go on with the same upload from HEAD\'s offset: ' + after.join(', '));
      await storedAttachments(farmerToken, ticketId, RELOADED); // once
      check(await rowsWith(pages.admin, RELOADED) === 1, 'shown twice on the admin page');
      await markNoReload(p);
    } finally {
      release();
      await ctx.unroute('**/api/uploads**', stall).catch(() => {});
    }
  }, pages);

  const ORIGINAL = `The original photo ${RUN}`;
  await step('"Send original" keeps the photo\'s size (3000 px, turned upright by the server); Remove takes a file out of the tray', async () => {
    const p = pages.farmer;
    await p.setInputFiles('#reply-file', [
      { name: 'original.jpg', mimeType: 'image/jpeg', buffer: await photo(p, 3000, 2000, 0.02) },
      { name: 'unwanted.jpg', mimeType: 'image/jpeg', buffer: await photo(p, 800, 600, 0) },
    ]);
    await waitForTray(p, 'reply', 2);
    await p.click('#reply .tray li:nth-child(2) button');
    await waitForTray(p, 'reply', 1);
    await p.check('#reply-original');
    await waitForTray(p, 'reply', 1);
    await p.fill('#reply-text', ORIGINAL);
    await p.click('#send');
    await waitForPhotos(pages.admin, ORIGINAL, 1, 'admin');
    const atts = await storedAttachments(farmerToken, ticketId, ORIGINAL);
    log(`    stored ${atts.map(x => `${x.name} ${x.width}×${x.height} ${x.size} bytes`).join(', ')}`);
    check(atts.length === 1 && atts[0].width === 2000 && atts[0].height === 3000, 'the original was not kept: ' + JSON.stringify(atts));
  }, pages);

  const DROPPED = `Dropped and pasted ${RUN}`, FILE_NOTE = `Invoice for the team ${RUN}`;
  await step('admin: a photo dropped on the conversation and one pasted into the box go with the reply (the farmer sees both); a note\'s PDF is marked internal and never reaches the farmer (404)', async () => {
    const a = pages.admin, p = pages.farmer;
    await a.evaluate(async () => {
      const png = async (name, colour) => {
        const c = new OffscreenCanvas(400, 300), g = c.getContext('2d');
        g.fillStyle = colour;
        g.fillRect(0, 0, 400, 300);
        return new File([await c.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
      };
      const dropped = new DataTransfer(), pasted = new DataTransfer(), view = document.getElementById('t-view');
      dropped.items.add(await png('dropped.png', '#2a6'));
      pasted.items.add(await png('pasted.png', '#a62'));
      view.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      view.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      document.getElementById('compose-text').dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
    });
    await waitForTray(a, 'compose', 2);
    await send(a, 'admin', DROPPED);
    await waitForPhotos(p, DROPPED, 2, 'farmer');
    await waitForPhotos(a, DROPPED, 2, 'admin');

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    await a.check('#mode-note');
    await a.setInputFiles('#compose-file', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdf });
    await waitForTray(a, 'compose', 1);
    await send(a, 'admin', FILE_NOTE, true);
    await waitForText(a, '#messages li.note[data-id] .att .chip span', 'invoice.pdf', 'admin: the note\'s PDF');
    await waitForText(a, '#messages li.note[data-id] .att .tag', 'Internal: not shown to the farmer', 'admin: the note\'s files marked internal');
    const [doc] = (await rest(adminToken, 'GET', `/api/tickets/${ticketId}`)).messages.find(m => m.text === FILE_NOTE).attachments;
    check(doc.thumbnailUrl === null && doc.contentType === 'application/pdf', 'the PDF: ' + JSON.stringify(doc));
    const seen = await fetch(BASE + doc.url, { headers: { Authorization: 'Bearer ' + farmerToken } });
    check(seen.status === 404, `the farmer got the note's attachment: ${seen.status}`);
    await a.check('#mode-reply');
    await sleep(1000); // the note's event has had time to reach the farmer page, if it were to
    check(!(await p.evaluate(() => document.body.textContent)).includes('invoice.pdf'), 'the note\'s file is on the farmer page');
  }, pages);

  await step('photos and files pass axe-core (a tray with a photo, thumbnails, a PDF chip, a note\'s files) and are 44 px targets, on the 360 px farmer page and the admin page', async () => {
    const p = pages.farmer, a = pages.admin;
    await p.setInputFiles('#reply-file', { name: 'staged.jpg', mimeType: 'image/jpeg', buffer: await photo(p, 1200, 900, 0) });
    await waitForTray(p, 'reply', 1);
    const found = [];
    for (const [who, page] of [['farmer', p], ['admin', a]]) {
      for (const v of await axeViolations(page)) found.push(`${who}: ${v}`);
      for (const s of await smallTargets(page)) found.push(`${who} small target: ${s}`);
    }
    await p.click('#reply .tray li button'); // removed again: the composer as it was
    await waitForTray(p, 'reply', 0).catch(() => {});
    check(found.length === 0, 'photos and files: ' + found.join(' | '));
  }, pages);

  await step('2G (Chromium throttled: 280 kbit/s down, 256 up, 800 ms): a farmer on the 360 px page sends a photo; the agent sees it live, with its thumbnail', async () => {
    const f = { id: 'F-2g-' + RUN, name: 'Slow farm' }, text = `Photo over 2G ${RUN}`;
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: '2G ' + RUN, text: 'On 2G ' + RUN });
    await pages.admin.evaluate(id => { location.hash = 'ticket=' + encodeURIComponent(id); }, t.id);
    await waitForText(pages.admin, '#messages .msg .text', 'On 2G ' + RUN, 'admin opens the 2G ticket');
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    try {
      const p = pages.slow = await ctx.newPage();
      p.setDefaultTimeout(TIMEOUT * 3);
      p.on('pageerror', e => pageErrors.push(`2G farmer: ${e.message}`));
      const file = await photo(p, 3000, 2000, 0.03);
      const cdp = await ctx.newCDPSession(p);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 800, downloadThroughput: 280 * 1024 / 8, uploadThroughput: 256 * 1024 / 8 });
      const began = Date.now();
      await p.goto(`${BASE}/farmer.html#token=${encodeURIComponent(tok)}&ticket=${encodeURIComponent(t.id)}`);
      await waitForText(p, '#messages .msg .text', 'On 2G ' + RUN, '2G farmer', TIMEOUT * 3);
      const loaded = Date.now();
      await p.setInputFiles('#reply-file', { name: 'field.jpg', mimeType: 'image/jpeg', buffer: file });
      await p.waitForFunction(() => /\d/.test((document.querySelector('#reply .tray .size') || {}).textContent) && !document.querySelector('#send').disabled, null, { timeout: TIMEOUT * 3 });
      const size = await p.textContent('#reply .tray .size');
      await p.fill('#reply-text', text);
      await p.click('#send');
      const sent = Date.now();
      await waitForPhotos(pages.admin, text, 1, 'admin (live)');
      log(`    picked ${file.length} bytes, ${size} sent; page shown ${((loaded - began) / 1000).toFixed(1)} s, the photo on the admin page ${((Date.now() - sent) / 1000).toFixed(1)} s after Send`);
      const [att] = await storedAttachments(tok, t.id, text);
      check(Math.max(att.width, att.height) <= 1600, 'not downscaled: ' + JSON.stringify(att));
      await checkNoReload(pages.admin, 'admin');
    } finally {
      delete pages.slow;
      await ctx.close();
      await pages.admin.evaluate(id => { location.hash = 'ticket=' + encodeURIComponent(id); }, ticketId);
      await waitForText(pages.admin, '#messages .msg .text', FIRST, 'admin back on the first ticket');
    }
  }, pages);

  await step('read receipts: each side sees "Seen" on its messages once the other side has read them', async () => {
    await pages.admin.waitForFunction(t => {
      const li = [...document.querySelectorAll('#messages li.msg')].find(n => n.querySelector('.text').textContent === t);
      return li && li.querySelector('.rcpt')?.textContent === 'Seen';
    }, REPLY2, { timeout: TIMEOUT });
    await pages.farmer.waitForFunction(t => {
      const li = [...document.querySelectorAll('#messages li.msg')].find(n => n.querySelector('.text').textContent === t);
      return li && li.querySelector('.rcpt')?.textContent === 'Seen';
    }, FARMER_REPLY, { timeout: TIMEOUT });
    check(await receipt(pages.admin, NOTE) === null, 'an internal note carries a read receipt');
  }, pages);

  await step('message text with markup is shown literally on both pages', async () => {
    await checkNoMarkup(pages.farmer, 'farmer');
    await checkNoMarkup(pages.admin, 'admin');
    const shown = await pages.farmer.locator('#messages .msg .text', { hasText: 'Second reply' }).textContent();
    check(shown === REPLY2, `farmer shows ${JSON.stringify(shown)}`);
  }, pages);

  await step('conversation: day separators (the year when not this year), links clickable and safe, text kept as text', async () => {
    const tok = await token('farmer', 'F-days-' + RUN, 'Days');
    const LINKS = 'Manual at https://example.org/pump?model=7&lang=en. Or (http://example.com/spares), not javascript:alert(1) ' +
      'nor ftp://example.net/f nor <a href="javascript:alert(2)">x</a> ' + RUN;
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Days ' + RUN, text: 'Last year ' + RUN });
    for (const text of ['Yesterday one ' + RUN, 'Yesterday two ' + RUN, LINKS]) await rest(adminToken, 'POST', `/api/tickets/${t.id}/messages`, { text });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    // the server dates every message now: the ticket's answer is given older dates on its way to the page
    const lastYear = new Date(new Date().getFullYear() - 1, 5, 15, 10, 30), yesterday = new Date(Date.now() - 864e5);
    // (the page asks again once live: a request still in flight when the context closes is let go)
    await ctx.route(u => u.pathname === '/api/tickets/' + t.id, async route => {
      try {
        const response = await route.fetch(), json = await response.json();
        json.messages.forEach((m, i) => { if (i < 3) m.createdAt = (i ? yesterday : lastYear).toISOString(); });
        await route.fulfill({ response, json });
      } catch (e) { if (!/disposed|closed/i.test(e.message)) throw e; }
    });
    try {
      const p = pages.days = await openPage(ctx, BASE, 'farmer', tok, 'days farmer', 'ticket=' + t.id);
      await waitForText(p, '#messages .msg .text', LINKS, 'days farmer');
      const rows = await p.$$eval('#messages > li', ls => ls.map(l => (l.classList.contains('day') ? 'day:' : '') + (l.classList.contains('day') ? l.textContent : l.querySelector('.text').textContent)));
      const year = String(lastYear.getFullYear());
      log('    ' + rows.filter(r => r.startsWith('day:')).join(' | '));
      check(rows.length === 7 && rows[0].startsWith('day:') && rows[2] === 'day:Yesterday' && rows[5] === 'day:Today',
        'separators: ' + JSON.stringify(rows));
      check(rows[0].includes(year) && !rows[2].includes(year) && rows[1] === 'Last year ' + RUN, `last year's day does not name ${year}: ${rows[0]}`);
      // the message with addresses: its text unchanged, only the two http(s) ones are links
      const text = p.locator('#messages .msg .text', { hasText: 'Manual at' });
      check(await text.textContent() === LINKS, 'the text changed: ' + await text.textContent());
      const links = await text.locator('a').evaluateAll(as => as.map(a => [a.textContent, a.href, a.target, a.rel].join(' ')));
      check(JSON.stringify(links) === JSON.stringify([
        'https://example.org/pump?model=7&lang=en https://example.org/pump?model=7&lang=en _blank noopener noreferrer',
        'http://example.com/spares http://example.com/spares _blank noopener noreferrer']), 'links: ' + JSON.stringify(links));
      check(await p.locator('#messages a[href^="javascript"], #messages a[href^="ftp"]').count() === 0, 'a javascript: or ftp: link');
      await checkNoMarkup(p, 'days farmer');
      check(await text.getAttribute('dir') === 'auto', 'message text has no dir="auto"');
    } finally {
      delete pages.days;
      await ctx.close();
    }
  }, pages);

  await step('languages: the browser\'s (Hindi) on every page, all words from its catalogue; the switcher (Swahili) is remembered; dates by locale; right-to-left text', async () => {
    const f = { id: 'F-lang-' + RUN, name: 'Lang' }, subject = 'Lang ' + RUN, RTL = 'مرحبا، المضخة معطلة ' + RUN;
    const tok = await token('farmer', f.id, f.name), atok = await token('admin', 'A-lang-' + RUN, 'Lang agent');
    const t = await rest(tok, 'POST', '/api/tickets', { subject, text: 'Namaste ' + RUN });
    await rest(atok, 'POST', `/api/tickets/${t.id}/messages`, { text: RTL });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 }, locale: 'hi-IN' });
    const actx = await newContext(browser, { viewport: { width: 1280, height: 900 }, locale: 'hi-IN' });
    const june = new Date(new Date().getFullYear() - 1, 5, 15, 10, 30); // the first message, re-dated on its way
    await ctx.route(u => u.pathname === '/api/tickets/' + t.id, async route => {
      try {
        const response = await route.fetch(), json = await response.json();
        json.messages[0].createdAt = june.toISOString();
        await route.fulfill({ response, json });
      } catch (e) { if (!/disposed|closed/i.test(e.message)) throw e; } // asked again once live, the context closing
    });
    const days = p => p.$$eval('#messages li.day', ls => ls.map(l => l.textContent));
    const strip = [f.name, 'Lang agent', subject, RUN];
    try {
      const p = pages.lang = await openPage(ctx, BASE, 'farmer', tok, 'hindi farmer', 'ticket=' + t.id);
      await waitForText(p, '#messages .msg .text', RTL, 'hindi farmer');
      await waitForConnection(p, 'streaming', 'hindi farmer');
      // a language's catalogue and its parts (the admin page's, the sign-in page's, attach.js's, push.js's: i18n.js part())
      const cat = code => p.evaluate(async c => {
        const parts = await Promise.all(['strings', 'admin', 'signin', 'files', 'push'].map(n => import(`/lang/${c}.${n}.js`)));
        return { keys: parts.map(m => Object.keys(m.default).sort()), words: Object.assign({}, ...parts.map(m => m.default)), review: parts[0].review };
      }, code);
      const [en, hi, sw] = [await cat('en'), await cat('hi'), await cat('sw')];
      for (const [code, c] of [['hi', hi], ['sw', sw]]) {
        check(JSON.stringify(c.keys) === JSON.stringify(en.keys), code + ': not the keys of en');
        check(/review by a native speaker/.test(c.review), code + ' is not marked as awaiting review');
      }
      check(await p.evaluate(() => document.documentElement.lang) === 'hi' && await p.inputValue('#lang') === 'hi', 'the page is not in Hindi');
      check(await p.textContent('#send') === hi.words.send && await p.textContent('#conn') === hi.words.streaming, 'Send / Live not in Hindi');
      let left = await untranslated(p, strip);
      check(left.length === 0, 'farmer page words not in the Hindi catalogue: ' + JSON.stringify(left));
      const shown = await days(p);
      log('    ' + shown.join(' | '));
      check(shown.length === 2 && shown[1] === hi.words.today && shown[0].includes('जून') && shown[0].includes(String(june.getFullYear())),
        'Hindi day separators: ' + JSON.stringify(shown));
      // right-to-left text: its own direction, in a layout that stays put
      const rtl = await p.evaluate(x => {
        const n = [...document.querySelectorAll('#messages .text')].find(e => e.textContent === x);
        return { dir: getComputedStyle(n).direction, meta: getComputedStyle(n.closest('li').querySelector('.meta')).direction, wide: document.documentElement.scrollWidth - innerWidth };
      }, RTL);
      check(rtl.dir === 'rtl' && rtl.meta === 'ltr' && rtl.wide <= 0, 'right-to-left message: ' + JSON.stringify(rtl));

      const a = pages.langAdmin = await openPage(actx, BASE, 'admin', atok, 'hindi admin', 'ticket=' + t.id);
      await waitForText(a, '#messages .msg .text', RTL, 'hindi admin');
      await waitForConnection(a, 'streaming', 'hindi admin');
      left = await untranslated(a, strip);
      check(left.length === 0, 'admin page words not in the Hindi catalogue: ' + JSON.stringify(left));
      const signIn = await ctx.newPage();
      await signIn.goto(BASE + '/index.html');
      await signIn.waitForFunction(() => document.documentElement.lang === 'hi');
      left = await untranslated(signIn, strip);
      check(left.length === 0, 'sign-in page words not in the Hindi catalogue: ' + JSON.stringify(left));
      await signIn.close();

      await p.selectOption('#lang', 'sw'); // the switcher: the page reloads in Swahili
      await p.waitForFunction(() => document.documentElement.lang === 'sw');
      await waitForText(p, '#messages .msg .text', RTL, 'swahili farmer');
      check(await p.textContent('#send') === sw.words.send, 'Send is not in Swahili: ' + await p.textContent('#send'));
      const swDays = await days(p);
      check(swDays[1] === sw.words.today && swDays[0].includes('Juni'), 'Swahili day separators: ' + JSON.stringify(swDays));
      const again = pages.lang2 = await ctx.newPage();
      await again.goto(`${BASE}/farmer.html#ticket=${encodeURIComponent(t.id)}`);
      await waitForText(again, '#messages .msg .text', RTL, 'a new tab');
      check(await again.evaluate(() => document.documentElement.lang) === 'sw', 'the choice of Swahili is not remembered in a new tab');
      await again.click('#logout');
      await again.waitForURL(/index\.html/);
      await waitForText(again, '#login button[type=submit]', sw.words.signIn, 'the sign-in page after sign-out, still in Swahili');
    } finally {
      for (const k of ['lang', 'lang2', 'langAdmin']) delete pages[k];
      await ctx.close();
      await actx.close();
    }
  }, pages);

  await step('auto-scroll follows new messages; scrolled up, a "new messages" marker shows instead', async () => {
    const p = pages.farmer;
    for (let i = 1; i <= 12; i++) await rest(adminToken, 'POST', `/api/tickets/${ticketId}/messages`, { text: `Filler ${i} ${RUN}` });
    await waitForText(p, '#messages .msg .text', `Filler 12 ${RUN}`, 'farmer sees the fillers');
    const atEnd = () => p.evaluate(() => { const l = document.getElementById('messages'); return l.scrollHeight - l.scrollTop - l.clientHeight < 48; });
    await p.waitForFunction(() => { const l = document.getElementById('messages'); return l.scrollHeight > l.clientHeight + 100; }, null, { timeout: TIMEOUT });
    check(await atEnd(), 'the conversation did not follow new messages');
    check(await p.isHidden('#newmsg'), 'marker shown while at the end');
    await p.evaluate(() => { document.getElementById('messages').scrollTop = 0; });
    await rest(adminToken, 'POST', `/api/tickets/${ticketId}/messages`, { text: `Below the fold ${RUN}` });
    await waitForText(p, '#messages .msg .text', `Below the fold ${RUN}`, 'farmer gets the message');
    await p.waitForSelector('#newmsg', { state: 'visible', timeout: TIMEOUT });
    check(await p.evaluate(() => document.getElementById('messages').scrollTop) === 0, 'the list jumped while the reader was scrolled up');
    check(await receipt(pages.admin, `Below the fold ${RUN}`) === 'Sent', 'marked read although the reader was scrolled up');
    await p.click('#newmsg');
    check(await atEnd(), 'the marker did not scroll to the new messages');
    check(await p.isHidden('#newmsg'), 'marker still shown at the end');
    await pages.admin.waitForFunction(t => {
      const li = [...document.querySelectorAll('#messages li.msg')].find(n => n.querySelector('.text').textContent === t);
      return li && li.querySelector('.rcpt')?.textContent === 'Seen';
    }, `Below the fold ${RUN}`, { timeout: TIMEOUT });
  }, pages);

  await step('a long conversation (230 messages) loads older messages when scrolled to the top, down to the first', async () => {
    const tok = await token('farmer', 'F-long-' + RUN, 'Long');
    const texts = Array.from({ length: 230 }, (_, i) => i ? `Long ${i} ${RUN}` : `The very first message ${RUN}`);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Long talk ' + RUN, text: texts[0] });
    // posting is rate limited per user (20/s): twelve agents take turns
    const agents = await Promise.all(Array.from({ length: 12 }, (_, i) => token('admin', `A-long-${i}-${RUN}`, 'Agent ' + i)));
    for (let i = 1; i < texts.length; i++) await rest(agents[i % 12], 'POST', `/api/tickets/${t.id}/messages`, { text: texts[i] });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    let pagesAsked = 0;
    ctx.on('request', r => { if (/\/api\/tickets\/[^/?]+\?before=/.test(r.url())) pagesAsked++; });
    try {
      const p = pages.long = await openPage(ctx, BASE, 'farmer', tok, 'long farmer', 'ticket=' + t.id);
      await waitForText(p, '#messages .msg .text', texts[229], 'long farmer sees the newest');
      check(!(await messageTexts(p)).includes(texts[0]), 'the first message is shown without scrolling up');
      const top = texts[30]; // the oldest of the newest 200
      await p.evaluate(() => {
        window.__e2eOlder = false;
        new MutationObserver(() => { if (/Loading older…/.test(document.getElementById('messages').textContent)) window.__e2eOlder = true; })
          .observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true });
      });
      const offset = text => p.evaluate(x => {
        const l = document.getElementById('messages'), li = [...l.querySelectorAll('li.msg')].find(n => n.querySelector('.text').textContent === x);
        return li.getBoundingClientRect().top - l.getBoundingClientRect().top;
      }, text);
      await p.evaluate(() => { document.getElementById('messages').scrollTop = 0; });
      const was = await offset(top);
      await waitForText(p, '#messages .msg[data-id] .text', texts[0], 'the first message, once scrolled to the top');
      check(await p.evaluate(() => window.__e2eOlder), 'no "Loading older…" was shown');
      const now = await offset(top);
      check(Math.abs(now - was) < 60, `the list jumped: the message at the top moved from ${was} to ${now} px`);
      await checkOnceInOrder(p, texts, 'long farmer');
      await p.evaluate(() => { const l = document.getElementById('messages'); l.scrollTop = 1; l.scrollTop = 0; });
      await sleep(1000); // time for a request that must not happen
      check(pagesAsked === 1, `asked for older messages ${pagesAsked} times (the first message was shown)`);
      check(await p.locator('#messages li.msg').count() === 230, 'not 230 messages shown');
    } finally {
      delete pages.long;
      await ctx.close();
    }
  }, pages);

  await step('farmer goes back to the list (mobile layout); a new reply raises the unread badge', async () => {
    const p = pages.farmer;
    await p.click('#back');
    await p.waitForSelector('#list-panel', { state: 'visible', timeout: TIMEOUT });
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    check(overflow <= 0, `farmer page scrolls sideways by ${overflow} px at 360 px`);
    await send(pages.admin, 'admin', REPLY3);
    await waitForText(p, `#tickets button[data-ticket="${ticketId}"] .badge`, '1 unread', 'farmer unread badge');
    await p.click(`#tickets button[data-ticket="${ticketId}"]`);
    await waitForText(p, '#messages .msg .text', REPLY3, 'farmer sees the reply that came while away');
    await p.click('#back');
    await p.waitForSelector(`#tickets button[data-ticket="${ticketId}"]:not(:has(.badge))`, { timeout: TIMEOUT });
  }, pages);

  await step('a page whose SSE stream is refused (like a proxy that blocks text/event-stream) long-polls', async () => {
    const ctx = await newContext(browser, { viewport: { width: 800, height: 800 } });
    await ctx.route(url => url.pathname.endsWith('/events'),
      route => route.fulfill({ status: 403, contentType: 'text/html', body: '<h1>blocked by proxy</h1>' }));
    const p = pages.polling = await openPage(ctx, BASE, 'farmer', farmerToken, 'polling farmer', 'ticket=' + ticketId);
    await waitForConnection(p, 'polling', 'polling farmer');
    check(await p.textContent('#conn') === 'Live (polling)', 'the indicator does not say Live (polling)');
    check(!(await p.evaluate(() => location.href)).includes('token='), 'the token stays in the address bar');
    await waitForText(p, '#messages .msg .text', REPLY3, 'polling farmer opened the ticket from #ticket=');
    await send(pages.admin, 'admin', REPLY4);
    await waitForText(p, '#messages .msg .text', REPLY4, 'polling farmer gets the reply');
    // the streaming page (same farmer) gets the reply too; the polling page read it, so its badge clears there
    await pages.farmer.waitForFunction(([id, t]) => {
      const b = document.querySelector(`#tickets button[data-ticket="${id}"]`);
      return b && b.querySelector('.sub').textContent.endsWith(t) && !b.querySelector('.badge');
    }, [ticketId, REPLY4], { timeout: TIMEOUT });
    const texts = await messageTexts(p);
    check(new Set(texts).size === texts.length, 'a message is shown twice: ' + JSON.stringify(texts));
    check(!texts.some(t => t.includes('SECRET-NOTE')), 'internal note reached the polling farmer');
    await ctx.close();
    delete pages.polling;
  }, pages);

  await step('polling, the page probes SSE again and goes back to streaming when it works; nothing lost or doubled', async () => {
    const f = { id: 'F-probe-' + RUN, name: 'Probe' };
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Probe ' + RUN, text: 'start' });
    const ctx = await newContext(browser, { viewport: { width: 800, height: 800 } });
    await ctx.addInitScript(() => localStorage.setItem('farmdesk.tuning', '{"probeMs":1000}'));
    let blocked = true;
    await ctx.route(url => url.pathname.endsWith('/events'),
      route => (blocked ? route.fulfill({ status: 403, body: 'no' }) : route.continue()));
    const p = pages.probe = await openPage(ctx, BASE, 'farmer', tok, 'probe farmer', 'ticket=' + t.id);
    await waitForConnection(p, 'polling', 'probe farmer');
    await rest(adminToken, 'POST', `/api/tickets/${t.id}/messages`, { text: 'While polling ' + RUN });
    await waitForText(p, '#messages .msg .text', 'While polling ' + RUN, 'probe farmer (polling)');
    await p.waitForFunction(() => Farmdesk.live.stats.probes >= 2, null, { timeout: TIMEOUT }); // refused, still polling
    check(await p.evaluate(() => document.body.dataset.connection) === 'polling', 'a refused probe changed the state');
    blocked = false; // the "proxy" lets streams through again
    await waitForConnection(p, 'streaming', 'probe farmer', 30000);
    await rest(adminToken, 'POST', `/api/tickets/${t.id}/messages`, { text: 'While streaming ' + RUN });
    await waitForText(p, '#messages .msg .text', 'While streaming ' + RUN, 'probe farmer (streaming again)');
    await checkOnceInOrder(p, ['start', 'While polling ' + RUN, 'While streaming ' + RUN], 'probe farmer');
    const after = await liveInfo(p);
    log(`    probes ${after.stats.probes}, fallbacks ${after.stats.fallbacks} (${after.stats.why}), mode ${after.mode}`);
    await ctx.close();
    delete pages.probe;
  }, pages);

  await step('while loading: "Loading…" in the list (never an empty list), "Connecting…" (never "Reconnecting…"), buttons shown only once they work', async () => {
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    // every state the connection badge shows, from the first parse of <body>
    await ctx.addInitScript(() => {
      window.__e2eStates = [];
      new MutationObserver(() => {
        const s = document.body && document.body.dataset.connection;
        if (s && window.__e2eStates[window.__e2eStates.length - 1] !== s) window.__e2eStates.push(s);
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-connection'] });
    });
    let releaseScript, releaseList;
    const scriptHeld = new Promise(r => { releaseScript = r; }), listHeld = new Promise(r => { releaseList = r; });
    // the page's script and its ticket list, held until this step has looked at the page
    await ctx.route(url => /\/farmer(\.bundle)?\.js$/.test(url.pathname), async route => { await scriptHeld; await route.continue(); });
    await ctx.route(url => url.pathname === '/api/tickets', async route => { await listHeld; await route.continue(); });
    try {
      const p = pages.loading = await ctx.newPage();
      p.setDefaultTimeout(TIMEOUT);
      p.on('pageerror', e => pageErrors.push(`loading farmer: ${e.message}`));
      // not 'domcontentloaded': that waits for the (held) module script
      await p.goto(`${BASE}/farmer.html#token=${encodeURIComponent(farmerToken)}`, { waitUntil: 'commit' });
      await p.waitForSelector('#ticket-panel', { state: 'attached' });
      check(!(await p.isVisible('#new-btn')) && !(await p.isVisible('#logout')), 'buttons shown before the script that makes them work');
      check((await p.textContent('#tickets')).includes('Loading…'), 'no "Loading…" in the list while it loads: ' + await p.textContent('#tickets'));
      releaseScript();
      await p.waitForSelector('#new-btn', { state: 'visible' });
      await p.click('#new-btn');
      check(await p.isVisible('#new-form'), 'the New ticket button did nothing');
      await p.click('#new-cancel');
      check((await p.textContent('#tickets')).includes('Loading…') && await p.isHidden('#no-tickets'),
        'while the list loads, it looks empty and final');
      releaseList();
      await p.waitForSelector(`#tickets button[data-ticket="${ticketId}"]`);
      check(!(await p.textContent('#tickets')).includes('Loading…'), '"Loading…" stays after the list came');
      await waitForConnection(p, 'streaming', 'loading farmer');
      const states = await p.evaluate(() => window.__e2eStates);
      log(`    badge: ${states.join(' → ')}`);
      check(!states.includes('reconnecting'), 'a first visit showed "Reconnecting…": ' + states.join(' → '));
    } finally {
      releaseScript();
      releaseList();
      delete pages.loading;
      await ctx.close();
    }
  }, pages);

  await step('first render does not wait for the stream: with a stream that never answers, the list shows, then polling', async () => {
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    await ctx.route(url => url.pathname.endsWith('/events'), () => { /* held forever, like a buffering proxy */ });
    const t0 = Date.now();
    const p = pages.silent = await openPage(ctx, BASE, 'farmer', farmerToken, 'silent-stream farmer');
    await p.waitForSelector(`#tickets button[data-ticket="${ticketId}"]`, { timeout: TIMEOUT });
    const listed = Date.now() - t0;
    // shown before the page gave up on the stream (it falls back after 3 s without an open): the list
    // came from REST alone, neither from the stream nor from the fallback
    const stateWhenListed = await p.evaluate(() => document.body.dataset.connection);
    check(stateWhenListed !== 'streaming', 'streaming although the stream never answered');
    check(stateWhenListed !== 'polling', `the list showed only once the page was polling (${listed} ms)`);
    await waitForConnection(p, 'polling', 'silent-stream farmer', 8000);
    const polled = Date.now() - t0;
    const info = await liveInfo(p);
    log(`    ticket list after ${listed} ms; polling after ${polled} ms (${info.stats.why})`);
    await ctx.close();
    delete pages.silent;
  }, pages);

  await step('a send whose answer is lost is retried with the same clientId and stored once', async () => {
    const p = pages.farmer;
    const text = 'Answer lost ' + RUN;
    await p.click(`#tickets button[data-ticket="${ticketId}"]`);
    await p.waitForFunction(() => document.activeElement.id === 't-subject', null, { timeout: TIMEOUT });
    await waitForText(p, '#messages .msg .text', REPLY4, 'farmer back on the ticket');
    let posts = 0;
    await p.route(url => url.pathname.endsWith('/messages'), async route => {
      if (route.request().method() === 'POST' && ++posts === 1) {
        await route.fetch();                   // the server stores the message...
        return route.abort('connectionreset'); // ...and the answer never reaches the page
      }
      return route.continue();
    });
    await send(p, 'farmer', text);
    await waitForText(p, '#messages .msg[data-id] .text', text, 'the stored message (from the stream) replaces the pending one');
    // the outbox does not know it was stored: it sends again (same clientId) and is answered with the original
    await p.waitForFunction(() => Object.keys(localStorage).filter(k => k.startsWith('farmdesk.outbox.'))
      .every(k => localStorage.getItem(k) === '[]'), null, { timeout: 30000 });
    await p.unroute(url => url.pathname.endsWith('/messages'));
    log(`    ${posts} POSTs of the message`);
    check(posts === 2, `the message was POSTed ${posts} times`);
    check(await storedCount(farmerToken, ticketId, text) === 1, 'the server stored the message more than once');
    await checkOnceInOrder(p, [text], 'farmer');
    await waitForText(pages.admin, '#messages .msg .text', text, 'admin gets it');
    await checkOnceInOrder(pages.admin, [text], 'admin');
  }, pages);

  await step('a send that never answers (a dead mobile connection) times out, shows "Not sent, retrying", holds nothing behind it', async () => {
    const tok = await token('farmer', 'F-hang-' + RUN, 'Hang');
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Dead line ' + RUN, text: 'start' });
    const [hung, next1, next2] = ['Hung send', 'Behind it', 'Behind it too'].map(x => `${x} ${RUN}`);
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    let hold = true, held = 0;
    await ctx.route(u => u.pathname.endsWith('/messages'), route => {
      const r = route.request();
      if (hold && r.method() === 'POST' && (r.postData() || '').includes(hung)) return void held++; // never answered
      return route.continue();
    });
    try {
      const p = pages.hang = await openPage(ctx, BASE, 'farmer', tok, 'hang farmer', 'ticket=' + t.id);
      await waitForConnection(p, 'streaming', 'hang farmer');
      await waitForText(p, '#messages .msg .text', 'start', 'hang farmer ticket');
      await recordAnnouncements(p);
      for (const text of [hung, next1, next2]) await send(p, 'farmer', text);
      await waitForText(p, '#messages .msg[data-id] .text', next2, 'the messages behind the hung send are sent', 45000);
      await waitForText(p, '#messages li.pending .rcpt', 'Not sent, retrying', 'the hung message says it is not sent');
      check(await p.textContent('#messages li.pending .text') === hung, 'the retrying message is not the hung one');
      await checkOnceInOrder(p, ['start', next1, next2], 'hang farmer');
      hold = false; // the connection is back
      await waitForText(p, '#messages .msg[data-id] .text', hung, 'the hung message is sent once the connection is back', 45000);
      log(`    ${held} attempts of the hung message held`);
      check(await storedCount(tok, t.id, hung) === 1, 'the hung message is stored other than once');
      await checkOnceInOrder(p, ['start', next1, next2, hung], 'hang farmer');
      check(await p.locator('#messages li.pending').count() === 0, 'a pending message is left');
      // each said once by the screen reader, though stored ones moved above the held one (aria-busy meanwhile)
      const said = await spoken(p);
      for (const text of [hung, next1, next2]) {
        const n = said.filter(x => x.includes(text)).length;
        check(n === 1, `${JSON.stringify(text)} announced ${n} times: ${JSON.stringify(said)}`);
      }
    } finally {
      delete pages.hang;
      await ctx.close();
    }
  }, pages);

  await step('a failed message has a Retry button: a refused one waits for it, one not sent is sent when pressed, same clientId; Edit takes it back', async () => {
    const tok = await token('farmer', 'F-retry-' + RUN, 'Retry');
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Retry ' + RUN, text: 'start' });
    const [refusedText, cutText, afterText, editText] = ['Refused once', 'Cut once', 'After them', 'To edit'].map(x => `${x} ${RUN}`);
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    let refuse = true, cut = true;
    const posts = {}; // text -> clientIds posted
    await ctx.route(u => u.pathname.endsWith('/messages'), route => {
      const r = route.request(), body = r.method() === 'POST' && JSON.parse(r.postData() || '{}');
      if (!body) return route.continue();
      (posts[body.text] = posts[body.text] || []).push(body.clientId);
      if ((refuse && body.text === refusedText) || body.text === editText) {
        return route.fulfill({ status: 409, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Conflict', status: 409, detail: 'Refused by the test' }) });
      }
      if (cut && body.text === cutText) return route.abort('internetdisconnected');
      return route.continue();
    });
    const row = text => `#messages li.pending:has(.text:text-is(${JSON.stringify(text)}))`;
    try {
      const p = pages.retry = await openPage(ctx, BASE, 'farmer', tok, 'retry farmer', 'ticket=' + t.id);
      await waitForConnection(p, 'streaming', 'retry farmer');
      await waitForText(p, '#messages .msg .text', 'start', 'retry farmer ticket');
      await send(p, 'farmer', refusedText);
      await p.waitForSelector(`${row(refusedText)} .rcpt:text-is("Not sent: Refused by the test")`);
      await send(p, 'farmer', cutText);
      await p.waitForSelector(`${row(cutText)} .rcpt:text-is("Not sent, retrying")`);
      check(await p.locator(`${row(cutText)} button:text-is("Retry")`).count() === 1, 'no Retry button on the message not sent');
      await send(p, 'farmer', afterText);
      await waitForText(p, '#messages .msg[data-id] .text', afterText, 'the message after them is sent');
      check(posts[refusedText].length === 1, `the refused message was sent again by itself: ${posts[refusedText].length} POSTs`);
      refuse = false;
      await p.click(`${row(refusedText)} button:text-is("Retry")`);
      await waitForText(p, '#messages .msg[data-id] .text', refusedText, 'the refused message, sent by Retry');
      check(posts[refusedText].length === 2 && posts[refusedText][0] === posts[refusedText][1], 'Retry: ' + JSON.stringify(posts[refusedText]));
      cut = false;
      // the outbox also tries again by itself every 10 s: that may win the race; what counts is that it is stored once
      const pressed = await p.evaluate(text => {
        const button = () => [...document.querySelectorAll('#messages li.pending')]
          .find(li => li.querySelector('.text').textContent === text)?.querySelector('button');
        if (!button()) return 'gone';
        button().click();
        return button() ? 'still there' : 'pressed';
      }, cutText);
      check(pressed !== 'still there', 'the Retry button stays after it was pressed (it could send twice)');
      await waitForText(p, '#messages .msg[data-id] .text', cutText, 'the cut message, sent');
      log(`    Retry on the cut message: ${pressed}; its POSTs ${posts[cutText].length}`);
      check(new Set(posts[cutText]).size === 1, 'the cut message changed its clientId: ' + JSON.stringify(posts[cutText]));
      for (const x of [refusedText, cutText, afterText]) check(await storedCount(tok, t.id, x) === 1, `${x} stored other than once`);
      await send(p, 'farmer', editText);
      await p.click(`${row(editText)} button:text-is("Edit")`);
      check(await p.inputValue('#reply-text') === editText, 'Edit did not put the text in the box: ' + await p.inputValue('#reply-text'));
      check(await p.locator('#messages li.pending').count() === 0, 'a pending message is left after Edit');
      check(await p.evaluate(x => !Object.keys(localStorage).some(k => k.startsWith('farmdesk.outbox.') && localStorage.getItem(k).includes(x)), editText),
        'the edited message is still in the outbox');
    } finally {
      delete pages.retry;
      await ctx.close();
    }
  }, pages);

  await step('offline send: port blocked, message typed and kept across a reload, sent once when the port is back', async () => {
    const f = { id: 'F-off-' + RUN, name: 'Offline' };
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'No signal ' + RUN, text: 'first' });
    const r = await relay(SERVER_PORT, Array.from({ length: 20 }, (_, i) => 20040 + i));
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    try {
      let p = pages.offline = await openPage(ctx, r.url, 'farmer', tok, 'offline farmer', 'ticket=' + t.id);
      await waitForConnection(p, 'streaming', 'offline farmer');
      await waitForText(p, '#messages .msg .text', 'first', 'offline farmer ticket');
      await r.block();
      const t0 = Date.now();
      // the blocked port stays the relay's: were it free, another run's relay could take it and the page
      // would reach a server that refuses its token ("Offline" at once, never "Reconnecting…")
      check(!(await canListen(r.port)), `the blocked relay port ${r.port} could be taken by another listener`);
      await waitForConnection(p, 'reconnecting', 'offline farmer');
      await waitForConnection(p, 'offline', 'offline farmer', 30000);
      log(`    port blocked: reconnecting, then offline after ${Date.now() - t0} ms`);
      check(await p.textContent('#conn') === 'Offline', 'the indicator does not say Offline');
      const text1 = 'Typed with no signal ' + RUN;
      await send(p, 'farmer', text1);
      await waitForText(p, '#messages li.pending .text', text1, 'kept as pending');
      check(/^Not sent( yet|, retrying)$/.test(await p.textContent('#messages li.pending .rcpt')), 'pending message not marked "Not sent"');
      check(await storedCount(tok, t.id, text1) === 0, 'stored while the port was blocked?');
      await p.close(); // the tab goes away with the message unsent
      await r.restore();
      p = pages.offline = await openPage(ctx, r.url, 'farmer', tok, 'offline farmer', 'ticket=' + t.id);
      await waitForText(p, '#messages .msg[data-id] .text', text1, 'the kept message is sent after the reload');
      check(await storedCount(tok, t.id, text1) === 1, 'kept message stored other than once');
      await waitForConnection(p, 'streaming', 'offline farmer');

      // again without a reload: block, type, restore
      await r.block();
      await waitForConnection(p, 'reconnecting', 'offline farmer');
      const text2 = 'Second try without signal ' + RUN;
      await send(p, 'farmer', text2);
      await waitForText(p, '#messages li.pending .text', text2, 'kept as pending');
      await sleep(1500);
      await r.restore();
      const t1 = Date.now();
      await waitForText(p, '#messages .msg[data-id] .text', text2, 'sent when the port is back', 30000);
      log(`    port back: sent ${Date.now() - t1} ms later`);
      await waitForConnection(p, 'streaming', 'offline farmer');
      check(await storedCount(tok, t.id, text2) === 1, 'second message stored other than once');
      check(await p.locator('#messages li.pending').count() === 0, 'a pending message is left');
      await checkOnceInOrder(p, ['first', text1, text2], 'offline farmer');
      check(await p.evaluate(() => localStorage.getItem('farmdesk.outbox.' + JSON.parse(atob(localStorage.getItem('farmdesk.token').split('.')[1])).sub)) === '[]',
        'the outbox is not empty');
    } finally {
      await ctx.close();
      delete pages.offline;
      await r.close();
    }
  }, pages);

  await step('axe-core finds no violation on the farmer and admin pages: streaming, a pending message, reconnecting, offline, polling (and sign-in)', async () => {
    const f = { id: 'F-axe-' + RUN, name: 'Axe' };
    const ftok = await token('farmer', f.id, f.name);
    const t = await rest(ftok, 'POST', '/api/tickets', { subject: 'Axe ' + RUN, text: 'first' });
    for (let i = 1; i <= 8; i++) await rest(adminToken, 'POST', `/api/tickets/${t.id}/messages`, { text: `Answer ${i} ${RUN}` });
    const held = 'Never answered ' + RUN; // its POST is held: the message stays pending ("Not sent yet", then "Not sent, retrying")
    const found = [];
    const axe = async (p, what) => {
      const v = await axeViolations(p);
      log(`    ${what}: ${v.length} violations`);
      for (const line of v) found.push(`${what}: ${line}`);
    };
    for (const [role, tok, viewport] of [['farmer', ftok, { width: 360, height: 740 }], ['admin', adminToken, { width: 1280, height: 900 }]]) {
      // through a relay (reconnecting: its port blocked) with a long offlineMs (the state stays while axe runs); offline: the browser's
      const r = await relay(SERVER_PORT, Array.from({ length: 20 }, (_, i) => 20040 + i));
      const ctx = await newContext(browser, { viewport });
      await ctx.addInitScript(() => localStorage.setItem('farmdesk.tuning', '{"offlineMs":600000}'));
      await ctx.route(u => u.pathname.endsWith('/messages'), route => {
        const q = route.request();
        return q.method() === 'POST' && (q.postData() || '').includes(held) ? undefined : route.continue();
      });
      const pollCtx = await newContext(browser, { viewport });
      await pollCtx.route(url => url.pathname.endsWith('/events'), route => route.fulfill({ status: 403, body: 'blocked by proxy' }));
      try {
        const p = pages.axe = await openPage(ctx, r.url, role, tok, 'axe ' + role, 'ticket=' + t.id);
        await waitForConnection(p, 'streaming', 'axe ' + role);
        await waitForText(p, '#messages .msg .text', `Answer 8 ${RUN}`, 'axe ' + role + ' ticket');
        await axe(p, role + ' streaming');
        await send(p, role, held);
        await waitForText(p, '#messages li.pending .text', held, 'axe ' + role + ' pending');
        await axe(p, role + ' streaming, pending message');
        await r.block();
        await waitForConnection(p, 'reconnecting', 'axe ' + role);
        await axe(p, role + ' reconnecting, pending message');
        await ctx.setOffline(true);
        await waitForConnection(p, 'offline', 'axe ' + role);
        await axe(p, role + ' offline, pending message');
        const q = pages.axePolling = await openPage(pollCtx, BASE, role, tok, 'axe polling ' + role, 'ticket=' + t.id);
        await waitForConnection(q, 'polling', 'axe polling ' + role);
        await waitForText(q, '#messages .msg .text', `Answer 8 ${RUN}`, 'axe polling ' + role + ' ticket');
        await axe(q, role + ' polling');
      } finally {
        delete pages.axe;
        delete pages.axePolling;
        await ctx.close();
        await pollCtx.close();
        await r.close();
      }
    }
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    try {
      const p = await ctx.newPage();
      await p.goto(BASE + '/');
      await axe(p, 'sign-in');
    } finally {
      await ctx.close();
    }
    check(found.length === 0, 'axe-core violations:\n      ' + found.join('\n      '));
  }, pages);

  await step('service worker: a reload offline shows the page and the conversation last seen (not the browser\'s offline page)', async () => {
    const f = { id: 'F-sw-' + RUN, name: 'No Network' };
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Seen offline ' + RUN, text: 'kept for offline ' + RUN });
    const ctx = pages.swCtx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    const p = pages.sw = await openPage(ctx, BASE, 'farmer', tok, 'offline-reload farmer', 'ticket=' + t.id);
    await waitForConnection(p, 'streaming', 'offline-reload farmer');
    await waitForText(p, '#messages .msg .text', 'kept for offline ' + RUN, 'offline-reload farmer ticket');
    // the worker keeps the page and the files it loaded (offline.js hands them over)
    // and it controls the page (activated and claimed: until then a reload goes to the network)
    await p.waitForFunction(async () => !!navigator.serviceWorker.controller && (await caches.match('/farmer.html')) !== undefined &&
      (await Promise.all(performance.getEntriesByType('resource').filter(e => e.name.includes('/v/'))
        .map(e => caches.match(new URL(e.name).pathname)))).every(Boolean), null, { timeout: TIMEOUT });
    await ctx.setOffline(true);
    await p.reload();
    await waitForText(p, '#messages .msg .text', 'kept for offline ' + RUN, 'the conversation after an offline reload');
    await p.waitForSelector(`#tickets button[data-ticket="${t.id}"]`, { state: 'attached', timeout: TIMEOUT }); // the list, behind the conversation on a phone
    await waitForConnection(p, 'offline', 'offline-reload farmer');
    check(await p.textContent('#conn') === 'Offline', 'the indicator does not say Offline');
  }, pages);

  await step('service worker: a message typed after the offline reload goes once when back online, once', async () => {
    const p = pages.sw, tok = await p.evaluate(() => localStorage.getItem('farmdesk.token'));
    const tid = await p.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('ticket'));
    const text = 'Queued with no network ' + RUN;
    try {
      await send(p, 'farmer', text);
      await waitForText(p, '#messages li.pending .text', text, 'kept as pending');
      await sleep(1000); // a retry or two fail while offline
      check(await storedCount(tok, tid, text) === 0, 'stored while offline?');
      await pages.swCtx.setOffline(false);
      await waitForText(p, '#messages .msg[data-id] .text', text, 'sent once back online', 30000);
      // live again (streaming, or polling until its next probe: the offline start fell back to polling)
      await p.waitForFunction(() => ['streaming', 'polling'].includes(document.body.dataset.connection), null, { timeout: 30000 });
      check(await storedCount(tok, tid, text) === 1, 'queued message stored other than once');
      await checkOnceInOrder(p, ['kept for offline ' + RUN, text], 'offline-reload farmer');
    } finally {
      await pages.swCtx.close();
      delete pages.sw;
      delete pages.swCtx;
    }
  }, pages);

  await step('service worker: a photo sent with no network shows after an offline reload (attach.js kept by the worker, the photo in IndexedDB) and goes once when back online', async () => {
    const f = { id: 'F-swp-' + RUN, name: 'Offline photo' }, text = 'Photo queued offline ' + RUN;
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Photo offline ' + RUN, text: 'start ' + RUN });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    try {
      const p = pages.swPhoto = await openPage(ctx, BASE, 'farmer', tok, 'offline photo farmer', 'ticket=' + t.id);
      await waitForConnection(p, 'streaming', 'offline photo farmer');
      await waitForText(p, '#messages .msg .text', 'start ' + RUN, 'offline photo farmer ticket');
      await p.setInputFiles('#reply-file', { name: 'offline.jpg', mimeType: 'image/jpeg', buffer: await photo(p, 2000, 1500, 0.02) });
      await waitForTray(p, 'reply', 1);
      await p.waitForFunction(async () => !!navigator.serviceWorker.controller && (await caches.match('/farmer.html')) !== undefined &&
        (await Promise.all(performance.getEntriesByType('resource').filter(e => e.name.includes('/v/'))
          .map(e => caches.match(new URL(e.name).pathname)))).every(Boolean), null, { timeout: TIMEOUT });
      check(await p.evaluate(async () => (await caches.keys()).length > 0 &&
        (await Promise.all((await caches.keys()).map(async k => (await (await caches.open(k)).keys()).map(r => r.url)))).flat().some(u => /attach/.test(u))),
        'the worker did not keep the photo code');
      await ctx.setOffline(true);
      await send(p, 'farmer', text);
      await waitForText(p, '#messages li.pending .text', text, 'kept as pending');
      await p.reload();
      await waitForText(p, '#messages li.pending .text', text, 'pending after the offline reload');
      await p.waitForFunction(() => { const i = document.querySelector('#messages li.pending .att img.preview'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: TIMEOUT });
      check(await storedCount(tok, t.id, text) === 0, 'stored while offline?');
      await ctx.setOffline(false);
      await waitForPhotos(p, text, 1, 'sent once back online');
      await storedAttachments(tok, t.id, text); // once
    } finally {
      delete pages.swPhoto;
      await ctx.close();
    }
  }, pages);

  await step('eight tabs of one farmer share one connection, all live; another tab takes over when the leader closes', async () => {
    const f = { id: 'F-tabs-' + RUN, name: 'Tabs' };
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Eight tabs ' + RUN, text: 'hello tabs' });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 640 } });
    const openStreams = trackStreams(ctx);
    const tabs = [];
    try {
      for (let i = 0; i < 8; i++) tabs.push(await openPage(ctx, BASE, 'farmer', tok, `tab ${i + 1}`, 'ticket=' + t.id));
      for (const [i, p] of tabs.entries()) {
        pages['tab' + (i + 1)] = p;
        await waitForConnection(p, 'streaming', `tab ${i + 1}`);
        await waitForText(p, '#messages .msg .text', 'hello tabs', `tab ${i + 1}`);
      }
      const leaders = (await Promise.all(tabs.map(liveInfo))).map((x, i) => x.leader ? i : -1).filter(i => i >= 0);
      check(leaders.length === 1, `leaders: ${JSON.stringify(leaders)}`);
      check(openStreams() === 1, `eight tabs hold ${openStreams()} SSE requests`);
      log(`    tab ${leaders[0] + 1} leads; 1 SSE request for 8 tabs (server: ${await metric('farmdesk_streams_open', 'farmer')} farmer streams in all)`);

      await rest(adminToken, 'POST', `/api/tickets/${t.id}/messages`, { text: 'To all tabs ' + RUN });
      for (const [i, p] of tabs.entries()) await waitForText(p, '#messages .msg .text', 'To all tabs ' + RUN, `tab ${i + 1}`);
      const last = tabs[leaders[0] === 7 ? 6 : 7];
      await send(last, 'farmer', 'From a follower tab ' + RUN);
      for (const [i, p] of tabs.entries()) await waitForText(p, '#messages .msg[data-id] .text', 'From a follower tab ' + RUN, `tab ${i + 1}`);
      check(await storedCount(tok, t.id, 'From a follower tab ' + RUN) === 1, 'stored other than once');
      for (const [i, p] of tabs.entries()) await checkOnceInOrder(p, ['hello tabs', 'To all tabs ' + RUN, 'From a follower tab ' + RUN], `tab ${i + 1}`);

      const gone = tabs.splice(leaders[0], 1)[0];
      await gone.close();
      const t0 = Date.now();
      let next = -1;
      for (let k = 0; k < 100 && next < 0; k++) {
        next = (await Promise.all(tabs.map(liveInfo))).findIndex(x => x.leader && x.mode);
        if (next < 0) await sleep(100);
      }
      check(next >= 0, 'no tab took over');
      log(`    leader closed; another tab leads after ${Date.now() - t0} ms`);
      await rest(adminToken, 'POST', `/api/tickets/${t.id}/messages`, { text: 'After the leader left ' + RUN });
      for (const [i, p] of tabs.entries()) await waitForText(p, '#messages .msg .text', 'After the leader left ' + RUN, `remaining tab ${i + 1}`);
      for (const p of tabs) check(await p.evaluate(() => document.body.dataset.connection) === 'streaming', 'a tab is not live');
      check(openStreams() === 1, `seven tabs hold ${openStreams()} SSE requests`);
    } finally {
      for (let i = 1; i <= 8; i++) delete pages['tab' + i];
      await ctx.close();
    }
  }, pages);

  await step('admin filters: status, assignee, unread', async () => {
    const p = pages.admin;
    const shown = () => p.$$eval('#queue button[data-ticket]', bs => bs.map(b => b.dataset.ticket));
    await p.click('#assign-me');
    await p.waitForFunction(([id, me]) => document.querySelector(`#queue button[data-ticket="${id}"] .sub`)?.textContent.includes(me), [ticketId, ADMIN.name], { timeout: TIMEOUT });
    await p.evaluate(() => { location.hash = ''; }); // the open ticket is always listed: close it
    await p.waitForSelector('#t-view', { state: 'hidden' });
    await p.selectOption('#f-assignee', 'me');
    let ids = await shown();
    check(ids.length === 1 && ids[0] === ticketId, 'assigned to me shows ' + JSON.stringify(ids));
    await p.selectOption('#f-assignee', 'none');
    check(!(await shown()).includes(ticketId), 'unassigned filter shows an assigned ticket');
    await p.selectOption('#f-assignee', 'any');
    await p.selectOption('#f-status', 'closed');
    check(!(await shown()).includes(ticketId), 'closed filter shows an open ticket');
    await p.selectOption('#f-status', 'all');
    await p.check('#f-unread');
    ids = await shown();
    const withBadge = await p.$$eval('#queue button[data-ticket]', bs => bs.filter(b => b.querySelector('.badge')).length);
    check(ids.length > 0 && withBadge === ids.length, `unread filter: ${ids.length} shown, ${withBadge} with a badge`);
    check(!ids.includes(ticketId), 'the open (read) ticket shows under "unread only"');
    await p.uncheck('#f-unread');
    await p.selectOption('#f-status', 'active');
    await p.click(`#queue button[data-ticket="${ticketId}"]`);
    await p.waitForFunction(() => document.activeElement.id === 't-subject', null, { timeout: TIMEOUT });
    await waitForText(p, '#messages .msg .text', REPLY4, 'admin back on the ticket');
  }, pages);

  await step('assignee: chosen from the admins who signed in (not free text), shown by name in rows, picker and filter', async () => {
    const p = pages.admin, other = { id: 'A-meera-' + RUN, name: 'Meera ' + RUN }, never = 'A-never-' + RUN;
    const row = `#queue button[data-ticket="${ticketId}"]`;
    const options = sel => p.$$eval(sel + ' option', os => os.map(o => [o.value, o.textContent]));
    const rowSays = text => p.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent.includes(t), [row + ' .sub', text], { timeout: TIMEOUT });
    await token('admin', never, 'Never signed in'); // a token minted but never used: not an admin the service knows
    await rest(await token('admin', other.id, other.name), 'GET', '/api/tickets?limit=1'); // Meera signs in
    await p.evaluate(() => { location.hash = ''; });
    await p.waitForSelector('#t-view', { state: 'hidden' });
    await p.click(row); // opening a ticket brings the admins who signed in since
    await p.waitForFunction(id => [...document.querySelectorAll('#t-assignee option')].some(o => o.value === id), other.id, { timeout: TIMEOUT });
    const offered = await options('#t-assignee');
    check(offered.some(([v, l]) => v === other.id && l === other.name), 'Meera is not offered by name: ' + JSON.stringify(offered));
    check(offered.some(([v, l]) => v === ADMIN.id && l === ADMIN.name), 'the signed-in admin is not offered by name: ' + JSON.stringify(offered));
    check(offered.some(([v]) => v === '') && !offered.some(([v]) => v === never || v === FARMER.id), 'offered: ' + JSON.stringify(offered));
    await p.selectOption('#t-assignee', other.id);
    await p.click('#assign button[type=submit]');
    await rowSays(other.name);
    const sub = await p.textContent(row + ' .sub');
    check(sub.includes(other.name) && !sub.includes(other.id), 'the row shows ' + JSON.stringify(sub));
    const saved = await rest(adminToken, 'GET', `/api/tickets/${ticketId}`);
    check(saved.assigneeId === other.id && saved.assigneeName === other.name, 'stored ' + saved.assigneeId + ' / ' + saved.assigneeName);
    await p.evaluate(() => { location.hash = ''; });
    await p.waitForSelector('#t-view', { state: 'hidden' });
    const filter = await options('#f-assignee');
    check(filter.some(([v, l]) => v === other.id && l === other.name), 'the filter does not offer Meera by name: ' + JSON.stringify(filter));
    await p.selectOption('#f-assignee', other.id);
    const ids = await p.$$eval('#queue button[data-ticket]', bs => bs.map(b => b.dataset.ticket));
    check(ids.length === 1 && ids[0] === ticketId, 'Meera\'s tickets: ' + JSON.stringify(ids));
    await p.selectOption('#f-assignee', 'any');
    await p.click(row);
    await p.click('#assign-me'); // back to this admin, as the steps after expect
    await rowSays(ADMIN.name);
    await waitForText(p, '#messages .msg .text', REPLY4, 'admin back on the ticket');
  }, pages);

  await step('admin queue: search by ticket id, farmer or text (internal notes too), order by waiting or priority (live), ages kept current', async () => {
    const p = pages.admin, farmer = { id: 'F-queue-' + RUN, name: 'Kamau Q' + RUN };
    const ftok = await token('farmer', farmer.id, farmer.name);
    const open = (subject, text, priority) => rest(ftok, 'POST', '/api/tickets', { subject, text, priority });
    const a = await open('Maize ' + RUN, 'maize text ' + RUN), b = await open('Beans ' + RUN, 'beans text ' + RUN);
    const c = await open('Cattle ' + RUN, 'cattle text ' + RUN, 'urgent');
    await rest(adminToken, 'POST', `/api/tickets/${a.id}/messages`, { text: 'answered ' + RUN }); // a waits no more
    await rest(adminToken, 'POST', `/api/tickets/${b.id}/messages`, { text: 'BEANSNOTE ' + RUN, internal: true });
    await p.evaluate(() => { location.hash = ''; });
    await p.waitForSelector('#t-view', { state: 'hidden' });
    const rows = () => p.$$eval('#queue button[data-ticket]', bs => bs.map(b => b.dataset.ticket));
    const showsExactly = async (ids, what) => {
      try {
        await p.waitForFunction(want => [...document.querySelectorAll('#queue button[data-ticket]')].map(b => b.dataset.ticket).join() === want.join(), ids, { timeout: TIMEOUT });
      } catch { throw new Error(`${what}: the queue shows ${JSON.stringify(await rows())}, not ${JSON.stringify(ids)}`); }
    };
    const search = async (q, ids, what) => { await p.fill('#f-search', q); await showsExactly(ids, what); };
    await search('MAIZE TEXT ' + RUN, [a.id], 'message text, any case');
    await search('beansnote ' + RUN, [b.id], 'an internal note');
    await search(c.id, [c.id], 'ticket id');
    await search(farmer.name, [a.id, c.id, b.id], 'farmer name'); // latest activity first: a was answered last
    check((await p.textContent('#f-found')).startsWith('3 '), 'the count found is not said: ' + await p.textContent('#f-found'));
    await search(farmer.id, [a.id, c.id, b.id], 'farmer id');
    await p.selectOption('#f-sort', 'waiting');
    await showsExactly([b.id, c.id], 'waiting longest first (the answered ticket is not waiting)');
    await rest(ftok, 'POST', `/api/tickets/${a.id}/messages`, { text: 'and now? ' + RUN });
    await showsExactly([b.id, c.id, a.id], 'a new wait comes last, live');
    await p.selectOption('#f-sort', 'priority');
    await showsExactly([c.id, a.id, b.id], 'most urgent first, then latest activity');
    const ages = await p.$$eval('#queue button[data-ticket] .age', ns => ns.map(n => n.textContent));
    check(ages.length === 3 && ages.every(x => /just now|min ago/.test(x)), 'rows without their age: ' + JSON.stringify(ages));
    check(ages.every(x => /waiting/.test(x)), 'the waiting time is not shown: ' + JSON.stringify(ages));
    await p.selectOption('#f-sort', 'activity');
    await p.fill('#f-search', '');
    await p.waitForFunction(n => document.querySelectorAll('#queue button[data-ticket]').length > n, 3, { timeout: TIMEOUT });
    check((await p.textContent('#f-found')) === '', 'the count stays without a search');
    await p.click(`#queue button[data-ticket="${ticketId}"]`); // back on the ticket, as the steps after expect
    await waitForText(p, '#messages .msg .text', REPLY4, 'admin back on the ticket');

    // the ages stay true while the page is open: the page's clock moved on 3 minutes, the rows say so
    const ctx = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    try {
      await ctx.clock.install();
      const q = pages.clock = await openPage(ctx, BASE, 'admin', adminToken, 'admin with a clock');
      const cell = `#queue button[data-ticket="${c.id}"] .age`, minutes = async () => {
        const text = await q.textContent(cell);
        return text.includes('just now') ? 0 : Number((/ (\d+) min ago/.exec(text) || [])[1]);
      };
      await q.waitForSelector(cell);
      const before = await minutes();
      check(before >= 0 && before < 10, 'the age of a new ticket: ' + await q.textContent(cell));
      await q.clock.fastForward(3 * 60 * 1000);
      await q.waitForFunction(([sel, n]) => new RegExp(` (${n}|${n + 1}) min ago`).test(document.querySelector(sel).textContent), [cell, before + 3], { timeout: TIMEOUT });
    } finally {
      delete pages.clock;
      await ctx.close();
    }
  }, pages);

  await step("the farmer's other tickets beside the conversation: links that open them, a new one added live", async () => {
    const p = pages.admin, ftok = await token('farmer', 'F-others-' + RUN, 'Others ' + RUN);
    const open = (subject, text) => rest(ftok, 'POST', '/api/tickets', { subject: subject + ' ' + RUN, text });
    const one = await open('First of three', 'one'), two = await open('Second of three', 'two'), three = await open('Third of three', 'three');
    const listed = () => p.$$eval('#others-list a', as => as.map(a => a.textContent.split(' · ')[0]));
    const lists = async (ids, what) => {
      try {
        await p.waitForFunction(want => !document.getElementById('t-others').hidden &&
          [...document.querySelectorAll('#others-list a')].map(a => a.textContent.split(' · ')[0]).sort().join() === want.sort().join(), ids, { timeout: TIMEOUT });
      } catch { throw new Error(`${what}: the other tickets listed are ${JSON.stringify(await listed())}, not ${JSON.stringify(ids)}`); }
    };
    await p.click(`#queue button[data-ticket="${two.id}"]`);
    await waitForText(p, '#messages .msg .text', 'two', 'the second ticket');
    await lists([one.id, three.id], 'on the second ticket');
    const link = await p.$$eval('#others-list a', as => as.map(a => [a.getAttribute('href'), a.textContent]));
    check(link.some(([h, t]) => h === '#ticket=' + one.id && t.includes('First of three ' + RUN)), 'links: ' + JSON.stringify(link));
    await p.click(`#others-list a[href="#ticket=${one.id}"]`);
    await waitForText(p, '#t-subject', 'First of three ' + RUN, 'the linked ticket opened');
    await lists([two.id, three.id], 'on the first ticket');
    const four = await open('Fourth', 'four');
    await lists([two.id, three.id, four.id], 'a new ticket of the farmer');
    await p.click(`#queue button[data-ticket="${ticketId}"]`); // back on the ticket, as the steps after expect
    await waitForText(p, '#messages .msg .text', REPLY4, 'admin back on the ticket');
    check(!(await listed()).includes(one.id), "another farmer's tickets are listed");
  }, pages);

  await step("unread is the team's: one admin reading clears it for every admin, live; the team total in the queue header", async () => {
    const p = pages.admin, ctx = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const total = async page => Number(((await page.textContent('#team-unread')) || '').split(' ')[0]) || 0;
    const totalIs = (page, n, what) => page.waitForFunction(want => (Number(document.getElementById('team-unread').textContent.split(' ')[0]) || 0) === want, n, { timeout: TIMEOUT })
      .catch(async () => { throw new Error(`${what}: the team total says ${JSON.stringify(await page.textContent('#team-unread'))}, not ${n}`); });
    try {
      const ftok = await token('farmer', 'F-team-' + RUN, 'Team ' + RUN), before = await total(p);
      const q = pages.team = await openPage(ctx, BASE, 'admin', await token('admin', 'A-team-' + RUN, 'Second agent'), 'second admin');
      await waitForConnection(q, 'streaming', 'second admin');
      const t = await rest(ftok, 'POST', '/api/tickets', { subject: 'Team unread ' + RUN, text: 'who reads me? ' + RUN });
      for (const [page, who] of [[p, 'first admin'], [q, 'second admin']]) await waitForText(page, `#queue button[data-ticket="${t.id}"] .badge`, '1 unread', who);
      await totalIs(p, before + 1, 'a new unread ticket');
      const second = await total(q);
      await q.click(`#queue button[data-ticket="${t.id}"]`); // the second agent reads it
      await waitForText(q, '#messages .msg .text', 'who reads me? ' + RUN, 'second admin on the ticket');
      await p.waitForFunction(id => !document.querySelector(`#queue button[data-ticket="${id}"] .badge`), t.id, { timeout: TIMEOUT })
        .catch(() => { throw new Error('the first admin still shows the ticket unread after the second read it'); });
      await totalIs(p, before, 'read by the team');
      await totalIs(q, second - 1, 'read by the second admin');
      // an agent who signs in now gets the same from the server: read by the team
      const r = pages.third = await openPage(ctx, BASE, 'admin', await token('admin', 'A-third-' + RUN, 'Third agent'), 'third admin');
      await r.waitForSelector(`#queue button[data-ticket="${t.id}"]`);
      check(!(await r.$(`#queue button[data-ticket="${t.id}"] .badge`)), 'unread for an agent who signed in after the team read it');
    } finally {
      delete pages.team;
      delete pages.third;
      await ctx.close();
    }
  }, pages);

  await step('admin status and priority: arrow keys only choose, Save saves once; a closed ticket disables the reply box and says why', async () => {
    const p = pages.admin, patches = [];
    const onRequest = r => { if (r.method() === 'PATCH') patches.push(r.postData()); };
    // requests are reported in the order the page makes them: once this one is seen, any earlier one has been
    const settled = async () => {
      const probe = p.waitForRequest(r => r.url().includes('/observe/health?settled'));
      await p.evaluate(() => fetch('/observe/health?settled').catch(() => {}));
      await probe;
    };
    p.on('request', onRequest);
    try {
      check((await rest(adminToken, 'GET', `/api/tickets/${ticketId}`)).status === 'open', 'the ticket is not open to begin with');
      await p.focus('#t-status');
      for (let i = 0; i < 3; i++) await p.keyboard.press('ArrowDown');
      await p.focus('#t-priority');
      await p.keyboard.press('ArrowDown');
      await settled();
      check(patches.length === 0, `the arrow keys saved ${patches.length} changes: ${patches.join(' ')}`);
      check(await p.inputValue('#t-status') === 'closed', 'three ArrowDowns did not move the choice to closed: ' + await p.inputValue('#t-status'));
      check((await rest(adminToken, 'GET', `/api/tickets/${ticketId}`)).status === 'open', 'the ticket changed without Save');
      check(!(await p.isDisabled('#compose-text')), 'the reply box is disabled before the close is saved');
      await p.focus('#t-save');
      await p.keyboard.press('Enter');
      await p.waitForSelector('#compose-text:disabled', { timeout: TIMEOUT });
      await settled();
      check(patches.length === 1, `Save sent ${patches.length} changes`);
      const saved = await rest(adminToken, 'GET', `/api/tickets/${ticketId}`);
      check(saved.status === 'closed' && saved.priority === await p.inputValue('#t-priority'), `saved ${saved.status}/${saved.priority}`);
      check(await p.isVisible('#t-closed') && /closed/i.test(await p.textContent('#t-closed')), 'no visible reason for the disabled reply box');
      check(await p.isDisabled('#send'), 'Send is enabled on a closed ticket');
      await p.selectOption('#t-status', 'open'); // a pointer choice is not saved either until Save
      await p.click('#t-save');
      await p.waitForSelector('#compose-text:enabled', { timeout: TIMEOUT });
      check(await p.isHidden('#t-closed'), 'the closed notice stays on a reopened ticket');
      await settled();
      check(patches.length === 2, `reopening sent ${patches.length - 1} changes`);
    } finally {
      p.off('request', onRequest);
    }
  }, pages);

  await step('admin writes an internal note: the typing signal says internal, the farmer sees no "is typing"', async () => {
    const p = pages.admin, f = pages.farmer;
    await f.evaluate(id => { location.hash = 'ticket=' + encodeURIComponent(id); }, ticketId);
    await waitForText(f, '#messages .msg .text', REPLY4, 'farmer on the ticket');
    await f.evaluate(() => {
      const typing = document.getElementById('typing');
      window.__e2eTyping = [];
      new MutationObserver(() => { if (typing.textContent) window.__e2eTyping.push(typing.textContent); })
        .observe(typing, { childList: true, characterData: true, subtree: true });
    });
    const typed = () => p.waitForRequest(r => r.method() === 'POST' && r.url().endsWith('/typing'));
    await sleep(3100); // the page sends one typing signal per 3 s: let the last one age
    await p.check('#mode-note');
    let request = typed();
    await p.fill('#compose-text', 'A note being typed ' + RUN);
    check(JSON.parse((await request).postData() || '{}').internal === true, 'typing a note sent ' + (await request).postData());
    // the stream keeps its order: once the farmer has this reply, a typing event before it would have arrived
    await rest(adminToken, 'POST', `/api/tickets/${ticketId}/messages`, { text: 'After the note typing ' + RUN });
    await waitForText(f, '#messages .msg .text', 'After the note typing ' + RUN, 'farmer gets the reply');
    check((await f.evaluate(() => window.__e2eTyping)).length === 0, 'the farmer saw ' + JSON.stringify(await f.evaluate(() => window.__e2eTyping)));
    await p.click('#send');
    await waitForText(p, '#messages .msg.note[data-id] .text', 'A note being typed ' + RUN, 'the note is stored as a note');
    // a reply still shows the farmer "is typing" (the watcher works)
    await sleep(3100);
    await p.check('#mode-reply');
    request = typed();
    await p.fill('#compose-text', 'A reply being typed ' + RUN);
    check(!(await request).postData(), 'typing a reply sent ' + (await request).postData());
    await waitForText(f, '#typing', `${ADMIN.name} is typing…`, 'farmer sees the reply being typed');
    await p.fill('#compose-text', '');
  }, pages);

  await step('admin queue and conversation scroll on their own (desktop); the queue holds its order under the pointer', async () => {
    const p = pages.admin;
    const layout = await p.evaluate(() => ['queue', 'messages'].map(id => getComputedStyle(document.getElementById(id)).overflowY)
      .concat(document.documentElement.scrollHeight - innerHeight));
    check(layout[0] === 'auto' && layout[1] === 'auto', 'queue / messages overflow: ' + layout.slice(0, 2).join(' / '));
    check(layout[2] <= 0, `the admin page itself scrolls by ${layout[2]} px`);
    const tok = await token('farmer', 'F-queue-' + RUN, 'Queue');
    const a = await rest(tok, 'POST', '/api/tickets', { subject: 'Queue A ' + RUN, text: 'one' });
    const b = await rest(tok, 'POST', '/api/tickets', { subject: 'Queue B ' + RUN, text: 'two' });
    const order = () => p.$$eval('#queue button[data-ticket]', bs => bs.map(x => x.dataset.ticket));
    await p.waitForFunction(ids => ids.every(id => document.querySelector(`#queue button[data-ticket="${id}"]`)), [a.id, b.id], { timeout: TIMEOUT });
    const [top, other] = (await order()).slice(0, 2);
    check([a.id, b.id].includes(top) && [a.id, b.id].includes(other), 'the new tickets are not on top: ' + (await order()).slice(0, 3));
    const row = id => `#queue button[data-ticket="${id}"]`;
    await p.hover(row(top));
    const y = (await p.locator(row(top)).boundingBox()).y;
    await rest(tok, 'POST', `/api/tickets/${other}/messages`, { text: 'moves up ' + RUN });
    await waitForText(p, `${row(other)} .badge`, '2 unread', 'the queue shows the new message');
    check((await order())[0] === top, 'the row under the pointer moved: ' + (await order()).slice(0, 3));
    check((await p.locator(row(top)).boundingBox()).y === y, 'the row under the pointer moved');
    await p.mouse.move(900, 500); // over the conversation: the queue takes the new order
    await p.waitForFunction(id => document.querySelector('#queue button[data-ticket]').dataset.ticket === id, other, { timeout: TIMEOUT });
    // the same with the keyboard: the focused row stays put until the focus leaves the queue
    await p.focus(row(other));
    await rest(tok, 'POST', `/api/tickets/${top}/messages`, { text: 'moves up too ' + RUN });
    await waitForText(p, `${row(top)} .badge`, '2 unread', 'the queue shows the second message');
    check((await order())[0] === other, 'the focused row moved: ' + (await order()).slice(0, 3));
    await p.focus('#compose-text');
    await p.waitForFunction(id => document.querySelector('#queue button[data-ticket]').dataset.ticket === id, top, { timeout: TIMEOUT });
  }, pages);

  await step('keyboard: the main controls are reached with Tab; messages are announced (aria-live)', async () => {
    if (await pages.farmer.isVisible('#back')) await pages.farmer.click('#back');
    const f = await tabStops(pages.farmer, 8);
    for (const id of ['logout', 'new-btn', ticketId]) check(f.includes(id), `farmer: Tab does not reach ${id} (${f.join(' ')})`);
    await pages.farmer.click(`#tickets button[data-ticket="${ticketId}"]`);
    // the page moves the focus to the subject once the ticket has loaded
    await pages.farmer.waitForFunction(() => document.activeElement.id === 't-subject', null, { timeout: TIMEOUT });
    await waitForText(pages.farmer, '#messages .msg .text', REPLY4, 'farmer on the ticket');
    await pages.farmer.focus('#reply-text');
    await pages.farmer.keyboard.press('Tab');
    check(await pages.farmer.evaluate(() => document.activeElement.id) === 'send', 'farmer: Tab from the message field does not reach Send');
    const a = await tabStops(pages.admin, 60); // past every row of the queue (each ticket a stop)
    for (const id of ['f-status', 'f-assignee', 'f-unread', 't-status', 't-priority', 't-save', 't-assignee', 'mode-reply', 'compose-text', 'send'])
      check(a.includes(id), `admin: Tab does not reach ${id}`);
    for (const p of [pages.farmer, pages.admin]) check(await p.getAttribute('#messages', 'aria-live') === 'polite', 'messages are not aria-live');
  }, pages);

  await step('screen readers: a sent message is announced once; a farmer message on another ticket is announced on the admin page, once; the message list takes focus and scrolls by keyboard', async () => {
    const f = pages.farmer, a = pages.admin;
    await waitForText(a, '#messages .msg .text', REPLY4, 'admin on the ticket');
    await recordAnnouncements(f);
    await recordAnnouncements(a);
    const fromFarmer = 'Said once by the farmer ' + RUN, fromAdmin = 'Said once by support ' + RUN;
    const receipts = p => p.$$eval('#messages .rcpt', ns => ns.filter(n => n.textContent !== 'Seen').length);
    const unseen = { farmer: await receipts(f) + 1, admin: await receipts(a) + 1 }; // each can turn "Seen" once
    // the farmer types for a while: two typing signals (one per 3 s), then sends (the stream keeps the order)
    for (const more of ['', ' still']) {
      await sleep(3100);
      const typed = f.waitForRequest(r => r.method() === 'POST' && r.url().endsWith('/typing'));
      await f.fill('#reply-text', 'Said once' + more);
      await typed;
    }
    await send(f, 'farmer', fromFarmer);
    for (const [p, who] of [[f, 'farmer'], [a, 'admin']]) await waitForText(p, '#messages .msg[data-id] .text', fromFarmer, who + ' shows it stored');
    await send(a, 'admin', fromAdmin);
    for (const [p, who] of [[a, 'admin'], [f, 'farmer']]) await waitForText(p, '#messages .msg[data-id] .text', fromAdmin, who + ' shows it stored');
    // another farmer's new ticket, then a second message on it: the admin page has another ticket open
    const other = { id: 'F-said-' + RUN, name: 'Zawadi Said' }, otok = await token('farmer', other.id, other.name);
    const t = await rest(otok, 'POST', '/api/tickets', { subject: 'Another ticket ' + RUN, text: 'first of another' });
    await rest(otok, 'POST', `/api/tickets/${t.id}/messages`, { text: 'second of another ' + RUN });
    await waitForText(a, `#queue button[data-ticket="${t.id}"] .badge`, '2 unread', 'admin queue shows the other ticket');
    for (const [p, who] of [[f, 'farmer'], [a, 'admin']]) {
      const said = await spoken(p), times = part => said.filter(x => x.includes(part)).length;
      log(`    ${who} page said: ${JSON.stringify(said)}`);
      for (const text of [fromFarmer, fromAdmin]) check(times(text) === 1, `${who} page announced ${JSON.stringify(text)} ${times(text)} times`);
      check(said.filter(x => x === 'Seen').length <= unseen[who], `${who} page said "Seen" ${said.filter(x => x === 'Seen').length} times for ${unseen[who]} receipts`);
      if (who === 'admin') check(times('is typing') === 1, `admin: "… is typing" said ${times('is typing')} times for one farmer typing`);
      if (who === 'admin') {
        check(times(`New ticket from ${other.name}: Another ticket ${RUN}`) === 1, 'admin: the new ticket was not announced once');
        check(times(`New message from ${other.name} on ticket ${t.id}`) === 1, `admin: the message on ${t.id} was announced ${times(`on ticket ${t.id}`)} times`);
      }
      const list = await p.evaluate(() => { const l = document.getElementById('messages'); return [l.tabIndex, l.getAttribute('aria-label')]; });
      check(list[0] === 0 && list[1], `${who}: the message list cannot take focus or has no name: ${list}`);
    }
    // a keyboard user reaches the message list with Tab and scrolls it (Home, End)
    await f.focus('#t-subject');
    for (let i = 0; i < 6 && await f.evaluate(() => document.activeElement.id) !== 'messages'; i++) await f.keyboard.press('Tab');
    check(await f.evaluate(() => document.activeElement.id) === 'messages', 'farmer: Tab does not reach the message list');
    await f.keyboard.press('Home');
    await f.waitForFunction(() => document.getElementById('messages').scrollTop === 0, null, { timeout: TIMEOUT });
    await f.keyboard.press('End');
    await f.waitForFunction(() => { const l = document.getElementById('messages'); return l.scrollHeight - l.scrollTop - l.clientHeight < 2; }, null, { timeout: TIMEOUT });
  }, pages);

  await step('touch targets at least 44×44 CSS px; focus ring and field borders at least 3:1 (farmer 360 px, admin 1280 and 390 px, sign-in)', async () => {
    const problems = [];
    const inspect = async (p, what) => {
      for (const x of await smallTargets(p)) problems.push(`${what}: target ${x}`);
      for (const x of await lowNonTextContrast(p)) problems.push(`${what}: ${x}`);
    };
    const phone = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };
    for (const [role, tok, options] of [['farmer', farmerToken, phone], ['admin', adminToken, { viewport: { width: 1280, height: 900 } }],
      ['admin', adminToken, { ...phone, viewport: { width: 390, height: 844 } }]]) {
      const ctx = await newContext(browser, options), what = `${role} ${options.viewport.width} px`;
      try {
        const p = pages.targets = await openPage(ctx, BASE, role, tok, what, 'ticket=' + ticketId);
        await waitForText(p, '#messages .msg .text', REPLY4, what + ' ticket');
        await inspect(p, what + ', a ticket');
        await p.evaluate(() => { location.hash = ''; });
        await p.waitForSelector(`button[data-ticket="${ticketId}"]`, { state: 'visible', timeout: TIMEOUT });
        await inspect(p, what + ', the list');
      } finally {
        delete pages.targets;
        await ctx.close();
      }
    }
    const ctx = await newContext(browser, phone);
    try {
      const p = await ctx.newPage();
      await p.goto(BASE + '/');
      await inspect(p, 'sign-in 360 px');
    } finally {
      await ctx.close();
    }
    check(problems.length === 0, problems.length + ' problems:\n      ' + problems.join('\n      '));
  }, pages);

  await step('Enter: on a touch screen a new line (the Send button sends), on a desktop it sends', async () => {
    const tok = await token('farmer', 'F-enter-' + RUN, 'Enter');
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Enter ' + RUN, text: 'start' });
    for (const touch of [true, false]) {
      const ctx = await newContext(browser, touch ? { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true } : { viewport: { width: 1280, height: 800 } });
      const who = touch ? 'phone' : 'desktop', line = `${who} line ${RUN}`;
      try {
        const p = pages.enter = await openPage(ctx, BASE, 'farmer', tok, who + ' farmer', 'ticket=' + t.id);
        await waitForText(p, '#messages .msg .text', 'start', who + ' ticket');
        check(await p.evaluate(() => matchMedia('(pointer: coarse)').matches) === touch, who + ': unexpected pointer');
        await p.click('#reply-text');
        await p.keyboard.type(line);
        await p.keyboard.press('Enter');
        if (touch) {
          await p.keyboard.type('second');
          check(await p.inputValue('#reply-text') === line + '\nsecond', 'phone: Enter did not start a new line: ' + JSON.stringify(await p.inputValue('#reply-text')));
          check(await p.locator('#messages li.pending').count() === 0 && await storedCount(tok, t.id, line) === 0, 'phone: Enter sent the message');
          await p.click('#send');
        }
        const sent = touch ? line + '\nsecond' : line;
        await waitForText(p, '#messages .msg[data-id] .text', sent, who + ': sent');
        check(await p.inputValue('#reply-text') === '', who + ': the field was not cleared');
        check(await storedCount(tok, t.id, sent) === 1, who + ': stored other than once');
      } finally {
        delete pages.enter;
        await ctx.close();
      }
    }
  }, pages);

  // --- Web Push in the pages (issue 15). This Chromium has no internet: PushManager.subscribe() cannot reach its
  // push service (Google's FCM). In a Playwright context (incognito) Chromium refuses it at once ("Registration
  // failed - permission denied": no push in incognito); with a profile on disk it never answers. Both are
  // covered here (the page must say so, not hang). A real subscription comes from a profile whose push client
  // registers at a local stand-in for Google's servers (lib.mjs fakeGcm()); pushes are delivered with DevTools.
  const pushSpy = () => { // counts the page's calls to the browser's permission prompt and subscribe(), then calls them
    window.__e2ePush = { asked: 0, subscribed: 0 };
    const ask = Notification.requestPermission.bind(Notification), sub = PushManager.prototype.subscribe;
    Notification.requestPermission = (...a) => { window.__e2ePush.asked++; return ask(...a); };
    PushManager.prototype.subscribe = function (...a) { window.__e2ePush.subscribed++; return sub.apply(this, a); };
  };
  const pushCount = p => p.evaluate(() => Object.assign({}, window.__e2ePush));
  const waitForPushButton = (p, text, what) => waitForText(p, '#push', text, what);

  await step('notifications: never asked on load (the push code not even loaded); asked once after the first message, not after the second; the button asks; a refused subscription is said, the button back to off, nothing sent to the server', async () => {
    const f = { id: 'F-push-' + RUN, name: 'Push Asha' };
    const tok = await token('farmer', f.id, f.name);
    const t = await rest(tok, 'POST', '/api/tickets', { subject: 'Push ' + RUN, text: 'will you tell me ' + RUN });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    const fetched = [], posted = [];
    ctx.on('request', r => {
      fetched.push(new URL(r.url()).pathname);
      if (r.url().includes('/api/push/subscriptions')) posted.push(r.method());
    });
    try {
      await ctx.grantPermissions(['notifications'], { origin: BASE }); // the prompt answered "allow" (no prompt UI headless)
      await ctx.addInitScript(pushSpy);
      const p = pages.push = await openPage(ctx, BASE, 'farmer', tok, 'push farmer', 'ticket=' + t.id);
      await waitForConnection(p, 'streaming', 'push farmer');
      await waitForText(p, '#messages .msg .text', 'will you tell me ' + RUN, 'push farmer ticket');
      await p.waitForFunction(() => !!navigator.serviceWorker.controller);
      await waitForPushButton(p, 'Notifications: off', 'the button before anything');
      check((await pushCount(p)).asked === 0, 'the permission was asked on load');
      const pushCode = x => /\/push(\.bundle)?\.js$|\/api\/push\//.test(x);
      check(!fetched.some(pushCode), 'the push code was loaded at start: ' + fetched.filter(pushCode).join(', '));
      // the first message sent: asked once (push.js loaded then), subscribe() refused here: said, back to off
      await send(p, 'farmer', 'first message ' + RUN);
      await p.waitForFunction(() => window.__e2ePush.subscribed === 1);
      await waitForText(p, '#notice', 'Notifications could not be turned on: Registration failed - permission denied', 'the refusal said');
      await waitForPushButton(p, 'Notifications: off', 'the button after the refusal');
      check((await pushCount(p)).asked === 1, 'not asked after the first message');
      check(fetched.some(x => /\/push\.bundle\.js$/.test(x)), 'push.bundle.js not loaded after the first message');
      await send(p, 'farmer', 'second message ' + RUN);
      await waitForText(p, '#messages li.msg[data-id] .text', 'second message ' + RUN, 'the second message stored');
      check((await pushCount(p)).asked === 1, 'asked again after the second message');
      // a reload: still not asked (once in this browser)
      await p.reload();
      await waitForConnection(p, 'streaming', 'push farmer reloaded');
      await send(p, 'farmer', 'third message ' + RUN);
      await waitForText(p, '#messages li.msg[data-id] .text', 'third message ' + RUN, 'the third message stored');
      check((await pushCount(p)).asked === 0, 'asked again after a reload');
      // the button: asks, subscribes, refused, says so
      await p.click('#push');
      await p.waitForFunction(() => window.__e2ePush.subscribed === 1);
      await waitForText(p, '#notice', 'Notifications could not be turned on: Registration failed - permission denied', 'the refusal said (button)');
      await waitForPushButton(p, 'Notifications: off', 'the button after the refusal (button)');
      check((await pushCount(p)).asked === 1, 'the button did not ask');
      check(posted.length === 0, 'subscriptions sent to the server without a subscription: ' + posted.join(', '));
      // blocked by the browser (its setting "block"): said on the button, and how to allow them; nothing asked
      const { targetInfo } = await (await ctx.newCDPSession(p)).send('Target.getTargetInfo');
      await (await browser.newBrowserCDPSession()).send('Browser.setPermission',
        { permission: { name: 'notifications' }, setting: 'denied', origin: BASE, browserContextId: targetInfo.browserContextId });
      check(await p.evaluate(() => Notification.permission) === 'denied', 'notifications not blocked by the test');
      await p.click('#push');
      await waitForPushButton(p, 'Notifications: blocked by the browser', 'the button once blocked');
      await waitForText(p, '#notice', 'This browser blocks notifications from this site: allow them in its site settings, then press again.', 'how to allow them');
      check((await pushCount(p)).asked === 1 && (await pushCount(p)).subscribed === 1, 'asked or subscribed while blocked: ' + JSON.stringify(await pushCount(p)));
    } finally {
      delete pages.push;
      await ctx.close();
    }
  }, pages);

  await step('notifications in a browser with a profile on disk: its push service never answers here (no internet), the page says so after its wait instead of hanging, the button back to off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'farmdesk-profile-'));
    const ctx = await launchProfile(dir, { viewport: { width: 360, height: 740 } });
    try {
      await ctx.grantPermissions(['notifications'], { origin: BASE });
      const tok = await token('farmer', 'F-profile-' + RUN, 'Profile Asha');
      const p = pages.profile = await openPage(ctx, BASE, 'farmer', tok, 'profile farmer');
      await waitForConnection(p, 'streaming', 'profile farmer');
      await p.evaluate(() => localStorage.setItem('farmdesk.tuning', JSON.stringify({ pushMs: 3000 }))); // 20 s by default
      await p.waitForFunction(() => !!navigator.serviceWorker.controller);
      const t0 = Date.now();
      await p.click('#push');
      await waitForPushButton(p, 'Notifications: turning on…', 'the button while subscribing');
      await waitForText(p, '#notice', 'Notifications could not be turned on: the browser’s push service did not answer (no internet connection, or a network that blocks it)', 'the unanswered subscription said');
      await waitForPushButton(p, 'Notifications: off', 'the button after the wait');
      log(`    said after ${Date.now() - t0} ms (wait set to 3000 ms)`);
    } finally {
      delete pages.profile;
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, pages);

  await step('notifications on/off with a real subscription (Chromium\'s own push client, registered at a local stand-in for Google\'s GCM servers): on POSTs it, off DELETEs it, a reload shows on, sign-out DELETEs it and the browser drops it', async () => {
    const gcm = await fakeGcm();
    const dir = mkdtempSync(join(tmpdir(), 'farmdesk-profile-'));
    const ctx = await launchProfile(dir, { viewport: { width: 360, height: 740 } }, gcm.args);
    const calls = [];
    ctx.on('request', r => { if (new URL(r.url()).pathname === '/api/push/subscriptions') calls.push(r.method()); });
    try {
      await ctx.grantPermissions(['notifications'], { origin: BASE });
      const tok = await token('farmer', 'F-on-' + RUN, 'On Asha');
      const p = pages.pushOn = await openPage(ctx, BASE, 'farmer', tok, 'on/off farmer');
      await waitForConnection(p, 'streaming', 'on/off farmer');
      await p.waitForFunction(() => !!navigator.serviceWorker.controller);
      const subscription = () => p.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration(), s = r && await r.pushManager.getSubscription();
        return s && s.toJSON();
      });
      // what the server holds, asked through the API: POST of a stored endpoint answers 204 (201 when new), DELETE of
      // one it does not hold 404
      const stored = async sub => (await fetch(BASE + '/api/push/subscriptions', { method: 'POST', headers: { Authorization: 'Bearer ' + tok }, body: JSON.stringify(sub) })).status === 204;
      const gone = async sub => (await fetch(BASE + '/api/push/subscriptions', { method: 'DELETE', headers: { Authorization: 'Bearer ' + tok }, body: JSON.stringify({ endpoint: sub.endpoint }) })).status === 404;
      await p.click('#push');
      await waitForPushButton(p, 'Notifications: on', 'the button once on').catch(async e => {
        throw new Error(e.message + `; button ${await p.textContent('#push')}, notice ${await p.textContent('#notice')}, GCM ${gcm.requests.join()}`);
      });
      const first = await subscription();
      check(first && /^https:\/\/.*e2e-/.test(first.endpoint), 'no subscription from the stand-in: ' + JSON.stringify(first));
      check(calls.join() === 'POST', 'on: ' + calls.join());
      check(await stored(first), 'the server does not hold the subscription after "on"');
      await p.click('#push');
      await waitForPushButton(p, 'Notifications: off', 'the button once off');
      check(calls.join() === 'POST,DELETE', 'off: ' + calls.join());
      check(await subscription() === null, 'the browser keeps its subscription after "off"');
      check(await gone(first), 'the server still holds the subscription after "off"');
      check(gcm.requests.includes('delete'), 'the browser did not drop its registration: ' + gcm.requests.join());
      // on again; a reload says on (and sends it again: the server answers 204)
      await p.click('#push');
      await waitForPushButton(p, 'Notifications: on', 'the button on again');
      const second = await subscription();
      await p.reload();
      await waitForConnection(p, 'streaming', 'on/off farmer reloaded');
      await waitForPushButton(p, 'Notifications: on', 'the button after a reload');
      for (let i = 0; i < TIMEOUT / 100 && calls.length < 4; i++) await sleep(100); // the page's re-send, after the button
      check(calls.join() === 'POST,DELETE,POST,POST', 'on again and the reload: ' + calls.join());
      // sign-out: DELETE with the token, then the token goes
      await p.click('#logout');
      await p.waitForURL(/index\.html/);
      check(calls.join() === 'POST,DELETE,POST,POST,DELETE', 'sign-out: ' + calls.join());
      check(await gone(second), 'the server still holds the subscription after sign-out');
      check(await subscription() === null, 'the browser keeps its subscription after sign-out');
      check(!(await p.evaluate(() => localStorage.getItem('farmdesk.token'))), 'the token is kept');
    } finally {
      delete pages.pushOn;
      await ctx.close();
      gcm.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, pages);

  await step('push to the service worker (DevTools ServiceWorker.deliverPushMessage): a notification with title, text and ticket; a repeated event id not shown again; a newer one of the ticket replaces it; its click opens the ticket in the open page', async () => {
    const f = { id: 'F-pushed-' + RUN, name: 'Pushed Asha' };
    const tok = await token('farmer', f.id, f.name);
    const t1 = await rest(tok, 'POST', '/api/tickets', { subject: 'Pushed one ' + RUN, text: 'first ticket ' + RUN });
    const t2 = await rest(tok, 'POST', '/api/tickets', { subject: 'Pushed two ' + RUN, text: 'second ticket ' + RUN });
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    try {
      await ctx.grantPermissions(['notifications'], { origin: BASE });
      const p = pages.pushed = await openPage(ctx, BASE, 'farmer', tok, 'pushed farmer');
      await waitForConnection(p, 'streaming', 'pushed farmer');
      await p.waitForFunction(() => !!navigator.serviceWorker.controller);
      // the worker's registration id, from the DevTools protocol
      const cdp = await ctx.newCDPSession(p);
      const registration = new Promise(resolve => cdp.on('ServiceWorker.workerRegistrationUpdated', e => {
        const r = e.registrations.find(x => !x.isDeleted && x.scopeURL === BASE + '/');
        if (r) resolve(r.registrationId);
      }));
      await cdp.send('ServiceWorker.enable');
      const registrationId = await registration;
      const deliver = data => cdp.send('ServiceWorker.deliverPushMessage', { origin: BASE, registrationId, data: JSON.stringify(data) });
      const shown = () => p.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
        .map(n => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })));
      const waitShown = async (pred, what) => {
        for (let i = 0; i < TIMEOUT / 100; i++) { const n = await shown(); if (pred(n)) return n; await sleep(100); }
        throw new Error(what + ': notifications ' + JSON.stringify(await shown()));
      };
      const of = (list, id) => list.filter(n => n.data && n.data.ticketId === id);
      await deliver({ eventId: 9001, kind: 'reply', ticketId: t1.id, title: 'Support replied', text: 'They ship tomorrow ' + RUN });
      let list = await waitShown(n => of(n, t1.id).length === 1, 'the first push');
      const n1 = of(list, t1.id)[0];
      check(n1.title === 'Support replied', 'title ' + n1.title);
      check(n1.body.includes('They ship tomorrow ' + RUN) && n1.body.includes(t1.id), 'body ' + JSON.stringify(n1.body));
      check(n1.data.kind === 'reply' && n1.tag === t1.id, 'data/tag ' + JSON.stringify(n1));
      // the same event id again (a push sent twice), then another ticket's: pushes are handled in turn, so once the
      // second ticket's is shown the repeat was handled: the first ticket's notification is still the first push's
      await deliver({ eventId: 9001, kind: 'reply', ticketId: t1.id, title: 'Support replied', text: 'REPEATED ' + RUN });
      await deliver({ eventId: 9002, kind: 'status', ticketId: t2.id, title: 'Ticket resolved', text: null });
      list = await waitShown(n => of(n, t2.id).length === 1, 'the second ticket\'s push');
      check(of(list, t1.id).length === 1 && of(list, t1.id)[0].body.includes('They ship tomorrow'), 'a repeated event id was shown again: ' + JSON.stringify(list));
      check(of(list, t2.id)[0].body === t2.id, 'a push without text shows the ticket: ' + JSON.stringify(of(list, t2.id)));
      // a newer push of the ticket replaces its notification (one per ticket)
      await deliver({ eventId: 9003, kind: 'reply', ticketId: t1.id, title: 'Support replied', text: 'And a discount ' + RUN, count: 2 });
      list = await waitShown(n => of(n, t1.id).some(x => x.body.includes('And a discount')), 'the newer push of the ticket');
      check(of(list, t1.id).length === 1 && of(list, t1.id)[0].title === 'Support replied (2)', 'not one notification per ticket: ' + JSON.stringify(list));
      // the click: Chromium offers no way to click a notification from DevTools, so the test dispatches the worker's
      // notificationclick itself, with the real notification (a synthetic event: it carries no user activation,
      // so the worker's focus() is refused and openWindow() could not run; the same-page navigation can)
      await markNoReload(p);
      const sw = ctx.serviceWorkers().find(w => w.url().endsWith('/offline-worker.js'));
      check(sw, 'no service worker seen by Playwright');
      await sw.evaluate(async ticket => {
        const n = (await self.registration.getNotifications()).find(x => x.data.ticketId === ticket);
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
      }, t1.id);
      await waitForText(p, '#t-subject', 'Pushed one ' + RUN, 'the clicked notification\'s ticket');
      check(p.url().endsWith('#ticket=' + encodeURIComponent(t1.id)), 'the page is not on the ticket: ' + p.url());
      await checkNoReload(p, 'the farmer page opened by the click');
      list = await waitShown(n => of(n, t1.id).length === 0, 'the clicked notification closed');
      // the ticket on screen in a focused page: no notification (Chromium requires one only when no page of the site
      // is visible and focused). The worker asks the page which ticket it shows (Chromium keeps a client's url as
      // loaded: here still with its #token=)
      const seen = await sw.evaluate(async () => (await self.clients.matchAll({ type: 'window' })).map(c => ({ url: c.url, focused: c.focused, visible: c.visibilityState })));
      await deliver({ eventId: 9004, kind: 'reply', ticketId: t1.id, title: 'Support replied', text: 'While you look ' + RUN });
      await deliver({ eventId: 9005, kind: 'reply', ticketId: t2.id, title: 'Support replied', text: 'After it ' + RUN });
      list = await waitShown(n => of(n, t2.id).some(x => x.body.includes('After it')), 'the push after the one on screen');
      check(seen.length === 1 && seen[0].focused && seen[0].visible === 'visible', 'the worker does not see the page focused: ' + JSON.stringify(seen));
      check(of(list, t1.id).length === 0, 'a notification for the ticket on screen in a focused page: ' + JSON.stringify(list));
      // back to the list: the same ticket's next push is shown
      await p.evaluate(() => { location.hash = ''; });
      await p.waitForSelector('#t-view', { state: 'hidden' });
      await deliver({ eventId: 9006, kind: 'reply', ticketId: t1.id, title: 'Support replied', text: 'Once away ' + RUN });
      await waitShown(n => of(n, t1.id).some(x => x.body.includes('Once away')), 'the push of the ticket no longer on screen');
    } finally {
      delete pages.pushed;
      await ctx.close();
    }
  }, pages);

  await step('farmer page budget: what is served (HTML, CSS, one script bundle; then the service worker) under 40 KB before compression, in 3 requests; gzip on the wire; versioned, immutable files', async () => {
    // a fresh page (nothing cached): every document, script and stylesheet the browser fetched for it,
    // imports and preloads included, each URL once (as the browser fetches it), counted as served (the bundle
    // built by mvn package, not web/'s sources). Scripts and styles come from /v/<version>/: named without it
    const ctx = await newContext(browser, { viewport: { width: 360, height: 740 } });
    const loaded = new Map();
    let workerFetched;
    const worker = new Promise(resolve => { workerFetched = resolve; });
    ctx.on('response', r => {
      const type = r.request().resourceType(), path = new URL(r.url()).pathname;
      if (['document', 'script', 'stylesheet'].includes(type) && !loaded.has(path)) {
        const file = Promise.all([r.body(), r.allHeaders(), r.finished().then(() => r.request().sizes())])
          .then(([b, h, sizes]) => ({ type, plain: b.length, wire: sizes.responseBodySize, headers: h }));
        file.catch(() => {}); // awaited below; a context closed meanwhile is not an uncaught error
        loaded.set(path, file);
        if (path === '/offline-worker.js') workerFetched();
      }
    });
    try {
      const p = pages.budget = await openPage(ctx, BASE, 'farmer', farmerToken, 'budget farmer');
      await waitForConnection(p, 'streaming', 'budget farmer');
      // the service worker's script comes once the page has loaded (it registers it): counted too
      await Promise.race([worker, sleep(TIMEOUT).then(() => { throw new Error('the service worker\'s script was never fetched'); })]);
      const sizes = [];
      let total = 0, wire = 0;
      const files = [];
      for (const [path, size] of loaded) {
        const f = await size;
        const name = path.replace(/^\/v\/[0-9a-f]+\//, '/');
        files.push(name);
        sizes.push(`${name.slice(1)} ${f.plain}`);
        total += f.plain;
        wire += f.wire;
        check(f.headers['content-encoding'] === 'gzip', `${path} not gzip-compressed: ${f.headers['content-encoding']}`);
        if (f.type === 'document' || path === '/offline-worker.js') { // a worker's script keeps its name: revalidated
          check(f.headers['cache-control'] === 'no-cache', `${path}: Cache-Control ${f.headers['cache-control']}`);
        } else {
          check(/^\/v\/[0-9a-f]+\//.test(path), `${path} is not loaded from a versioned path`);
          check(f.headers['cache-control'] === 'public, max-age=31536000, immutable', `${path}: Cache-Control ${f.headers['cache-control']}`);
        }
      }
      log(`    ${sizes.join(', ')}: ${total} bytes served in ${files.length} requests, ${wire} bytes gzip-compressed on the wire`);
      for (const f of ['/farmer.html', '/farmer.bundle.js', '/farmdesk.css']) check(files.includes(f), `${f} not among what the page loaded: ${files.join(', ')}`);
      // and, once loaded, the service worker's script (counted in the total, not in the page's first requests)
      const first = files.filter(f => f !== '/offline-worker.js');
      check(first.length === 3, `the page loads ${first.length} files, not 3 (page, styles, one bundle): ${first.join(', ')}`);
      check(!files.some(f => /admin/.test(f)), 'the farmer page loads admin code: ' + files.join(', '));
      check(total < 40000, `farmer page is ${total} bytes`);
      // photos and files (attach.js) come on demand only: when a file is picked or a message with files is shown
      check(!files.some(f => /attach/.test(f)), 'the farmer page loads the photo code at start: ' + files.join(', '));
      const lazy = await p.evaluate(async () => {
        const at = document.querySelector('script[type=module]').src.replace(/[^/]+$/, '');
        const size = async f => (await (await fetch(at + f)).arrayBuffer()).byteLength;
        return { bundle: await size('attach.bundle.js'), css: await size('attach.css'), push: await size('push.bundle.js') };
      });
      // notifications on/off (push.js) too: when the button is pressed or after the first message
      check(!files.some(f => /push/.test(f)), 'the farmer page loads the notifications code at start: ' + files.join(', '));
      log(`    on demand (not counted): attach.bundle.js ${lazy.bundle}, attach.css ${lazy.css}, push.bundle.js ${lazy.push}`);
    } finally {
      delete pages.budget;
      await ctx.close();
    }
  }, pages);

  await step('both main pages still streaming, never reloaded, no script errors, no CSP violation in any page', async () => {
    await waitForConnection(pages.farmer, 'streaming', 'farmer');
    await waitForConnection(pages.admin, 'streaming', 'admin');
    await checkNoReload(pages.farmer, 'farmer');
    await checkNoReload(pages.admin, 'admin');
    check(pageErrors.length === 0, 'uncaught errors in pages: ' + pageErrors.join(' | '));
    check(cspViolations.length === 0, 'Content-Security-Policy violations: ' + cspViolations.map(v => v.text).join(' | '));
  }, pages);
} catch (e) {
  failed = true;
} finally {
  await browser.close();
}
log(`e2e: ${results.passed} passed, ${results.failed} failed`);
writeFileSync(process.env.E2E_RESULT || '/dev/null', JSON.stringify(results));
process.exit(failed ? 1 : 0);
