import type { ChatMessage } from '../../providers/chat-model.js';
import { GatewayError } from '../../errors.js';
import type { ConvertedConversation } from './convert-openai-messages.js';
import { unsupportedParameter, type ResponsesInputItem } from './responses-body.js';

/** Part types that carry text: what clients send, and what earlier output holds when passed back as input. */
const TEXT_PARTS = new Set(['input_text', 'output_text', 'text']);
const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

function invalidInput(path: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { details: [{ path, message }] });
}

/** The text of one input message; a part that is not text (an image, a file, audio) is refused by name. */
function textOfItem(item: ResponsesInputItem, index: number): string {
  const content = item.content;
  if (typeof content === 'string') return content;
  if (content === undefined) throw invalidInput(`input[${index}].content`, `input[${index}] has no content.`);
  const texts: string[] = [];
  content.forEach((part, partIndex) => {
    if (!TEXT_PARTS.has(part.type)) {
      throw unsupportedParameter(`input[${index}].content[${partIndex}]`, `Content parts of type "${part.type}" are not supported by StreamGate's Responses API: send text (input_text).`);
    }
    texts.push(part.text ?? '');
  });
  return texts.join('\n');
}

/**
 * A Responses request's `instructions` and `input` as the engine takes them: the system prompt
 * (instructions first, then system and developer messages), earlier turns and the new user message.
 * With `continuing` (a `previous_response_id`), earlier turns come from that response's session, so
 * `input` holds the new message alone (beside system or developer messages).
 *
 * @example
 * convertResponsesInput('Hello', 'Be brief.', false);
 * // { system: 'Be brief.', history: [], message: 'Hello' }
 */
export function convertResponsesInput(input: string | readonly ResponsesInputItem[], instructions: string | null | undefined, continuing: boolean): ConvertedConversation {
  const systems: string[] = instructions ? [instructions] : [];
  if (typeof input === 'string') return { ...(systems.length > 0 ? { system: systems[0]! } : {}), history: [], message: input };
  const turns: ChatMessage[] = [];
  input.forEach((item, index) => {
    const type = item.type ?? 'message';
    if (type !== 'message') {
      throw unsupportedParameter(`input[${index}]`, `Input items of type "${type}" are not supported by StreamGate's Responses API: send messages.`);
    }
    if (item.role === undefined || !ROLES.has(item.role)) {
      throw invalidInput(`input[${index}].role`, `input[${index}].role must be user, assistant, system or developer.`);
    }
    const text = textOfItem(item, index);
    if (item.role === 'system' || item.role === 'developer') {
      if (text) systems.push(text);
    } else turns.push({ role: item.role === 'assistant' ? 'assistant' : 'user', content: text });
  });
  const last = turns.pop();
  if (last?.role !== 'user') throw invalidInput('input', "input must end with the user's message.");
  if (continuing && turns.length > 0) {
    throw unsupportedParameter(
      'input',
      "With previous_response_id, input holds the new user message (and system or developer messages): earlier turns come from the previous response's session.",
    );
  }
  return { ...(systems.length > 0 ? { system: systems.join('\n\n') } : {}), history: turns, message: last.content };
}
