import type { Provider } from '../provider.js';
import { ProviderHealth } from '../provider-health.js';
import { SimulatorChatModel, type SimulatorDefaults } from './simulator-chat-model.js';

/** The built-in model as a provider, so that the models file can route to it (a demo fallback, a test target). */
export function createSimulatorProvider(defaults: SimulatorDefaults): Provider {
  const model = new SimulatorChatModel(defaults);
  return {
    name: 'simulator',
    type: 'simulator',
    health: new ProviderHealth(),
    chatModel: () => model,
    check: async () => ({ status: 'ok' }),
    close: async () => {},
  };
}
