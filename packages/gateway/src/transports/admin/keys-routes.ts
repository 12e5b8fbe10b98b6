import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KeyManager } from '../../access/key-manager.js';
import { GatewayError } from '../../errors.js';
import type { KeyChanges } from '../../stores/keys/key-store.js';
import { errorResponseSchema } from '../schemas.js';
import { fromWireLimits, keyFieldsSchema, toWireKey, wireKeySchema } from './key-wire.js';

const errors = { '4XX': errorResponseSchema, '5XX': errorResponseSchema };
const params = z.object({ key_id: z.string().min(1).max(100) });
const withSecret = z.object({
  key: wireKeySchema,
  secret: z.string().describe('Shown once: store it now. Only its hash is kept.'),
});

/**
 * `/v1/admin/keys`: managed API keys. Every route needs the admin credential (`config.admin`).
 * `checkModel` throws `model_not_found` for a name that is no chat, embedding or image model.
 */
export function registerKeyRoutes(app: FastifyInstance, keys: KeyManager, checkModel: (name: string) => void): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const config = { admin: true };
  const tags = ['admin'];

  const checkModels = (models: string[] | null | undefined) => {
    for (const model of models ?? []) checkModel(model);
  };
  const found = <T>(value: T | undefined, id: string): T => {
    if (value === undefined) throw new GatewayError('key_not_found', `No API key "${id}".`);
    return value;
  };

  typed.post(
    '/v1/admin/keys',
    {
      config,
      schema: { summary: 'Create an API key (the secret is shown once)', tags, body: keyFieldsSchema, response: { 201: withSecret, ...errors } },
    },
    async function createKey(request, reply) {
      const body = request.body;
      checkModels(body.allowed_models);
      const { key, secret } = await keys.create({
        name: body.name,
        owner: body.owner,
        allowedModels: body.allowed_models ?? null,
        limits: fromWireLimits(body.limits ?? {}),
        budget: body.budget ?? null,
        expiresAt: body.expires_at ?? null,
      });
      request.log.info({ keyId: key.id, owner: key.owner }, 'api key created');
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ key: toWireKey(key), secret });
    },
  );

  typed.get(
    '/v1/admin/keys',
    {
      config,
      schema: {
        summary: 'List API keys',
        tags,
        querystring: z.object({ owner: z.string().optional(), include_revoked: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ keys: z.array(wireKeySchema) }), ...errors },
      },
    },
    async function listKeys(request) {
      const list = await keys.list({
        ...(request.query.owner !== undefined ? { owner: request.query.owner } : {}),
        includeRevoked: request.query.include_revoked === 'true',
      });
      return { keys: list.map((key) => toWireKey(key)) };
    },
  );

  typed.get(
    '/v1/admin/keys/:key_id',
    { config, schema: { summary: 'An API key', tags, params, response: { 200: wireKeySchema, ...errors } } },
    async function getKey(request) {
      return toWireKey(found(await keys.get(request.params.key_id), request.params.key_id));
    },
  );

  typed.patch(
    '/v1/admin/keys/:key_id',
    {
      config,
      schema: { summary: "Change a key's name, owner, models, limits, budget or expiry", tags, params, body: keyFieldsSchema.partial().meta({ example: { name: 'support bot v2', limits: { requests_per_window: 1200 } } }), response: { 200: wireKeySchema, ...errors } },
    },
    async function updateKey(request) {
      const body = request.body;
      checkModels(body.allowed_models);
      const changes: KeyChanges = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.owner !== undefined ? { owner: body.owner } : {}),
        ...(body.allowed_models !== undefined ? { allowedModels: body.allowed_models } : {}),
        ...(body.limits !== undefined ? { limits: fromWireLimits(body.limits) } : {}),
        ...(body.budget !== undefined ? { budget: body.budget } : {}),
        ...(body.expires_at !== undefined ? { expiresAt: body.expires_at } : {}),
      };
      const key = found(await keys.update(request.params.key_id, changes), request.params.key_id);
      request.log.info({ keyId: key.id, changed: Object.keys(changes) }, 'api key updated');
      return toWireKey(key);
    },
  );

  typed.post(
    '/v1/admin/keys/:key_id/rotate',
    {
      config,
      schema: {
        summary: 'Rotate: a new secret; the old one keeps working for the overlap',
        tags,
        params,
        body: z.object({ overlap_seconds: z.number().int().min(0).max(90 * 24 * 3600).optional() }).strict().meta({ example: { overlap_seconds: 3600 } }).optional(),
        response: { 200: withSecret.extend({ previous_secret_expires_at: z.string() }), ...errors },
      },
    },
    async function rotateKey(request, reply) {
      const id = request.params.key_id;
      const existing = found(await keys.get(id), id);
      if (existing.revokedAt !== null) throw new GatewayError('key_revoked', `API key ${id} is revoked; create a new key.`);
      const rotated = found(await keys.rotate(id, request.body?.overlap_seconds), id);
      request.log.info({ keyId: id, previousSecretExpiresAt: rotated.previousExpiresAt }, 'api key rotated');
      reply.header('cache-control', 'no-store');
      return { key: toWireKey(rotated.key), secret: rotated.secret, previous_secret_expires_at: rotated.previousExpiresAt };
    },
  );

  typed.post(
    '/v1/admin/keys/:key_id/revoke',
    { config, schema: { summary: 'Revoke an API key (at once on this instance, within KEY_CACHE_SECONDS on others)', tags, params, response: { 200: wireKeySchema, ...errors } } },
    async function revokeKey(request) {
      const key = found(await keys.revoke(request.params.key_id), request.params.key_id);
      request.log.info({ keyId: key.id }, 'api key revoked');
      return toWireKey(key);
    },
  );
}
