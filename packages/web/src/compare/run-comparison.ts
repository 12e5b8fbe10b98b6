import type { ChatRequest, ClientMetrics, StreamGateClient, Transport, Usage, WebSocketConnection } from '@streamgate/client';
import { TRANSPORTS } from '../chat/transports.js';
import { describeProblem, type Problem } from '../status/describe-problem.js';
import { addResume, type Resumes } from '../status/resumes.js';

/** One transport's part of a comparison. */
export interface TransportRun {
  transport: Transport;
  status: 'waiting' | 'running' | 'complete' | 'cancelled' | 'failed';
  text: string;
  metrics?: ClientMetrics;
  usage?: Usage;
  problem?: Problem;
  /** Set when the connection was lost (or dropped on purpose) and the reply resumed. */
  resumes?: Resumes;
}

export interface ComparisonOptions {
  /**
   * Drops each streaming transport's connection once this many chunks have arrived, to show how it
   * resumes (REST cannot: its reply arrives whole).
   */
  dropAfterChunks?: number;
}

export function waitingRuns(): TransportRun[] {
  return TRANSPORTS.map((transport) => ({ transport, status: 'waiting', text: '' }));
}

/**
 * Sends one request over each transport in turn (WebSocket, SSE, REST), never two at once so that
 * they do not slow each other down, and reports every run as it goes. The WebSocket is opened
 * before its request is issued: its timings are those of a socket in use, without the handshake.
 * A new session each time, so that no run answers with more history than another.
 */
export async function runComparison(
  client: StreamGateClient,
  request: Omit<ChatRequest, 'sessionId' | 'requestId'>,
  onUpdate: (runs: TransportRun[]) => void,
  signal: AbortSignal,
  options: ComparisonOptions = {},
): Promise<TransportRun[]> {
  let runs = waitingRuns();
  const update = (transport: Transport, change: Partial<TransportRun>) => {
    runs = runs.map((run) => (run.transport === transport ? { ...run, ...change } : run));
    onUpdate(runs);
  };
  for (const transport of TRANSPORTS) {
    if (signal.aborted) {
      update(transport, { status: 'cancelled' });
      continue;
    }
    update(transport, { status: 'running' });
    if (transport === 'websocket') await whenOpen(client.connection(), signal);
    const stream = client.stream({ ...request, transport }, { signal });
    let text = '';
    let chunks = 0;
    let resumes: Resumes | undefined;
    for await (const event of stream) {
      if (event.type === 'delta') {
        text += event.text;
        chunks++;
        update(transport, { text, metrics: stream.metrics });
        if (chunks === options.dropAfterChunks) stream.dropConnection();
      } else if (event.type === 'resumed') {
        resumes = addResume(resumes, event);
        update(transport, { resumes });
      }
    }
    const result = await stream.result;
    if (result.status === 'complete') {
      update(transport, { status: 'complete', text: result.text, metrics: result.metrics, usage: result.usage });
    } else {
      const problem = describeProblem(result.error, { receivedText: result.text.length > 0 });
      update(transport, { status: result.status, text: result.text, metrics: result.metrics, problem });
    }
  }
  return runs;
}

/**
 * Resolves once the socket is open, or gives up (the request then reports why) when it closes, the
 * run is stopped, or 10 s pass.
 */
export function whenOpen(connection: WebSocketConnection, signal: AbortSignal, timeoutMs = 10_000): Promise<void> {
  if (connection.state === 'open' || connection.state === 'closed') return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      stopListening();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    const stopListening = connection.on('state', ({ state }) => {
      if (state === 'open' || state === 'closed') finish();
    });
    signal.addEventListener('abort', finish, { once: true });
  });
}
