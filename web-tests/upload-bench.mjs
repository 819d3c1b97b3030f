// Upload benchmark (docs/benchmarks.md; not a test): the reference tus client (npm tus-js-client) against
// a running Farmdesk, loopback only.
//
//   throughput  a 10 MiB upload in 1 MiB PATCHes, BENCH_RUNS times (default 3): each time and the median
//   memory      BENCH_CONCURRENCY (default "50,200") uploads of 10 MiB at once, each held mid-PATCH: its
//               first 1 MiB PATCH at full speed (8 at a time), the second paced at BENCH_SLOW_RATE bytes/s
//               (default 2048); the server's heap after a full GC (jcmd <pid> GC.run, GC.heap_info) and its VmRSS,
//               idle before and with the uploads held, per concurrent upload; then every upload is
//               terminated (DELETE) and the next size runs
//
//   burst       BENCH_BURST (default 50) uploads send their first 1 MiB PATCH at the same moment (no retries):
//               how many were refused (503: no database connection in time), and the time of a message
//               posted while they are stored
//
//   FARMDESK_URL=http://127.0.0.1:PORT node web-tests/upload-bench.mjs throughput
//   FARMDESK_URL=http://127.0.0.1:PORT node web-tests/upload-bench.mjs burst
//   FARMDESK_URL=http://127.0.0.1:PORT FARMDESK_PID=<server pid> node web-tests/upload-bench.mjs memory
// The server needs FARMDESK_DEV_LOGIN=true (tokens) and FARMDESK_RATE_LIMIT=0 (a creation costs a token
// of the posting rate). JCMD: the jcmd to use (default: $JAVA_HOME/bin/jcmd, else jcmd on PATH).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Upload } from 'tus-js-client';
import { LinkHttpStack } from './tus-http.mjs';

const BASE = (process.env.FARMDESK_URL || 'http://127.0.0.1:20090').replace(/\/$/, '');
const MIB = 1048576;
const SIZE = 10 * MIB;
const mode = process.argv[2] || 'throughput';
const say = line => console.log(line);
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function token(id) {
  const res = await fetch(BASE + '/api/dev/token', { method: 'POST', body: JSON.stringify({ role: 'farmer', id, name: id }) });
  if (!res.ok) throw new Error(`dev token: ${res.status} (FARMDESK_DEV_LOGIN=true?)`);
  return (await res.json()).token;
}

/** A 10 MiB file that starts like a PDF (stored as sent; random: nothing compresses). */
const file = randomBytes(SIZE);
Buffer.from('%PDF-1.7\n').copy(file);

function options(tok, extra) {
  return {
    endpoint: BASE + '/api/uploads', chunkSize: MIB, headers: { Authorization: 'Bearer ' + tok },
    metadata: { filename: 'bench.pdf', filetype: 'application/pdf' }, storeFingerprintForResuming: false,
    retryDelays: null, ...extra,
  };
}

async function throughput() {
  const runs = Number(process.env.BENCH_RUNS || 3);
  const tok = await token('F-bench-up');
  const times = [];
  for (let i = 0; i < runs + 1; i++) { // the first run warms the JIT up and is not counted
    const t0 = process.hrtime.bigint();
    await new Promise((resolve, reject) => new Upload(file, options(tok, { onSuccess: resolve, onError: reject })).start());
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (i > 0) times.push(s);
    say(`${i === 0 ? 'warm-up' : `run ${i}`}: 10 MiB in ${s.toFixed(3)} s (${(10 / s).toFixed(1)} MiB/s)`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  say(`RESULT throughput median ${median.toFixed(3)} s ${(10 / median).toFixed(1)} MiB/s (runs ${times.map(t => t.toFixed(3)).join(', ')})`);
}

function jcmd(pid, ...args) {
  const bin = process.env.JCMD || (process.env.JAVA_HOME ? process.env.JAVA_HOME + '/bin/jcmd' : 'jcmd');
  return execFileSync(bin, [String(pid), ...args], { encoding: 'utf8' });
}

/** Heap used after a full GC (KiB) and VmRSS (KiB) of the server. */
async function measure(pid) {
  jcmd(pid, 'GC.run');
  await sleep(500);
  jcmd(pid, 'GC.run');
  const info = jcmd(pid, 'GC.heap_info');
  const used = Number(/total reserved \d+K, committed \d+K, used (\d+)K/.exec(info)?.[1]);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return { heapKiB: used, rssKiB: rss };
}

async function memory() {
  const pid = Number(process.env.FARMDESK_PID);
  if (!pid) throw new Error('FARMDESK_PID: the server process id (for jcmd and /proc/<pid>/status)');
  const rate = Number(process.env.BENCH_SLOW_RATE || 2048);
  const sizes = (process.env.BENCH_CONCURRENCY || '50,200').split(',').map(Number);
  const tokens = [];
  for (let i = 0; i < Math.max(...sizes); i++) tokens.push(await token(`F-bench-mem-${i}`));
  for (const n of sizes) {
    const idle = await measure(pid);
    const uploads = [];
    let held = 0, next = 0, allHeld;
    const heldNow = new Promise(r => { allHeld = r; });
    // each upload: the first PATCH at full speed (1 MiB stored), the next ones paced, so that it is held in its
    // second PATCH; at most 8 first PATCHes at once (a burst of 1 MiB PATCHes is another benchmark)
    const startNext = () => {
      if (next >= n) return;
      const i = next++;
      const fast = new LinkHttpStack(), slow = new LinkHttpStack({ bytesPerSecond: rate });
      let firstDone = false;
      const up = new Upload(file, options(tokens[i], {
        httpStack: { createRequest: (method, url) => (firstDone ? slow : fast).createRequest(method, url), getName: () => 'bench' },
        retryDelays: [0, 1000, 2000, 4000, 8000],
        onChunkComplete: () => {
          if (firstDone) return;
          firstDone = true;
          if (++held === n) allHeld();
          startNext();
        },
        onError: e => say(`upload ${i} failed: ${String(e.message).split('\n')[0]}`),
      }));
      uploads.push(up);
      up.start();
    };
    for (let i = 0; i < 8; i++) startNext();
    await heldNow;
    await sleep(5000); // every second PATCH has begun to arrive (rate x 5 s each)
    // the server still answers at once while they are held (a slow PATCH holds no database connection)
    const t0 = Date.now();
    const probe = await fetch(BASE + '/api/dev/token', { method: 'POST', body: JSON.stringify({ role: 'farmer', id: 'F-probe', name: 'p' }) });
    const probeMs = Date.now() - t0;
    const busy = await measure(pid);
    const perHeap = (busy.heapKiB - idle.heapKiB) * 1024 / n, perRss = (busy.rssKiB - idle.rssKiB) * 1024 / n;
    say(`RESULT memory ${n} uploads held mid-PATCH: heap after GC ${(idle.heapKiB / 1024).toFixed(1)} -> ${(busy.heapKiB / 1024).toFixed(1)} MiB ` +
      `(${(perHeap / 1024).toFixed(0)} KiB per upload), RSS ${(idle.rssKiB / 1024).toFixed(0)} -> ${(busy.rssKiB / 1024).toFixed(0)} MiB ` +
      `(${(perRss / 1024).toFixed(0)} KiB per upload); a whole file is ${SIZE / 1024} KiB; a sign-in meanwhile: ${probe.status} in ${probeMs} ms`);
    await Promise.all(uploads.map(u => u.abort(true).catch(() => {})));
    await sleep(2000);
  }
}

async function burst() {
  const n = Number(process.env.BENCH_BURST || 50);
  const tokens = [];
  for (let i = 0; i < n; i++) tokens.push(await token(`F-bench-burst-${i}`));
  const poster = await token('F-bench-burst-poster');
  const auth = { Authorization: 'Bearer ' + poster, 'Content-Type': 'application/json' };
  const ticket = await (await fetch(BASE + '/api/tickets', { method: 'POST', headers: auth,
    body: JSON.stringify({ subject: 'burst', text: 'before the burst' }) })).json();
  const statuses = [];
  // every upload created first, then all first PATCHes at once: the burst is the PATCHes, not the creations
  const paths = await Promise.all(tokens.map(async tok => {
    const r = await fetch(BASE + '/api/uploads', { method: 'POST', headers: { Authorization: 'Bearer ' + tok,
      'Tus-Resumable': '1.0.0', 'Upload-Length': String(SIZE) } });
    return r.headers.get('location');
  }));
  const chunk = file.subarray(0, MIB);
  const patches = paths.map((path, i) => fetch(BASE + path, { method: 'PATCH', body: chunk, headers: {
    Authorization: 'Bearer ' + tokens[i], 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0',
    'Content-Type': 'application/offset+octet-stream' } }).then(r => statuses.push(r.status), e => statuses.push(String(e.message))));
  await sleep(200); // the PATCHes are arriving
  const posts = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    const r = await fetch(`${BASE}/api/tickets/${ticket.id}/messages`, { method: 'POST', headers: auth,
      body: JSON.stringify({ text: 'during the burst ' + i }) });
    posts.push(`${r.status} in ${Date.now() - t0} ms`);
  }
  await Promise.all(patches);
  const count = {};
  for (const st of statuses) count[st] = (count[st] || 0) + 1;
  say(`RESULT burst ${n} first PATCHes of 1 MiB at once: ${JSON.stringify(count)}; messages posted meanwhile: ${posts.join(', ')}`);
  await Promise.all(paths.map((path, i) => fetch(BASE + path, { method: 'DELETE',
    headers: { Authorization: 'Bearer ' + tokens[i], 'Tus-Resumable': '1.0.0' } }).catch(() => {})));
}

if (mode === 'throughput') await throughput();
else if (mode === 'memory') await memory();
else if (mode === 'burst') await burst();
else { console.error('usage: node upload-bench.mjs throughput|memory|burst'); process.exit(2); }
process.exit(0);
