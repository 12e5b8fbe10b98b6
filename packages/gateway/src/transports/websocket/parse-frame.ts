import type { CancelFrame, ChatFrame, ResumeFrame } from '@streamgate/protocol';
import { cancelFrameSchema, chatFrameSchema, resumeFrameSchema } from '@streamgate/protocol/schemas';
import { GatewayError } from '../../errors.js';

export type ClientFrame = { type: 'chat'; frame: ChatFrame } | { type: 'cancel'; frame: CancelFrame } | { type: 'resume'; frame: ResumeFrame } | { type: 'ping' };

/**
 * One text frame from a client, parsed and validated in one step. Returns the frame or the
 * GatewayError to report (with the request id the frame named, where it named one).
 */
export function parseClientFrame(text: string): { ok: true; value: ClientFrame } | { ok: false; error: GatewayError; requestId?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: new GatewayError('malformed_json', `The frame is not valid JSON: ${(error as Error).message}`) };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: new GatewayError('invalid_request', 'A frame is a JSON object.') };
  }
  const record = json as Record<string, unknown>;
  const requestId = typeof record.request_id === 'string' ? record.request_id : undefined;
  const type = record.type ?? 'chat';
  if (type === 'ping') return { ok: true, value: { type: 'ping' } };
  if (type === 'cancel') {
    const parsed = cancelFrameSchema.safeParse(json);
    if (parsed.success) return { ok: true, value: { type: 'cancel', frame: parsed.data } };
    return { ok: false, error: invalid(parsed.error.issues), requestId };
  }
  if (type === 'resume') {
    const parsed = resumeFrameSchema.safeParse(json);
    if (parsed.success) return { ok: true, value: { type: 'resume', frame: parsed.data } };
    return { ok: false, error: invalid(parsed.error.issues), requestId };
  }
  if (type === 'chat') {
    const parsed = chatFrameSchema.safeParse(json);
    if (parsed.success) return { ok: true, value: { type: 'chat', frame: parsed.data } };
    return { ok: false, error: invalid(parsed.error.issues), requestId };
  }
  return {
    ok: false,
    error: new GatewayError('unsupported_message_type', `Unknown message type ${JSON.stringify(type)}; expected "chat", "cancel", "resume" or "ping".`),
    requestId,
  };
}

function invalid(issues: readonly { path: PropertyKey[]; message: string }[]): GatewayError {
  const details = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const first = details[0];
  const code = details.some((issue) => issue.path === 'session_id') ? 'invalid_session_id' : 'invalid_request';
  return new GatewayError(code, first ? `${first.path || 'frame'}: ${first.message}` : undefined, { details });
}
