import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { postSse } from '../test-support/sse-client.js';

// `npm start` is what people (and some supervisors) run, and what their SIGTERM or Ctrl-C reaches.

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const KEY = 'sg-npm-start-test-key-0123456789';
const dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-npm-start-'));
let gatewayProcessId: number | undefined;
after(() => {
  // Never leave a gateway behind when an assertion failed half-way.
  if (gatewayProcessId !== undefined && isRunning(gatewayProcessId)) process.kill(gatewayProcessId, 'SIGKILL');
  rmSync(dataDirectory, { recursive: true, force: true });
});

function isRunning(processId: number): boolean {
  try {
    process.kill(processId, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

test('SIGTERM to `npm start` drains and stops the gateway, and npm exits 0', async () => {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDirectory, API_KEYS: KEY, LOG_LEVEL: 'info', DRAIN_TIMEOUT_MS: '10000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  npm.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const listening = await new Promise<{ address: string; pid: number }>((resolve, reject) => {
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      lines.push(line);
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; address?: string; pid?: number };
      if (entry.msg === 'listening') resolve({ address: entry.address!, pid: entry.pid! });
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code}: ${stderr}`)));
    // Generous: `npm start` builds first when the sources changed since the last build.
    setTimeout(() => reject(new Error(`no "listening" line within 120 s: ${stderr}`)), 120_000).unref();
  });
  gatewayProcessId = listening.pid;
  const port = Number(new URL(listening.address).port);

  const events: string[] = [];
  for await (const item of postSse(`${listening.address}/v1/chat/stream`, { message: 'finish me', simulate: { ttft_ms: 0, tokens_per_second: 40, output_tokens: 10 } }, { 'x-api-key': KEY })) {
    if (item.kind !== 'event') continue;
    events.push(item.event!);
    if (events.length === 2) npm.kill('SIGTERM');
  }

  assert.equal(events.at(-1), 'done', 'the stream running at SIGTERM finished');
  assert.equal(await exited, 0, `npm exits 0: ${stderr}`);
  assert.ok(lines.some((line) => line.includes('"shutting down"')), 'the gateway drained');
  assert.equal(isRunning(listening.pid), false, 'the gateway process is gone');
  assert.equal(await isListening(port), false, 'the port is free');
});
