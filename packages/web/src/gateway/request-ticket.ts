import { StreamGateError } from '@streamgate/client';
import { errorFromResponse, fetchFromGateway, isRecord } from './gateway-error.js';

/**
 * A single-use WebSocket ticket (`POST /v1/ws/tickets`): browsers cannot put the key on a WebSocket
 * upgrade, and a key in a URL would end up in logs. Also the app's check that a key is accepted.
 * Throws a StreamGateError: `unauthorized` for a bad key, `network_error` when unreachable.
 */
export async function requestTicket(baseUrl: string, apiKey: string, fetchFunction?: typeof fetch): Promise<string> {
  const response = await fetchFromGateway(
    `${baseUrl}/v1/ws/tickets`,
    { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, cache: 'no-store' },
    fetchFunction,
  );
  if (!response.ok) throw await errorFromResponse(response);
  const body: unknown = await response.json().catch(() => undefined);
  if (!isRecord(body) || typeof body.ticket !== 'string') {
    throw new StreamGateError('invalid_response', 'The gateway answered the ticket request without a ticket.', { retryable: false });
  }
  return body.ticket;
}
