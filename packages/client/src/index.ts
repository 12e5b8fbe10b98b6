export { StreamGateClient } from './streamgate-client.js';
export type { ConnectOptions, StreamGateClientOptions, StreamRequest, WebSocketOptions } from './streamgate-client.js';
export type { CallOptions, ChatRequest, SimulateOptions, Transport } from './chat/chat-request.js';
export type { ChatStream } from './chat/chat-stream.js';
export type { ChatStreamEvent, ResumedEvent, StreamErrorEvent } from './chat/chat-stream-event.js';
export type { CancelledChat, ChatResult, CompletedChat, FailedChat } from './chat/chat-result.js';
export { StreamGateError } from './errors/streamgate-error.js';
export { errorFromResponse } from './errors/error-from-response.js';
export type { ClientErrorCode, StreamGateErrorCode, StreamGateErrorOptions } from './errors/streamgate-error.js';
export type { ChunkTiming, ClientMetrics } from './metrics/client-metrics.js';
export type { HttpClientOptions, Provider } from './http/http-client.js';
export type { Model } from './models/model.js';
export { SessionsApi } from './sessions/sessions-api.js';
export type { ListSessionsOptions } from './sessions/sessions-api.js';
export type { CreatedSession, Session, SessionSummary, SessionTurn } from './sessions/session.js';
export { WebSocketConnection } from './websocket/websocket-connection.js';
export type { ConnectionClose, ConnectionEvents, ConnectionState, ConnectionStateChange } from './websocket/connection-events.js';
export type { ReconnectOptions } from './websocket/backoff.js';
export type { ResumeOptions } from './shared/resume-options.js';
export type { KeepAliveOptions } from './websocket/keep-alive.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket/websocket-like.js';
export type { WebSocketTicket } from './websocket/websocket-ticket.js';
export type { SocketClose } from './websocket/close-reasons.js';
export type {
  DeltaEvent,
  DoneEvent,
  ErrorCode,
  StartEvent,
  StopReason,
  StreamMetrics,
  TraceEvent,
  Usage,
} from '@streamgate/protocol';
