import type { ChatMessage } from '../../providers/chat-model.js';
import type { ChatCompletionsMessage, ContentValue } from './chat-completions-body.js';

/** An OpenAI conversation as the engine takes it: the system prompt, earlier turns, the newest message. */
export interface ConvertedConversation {
  system?: string;
  history: ChatMessage[];
  message: string;
}

/** The text of a message's content: a string, or its text parts (other parts are not text). */
export function textOf(content: ContentValue | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  let text = '';
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') text = text ? `${text}\n${part.text}` : part.text;
  }
  return text;
}

/**
 * OpenAI messages -> the engine's text conversation. System and developer messages become the
 * system prompt; the last message is the new one and everything before it is history. Tool results
 * count as the user's turns and tool calls carry no text: providers that take tools get the
 * messages as sent through provider options instead (see `openAiProviderOptions`).
 *
 * @example
 * convertOpenAiMessages([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]);
 * // { system: 'Be brief.', history: [], message: 'Hi' }
 */
export function convertOpenAiMessages(messages: readonly ChatCompletionsMessage[]): ConvertedConversation {
  let system: string | undefined;
  const turns: ChatMessage[] = [];
  for (const message of messages) {
    const text = textOf(message.content);
    if (message.role === 'system' || message.role === 'developer') {
      if (text) system = system === undefined ? text : `${system}\n\n${text}`;
    } else {
      turns.push({ role: message.role === 'assistant' ? 'assistant' : 'user', content: text });
    }
  }
  const last = turns.pop();
  return { ...(system !== undefined ? { system } : {}), history: turns, message: last?.content ?? '' };
}
