// Load client for the idle-WebSocket memory benchmark, run in its own process by bench/run.mjs, in phases:
//   1. opens and closes `warmupSockets` sockets (so the server's lazily built code and pools exist),
//      then reports "warmed" and waits for "open";
//   2. opens `sockets` authenticated sockets to /v1/ws/chat, `batch` handshakes at a time, waits for each
//      one's `connected` frame, reports "opened" and waits for "close";
//   3. closes them all and exits.
// Every wait is bounded: the process gives up after `timeoutMs`.
import WebSocket from 'ws';
import { closeAll } from '../lib/websockets.mjs';

function connect(socketUrl, apiKey) {
  return new Promise((resolve) => {
    const socket = new WebSocket(socketUrl, { headers: { 'x-api-key': apiKey }, perMessageDeflate: false, handshakeTimeout: 20_000 });
    const fail = (error) => {
      socket.terminate();
      resolve({ error: error.code ?? error.message });
    };
    socket.once('error', fail);
    socket.once('unexpected-response', (_, response) => fail(new Error(`HTTP ${response.statusCode}`)));
    socket.once('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.event !== 'connected') return fail(new Error(`first frame was ${frame.event}`));
      socket.off('error', fail);
      socket.on('error', () => {});
      resolve({ socket });
    });
  });
}

async function openMany(socketUrl, apiKey, count, batch) {
  const sockets = [];
  const errors = {};
  for (let index = 0; index < count; index += batch) {
    const results = await Promise.all(Array.from({ length: Math.min(batch, count - index) }, () => connect(socketUrl, apiKey)));
    for (const result of results) {
      if (result.socket) sockets.push(result.socket);
      else errors[result.error] = (errors[result.error] ?? 0) + 1;
    }
  }
  return { sockets, errors };
}

const waitFor = (type) => new Promise((resolve) => process.on('message', (message) => message?.type === type && resolve()));

process.once('message', async (message) => {
  if (message?.type !== 'run') return;
  const { url, apiKey, sockets: count, warmupSockets, batch, timeoutMs } = message.options;
  setTimeout(() => process.exit(2), timeoutMs).unref();
  const socketUrl = `${url.replace(/^http/, 'ws')}/v1/ws/chat`;

  const warm = await openMany(socketUrl, apiKey, warmupSockets, batch);
  await closeAll(warm.sockets);
  process.send({ type: 'warmed', errors: warm.errors });
  await waitFor('open');

  const startedAt = performance.now();
  const opened = await openMany(socketUrl, apiKey, count, batch);
  process.send({ type: 'opened', connected: opened.sockets.length, errors: opened.errors, openMs: performance.now() - startedAt });
  await waitFor('close');

  await closeAll(opened.sockets);
  process.send({ type: 'closed' });
  process.disconnect();
});
