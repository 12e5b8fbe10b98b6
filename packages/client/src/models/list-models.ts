import type { CallOptions } from '../chat/chat-request.js';
import type { HttpClient } from '../http/http-client.js';
import { createRequestId } from '../shared/request-id.js';
import { isFiniteNumber, isRecord } from '../shared/validate.js';
import type { Model } from './model.js';

/** `GET /v1/models` (OpenAI's shape: `{object: "list", data: [{id, object: "model", created, owned_by}]}`). */
export function listModels(http: HttpClient, options: CallOptions = {}): Promise<Model[]> {
  return http.json({ method: 'GET', path: '/v1/models', requestId: createRequestId(), signal: options.signal }, readModelList);
}

function readModelList(body: unknown): Model[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.data)) return undefined;
  const models = body.data.map(readModel);
  return models.some((model) => model === undefined) ? undefined : (models as Model[]);
}

function readModel(value: unknown): Model | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.owned_by !== 'string') return undefined;
  const kind = value.kind === 'chat' || value.kind === 'embedding' || value.kind === 'image' ? value.kind : undefined;
  return { id: value.id, ownedBy: value.owned_by, created: isFiniteNumber(value.created) ? value.created : 0, ...(kind ? { kind } : {}) };
}
