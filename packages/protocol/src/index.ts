export * from './error-code.js';
export * from './stream-event.js';
export * from './sse-event.js';
export * from './websocket-frame.js';
export * from './chat-request.js';
export * from './chat-response.js';
export * from './session.js';
export * from './stream-timing.js';
