// A bare WebSocket client for the dev server's /wails/ipc, as any local program could
// write one: it chooses every header (Origin, Cookie, Host), which a browser never lets a
// page do. Node 20 has no WebSocket client of its own and the suite downloads nothing, so
// this is the RFC 6455 handshake and framing, text messages only.
import { randomBytes } from 'node:crypto';
import http from 'node:http';

/**
 * Opens a WebSocket to URL.
 *
 * @param {string} url  http://HOST:PORT/path
 * @param {{ origin?: string, cookie?: string, host?: string }} [headers]
 * @returns {Promise<{ status: number, body?: string, socket?: import('node:net').Socket }>}
 *   status 101 with the socket when the server accepted, else its status and body.
 */
export function openIPC(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    /** @type {Record<string, string>} */
    const h = {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    };
    if (headers.origin) h.Origin = headers.origin;
    if (headers.cookie) h.Cookie = headers.cookie;
    if (headers.host) h.Host = headers.host;
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: h });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to the WebSocket handshake on ${url}`)));
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends one text message (client frames are masked). */
export function sendText(socket, text) {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  let header;
  if (payload.length < 126) {
    header = Buffer.from([0x81, 0x80 | payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
  socket.write(Buffer.concat([header, mask, masked]));
}

/**
 * Calls a bound Go method the way Wails' runtime does ("C" + {name, args, callbackID}) and
 * resolves with the parsed callback ({result, error, callbackid}). Other messages (event
 * notifications) are skipped.
 *
 * @param {import('node:net').Socket} socket
 * @param {string} name  e.g. bindings.System.Health
 * @param {unknown[]} args
 */
export function call(socket, name, args = [], timeout = 30_000) {
  const callbackID = `e2e-${randomBytes(6).toString('hex')}`;
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no answer to ${name} within ${timeout} ms`)), timeout);
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = readFrame(buffered);
        if (!frame) return;
        buffered = buffered.subarray(frame.size);
        if (frame.opcode === 0x8) return finish(new Error('the server closed the connection'));
        if (frame.opcode !== 0x1) continue;
        const text = frame.payload.toString('utf8');
        if (!text.startsWith('c')) continue;
        const message = JSON.parse(text.slice(1));
        if (message.callbackid === callbackID) return finish(null, message);
      }
    };
    const onClose = () => finish(new Error('the connection closed before the answer'));
    function finish(error, value) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(value);
    }
    socket.on('data', onData);
    socket.on('close', onClose);
    sendText(socket, 'C' + JSON.stringify({ name, args, callbackID }));
  });
}

/** One unmasked server frame at the start of buf, or null when it is not complete yet. */
function readFrame(buf) {
  if (buf.length < 2) return null;
  const opcode = buf[0] & 0x0f;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  if (buf.length < offset + length) return null;
  return { opcode, payload: buf.subarray(offset, offset + length), size: offset + length };
}
