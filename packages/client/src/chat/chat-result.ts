import type { StopReason, StreamMetrics, Usage } from '@streamgate/protocol';
import type { StreamGateError } from '../errors/streamgate-error.js';
import type { ClientMetrics } from '../metrics/client-metrics.js';
import type { Transport } from './chat-request.js';

interface ChatResultBase {
  transport: Transport;
  requestId: string;
  /** Known once the gateway started the stream. */
  sessionId: string | undefined;
  model: string | undefined;
  /** The reply's text received so far: all of it when complete, a prefix otherwise. */
  text: string;
  /** Measured by the client from the moment the request was issued. */
  metrics: ClientMetrics;
}

export interface CompletedChat extends ChatResultBase {
  status: 'complete';
  sessionId: string;
  model: string;
  stopReason: StopReason;
  usage: Usage;
  /** Measured by the gateway from the moment it admitted the request. */
  serverMetrics: StreamMetrics;
}

export interface CancelledChat extends ChatResultBase {
  status: 'cancelled';
  error: StreamGateError;
}

export interface FailedChat extends ChatResultBase {
  status: 'failed';
  error: StreamGateError;
}

/** How a chat request ended. The status names match the turn statuses of a session's history. */
export type ChatResult = CompletedChat | CancelledChat | FailedChat;
