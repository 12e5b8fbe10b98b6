import type { WireMetrics, WireUsage } from './sse-event.js';
import type { StopReason } from './stream-event.js';

/** The body of a successful `POST /v1/chat`. */
export interface ChatResponseBody {
  message: string;
  session_id: string;
  model: string;
  request_id: string;
  stop_reason: StopReason;
  usage: WireUsage;
  metrics: WireMetrics;
}
