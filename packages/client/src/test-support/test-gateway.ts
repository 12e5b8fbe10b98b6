import WebSocket from 'ws';
import { startGateway, type TestGateway } from '../../../gateway/src/test-support/start-gateway.js';
import { MemorySessionStore } from '../../../gateway/src/stores/memory-session-store.js';
import type { SessionTurn } from '../../../gateway/src/stores/session-store.js';
import { StreamGateClient, type StreamGateClientOptions } from '../index.js';

/**
 * Memory sessions that tell a test when the gateway admits a request into a session (it reads the
 * history first) and when a request's turns are stored. The gateway sends a stream's last event
 * before it records the turn, so a test that reads the history waits for the turns first.
 */
export class ObservedSessionStore extends MemorySessionStore {
  private readonly happened = new Set<string>();
  private readonly waiters = new Map<string, () => void>();

  constructor() {
    super({ maxSessions: 1000, ttlSeconds: 3600 });
  }

  override async recentTurns(id: string, ownerId: string, limit: number): Promise<SessionTurn[]> {
    const turns = await super.recentTurns(id, ownerId, limit);
    this.mark(`admitted:${id}`);
    return turns;
  }

  override async append(id: string, ownerId: string, turns: SessionTurn[]): Promise<void> {
    await super.append(id, ownerId, turns);
    for (const turn of turns) this.mark(`stored:${turn.requestId}`);
  }

  /** Resolves once a request has been admitted into session `sessionId`. */
  admitted(sessionId: string): Promise<void> {
    return this.when(`admitted:${sessionId}`);
  }

  /** Resolves once the turns of `requestId` are stored. */
  turnsStored(requestId: string): Promise<void> {
    return this.when(`stored:${requestId}`);
  }

  private mark(key: string): void {
    this.happened.add(key);
    this.waiters.get(key)?.();
  }

  private when(key: string): Promise<void> {
    if (this.happened.has(key)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }
}

export interface ClientTestGateway extends TestGateway {
  sessions: ObservedSessionStore;
  /** A client for this gateway, with Node's `ws` and fast reconnects and resumes; `close()` closes it too. */
  client(options?: Partial<StreamGateClientOptions>): StreamGateClient;
}

/** A real gateway on a loopback port, with the simulator answering fast unless told otherwise. */
export async function startClientTestGateway(environment: Record<string, string> = {}): Promise<ClientTestGateway> {
  const sessions = new ObservedSessionStore();
  const gateway = await startGateway({ SIMULATOR_TTFT_MS: '0', SIMULATOR_TOKENS_PER_SECOND: '0', ...environment }, { sessions });
  const clients: StreamGateClient[] = [];
  return {
    ...gateway,
    sessions,
    client(options = {}) {
      const client = new StreamGateClient({
        baseUrl: gateway.url,
        apiKey: gateway.key,
        WebSocket,
        resume: { initialDelayMs: 5, maxDelayMs: 50 },
        ...options,
        websocket: { reconnect: { initialDelayMs: 5, maxDelayMs: 50 }, ...options.websocket },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await gateway.close();
    },
  };
}
