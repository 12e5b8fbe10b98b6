import { ConverseCommand, ConverseStreamCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../chat-model.js';
import { bedrockError } from './bedrock-error.js';
import { bedrockCallOptionsSchema, type BedrockCallOptions, type BedrockModelOptions } from './bedrock-options.js';
import { contentParts, ConverseStreamParts } from './converse-stream-parts.js';
import { toConverseRequest } from './convert-to-bedrock-messages.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';

export interface BedrockChatModelSettings {
  /** false: Converse (the whole reply at once) instead of ConverseStream. */
  streaming: boolean;
  options: BedrockModelOptions;
}

/**
 * A Bedrock model through the Converse API. The SDK's `send()` resolves only once the first event
 * has arrived, and an abort over HTTP/2 ends the event loop without an exception: both are why the
 * call's signal is checked after every await.
 */
export class BedrockChatModel implements ChatModel {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly settings: BedrockChatModelSettings,
  ) {}

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    const request = toConverseRequest(call, callOptions(call), this.settings.options);
    if (!this.settings.streaming) {
      yield* this.converse(request, call.signal);
      return;
    }
    let response;
    try {
      response = await this.client.send(new ConverseStreamCommand(request), { abortSignal: call.signal });
    } catch (error) {
      if (call.signal.aborted) return;
      throw bedrockError(error);
    }
    if (!response.stream) throw new GatewayError('upstream_bad_response', 'Bedrock answered ConverseStream without an event stream.');
    const parts = new ConverseStreamParts();
    try {
      for await (const event of response.stream) {
        if (call.signal.aborted) return;
        yield* parts.accept(event);
      }
    } catch (error) {
      if (call.signal.aborted) return;
      throw bedrockError(error, { midStream: true });
    }
    if (call.signal.aborted) return;
    yield parts.finish();
  }

  private async *converse(request: ReturnType<typeof toConverseRequest>, signal: AbortSignal): AsyncGenerator<ChatModelPart> {
    let response;
    try {
      response = await this.client.send(new ConverseCommand(request), { abortSignal: signal });
    } catch (error) {
      if (signal.aborted) return;
      throw bedrockError(error);
    }
    yield* contentParts(response.output?.message?.content ?? []);
    yield {
      type: 'finish',
      stopReason: mapBedrockFinishReason(response.stopReason),
      usage: { inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0 },
      ...(response.metrics?.latencyMs !== undefined ? { upstreamLatencyMs: response.metrics.latencyMs } : {}),
    };
  }
}

function callOptions(call: ChatModelCall): BedrockCallOptions | undefined {
  const raw = call.providerOptions?.bedrock;
  if (raw === undefined) return undefined;
  const result = bedrockCallOptionsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new GatewayError('invalid_request', `Bedrock options: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return result.data;
}
