import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startGateway, type TestGateway } from '../../gateway/src/test-support/start-gateway.js';

// What a stranger gets from `npm install @streamgate/client`: the tarball `npm pack` makes, installed
// into an empty project with no workspace around it, compiled against its own types and run.

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const NPM = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const npm = (args: string[], cwd: string) => run(NPM[0]!, [...NPM.slice(1), ...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 60_000 });
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

interface PackedFile {
  path: string;
}

const work = mkdtempSync(path.join(tmpdir(), 'streamgate-client-package-'));
const tarballs = path.join(work, 'tarballs');
const project = path.join(work, 'project');
let clientFiles: string[] = [];
let protocolFiles: string[] = [];
after(() => rmSync(work, { recursive: true, force: true }));

/** `npm pack` of a directory into `tarballs`: the tarball's path and the files it holds. */
async function pack(directory: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await npm(['pack', directory, '--json', '--pack-destination', tarballs], ROOT);
  const [result] = JSON.parse(stdout) as { filename: string; files: PackedFile[] }[];
  return { tarball: path.join(tarballs, result!.filename), files: result!.files.map((file) => file.path) };
}

before(async () => {
  mkdirSync(tarballs);
  mkdirSync(project);
  const client = await pack(path.join(ROOT, 'packages/client'));
  const protocol = await pack(path.join(ROOT, 'packages/protocol'));
  clientFiles = client.files;
  protocolFiles = protocol.files;
  // The registry is out of reach in tests: the published dependencies come as tarballs of the
  // copies this checkout installed, at the exact versions the packages pin, so npm resolves nothing.
  const dependencies = await Promise.all(['eventsource-parser', 'zod'].map((name) => pack(path.dirname(requireFromRoot.resolve(`${name}/package.json`)))));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'stranger-app', version: '1.0.0', private: true, type: 'module' }));
  // An empty cache: the install must not depend on what this machine happened to download before.
  await npm(['install', '--offline', '--no-package-lock', '--cache', path.join(work, 'npm-cache'), ...[client, protocol, ...dependencies].map((packed) => packed.tarball)], project);
});

describe('the @streamgate/client tarball', () => {
  test('holds the license, a README that says how to install it, and the sources its maps point at; no build cache, no tests', () => {
    for (const [name, files] of [['client', clientFiles], ['protocol', protocolFiles]] as const) {
      const directory = path.join(project, 'node_modules/@streamgate', name);
      assert.ok(files.includes('LICENSE'), `${name}: LICENSE`);
      assert.equal(readFileSync(path.join(directory, 'LICENSE'), 'utf8'), readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), `${name}: the root's Apache-2.0 text`);
      assert.match(readFileSync(path.join(directory, 'README.md'), 'utf8'), new RegExp(`npm install @streamgate/${name}`));
      assert.ok(!files.some((file) => file.endsWith('.tsbuildinfo')), `${name}: no build cache`);
      assert.ok(!files.some((file) => /\.test\.tsx?$/.test(file) || file.includes('test-support/')), `${name}: no tests`);
      const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(manifest.license, 'Apache-2.0');
      assert.match((manifest.repository as { url: string }).url, /^git\+https:\/\//);
      assert.match(manifest.homepage as string, /^https:\/\//);
      assert.ok((manifest.keywords as string[]).includes('streamgate'));
      for (const map of files.filter((file) => file.endsWith('.map'))) {
        const { sources } = JSON.parse(readFileSync(path.join(directory, map), 'utf8')) as { sources: string[] };
        for (const source of sources) assert.ok(existsSync(path.join(directory, path.dirname(map), source)), `${name}: ${map} points at ${source}, which ships too`);
      }
    }
  });

  test('installed alone into an empty project, an example compiles against its types and chats with a gateway', async () => {
    writeFileSync(
      path.join(project, 'example.ts'),
      [
        "import { StreamGateClient, StreamGateError } from '@streamgate/client';",
        '',
        'const [baseUrl, apiKey] = process.argv.slice(2) as [string, string];',
        'const client = new StreamGateClient({ baseUrl, apiKey });',
        "const reply = await client.chat({ message: 'Hello from a stranger', model: 'simulator' });",
        'console.log(`chat: ${reply.text}`);',
        "const stream = client.stream({ message: 'And streamed?', transport: 'sse' });",
        'let deltas = 0;',
        "for await (const event of stream) if (event.type === 'delta') deltas++;",
        'const result = await stream.result;',
        'console.log(`stream: ${result.status} after ${deltas} deltas`);',
        "try { await new StreamGateClient({ baseUrl, apiKey: 'wrong' }).chat({ message: 'x' }); } catch (error) { if (error instanceof StreamGateError) console.log(`refused: ${error.code}`); }",
      ].join('\n'),
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false, outDir: 'out' }, files: ['example.ts', 'node-globals.d.ts'] }),
    );
    // The example uses `process` only to read its arguments; a stranger's project would have @types/node.
    writeFileSync(path.join(project, 'node-globals.d.ts'), 'declare const process: { argv: string[] };\n');
    const typescript = requireFromRoot.resolve('typescript/bin/tsc');
    const compiled = await run(process.execPath, [typescript, '-p', project], { cwd: project }).catch((error: { stdout: string }) => assert.fail(`tsc: ${error.stdout}`));
    assert.equal(compiled.stdout, '');

    const gateway: TestGateway = await startGateway({ API_KEYS: 'sg-stranger-key-0123456789', SIMULATOR_TTFT_MS: '0', SIMULATOR_TOKENS_PER_SECOND: '0' });
    try {
      const { stdout } = await run(process.execPath, [path.join(project, 'out/example.js'), gateway.url, 'sg-stranger-key-0123456789'], { cwd: project, timeout: 20_000 });
      assert.match(stdout, /^chat: .*Hello from a stranger/m);
      assert.match(stdout, /^stream: complete after [1-9]\d* deltas$/m);
      assert.match(stdout, /^refused: unauthorized$/m);
    } finally {
      await gateway.close();
    }
  });
});
