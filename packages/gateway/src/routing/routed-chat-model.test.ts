import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../providers/chat-model.js';
import type { Provider } from '../providers/provider.js';
import { ProviderHealth } from '../providers/provider-health.js';
import { collect, collectUntilError } from '../test-support/collect.js';
import { gate } from '../test-support/stubs/stub-step.js';
import { backoffDelayMs } from './backoff.js';
import { RoutedChatModel, type RoutePolicy, type RouteTarget } from './routed-chat-model.js';

const policy: RoutePolicy = { retries: 2, retryBaseMs: 0, retryMaxMs: 0, firstTokenTimeoutMs: 5_000, timeoutMs: 10_000 };

function provider(name: string): Provider {
  return {
    name,
    type: 'test',
    health: new ProviderHealth(),
    chatModel: () => {
      throw new Error('unused');
    },
    check: async () => ({ status: 'ok' }),
    close: async () => {},
  };
}

/** A model that plays one script per call: parts to yield, then optionally an error; records its calls. */
function scripted(scripts: { parts?: ChatModelPart[]; error?: GatewayError; hang?: boolean }[]) {
  const calls: ChatModelCall[] = [];
  const model: ChatModel = {
    async *stream(call) {
      const script = scripts[Math.min(calls.length, scripts.length - 1)]!;
      calls.push(call);
      for (const part of script.parts ?? []) yield part;
      if (script.error) throw script.error;
      if (script.hang) {
        await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
        return;
      }
    },
  };
  return { model, calls };
}

const target = (name: string, model: ChatModel, weight = 1): RouteTarget => ({ provider: provider(name), upstreamModelId: `${name}-upstream`, model, weight });
const call = (signal = new AbortController().signal): ChatModelCall => ({ upstreamModelId: 'public', messages: [{ role: 'user', content: 'hi' }], signal });
const finish: ChatModelPart = { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
const throttled = () => new GatewayError('upstream_throttled');
/** The parts a model produced, without the router's leading `route` part. */
const produced = (parts: ChatModelPart[]) => parts.filter((part) => part.type !== 'route');

describe('RoutedChatModel', () => {
  it('retries a throttled target, then serves from the fallback, before any token', async () => {
    const primary = scripted([{ error: throttled() }]);
    const backup = scripted([{ parts: [{ type: 'delta', text: 'backup' }, finish] }]);
    const routed = new RoutedChatModel('main', [target('a', primary.model)], policy);
    const price = { inputPerMillion: 1, outputPerMillion: 2 };
    routed.setFallbacks([new RoutedChatModel('backup', [target('b', backup.model)], policy, { price })]);
    const parts = await collect(routed.stream(call()));
    assert.equal(primary.calls.length, 3, 'one try and two retries');
    assert.deepEqual(primary.calls.map((entry) => entry.upstreamModelId), ['a-upstream', 'a-upstream', 'a-upstream']);
    // The route part names who served, so that usage bills the fallback's provider at its price.
    assert.deepEqual(parts, [{ type: 'route', model: 'backup', provider: 'b', upstreamModelId: 'b-upstream', price }, { type: 'delta', text: 'backup' }, finish]);
  });

  it('never retries once a part has been produced: the failure ends the stream, nothing is sent twice', async () => {
    const primary = scripted([{ parts: [{ type: 'delta', text: 'one' }], error: throttled() }]);
    const backup = scripted([{ parts: [{ type: 'delta', text: 'backup' }, finish] }]);
    const routed = new RoutedChatModel('main', [target('a', primary.model)], policy);
    routed.setFallbacks([new RoutedChatModel('backup', [target('b', backup.model)], policy)]);
    const { values, error } = await collectUntilError(routed.stream(call()));
    assert.deepEqual(produced(values), [{ type: 'delta', text: 'one' }]);
    assert.equal((error as GatewayError).code, 'upstream_throttled');
    assert.equal(primary.calls.length, 1);
    assert.equal(backup.calls.length, 0);
  });

  it('does not retry or fall back on errors that would fail again (an invalid request)', async () => {
    const primary = scripted([{ error: new GatewayError('upstream_invalid_request', 'too long') }]);
    const backup = scripted([{ parts: [finish] }]);
    const routed = new RoutedChatModel('main', [target('a', primary.model)], policy);
    routed.setFallbacks([new RoutedChatModel('backup', [target('b', backup.model)], policy)]);
    const { error } = await collectUntilError(routed.stream(call()));
    assert.equal((error as GatewayError).code, 'upstream_invalid_request');
    assert.equal(primary.calls.length, 1);
    assert.equal(backup.calls.length, 0);
  });

  it('reports the last failure when every target and fallback failed', async () => {
    const primary = scripted([{ error: throttled() }]);
    const backup = scripted([{ error: new GatewayError('upstream_unavailable', 'refused') }]);
    const routed = new RoutedChatModel('main', [target('a', primary.model)], { ...policy, retries: 0 });
    routed.setFallbacks([new RoutedChatModel('backup', [target('b', backup.model)], { ...policy, retries: 0 })]);
    const { error } = await collectUntilError(routed.stream(call()));
    assert.equal((error as GatewayError).code, 'upstream_unavailable');
  });

  it('times out a target that sends nothing and moves on to the fallback', async () => {
    const silent = scripted([{ hang: true }]);
    const backup = scripted([{ parts: [{ type: 'delta', text: 'fast' }, finish] }]);
    const routed = new RoutedChatModel('main', [target('a', silent.model)], { ...policy, retries: 0, firstTokenTimeoutMs: 30 });
    routed.setFallbacks([new RoutedChatModel('backup', [target('b', backup.model)], policy)]);
    const parts = produced(await collect(routed.stream(call())));
    assert.deepEqual(parts[0], { type: 'delta', text: 'fast' });
    assert.equal(silent.calls[0]!.signal.aborted, true, 'the silent upstream call was aborted');
  });

  it('gives a whole reply (call.whole) the total time limit, not the first-token one', async () => {
    const released = gate();
    const whole: ChatModel = {
      async *stream() {
        await released.promise;
        yield { type: 'delta', text: 'all of it' };
        yield finish;
      },
    };
    const routed = new RoutedChatModel('main', [target('a', whole)], { ...policy, retries: 0, firstTokenTimeoutMs: 5 });
    const parts = collect(routed.stream({ ...call(), whole: true }));
    // Well past the first-token limit, then the reply comes.
    setTimeout(released.release, 50);
    assert.deepEqual(produced(await parts)[0], { type: 'delta', text: 'all of it' });
  });

  it('ends a stream that outlives its time limit with upstream_timeout, after what was sent', async () => {
    const slow = scripted([{ parts: [{ type: 'delta', text: 'start' }], hang: true }]);
    const routed = new RoutedChatModel('main', [target('a', slow.model)], { ...policy, timeoutMs: 30 });
    const { values, error } = await collectUntilError(routed.stream(call()));
    assert.deepEqual(produced(values), [{ type: 'delta', text: 'start' }]);
    assert.equal((error as GatewayError).code, 'upstream_timeout');
  });

  it('aborts the upstream call when the consumer stops reading', async () => {
    const endless = scripted([{ parts: [{ type: 'delta', text: 'a' }, { type: 'delta', text: 'b' }], hang: true }]);
    const routed = new RoutedChatModel('main', [target('a', endless.model)], policy);
    for await (const part of routed.stream(call())) {
      if (part.type === 'route') continue;
      assert.deepEqual(part, { type: 'delta', text: 'a' });
      break;
    }
    assert.equal(endless.calls[0]!.signal.aborted, true);
  });

  it('stops waiting to retry when the caller goes away', async () => {
    const primary = scripted([{ error: throttled() }]);
    const controller = new AbortController();
    const routed = new RoutedChatModel('main', [target('a', primary.model)], { ...policy, retryBaseMs: 60_000, retryMaxMs: 60_000 }, { random: () => 0.99 });
    const pending = collect(routed.stream(call(controller.signal)));
    controller.abort();
    assert.deepEqual(await pending, []);
    assert.equal(primary.calls.length, 1);
  });

  it('splits traffic between targets by weight', () => {
    const routed = new RoutedChatModel('main', [target('old', scripted([{}]).model, 90), target('new', scripted([{}]).model, 10)], policy);
    assert.equal(routed.pick(() => 0).provider.name, 'old');
    assert.equal(routed.pick(() => 0.899).provider.name, 'old');
    assert.equal(routed.pick(() => 0.9).provider.name, 'new');
    assert.equal(routed.pick(() => 0.999).provider.name, 'new');
    const counts = { old: 0, new: 0 };
    for (let index = 0; index < 2_000; index++) counts[routed.pick().provider.name as 'old' | 'new']++;
    assert.ok(counts.new > 100 && counts.new < 300, `about 10% to the new target, got ${counts.new} of 2000`);
  });

  it('never sends traffic to a target of weight 0', () => {
    const routed = new RoutedChatModel('main', [target('drained', scripted([{}]).model, 0), target('live', scripted([{}]).model, 1)], policy);
    for (const value of [0, 0.5, 0.999]) assert.equal(routed.pick(() => value).provider.name, 'live');
  });

  it('backs off with full jitter under a cap', () => {
    assert.equal(backoffDelayMs(1, 200, 2_000, () => 0.999), 199);
    assert.equal(backoffDelayMs(3, 200, 2_000, () => 0.5), 400);
    assert.equal(backoffDelayMs(10, 200, 2_000, () => 0.999), 1_998);
    assert.equal(backoffDelayMs(2, 200, 2_000, () => 0), 0);
  });

  it('marks the provider degraded while it fails and ok again once it answers', async () => {
    const flaky = scripted([{ error: throttled() }, { parts: [finish] }]);
    const only = target('a', flaky.model);
    const routed = new RoutedChatModel('main', [only], { ...policy, retries: 0 });
    await collectUntilError(routed.stream(call()));
    assert.equal(only.provider.health.combine({ status: 'ok' }).status, 'degraded');
    await collect(routed.stream(call()));
    assert.equal(only.provider.health.combine({ status: 'ok' }).status, 'ok');
  });
});
