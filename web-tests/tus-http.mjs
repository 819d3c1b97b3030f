// tus-js-client's own Node HTTP stack (npm `tus-js-client`, DefaultHttpStack), sent the way a client on a
// weak network behind a corporate proxy sends it: through a forward proxy (absolute URL in the request
// line, Host: the server), and/or paced at a link's rate (a 2G uplink: ~10-30 KB/s). Used by
// tus-client.mjs (the JUnit test's client), uploads-proxies.mjs and bench/tus-bench.mjs.
import { Readable } from 'node:stream';
import { DefaultHttpStack } from 'tus-js-client';

/** A paced copy of a PATCH body: `bytesPerSecond`, in ten slices a second; Content-Length stays exact. */
function paced(bytes, bytesPerSecond) {
  const slice = Math.max(1, Math.round(bytesPerSecond / 10));
  let at = 0;
  let timer = null;
  const body = new Readable({
    read() {
      if (timer) return;
      timer = setInterval(() => {
        if (at >= bytes.length) {
          clearInterval(timer);
          body.push(null);
          return;
        }
        body.push(bytes.subarray(at, at + slice));
        at += slice;
      }, 100);
    },
    destroy(err, done) {
      clearInterval(timer);
      done(err);
    },
  });
  body.size = bytes.length; // tus-js-client sets Content-Length from it
  return body;
}

/**
 * An httpStack option for tus-js-client.
 * @param {{proxy?: string, bytesPerSecond?: number, onRequest?: (method: string, url: string) => void}} link
 *   proxy: "http://127.0.0.1:20011"; bytesPerSecond: pace PATCH bodies (0: as fast as the socket takes them)
 */
export class LinkHttpStack {
  constructor({ proxy = null, bytesPerSecond = 0 } = {}) {
    this.proxy = proxy ? new URL(proxy) : null;
    this.bytesPerSecond = bytesPerSecond;
  }

  createRequest(method, url) {
    let options = {};
    if (this.proxy) {
      // what a proxy-aware client does for plain http: connect to the proxy, absolute URL, Host of the origin
      options = { hostname: this.proxy.hostname, host: this.proxy.host, port: this.proxy.port, path: url,
        headers: { Host: new URL(url).host } };
    }
    const request = new DefaultHttpStack(options).createRequest(method, url);
    if (this.bytesPerSecond > 0) {
      const send = request.send.bind(request);
      request.send = body => {
        if (!(body instanceof Uint8Array) || body.length === 0) return send(body);
        const slow = paced(body, this.bytesPerSecond);
        const sent = send(slow);
        // a cut request stops the pacing (else the timer would tick on to the end of the body)
        request.getUnderlyingObject()?.on('close', () => slow.destroy());
        return sent;
      };
    }
    return request;
  }

  getName() {
    return 'LinkHttpStack';
  }
}
