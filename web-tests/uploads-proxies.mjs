// Uploads through the corporate-proxy lab (../shared/lab/proxies: real squid and nginx, as they are), with
// the reference tus client (npm tus-js-client, its own Node HTTP stack sent through the proxy by
// tus-http.mjs), all proxies at once:
//   fast: a ~3 MB PDF-like file (stored byte for byte) in 1 MiB PATCHes, through every proxy;
//   slow: a 2G uplink (UPLOAD_2G_RATE bytes/s, default 16 KiB/s, paced by the client) through the proxies
//         that cut (idle-timeout: 15 s without data from the server; max-duration: every request at 60 s)
//         and the clean one: a PATCH lasting longer than the proxy allows is cut, the server keeps what
//         arrived, tus-js-client asks HEAD and goes on from there; the file arrives whole, once.
// Whole = HEAD's Upload-Offset is the length and the bytes read back (GET /api/attachments/{id} of a message
// the upload is attached to, straight from the server) have the file's SHA-256.
//   node web-tests/uploads-proxies.mjs     (FARMDESK_URL=http://127.0.0.1:PORT; web-tests/run.sh runs it)
//   UPLOADS_ONLY=fast-gzip,slow-max-duration   some scenarios only
//   UPLOADS_PART=slow (or fast)   only the scenarios whose name starts so (run.sh runs the slow ones beside proxies.mjs)
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Upload } from 'tus-js-client';
import { BASE, RUN, log, check, step, results, token, rest } from './lib.mjs';
import { LinkHttpStack } from './tus-http.mjs';

const PORTS = { clean: 20010, buffering: 20011, 'idle-timeout': 20012, 'max-duration': 20013, 'no-sse': 20014, gzip: 20015 };
const RATE_2G = Number(process.env.UPLOAD_2G_RATE || 16 * 1024);
const MIB = 1048576;
const LIMIT_MS = 150000; // per upload; the slowest (max-duration) takes ~70 s

/** Bytes that start like a PDF, then noise (incompressible: a gzip or a cache gains nothing). */
function pdf(size) {
  const bytes = randomBytes(size);
  Buffer.from('%PDF-1.7\n').copy(bytes);
  return bytes;
}

const sha256 = bytes => createHash('sha256').update(bytes).digest('hex');

/** One upload by tus-js-client through `proxy`; resolves with what it did (requests, cuts, retries). */
function upload({ proxy, bytes, bytesPerSecond, tok, name, tag, onProgress = () => {}, onResume = () => null }) {
  const seen = { requests: [], responses: [], retries: [] };
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    // bounded: a server that loses progress would have tus-js-client start over at every cut, for minutes
    const deadline = setTimeout(() => { up.abort(); reject(new Error(tag(`not done within ${LIMIT_MS / 1000} s; ${JSON.stringify(seen.responses)}`))); }, LIMIT_MS);
    const up = new Upload(bytes, {
      endpoint: BASE + '/api/uploads',
      chunkSize: MIB,
      headers: { Authorization: 'Bearer ' + tok },
      metadata: { filename: name, filetype: 'application/pdf' },
      httpStack: new LinkHttpStack({ proxy, bytesPerSecond }),
      storeFingerprintForResuming: false,
      retryDelays: [0, 1000, 2000, 3000, 5000, 5000, 5000, 5000],
      onBeforeRequest: req => seen.requests.push({ method: req.getMethod(), at: Date.now() - t0 }),
      onAfterResponse: (req, res) => {
        const answer = { method: req.getMethod(), status: res.getStatus(), offset: res.getHeader('Upload-Offset') ?? null, at: Date.now() - t0 };
        seen.responses.push(answer);
        const wrong = answer.method === 'HEAD' ? onResume(Number(answer.offset)) : null;
        if (wrong) { clearTimeout(deadline); up.abort(); reject(new Error(tag(wrong))); }
      },
      onShouldRetry: err => {
        const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
        const at = Date.now() - t0;
        seen.retries.push({ status, at, message: String(err.message).split(',')[0] });
        log(tag(`cut or refused at ${(at / 1000).toFixed(1)} s (${status || String(err.message).split('caused by ')[1]?.split(',')[0]}): tus-js-client retries`));
        return !(status >= 400 && status < 500) || status === 409 || status === 423;
      },
      onProgress: sent => onProgress(sent, up.url),
      onSuccess: () => { clearTimeout(deadline); resolve({ url: up.url, ms: Date.now() - t0, ...seen }); },
      onError: e => clearTimeout(deadline) || reject(new Error(tag(`upload failed: ${String(e.message).split('\n')[0]}; requests ${JSON.stringify(seen.responses)}`))),
    });
    up.start();
  });
}

/** HEAD straight to the server: the offset to resume from, and the length. */
async function head(tok, url) {
  const res = await fetch(url, { method: 'HEAD', headers: { Authorization: 'Bearer ' + tok, 'Tus-Resumable': '1.0.0' } });
  return { status: res.status, offset: Number(res.headers.get('upload-offset')), length: Number(res.headers.get('upload-length')) };
}

/** Attaches the upload to a new message and reads it back (straight from the server): its SHA-256. */
async function readBack(tok, uploadId, tag) {
  const ticket = await rest(tok, 'POST', '/api/tickets', { subject: `Upload ${RUN}`, text: tag('attached below') });
  const message = await rest(tok, 'POST', `/api/tickets/${ticket.id}/messages`, { text: '', attachments: [uploadId] });
  check(message.attachments?.length === 1 && message.attachments[0].id === uploadId, tag(`attachment not in the message: ${JSON.stringify(message)}`));
  const res = await fetch(BASE + message.attachments[0].url, { headers: { Authorization: 'Bearer ' + tok } });
  check(res.status === 200, tag(`GET ${message.attachments[0].url}: ${res.status}`));
  const got = Buffer.from(await res.arrayBuffer());
  const { messages } = await rest(tok, 'GET', `/api/tickets/${ticket.id}`);
  const withIt = messages.filter(m => (m.attachments || []).some(a => a.id === uploadId));
  check(withIt.length === 1, tag(`the upload is in ${withIt.length} messages, not 1`));
  return sha256(got);
}

/** One scenario: upload through the proxy, check the server has it whole, once. */
async function scenario(name, { proxy, size, bytesPerSecond, expectCut, midway }) {
  const tag = s => `[${name}] ${s}`;
  const tok = await token('farmer', `F-up-${name}-${RUN}`, `Farmer ${name}`);
  const bytes = pdf(size);
  log(tag(`${(size / 1e6).toFixed(2)} MB through ${proxy} (port ${PORTS[proxy]})${bytesPerSecond ? ` at ${bytesPerSecond} B/s` : ''}`));
  // midway: HEAD straight to the server while the (slow) first PATCH is going on: does the proxy pass the
  // body on as it comes (squid: offset > 0) or hold it until the whole body is there (nginx: 0)?
  let probe = null;
  const onProgress = (sent, url) => {
    if (midway && !probe && sent >= midway.afterBytes) probe = head(tok, url);
  };
  // the cut PATCH kept what arrived: tus-js-client's HEAD after the cut resumes past 0, not from scratch
  const onResume = offset => (expectCut && offset === 0 ? `HEAD after the cut said 0: what arrived before the cut was lost` : null);
  const done = await upload({ proxy: `http://127.0.0.1:${PORTS[proxy]}`, bytes, bytesPerSecond, tok, name: `${name}.pdf`, tag, onProgress, onResume });
  const answers = done.responses.filter(r => r.method !== 'POST');
  log(tag(`done in ${(done.ms / 1000).toFixed(1)} s: ${done.requests.length} requests (${done.requests.map(r => r.method).join(' ')}), ` +
    `${done.retries.length} cut/refused, answers ${answers.map(p => `${p.method} ${p.status}@${p.offset ?? '-'}`).join(', ')}`));
  if (midway) {
    check(probe, tag('no progress reported: HEAD never asked'));
    const mid = await probe;
    log(tag(`HEAD once ${midway.afterBytes / 1024} KiB were sent: offset ${mid.offset} (the proxy ${mid.offset > 0 ? 'passes the body on as it comes' : 'holds the body'})`));
    check(midway.passesBody ? mid.offset > 0 : mid.offset === 0, tag(`midway offset ${mid.offset}: expected the proxy to ${midway.passesBody ? 'pass the body on' : 'hold the body'}`));
  }
  const h = await head(tok, done.url);
  check(h.status === 200 && h.offset === size && h.length === size, tag(`HEAD after success: ${JSON.stringify(h)}`));
  if (expectCut) {
    check(done.retries.length >= 1, tag('the slow upload was never cut: is the proxy cutting?'));
    // the cut PATCH kept what arrived: tus-js-client's HEAD after the cut resumed from past 0, not from scratch
    const resumedAt = done.responses.find(r => r.method === 'HEAD')?.offset;
    check(Number(resumedAt) > 0, tag(`HEAD after the cut said ${resumedAt}: what arrived before the cut was lost`));
  } else {
    check(done.retries.length === 0, tag(`cut ${done.retries.length} times: ${JSON.stringify(done.retries)}`));
  }
  const id = new URL(done.url).pathname.split('/').pop();
  check(await readBack(tok, id, tag) === sha256(bytes), tag('the bytes read back differ from the file'));
  return done;
}

// fast: 1.5 MB = two PATCHes. slow: 400 KB at 16 KiB/s (~25 s: past squid's 15 s read_timeout); HEAD once
// 340 KiB are sent, ~3 s before the PATCH ends: a proxy that passes the body on has given the server more than
// one 256 KiB piece (stored: offset > 0), one that holds the body has given nothing (0); through
// max-duration 1 MiB + 40 KB, one PATCH of 1 MiB takes ~64 s and squid cuts it at 60 s, then the rest
const SLOW = 400 * 1000;
const SCENARIOS = {
  ...Object.fromEntries(Object.keys(PORTS).map(p => [`fast-${p}`, { proxy: p, size: 1500 * 1000 + 7 }])),
  'slow-clean': { proxy: 'clean', size: SLOW, bytesPerSecond: RATE_2G, midway: { afterBytes: 340 * 1024, passesBody: true } },
  'slow-buffering': { proxy: 'buffering', size: SLOW, bytesPerSecond: RATE_2G, midway: { afterBytes: 340 * 1024, passesBody: false } },
  'slow-gzip': { proxy: 'gzip', size: SLOW, bytesPerSecond: RATE_2G, midway: { afterBytes: 340 * 1024, passesBody: false } },
  'slow-idle-timeout': { proxy: 'idle-timeout', size: SLOW, bytesPerSecond: RATE_2G, midway: { afterBytes: 340 * 1024, passesBody: true } },
  'slow-max-duration': { proxy: 'max-duration', size: MIB + 40 * 1000, bytesPerSecond: RATE_2G, expectCut: true },
};

const only = (process.env.UPLOADS_ONLY || '').split(',').filter(Boolean);
const part = process.env.UPLOADS_PART ? process.env.UPLOADS_PART + '-' : '';
const names = Object.keys(SCENARIOS).filter(n => (!only.length || only.includes(n)) && n.startsWith(part));
log(`uploads through the lab proxies: ${names.join(', ')} (server ${BASE})`);
const outcomes = await Promise.allSettled(names.map(n => scenario(n, SCENARIOS[n])));
for (const [i, n] of names.entries()) {
  const s = SCENARIOS[n];
  await step(`${n}: tus-js-client uploads ${(s.size / 1e6).toFixed(1)} MB through ${s.proxy}${s.bytesPerSecond ? ' at a 2G rate' : ''}; whole, once`, async () => {
    if (outcomes[i].status === 'rejected') throw outcomes[i].reason;
  }).catch(() => {});
}
log(`uploads-proxies: ${results.passed} passed, ${results.failed} failed`);
writeFileSync(process.env.E2E_RESULT || '/dev/null', JSON.stringify(results));
process.exit(results.failed ? 1 : 0);
