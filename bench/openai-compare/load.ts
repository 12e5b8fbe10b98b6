import http from 'node:http';

/** One way of reaching the mock upstream: directly, through StreamGate, or through Portkey. */
export interface Target {
  name: string;
  url: URL;
  headers: Record<string, string>;
  model: string;
}

export interface Sample {
  ok: boolean;
  /** Milliseconds to the first chunk with text (streamed requests). */
  ttftMs?: number;
  totalMs: number;
}

/** A chunk that carries text: `"content":"` followed by anything but the closing quote. */
const CONTENT = /"content":"[^"]/;

/**
 * HTTP/1.1 keep-alive requests to one target with node:http (the lightest client Node has, so that
 * the client's own cost stays small and equal for every target). Bodies are built once.
 */
export class TargetClient {
  private readonly agent: http.Agent;
  private readonly bodies: Record<'stream' | 'whole', Buffer>;

  constructor(
    readonly target: Target,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    const body = (stream: boolean) =>
      Buffer.from(
        JSON.stringify({
          model: target.model,
          messages: [
            { role: 'system', content: 'You are a benchmark.' },
            { role: 'user', content: 'Say something.' },
          ],
          max_tokens: 64,
          stream,
        }),
      );
    this.bodies = { stream: body(true), whole: body(false) };
  }

  request(stream: boolean, timeoutMs = 10_000): Promise<Sample> {
    const body = this.bodies[stream ? 'stream' : 'whole'];
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const done = (sample: Sample) => {
        if (settled) return;
        settled = true;
        resolve(sample);
      };
      const request = http.request(
        this.target.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { ...this.target.headers, 'content-type': 'application/json', 'content-length': body.length },
          timeout: timeoutMs,
        },
        (response) => {
          let text = '';
          let ttftMs: number | undefined;
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (ttftMs === undefined) {
              text += chunk;
              if (stream && CONTENT.test(text)) ttftMs = performance.now() - started;
            } else if (text.length < 64) text += chunk;
            else text = text.slice(-32) + chunk;
          });
          response.on('end', () => {
            const ok = response.statusCode === 200 && (stream ? ttftMs !== undefined && text.includes('[DONE]') : text.includes('"choices"'));
            done({ ok, ...(ttftMs !== undefined ? { ttftMs } : {}), totalMs: performance.now() - started });
          });
          response.on('error', () => done({ ok: false, totalMs: performance.now() - started }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => done({ ok: false, totalMs: performance.now() - started }));
      request.end(body);
    });
  }

  /**
   * `concurrency` workers, each sending its next request as soon as the last one ends, for
   * `durationMs` (and at most `maxRequests` in all). Returns completed requests per second.
   */
  async closedLoop(stream: boolean, concurrency: number, durationMs: number, maxRequests: number): Promise<{ completed: number; errors: number; seconds: number }> {
    const started = performance.now();
    const deadline = started + durationMs;
    let issued = 0;
    let completed = 0;
    let errors = 0;
    const worker = async () => {
      while (performance.now() < deadline && issued < maxRequests) {
        issued++;
        const sample = await this.request(stream);
        if (sample.ok) completed++;
        else errors++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { completed, errors, seconds: (performance.now() - started) / 1000 };
  }

  close(): void {
    this.agent.destroy();
  }
}
