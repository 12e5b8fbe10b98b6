import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Takes the response over from Fastify and sends the status line and headers of an event stream. */
export function openEventStream(reply: FastifyReply, headers: Readonly<Record<string, string>>): ServerResponse {
  reply.hijack();
  const response = reply.raw;
  // Every event goes out at once (no Nagle delay); an injected request's stand-in socket has no such knob.
  if (typeof response.socket?.setNoDelay === 'function') response.socket.setNoDelay(true);
  // Headers set by hooks (CORS, RateLimit-*) are on the reply; a hijacked response must carry them itself.
  response.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...headers,
  });
  return response;
}

/**
 * Writes Server-Sent Events to a response with backpressure: `write` resolves once the socket can
 * take more, so a client that reads slowly holds the producer back instead of filling memory.
 * Comment lines keep idle hops (CloudFront's 30 s read timeout, an ALB's idle timeout) from cutting the stream.
 */
export class SseWriter {
  private readonly heartbeat: NodeJS.Timeout;
  private waitingForDrain: Promise<void> | undefined;

  constructor(
    private readonly response: ServerResponse,
    heartbeatIntervalMs: number,
  ) {
    this.heartbeat = setInterval(() => this.comment('heartbeat'), heartbeatIntervalMs);
    this.heartbeat.unref();
    response.once('close', () => clearInterval(this.heartbeat));
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  /** Sends one event; resolves when the socket can take more (or is gone). */
  async write(id: string, event: string, data: unknown): Promise<void> {
    return this.send(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends text already framed as whole events (the OpenAI routes' `data:`-only events); same backpressure as `write`. */
  async send(text: string): Promise<void> {
    if (this.closed) return;
    if (!this.response.write(text)) await this.drained();
  }

  private comment(text: string): void {
    // A heartbeat never queues behind a stalled client: it is for idle streams, not slow ones.
    if (!this.closed && this.waitingForDrain === undefined) this.response.write(`: ${text}\n\n`);
  }

  private drained(): Promise<void> {
    this.waitingForDrain ??= new Promise<void>((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        this.waitingForDrain = undefined;
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
    return this.waitingForDrain;
  }

  end(): void {
    clearInterval(this.heartbeat);
    if (!this.closed) this.response.end();
  }
}
