// Accessibility checks for the browser tests: axe-core (npm) run inside a page, what the pages' live
// regions say, touch-target sizes, and the non-text contrast that axe does not measure (focus ring,
// input borders).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's violations on the page as it is now, one line each (rule, impact, elements, why).
 * axe goes in through page.evaluate (the DevTools protocol), which the page's Content-Security-Policy
 * does not govern: an injected <script> would be blocked, and reported as a violation by newContext.
 * All of axe's rules that are on by default run (WCAG 2.0/2.1/2.2 A and AA, best practices); none is
 * turned off.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(v => `${v.id} (${v.impact}): ` + v.nodes.map(n =>
      n.target.join(' ') + ' [' + (n.failureSummary || '').replace(/\s+/g, ' ').trim() + ']').join('; '));
  });
}

/**
 * Starts recording what the page's live regions would say: the text of every node added to, or
 * changed in, an element with aria-live (not "off") or role log, status or alert, unless that region
 * is aria-busy at the time (records are replayed in order, so a busy flag set and cleared in one task
 * is seen). Read it back with spoken(page).
 */
export function recordAnnouncements(page) {
  return page.evaluate(() => {
    window.__e2eSaid = [];
    const busy = new Set();
    const LIVE = '[aria-live]:not([aria-live=off]), [role=log], [role=status], [role=alert]';
    new MutationObserver(records => {
      for (const r of records) {
        if (r.type === 'attributes') { // aria-busy: its value after this change is the opposite of oldValue
          if (r.oldValue === 'true') busy.delete(r.target); else busy.add(r.target);
          continue;
        }
        const at = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        const region = at && at.closest(LIVE);
        if (!region || [...busy].some(b => b.contains(at))) continue;
        const nodes = r.type === 'characterData' ? [r.target] : [...r.addedNodes];
        for (const n of nodes) if ((n.textContent || '').trim()) window.__e2eSaid.push(n.textContent.trim());
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ['aria-busy'], attributeOldValue: true });
    for (const n of document.querySelectorAll('[aria-busy=true]')) busy.add(n);
  });
}

/** What the live regions have said since recordAnnouncements(page). */
export const spoken = page => page.evaluate(() => window.__e2eSaid.slice());

/**
 * Visible pointer targets smaller than 44×44 CSS px: buttons, links (not those inline in a message's
 * text), selects, text fields, the labels of radio buttons and checkboxes (the label is the target) and
 * ticket rows, as "what w×h".
 */
export function smallTargets(page) {
  return page.evaluate(() => {
    const targets = document.querySelectorAll('button, a[href], select, input:not([type=radio]):not([type=checkbox]):not([type=hidden]), ' +
      'label:has(input[type=radio]), label:has(input[type=checkbox]), [data-ticket]');
    const small = [];
    for (const n of targets) {
      const r = n.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(n).visibility === 'hidden') continue; // not shown
      if (n.closest('.msg .text')) continue; // a link in a message's text: inline, exempt (WCAG 2.5.5)
      if (r.width < 44 || r.height < 44) {
        small.push(`${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''} "${n.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return small;
  });
}

/**
 * Non-text contrast (WCAG 2.1 1.4.11, 3:1) that axe does not measure: the border of each visible text
 * field and select against the background around it, and the focus ring of each control (focused by
 * the keyboard, so :focus-visible applies) against the background around it. Returns the failures as
 * "what: ratio".
 */
export async function lowNonTextContrast(page) {
  const fields = await page.evaluate(() => {
    const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const behind = n => { // the first opaque background at or above n
      for (let e = n; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor, a = rgb(c)[3]; if (a === undefined || a > 0.99) return c; }
      return 'rgb(255, 255, 255)';
    };
    window.__e2eContrast = { ratio, behind };
    const bad = [];
    for (const n of document.querySelectorAll('input:not([type=radio]):not([type=checkbox]), select, textarea')) {
      if (!n.getClientRects().length || n.disabled) continue;
      const s = getComputedStyle(n), r = ratio(s.borderTopColor, behind(n.parentElement));
      if (r < 3) bad.push(`border of #${n.id} ${s.borderTopColor}: ${r.toFixed(2)}`);
    }
    return bad;
  });
  const rings = [];
  const ids = await page.$$eval('button, select, input, textarea, [tabindex="0"]', ns => ns.filter(n => n.getClientRects().length && !n.disabled && n.id).map(n => n.id));
  await page.keyboard.press('Tab'); // a keyboard user: focus moved by script from now on shows :focus-visible too
  for (const id of ids) {
    await page.focus('#' + id);
    const ring = await page.evaluate(() => {
      const n = document.activeElement, s = getComputedStyle(n), { ratio, behind } = window.__e2eContrast;
      if (!n.matches(':focus-visible') || s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0) return `#${n.id}: no focus ring`;
      const r = ratio(s.outlineColor, behind(n.parentElement));
      return r < 3 ? `focus ring of #${n.id} ${s.outlineColor}: ${r.toFixed(2)}` : null;
    });
    if (ring) rings.push(ring);
  }
  return fields.concat([...new Set(rings)]);
}
