import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

export interface RunningGateway {
  child: ChildProcess;
  url: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the real `streamgate` process (the built `dist/main.js`) on an ephemeral loopback port and
 * waits for its `listening` line. `environment` is all it gets besides PATH, HOST and PORT.
 */
export async function launchGateway(environment: Record<string, string>): Promise<RunningGateway> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      if (line.startsWith('{')) {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'listening') resolve(entry.address!);
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr.join('\n')}`)));
    // The `listening` line is logged at info: LOG_LEVEL must be info or lower.
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening" line within 20 s: ${stderr.join('\n')}`));
    }, 20_000).unref();
  });
  return {
    child,
    url,
    stdout,
    stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
