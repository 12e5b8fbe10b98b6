import assert from 'node:assert/strict';
import net from 'node:net';

export interface RawReply {
  /** Everything the server sent. */
  text: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/** Parses the first HTTP/1.1 response in `text` (header names lower-cased). */
export function parseRawReply(text: string, closedAfterMs: number): RawReply {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = end === -1 ? '' : text.slice(end + 4);
  const length = headers['content-length'];
  return { text, status: Number(statusLine.split(' ')[1] ?? 0), headers, body: length === undefined ? body : body.slice(0, Number(length)), closedAfterMs };
}

export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent, once it has closed the connection; fails after `deadlineMs`. */
  closed: Promise<RawReply>;
}

/**
 * A raw TCP connection to `url`'s host and port, for what a well-behaved client cannot send (a bad
 * method, duplicate Content-Length, a body trickled byte by byte). `closed` settles when the server
 * closes the connection, or fails the test once `deadlineMs` has passed: tests wait for that event,
 * never for a fixed time.
 */
export async function openRaw(url: string, deadlineMs = 5000): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const started = Date.now();
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  // A write after the server has closed fails with EPIPE or ECONNRESET; the test looks at what was answered.
  socket.on('error', () => {});
  const closed = new Promise<RawReply>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new assert.AssertionError({ message: `the server did not close the connection within ${deadlineMs} ms; it sent ${JSON.stringify(text.slice(0, 200))}` }));
    }, deadlineMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(parseRawReply(text, Date.now() - started));
    });
  });
  return { socket, closed };
}

/** Sends `request` on a new connection and returns what the server answered once it closed the connection. */
export async function rawExchange(url: string, request: string | Buffer, deadlineMs = 5000): Promise<RawReply> {
  const connection = await openRaw(url, deadlineMs);
  connection.socket.write(request);
  return connection.closed;
}
