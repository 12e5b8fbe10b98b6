import type { FastifyReply } from 'fastify';
import type { ChatStream } from '../../engine/chat-engine.js';
import { GatewayError } from '../../errors.js';
import { openEventStream, SseWriter } from '../sse/sse-writer.js';
import { ChunkFramer, DONE_EVENT, toolCallOf } from './chat-completion-format.js';
import { openAiErrorBody } from './openai-error.js';

export interface ChatCompletionStreamOptions {
  id: string;
  created: number;
  includeUsage: boolean;
  heartbeatIntervalMs: number;
  /** The session the client named, echoed as `x-session-id`. */
  sessionId?: string;
}

const WAITING = Symbol('waiting');

/** The promise's value, or WAITING once `ms` pass first. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof WAITING> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof WAITING>((resolve) => (timer = setTimeout(resolve, ms, WAITING)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends an admitted stream as OpenAI `chat.completion.chunk` events, `data: [DONE]` last.
 *
 * The status line waits for the first text, tool call or end: a failure before any of them (an
 * upstream that refuses, a fallback chain that runs out) is still an HTTP error with its status,
 * which OpenAI's SDKs raise as the matching error class. If nothing comes within a heartbeat
 * interval, the 200 goes out anyway and heartbeat comments keep idle proxies from cutting the stream.
 * After that, a failure is a `data: {"error": ...}` event, as OpenAI sends one.
 */
export async function sendChatCompletionStream(reply: FastifyReply, stream: ChatStream, options: ChatCompletionStreamOptions): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  const framer = new ChunkFramer(options.id, options.created, stream.model, options.includeUsage);
  let writer: SseWriter | undefined;
  let toolCalls = 0;
  const open = (): SseWriter => {
    const headers = { 'x-request-id': stream.requestId, ...(options.sessionId !== undefined ? { 'x-session-id': options.sessionId } : {}) };
    return new SseWriter(openEventStream(reply, headers), options.heartbeatIntervalMs);
  };
  try {
    let pending = iterator.next();
    for (;;) {
      const result = writer ? await pending : await within(pending, options.heartbeatIntervalMs);
      if (result === WAITING) {
        writer = open();
        continue;
      }
      if (result.done) return;
      const event = result.value;
      if (event.type === 'error') {
        const error = new GatewayError(event.code, event.message, { retryable: event.retryable });
        if (!writer) throw error;
        await writer.send(`data: ${JSON.stringify(openAiErrorBody(error))}\n\n`);
        return;
      }
      if (event.type === 'delta') {
        writer ??= open();
        await writer.send(framer.content(event.text));
      } else if (event.type === 'trace') {
        const call = toolCallOf(event.data, `call_${stream.requestId}_${toolCalls}`);
        if (call) {
          writer ??= open();
          await writer.send(framer.toolCall(toolCalls++, call));
        }
      } else if (event.type === 'done') {
        writer ??= open();
        await writer.send(`${framer.finish(event.stopReason)}${options.includeUsage ? framer.usage(event.usage) : ''}${DONE_EVENT}`);
      }
      if (writer?.closed) return;
      pending = iterator.next();
    }
  } finally {
    // Ends the engine's generator if it is still open: its `finally` aborts the model call and writes the usage record.
    await iterator.return?.(undefined);
    writer?.end();
  }
}
