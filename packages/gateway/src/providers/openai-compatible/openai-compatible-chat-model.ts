import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../chat-model.js';
import { parseJson } from '../parse-json.js';
import { ServerSentEventDecoder } from '../server-sent-events.js';
import { estimateInputTokens, estimateOutputTokens } from '../token-estimate.js';
import { convertToOpenAiCompatibleMessages } from './convert-to-openai-compatible-messages.js';
import { mapOpenAiCompatibleFinishReason } from './map-openai-compatible-finish-reason.js';
import { openAiCompatibleError, openAiCompatibleStreamError } from './openai-compatible-error.js';
import { openAiCompatibleCallOptions } from './openai-compatible-options.js';
import { postJson, readText, type OpenAiCompatibleServer, type UpstreamResponse } from './openai-compatible-http.js';
import { completionSchema, parseChunk } from './openai-compatible-schemas.js';

export interface OpenAiCompatibleChatModelSettings {
  streaming: boolean;
  /** Ask for a final usage chunk (`stream_options.include_usage`); some older servers refuse the field. */
  includeUsage: boolean;
}

const MAX_COMPLETION_BYTES = 8 * 1024 * 1024;

/**
 * A chat model on any OpenAI-compatible server (`POST /chat/completions`): streamed as SSE, or
 * asked for the whole completion when the model is configured with `streaming: false` or the caller
 * wants the reply at once (`call.whole`).
 */
export class OpenAiCompatibleChatModel implements ChatModel {
  constructor(
    private readonly server: OpenAiCompatibleServer,
    private readonly settings: OpenAiCompatibleChatModelSettings,
  ) {}

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    const options = openAiCompatibleCallOptions(call);
    const streaming = this.settings.streaming && call.whole !== true;
    const messages = options?.messages ?? convertToOpenAiCompatibleMessages(call);
    const body = {
      ...options?.parameters,
      model: call.upstreamModelId,
      messages,
      // Newer OpenAI models refuse `max_tokens` next to `max_completion_tokens`: a client that sent the latter gets it alone.
      ...(call.maxTokens !== undefined && options?.parameters?.max_completion_tokens === undefined ? { max_tokens: call.maxTokens } : {}),
      ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
      stream: streaming,
      ...(streaming && this.settings.includeUsage ? { stream_options: { include_usage: true } } : {}),
    };
    let response: UpstreamResponse;
    try {
      response = await postJson(this.server, '/chat/completions', body, call.signal, streaming ? 'text/event-stream' : 'application/json');
    } catch (error) {
      if (call.signal.aborted) return;
      throw error;
    }
    const inputEstimate = estimateInputTokens(call);
    if (!streaming) {
      yield* this.whole(response, call.signal, inputEstimate);
      return;
    }
    const events = new ServerSentEventDecoder();
    const toolCalls = new Map<number, { id: string; name: string; arguments: string[] }>();
    let finishReason: string | null | undefined;
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    let outputCharacters = 0;
    let done = false;
    try {
      for await (const bytes of response.body) {
        if (call.signal.aborted) return;
        for (const event of events.push(bytes)) {
          if (event.data === '[DONE]') {
            done = true;
            continue;
          }
          const chunk = parseChunk(event.data);
          if (!chunk.success) throw new GatewayError('upstream_bad_response', `${this.server.name} sent a chunk that is ${chunk.error}.`);
          if (chunk.data.error !== undefined) throw openAiCompatibleStreamError(chunk.data.error, this.server.name);
          if (chunk.data.usage) usage = { inputTokens: chunk.data.usage.prompt_tokens, outputTokens: chunk.data.usage.completion_tokens ?? 0 };
          const choice = chunk.data.choices?.[0];
          if (!choice) continue;
          const text = choice.delta?.content;
          if (text) {
            outputCharacters += text.length;
            yield { type: 'delta', text };
          }
          for (const toolCall of choice.delta?.tool_calls ?? []) {
            const index = toolCall.index ?? 0;
            const entry = toolCalls.get(index) ?? { id: '', name: '', arguments: [] };
            if (toolCall.id) entry.id = toolCall.id;
            if (toolCall.function?.name) entry.name += toolCall.function.name;
            if (toolCall.function?.arguments) entry.arguments.push(toolCall.function.arguments);
            toolCalls.set(index, entry);
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
      for (const event of events.end()) if (event.data === '[DONE]') done = true;
    } catch (error) {
      if (call.signal.aborted) return;
      throw openAiCompatibleError(error, this.server.name, { midStream: true });
    }
    if (call.signal.aborted) return;
    if (!done && !finishReason) throw new GatewayError('upstream_bad_response', `The ${this.server.name} stream ended before its last chunk.`);
    for (const toolCall of toolCalls.values()) yield { type: 'trace', data: toolCallTrace(toolCall.id, toolCall.name, toolCall.arguments.join('')) };
    yield {
      type: 'finish',
      stopReason: mapOpenAiCompatibleFinishReason(finishReason),
      usage: usage ?? { inputTokens: inputEstimate, outputTokens: estimateOutputTokens(outputCharacters) },
    };
  }

  private async *whole(response: UpstreamResponse, signal: AbortSignal, inputEstimate: number): AsyncGenerator<ChatModelPart> {
    let text: string;
    try {
      text = await readText(response, MAX_COMPLETION_BYTES);
    } catch (error) {
      if (signal.aborted) return;
      throw openAiCompatibleError(error, this.server.name, { midStream: true });
    }
    if (signal.aborted) return;
    const completion = parseJson(text, completionSchema);
    if (!completion.success) throw new GatewayError('upstream_bad_response', `${this.server.name} sent a completion that is ${completion.error}.`);
    const choice = completion.data.choices[0]!;
    const content = choice.message.content ?? '';
    if (content) yield { type: 'delta', text: content };
    for (const toolCall of choice.message.tool_calls ?? []) {
      yield { type: 'trace', data: toolCallTrace(toolCall.id ?? '', toolCall.function.name, toolCall.function.arguments ?? '') };
    }
    const usage = completion.data.usage;
    yield {
      type: 'finish',
      stopReason: mapOpenAiCompatibleFinishReason(choice.finish_reason),
      usage: usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens ?? 0 } : { inputTokens: inputEstimate, outputTokens: estimateOutputTokens(content.length) },
    };
  }
}

/** A tool call as the `trace` data clients receive (the same shape as Bedrock's tool use). */
function toolCallTrace(id: string, name: string, argumentsText: string) {
  const parsed = argumentsText ? parseJson(argumentsText, z.unknown()) : { success: true as const, data: {} };
  return { type: 'tool_use', tool_use_id: id, name, input: parsed.success ? parsed.data : argumentsText };
}
