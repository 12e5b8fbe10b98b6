import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

// No Docker engine runs here, so this proves what can be proven without one: the Dockerfile says
// what we promise, and the runtime layout its build stage assembles (the same script, run the same
// way) holds the production dependencies only and is enough to run the gateway.

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const KEY = 'sg-container-test-key-0123456789';
const run = promisify(execFile);
const nodeMajor = Number(process.versions.node.split('.')[0]);

const stages = readStages(path.join(ROOT, 'Dockerfile'));
const build = stages.find((stage) => stage.name === 'build')!;
const runtime = stages.at(-1)!;
const imageEnvironment = runtime.environment();

/** The build stage's `RUN node scripts/runtime-layout.mjs <destination>`. */
const layoutCommand = build.all('RUN').map((text) => /^node (scripts\/runtime-layout\.mjs) (\/\S+)$/.exec(text)).find(Boolean);

let layout = '';
let dataDirectory = '';
before(async () => {
  assert.ok(layoutCommand, 'the build stage runs `node scripts/runtime-layout.mjs <destination>`');
  // The layout must not find packages above it, or the checkout's node_modules would stand in for
  // missing ones: a temporary directory with no node_modules anywhere above it.
  layout = mkdtempSync(path.join(tmpdir(), 'streamgate-image-'));
  for (let directory = path.dirname(layout); ; directory = path.dirname(directory)) {
    assert.ok(!existsSync(path.join(directory, 'node_modules')), `${directory}/node_modules would leak packages into the layout test: remove it`);
    if (directory === path.dirname(directory)) break;
  }
  dataDirectory = mkdtempSync(path.join(tmpdir(), 'streamgate-image-data-'));
  await run(process.execPath, [layoutCommand[1]!, layout], { cwd: ROOT });
});
after(() => {
  for (const directory of [layout, dataDirectory]) if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Names documented in docs/configuration.md: the backticked names in the first cell of its tables. */
function documentedNames(): Set<string> {
  const rows = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8').split('\n').filter((line) => line.startsWith('| `'));
  return new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!)));
}

describe('the Dockerfile', () => {
  test('builds on the full image and runs on the slim one of the same pinned Node 22 or 24 and Debian release', () => {
    const runtimeImage = /^node:((22|24)\.\d+\.\d+)-(\w+)-slim$/.exec(runtime.image);
    assert.ok(runtimeImage, `the runtime image is a pinned Node 22 or 24 slim image, got ${runtime.image}`);
    // The native SQLite addon installed in the build stage must load in the runtime stage.
    assert.equal(build.image, `node:${runtimeImage[1]}-${runtimeImage[3]}`);
  });

  test('installs, in the build stage, every workspace the root build script builds', () => {
    const install = build.all('RUN').find((text) => /\bnpm ci\b/.test(text));
    assert.ok(install, 'the build stage runs npm ci (whose prepare script builds)');
    const installed = new Set([...install.matchAll(/--workspace (\S+)/g)].map((match) => match[1]!));
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[]; scripts: Record<string, string> };
    const names = new Map(manifest.workspaces.map((workspace) => [workspace, (JSON.parse(readFileSync(path.join(ROOT, workspace, 'package.json'), 'utf8')) as { name: string }).name]));
    const script = `${manifest.scripts.prepare} ${manifest.scripts.build}`;
    for (const [workspace, name] of names) {
      if (script.includes(workspace) || script.includes(name)) assert.ok(installed.has(name), `the root build builds ${workspace}: the Dockerfile's npm ci needs --workspace ${name}`);
    }
  });

  test('the runtime stage holds only the runtime layout, owned by root, and runs as a non-root user', () => {
    const copies = runtime.all('COPY').map((text) => text.split(/\s+/));
    assert.ok(copies.length > 0);
    for (const words of copies) {
      assert.equal(words[0], '--from=build', `every COPY comes from the build stage: COPY ${words.join(' ')}`);
      assert.equal(words.length, 3, 'one source per COPY, no --chown: the gateway cannot rewrite its code');
      const relative = path.posix.relative(layoutCommand![2]!, words[1]!);
      assert.ok(!relative.startsWith('..'), `${words[1]} is part of the layout in ${layoutCommand![2]}`);
      assert.equal(path.posix.join(runtime.last('WORKDIR'), words[2]!), path.posix.join(runtime.last('WORKDIR'), relative));
    }
    // Everything the layout script made is copied, and nothing else.
    const copied = copies.map((words) => path.posix.relative(layoutCommand![2]!, words[1]!)).sort();
    assert.deepEqual(copied, readdirSync(layout).sort());

    const user = runtime.last('USER');
    assert.ok(user && !/^(root|0)(:|$)/.test(user), `USER is not root, got ${user}`);
    const data = imageEnvironment.DATA_DIR!;
    assert.ok(data, 'DATA_DIR is set');
    assert.ok(
      runtime.all('RUN').some((text) => text.includes(`mkdir -p ${data}`) && text.includes(`chown ${user}:${user} ${data}`)),
      `DATA_DIR (${data}) is made and given to ${user}, so a named volume mounted there is writable`,
    );
  });

  test('serves on 0.0.0.0:8000 in production mode, with documented variables, a node health check, and node as PID 1', () => {
    assert.equal(imageEnvironment.HOST, '0.0.0.0');
    assert.equal(imageEnvironment.PORT, '8000');
    assert.equal(imageEnvironment.NODE_ENV, 'production');
    const documented = documentedNames();
    // NODE_ENV is Node's convention, not a StreamGate setting.
    for (const name of Object.keys(imageEnvironment).filter((name) => name !== 'NODE_ENV')) {
      assert.ok(documented.has(name), `${name} is documented in docs/configuration.md`);
    }
    assert.equal(runtime.last('EXPOSE'), imageEnvironment.PORT);
    assert.equal(runtime.last('STOPSIGNAL'), 'SIGTERM');
    assert.equal(runtime.healthcheck()[0], 'node', 'the health check needs no curl');
    // Exec form with node first: no shell or npm in between to swallow SIGTERM.
    assert.deepEqual(runtime.execForm('ENTRYPOINT'), []);
    assert.deepEqual(runtime.execForm('CMD'), ['node', 'packages/gateway/dist/main.js']);
  });
});

describe('the runtime layout', () => {
  test('is npm’s own production dependency tree of the gateway', async () => {
    // On Node 22 and newer the layout leaves out the Node 20 SQLite driver (scripts/runtime-layout.mjs),
    // the one optional dependency installed in this tree; npm leaves it out, with what only it needs,
    // under --omit=optional.
    const omit = nodeMajor >= 22 ? ['--omit=dev', '--omit=optional'] : ['--omit=dev'];
    const { stdout } = await run('npm', ['ls', ...omit, '--all', '--parseable', '--workspace', '@streamgate/gateway'], { cwd: ROOT });
    const fromNpm = stdout
      .split('\n')
      .filter((line) => line.includes(`${path.sep}node_modules${path.sep}`))
      .map((line) => path.relative(ROOT, line))
      .filter((relative) => !relative.startsWith(path.join('node_modules', '@streamgate')));
    const inLayout = fromNpm.filter((relative) => existsSync(path.join(layout, relative, 'package.json')));
    assert.deepEqual(inLayout, fromNpm, 'every production package is in the layout');
    assert.equal(countPackages(path.join(layout, 'node_modules')), fromNpm.length, 'and no other package');
    for (const devOnly of ['typescript', 'tsx', 'vite', 'react', 'openai']) assert.ok(!existsSync(path.join(layout, 'node_modules', devOnly)), `${devOnly} is not in the layout`);
  });

  test('every package the built code imports is a production dependency, present in the layout', () => {
    for (const workspace of ['packages/gateway', 'packages/protocol']) {
      const manifest = JSON.parse(readFileSync(path.join(layout, workspace, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]);
      for (const [file, name] of importedPackages(path.join(layout, workspace, 'dist'))) {
        const where = `${path.relative(layout, file)} imports ${name}`;
        assert.ok(declared.has(name), `${where}, which ${workspace}/package.json must list under dependencies, not devDependencies`);
        assert.ok(existsSync(path.join(layout, 'node_modules', name, 'package.json')), `${where}, missing from the layout`);
      }
    }
  });

  test('runs the gateway as the image’s CMD does: health, the web app, chat with SQLite sessions, the health check, SIGTERM', async () => {
    const gateway = await startFromLayout();
    const healthcheck = () => runHealthcheck(gateway.port);
    try {
      assert.deepEqual(await (await fetch(`${gateway.url}/health`)).json(), { status: 'ok' });
      assert.equal(await healthcheck(), 0, 'the image’s HEALTHCHECK command passes');

      const page = await fetch(`${gateway.url}/`);
      const html = await page.text();
      assert.equal(page.status, 200);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, 'the built web app is served, not the "not built" page');
      assert.equal((await fetch(`${gateway.url}${script}`)).status, 200);

      const first = await chat(gateway.url, { message: 'hello from the image' });
      assert.match(first.message, /hello from the image/);
      const second = await chat(gateway.url, { message: 'and again', session_id: first.session_id });
      assert.match(second.message, /turn 2/, 'the first turn was kept in the SQLite session store (the native addon loads)');
      assert.ok(existsSync(path.join(dataDirectory, 'streamgate.db')));
    } finally {
      gateway.child.kill('SIGTERM');
    }
    assert.equal(await gateway.exited, 0, `SIGTERM drains and exits 0: ${gateway.stderr.join('\n')}`);
    assert.ok(gateway.stdout.some((line) => line.includes('"msg":"stopped"')));
    assert.equal(await healthcheck(), 1, 'the HEALTHCHECK command fails once the gateway is gone');
  });

  test('lends nothing from the checkout: without one production package the gateway does not start', async () => {
    const hidden = path.join(layout, 'node_modules', 'fastify');
    renameSync(hidden, `${hidden}-hidden`);
    try {
      const failure = await startFromLayout().then(
        (gateway) => {
          gateway.child.kill('SIGKILL');
          return undefined;
        },
        (error: unknown) => error as Error,
      );
      assert.ok(failure, 'the gateway did not start');
      assert.match(failure.message, /Cannot find package 'fastify'/);
    } finally {
      renameSync(`${hidden}-hidden`, hidden);
    }
  });
});

interface Stage {
  image: string;
  name: string | undefined;
  /** Every instruction's arguments, by keyword, in order. */
  all(keyword: string): string[];
  last(keyword: string): string;
  /** An exec-form (JSON array) instruction's words. */
  execForm(keyword: string): string[];
  /** The HEALTHCHECK's exec-form command. */
  healthcheck(): string[];
  environment(): Record<string, string>;
}

/**
 * The Dockerfile's stages, enough of its syntax for this file: comments, `\` continuations, global
 * ARG defaults in FROM, `ENV name=value ...`, exec forms.
 */
function readStages(file: string): Stage[] {
  const lines = readFileSync(file, 'utf8').replace(/\\\n(\s*#.*\n)*/g, ' ').split('\n');
  const instructions = lines.filter((line) => line.trim() && !line.trim().startsWith('#')).map((line) => /^(\w+)\s+(.*)$/.exec(line.trim())!.slice(1) as [string, string]);
  const globals: Record<string, string> = {};
  const stages: Array<{ image: string; name: string | undefined; instructions: Array<[string, string]> }> = [];
  for (const [keyword, text] of instructions) {
    if (keyword === 'FROM') {
      const [image, , name] = text.replace(/\$\{(\w+)\}/g, (_, variable: string) => globals[variable] ?? '').split(/\s+/);
      stages.push({ image: image!, name, instructions: [] });
    } else if (stages.length === 0 && keyword === 'ARG') {
      const [variable, value] = text.split('=');
      globals[variable!] = value ?? '';
    } else stages.at(-1)?.instructions.push([keyword, text.replace(/\s+/g, ' ')]);
  }
  return stages.map(({ image, name, instructions: own }) => {
    const all = (keyword: string) => own.filter(([each]) => each === keyword).map(([, text]) => text);
    const last = (keyword: string) => all(keyword).at(-1) ?? '';
    return {
      image,
      name,
      all,
      last,
      execForm: (keyword) => JSON.parse(last(keyword) || 'null') as string[],
      healthcheck: () => JSON.parse(/\bCMD (\[.*\])$/.exec(last('HEALTHCHECK'))?.[1] ?? 'null') as string[],
      environment: () => Object.fromEntries(all('ENV').flatMap((text) => text.split(' ').map((pair) => pair.split('=') as [string, string]))),
    };
  });
}

/** Installed packages under a node_modules directory, nested ones included (workspace links are not). */
function countPackages(directory: string): number {
  if (!existsSync(directory)) return 0;
  let count = 0;
  for (const name of readdirSync(directory)) {
    const location = path.join(directory, name);
    if (name.startsWith('.') || !lstatSync(location).isDirectory()) continue;
    if (name.startsWith('@')) count += countPackages(location);
    else if (existsSync(path.join(location, 'package.json'))) count += 1 + countPackages(path.join(location, 'node_modules'));
  }
  return count;
}

/** [file, package name] for every bare import, dynamic import and require in the built JavaScript. */
function importedPackages(directory: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const builtins = new Set(builtinModules);
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\(\s*)['"]([^'"]+)['"]/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
      const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
      if (!builtins.has(name)) found.push([file, name]);
    }
  }
  return found;
}

interface LayoutGateway {
  child: ChildProcess;
  url: string;
  port: number;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/**
 * The image's CMD in the layout directory, with the image's environment except where this machine
 * differs: loopback (tests never listen wider), any free port, a temporary DATA_DIR, a known key.
 */
function startFromLayout(): Promise<LayoutGateway> {
  const [command, ...parameters] = runtime.execForm('CMD');
  assert.equal(command, 'node');
  const child = spawn(process.execPath, parameters, {
    cwd: layout,
    env: { PATH: process.env.PATH, ...imageEnvironment, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDirectory, API_KEYS: KEY, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening" line within 20 s: ${stderr.join('\n')}`));
    }, 20_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string; address?: string }) : {};
      if (entry.msg !== 'listening') return;
      clearTimeout(timer);
      resolve({ child, url: entry.address!, port: Number(new URL(entry.address!).port), stdout, stderr, exited });
    });
  });
}

/** The image's HEALTHCHECK command, run as Docker would inside the container (PORT from its environment). */
function runHealthcheck(port: number): Promise<number | null> {
  const [command, ...parameters] = runtime.healthcheck();
  assert.equal(command, 'node');
  const child = spawn(process.execPath, parameters, { env: { PATH: process.env.PATH, PORT: String(port) }, stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function chat(url: string, body: Record<string, unknown>): Promise<{ message: string; session_id: string }> {
  const response = await fetch(`${url}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify({ ...body, simulate: { ttft_ms: 0, tokens_per_second: 0 } }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { message: string; session_id: string };
}
