import { TextDecoder } from 'node:util';
import { InvokeAgentCommand, type BedrockAgentRuntimeClient, type ResponseStream } from '@aws-sdk/client-bedrock-agent-runtime';
import { GatewayError } from '../../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../chat-model.js';
import { estimateInputTokens, estimateOutputTokens } from '../token-estimate.js';
import { AgentUsage } from './agent-usage.js';
import { bedrockAgentsError } from './bedrock-agents-error.js';
import { parseAgentTarget, toAgentInputText, toAgentSessionId } from './convert-to-bedrock-agents-messages.js';
import { mapBedrockAgentsFinishReason } from './map-bedrock-agents-finish-reason.js';

export interface BedrockAgentsChatModelSettings {
  /** `streamFinalResponse`: the answer arrives in pieces instead of one chunk at the end. */
  streaming: boolean;
  /** Forward the agent's reasoning, tool calls and retrievals as `trace` events. */
  enableTrace: boolean;
  /** Long-term memory id, for agents with memory enabled. */
  memoryId?: string;
}

const EXCEPTION_MEMBERS = [
  'accessDeniedException',
  'badGatewayException',
  'conflictException',
  'dependencyFailedException',
  'internalServerException',
  'modelNotReadyException',
  'resourceNotFoundException',
  'serviceQuotaExceededException',
  'throttlingException',
  'validationException',
] as const;

/**
 * A Bedrock agent alias through InvokeAgent. Its final response is streamed (`streamFinalResponse`),
 * its traces become `trace` parts, and the gateway session is the agent session.
 */
export class BedrockAgentsChatModel implements ChatModel {
  constructor(
    private readonly client: BedrockAgentRuntimeClient,
    private readonly settings: BedrockAgentsChatModelSettings,
  ) {}

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    const { agentId, agentAliasId } = parseAgentTarget(call.upstreamModelId);
    const inputText = toAgentInputText(call);
    let response;
    try {
      response = await this.client.send(
        new InvokeAgentCommand({
          agentId,
          agentAliasId,
          sessionId: toAgentSessionId(call.sessionId),
          inputText,
          enableTrace: this.settings.enableTrace,
          ...(this.settings.memoryId ? { memoryId: this.settings.memoryId } : {}),
          streamingConfigurations: { streamFinalResponse: this.settings.streaming },
        }),
        { abortSignal: call.signal },
      );
    } catch (error) {
      if (call.signal.aborted) return;
      throw bedrockAgentsError(error);
    }
    if (!response.completion) throw new GatewayError('upstream_bad_response', 'Bedrock Agents answered without an event stream.');
    // A multi-byte character may be split between two chunks.
    const decoder = new TextDecoder('utf-8');
    const usage = new AgentUsage();
    let outputCharacters = 0;
    let returnedControl = false;
    try {
      for await (const event of response.completion) {
        if (call.signal.aborted) return;
        const part = this.toPart(event, decoder, usage);
        if (!part) continue;
        if (part.type === 'delta') outputCharacters += part.text.length;
        if (part.type === 'trace' && (part.data as { type?: string }).type === 'return_control') returnedControl = true;
        yield part;
      }
      const tail = decoder.decode();
      if (tail) yield { type: 'delta', text: tail };
    } catch (error) {
      if (call.signal.aborted) return;
      throw bedrockAgentsError(error, { midStream: true });
    }
    if (call.signal.aborted) return;
    yield {
      type: 'finish',
      stopReason: mapBedrockAgentsFinishReason(returnedControl),
      usage: usage.total() ?? { inputTokens: estimateInputTokens(call), outputTokens: estimateOutputTokens(outputCharacters) },
    };
  }

  private toPart(event: ResponseStream, decoder: TextDecoder, usage: AgentUsage): ChatModelPart | undefined {
    if (event.chunk) {
      const text = event.chunk.bytes ? decoder.decode(event.chunk.bytes, { stream: true }) : '';
      return text ? { type: 'delta', text } : undefined;
    }
    if (event.trace) {
      usage.add(event.trace.trace);
      return {
        type: 'trace',
        data: {
          type: 'agent_trace',
          agent_id: event.trace.agentId,
          agent_alias_id: event.trace.agentAliasId,
          session_id: event.trace.sessionId,
          event_time: event.trace.eventTime instanceof Date ? event.trace.eventTime.toISOString() : event.trace.eventTime,
          ...(event.trace.collaboratorName ? { collaborator_name: event.trace.collaboratorName } : {}),
          trace: event.trace.trace,
        },
      };
    }
    if (event.returnControl) return { type: 'trace', data: { type: 'return_control', ...event.returnControl } };
    if (event.files) return { type: 'trace', data: { type: 'files', files: event.files.files?.map((file) => ({ name: file.name, type: file.type })) } };
    for (const member of EXCEPTION_MEMBERS) {
      const value = (event as unknown as Record<string, unknown>)[member] as { message?: string } | undefined;
      if (value) throw bedrockAgentsError({ name: member.charAt(0).toUpperCase() + member.slice(1), message: value.message ?? '' });
    }
    return undefined;
  }
}
