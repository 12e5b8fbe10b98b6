import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keyIdOf } from '../../access/api-keys.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { TestSocket } from '../../test-support/ws-client.js';
import { agentCoreSseSteps, startAgentCoreStub, type AgentCoreStubReply, type AgentCoreStubRequest } from '../../test-support/stubs/agentcore-stub.js';
import type { HttpStub } from '../../test-support/stubs/http-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';
import { gate } from '../../test-support/stubs/stub-step.js';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/orders_agent-AbCdE12345';

describe('an AgentCore runtime through the gateway', () => {
  let stub: HttpStub;
  let gateway: TestGateway;
  let reply: (request: AgentCoreStubRequest) => AgentCoreStubReply = () => ({ json: 'ok' });
  const requests: AgentCoreStubRequest[] = [];

  before(async () => {
    stub = await startAgentCoreStub((request) => {
      requests.push(request);
      return reply(request);
    });
    gateway = await startGateway({ ...stubAwsEnvironment('http://127.0.0.1:9', stub.url), AGENT_RUNTIME_ARN: ARN, AGENT_RUNTIME_QUALIFIER: 'prod' });
  });
  after(async () => {
    await gateway.close();
    await stub.close();
  });

  it('streams over a WebSocket the SSE body of AGENT_RUNTIME_ARN, delta by delta, with session and user ids', async () => {
    const hold = gate();
    reply = () => ({ contentType: 'text/event-stream', steps: [...agentCoreSseSteps(['The order']), { wait: hold.promise }, ...agentCoreSseSteps([' has shipped.'])] });
    const socket = await TestSocket.open(`${gateway.wsUrl}/v1/ws/chat`, gateway.headers);
    try {
      socket.send({ message: 'Where is my order?', model: 'agentcore', request_id: 'r1' });
      await socket.next((frame) => frame.request_id === 'r1' && frame.event === 'message');
      hold.release();
      const frames = await socket.request('r1');
      assert.deepEqual(frames.map((frame) => frame.event), ['start', 'message', 'message', 'done']);
      assert.deepEqual(frames.filter((frame) => frame.event === 'message').map((frame) => frame.content), ['The order', ' has shipped.']);
      const request = requests.at(-1)!;
      assert.equal(request.agentRuntimeArn, ARN);
      assert.equal(request.qualifier, 'prod');
      assert.equal(request.runtimeUserId, keyIdOf(gateway.key), "the caller's key id, never the key");
      assert.ok(request.runtimeSessionId!.length >= 33);
      assert.deepEqual(request.body, { prompt: 'Where is my order?' });

      reply = () => ({ json: { result: 'Still shipped.' } });
      socket.send({ message: 'And now?', model: 'agentcore', session_id: frames[0]!.session_id, request_id: 'r2' });
      const second = await socket.request('r2');
      assert.equal(second.find((frame) => frame.event === 'message')!.content, 'Still shipped.');
      assert.equal(requests.at(-1)!.runtimeSessionId, request.runtimeSessionId, 'one gateway session is one runtime session');
    } finally {
      socket.close();
    }
  });
});
