import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimulatorChatModel } from '../providers/simulator/simulator-chat-model.js';
import { ModelRegistry } from '../routing/model-registry.js';
import { MemorySessionStore } from '../stores/memory-session-store.js';
import { ChatEngine } from './chat-engine.js';
import type { UsageRecord } from './usage-record.js';

function engineWithSimulator() {
  const sessions = new MemorySessionStore({ maxSessions: 10, ttlSeconds: 60 });
  const records: UsageRecord[] = [];
  const registry = new ModelRegistry([{ id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) }], 'simulator');
  const engine = new ChatEngine({ registry, sessions, usage: { record: (record) => records.push(record), flush: async () => {} }, historyTurns: 10 });
  return { engine, sessions, records };
}

for (const [name, simulate, terminal, status] of [
  ['done', { output_tokens: 3 }, 'done', 'complete'],
  ['error', { output_tokens: 3, fail_after_tokens: 1 }, 'error', 'failed'],
] as const) {
  test(`the turn and the usage record are saved before the ${name} event reaches the client`, async () => {
    const { engine, sessions, records } = engineWithSimulator();
    const stream = await engine.open(
      { requestId: 'r1', message: 'hello', sessionId: 's1', simulate, caller: { keyId: 'k' }, transport: 'rest' },
      new AbortController().signal,
    );
    for await (const event of stream) {
      if (event.type !== terminal) continue;
      // Nothing more has been pulled: what a client would read right now.
      const session = await sessions.get('s1', 'k');
      assert.deepEqual(session?.turns.map((turn) => [turn.role, turn.status]), [['user', 'complete'], ['assistant', status]]);
      assert.equal(records.length, 1);
    }
    assert.equal(records.length, 1, 'still exactly one usage record');
  });
}
