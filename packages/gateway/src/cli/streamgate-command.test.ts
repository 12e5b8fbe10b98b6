import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIRECTORY = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIRECTORY, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; files: string[] };
const COMMAND = path.join(PACKAGE_DIRECTORY, manifest.bin.streamgate!);
const dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-command-'));
after(() => rmSync(dataDirectory, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `streamgate` command as npm links it. A gateway started by mistake would never exit, so
 * the bounded timeout turns that into a failure (code null) instead of a hung test.
 */
function streamgate(argv: string[], environment: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [COMMAND, ...argv], { env: { PATH: process.env.PATH, PORT: '0', API_KEYS: '', DATA_DIR: dataDirectory, ...environment }, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the streamgate command', () => {
  test('is a committed, executable file that npm can link before the build has run', () => {
    const relative = path.relative(PACKAGE_DIRECTORY, COMMAND);
    // A source file (not a build output) with its executable bit: it exists when npm links commands, before
    // any build. (Checked on the file, not with git: CI also runs the suite in a copy of the tree without .git.)
    assert.ok((statSync(COMMAND).mode & 0o111) !== 0, `${relative} is executable`);
    assert.ok(!relative.startsWith(`dist${path.sep}`), 'the command is not a build output');
    assert.ok(manifest.files.includes(path.dirname(manifest.bin.streamgate!).replace(/^\.\//, '')), 'the command ships in the package');
    assert.match(readFileSync(COMMAND, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  test('--help prints the usage and exits 0 without starting a gateway', async () => {
    for (const argument of ['--help', '-h', 'help']) {
      const outcome = await streamgate([argument]);
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.match(outcome.stdout, /^Usage: streamgate \[command\]/);
      assert.match(outcome.stdout, /keys <create\|list\|rotate\|revoke>/);
      assert.doesNotMatch(outcome.stdout, /development key|listening/);
    }
    assert.deepEqual(readdirSync(dataDirectory), [], 'no store was opened');
  });

  test('--version prints the package version and exits 0', async () => {
    for (const argument of ['--version', '-v']) {
      const outcome = await streamgate([argument]);
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(outcome.stdout, `${manifest.version}\n`);
    }
  });

  test('keys --help, and --help on each keys command, print the keys usage and exit 0, even with a bad setting', async () => {
    for (const argv of [['keys', '--help'], ['keys', 'help'], ['keys', 'create', '--help'], ['keys', 'list', '--help'], ['keys', 'rotate', '--help'], ['keys', 'revoke', '-h']]) {
      const outcome = await streamgate(argv, { PORT: 'eighty' });
      assert.equal(outcome.code, 0, `${argv.join(' ')}: ${outcome.stderr}`);
      assert.match(outcome.stdout, /^Usage: streamgate keys <command>/, argv.join(' '));
    }
    assert.deepEqual(readdirSync(dataDirectory), [], 'no store was opened');
  });

  test('an unknown option or command is a usage error (exit 64) that shows the usage, not a gateway started by mistake', async () => {
    for (const argument of ['--port', 'serve-now']) {
      const outcome = await streamgate([argument]);
      assert.equal(outcome.code, 64);
      assert.match(outcome.stderr, new RegExp(`Unknown (option|command) "${argument}"`));
      assert.match(outcome.stderr, /Usage: streamgate \[command\]/);
    }
  });
});
