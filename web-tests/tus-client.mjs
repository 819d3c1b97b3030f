// A third-party tus client for the JUnit test farmdesk.uploads.TusJsClientTest: the npm `tus-js-client`
// package (the reference tus client) uploading a file from disk as an app would, its upload URLs kept in a
// file (FileUrlStorage, tus-js-client's storage for Node) so that a second Upload finds and resumes it.
//
//   node web-tests/tus-client.mjs '<json>'
//   json: {"endpoint":"http://127.0.0.1:PORT/api/uploads","token":"...","file":"/tmp/x.pdf",
//          "storage":"/tmp/urls.json","plan":"cut-and-resume"|"terminate","chunkSize":1048576}
//
// plan cut-and-resume: upload until the first PATCH is accepted, stop (abort(), nothing deleted), print
//   {"kind":"interrupted",...}, wait for a line on standard input, then a NEW Upload of the same file finds
//   the stored URL (findPreviousUploads), resumes it (resumeFromPreviousUpload: HEAD, then PATCH from its
//   offset) and completes; removeFingerprintOnSuccess leaves nothing stored.
// plan terminate: the same first PATCH, then abort(true): tus-js-client DELETEs the upload.
// One JSON line per happening on standard output ("upload": 1 the first Upload, 2 the resuming one):
// request, response, retry, interrupted, previous, success, terminated,
// stored, error. Exit status 0 when the plan ran to its end.
import fs from 'node:fs';
import readline from 'node:readline';
import { Upload, FileUrlStorage } from 'tus-js-client';
import { LinkHttpStack } from './tus-http.mjs';

const cfg = JSON.parse(process.argv[2] ?? '{}');
if (!cfg.endpoint || !cfg.file || !cfg.storage || !cfg.plan) {
  console.error("usage: node tus-client.mjs '{\"endpoint\":...,\"token\":...,\"file\":...,\"storage\":...,\"plan\":...}'");
  process.exit(2);
}
const say = line => process.stdout.write(JSON.stringify(line) + '\n');
if (!fs.existsSync(cfg.storage)) fs.writeFileSync(cfg.storage, '{}');
const storage = new FileUrlStorage(cfg.storage);
const stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function options(tag, extra) {
  return {
    endpoint: cfg.endpoint,
    chunkSize: cfg.chunkSize ?? 1048576,
    headers: { Authorization: `Bearer ${cfg.token}` },
    metadata: { filename: cfg.filename ?? 'delivery-note.pdf', filetype: cfg.filetype ?? 'application/pdf' },
    urlStorage: storage,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    httpStack: new LinkHttpStack({ proxy: cfg.proxy, bytesPerSecond: cfg.bytesPerSecond ?? 0 }),
    retryDelays: [0, 500, 1000, 2000],
    onBeforeRequest: req => say({ kind: 'request', upload: tag, method: req.getMethod(), url: req.getURL() }),
    onAfterResponse: (req, res) => say({ kind: 'response', upload: tag, method: req.getMethod(), status: res.getStatus(),
      offset: res.getHeader('Upload-Offset') ?? null }),
    // tus-js-client's default rule (retry unless a 4xx other than 409/423), with each retry printed
    onShouldRetry: err => {
      const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
      say({ kind: 'retry', upload: tag, status, message: String(err.message).split('\n')[0] });
      return !(status >= 400 && status < 500) || status === 409 || status === 423;
    },
    ...extra,
  };
}

/** Uploads until the first PATCH is accepted, then stops: resolves with the Upload. */
function firstChunkOnly() {
  return new Promise((resolve, reject) => {
    const upload = new Upload(fs.createReadStream(cfg.file), options(1, {
      onChunkComplete: (chunk, accepted, total) => {
        if (accepted < total) resolve({ upload, accepted, total });
      },
      onSuccess: () => reject(new Error('the upload completed before it could be interrupted')),
      onError: reject,
    }));
    upload.start();
  });
}

/** How many URLs of this file are stored; tus-js-client removes one without waiting, so wait for 0 (5 s). */
async function stored() {
  const probe = new Upload(fs.createReadStream(cfg.file), options(0, {}));
  const until = Date.now() + 5000;
  for (;;) {
    const count = (await probe.findPreviousUploads()).length;
    if (count === 0 || Date.now() > until) return count;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

try {
  const { upload, accepted, total } = await firstChunkOnly();
  if (cfg.plan === 'terminate') {
    await upload.abort(true); // DELETE (tus termination), and the stored URL is removed
    say({ kind: 'terminated', url: upload.url, accepted, total });
    say({ kind: 'stored', count: await stored() });
  } else {
    await upload.abort(); // the app is closed: nothing deleted, the URL stays stored
    say({ kind: 'interrupted', url: upload.url, accepted, total });
    await stdinLines.next(); // the test looks at the server meanwhile
    const again = await new Promise((resolve, reject) => {
      const next = new Upload(fs.createReadStream(cfg.file), options(2, {
        onSuccess: () => resolve(next),
        onError: reject,
      }));
      next.findPreviousUploads().then(previous => {
        say({ kind: 'previous', urls: previous.map(p => p.uploadUrl) });
        if (previous.length > 0) next.resumeFromPreviousUpload(previous[0]);
        next.start();
      }, reject);
    });
    say({ kind: 'success', url: again.url });
    say({ kind: 'stored', count: await stored() });
  }
  process.exit(0);
} catch (e) {
  say({ kind: 'error', message: String(e?.message ?? e) });
  process.exit(1);
}
