import { createHash, randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import type { ChatModelCall } from '../chat-model.js';

/** AgentCore runtime session ids are 33 to 256 characters. */
const MIN_SESSION_ID = 33;
const MAX_SESSION_ID = 256;

/**
 * The runtime session for a gateway session: the same id when AgentCore accepts it, otherwise a
 * stable id derived from it, so that one gateway conversation is one runtime session (one microVM
 * with the agent's memory of it).
 */
export function toRuntimeSessionId(gatewaySessionId: string | undefined): string {
  if (gatewaySessionId === undefined) return `sg-${randomUUID()}`;
  if (gatewaySessionId.length >= MIN_SESSION_ID && gatewaySessionId.length <= MAX_SESSION_ID) return gatewaySessionId;
  return `sg-${createHash('sha256').update(gatewaySessionId).digest('hex')}`;
}

/**
 * The invocation payload: `{"prompt": "..."}`, the convention of AgentCore's starter kits
 * (`payload.get("prompt")`). The runtime keeps the conversation under its session id.
 */
export function toAgentCorePayload(call: ChatModelCall): { prompt: string } {
  const last = call.messages[call.messages.length - 1];
  if (!last || last.role !== 'user') throw new GatewayError('invalid_request', 'An agent needs a user message to answer.');
  return { prompt: last.content };
}
