// End-to-end test of the Farmdesk pages in a real browser (Debian's chromium, driven by playwright-core).
// Needs a running server: FARMDESK_URL (default http://127.0.0.1:20060). Normally started by run.sh.
//
// Every check waits for the page to reach the expected state (waitForSelector / waitForFunction with
// generous timeouts); no fixed sleep is used as proof of anything.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = (process.env.FARMDESK_URL || 'http://127.0.0.1:20060').replace(/\/$/, '');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 20000);
const RUN = Date.now().toString(36);
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

const started = Date.now();
const pages = {};
const pageErrors = [];
let stepNo = 0;

function log(line) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
}

async function step(name, fn) {
  stepNo++;
  const t0 = Date.now();
  log(`${String(stepNo).padStart(2)}. ${name}`);
  await fn();
  log(`    ok (${Date.now() - t0} ms)`);
}

function check(cond, message) {
  if (!cond) throw new Error('check failed: ' + message);
}

/** Waits until an element matching `selector` has exactly `text` as its textContent. */
async function waitForText(page, selector, text, what) {
  try {
    await page.waitForFunction(([sel, t]) =>
      [...document.querySelectorAll(sel)].some(n => n.textContent === t), [selector, text], { timeout: TIMEOUT });
  } catch (e) {
    throw new Error(`${what}: no "${selector}" with text ${JSON.stringify(text)} within ${TIMEOUT} ms`);
  }
}

async function waitForConnection(page, state, who) {
  try {
    await page.waitForFunction(s => document.body.dataset.connection === s, state, { timeout: TIMEOUT });
  } catch (e) {
    const now = await page.evaluate(() => document.body.dataset.connection).catch(() => '?');
    throw new Error(`${who}: data-connection is "${now}", expected "${state}" within ${TIMEOUT} ms`);
  }
}

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
  check(await page.evaluate(() => !!sessionStorage.getItem('farmdesk.token')), `${role}: token not kept in sessionStorage`);
  return page;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let failed = false;
try {
  log(`Farmdesk e2e against ${BASE} (run ${RUN}, timeout ${TIMEOUT} ms per wait)`);
  const farmerCtx = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let ticketId;

  await step(`farmer ${FARMER.id} signs in with the dev login form (360 px wide screen)`, async () => {
    pages.farmer = await login(farmerCtx, 'farmer', FARMER);
    await waitForConnection(pages.farmer, 'streaming', 'farmer');
    check(await pages.farmer.textContent('#conn') === 'Live', 'farmer connection indicator does not say Live');
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
  });

  await step(`admin ${ADMIN.id} signs in; queue page is streaming`, async () => {
    pages.admin = await login(adminCtx, 'admin', ADMIN);
    await waitForConnection(pages.admin, 'streaming', 'admin');
    await markNoReload(pages.admin);
  });

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
  });

  await step(`${ticketId} appears live in the admin queue, with an unread badge`, async () => {
    const p = pages.admin;
    const sel = `#queue button[data-ticket="${ticketId}"]`;
    await p.waitForSelector(sel, { timeout: TIMEOUT });
    await waitForText(p, `${sel} .subj`, SUBJECT, 'admin queue subject');
    await waitForText(p, `${sel} .badge`, '1 unread', 'admin queue unread badge');
    const first = await p.getAttribute('#queue li:first-child button', 'data-ticket');
    check(first === ticketId, `newest activity is not first in the queue (first is ${first})`);
    await checkNoReload(p, 'admin');
  });

  await step('admin opens the ticket and sees the farmer message', async () => {
    const p = pages.admin;
    await p.click(`#queue button[data-ticket="${ticketId}"]`);
    await waitForText(p, '#messages .msg .text', FIRST, 'admin conversation');
    await p.waitForSelector(`#queue button[data-ticket="${ticketId}"]:not(:has(.badge))`, { timeout: TIMEOUT });
  });

  await step('admin replies; the reply appears on the farmer page without reload', async () => {
    await pages.admin.fill('#compose-text', REPLY1);
    await pages.admin.click('#send-reply');
    await waitForText(pages.admin, '#messages .msg.mine .text', REPLY1, 'admin own reply');
    await waitForText(pages.farmer, '#messages .msg .text', REPLY1, 'farmer sees admin reply');
    await checkNoReload(pages.farmer, 'farmer');
  });

  await step('admin adds an internal note (shown as a note), then a second public reply', async () => {
    await pages.admin.fill('#compose-text', NOTE);
    await pages.admin.click('#send-note');
    await waitForText(pages.admin, '#messages .msg.note .text', NOTE, 'admin internal note');
    const tag = await pages.admin.textContent('#messages .msg.note .tag');
    check(tag === 'Internal note', 'the note is not labelled as an internal note');
    await pages.admin.fill('#compose-text', REPLY2);
    await pages.admin.click('#send-reply');
    await waitForText(pages.farmer, '#messages .msg .text', REPLY2, 'farmer sees second reply');
  });

  await step('the internal note never showed on the farmer page', async () => {
    const p = pages.farmer;
    const leaks = await p.evaluate(() => window.__e2eLeaks);
    check(leaks.length === 0, 'internal note reached the farmer page: ' + JSON.stringify(leaks));
    const body = await p.evaluate(() => document.body.textContent);
    check(!body.includes(`SECRET-NOTE-${RUN}`), 'internal note text is on the farmer page');
    check(await p.locator('#messages .msg.note').count() === 0, 'farmer page has a note element');
  });

  await step('farmer types: admin sees the typing indicator', async () => {
    await pages.farmer.fill('#reply-text', FARMER_REPLY);
    await waitForText(pages.admin, '#typing', `${FARMER.name} is typing…`, 'admin typing indicator');
  });

  await step('farmer replies; it appears on the admin page', async () => {
    await pages.farmer.click('#send');
    await waitForText(pages.farmer, '#messages .msg.mine .text', FARMER_REPLY, 'farmer own reply');
    await waitForText(pages.admin, '#messages .msg .text', FARMER_REPLY, 'admin sees farmer reply');
    await checkNoReload(pages.admin, 'admin');
  });

  await step('message text with markup is shown literally on both pages', async () => {
    await checkNoMarkup(pages.farmer, 'farmer');
    await checkNoMarkup(pages.admin, 'admin');
    const shown = await pages.farmer.locator('#messages .msg .text', { hasText: 'Second reply' }).textContent();
    check(shown === REPLY2, `farmer shows ${JSON.stringify(shown)}`);
  });

  await step('farmer goes back to the list (mobile layout); a new reply raises the unread badge', async () => {
    const p = pages.farmer;
    await p.click('#back');
    await p.waitForSelector('#list-panel', { state: 'visible', timeout: TIMEOUT });
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    check(overflow <= 0, `farmer page scrolls sideways by ${overflow} px at 360 px`);
    await pages.admin.fill('#compose-text', REPLY3);
    await pages.admin.click('#send-reply');
    await waitForText(p, `#tickets button[data-ticket="${ticketId}"] .badge`, '1 unread', 'farmer unread badge');
    await p.click(`#tickets button[data-ticket="${ticketId}"]`);
    await waitForText(p, '#messages .msg .text', REPLY3, 'farmer sees the reply that came while away');
    await p.click('#back');
    await p.waitForSelector(`#tickets button[data-ticket="${ticketId}"]:not(:has(.badge))`, { timeout: TIMEOUT });
  });

  await step('a page whose SSE stream is refused (like a proxy that blocks text/event-stream) long-polls', async () => {
    const ctx = await browser.newContext({ viewport: { width: 800, height: 800 } });
    await ctx.route(url => url.pathname.endsWith('/events'),
      route => route.fulfill({ status: 403, contentType: 'text/html', body: '<h1>blocked by proxy</h1>' }));
    const token = await pages.farmer.evaluate(() => sessionStorage.getItem('farmdesk.token'));
    const p = pages.polling = await ctx.newPage();
    p.on('pageerror', e => pageErrors.push(`polling farmer: ${e.message}`));
    await p.goto(`${BASE}/farmer.html#token=${encodeURIComponent(token)}&ticket=${ticketId}`);
    await waitForConnection(p, 'polling', 'polling farmer');
    check(!(await p.evaluate(() => location.href)).includes('token='), 'the token stays in the address bar');
    await waitForText(p, '#messages .msg .text', REPLY3, 'polling farmer opened the ticket from #ticket=');
    await pages.admin.fill('#compose-text', REPLY4);
    await pages.admin.click('#send-reply');
    await waitForText(p, '#messages .msg .text', REPLY4, 'polling farmer gets the reply');
    // the streaming page (same farmer) gets the reply too; the polling page read it, so its badge clears there
    await pages.farmer.waitForFunction(([id, t]) => {
      const b = document.querySelector(`#tickets button[data-ticket="${id}"]`);
      return b && b.querySelector('.sub').textContent.endsWith(t) && !b.querySelector('.badge');
    }, [ticketId, REPLY4], { timeout: TIMEOUT });
    const texts = await p.$$eval('#messages .msg .text', ns => ns.map(n => n.textContent));
    check(new Set(texts).size === texts.length, 'a message is shown twice: ' + JSON.stringify(texts));
    check(!texts.some(t => t.includes('SECRET-NOTE')), 'internal note reached the polling farmer');
  });

  await step('both main pages still streaming, never reloaded, no script errors', async () => {
    await waitForConnection(pages.farmer, 'streaming', 'farmer');
    await waitForConnection(pages.admin, 'streaming', 'admin');
    await checkNoReload(pages.farmer, 'farmer');
    await checkNoReload(pages.admin, 'admin');
    check(pageErrors.length === 0, 'uncaught errors in pages: ' + pageErrors.join(' | '));
  });

  log(`PASS: ${stepNo} steps`);
} catch (e) {
  failed = true;
  log(`FAIL in step ${stepNo}: ${e.message}`);
  const dir = mkdtempSync(join(tmpdir(), 'farmdesk-e2e-'));
  for (const [name, page] of Object.entries(pages)) {
    await page.screenshot({ path: join(dir, name + '.png'), fullPage: true }).catch(() => {});
    const state = await page.evaluate(() => ({ url: location.href, connection: document.body.dataset.connection,
      notice: document.getElementById('notice')?.textContent })).catch(() => null);
    log(`    ${name}: ${JSON.stringify(state)}`);
  }
  if (pageErrors.length) log('    page errors: ' + pageErrors.join(' | '));
  log(`    screenshots in ${dir}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
