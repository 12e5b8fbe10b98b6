import { useEffect, useRef, useState, type FormEvent } from 'react';
import { simulateFor, usesSimulator, type ChatSettings } from '../chat/chat-settings.js';
import { ModelPicker } from '../chat/pickers.js';
import { SimulatorSettings } from '../chat/simulator-settings.js';
import type { Model, StreamGateClient } from '@streamgate/client';
import type { Problem } from '../status/describe-problem.js';
import { ArrivalChart } from './arrival-chart.js';
import { ResultsTable } from './results-table.js';
import { runComparison, waitingRuns, type TransportRun } from './run-comparison.js';

export interface CompareViewProps {
  client: StreamGateClient;
  models: readonly Model[];
  settings: ChatSettings;
  onSettings(settings: ChatSettings): void;
  onProblem(problem: Problem): void;
}

/** One prompt over WebSocket, SSE and REST, one after another, with their timings side by side. */
export function CompareView({ client, models, settings, onSettings, onProblem }: CompareViewProps) {
  const [prompt, setPrompt] = useState('Explain in a few paragraphs how streaming over a WebSocket differs from Server-Sent Events.');
  const [runs, setRuns] = useState<TransportRun[]>(waitingRuns);
  const [running, setRunning] = useState(false);
  const [dropAfter, setDropAfter] = useState('');
  const controller = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => controller.current?.abort(), []);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (running || prompt.trim() === '') return;
    const current = new AbortController();
    controller.current = current;
    setRunning(true);
    const simulate = simulateFor(settings, models);
    const dropAfterChunks = Number(dropAfter);
    try {
      const finished = await runComparison(
        client,
        { message: prompt, ...(settings.model ? { model: settings.model } : {}), ...(simulate ? { simulate } : {}) },
        setRuns,
        current.signal,
        Number.isInteger(dropAfterChunks) && dropAfterChunks > 0 ? { dropAfterChunks } : {},
      );
      const refused = finished.find((result) => result.problem?.kind === 'unauthorized');
      if (refused?.problem) onProblem(refused.problem);
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="compare" aria-label="Compare transports">
      <form className="compare-form" onSubmit={run}>
        <textarea name="prompt" aria-label="Prompt" rows={3} value={prompt} onChange={(event) => setPrompt(event.target.value)} />
        <div className="options">
          <ModelPicker models={models} value={settings.model} onChange={(model) => onSettings({ ...settings, model })} />
          {usesSimulator(models, settings.model) && <SimulatorSettings value={settings.simulate} onChange={(simulate) => onSettings({ ...settings, simulate })} />}
          <label className="drop-after">
            <span>Drop the connection after</span>
            <input type="number" name="dropAfterChunks" min={1} placeholder="never" value={dropAfter} onChange={(event) => setDropAfter(event.target.value)} />
            <span>chunks</span>
          </label>
          {running ? (
            <button type="button" className="stop" onClick={() => controller.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={prompt.trim() === ''}>
              Run over all three
            </button>
          )}
        </div>
      </form>
      <p className="hint">
        The same prompt goes over each transport in turn, each in a new session; times are measured in this browser from the moment the request is
        issued. The WebSocket is opened first, so its handshake is not counted. With a drop, WebSocket and SSE each lose their connection
        part-way and resume where they stopped; REST cannot, its reply arrives whole.
      </p>
      <ResultsTable runs={runs} />
      <ArrivalChart runs={runs} />
    </section>
  );
}
