import { GatewayError } from '../errors.js';
import type { ChatModel } from '../providers/chat-model.js';

/** US dollars per million tokens, for the cost of usage records. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** What a call cost in US dollars, from its price (zero without one), to 1e-8 dollars. */
export function costOf(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  const cost = (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
  return Math.round(cost * 1e8) / 1e8;
}

export interface ModelEntry {
  /** The public id clients send as `model`. */
  id: string;
  aliases?: string[];
  /** The provider's name, shown on `/ready` and in usage records. */
  provider: string;
  /** The provider's own id for the model. */
  upstreamModelId: string;
  model: ChatModel;
  price?: ModelPrice;
}

export interface ResolvedModel {
  id: string;
  provider: string;
  upstreamModelId: string;
  model: ChatModel;
  /** Absent when the models file gives none (the simulator, models from the environment). */
  price?: ModelPrice;
}

/** Public model ids and aliases -> the model that serves them. */
export class ModelRegistry {
  private readonly byName = new Map<string, ModelEntry>();
  private readonly entries: ModelEntry[] = [];

  constructor(entries: ModelEntry[], readonly defaultModel: string) {
    for (const entry of entries) this.add(entry);
    if (!this.byName.has(defaultModel)) {
      throw new Error(`The default model "${defaultModel}" is not registered (registered: ${this.ids().join(', ')})`);
    }
  }

  private add(entry: ModelEntry): void {
    for (const name of [entry.id, ...(entry.aliases ?? [])]) {
      if (this.byName.has(name)) throw new Error(`The model id or alias "${name}" is registered twice`);
      this.byName.set(name, entry);
    }
    this.entries.push(entry);
  }

  ids(): string[] {
    return this.entries.map((entry) => entry.id);
  }

  list(): readonly ModelEntry[] {
    return this.entries;
  }

  /** The model for an id or alias (the default when none is given); `model_not_found` names the choices. */
  resolve(name: string | undefined): ResolvedModel {
    const entry = this.byName.get(name ?? this.defaultModel);
    if (!entry) {
      throw new GatewayError('model_not_found', `Unknown model "${name}". Available models: ${this.ids().join(', ')}.`, {
        details: { available: this.ids() },
      });
    }
    return {
      id: entry.id,
      provider: entry.provider,
      upstreamModelId: entry.upstreamModelId,
      model: entry.model,
      ...(entry.price ? { price: entry.price } : {}),
    };
  }
}
