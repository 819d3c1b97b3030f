// Safety: user text is only ever set as text, never parsed as HTML.
import { t, locale } from './i18n.js';

// bound, not an arrow: the bundler (closure-compiler) would put document.getElementById( in place of every call (~0.9 KB)
export const byId = document.getElementById.bind(document);
export const isVisible = () => document.visibilityState !== 'hidden';

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const c of children) if (c != null && c !== false) node.append(c);
  return node;
}

let noticeTimer;
export function notify(text, kind) {
  const box = byId('notice');
  box.textContent = text;
  box.dataset.kind = kind || 'error';
  box.hidden = !text;
  clearTimeout(noticeTimer);
  if (text && kind === 'info') noticeTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

const ago = (d, days) => new Date(Date.now() - days * 864e5).toDateString() === d.toDateString();
// a date names its year only when it is not this year's
const year = d => (d.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' });
export const clock = d => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

export function timeLabel(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return (ago(d, 0) ? '' : d.toLocaleDateString(locale, { day: 'numeric', month: 'short', ...year(d) }) + ' ') + clock(d);
}

export const dayLabel = d => (ago(d, 0) ? t('today') : ago(d, 1) ? t('yesterday')
  : d.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', ...year(d) }));

// only http(s) addresses become links (DOM nodes, never parsed HTML); trailing punctuation stays text
export function linked(text) {
  const parts = [];
  let at = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?')\]]/gi)) {
    parts.push(text.slice(at, m.index), el('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return parts;
}

// the states (streaming, polling, reconnecting, offline) are the catalogues' keys
export const connectionLabel = node => state => { node.textContent = t(state); };
