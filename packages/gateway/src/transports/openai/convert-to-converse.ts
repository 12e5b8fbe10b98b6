import { z } from 'zod';
import { parseJson } from '../../providers/parse-json.js';
import type { ChatCompletionsBody } from './chat-completions-body.js';
import { textOf } from './convert-openai-messages.js';

type ContentBlock = Record<string, unknown>;
interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** Whether a request needs Converse's own fields: tools, tool calls or results, `top_p`, `stop`. */
function needsConverseOptions(body: ChatCompletionsBody): boolean {
  if ((body.tools?.length ?? 0) > 0 || body.top_p != null || body.stop != null) return true;
  return body.messages.some((message) => message.role === 'tool' || (message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0));
}

function toolUseInput(argumentsText: string): unknown {
  if (!argumentsText) return {};
  const parsed = parseJson(argumentsText, z.unknown());
  return parsed.success ? parsed.data : { arguments: argumentsText };
}

/**
 * `providerOptions.bedrock` for a chat completion that uses tools (or `top_p`, `stop`): OpenAI
 * messages as Converse messages (tool calls -> `toolUse`, tool results -> `toolResult` in a user
 * turn, turns of one role joined), OpenAI tools as a `toolConfig`. Undefined when plain text will do.
 */
export function toConverseOptions(body: ChatCompletionsBody): Record<string, unknown> | undefined {
  if (!needsConverseOptions(body)) return undefined;
  const system: ContentBlock[] = [];
  const messages: ConverseMessage[] = [];
  const append = (role: ConverseMessage['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else if (messages.length > 0 || role === 'user') messages.push({ role, content: blocks });
  };
  for (const message of body.messages) {
    const text = textOf(message.content);
    if (message.role === 'system' || message.role === 'developer') {
      if (text) system.push({ text });
    } else if (message.role === 'tool') {
      append('user', [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text }] } }]);
    } else if (message.role === 'assistant') {
      append('assistant', [
        ...(text ? [{ text }] : []),
        ...(message.tool_calls ?? []).map((call) => ({ toolUse: { toolUseId: call.id, name: call.function.name, input: toolUseInput(call.function.arguments) } })),
      ]);
    } else if (text) {
      append('user', [{ text }]);
    }
  }
  const hasToolBlocks = messages.some((message) => message.content.some((block) => 'toolUse' in block || 'toolResult' in block));
  const tools = (body.tools ?? []).map((tool) => ({
    toolSpec: {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      inputSchema: { json: tool.function.parameters ?? { type: 'object', properties: {} } },
    },
  }));
  const choice = body.tool_choice;
  const toolChoice =
    choice === 'required' ? { any: {} } : choice === 'auto' ? { auto: {} } : typeof choice === 'object' && choice ? { tool: { name: choice.function.name } } : undefined;
  const stopSequences = typeof body.stop === 'string' ? [body.stop] : body.stop ?? undefined;
  const inferenceConfig = {
    ...(body.top_p != null ? { topP: body.top_p } : {}),
    ...(stopSequences ? { stopSequences } : {}),
  };
  return {
    ...(messages.length > 0 ? { messages } : {}),
    ...(system.length > 0 ? { system } : {}),
    // Converse refuses toolUse and toolResult blocks without a toolConfig, so `none` keeps the tools when the history has them.
    ...(tools.length > 0 && (choice !== 'none' || hasToolBlocks) ? { toolConfig: { tools, ...(toolChoice ? { toolChoice } : {}) } } : {}),
    ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig } : {}),
  };
}
