/**
 * The timings that keep a stream alive through every hop, in one place: the gateway's configuration takes
 * its defaults from here and the AWS deployment (`packages/infra`) sizes the load balancer, CloudFront and
 * ECS from the same numbers, so the two cannot drift apart.
 *
 * Why each bound (see shared/AWS-NOTES.md):
 * - CloudFront's origin read timeout (default 30 s) also applies between the packets of a streamed
 *   response, and an ALB's idle timeout (default 60 s) is reset only by data bytes: a heartbeat must
 *   come well inside both.
 * - Fargate sends SIGKILL at most 120 s after SIGTERM: draining must end before that.
 */
export const STREAM_TIMING = {
  /** An SSE comment or WebSocket ping at least this often while a stream or socket is quiet. */
  heartbeatIntervalMs: 15_000,
  /** How long a stopping gateway lets running streams finish before it closes them. */
  drainTimeoutMs: 30_000,
  /** The longest `stopTimeout` Fargate accepts: SIGKILL follows SIGTERM after at most this. */
  fargateMaxStopTimeoutSeconds: 120,
} as const;

export type StreamTiming = typeof STREAM_TIMING;
