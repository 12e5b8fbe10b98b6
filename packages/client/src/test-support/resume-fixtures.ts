import type { ChatStreamEvent, ResumedEvent } from '../index.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import type { ClientTestGateway } from './test-gateway.js';

/** A reply long enough to cut mid-way: 10,000 tokens at 200 a second. */
export const LONG_REPLY = { outputTokens: 10_000, tokensPerSecond: 200 };

export const resumedEvents = (events: ChatStreamEvent[]) => events.filter((event): event is ResumedEvent => event.type === 'resumed');

/** A proxy in front of `target` that a test can cut, closed when the test ends. */
export async function proxyFor(target: ClientTestGateway, t: { after(fn: () => Promise<void>): void }): Promise<TcpProxy> {
  const proxy = await startTcpProxy(Number(new URL(target.url).port));
  t.after(() => proxy.close());
  return proxy;
}

/** Stops a run the test left going on the gateway, so that closing the gateway need not wait for it. */
export async function cancelOnGateway(target: ClientTestGateway, requestId: string): Promise<void> {
  const response = await fetch(`${target.url}/v1/requests/${requestId}/cancel`, { method: 'POST', headers: target.headers });
  await response.body?.cancel();
}
