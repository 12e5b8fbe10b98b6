import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatEngine } from '../../engine/chat-engine.js';
import type { ProviderDirectory } from '../../routing/provider-directory.js';

const checkSchema = z.object({
  status: z.enum(['ok', 'degraded', 'error']).describe('`degraded`: serving, with a fallback'),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const readySchema = z.object({
  status: z.enum(['ready', 'not_ready', 'draining']),
  checks: z.record(z.string(), checkSchema),
  providers: z
    .record(
      z.string(),
      z.object({
        type: z.string(),
        status: z.enum(['ok', 'degraded', 'error', 'disabled']),
        models: z.array(z.string()),
        message: z.string().optional(),
        last_error: z.object({ code: z.string(), at: z.string() }).optional(),
      }),
    )
    .describe("Each provider's state: its own check (credentials, reachability) and recent calls. Providers do not make the gateway not ready: every instance shares them."),
  active_streams: z.number().int(),
});

/** `/health` (the process is up) and `/ready` (it can serve: each dependency's state). No key needed. */
export function registerHealthRoutes(
  app: FastifyInstance,
  engine: ChatEngine,
  providers: ProviderDirectory,
  dependencyChecks: () => Promise<Record<string, z.infer<typeof checkSchema>>>,
): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/health',
    {
      config: { public: true, rateLimit: false, requestLogLevel: 'debug' },
      schema: { summary: 'Liveness', tags: ['system'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async function health() {
      return { status: 'ok' as const };
    },
  );

  typed.get(
    '/ready',
    {
      config: { public: true, rateLimit: false, requestLogLevel: 'debug' },
      schema: { summary: 'Readiness, with each dependency', tags: ['system'], response: { 200: readySchema, 503: readySchema } },
    },
    async function ready(_request, reply) {
      const checks = await dependencyChecks();
      const providerStates = await providers.states();
      const healthy = Object.values(checks).every((check) => check.status !== 'error');
      const status = engine.isDraining ? 'draining' : healthy ? 'ready' : 'not_ready';
      return reply.code(status === 'ready' ? 200 : 503).send({ status, checks, providers: providerStates, active_streams: engine.activeCount });
    },
  );
}
