import type { ConnectionStateChange } from '@streamgate/client';
import { useMemo } from 'react';
import { useCountdown } from './use-countdown.js';

export interface ConnectionIndicatorProps {
  change: ConnectionStateChange;
  onReconnect: () => void;
}

/** The WebSocket's state, and while it reconnects, when the next attempt comes, with a way to try now. */
export function ConnectionIndicator({ change, onReconnect }: ConnectionIndicatorProps) {
  const changedAt = useMemo(() => Date.now(), [change]);
  const seconds = useCountdown(change.state === 'reconnecting' ? change.delayMs : undefined, changedAt);
  const label = {
    connecting: 'WebSocket connecting…',
    open: 'WebSocket open',
    reconnecting: `WebSocket reconnecting${seconds > 0 ? ` in ${seconds} s` : '…'}${change.attempt > 1 ? ` (attempt ${change.attempt})` : ''}`,
    closed: 'WebSocket closed',
  }[change.state];
  return (
    <div className={`connection connection-${change.state}`} role="status" data-connection={change.state} title={change.error?.message}>
      <span className="connection-dot" aria-hidden="true" />
      <span>{label}</span>
      {(change.state === 'reconnecting' || change.state === 'closed') && (
        <button type="button" className="link" onClick={onReconnect}>
          {change.state === 'closed' ? 'Reconnect' : 'Try now'}
        </button>
      )}
    </div>
  );
}
