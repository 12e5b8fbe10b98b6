import { StreamGateError, type Model, type StreamGateClient } from '@streamgate/client';
import { useEffect, useRef } from 'react';
import { SessionList } from '../sessions/session-list.js';
import type { Sessions } from '../sessions/use-sessions.js';
import type { Problem } from '../status/describe-problem.js';
import { ProblemNotice } from '../status/problem-notice.js';
import { simulateFor, usesSimulator, type ChatSettings } from './chat-settings.js';
import { Composer } from './composer.js';
import { MessageView } from './message-view.js';
import { ModelPicker, TransportPicker } from './pickers.js';
import { SimulatorSettings } from './simulator-settings.js';
import { useChat } from './use-chat.js';

export interface ChatViewProps {
  client: StreamGateClient;
  models: readonly Model[];
  settings: ChatSettings;
  onSettings(settings: ChatSettings): void;
  sessions: Sessions;
  onProblem(problem: Problem): void;
}

/** The chat: sessions on the side, the conversation streaming in, and what to send it with. */
export function ChatView({ client, models, settings, onSettings, sessions, onProblem }: ChatViewProps) {
  const chat = useChat(client, { onSession: sessions.save, onProblem });
  const { messages, running, sessionId } = chat.state;
  const end = useRef<HTMLDivElement>(null);
  const last = messages[messages.length - 1];
  useEffect(() => {
    // Braces: newer browsers return a promise from scrollIntoView, and an effect may return only a clean-up.
    void end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, last?.text, last?.status]);

  const send = (message: string) => {
    const simulate = simulateFor(settings, models);
    chat.send({ message, transport: settings.transport, ...(settings.model ? { model: settings.model } : {}), ...(simulate ? { simulate } : {}) });
  };
  const open = (id: string) =>
    chat.open(id).catch((error: unknown) => {
      if (error instanceof StreamGateError && error.code === 'session_not_found') sessions.remove(id);
    });
  const remove = async (id: string) => {
    await client.sessions.delete(id).catch((error: unknown) => {
      if (!(error instanceof StreamGateError && error.code === 'session_not_found')) throw error;
    });
    sessions.remove(id);
    if (id === sessionId) chat.startNew();
  };

  return (
    <div className="chat-layout">
      <SessionList
        sessions={sessions.entries}
        problem={sessions.problem}
        onReload={sessions.reload}
        activeId={sessionId}
        onOpen={open}
        onDelete={(id) => void remove(id).catch(() => undefined)}
        onNew={chat.startNew}
      />
      <section className="chat-main" aria-label="Chat">
        <div className="messages" aria-live="polite">
          {chat.loadingHistory && <p className="hint">Loading the history…</p>}
          {chat.historyProblem && <ProblemNotice problem={chat.historyProblem} />}
          {messages.length === 0 && !chat.loadingHistory && !chat.historyProblem && (
            <div className="empty-chat">
              <h2>Ask anything</h2>
              <p>Replies stream in over the transport you pick below, with their timings.</p>
            </div>
          )}
          {messages.map((message) => (
            <MessageView key={message.id} message={message} {...(running ? {} : { onRetry: (failed) => chat.send(failed.request!) })} />
          ))}
          <div ref={end} />
        </div>
        <div className="composer-area">
          <Composer running={running !== undefined} onSend={send} onStop={chat.stop} />
          <div className="options">
            <ModelPicker models={models} value={settings.model} onChange={(model) => onSettings({ ...settings, model })} />
            <TransportPicker value={settings.transport} onChange={(transport) => onSettings({ ...settings, transport })} />
            {usesSimulator(models, settings.model) && (
              <SimulatorSettings value={settings.simulate} onChange={(simulate) => onSettings({ ...settings, simulate })} />
            )}
          </div>
        </div>
      </section>
    </div>
  );
}
