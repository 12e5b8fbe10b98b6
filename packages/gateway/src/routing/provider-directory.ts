import type { Provider, ProviderStatus } from '../providers/provider.js';
import type { DisabledProvider } from './build-models.js';
import type { ModelEntry } from './model-registry.js';

/** One provider on `/ready`. */
export interface ProviderReadiness {
  type: string;
  status: ProviderStatus;
  models: string[];
  message?: string;
  /** The last failed call, while calls keep failing. */
  last_error?: { code: string; at: string };
}

/**
 * Every provider the gateway knows, running or not, with the models each serves. Its state is the
 * provider's own check (credentials resolve, the server answers) worsened by what recent calls saw.
 */
export class ProviderDirectory {
  constructor(
    private readonly providers: readonly Provider[],
    private readonly disabled: readonly DisabledProvider[],
    private readonly modelsByProvider: ReadonlyMap<string, string[]>,
  ) {}

  /** Models supplied by a caller (tests, benchmarks) instead of the configuration: their providers are taken to be up. */
  static ofEntries(entries: readonly ModelEntry[]): ProviderDirectory {
    const models = new Map<string, string[]>();
    for (const entry of entries) models.set(entry.provider, [...(models.get(entry.provider) ?? []), entry.id]);
    return new ProviderDirectory([], [], models);
  }

  async states(): Promise<Record<string, ProviderReadiness>> {
    const states: Record<string, ProviderReadiness> = {};
    const checked = await Promise.all(
      this.providers.map(async (provider) => {
        const state = provider.health.combine(await provider.check());
        const lastError = provider.health.current.consecutiveFailures > 0 ? provider.health.current.lastError : undefined;
        return [provider, state, lastError] as const;
      }),
    );
    for (const [provider, state, lastError] of checked) {
      states[provider.name] = {
        type: provider.type,
        status: state.status,
        models: this.modelsByProvider.get(provider.name) ?? [],
        ...(state.message ? { message: state.message } : {}),
        ...(lastError ? { last_error: { code: lastError.code, at: lastError.at } } : {}),
      };
    }
    for (const provider of this.disabled) {
      states[provider.name] = { type: provider.type, status: 'disabled', models: [], message: provider.reason };
    }
    for (const [name, models] of this.modelsByProvider) {
      states[name] ??= { type: name, status: 'ok', models };
    }
    return states;
  }
}
