import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { launchGateway, MAIN, type RunningGateway } from './test-support/gateway-process.js';
import { postSse } from './test-support/sse-client.js';
import { TestSocket } from './test-support/ws-client.js';

const KEY = 'sg-process-test-key-0123456789';
const directories: string[] = [];
after(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** The real `streamgate` process, with its own data directory unless one is given. */
async function launch(environment: Record<string, string>): Promise<RunningGateway> {
  const dataDirectory = environment.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'streamgate-main-'));
  directories.push(dataDirectory);
  return launchGateway({ DATA_DIR: dataDirectory, ...environment });
}

const post = (url: string, body: unknown, key = KEY) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });

describe('the streamgate process', () => {
  test('with no API_KEYS it prints a development key once, with a ready-to-use URL, and never logs it', async () => {
    const gateway = await launch({ API_KEYS: '' });
    const keyLine = gateway.stdout.find((line) => line.trim().startsWith('key:'));
    const key = keyLine?.trim().split(/\s+/)[1];
    assert.ok(key?.startsWith('sg-dev-'), 'a development key is printed');
    assert.ok(gateway.stdout.some((line) => line.includes(`${gateway.url}/#key=${key}`)));
    const response = await post(`${gateway.url}/v1/chat`, { message: 'hi', simulate: { ttft_ms: 0, tokens_per_second: 0 } }, key);
    assert.equal(response.status, 200);
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0);
    const jsonLines = gateway.stdout.filter((line) => line.startsWith('{'));
    assert.ok(jsonLines.length > 3);
    assert.ok(jsonLines.every((line) => !line.includes(key!)), 'the key appears in no log line');
    assert.equal(gateway.stdout.filter((line) => line.includes(key!)).length, 3, 'printed in the banner only');
  });

  test('SIGTERM lets a running stream finish while still listening (/ready 503 draining, new chat 503 shutting_down), closes WebSockets with 1001, and exits 0', async () => {
    const gateway = await launch({ API_KEYS: KEY, DRAIN_TIMEOUT_MS: '10000' });
    const socket = await TestSocket.open(`${gateway.url.replace('http', 'ws')}/v1/ws/chat`, { 'x-api-key': KEY });
    const names: string[] = [];
    let signalled = false;
    for await (const item of postSse(`${gateway.url}/v1/chat/stream`, { message: 'finish me', simulate: { ttft_ms: 0, tokens_per_second: 40, output_tokens: 20 } }, { 'x-api-key': KEY })) {
      if (item.kind === 'event') names.push(item.event!);
      if (!signalled && item.event === 'message') {
        signalled = true;
        gateway.child.kill('SIGTERM');
        // Wait for the drain to begin, then a new request is refused.
        await new Promise<void>((resolve) => {
          const check = () => (gateway.stdout.some((line) => line.includes('"draining"')) ? resolve() : setTimeout(check, 5));
          check();
        });
        const refused = await post(`${gateway.url}/v1/chat`, { message: 'too late' });
        assert.equal(refused.status, 503);
        assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'shutting_down');
        assert.equal(refused.headers.get('connection'), 'close', 'the client is told to find another instance');
        const ready = await fetch(`${gateway.url}/ready`);
        assert.equal(ready.status, 503);
        assert.equal(((await ready.json()) as { status: string }).status, 'draining');
      }
    }
    assert.equal(names.at(-1), 'done', 'the stream that was running finished');
    assert.equal(names.filter((name) => name === 'message').length, 20);
    assert.equal((await socket.closed).code, 1001);
    assert.equal(await gateway.exited, 0);
  });

  test('streams still running at the drain timeout end with a shutting_down error, and the process exits 0', async () => {
    const gateway = await launch({ API_KEYS: KEY, DRAIN_TIMEOUT_MS: '100' });
    const events: { event?: string; data?: Record<string, unknown> }[] = [];
    for await (const item of postSse(`${gateway.url}/v1/chat/stream`, { message: 'endless', simulate: { ttft_ms: 0, tokens_per_second: 20, output_tokens: 1000 } }, { 'x-api-key': KEY })) {
      if (item.kind !== 'event') continue;
      events.push(item);
      if (events.length === 2) gateway.child.kill('SIGTERM');
    }
    assert.equal(events.at(-1)!.event, 'error');
    assert.equal(events.at(-1)!.data!.code, 'shutting_down');
    assert.equal(events.at(-1)!.data!.retryable, true);
    assert.equal(await gateway.exited, 0);
  });

  test('sessions survive a restart in the default SQLite store', async () => {
    const dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-restart-'));
    const first = await launch({ API_KEYS: KEY, DATA_DIR: dataDirectory });
    const chat = (await (await post(`${first.url}/v1/chat`, { message: 'remember this', simulate: { ttft_ms: 0, tokens_per_second: 0 } })).json()) as { session_id: string };
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    const second = await launch({ API_KEYS: KEY, DATA_DIR: dataDirectory });
    const session = (await (await fetch(`${second.url}/v1/sessions/${chat.session_id}`, { headers: { 'x-api-key': KEY } })).json()) as { turns: { content: string }[] };
    assert.equal(session.turns[0]!.content, 'remember this');
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });

  test('a bad variable stops start-up with a message that names it', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, PORT: 'eighty', LOG_LEVEL: 'loud' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 78);
    assert.match(stderr, /PORT must be an integer from 0 to 65535, got "eighty"/);
    assert.match(stderr, /LOG_LEVEL must be one of/);
  });
});

describe('the development key', () => {
  test('API_KEYS set to nothing but commas stops start-up (exit 78, naming API_KEYS) instead of printing a development key', async () => {
    const dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-main-'));
    directories.push(dataDirectory);
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDirectory, API_KEYS: ',,' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 78);
    assert.match(stderr, /API_KEYS holds no key, only commas and blanks/);
    assert.doesNotMatch(stdout, /sg-dev-/);
  });

  test('with ADMIN_API_KEY set, or a managed key in the store, start-up says there is no development key, and why', async () => {
    const admin = await launch({ API_KEYS: '', ADMIN_API_KEY: 'sg-admin-process-test-0123456789' });
    assert.ok(admin.stdout.some((line) => line.includes('StreamGate starts without a development key: ADMIN_API_KEY is set.')), admin.stdout.join('\n'));
    assert.ok(admin.stdout.some((line) => line.includes('A development key printed by an earlier start no longer works')));
    assert.ok(!admin.stdout.some((line) => line.includes('sg-dev-')));
    assert.equal(await admin.stop(), 0);

    const dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-main-'));
    directories.push(dataDirectory);
    const created = spawn(process.execPath, [MAIN, 'keys', 'create', '--name', 'app', '--owner', 'team'], { env: { PATH: process.env.PATH, DATA_DIR: dataDirectory }, stdio: 'ignore' });
    assert.equal(await new Promise((resolve) => created.once('exit', resolve)), 0);
    const managed = await launch({ API_KEYS: '', DATA_DIR: dataDirectory });
    assert.ok(managed.stdout.some((line) => line.includes('StreamGate starts without a development key: 1 managed key exists in the key store.')), managed.stdout.join('\n'));
    assert.equal(await managed.stop(), 0);

    const configured = await launch({ API_KEYS: KEY, ADMIN_API_KEY: 'sg-admin-process-test-0123456789' });
    assert.ok(!configured.stdout.some((line) => line.includes('development key')), 'with API_KEYS nobody expects a development key');
    assert.equal(await configured.stop(), 0);
  });
});

/** The process's exit code and its output, for runs that are meant to stop at start-up. */
async function failedStart(environment: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-main-'));
  directories.push(dataDirectory);
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HOST: '127.0.0.1', API_KEYS: KEY, DATA_DIR: dataDirectory, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr, stdout };
}

/** A loopback port that nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('start-up failures say what is wrong in one line, without a stack', () => {
  test('a port already in use: exit 1 naming HOST:PORT', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => holder.once('listening', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const { code, stderr } = await failedStart({ PORT: String(port) });
      assert.equal(code, 1);
      assert.equal(stderr, `streamgate failed to start: cannot listen on 127.0.0.1:${port}: the address is already in use (another gateway or program holds the port: stop it, or set PORT to another)\n`);
    } finally {
      holder.close();
    }
  });

  test('an unreachable DATABASE_URL: exit 1 naming the variable and where it points, without the password', async () => {
    const port = await closedPort();
    const { code, stderr } = await failedStart({ PORT: '0', DATABASE_URL: `postgres://streamgate:hunter2-secret@127.0.0.1:${port}/streamgate` });
    assert.equal(code, 1);
    assert.equal(stderr.split('\n').filter(Boolean).length, 1, stderr);
    assert.match(stderr, new RegExp(`^streamgate failed to start: cannot reach DATABASE_URL \\(postgres://streamgate@127\\.0\\.0\\.1:${port}/streamgate\\): connect ECONNREFUSED`));
    assert.doesNotMatch(stderr, /hunter2/);
  });
});
