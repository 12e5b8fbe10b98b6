import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A server the benchmark started in a process of its own. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `node [nodeArguments] script [scriptArguments]` with an IPC channel (children exit when it closes,
 * so none outlives the benchmark). Standard output is discarded, not piped here: reading a gateway's
 * log lines would cost this process (the load client) time while that gateway is measured. The end of
 * standard error is kept for error reports.
 */
export function spawnNode(name: string, script: string, options: { args?: string[]; nodeArguments?: string[]; env?: Record<string, string>; port: number }): ServerProcess {
  const child = spawn(process.execPath, [...(options.nodeArguments ?? []), script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let output = '';
  child.stderr!.on('data', (data: Buffer) => {
    output = (output + data.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') process.stderr.write(`${name} exited with ${code ?? signal}:\n${output}\n`);
  });
  return {
    name,
    child,
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx: at most `attempts` tries, `intervalMs` apart. */
export async function waitForHttp(url: string, attempts = 150, intervalMs = 100): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await delay(intervalMs);
  }
  throw new Error(`${url} did not answer within ${(attempts * intervalMs) / 1000} s`);
}

/** Whether every listening socket on `port` is bound to 127.0.0.1 (Linux: /proc/net/tcp and tcp6). */
export function listensOnLoopbackOnly(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const listening: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table = '';
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`)) listening.push(fields[1].split(':')[0]!);
    }
  }
  return listening.length > 0 && listening.every((address) => address === '0100007F');
}

/** Resident memory of a process now and at its peak, in MiB (Linux: /proc/PID/status). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rssMb: field('VmRSS'), peakMb: field('VmHWM') };
}

/** CPU time a process has used so far (user + system), in milliseconds (Linux: /proc/PID/stat, 100 ticks a second). */
export function cpuTimeOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10;
}
