// Helpers shared by the browser tests (e2e.mjs, proxies.mjs): the browser, steps and checks, waits
// on page state, sign-in by token, server metrics, and a TCP relay that can "pull the cable".
//
// Every check waits for the page to reach the expected state (waitForFunction with generous
// timeouts); no fixed sleep is used as proof of anything. Sleeps only make time pass on purpose
// (an idle period a proxy must survive, the spacing of messages).
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const BASE = (process.env.FARMDESK_URL || 'http://127.0.0.1:20060').replace(/\/$/, '');
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 20000);
export const RUN = Date.now().toString(36);
export const sleep = ms => new Promise(r => setTimeout(r, ms));

const started = Date.now();
export const pageErrors = [];
export const results = { passed: 0, failed: 0 };

export function log(line) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
}

export function check(cond, message) {
  if (!cond) throw new Error('check failed: ' + message);
}

let stepNo = 0;
// E2E_STEPS=<regex>: while working on some steps, run only those (and the first two, which sign in);
// the others are skipped, so a later step that needs what a skipped one made may fail
const only = process.env.E2E_STEPS && new RegExp(process.env.E2E_STEPS, 'i');
/** Runs one named step; a failure is logged with the pages' state and rethrown (the suite stops). */
export async function step(name, fn, pages) {
  const n = ++stepNo, t0 = Date.now();
  if (only && n > 2 && !only.test(name)) return;
  log(`${String(n).padStart(2)}. ${name}`);
  try {
    await fn();
    results.passed++;
    log(`    ok (${Date.now() - t0} ms)`);
  } catch (e) {
    results.failed++;
    log(`    FAILED step ${n}: ${e.message}`);
    await dump(pages || {});
    throw e;
  }
}

/** Screenshots and state of the pages, for a failed step. */
export async function dump(pages) {
  const dir = mkdtempSync(join(tmpdir(), 'farmdesk-e2e-'));
  for (const [name, page] of Object.entries(pages)) {
    if (!page || page.isClosed()) continue;
    await page.screenshot({ path: join(dir, name + '.png'), fullPage: true }).catch(() => {});
    const state = await page.evaluate(() => ({
      url: location.href, connection: document.body.dataset.connection,
      notice: document.getElementById('notice')?.textContent,
      live: window.Farmdesk?.live && { leader: Farmdesk.live.isLeader, mode: Farmdesk.live.mode, lastId: Farmdesk.live.lastId, stats: Farmdesk.live.stats },
    })).catch(() => null);
    log(`    ${name}: ${JSON.stringify(state)}`);
  }
  if (pageErrors.length) log('    page errors: ' + pageErrors.join(' | '));
  log(`    screenshots in ${dir}`);
}

/**
 * Content-Security-Policy violations seen in any page of a watched context ({page, text}): the
 * `securitypolicyviolation` events (reported through a binding, which the policy does not govern)
 * and the browser's console errors about the policy.
 */
export const cspViolations = [];

/** A browser context whose pages report every CSP violation to cspViolations. */
export async function newContext(browser, options) {
  const ctx = await browser.newContext(options);
  await ctx.exposeBinding('__e2eCspViolation', ({ page }, text) => { cspViolations.push({ page, text }); });
  await ctx.addInitScript(() => document.addEventListener('securitypolicyviolation', e =>
    window.__e2eCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)));
  ctx.on('console', m => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push({ page: m.page(), text: m.text() });
  });
  return ctx;
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A browser with a profile on disk (launchPersistentContext): what a real browser is, unlike launch()'s contexts,
 * which Chromium treats as incognito (it refuses Web Push there at once).
 */
export function launchProfile(dir, options, moreArgs) {
  return chromium.launchPersistentContext(dir, Object.assign({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(moreArgs || [])],
  }, options));
}

/**
 * A local stand-in for Google's GCM check-in and registration servers, which Chromium's own push client (the one
 * PushManager.subscribe() uses) asks for a subscription: Chromium takes their addresses from its switches
 * --gcm-checkin-url and --gcm-registration-url (its test hooks). Check-in answers an AndroidCheckinResponse
 * (protobuf: stats_ok, time_msec, android_id, security_token), registration `token=<new>` (Chromium then makes
 * the endpoint https://jmt17.google.com/fcm/send/<token>, an https:// URL the server accepts), a deletion
 * (unsubscribe) `deleted=`. Nothing can be pushed through it (no MCS connection): pushes are delivered with
 * DevTools. `requests` lists what Chromium asked ("checkin", "register", "delete").
 */
export async function fakeGcm() {
  const fixed64 = n => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
  const requests = [];
  let n = 0;
  const server = (await import('node:http')).createServer((req, res) => {
    const body = [];
    req.on('data', c => body.push(c));
    req.on('end', () => {
      const text = Buffer.concat(body).toString('latin1');
      if (req.url.startsWith('/checkin')) {
        requests.push('checkin');
        res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
        res.end(Buffer.concat([Buffer.from([0x08, 0x01, 0x18, 0x01, 0x39]), fixed64(4242), Buffer.from([0x41]), fixed64(2424)]));
      } else {
        const del = /(^|&)delete=/.test(text);
        requests.push(del ? 'delete' : 'register');
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(del ? 'deleted=' + RUN : 'token=e2e-' + RUN + '-' + (++n));
      }
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const at = 'http://127.0.0.1:' + server.address().port;
  return {
    requests, close: () => server.close(),
    args: ['--gcm-checkin-url=' + at + '/checkin', '--gcm-registration-url=' + at + '/register'],
  };
}

/** A token from the dev login (straight to the server, not through any proxy). */
export async function token(role, id, name) {
  const res = await fetch(BASE + '/api/dev/token', { method: 'POST', body: JSON.stringify({ role, id, name }) });
  check(res.ok, `dev token for ${id}: ${res.status}`);
  return (await res.json()).token;
}

/** REST call straight to the server, as `tok`. */
export async function rest(tok, method, path, body) {
  const res = await fetch(BASE + path, {
    method, headers: { Authorization: 'Bearer ' + tok, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  check(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.status === 204 ? null : res.json();
}

/** A server gauge by name and kind, e.g. metric('farmdesk_streams_open', 'farmer'). */
export async function metric(name, kind) {
  const text = await (await fetch(BASE + '/observe/metrics')).text();
  const line = text.split('\n').find(l => l.startsWith(name + '{') && l.includes(`kind="${kind}"`));
  return line ? Number(line.trim().split(/\s+/).pop()) : NaN;
}

/** Counts the SSE requests of a browser context that are open (started, neither finished nor failed, page open). */
export function trackStreams(ctx) {
  const open = new Set();
  ctx.on('request', r => { if (new URL(r.url()).pathname.endsWith('/events')) open.add(r); });
  ctx.on('requestfinished', r => open.delete(r));
  ctx.on('requestfailed', r => open.delete(r));
  const live = r => { try { return !r.frame().page().isClosed(); } catch (e) { return false; } };
  return () => [...open].filter(live).length;
}

/** Opens a page of `ctx` signed in with `tok` (#token=, as the marketplace links in). */
export async function openPage(ctx, base, role, tok, name, hash) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', e => pageErrors.push(`${name}: ${e.message}`));
  const res = await page.goto(`${base}/${role}.html#token=${encodeURIComponent(tok)}${hash ? '&' + hash : ''}`);
  page.__proxy = res && res.headers()['x-lab-proxy'];
  return page;
}

/** Waits until an element matching `selector` has exactly `text` as its textContent. */
export async function waitForText(page, selector, text, what, timeout) {
  try {
    await page.waitForFunction(([sel, t]) =>
      [...document.querySelectorAll(sel)].some(n => n.textContent === t), [selector, text], { timeout: timeout || TIMEOUT });
  } catch (e) {
    throw new Error(`${what}: no "${selector}" with text ${JSON.stringify(text)} within ${timeout || TIMEOUT} ms`);
  }
}

export async function waitForConnection(page, state, who, timeout) {
  try {
    await page.waitForFunction(s => document.body.dataset.connection === s, state, { timeout: timeout || TIMEOUT });
  } catch (e) {
    const now = await page.evaluate(() => document.body.dataset.connection).catch(() => '?');
    throw new Error(`${who}: data-connection is "${now}", expected "${state}" within ${timeout || TIMEOUT} ms`);
  }
}

/** The texts of the shown messages (stored ones, not pending), in order. */
export function messageTexts(page) {
  return page.$$eval('#messages li.msg[data-id] .text', ns => ns.map(n => n.textContent));
}

/** Each of `texts` is shown exactly once on `page`, and in this order. */
export async function checkOnceInOrder(page, texts, who) {
  const shown = await messageTexts(page);
  for (const t of texts) {
    const n = shown.filter(s => s === t).length;
    check(n === 1, `${who} shows ${JSON.stringify(t)} ${n} times`);
  }
  const order = texts.map(t => shown.indexOf(t));
  check(order.every((v, i) => i === 0 || v > order[i - 1]), `${who} shows the messages out of order`);
}

/** The live connection's own view (leader, mode, stats), as exposed on window.Farmdesk.live. */
export function liveInfo(page) {
  return page.evaluate(() => {
    const l = Farmdesk.live;
    return { leader: !!l.isLeader, mode: l.mode, state: l.state, lastId: l.lastId, hold: l.longPoll.holdSeconds, stats: Object.assign({}, l.stats) };
  });
}

/** Sends `text` from the open conversation's composer (farmer: #reply-text, admin: #compose-text in reply or note mode). */
export async function send(page, role, text, note) {
  if (role !== 'farmer') await page.check(note ? '#mode-note' : '#mode-reply'); // the admin's note mode
  await page.fill(role === 'farmer' ? '#reply-text' : '#compose-text', text);
  await page.click('#send');
}

/**
 * A TCP relay from a local port to the server: what a browser talks to when a test needs to take
 * the network away. block() closes every connection and resets each new one at once (a dead port);
 * restore() relays again. The relay keeps listening while blocked: a port it gave up could be taken
 * meanwhile by another run's relay (the range is shared by every run on the machine), and the page,
 * reaching another server that does not know its token, went from "Live" straight to "Offline" (401)
 * without the "Reconnecting…" the offline-send step waits for (a flake seen under load).
 */
export async function relay(targetPort, ports) {
  const sockets = new Set();
  let server = null, port = null, blocked = false;
  const listen = p => new Promise((resolve, reject) => {
    const s = net.createServer(client => {
      if (blocked) return client.resetAndDestroy();
      const up = net.connect(targetPort, '127.0.0.1');
      for (const [a, b] of [[client, up], [up, client]]) {
        sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => { sockets.delete(a); b.destroy(); });
        a.pipe(b);
      }
    });
    s.once('error', reject);
    s.listen(p, '127.0.0.1', () => resolve(s));
  });
  for (const p of ports) {
    try { server = await listen(p); port = p; break; } catch (e) { /* taken: next */ }
  }
  check(server, 'no free relay port in ' + ports[0] + '-' + ports[ports.length - 1]);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async block() {
      blocked = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    async restore() { blocked = false; },
    async close() { for (const s of sockets) s.destroy(); await new Promise(r => server.close(() => r())); },
  };
}

/** Whether a listener could be opened on 127.0.0.1:`port` now (it is opened and closed again). */
export function canListen(port) {
  return new Promise(resolve => {
    const s = net.createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
