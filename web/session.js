import { notify } from './dom.js';
import { t } from './i18n.js';

// The session is the browser's, shared by its tabs (a ticket link opened in a new tab is signed in)
const KEY = 'farmdesk.token';
export const sessionToken = () => localStorage.getItem(KEY);
export const saveToken = token => localStorage.setItem(KEY, token);

export function readSaved(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch { return fallback; }
}
export function save(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* full, private mode */ }
}

function claimsOf(token) {
  try { return JSON.parse(decodeURIComponent(escape(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))))); } catch { return null; }
}

// another user's #token= link asks first: a link on another site must not switch users
export function requireUser(role) {
  const hash = new URLSearchParams(location.hash.slice(1)), token = hash.get('token');
  if (token) {
    const was = claimsOf(sessionToken() || ''), c = claimsOf(token), who = x => (x.name || x.sub) + ' (' + x.sub + ')';
    if (!was || was.exp * 1000 < Date.now() || c && c.sub === was.sub && c.role === was.role ||
        c && confirm(t('switchUser', { to: who(c), from: who(was) }))) saveToken(token);
    hash.delete('token');
    history.replaceState(null, '', location.pathname + location.search + (hash + '' ? '#' + hash : ''));
  }
  const c = claimsOf(sessionToken() || ''), expired = c && c.exp && c.exp * 1000 < Date.now(), ticket = hash.get('ticket');
  if (c && c.role === role && !expired) {
    // another tab signed out, or in as someone else: this one follows (reloaded, it asks again)
    addEventListener('storage', e => {
      const now = claimsOf(sessionToken() || '');
      if ((!e.key || e.key === KEY) && !(now && now.sub === c.sub && now.role === role)) location.reload();
    });
    return { id: c.sub, role, name: c.name || c.sub };
  }
  location.replace('index.html?role=' + role + (expired ? '&expired=1' : '') + (ticket ? '#ticket=' + encodeURIComponent(ticket) : ''));
  return null; // the page stops there (no error: a tab that follows another's sign-out lands here)
}

// 401, expiry: what was typed stays for the next sign-in
export function endSession() {
  localStorage.removeItem(KEY);
  location.href = 'index.html';
}

export function signOut() {
  // everything of this user goes; the language and whether notifications were offered (push.js) are the device's
  Object.keys(localStorage).forEach(k => k.startsWith('farmdesk.') && !/^farmdesk\.(lang|pushAsked)$/.test(k) && localStorage.removeItem(k));
  indexedDB.deleteDatabase('farmdesk-files'); // photos not sent yet (attach.js)
  endSession();
}

// Offline, a reload shows what was seen last (issue 13): the last answers to the ticket list and to the
// tickets opened, at most KEEP of them, kept in localStorage (gone at sign-out, as every farmdesk. key)
const KEEP = 10, KEPT_PATH = /^\/api\/tickets(\?limit=100|\/[^/?]+)$/;
const keptKey = path => 'farmdesk.kept:' + (claimsOf(sessionToken() || '') || {}).sub + ':' + path;
function keep(method, path, json) {
  if (method !== 'GET' || !KEPT_PATH.test(path)) return json;
  const key = keptKey(path), keys = [key, ...readSaved('farmdesk.kept', []).filter(k => k !== key)];
  keys.splice(KEEP).forEach(k => localStorage.removeItem(k));
  save('farmdesk.kept', keys);
  save(key, json);
  return json;
}

// a request the page's inline script already started (farmer.html), for this session's token: taken once
export function firstAnswer(key) {
  const first = window.farmdeskFirst, answer = first && first.token === sessionToken() && first.answers[key];
  if (answer) delete first.answers[key];
  return answer;
}

export const ticketPath = (id, rest) => '/api/tickets/' + encodeURIComponent(id) + (rest || '');

export async function api(method, path, body, quiet, timeout) {
  const fail = (status, detail) => {
    if (status === 401) {
      notify(t('sessionEnded', { why: detail }));
      setTimeout(endSession, 2500);
    } else if (!quiet) notify(detail);
    throw Object.assign(new Error(detail), { status });
  };
  let res, abort = new AbortController();
  if (timeout) setTimeout(() => abort.abort(), timeout);
  try {
    res = await (firstAnswer(method + ' ' + path) || fetch(path, {
      method, cache: 'no-store', body: body && JSON.stringify(body), signal: abort.signal,
      headers: Object.assign({ Authorization: 'Bearer ' + sessionToken() }, body ? { 'Content-Type': 'application/json' } : {}),
    }));
  } catch {
    const kept = method === 'GET' && readSaved(keptKey(path), null);
    if (kept) { notify(t('offlineKept'), 'info'); return kept; }
    fail(0, t('unreachable'));
  }
  // a 201 may have no body (POST /api/push/subscriptions)
  if (res.ok) return res.text().then(text => (text ? keep(method, path, JSON.parse(text)) : null));
  let detail = res.statusText || t('failed');
  try { const problem = await res.json(); detail = problem.detail || problem.title || detail; } catch {}
  fail(res.status, detail);
}
