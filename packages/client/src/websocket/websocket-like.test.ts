import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { WebSocketConstructor } from './websocket-like.js';

test("the ws package's WebSocket fits WebSocketConstructor (checked by the type checker)", () => {
  const constructor: WebSocketConstructor = WebSocket;
  assert.equal(typeof constructor, 'function');
});
