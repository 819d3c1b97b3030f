// The development sign-in form (a marketplace links in with #token= instead).
import { t, ready, part } from './i18n.js';
import words from './lang/en.signin.js';
import { saveToken } from './session.js';
import { byId, notify } from './dom.js';

part('signin', words); // this page's own words (lang/<code>.signin.js), not carried by the farmer page

const form = byId('login'), uid = byId('uid'), uname = byId('uname');
const defaults = { farmer: ['F-1001', 'Asha'], admin: ['A-7', 'Ravi'] };
const query = new URLSearchParams(location.search);

function pick(role) {
  form.elements.role.value = role;
  if (Object.values(defaults).some(d => d[0] === uid.value)) [uid.value, uname.value] = defaults[role];
}
form.addEventListener('change', e => { if (e.target.name === 'role') pick(e.target.value); });
if (query.get('role') in defaults) pick(query.get('role'));
ready.then(() => { if (query.get('expired')) notify(t('expired')); });

form.addEventListener('submit', async e => {
  e.preventDefault();
  const role = form.elements.role.value, button = form.querySelector('button');
  button.disabled = true;
  try {
    const res = await fetch('/api/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role, id: uid.value.trim(), name: uname.value.trim() }),
    });
    if (res.status === 404) throw new Error(t('devOff'));
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.detail || t('signInFailed', { status: res.status }));
    saveToken(body.token);
    location.href = role + '.html' + location.hash; // keeps #ticket=
  } catch (err) {
    notify(err.message === 'Failed to fetch' ? t('serverDown') : err.message);
    button.disabled = false;
  }
});
