import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { SimulatorChatModel } from '../providers/simulator/simulator-chat-model.js';

/** The simulator with no pacing of its own: each request's `simulate` knobs shape it. */
export const simulator = { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };

/** 40 tokens over about 400 ms: long enough to drop the connection mid-way. */
export const paced = { ttft_ms: 0, tokens_per_second: 100, output_tokens: 40 };

/** SDK parameters with StreamGate's `simulate` knobs, which the SDK's types do not know. */
export const simulated = <T extends object>(params: T, simulate: Record<string, number>) => ({ ...params, simulate }) as T;

/** Every event of a stream, to its end. */
export async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The events up to `sequenceNumber`; then the SDK drops the connection (leaving the loop aborts its request). */
export async function readUntil(stream: AsyncIterable<ResponseStreamEvent>, sequenceNumber: number): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (event.sequence_number >= sequenceNumber) break;
  }
  return events;
}
