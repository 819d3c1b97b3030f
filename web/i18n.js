// The pages' words, dates and numbers in the reader's language. One catalogue per language,
// lang/<code>.strings.js (English is the reference, and the fallback for a key another one lacks), and the
// parts only one page or module shows (lang/<code>.admin.js, .signin.js, .files.js: part()), so that the
// farmer page (40 KB) does not carry the admin page's words. The language:
// the reader's choice (the switcher; kept in this browser, across sign-out), else the browser's first
// one that has a catalogue, else English. English comes with the page's first modules (each page module
// imports this one: no extra round trip); another language costs one request before the page starts.
import en from './lang/en.strings.js';

// to add a language: lang/<code>.strings.js with en.strings.js's keys, and its own name here
export const LANGS = { en: 'English', hi: 'हिन्दी', sw: 'Kiswahili' };
const KEY = 'farmdesk.lang';
export const lang = [localStorage.getItem(KEY), ...navigator.languages].filter(Boolean)
  .map(l => l.split('-')[0]).find(l => l in LANGS) || 'en';
// dates and numbers in the browser's own variant of the language (en-IN rather than en-US) if it has one
export const locale = navigator.languages.find(l => l.split('-')[0] === lang) || lang;
const english = Object.assign({}, en), translated = {}, asked = ['strings'];
let words = english, started = false;
const fetched = name => (lang === 'en' ? Promise.resolve({})
  : import('./lang/' + lang + '.' + name + '.js').then(m => m.default, () => ({})));
const merge = catalogue => { Object.assign(translated, catalogue); words = Object.assign({}, english, translated); };

// A part of the words (admin.js: part('admin', <en.admin.js>)): its English at once; another language's, fetched
// with the main catalogue when asked for as the page's modules load (before `ready`), else when asked
export function part(name, englishPart) {
  Object.assign(english, englishPart);
  merge({});
  if (!started) return asked.push(name) && ready;
  return fetched(name).then(merge);
}

// {name} is replaced by vars.name; without vars the text comes with its placeholders
export const t = (key, vars) => (words[key] || key).replace(/\{(\w+)\}/g, (m, k) => (vars ? vars[k] : m));
export const num = n => n.toLocaleString(locale);

// The page's own words (data-t: text, data-t-placeholder, data-t-aria-label) and the switcher, at the
// end of the page's header (a choice is applied by reloading; drafts are kept). Once per page: a module
// imported on demand (older.js) gets its own copy of this one.
function apply() {
  if (document.getElementById('lang')) return;
  document.documentElement.lang = lang;
  for (const n of document.querySelectorAll('[data-t]')) n.textContent = t(n.dataset.t);
  for (const a of ['placeholder', 'aria-label']) {
    for (const n of document.querySelectorAll('[data-t-' + a + ']')) n.setAttribute(a, t(n.getAttribute('data-t-' + a)));
  }
  const pick = document.createElement('select');
  pick.id = 'lang';
  pick.setAttribute('aria-label', t('language'));
  for (const [code, name] of Object.entries(LANGS)) pick.add(Object.assign(new Option(name, code, false, code === lang), { lang: code }));
  pick.onchange = () => { localStorage.setItem(KEY, pick.value); location.reload(); };
  document.querySelector('header.top').append(pick);
}

// Pages start once this is settled: at once in English; another language's catalogue is one request
// (a promise, not a top-level await: the build's bundler, closure-compiler, does not take those, and
// older browsers (Chrome < 89) neither)
export const ready = Promise.resolve().then(() => { started = true; return Promise.all(asked.map(fetched)); })
  .then(catalogues => { catalogues.forEach(merge); apply(); });
