// Older messages of a long conversation: a module of its own, fetched when the reader first scrolls to
// the top (not on every page load, which must stay light for 2G).
import { el } from './dom.js';
import { api } from './session.js';
import { t } from './i18n.js';

// path: the ticket with ?before=; page(messages, old) shows them if the conversation is still open
export async function older(list, path, page) {
  const loading = el('li', { class: 'empty' }, t('loadingOlder')), scrolled = list.onscroll;
  list.prepend(loading);
  list.setAttribute('aria-busy', true);
  try {
    const t = await api('GET', path, undefined, true);
    loading.remove();
    if (list.onscroll !== scrolled) return;
    const below = list.scrollHeight - list.scrollTop; // kept: the reader stays where they were
    page(t.messages, true);
    list.scrollTop = list.scrollHeight - below;
  } finally {
    loading.remove();
    list.removeAttribute('aria-busy');
  }
}
