import { InvokeAgentRuntimeCommand, type BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { TextDecoder } from 'node:util';
import { GatewayError } from '../../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../chat-model.js';
import { ServerSentEventDecoder } from '../server-sent-events.js';
import { estimateInputTokens, estimateOutputTokens } from '../token-estimate.js';
import { agentCoreError } from './agentcore-error.js';
import { agentCoreEventPart, agentCoreJsonReply } from './agentcore-stream-parts.js';
import { toAgentCorePayload, toRuntimeSessionId } from './convert-to-agentcore-messages.js';
import { mapAgentCoreFinishReason } from './map-agentcore-finish-reason.js';

export interface AgentCoreChatModelSettings {
  /** The runtime endpoint (`DEFAULT` when absent). */
  qualifier?: string;
  /** Send the caller's key id as the runtime user id (needs `bedrock-agentcore:InvokeAgentRuntimeForUser`). */
  sendUserId: boolean;
}

/** A JSON reply is read whole; one larger than this is refused rather than held in memory. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

/**
 * An agent hosted on an AgentCore Runtime through InvokeAgentRuntime. The body is the agent's own:
 * `text/event-stream` is streamed event by event, JSON is one reply, anything else streams as text.
 */
export class AgentCoreChatModel implements ChatModel {
  constructor(
    private readonly client: BedrockAgentCoreClient,
    private readonly settings: AgentCoreChatModelSettings,
  ) {}

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    const payload = toAgentCorePayload(call);
    let response;
    try {
      response = await this.client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: call.upstreamModelId,
          ...(this.settings.qualifier ? { qualifier: this.settings.qualifier } : {}),
          runtimeSessionId: toRuntimeSessionId(call.sessionId),
          ...(this.settings.sendUserId && call.userId ? { runtimeUserId: call.userId } : {}),
          contentType: 'application/json',
          accept: 'text/event-stream, application/json',
          payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
        { abortSignal: call.signal },
      );
    } catch (error) {
      if (call.signal.aborted) return;
      throw agentCoreError(error);
    }
    const body = response.response as AsyncIterable<Uint8Array> | undefined;
    if (!body) throw new GatewayError('upstream_bad_response', 'AgentCore answered without a body.');
    const contentType = (response.contentType ?? '').toLowerCase();
    let outputCharacters = 0;
    try {
      if (contentType.startsWith('application/json')) {
        const text = agentCoreJsonReply(await readLimited(body, call.signal));
        if (call.signal.aborted) return;
        outputCharacters = text.length;
        if (text) yield { type: 'delta', text };
      } else {
        const isEventStream = contentType.startsWith('text/event-stream');
        const events = new ServerSentEventDecoder();
        const decoder = new TextDecoder('utf-8');
        // Parts are made one event at a time: an error event fails the stream after the text before it.
        const partsOf = function* (chunk: Uint8Array | undefined): Generator<ChatModelPart> {
          if (!isEventStream) {
            const text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
            if (text) yield { type: 'delta', text };
            return;
          }
          for (const event of chunk ? events.push(chunk) : events.end()) {
            const part = agentCoreEventPart(event.data);
            if (part) yield part;
          }
        };
        for await (const chunk of body) {
          if (call.signal.aborted) return;
          for (const part of partsOf(chunk)) {
            if (part.type === 'delta') outputCharacters += part.text.length;
            yield part;
          }
        }
        if (call.signal.aborted) return;
        for (const part of partsOf(undefined)) {
          if (part.type === 'delta') outputCharacters += part.text.length;
          yield part;
        }
      }
    } catch (error) {
      if (call.signal.aborted) return;
      throw agentCoreError(error, { midStream: true });
    }
    if (call.signal.aborted) return;
    // A runtime reports no token counts: estimate them, as for any text without a tokenizer.
    yield {
      type: 'finish',
      stopReason: mapAgentCoreFinishReason(),
      usage: { inputTokens: estimateInputTokens(call), outputTokens: estimateOutputTokens(outputCharacters) },
    };
  }
}

async function readLimited(body: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (signal.aborted) break;
    size += chunk.byteLength;
    if (size > MAX_JSON_BYTES) throw new GatewayError('upstream_bad_response', `The AgentCore JSON reply is larger than ${MAX_JSON_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
