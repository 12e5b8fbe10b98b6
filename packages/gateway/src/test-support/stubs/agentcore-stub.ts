import type { StubStep } from './stub-step.js';
import { sseEvent, startHttpStub, type HttpStub, type HttpStubReply, type HttpStubRequest } from './http-stub.js';

/** An InvokeAgentRuntime request: the decoded runtime ARN, the session and user headers, the payload. */
export interface AgentCoreStubRequest extends HttpStubRequest {
  agentRuntimeArn: string;
  qualifier: string | null;
  runtimeSessionId: string | undefined;
  runtimeUserId: string | undefined;
}

export type AgentCoreStubReply = HttpStubReply | { error: { status: number; type: string; message?: string } };

/**
 * A Bedrock AgentCore data plane on 127.0.0.1 (HTTP/1.1, as the SDK client speaks it):
 * `POST /runtimes/{url-encoded ARN}/invocations` answered with the raw body an agent returns,
 * Server-Sent Events or JSON.
 *
 * @example
 * const stub = await startAgentCoreStub(() => ({ contentType: 'text/event-stream', steps: agentCoreSseSteps(['Hi', ' there']) }));
 */
export async function startAgentCoreStub(answer: (request: AgentCoreStubRequest) => AgentCoreStubReply | Promise<AgentCoreStubReply>): Promise<HttpStub> {
  return startHttpStub(async (request) => {
    const match = /^\/runtimes\/([^/]+)\/invocations$/.exec(request.path);
    if (!match || request.method !== 'POST') {
      return { status: 404, headers: { 'x-amzn-errortype': 'UnknownOperationException' }, json: { message: 'unknown operation' } };
    }
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const reply = await answer(
      Object.assign(request, {
        agentRuntimeArn: decodeURIComponent(match[1]!),
        qualifier: request.query.get('qualifier'),
        runtimeSessionId: header('x-amzn-bedrock-agentcore-runtime-session-id'),
        runtimeUserId: header('x-amzn-bedrock-agentcore-runtime-user-id'),
      }),
    );
    if ('error' in reply) {
      return { status: reply.error.status, headers: { 'x-amzn-errortype': reply.error.type }, json: { message: reply.error.message ?? reply.error.type } };
    }
    return reply;
  });
}

/** An agent's streamed reply as SSE steps, each piece a JSON string (`data: "text"`), as BedrockAgentCoreApp sends it. */
export function agentCoreSseSteps(pieces: readonly unknown[]): StubStep<string>[] {
  return pieces.map((piece) => ({ send: sseEvent(piece) }));
}
