import type { GatewayError } from '../../errors.js';
import { mapAwsError } from '../aws/map-aws-error.js';
import type { MapErrorOptions } from '../upstream-connection.js';

/**
 * A failure of InvokeAgentRuntime as a GatewayError: the Bedrock exceptions, plus RuntimeClientError
 * (the agent's own code failed: `upstream_error`, not retried, since the agent may have acted) and
 * RetryableConflictException (the session is busy: `upstream_error`, retried).
 */
export function agentCoreError(error: unknown, options: MapErrorOptions = {}): GatewayError {
  return mapAwsError(error, 'AgentCore', options);
}
