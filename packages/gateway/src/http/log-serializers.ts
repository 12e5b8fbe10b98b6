const SECRET_PARAMETER = /ticket|key|token|secret|password|auth|jwt|signature|credential/i;

/**
 * A URL as it may be logged: the values of query parameters that may carry a secret (a WebSocket
 * `ticket`, a key someone put in a URL) are replaced with `[redacted]`.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed name is logged as sent; its value is still checked by the raw name.
      }
      return equals !== -1 && (SECRET_PARAMETER.test(decoded) || SECRET_PARAMETER.test(name)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

/** Fastify's request serializer, with the URL redacted. */
export function serializeRequest(request: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}): { method?: string; url?: string; host?: string; remoteAddress?: string; remotePort?: number } {
  return {
    ...(request.method !== undefined ? { method: request.method } : {}),
    ...(request.url !== undefined ? { url: redactUrl(request.url) } : {}),
    ...(request.host !== undefined ? { host: request.host } : {}),
    ...(request.ip !== undefined ? { remoteAddress: request.ip } : {}),
    ...(request.socket?.remotePort !== undefined ? { remotePort: request.socket.remotePort } : {}),
  };
}
