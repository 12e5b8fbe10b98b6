import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PUBLIC_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const publicId = z.string().regex(PUBLIC_ID, 'a model id is 1-128 characters of letters, digits, ".", "_", ":", "/" or "-"');
const providerName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a provider name is lower-case letters, digits and "-"');

const targetSchema = z
  .object({
    provider: providerName,
    upstream: z.string().min(1).max(2048),
    /** Share of traffic, relative to the other targets (default 1). */
    weight: z.number().min(0).max(1_000_000).optional(),
    streaming: z.boolean().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const modelSchema = z
  .object({
    id: publicId,
    aliases: z.array(publicId).optional(),
    kind: z.enum(['chat', 'embedding', 'image']).optional(),
    provider: providerName.optional(),
    upstream: z.string().min(1).max(2048).optional(),
    targets: z.array(targetSchema).min(1).optional(),
    streaming: z.boolean().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    price: z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) }).strict().optional(),
    timeouts: z
      .object({ firstTokenMs: z.number().int().min(1).max(3_600_000).optional(), totalMs: z.number().int().min(1).max(4 * 3_600_000).optional() })
      .strict()
      .optional(),
    retries: z.number().int().min(0).max(10).optional(),
    fallbacks: z.array(publicId).optional(),
  })
  .strict()
  .superRefine((model, context) => {
    const single = model.provider !== undefined || model.upstream !== undefined;
    if (single && model.targets) context.addIssue({ code: 'custom', message: 'give either provider + upstream or targets, not both' });
    if (!model.targets && (model.provider === undefined || model.upstream === undefined)) {
      context.addIssue({ code: 'custom', message: 'give provider and upstream (or targets)' });
    }
    if (model.targets && model.targets.every((target) => target.weight === 0)) {
      context.addIssue({ code: 'custom', path: ['targets'], message: 'at least one target needs a weight above 0' });
    }
    if ((model.kind ?? 'chat') !== 'chat' && (model.fallbacks || model.targets)) {
      context.addIssue({ code: 'custom', message: 'fallbacks and targets are for chat models only' });
    }
  });

const providerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('openai-compatible'),
      baseUrl: z.url({ protocol: /^https?$/, message: 'baseUrl must be an http(s) URL, such as http://127.0.0.1:8000/v1' }),
      /** The key itself; prefer `apiKeyEnv` so that the file holds no secret. */
      apiKey: z.string().min(1).optional(),
      /** The environment variable that holds the key. */
      apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  z
    .object({
      type: z.enum(['bedrock', 'bedrock-agents', 'agentcore']),
      /** Another region than AWS_REGION (a cross-region fallback). */
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region looks like us-east-1').optional(),
      endpoint: z.url().optional(),
    })
    .strict(),
]);

/**
 * The models file (`MODELS_FILE`, JSON): named upstreams and the public models that route to them.
 * See `models.example.json` at the repository root and the README.
 */
export const modelsFileSchema = z
  .object({
    $schema: z.string().optional(),
    default: publicId.optional(),
    providers: z.record(providerName, providerSchema).optional(),
    models: z.array(modelSchema),
  })
  .strict();

export type ModelsFile = z.infer<typeof modelsFileSchema>;
export type ModelSpec = z.infer<typeof modelSchema>;
export type TargetSpec = z.infer<typeof targetSchema>;
export type ProviderSpec = z.infer<typeof providerSchema>;

/** Reads and validates a models file; each problem names the file and the path inside it. */
export function readModelsFile(file: string): { value: ModelsFile } | { problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [`MODELS_FILE: cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problems: [`MODELS_FILE: "${file}" is not valid JSON: ${(error as Error).message}`] };
  }
  const result = modelsFileSchema.safeParse(raw);
  if (!result.success) {
    return {
      problems: result.error.issues.map((issue) => `MODELS_FILE: ${file}: ${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`),
    };
  }
  return { value: result.data };
}
