import type { GatewayError } from '../../errors.js';
import { mapAwsError } from '../aws/map-aws-error.js';
import type { MapErrorOptions } from '../upstream-connection.js';

/**
 * A failure of InvokeAgent, before or during its stream, as a GatewayError. Beyond the Bedrock
 * runtime's exceptions, agents add BadGatewayException (-> `upstream_error`), DependencyFailedException
 * (an action group's Lambda failed: `upstream_error`, not retried) and ConflictException (the session
 * is busy with another request: `upstream_error`, not retried).
 */
export function bedrockAgentsError(error: unknown, options: MapErrorOptions = {}): GatewayError {
  return mapAwsError(error, 'Bedrock Agents', options);
}
