import type { ConnectionEvents, WebSocketConnection } from '../index.js';

/** Resolves with the first `name` event of `connection` that satisfies `matches`. */
export function waitFor<Name extends keyof ConnectionEvents>(
  connection: WebSocketConnection,
  name: Name,
  matches: (value: ConnectionEvents[Name]) => boolean = () => true,
): Promise<ConnectionEvents[Name]> {
  return new Promise((resolve) => {
    const stop = connection.on(name, (value) => {
      if (!matches(value)) return;
      stop();
      resolve(value);
    });
  });
}

/** Resolves once the connection is open (at once if it already is). */
export function waitForOpen(connection: WebSocketConnection): Promise<unknown> {
  if (connection.state === 'open') return Promise.resolve();
  return waitFor(connection, 'state', (change) => change.state === 'open');
}
