import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { z } from 'zod';
import { GatewayError } from '../../errors.js';
import { parseJson } from '../parse-json.js';
import { bedrockError } from './bedrock-error.js';

/** InvokeModel with a JSON body, its answer parsed and validated in one step (`what` names it in errors). */
export async function invokeModelJson<T>(
  client: BedrockRuntimeClient,
  request: { modelId: string; body: unknown; signal: AbortSignal; what: string },
  schema: z.ZodType<T>,
): Promise<T> {
  let response;
  try {
    response = await client.send(
      new InvokeModelCommand({ modelId: request.modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(request.body) }),
      { abortSignal: request.signal },
    );
  } catch (error) {
    if (request.signal.aborted) throw new GatewayError('cancelled');
    throw bedrockError(error);
  }
  const parsed = parseJson(Buffer.from(response.body ?? new Uint8Array()).toString('utf8'), schema);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', `Bedrock returned ${request.what} that is ${parsed.error}.`);
  return parsed.data;
}
