import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, stopChild, waitForLine } from './free-port.js';

const REDIS_BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/**
 * A real `redis-server` on 127.0.0.1 with an ephemeral port and its own temporary directory, for
 * integration tests. `stop()` and `start()` simulate an outage on the same port.
 */
export class TestRedis {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    private readonly directory: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestRedis> {
    if (!existsSync(REDIS_BINARY)) {
      throw new Error(`${REDIS_BINARY} is missing: install it with "apt-get install -y redis-server" (.ci/run does).`);
    }
    const server = new TestRedis(await freePort(), mkdtempSync(path.join(tmpdir(), 'streamgate-redis-')));
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    this.output = [];
    const child = spawn(
      REDIS_BINARY,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.directory, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child = child;
    await waitForLine(child, (line) => line.includes('Ready to accept connections'), 10_000, () => this.output.join(''));
  }

  /** Stops the server (SIGKILL: an outage, not a clean shutdown) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child, 'SIGKILL');
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

export interface RedisFixture {
  /** The real Redis server (started before the file's tests). */
  server(): TestRedis;
  /** One connection to it, as a gateway holds one. */
  redis(): Redis;
}

/** A real Redis server and a connection to it for a test file: started before its tests, closed after them. */
export function redisFixture(): RedisFixture {
  let server: TestRedis | undefined;
  let redis: Redis | undefined;
  before(async () => {
    server = await TestRedis.start();
    redis = new Redis(server.url);
  });
  after(async () => {
    await redis?.quit();
    await server?.close();
  });
  return { server: () => server!, redis: () => redis! };
}
