import { execFileSync, fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const root = path.resolve(import.meta.dirname, '..', '..');
const statsHook = path.join(root, 'bench', 'servers', 'stats-hook.mjs');

// Every child still running when the harness exits (a failure, the watchdog) is killed with it.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Keeps the last lines a child wrote, to show when it fails. */
function tail(stream, lines) {
  stream?.setEncoding('utf8');
  stream?.on('data', (text) => {
    lines.push(...text.split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  });
}

/** Restricts a process and its threads to one CPU (`--pin`), so server and client each get a core. */
function pin(pid, cpu) {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    process.stderr.write(`warning: could not pin pid ${pid} to CPU ${cpu} (is taskset installed?)\n`);
  }
}

/**
 * Starts a server under test in its own process, with the stats hook preloaded, and waits for
 * `GET /health`. Returns its URL, `stats()` and `profile()` probes and `stop()`.
 */
export async function startServer(target, { env = {}, cpu, nodeOptions = [], readyTimeoutMs = 15_000 } = {}) {
  const port = await freePort();
  const execArgv = [...nodeOptions, '--expose-gc', '--import', statsHook];
  const child = track(fork(path.join(root, target.entry), [], {
    cwd: root,
    execArgv,
    env: { ...process.env, ...target.env, ...env, HOST: '127.0.0.1', PORT: String(port), BENCH_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  }));
  const output = [];
  tail(child.stdout, output);
  tail(child.stderr, output);
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => ((exited = true), resolve({ code, signal }))));
  if (cpu !== undefined) pin(child.pid, cpu);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`${target.name} exited during start-up:\n${output.join('\n')}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${target.name} was not ready within ${readyTimeoutMs} ms:\n${output.join('\n')}`);
    }
    await delay(100);
  }

  const reply = (type, send, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${target.name} did not answer "${type}"`)), timeoutMs);
      const listener = (message) => {
        if (message?.type !== type) return;
        clearTimeout(timer);
        child.off('message', listener);
        if (message.error) reject(new Error(`${target.name}: ${message.error}`));
        else resolve(message);
      };
      child.on('message', listener);
      child.send(send);
    });

  /**
   * The server's own numbers (rssBytes, heapUsedBytes, cpuMicros, loopDelayP99Ms, gcPauses, ...), after a
   * full GC unless `gc` is false; `resetWindow` starts new event-loop and GC tallies after the reading.
   */
  const stats = ({ gc = true, resetWindow = false } = {}) => reply('stats', { type: 'stats', gc, resetWindow });

  /** Starts (`kind` "cpu" or "alloc") or stops (writing `file`) a profile inside the server. */
  const profile = (action, { kind, file } = {}) => reply('profile', { type: 'profile', action, kind, file });

  /** SIGTERM, then SIGKILL if it has not exited in time. Resolves with how it exited. */
  const stop = async (graceMs = 10_000) => {
    if (!exited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const result = await exit;
    clearTimeout(timer);
    return result;
  };

  return { target, url, port, pid: child.pid, stats, profile, stop, output };
}

/**
 * Runs a load client (`bench/clients/*.mjs`) in its own process: sends it `options`, resolves with the
 * result it sends back, and kills it if it takes longer than `timeoutMs`.
 */
export function runClient(script, options, { timeoutMs, cpu } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(fork(path.join(root, 'bench', 'clients', script), [], { cwd: root, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] }));
    const output = [];
    tail(child.stderr, output);
    if (cpu !== undefined) pin(child.pid, cpu);
    let result;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    child.on('message', (message) => {
      if (message?.type === 'result') result = message.result;
      else if (message?.type === 'progress' && typeof options.onProgress === 'function') options.onProgress(message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new Error(`${script} exited (${code ?? signal}) without a result:\n${output.join('\n')}`));
    });
    const { onProgress, ...serializable } = options;
    child.send({ type: 'run', options: serializable });
  });
}

/**
 * Starts a load client that runs in phases (the idle-socket test): `next(type)` waits for its next message
 * of that type, `send` tells it to go on; it is killed if still running after `timeoutMs`.
 */
export function startClient(script, options, { timeoutMs, cpu } = {}) {
  const child = track(fork(path.join(root, 'bench', 'clients', script), [], { cwd: root, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] }));
  const output = [];
  tail(child.stderr, output);
  if (cpu !== undefined) pin(child.pid, cpu);
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => (clearTimeout(killer), resolve({ code, signal }))));
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== type) return;
        cleanup();
        resolve(message);
      };
      const onExit = () => (cleanup(), reject(new Error(`${script} exited before "${type}":\n${output.join('\n')}`)));
      const cleanup = () => (child.off('message', onMessage), child.off('exit', onExit));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  child.send({ type: 'run', options });
  return { next, send: (message) => child.connected && child.send(message), exit, kill: () => child.kill('SIGKILL') };
}
