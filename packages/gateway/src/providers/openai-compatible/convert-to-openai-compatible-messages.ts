import type { ChatModelCall } from '../chat-model.js';

export interface OpenAiCompatibleMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The system prompt first, then the conversation as it was: OpenAI-compatible servers take any order of roles. */
export function convertToOpenAiCompatibleMessages(call: ChatModelCall): OpenAiCompatibleMessage[] {
  return [
    ...(call.system ? [{ role: 'system' as const, content: call.system }] : []),
    ...call.messages.filter((message) => message.content.length > 0).map((message) => ({ role: message.role, content: message.content })),
  ];
}
