import type { SimulateOptions, Transport } from '@streamgate/client';
import type { ModelOption } from '../gateway/load-models.js';

/** What the next message is sent with; shared by the chat and the comparison. */
export interface ChatSettings {
  /** A model id, or `''` for the gateway's default. */
  model: string;
  transport: Transport;
  simulate: SimulateOptions;
}

export const defaultSettings: ChatSettings = { model: '', transport: 'websocket', simulate: {} };

/** Whether the simulator may answer: the chosen model is one of its, or the default with a simulator present. */
export function usesSimulator(models: readonly ModelOption[], model: string): boolean {
  if (model === '') return models.some((option) => option.providerType === 'simulator');
  return models.some((option) => option.id === model && option.providerType === 'simulator');
}

/** `simulate` for a request: only for the simulator, and only when something is set. */
export function simulateFor(settings: ChatSettings, models: readonly ModelOption[]): SimulateOptions | undefined {
  return usesSimulator(models, settings.model) && Object.keys(settings.simulate).length > 0 ? settings.simulate : undefined;
}
