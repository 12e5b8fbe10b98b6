import type { ContentBlock, ConverseStreamRequest, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage, ChatModelCall } from '../chat-model.js';
import type { BedrockCallOptions, BedrockModelOptions } from './bedrock-options.js';

/**
 * Chat history as Converse messages. Converse wants a conversation that starts with the user and
 * alternates roles, so consecutive turns of one role (a failed reply leaves two user turns in a row)
 * are joined, and leading assistant turns are dropped.
 */
export function convertToBedrockMessages(messages: readonly ChatMessage[]): Message[] {
  const converted: { role: 'user' | 'assistant'; texts: string[] }[] = [];
  for (const message of messages) {
    if (message.content.length === 0) continue;
    if (converted.length === 0 && message.role === 'assistant') continue;
    const last = converted[converted.length - 1];
    if (last && last.role === message.role) last.texts.push(message.content);
    else converted.push({ role: message.role, texts: [message.content] });
  }
  return converted.map((message) => ({ role: message.role, content: [{ text: message.texts.join('\n\n') }] }));
}

/** The whole ConverseStream/Converse input for a call: messages, system prompt, inference settings, tools. */
export function toConverseRequest(
  call: ChatModelCall,
  callOptions: BedrockCallOptions | undefined,
  modelOptions: BedrockModelOptions,
): ConverseStreamRequest {
  const system: SystemContentBlock[] | undefined =
    (callOptions?.system as SystemContentBlock[] | undefined) ?? (call.system ? [{ text: call.system }] : undefined);
  const inferenceConfig = {
    ...(modelOptions.topP !== undefined ? { topP: modelOptions.topP } : {}),
    ...(call.maxTokens !== undefined ? { maxTokens: call.maxTokens } : {}),
    ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
    ...callOptions?.inferenceConfig,
  };
  const additionalModelRequestFields = callOptions?.additionalModelRequestFields ?? modelOptions.additionalModelRequestFields;
  return {
    modelId: call.upstreamModelId,
    messages: (callOptions?.messages as { role: 'user' | 'assistant'; content: ContentBlock[] }[] | undefined) ?? convertToBedrockMessages(call.messages),
    ...(system ? { system } : {}),
    ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig } : {}),
    ...(callOptions?.toolConfig ? { toolConfig: callOptions.toolConfig as unknown as ConverseStreamRequest['toolConfig'] } : {}),
    ...(additionalModelRequestFields ? { additionalModelRequestFields: additionalModelRequestFields as never } : {}),
  };
}
