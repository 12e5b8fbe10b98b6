import type { Model, Transport } from '@streamgate/client';
import { TRANSPORT_NAMES, TRANSPORTS } from './transports.js';

export function ModelPicker({ models, value, onChange }: { models: readonly Model[]; value: string; onChange(model: string): void }) {
  return (
    <label className="picker">
      <span>Model</span>
      <select name="model" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Gateway default</option>
        {models.filter((model) => model.kind === undefined || model.kind === 'chat').map((model) => (
          <option key={model.id} value={model.id}>
            {model.id} ({model.ownedBy})
          </option>
        ))}
      </select>
    </label>
  );
}

export function TransportPicker({ value, onChange, disabled }: { value: Transport; onChange(transport: Transport): void; disabled?: boolean }) {
  return (
    <fieldset className="transport-picker" disabled={disabled}>
      <legend>Transport</legend>
      {TRANSPORTS.map((transport) => (
        <label key={transport} className={value === transport ? 'selected' : undefined}>
          <input type="radio" name="transport" value={transport} checked={value === transport} onChange={() => onChange(transport)} />
          {TRANSPORT_NAMES[transport]}
        </label>
      ))}
    </fieldset>
  );
}
