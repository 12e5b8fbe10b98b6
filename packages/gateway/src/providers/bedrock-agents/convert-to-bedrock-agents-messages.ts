import { createHash, randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import type { ChatModelCall } from '../chat-model.js';

/** InvokeAgent session ids: 2-100 characters of letters, digits, `.`, `_`, `:` and `-`. */
const AGENT_SESSION_ID = /^[0-9a-zA-Z._:-]{2,100}$/;

/**
 * The agent keeps the conversation itself, under its session id: it is sent only the new message,
 * and the gateway session maps to one agent session so that a conversation continues. Ids the agent
 * would refuse are replaced by a stable hash of themselves.
 */
export function toAgentSessionId(gatewaySessionId: string | undefined): string {
  if (gatewaySessionId === undefined) return randomUUID();
  if (AGENT_SESSION_ID.test(gatewaySessionId)) return gatewaySessionId;
  return `sg-${createHash('sha256').update(gatewaySessionId).digest('hex').slice(0, 48)}`;
}

/** The new user message: the only text an agent is sent. */
export function toAgentInputText(call: ChatModelCall): string {
  const last = call.messages[call.messages.length - 1];
  if (!last || last.role !== 'user') throw new GatewayError('invalid_request', 'An agent needs a user message to answer.');
  return last.content;
}

/** `AGENTID/ALIASID` (the model registry's upstream id for an agent) split in two. */
export function parseAgentTarget(upstreamModelId: string): { agentId: string; agentAliasId: string } {
  const [agentId, agentAliasId, ...rest] = upstreamModelId.split('/');
  if (!agentId || !agentAliasId || rest.length > 0) {
    throw new Error(`A Bedrock agent is named "AGENT_ID/ALIAS_ID", got "${upstreamModelId}"`);
  }
  return { agentId, agentAliasId };
}
