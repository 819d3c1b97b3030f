// Safety: user text is only ever set as text, never parsed as HTML.
export const byId = id => document.getElementById(id);
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

export function timeLabel(iso) {
  if (!iso) return '';
  const d = new Date(iso), time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return new Date().toDateString() === d.toDateString() ? time : d.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + time;
}

const WORDS = { connecting: 'Connecting…', streaming: 'Live', polling: 'Live (polling)', reconnecting: 'Reconnecting…', offline: 'Offline' };
export const connectionLabel = node => state => { node.textContent = WORDS[state] || state; };
