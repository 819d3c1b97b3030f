// Screenshots of the two pages for the README (docs/screenshots/): a small realistic conversation on
// a fresh server. Run by run.sh first when SCREENSHOTS=<dir> is set (SCREENSHOTS=docs/screenshots).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE, log, sleep, launch, token, rest, openPage, waitForText, waitForConnection, send, step, results,
} from './lib.mjs';

const dir = process.env.SCREENSHOTS;
mkdirSync(dir, { recursive: true });
const browser = await launch();
let failed = false;
try {
  await step(`screenshots of the farmer (360 px) and admin pages into ${dir}`, async () => {
    const ft = await token('farmer', 'F-2041', 'Asha Patil');
    const ft2 = await token('farmer', 'F-3310', 'Joseph Mwangi');
    const at = await token('admin', 'A-7', 'Ravi');
    const other = await rest(ft2, 'POST', '/api/tickets', { subject: 'Truck did not come for the maize pickup', text: 'We waited all morning at the collection point.', category: 'delivery' });
    await rest(ft, 'POST', '/api/tickets', { subject: 'How do I change my bank account?', text: 'I opened a new account at the cooperative bank.', category: 'account' });
    const t = await rest(ft, 'POST', '/api/tickets', { subject: 'Payment not received', text: 'I delivered 40 kg of onions on Monday and I have not been paid yet.', category: 'payments' });
    await rest(at, 'POST', `/api/tickets/${t.id}/messages`, { text: 'Hello Asha, I can see your delivery of 40 kg. I am checking with the payments team now.' });
    await rest(at, 'POST', `/api/tickets/${t.id}/messages`, { text: 'Payout batch 2211 failed for this farmer (bank rejected the account number). Re-queued.', internal: true });
    await rest(at, 'PATCH', `/api/tickets/${t.id}`, { assigneeId: 'A-7', priority: 'high' });
    await rest(ft2, 'POST', `/api/tickets/${other.id}/messages`, { text: 'Please send the truck tomorrow at 8.' });

    const fctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    const actx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const f = await openPage(fctx, BASE, 'farmer', ft, 'farmer', 'ticket=' + t.id);
    const a = await openPage(actx, BASE, 'admin', at, 'admin', 'ticket=' + t.id);
    await waitForConnection(f, 'streaming', 'farmer');
    await waitForConnection(a, 'streaming', 'admin');
    await send(f, 'farmer', 'Thank you. The invoice number is INV-5521.');
    await waitForText(a, '#messages li.msg[data-id] .text', 'Thank you. The invoice number is INV-5521.', 'admin');
    await send(a, 'admin', 'The payment was sent again this morning. It should reach your bank today.');
    await waitForText(f, '#messages li.msg[data-id] .text', 'The payment was sent again this morning. It should reach your bank today.', 'farmer');
    await sleep(3100); // typing pings go at most every 3 s
    await f.fill('#reply-text', 'Received, thank');
    await waitForText(a, '#typing', 'Asha Patil is typing…', 'admin typing indicator');
    await a.waitForFunction(() => [...document.querySelectorAll('#messages .rcpt')].pop()?.textContent === 'Seen');
    for (const p of [f, a]) {
      await p.evaluate(() => {
        document.activeElement.blur();
        document.getElementById('notice').hidden = true;
        const l = document.getElementById('messages');
        l.scrollTop = l.scrollHeight;
        window.scrollTo(0, 0);
      });
    }
    await f.screenshot({ path: join(dir, 'farmer.png') });
    await a.screenshot({ path: join(dir, 'admin.png') });
    log(`    ${join(dir, 'farmer.png')}, ${join(dir, 'admin.png')}`);

    // issue 14: the agent asks for a photo, the farmer sends one from the phone (picked, downscaled, uploaded)
    const bags = await rest(ft, 'POST', '/api/tickets', { subject: 'Bags torn on delivery', text: 'Three bags of maize arrived torn at the warehouse.', category: 'delivery' });
    await rest(at, 'POST', `/api/tickets/${bags.id}/messages`, { text: 'Sorry to hear that, Asha. Can you send a photo of the damaged bags?' });
    await f.evaluate(id => { location.hash = 'ticket=' + encodeURIComponent(id); }, bags.id);
    await a.evaluate(id => { location.hash = 'ticket=' + encodeURIComponent(id); }, bags.id);
    await waitForText(f, '#messages li.msg .text', 'Sorry to hear that, Asha. Can you send a photo of the damaged bags?', 'farmer');
    const picture = Buffer.from(await f.evaluate(async () => { // sacks on a warehouse floor, drawn
      const c = new OffscreenCanvas(1600, 1200), g = c.getContext('2d');
      g.fillStyle = '#8d8a80'; g.fillRect(0, 0, 1600, 1200);
      g.fillStyle = '#6f6c63'; g.fillRect(0, 0, 1600, 380);
      for (const [x, y, w, h] of [[140, 420, 520, 640], [560, 360, 520, 700], [1000, 440, 480, 620]]) {
        g.fillStyle = '#c8a86b'; g.beginPath(); g.roundRect(x, y, w, h, 60); g.fill();
        g.strokeStyle = '#9c7f48'; g.lineWidth = 6;
        for (let i = 1; i < 12; i++) { g.beginPath(); g.moveTo(x + 20, y + i * h / 12); g.lineTo(x + w - 20, y + i * h / 12); g.stroke(); }
        g.fillStyle = '#3b2f1c'; g.beginPath(); g.ellipse(x + w * 0.55, y + h * 0.55, w * 0.16, h * 0.09, 0.5, 0, 7); g.fill();
        g.fillStyle = '#f2e6b8'; for (let i = 0; i < 60; i++) g.fillRect(x + w * 0.45 + Math.random() * w * 0.3, y + h * 0.62 + Math.random() * h * 0.3, 10, 16);
      }
      const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
      return Array.from(bytes);
    }));
    await f.setInputFiles('#reply-file', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: picture });
    await f.waitForFunction(() => /\d/.test((document.querySelector('#reply .tray .size') || {}).textContent) && !document.querySelector('#send').disabled);
    await send(f, 'farmer', 'Here they are. The bottom of each bag is torn.');
    for (const p of [f, a]) {
      await p.waitForFunction(() => { const i = document.querySelector('#messages li.msg[data-id] img.thumb'); return i && i.complete && i.naturalWidth > 0; });
    }
    await send(a, 'admin', 'Thank you, that is clear. We will replace the three bags this week.');
    await waitForText(f, '#messages li.msg[data-id] .text', 'Thank you, that is clear. We will replace the three bags this week.', 'farmer');
    for (const p of [f, a]) {
      await p.evaluate(() => {
        document.activeElement.blur();
        document.getElementById('notice').hidden = true;
        const l = document.getElementById('messages');
        const li = document.querySelector('#messages li.msg:has(img.thumb)'); // the photo's message at the top
        l.scrollTop += li.getBoundingClientRect().top - l.getBoundingClientRect().top - 24;
        window.scrollTo(0, 0);
      });
    }
    await f.screenshot({ path: join(dir, 'farmer-photo.png') });
    await a.screenshot({ path: join(dir, 'admin-photo.png') });
    log(`    ${join(dir, 'farmer-photo.png')}, ${join(dir, 'admin-photo.png')}`);
    await fctx.close();
    await actx.close();
  });
} catch (e) {
  failed = true;
} finally {
  await browser.close();
}
log(`screenshots: ${results.passed} passed, ${results.failed} failed`);
writeFileSync(process.env.E2E_RESULT || '/dev/null', JSON.stringify(results));
process.exit(failed ? 1 : 0);
