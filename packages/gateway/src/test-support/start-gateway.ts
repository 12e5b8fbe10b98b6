import { Writable } from 'node:stream';
import { loadConfig, type GatewayConfig } from '../config.js';
import { buildGateway, type Gateway, type GatewayOverrides } from '../server.js';
import { MemorySessionStore } from '../stores/memory-session-store.js';

export const TEST_KEY = 'sg-test-key-0123456789abcdef';

export interface TestGateway {
  gateway: Gateway;
  /** `http://127.0.0.1:PORT` once listening. */
  url: string;
  /** `ws://127.0.0.1:PORT` once listening. */
  wsUrl: string;
  key: string;
  headers: Record<string, string>;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** Every byte the logger wrote, for scanning for secrets. */
  rawLogs(): string;
  close(): Promise<void>;
}

/**
 * A gateway on 127.0.0.1 with an ephemeral port, in-memory sessions (unless `environment` names a
 * `SESSION_STORE`) and captured logs. `environment` takes the same variables as the real process.
 */
export async function startGateway(
  environment: Record<string, string> = {},
  overrides: GatewayOverrides = {},
  options: { listen?: boolean } = {},
): Promise<TestGateway> {
  const config: GatewayConfig = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    API_KEYS: TEST_KEY,
    SESSION_STORE: 'memory',
    KEY_STORE: 'memory',
    USAGE_STORE: 'memory',
    LOG_LEVEL: 'info',
    ...environment,
  });
  const chunks: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      const text = chunk.toString();
      chunks.push(text);
      for (const line of text.split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      callback();
    },
  });
  const gateway = await buildGateway(config, {
    ...(environment.SESSION_STORE ? {} : { sessions: new MemorySessionStore({ maxSessions: 1000, ttlSeconds: 3600 }) }),
    logStream,
    ...overrides,
  });
  let url = '';
  if (options.listen !== false) url = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  const key = environment.API_KEYS === undefined ? TEST_KEY : (environment.API_KEYS.split(',')[0] ?? '');
  return {
    gateway,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    key,
    headers: { 'x-api-key': key },
    logs,
    rawLogs: () => chunks.join(''),
    close: async () => {
      await gateway.shutdown();
    },
  };
}
