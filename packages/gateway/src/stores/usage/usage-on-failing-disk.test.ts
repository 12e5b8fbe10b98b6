import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { launchGateway, MAIN } from '../../test-support/gateway-process.js';
import { mountSmallDisk, type SmallDisk } from '../../test-support/small-disk.js';
import { until } from '../../test-support/until.js';

const KEY = 'sg-disk-test-key-0123456789abcdef';
const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 3 };

const chat = (url: string) =>
  fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify({ message: 'count me', simulate: fast }) });

const spoolLines = (folder: string) =>
  readdirSync(folder)
    .filter((name) => name.startsWith('streamgate-usage-spool-'))
    .flatMap((name) => readFileSync(path.join(folder, name), 'utf8').split('\n').filter((line) => line.trim() !== ''));

describe('usage records when DATA_DIR cannot be written', () => {
  const disks: SmallDisk[] = [];
  afterEach(() => disks.splice(0).forEach((disk) => disk.remove()));
  const disk = () => {
    const mounted = mountSmallDisk(2 * 1024 * 1024);
    disks.push(mounted);
    return mounted;
  };

  test('a full DATA_DIR at SIGTERM: records go to the spool on another disk, exit 0, and the next start writes them to the store', async () => {
    const data = disk();
    const temporary = disk();
    const environment = { API_KEYS: KEY, DATA_DIR: data.path, TMPDIR: temporary.path, LOG_LEVEL: 'info' };
    const first = await launchGateway(environment);
    data.fill();
    for (let index = 0; index < 20; index++) assert.equal((await chat(first.url)).status, 200);
    assert.equal(await first.stop(), 0);
    assert.equal(spoolLines(temporary.path).length, 20, 'all 20 records kept in the fallback spool');

    data.free();
    const second = await launchGateway(environment);
    const usage = async () => ((await (await fetch(`${second.url}/v1/usage`, { headers: { 'x-api-key': KEY } })).json()) as { totals: { requests: number } }).totals.requests;
    await until(async () => (await usage()) >= 20, 10_000, 'the spooled records to be replayed into the usage store');
    assert.equal(await usage(), 20, 'each exactly once');
    assert.equal(spoolLines(temporary.path).length, 0, 'and the spool is gone');
    assert.equal(await second.stop(), 0);
  });

  test('when no spool can be written either, the process exits 1 with a last line that counts the lost records', async () => {
    const data = disk();
    const temporary = disk();
    temporary.setReadOnly(true);
    const gateway = await launchGateway({ API_KEYS: KEY, DATA_DIR: data.path, TMPDIR: temporary.path, LOG_LEVEL: 'info' });
    data.fill();
    for (let index = 0; index < 5; index++) assert.equal((await chat(gateway.url)).status, 200);
    assert.equal(await gateway.stop(), 1);
    const last = JSON.parse(gateway.stdout.filter((line) => line.startsWith('{')).at(-1)!) as { level: number; lostUsageRecords: number; msg: string };
    assert.equal(last.lostUsageRecords, 5);
    assert.equal(last.level, 60, 'logged at fatal');
    assert.match(last.msg, /5 usage records lost/);
  });

  test('a read-only DATA_DIR at start-up: one line naming DATA_DIR and the path, exit 78', async () => {
    const data = disk();
    data.setReadOnly(true);
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', API_KEYS: KEY, DATA_DIR: data.path }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 78, stderr);
    assert.match(stderr, new RegExp(`DATA_DIR: cannot write ${data.path}/\\S+\\.db \\((SQLITE_CANTOPEN|SQLITE_READONLY|EROFS)`));
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.ok(!existsSync(path.join(data.path, 'streamgate.db')));
  });
});
