import type { SimulateOptions } from '@streamgate/client';

export interface SimulatorSettingsProps {
  value: SimulateOptions;
  onChange(value: SimulateOptions): void;
}

const FIELDS: { name: keyof SimulateOptions; label: string; placeholder: string }[] = [
  { name: 'ttftMs', label: 'First token after (ms)', placeholder: '150' },
  { name: 'tokensPerSecond', label: 'Tokens per second', placeholder: '50' },
  { name: 'outputTokens', label: 'Reply length (tokens)', placeholder: 'auto' },
  { name: 'failAfterTokens', label: 'Fail after (tokens)', placeholder: 'never' },
];

/** Shapes the built-in simulator's reply (`simulate`): latency, pace, length, and a failure part-way. */
export function SimulatorSettings({ value, onChange }: SimulatorSettingsProps) {
  return (
    <details className="simulator-settings">
      <summary>Simulator settings</summary>
      <div className="simulator-fields">
        {FIELDS.map((field) => (
          <label key={field.name}>
            <span>{field.label}</span>
            <input
              type="number"
              min={0}
              name={field.name}
              placeholder={field.placeholder}
              value={value[field.name] ?? ''}
              onChange={(event) => {
                const number = event.target.value === '' ? undefined : Number(event.target.value);
                const next = { ...value };
                if (number === undefined || !Number.isFinite(number) || number < 0) delete next[field.name];
                else next[field.name] = number;
                onChange(next);
              }}
            />
          </label>
        ))}
      </div>
    </details>
  );
}
