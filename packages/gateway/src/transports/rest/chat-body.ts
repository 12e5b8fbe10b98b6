import type { ChatRequestBody } from '@streamgate/protocol';
import type { Caller, ChatRequest, Transport } from '../../engine/chat-request.js';

/** A validated wire body (snake_case) as the engine's request. */
export function toChatRequest(body: ChatRequestBody, requestId: string, caller: Caller, transport: Transport): ChatRequest {
  return {
    requestId,
    message: body.message,
    sessionId: body.session_id,
    model: body.model,
    system: body.system,
    maxTokens: body.max_tokens,
    temperature: body.temperature,
    simulate: body.simulate,
    caller,
    transport,
  };
}
