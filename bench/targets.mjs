// The servers a benchmark can run against. Each is started in its own process by bench/lib/processes.mjs
// with HOST and PORT set; it must answer `GET /health` and serve the endpoints the scenario uses
// (`POST /v1/chat`, `POST /v1/chat/stream`, `WS /v1/ws/chat` with the `simulate` knobs). Another
// gateway can be compared by adding an entry here that points at it (or at a small adapter in front of it).

import os from 'node:os';
import path from 'node:path';

export const API_KEY = 'bench-key-0123456789abcdef';

export const targets = {
  /** The floor: node:http + ws writing the same events, nothing else. */
  bare: {
    name: 'bare',
    label: 'bare node:http + ws (floor)',
    entry: 'bench/servers/bare-server.mjs',
    env: { API_KEYS: API_KEY },
  },
  /** StreamGate as `npm start` runs it, with the benchmark settings from the issue. */
  gateway: {
    name: 'gateway',
    label: 'StreamGate gateway',
    entry: 'packages/gateway/dist/main.js',
    env: {
      API_KEYS: API_KEY,
      LOG_LEVEL: 'warn',
      SESSION_STORE: 'memory',
      // Limits stay on (their cost is part of every request) but are set out of reach.
      RATE_LIMIT_REQUESTS: '10000000',
      DATA_DIR: path.join(os.tmpdir(), 'streamgate-bench'),
      SIMULATOR_TTFT_MS: '0',
      SIMULATOR_TOKENS_PER_SECOND: '0',
    },
  },
};
