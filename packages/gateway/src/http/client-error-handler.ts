import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody, ErrorCode } from '@streamgate/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { GatewayError } from '../errors.js';
import { wasAnsweredEarly } from './early-answer.js';

/** Errors Node raises on a connection before a request reaches Fastify, by code; any other parser error is `malformed_request`. */
const NODE_CODES: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'payload_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

export interface ClientErrorOptions {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
}

interface ConnectionError extends Error {
  code?: string;
  /** llhttp's description of what it found ("Duplicate Content-Length"); fixed text, never the client's bytes. */
  reason?: string;
}

/** The registry's error for what Node refused on a connection. */
export function toConnectionError(error: ConnectionError, options: ClientErrorOptions): GatewayError {
  const code = (error.code && NODE_CODES[error.code]) || 'malformed_request';
  if (code === 'request_timeout') {
    return new GatewayError(
      code,
      `The request did not arrive in time: its headers must arrive within ${options.headersTimeoutMs} ms and the whole request within ${options.requestTimeoutMs} ms.`,
    );
  }
  if (error.code === 'HPE_PAUSED_H2_UPGRADE') {
    return new GatewayError(code, 'The request is an HTTP/2 connection preface; this port speaks HTTP/1.1 (HTTP/2 ends at the load balancer).');
  }
  if (code === 'malformed_request' && error.reason) return new GatewayError(code, `The request is not valid HTTP/1.1: ${error.reason}.`);
  return new GatewayError(code);
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (an unknown method, a bad or
 * repeated Content-Length, Transfer-Encoding with Content-Length, a bare CR, an obs-fold, an HTTP/2
 * preface, headers over 16 KB) and requests that arrive too slowly get the documented error body with
 * a request id, and the connection closes. Logged at info, without a stack: the client's fault, not
 * the gateway's.
 */
export function createClientErrorHandler(options: ClientErrorOptions) {
  return function handleClientError(this: { log: FastifyBaseLogger }, error: ConnectionError, socket: Socket): void {
    // Reset by the client: there is nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const gatewayError = toConnectionError(error, options);
    const requestId = randomUUID();
    // A request answered already (a 401 while its body was still arriving) has had its answer.
    const answered = wasAnsweredEarly(socket);
    this.log.info(
      { requestId, code: gatewayError.code, reason: error.code, remoteAddress: socket.remoteAddress, answered },
      answered ? 'closed a connection whose request was answered before its body arrived' : gatewayError.message,
    );
    if (answered || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(responseText(gatewayError, requestId), () => socket.destroy());
  };
}

function responseText(error: GatewayError, requestId: string): string {
  const body: ErrorBody = { error: { code: error.code, message: error.message, request_id: requestId } };
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(json)}`,
    `x-request-id: ${requestId}`,
    'connection: close',
    '',
    json,
  ].join('\r\n');
}
