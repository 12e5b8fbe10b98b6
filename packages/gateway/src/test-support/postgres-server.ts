import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, stopChild, waitForLine } from './free-port.js';

/** PostgreSQL's server binaries: `PG_BIN`, else the newest /usr/lib/postgresql/<version>/bin (Debian's layout). */
function binaryDirectory(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is missing: install it with "apt-get install -y postgresql" (.ci/run does).');
  return path.join(root, versions[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its processes run as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = postgresIds();
  return { uid, gid };
}

/**
 * A real PostgreSQL server on 127.0.0.1 with an ephemeral port, in a fresh temporary cluster (trust
 * auth, fsync off), for integration tests. `stop()` and `start()` simulate an outage on the same port.
 */
export class TestPostgres {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    private readonly directory: string,
    private readonly bin: string,
  ) {}

  /** A connection string for the `postgres` database as the `postgres` superuser. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<TestPostgres> {
    const bin = binaryDirectory();
    const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-pg-'));
    if (process.getuid?.() === 0) chownSync(directory, ...postgresIds());
    const dataDirectory = path.join(directory, 'data');
    execFileSync(path.join(bin, 'initdb'), ['-D', dataDirectory, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'], {
      stdio: 'pipe',
      timeout: 60_000,
      cwd: directory,
      ...serverUser(),
    });
    const server = new TestPostgres(await freePort(), directory, bin);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    this.output = [];
    const args = [
      '-D', path.join(this.directory, 'data'),
      '-p', String(this.port),
      '-k', this.directory,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ];
    const child = spawn(path.join(this.bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.directory, ...serverUser() });
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child = child;
    await waitForLine(child, (line) => line.includes('ready to accept connections'), 30_000, () => this.output.join(''));
  }

  /** Stops the server at once (SIGINT: fast shutdown, open connections are cut) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child, 'SIGINT');
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

function postgresIds(): [number, number] {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
}
