import type { Model, SimulateOptions, Transport } from '@streamgate/client';

/** What the next message is sent with; shared by the chat and the comparison. */
export interface ChatSettings {
  /** A model id, or `''` for the gateway's default. */
  model: string;
  transport: Transport;
  simulate: SimulateOptions;
}

export const defaultSettings: ChatSettings = { model: '', transport: 'websocket', simulate: {} };

/**
 * Whether the simulator may answer: the chosen model is one of its, or the default with a simulator
 * present. `GET /v1/models` names each model's provider in `owned_by`; the built-in one is `simulator`.
 */
export function usesSimulator(models: readonly Model[], model: string): boolean {
  if (model === '') return models.some((option) => option.ownedBy === 'simulator');
  return models.some((option) => option.id === model && option.ownedBy === 'simulator');
}

/** `simulate` for a request: only for the simulator, and only when something is set. */
export function simulateFor(settings: ChatSettings, models: readonly Model[]): SimulateOptions | undefined {
  return usesSimulator(models, settings.model) && Object.keys(settings.simulate).length > 0 ? settings.simulate : undefined;
}
