import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { SessionStore } from '../../stores/session-store.js';
import { errorResponseSchema, sessionParamsSchema } from '../schemas.js';

const turnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  created_at: z.string().describe('ISO 8601'),
  request_id: z.string(),
  status: z.enum(['complete', 'failed', 'cancelled']),
  model: z.string().optional(),
});

const sessionSchema = z.object({
  session_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  turns: z.array(turnSchema),
});

const errors = { '4XX': errorResponseSchema, '5XX': errorResponseSchema };

/** Sessions: create, read the history, delete. A session is visible only to the key that owns it. */
export function registerSessionRoutes(app: FastifyInstance, sessions: SessionStore): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  // `/api/v1/sessions` is the path the design documents give (their apps call it); `/v1/sessions`
  // is the same call beside the other session routes, so that one base URL serves them all.
  for (const [url, summary] of [
    ['/v1/sessions', 'Create a session'],
    ['/api/v1/sessions', 'Create a session (the same as POST /v1/sessions, at the path the design documents give)'],
  ] as const) {
    typed.post(
      url,
      {
        schema: {
          summary,
          tags: ['sessions'],
          response: { 201: z.object({ session_id: z.string(), created_at: z.string() }), ...errors },
        },
      },
      async function createSession(request, reply) {
        const id = randomUUID();
        await sessions.create(id, request.caller.keyId);
        return reply.code(201).send({ session_id: id, created_at: new Date().toISOString() });
      },
    );
  }

  typed.get(
    '/v1/sessions',
    {
      schema: {
        summary: "The caller's sessions, most recently used first",
        tags: ['sessions'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
        response: {
          200: z.object({
            sessions: z.array(
              z.object({
                session_id: z.string(),
                title: z.string().describe('The start of the first message'),
                created_at: z.string(),
                updated_at: z.string(),
                turn_count: z.number().int(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async function listSessions(request) {
      const listed = await sessions.list(request.caller.keyId, request.query.limit);
      return {
        sessions: listed.map((session) => ({
          session_id: session.id,
          title: session.title,
          created_at: session.createdAt,
          updated_at: session.updatedAt,
          turn_count: session.turnCount,
        })),
      };
    },
  );

  typed.get(
    '/v1/sessions/:session_id',
    {
      schema: {
        summary: 'A session and its history',
        tags: ['sessions'],
        params: sessionParamsSchema,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async function getSession(request) {
      const session = await sessions.get(request.params.session_id, request.caller.keyId);
      if (!session) throw new GatewayError('session_not_found', `No session "${request.params.session_id}".`);
      return {
        session_id: session.id,
        created_at: session.createdAt,
        updated_at: session.updatedAt,
        turns: session.turns.map((turn) => ({
          role: turn.role,
          content: turn.content,
          created_at: turn.createdAt,
          request_id: turn.requestId,
          status: turn.status,
          ...(turn.model !== undefined ? { model: turn.model } : {}),
        })),
      };
    },
  );

  typed.delete(
    '/v1/sessions/:session_id',
    {
      schema: {
        summary: 'Delete a session and its history',
        tags: ['sessions'],
        params: sessionParamsSchema,
        response: { 200: z.object({ session_id: z.string(), deleted: z.literal(true) }), ...errors },
      },
    },
    async function deleteSession(request) {
      const deleted = await sessions.delete(request.params.session_id, request.caller.keyId);
      if (!deleted) throw new GatewayError('session_not_found', `No session "${request.params.session_id}".`);
      return { session_id: request.params.session_id, deleted: true as const };
    },
  );
}
