import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';

/**
 * @fastify/websocket's `errorHandler`. `ws` reports a peer that breaks the protocol (a frame over
 * BODY_LIMIT_BYTES, a reserved opcode, an unmasked frame, invalid UTF-8) with a `WS_ERR_*` code after
 * it has sent the close frame (1009, 1002, 1007); that is the client's doing, so it is logged at info
 * without a stack. Anything else is the gateway's fault: logged at error, as the plugin does.
 */
export function websocketErrorHandler(error: Error & { code?: string }, socket: WebSocket, request: FastifyRequest): void {
  if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) {
    request.log.info({ code: error.code, reason: error.message }, 'websocket closed: the client broke the protocol');
  } else {
    request.log.error({ err: error }, 'websocket failed');
  }
  socket.terminate();
}
