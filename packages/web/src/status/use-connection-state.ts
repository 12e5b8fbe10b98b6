import type { ConnectionStateChange, StreamGateClient, WebSocketConnection } from '@streamgate/client';
import { useEffect, useState } from 'react';

export interface ConnectionView {
  change: ConnectionStateChange | undefined;
  connection: WebSocketConnection | undefined;
}

/**
 * The state of the client's shared WebSocket, opened while `enabled` (the WebSocket transport is
 * chosen, or the comparison needs it): connecting, open, reconnecting with its wait, or closed.
 */
export function useConnectionState(client: StreamGateClient, enabled: boolean): ConnectionView {
  const [view, setView] = useState<ConnectionView>({ change: undefined, connection: undefined });
  useEffect(() => {
    if (!enabled) {
      setView({ change: undefined, connection: undefined });
      return;
    }
    const connection = client.connection();
    setView({ change: { state: connection.state, previous: connection.state, attempt: 0 }, connection });
    return connection.on('state', (change) => setView({ change, connection }));
  }, [client, enabled]);
  return view;
}
