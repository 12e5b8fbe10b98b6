import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { webAppDirectoryFixture } from './test-support/synthesize.js';

// bin/app.ts as `npm run synth` and `cdk deploy` run it: a separate process reading its settings from a file.
const run = promisify(execFile);
const entry = fileURLToPath(new URL('../bin/app.ts', import.meta.url));
const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-entry-'));

function runEntry(config: unknown, outdir: string) {
  const file = path.join(directory, `${path.basename(outdir)}.json`);
  writeFileSync(file, JSON.stringify(config));
  // CDK_VALIDATION=false: build-app.test.ts lints the same templates; here only the entry point is under test.
  return run(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false', STREAMGATE_INFRA_CONFIG: file } });
}

// Both runs start at once; each test awaits its own.
const goodOutdir = mkdtempSync(path.join(directory, 'good-'));
const good = runEntry({ region: 'eu-west-1', webAppDirectory: webAppDirectoryFixture() }, goodOutdir);
const badOutdir = mkdtempSync(path.join(directory, 'bad-'));
// Settled into a value at once, so that its rejection is not reported as unhandled before the test looks.
const bad = runEntry({ network: { vpcCidr: '10.0.0.0/33' }, region: 'Europe' }, badOutdir).then(
  () => undefined,
  (error: unknown) => error as { code: number; stderr: string },
);

test('the synth entry point writes one template per stack, from settings in a JSON file', async () => {
  await good;
  assert.deepEqual(readdirSync(goodOutdir).filter((name) => name.endsWith('.template.json')).sort(), [
    'StreamGate-Cdn.template.json',
    'StreamGate-Data.template.json',
    'StreamGate-Network.template.json',
    'StreamGate-Service.template.json',
  ]);
});

test('an invalid config fails synth with exit code 1 and a message naming each setting, not a stack trace', async () => {
  const error = await bad;
  assert.ok(error, 'synth must fail');
  assert.equal(error.code, 1);
  assert.match(error.stderr, /- region: must be an AWS region such as eu-west-1, got "Europe"/);
  assert.match(error.stderr, /- network\.vpcCidr: must have a prefix from \/16 to \/24/);
  assert.doesNotMatch(error.stderr, /\n\s+at /);
  assert.deepEqual(readdirSync(badOutdir), [], 'no assembly, not even an empty one');
});
