import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Sockets whose current request was answered before its body had arrived; they close after it. */
const answeredEarly = new WeakSet<Socket>();

/** Whether `socket`'s request has its answer already: nothing more may be written to it. */
export function wasAnsweredEarly(socket: Socket): boolean {
  return answeredEarly.has(socket);
}

export interface EarlyAnswerOptions {
  /** Body bytes read and thrown away after the answer before the socket is closed regardless. */
  discardLimitBytes: number;
}

/**
 * A request answered before its body has arrived (401 from the key check, 413 from its
 * `Content-Length`, 415, 429...) ends its connection: the answer says `Connection: close`, the rest
 * of the body is read and thrown away (at most `discardLimitBytes`, within REQUEST_TIMEOUT_MS, which
 * still covers the whole request), and then the socket closes. Closing as soon as the answer is out,
 * as Node does, resets a client that is still uploading: Node's fetch and http.request then fail
 * with EPIPE and never read the answer. Keeping the connection open would let a client trickle a body
 * it was already refused for as long as it liked. RFC 9112 section 9.6 asks for the same.
 */
export function closeAfterEarlyAnswers(app: FastifyInstance, options: EarlyAnswerOptions): void {
  app.addHook('onSend', function closeAfterEarlyAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) {
    const incoming = request.raw;
    // inject() has no socket to close; a request without a body is complete once its headers are in.
    if (incoming.complete !== false || !(incoming.socket instanceof Socket) || !hasBody(incoming)) return done(null, payload);
    reply.header('connection', 'close');
    discardThenClose(incoming, incoming.socket, options.discardLimitBytes);
    done(null, payload);
  });
}

function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function discardThenClose(incoming: IncomingMessage, socket: Socket, discardLimitBytes: number): void {
  if (answeredEarly.has(socket)) return;
  answeredEarly.add(socket);
  // More than we would read: close as soon as the answer is out. A client that waits for
  // `100 Continue` before sending a body (curl) still reads the answer.
  if (Number(incoming.headers['content-length']) > discardLimitBytes) return;
  let answerSent = false;
  let bodyReceived = false;
  let discarded = 0;
  const closeSoon = socket.destroySoon.bind(socket);
  const closeWhenDone = () => {
    if (answerSent && bodyReceived) closeSoon();
  };
  // Node calls destroySoon() on a `Connection: close` socket the moment the answer is flushed.
  socket.destroySoon = function closeOnceTheBodyIsIn() {
    answerSent = true;
    closeWhenDone();
  };
  incoming.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > discardLimitBytes) socket.destroy();
  });
  incoming.once('end', () => {
    bodyReceived = true;
    closeWhenDone();
  });
  incoming.resume();
}
