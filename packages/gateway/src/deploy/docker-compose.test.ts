import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../config.js';

// No Docker engine runs here; Debian's docker-compose (1.29, Python) validates and resolves a compose
// file offline. This checks that it accepts docker-compose.yml and that the result keeps our promises.

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const DOCKER_COMPOSE = process.env.DOCKER_COMPOSE_BIN ?? '/usr/bin/docker-compose';
const SECRETS = { ADMIN_API_KEY: 'admin-secret-0123', REDIS_PASSWORD: 'redis0secret0123', POSTGRES_PASSWORD: 'postgres0secret0123' };

interface Service {
  image?: string;
  build?: { context: string };
  environment?: Record<string, string>;
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** The image's ENV and HEALTHCHECK command, from the Dockerfile (continuation lines joined). */
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n(\s*#.*\n)*/g, ' ');
const imageEnvironment: Record<string, string> = Object.fromEntries(
  [...dockerfile.matchAll(/^ENV (.*)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/).map((pair) => pair.split('=') as [string, string])),
);
const imageHealthcheck = JSON.parse(/^HEALTHCHECK .*\bCMD (\[.*\])\s*$/m.exec(dockerfile)![1]!) as string[];

let emptyEnvironmentFile = '';
let compose: Compose;
before(async () => {
  if (!existsSync(DOCKER_COMPOSE)) {
    throw new Error(`${DOCKER_COMPOSE} is missing: install it with "apt-get install -y docker-compose" (.ci/run does).`);
  }
  // A developer's own .env must not change what the test sees: compose reads this empty one instead.
  const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-compose-'));
  emptyEnvironmentFile = path.join(directory, '.env');
  writeFileSync(emptyEnvironmentFile, '');
  const result = await composeConfig(SECRETS);
  assert.equal(result.code, 0, `docker-compose config accepts docker-compose.yml: ${result.stderr}`);
  compose = await yamlToJson(result.stdout);
});
after(() => {
  if (emptyEnvironmentFile) rmSync(path.dirname(emptyEnvironmentFile), { recursive: true, force: true });
});

function composeConfig(environment: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const parameters = ['--env-file', emptyEnvironmentFile, '--file', path.join(ROOT, 'docker-compose.yml'), '--project-directory', ROOT, 'config'];
  return new Promise((resolve) => {
    execFile(DOCKER_COMPOSE, parameters, { cwd: ROOT, env: { PATH: process.env.PATH, ...environment } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** docker-compose 1.29 prints YAML only; its own dependency, Python's yaml module, reads it. */
function yamlToJson(yaml: string): Promise<Compose> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], (error, stdout, stderr) =>
      error ? reject(new Error(`python3 could not read docker-compose's YAML (apt-get install -y python3-yaml): ${stderr}`)) : resolve(JSON.parse(stdout) as Compose),
    );
    child.stdin!.end(yaml);
  });
}

/** `source:target[:mode]` of a short-syntax volume. */
function mounts(service: Service): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((volume) => {
    const [source, target] = volume.split(':');
    return { source: source!, target: target! };
  });
}

function documentedNames(): Set<string> {
  const rows = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8').split('\n').filter((line) => line.startsWith('| `'));
  return new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!)));
}

describe('docker-compose.yml', () => {
  test('runs the gateway built from the Dockerfile, Redis and PostgreSQL, each with a health check', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['gateway', 'postgres', 'redis']);
    const { gateway, redis, postgres } = compose.services;
    assert.equal(gateway!.build?.context, ROOT);
    for (const [name, service] of Object.entries(compose.services)) {
      const check = service.healthcheck?.test ?? [];
      assert.ok(check.length > 1 && check[0] !== 'NONE', `${name} has a health check`);
    }
    assert.deepEqual(gateway!.healthcheck!.test, ['CMD', ...imageHealthcheck], "the gateway's is the image's own");
    assert.match(redis!.healthcheck!.test.join(' '), /redis-cli ping/);
    assert.match(postgres!.healthcheck!.test.join(' '), /pg_isready .*--host 127\.0\.0\.1/, 'over TCP, which PostgreSQL opens only once initialised');
  });

  test('starts the gateway once Redis and PostgreSQL are healthy, and gives it time to drain on stop', () => {
    const gateway = compose.services.gateway!;
    assert.deepEqual(gateway.depends_on, { postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    const grace = /^(\d+)s$/.exec(gateway.stop_grace_period ?? '');
    const drainSeconds = Number(gateway.environment?.DRAIN_TIMEOUT_MS ?? imageEnvironment.DRAIN_TIMEOUT_MS ?? 30_000) / 1000;
    assert.ok(grace && Number(grace[1]) > drainSeconds, `stop_grace_period (${gateway.stop_grace_period}) outlasts the drain (${drainSeconds} s)`);
  });

  test('keeps every service’s data in a named volume, the gateway’s at the image’s DATA_DIR', () => {
    const expected = { gateway: imageEnvironment.DATA_DIR, redis: '/data', postgres: '/var/lib/postgresql/data' };
    for (const [name, target] of Object.entries(expected)) {
      const found = mounts(compose.services[name]!).find((mount) => mount.target === target);
      assert.ok(found, `${name} mounts a volume at ${target}`);
      assert.ok(found.source in compose.volumes, `${name}'s ${found.source} is a named volume, not a host directory`);
    }
    assert.deepEqual(compose.services.redis!.ports ?? [], [], 'Redis is not published on the host');
    assert.deepEqual(compose.services.postgres!.ports ?? [], [], 'PostgreSQL is not published on the host');
  });

  test('gives the gateway documented variables that the gateway accepts: Redis and PostgreSQL stores, with the secrets from the environment', () => {
    const environment = compose.services.gateway!.environment!;
    const documented = documentedNames();
    for (const name of Object.keys(environment)) assert.ok(documented.has(name), `${name} is documented in docs/configuration.md`);

    const postgres = compose.services.postgres!.environment!;
    assert.equal(environment.DATABASE_URL, `postgres://${postgres.POSTGRES_USER}:${SECRETS.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
    assert.equal(environment.REDIS_URL, `redis://:${SECRETS.REDIS_PASSWORD}@redis:6379`);
    assert.deepEqual(compose.services.redis!.command!.slice(-2), ['--requirepass', SECRETS.REDIS_PASSWORD]);
    assert.equal(environment.ADMIN_API_KEY, SECRETS.ADMIN_API_KEY);

    // What the gateway in the container would make of it: the image's environment, then compose's.
    const config = loadConfig({ ...imageEnvironment, ...environment });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.sessionStore, 'redis');
    assert.equal(config.access.keyStore, 'postgres');
    assert.equal(config.access.usageStore, 'postgres');
    assert.deepEqual(config.access.adminKeys, [SECRETS.ADMIN_API_KEY]);
  });

  test('holds no secret: without each one, compose refuses and names it', async () => {
    const results = await Promise.all(
      Object.keys(SECRETS).map(async (name) => {
        const { [name as keyof typeof SECRETS]: _left, ...others } = SECRETS;
        return { name, result: await composeConfig(others) };
      }),
    );
    for (const { name, result } of results) {
      assert.notEqual(result.code, 0, `compose refuses to run without ${name}`);
      assert.match(result.stderr, new RegExp(`set ${name} in \\.env`));
    }
  });

  test('.env.example lists every variable the file reads, with no secret filled in', () => {
    const read = new Set([...readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
    const example = new Map(
      readFileSync(path.join(ROOT, '.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z]/.test(line))
        .map((line) => line.split('=') as [string, string]),
    );
    assert.deepEqual([...read].filter((name) => !example.has(name)), [], 'every variable is in .env.example');
    for (const name of Object.keys(SECRETS)) assert.equal(example.get(name), '', `${name} is left for each deployment to choose`);
  });
});
