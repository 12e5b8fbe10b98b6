import { useEffect, useMemo, useState } from 'react';
import { ChatView } from '../chat/chat-view.js';
import { defaultSettings, type ChatSettings } from '../chat/chat-settings.js';
import { CompareView } from '../compare/compare-view.js';
import type { AddressBar } from '../credentials/key-from-location.js';
import { KeyForm } from '../credentials/key-form.js';
import { KeyStorage, sessionStorageOrNothing } from '../credentials/key-storage.js';
import { createGatewayClient, gatewayBaseUrl } from '../gateway/create-client.js';
import { useModels } from '../gateway/use-models.js';
import { useSessions } from '../sessions/use-sessions.js';
import { ConnectionIndicator } from '../status/connection-indicator.js';
import { describeProblem, type Problem } from '../status/describe-problem.js';
import { ProblemNotice } from '../status/problem-notice.js';
import { useConnectionState } from '../status/use-connection-state.js';
import { useCredentials } from './use-credentials.js';

export interface AppProps {
  /** The gateway's base URL: `''` for this page's origin. */
  baseUrl?: string;
  addressBar?: AddressBar;
  keyStorage?: KeyStorage;
}

type View = 'chat' | 'compare';

/** The StreamGate web app: a key, then the chat or the comparison of transports. */
export function App({ baseUrl = gatewayBaseUrl(), addressBar = window, keyStorage }: AppProps) {
  const storage = useMemo(() => keyStorage ?? new KeyStorage(sessionStorageOrNothing()), [keyStorage]);
  const credentials = useCredentials(baseUrl, addressBar, storage);
  return (
    <div className="app">
      <header className="app-header">
        <h1>StreamGate</h1>
        {credentials.apiKey && (
          <button type="button" className="link forget-key" onClick={credentials.forget}>
            Forget key
          </button>
        )}
      </header>
      {credentials.apiKey ? (
        <Workspace key={credentials.apiKey} baseUrl={baseUrl} apiKey={credentials.apiKey} onProblem={credentials.refuse} />
      ) : (
        <KeyForm problem={credentials.problem} checking={credentials.checking} onSubmit={credentials.submit} />
      )}
    </div>
  );
}

interface WorkspaceProps {
  baseUrl: string;
  apiKey: string;
  onProblem(problem: Problem): void;
}

/** Everything that needs the key: one SDK client for it, closed when the key changes. */
function Workspace({ baseUrl, apiKey, onProblem }: WorkspaceProps) {
  const client = useMemo(() => createGatewayClient(baseUrl, apiKey), [baseUrl, apiKey]);
  useEffect(() => () => client.close(), [client]);
  const gateway = useModels(client);
  const [view, setView] = useState<View>('chat');
  const [settings, setSettings] = useState<ChatSettings>(defaultSettings);
  const sessions = useSessions(client, onProblem);
  const socket = useConnectionState(client, view === 'compare' || settings.transport === 'websocket');
  const refusedSocket = socket.change?.state === 'closed' && socket.change.error ? describeProblem(socket.change.error) : undefined;
  useEffect(() => {
    if (refusedSocket?.kind === 'unauthorized') onProblem(refusedSocket);
  }, [refusedSocket?.kind, onProblem]);
  useEffect(() => {
    if (gateway.problem?.kind === 'unauthorized') onProblem(gateway.problem);
  }, [gateway.problem, onProblem]);

  return (
    <>
      {gateway.problem && gateway.problem.kind !== 'unauthorized' && (
        <div className="banner">
          <ProblemNotice problem={gateway.problem} onRetry={gateway.reload} retryLabel="Retry now" />
        </div>
      )}
      <main className="workspace">
        <div className="toolbar">
          <div className="tabs" role="tablist">
            {(['chat', 'compare'] as const).map((name) => (
              <button key={name} type="button" role="tab" aria-selected={view === name} onClick={() => setView(name)}>
                {name === 'chat' ? 'Chat' : 'Compare transports'}
              </button>
            ))}
          </div>
          {socket.change && socket.connection && <ConnectionIndicator change={socket.change} onReconnect={() => socket.connection?.reconnect()} />}
        </div>
        {/* Both stay mounted, so that a reply streaming in one view goes on while the other is shown. */}
        <div hidden={view !== 'chat'}>
          <ChatView client={client} models={gateway.models} settings={settings} onSettings={setSettings} sessions={sessions} onProblem={onProblem} />
        </div>
        <div hidden={view !== 'compare'}>
          <CompareView client={client} models={gateway.models} settings={settings} onSettings={setSettings} onProblem={onProblem} />
        </div>
      </main>
    </>
  );
}
