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

