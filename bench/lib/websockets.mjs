import WebSocket from 'ws';

/** Closes every socket with 1000, terminating any that has not closed within `graceMs`. */
export function closeAll(sockets, graceMs = 5000) {
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', resolve);
          socket.close(1000);
          setTimeout(() => (socket.terminate(), resolve()), graceMs).unref();
        }),
    ),
  );
}
