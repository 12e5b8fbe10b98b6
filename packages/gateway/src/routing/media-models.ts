import { GatewayError } from '../errors.js';
import type { ModelPrice } from './model-registry.js';

/** An embedding or image model under a public id. */
export interface MediaModelEntry<M> {
  id: string;
  aliases?: string[];
  provider: string;
  upstreamModelId: string;
  model: M;
  price?: ModelPrice;
}

/** Public ids and aliases -> embedding models, or image models; the first registered is the default. */
export class MediaModels<M> {
  private readonly byName = new Map<string, MediaModelEntry<M>>();
  private readonly entries: MediaModelEntry<M>[] = [];

  constructor(
    private readonly kind: 'embedding' | 'image',
    entries: readonly MediaModelEntry<M>[] = [],
  ) {
    for (const entry of entries) {
      for (const name of [entry.id, ...(entry.aliases ?? [])]) {
        if (this.byName.has(name)) throw new Error(`The ${kind} model id or alias "${name}" is registered twice`);
        this.byName.set(name, entry);
      }
      this.entries.push(entry);
    }
  }

  /** Whether an id or alias names one of these models. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  list(): readonly MediaModelEntry<M>[] {
    return this.entries;
  }

  /** The model for an id or alias, the first one when none is given; `model_not_found` says what exists. */
  resolve(name: string | undefined): MediaModelEntry<M> {
    if (this.entries.length === 0) {
      throw new GatewayError(
        'model_not_found',
        `No ${this.kind} model is configured: enable Bedrock (AWS_REGION and credentials) or add a model with "kind": "${this.kind}" to the models file.`,
      );
    }
    const entry = name === undefined ? this.entries[0]! : this.byName.get(name);
    if (!entry) {
      const available = this.entries.map((candidate) => candidate.id);
      throw new GatewayError('model_not_found', `Unknown ${this.kind} model "${name}". Available: ${available.join(', ')}.`, { details: { available } });
    }
    return entry;
  }
}
