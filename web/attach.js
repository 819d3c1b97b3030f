// Photos and files in a conversation (issue 14). Not part of a page's first load (the farmer page has a 40 KB
// budget): imported on demand (dom.js attach()) when a file is picked, dropped or pasted, when a message with
// attachments is shown, and when the outbox sends one. Its own bundle (pom.xml), with its own copies of the
// small modules it imports (their state is in localStorage, shared).
//
// - Picked photos are downscaled here, before any byte leaves the phone (longest side 1600 px, JPEG 0.8,
//   the EXIF orientation applied by createImageBitmap; a canvas writes no EXIF, so no GPS position either),
//   unless "Send original" is ticked. PDFs go as they are.
// - What is picked is kept in IndexedDB (the Blob, its tus upload URL) under a key the outbox item carries
//   (`att`): a reload or a cut connection resumes the upload from HEAD's offset, and the message is posted
//   once its uploads are complete, with its clientId (outbox.js): posted once, each upload attached once.
// - Thumbnails and full-size views are fetched with the session token in the Authorization header and
//   shown from blob: URLs, not <img src="...?access_token=">: the session token never goes in a URL (proxy
//   logs), a stream token would have expired (2 min) for a thumbnail scrolled into view later, and the URL
//   without a token stays the same, so the browser's cache (private, immutable) serves it again.
import { el, notify } from './dom.js';
import { t, part, num } from './i18n.js';
import en from './lang/en.files.js';
import { sessionToken } from './session.js';

// this module's words (lang/<code>.files.js, not in the pages' catalogues, which the first load carries) and its
// stylesheet, beside it under the same version: nothing is drawn before both are here (a row that changed
// height once the styles came would take a conversation away from its end)
const loaded = Promise.all([part('files', en), new Promise(done => document.head.append(el('link',
  { rel: 'stylesheet', href: new URL('attach.css', import.meta.url).href, onload: done, onerror: done })))]);

const LONGEST = 1600, QUALITY = 0.8, PIECE = 1 << 20, STALL_MS = 30000;

// --- IndexedDB: key -> { blob, name, type, url (the tus upload), id (the upload, once complete) }
let database;
function db() {
  return database || (database = new Promise((ok, fail) => {
    const open = indexedDB.open('farmdesk-files', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('files');
    open.onsuccess = () => ok(open.result);
    open.onerror = () => fail(open.error);
  }));
}
async function files(mode, act) {
  const tx = (await db()).transaction('files', mode), request = act(tx.objectStore('files'));
  return new Promise((ok, fail) => {
    tx.oncomplete = () => ok(request.result);
    tx.onerror = tx.onabort = () => fail(tx.error);
  });
}
const read = key => files('readonly', s => s.get(key));
const keep = (key, file) => files('readwrite', s => s.put(file, key));
const forget = keys => Promise.all(keys.map(key => files('readwrite', s => s.delete(key)))).catch(() => {});

// --- downscaling in the browser
const isImage = type => /^image\/(jpeg|png|webp)$/.test(type);
async function shrink(file) {
  if (!isImage(file.type)) return file;
  let bitmap;
  try { bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch { return file; }
  const scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
  const canvas = el('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff'; // a transparent PNG becomes a JPEG on white, not on black
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const jpeg = await new Promise(done => canvas.toBlob(done, 'image/jpeg', QUALITY));
  // already small and not resized: the original (the server strips its metadata)
  if (!jpeg || scale === 1 && jpeg.size >= file.size) return file;
  return new File([jpeg], file.name.replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' });
}

// --- the composer: what is picked, previewed before sending, removable; form.att holds the kept keys
const trays = new WeakMap();
async function add(picked, form) {
  await loaded;
  let tray = trays.get(form);
  if (!tray) trays.set(form, tray = composerTray(form));
  const room = 5 - tray.items.length; // at most 5 attachments a message (the server's limit)
  if (picked.length > room) notify(t('fiveFiles'));
  for (const file of [...picked].slice(0, Math.max(0, room))) {
    if (!isImage(file.type) && file.type !== 'application/pdf') { notify(t('fileKinds')); continue; }
    const item = { file, key: 'f' + Date.now() + Math.random() };
    tray.items.push(item);
    tray.draw();
    await tray.store(item);
  }
}

function composerTray(form) {
  const field = form.querySelector('textarea'), send = form.querySelectorAll('[type=submit]');
  const list = el('ul', { class: 'tray', 'aria-label': t('toSend') });
  const original = el('input', { type: 'checkbox', id: form.id + '-original' });
  const choice = el('div', { class: 'original' }, original, el('label', { for: original.id }, t('sendOriginal')));
  const tray = { items: [] };
  form.querySelector('.row').before(list, choice);
  let busy = 0;
  tray.store = async item => {
    busy++;
    send.forEach(b => { b.disabled = true; });
    try {
      item.blob = original.checked ? item.file : await shrink(item.file);
      await keep(item.key, { blob: item.blob, name: item.blob.name || item.file.name, type: item.blob.type });
      item.ready = true;
    } catch { notify(t('fileFailed')); tray.items = tray.items.filter(i => i !== item); }
    if (!--busy) send.forEach(b => { b.disabled = false; });
    tray.draw();
  };
  tray.draw = () => {
    const ready = tray.items.filter(i => i.ready);
    form.att = ready.length ? ready.map(i => i.key) : null;
    field.required = !form.att; // a photo alone may be sent
    list.hidden = choice.hidden = !tray.items.length;
    choice.hidden = !tray.items.some(i => isImage(i.file.type));
    list.replaceChildren(...tray.items.map(item => el('li', {},
      preview(item.blob || item.file, item.file.name),
      el('span', { class: 'size' }, item.ready ? size(item.blob.size) : t('preparing')),
      el('button', { type: 'button', class: 'plain', 'aria-label': t('removeFile', { name: item.file.name }), onclick() {
        tray.items = tray.items.filter(i => i !== item);
        forget([item.key]);
        tray.draw();
        field.focus();
      } }, '×'))));
  };
  // "Send original": the same files again, as picked
  original.onchange = () => tray.items.forEach(item => { item.ready = false; tray.store(item); });
  // sent (desk.js took form.att first: its handler runs before this one): the tray empties, the files stay
  // in IndexedDB for the outbox
  form.addEventListener('submit', () => {
    if (form.att) return; // not taken (no ticket open): kept
    tray.items = [];
    original.checked = false;
    tray.draw();
  });
  return tray;
}

const size = bytes => (bytes < 1e6 ? num(Math.max(1, Math.round(bytes / 1e3))) + ' KB' : num(Math.round(bytes / 1e5) / 10) + ' MB');

function preview(blob, name) {
  if (!isImage(blob.type)) return el('span', { class: 'chip' }, name);
  const url = URL.createObjectURL(blob), img = el('img', { src: url, alt: name, class: 'preview' });
  img.onload = () => URL.revokeObjectURL(url);
  return img;
}

// --- tus 1.0.0 (core + creation): POST, then PATCH in 1 MiB pieces, HEAD to learn where to go on from.
// XMLHttpRequest, not fetch: it reports the upload's progress; a piece that moves nothing for 30 s is
// given up (a dead mobile connection sends into the void) and tried again from HEAD's offset.
function tus(method, url, headers, body, progress) {
  return new Promise((done, fail) => {
    const x = new XMLHttpRequest();
    let stall;
    const alive = () => { clearTimeout(stall); stall = setTimeout(() => x.abort(), STALL_MS); };
    x.open(method, url);
    const all = Object.assign({ 'Tus-Resumable': '1.0.0', Authorization: 'Bearer ' + sessionToken() }, headers);
    for (const name in all) x.setRequestHeader(name, all[name]);
    x.upload.onprogress = e => { alive(); if (progress) progress(e.loaded); };
    x.onload = () => { clearTimeout(stall); done(x); };
    x.onerror = x.onabort = () => { clearTimeout(stall); fail(new Error(t('unreachable'))); }; // no status: kept, tried again
    alive();
    x.send(body);
  });
}

// an answer that is not what tus promised: the server's reason, with its status (outbox.js decides)
function refused(x) {
  let why = x.statusText || t('failed');
  try { const problem = JSON.parse(x.responseText); why = problem.detail || problem.title || why; } catch {}
  return Object.assign(new Error(why), { status: x.status });
}

const b64 = s => btoa(unescape(encodeURIComponent(s)));
const pause = ms => new Promise(done => setTimeout(done, ms));

// one file of a message: its upload id once complete (kept, so a second call does nothing)
async function upload(key, moved) {
  const file = await read(key);
  if (!file) throw Object.assign(new Error(t('fileGone')), { status: 410 });
  if (file.id) return file.id;
  const total = file.blob.size;
  for (let attempt = 0; ; attempt++) {
    try {
      if (!file.url) {
        const x = await tus('POST', '/api/uploads', { 'Upload-Length': total,
          'Upload-Metadata': 'filename ' + b64(file.name || 'file') + ',filetype ' + b64(file.type) });
        if (x.status !== 201) throw refused(x);
        file.url = x.getResponseHeader('Location');
        await keep(key, file); // remembered: a reload goes on with this upload
      }
      const head = await tus('HEAD', file.url);
      if (head.status === 404 || head.status === 410) { file.url = null; continue; } // expired: from the start
      if (head.status !== 200) throw refused(head);
      let offset = Number(head.getResponseHeader('Upload-Offset'));
      moved(offset);
      while (offset < total) {
        const x = await tus('PATCH', file.url, { 'Upload-Offset': offset, 'Content-Type': 'application/offset+octet-stream' },
          file.blob.slice(offset, offset + PIECE), n => moved(offset + n));
        if (x.status === 409) break; // another offset than ours: HEAD again
        if (x.status !== 204) throw refused(x);
        offset = Number(x.getResponseHeader('Upload-Offset'));
        moved(offset);
      }
      if (offset < total) continue;
      file.id = file.url.split('/').pop();
      await keep(key, file);
      return file.id;
    } catch (e) {
      // a cut connection: again after 1, 2, 4, 8 s (HEAD says where), then the outbox's next round
      if (e.status || attempt > 3) throw e;
      await pause(1000 << attempt);
    }
  }
}

// the outbox's: the upload ids of a message's files, uploading what is not yet (progress on its pending row)
async function uploads(item) {
  await loaded;
  const ids = [], sizes = await Promise.all(item.att.map(async key => ((await read(key)) || { blob: { size: 0 } }).blob.size));
  const total = sizes.reduce((a, b) => a + b, 0) || 1;
  let before = 0;
  for (const [i, key] of item.att.entries()) {
    ids.push(await upload(key, n => progress(item.cid, (before + n) / total)));
    before += sizes[i];
  }
  return ids;
}

// the pending row's bar: its value at every step, its words (said by a screen reader) only at each quarter
function progress(clientId, part) {
  const row = document.querySelector('li.pending[data-cid="' + CSS.escape(clientId) + '"]'), bar = row && row.querySelector('progress');
  if (!bar) return;
  bar.hidden = false;
  bar.value = Math.round(part * 100);
  const words = t('uploaded', { percent: Math.floor(part * 4) * 25 });
  if (bar.getAttribute('aria-valuetext') !== words) bar.setAttribute('aria-valuetext', words);
}

// --- in the conversation: a message's attachments (stored), or a pending message's files (from IndexedDB)
async function show(box, m) {
  await loaded;
  const parts = m.att
    ? [...(await Promise.all(m.att.map(read))).filter(Boolean).map(f => preview(f.blob, f.name)),
      el('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('uploading') })]
    : [m.internal ? el('span', { class: 'tag' }, t('internalFiles')) : '', ...m.attachments.map(a => (a.thumbnailUrl ? thumbnail(a) : chip(a)))];
  // the row grows after it was shown: a conversation that was at its end stays there (the newest photo in view)
  const list = box.closest('ol'), atEnd = list && list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  box.append(...parts);
  if (atEnd) list.scrollTop = list.scrollHeight;
}

const authorized = url => fetch(url, { headers: { Authorization: 'Bearer ' + sessionToken() } })
  .then(res => (res.ok ? res.blob() : Promise.reject(new Error(res.status))));

// shown once near the screen (a long conversation does not fetch every thumbnail on 2G)
const near = new IntersectionObserver(entries => entries.forEach(e => {
  if (!e.isIntersecting) return;
  near.unobserve(e.target);
  authorized(e.target.dataset.src).then(blob => { e.target.src = URL.createObjectURL(blob); }, () => e.target.classList.add('broken'));
}), { rootMargin: '200px' });

function thumbnail(a) {
  // the size comes with the message: the row has its height before the picture comes (no jump)
  const w = a.width || 320, h = a.height || 240, scale = Math.min(1, 240 / Math.max(w, h));
  const img = el('img', { 'data-src': a.thumbnailUrl, alt: t('photo', { name: a.name || '' }),
    width: Math.round(w * scale), height: Math.round(h * scale), class: 'thumb' });
  near.observe(img);
  return el('button', { type: 'button', class: 'plain shot', onclick: () => view(a) }, img);
}

const chip = a => el('button', { type: 'button', class: 'plain chip', onclick: () => save(a) },
  el('span', {}, a.name || 'PDF'), el('span', { class: 'size' }, size(a.size)));

// full size: an image in a dialog over the page; a PDF is downloaded (the server says attachment)
async function view(a) {
  const blob = await authorized(a.url).catch(() => null);
  if (!blob) return notify(t('unreachable'));
  const url = URL.createObjectURL(blob);
  const close = el('button', { type: 'button', class: 'plain' }, t('closeView'));
  const dialog = el('dialog', { class: 'viewer', 'aria-label': a.name || t('photo', { name: '' }) },
    close, el('img', { src: url, alt: t('photo', { name: a.name || '' }) }));
  close.onclick = dialog.onclick = () => dialog.close();
  dialog.onclose = () => { URL.revokeObjectURL(url); dialog.remove(); };
  document.body.append(dialog);
  dialog.showModal();
}

async function save(a) {
  const blob = await authorized(a.url).catch(() => null);
  if (!blob) return notify(t('unreachable'));
  const url = URL.createObjectURL(blob), link = el('a', { href: url, download: a.name || 'file.pdf' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// the pages' way in (conversation.js attach()): a global, as the bundle keeps no exports
self.farmdeskFiles = { add, show, uploads, forget };
