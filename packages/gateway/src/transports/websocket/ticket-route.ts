import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebSocketTickets } from '../../access/ticket-store.js';
import { errorResponseSchema } from '../schemas.js';

const ticketSchema = z.object({
  ticket: z.string().describe('Single use: put it in the WebSocket URL as `?ticket=`'),
  expires_at: z.string().describe('ISO 8601'),
  expires_in: z.number().int().describe('Seconds'),
});

/**
 * `POST /v1/ws/tickets`: a browser cannot set headers on a WebSocket, and a key in a URL ends up in
 * logs. An authenticated POST gets a short-lived, single-use ticket for the WebSocket URL instead.
 */
export function registerTicketRoute(app: FastifyInstance, tickets: WebSocketTickets, ttlSeconds: number): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/ws/tickets',
    {
      schema: {
        summary: 'A single-use ticket for a WebSocket URL',
        description: `Authenticate this POST as usual; open \`/v1/ws/chat?ticket=...\` (or \`/ws/sessions/{id}/chat?ticket=...\`) within ${ttlSeconds} s. The ticket works once and acts for the credential that asked for it.`,
        tags: ['chat'],
        response: { 201: ticketSchema, '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function issueTicket(request, reply) {
      const { ticket, expiresAt } = await tickets.issue(request.caller);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ticket, expires_at: expiresAt, expires_in: ttlSeconds });
    },
  );
}
