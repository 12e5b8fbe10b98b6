import { parseArgs } from 'node:util';
import { KeyManager } from '../access/key-manager.js';
import { createPostgresPool } from '../stores/postgres/postgres-pool.js';
import type { GatewayConfig } from '../config.js';
import type { BudgetPeriod, KeyLimits, KeyStore } from '../stores/keys/key-store.js';
import { PostgresKeyStore } from '../stores/keys/postgres-key-store.js';
import { SqliteKeyStore } from '../stores/keys/sqlite-key-store.js';
import { openDependency } from '../startup-error.js';
import { toWireKey, type WireKey } from '../transports/admin/key-wire.js';
import path from 'node:path';

export const KEYS_USAGE = `Usage: streamgate keys <command> [options]

Manages API keys in the configured key store (KEY_STORE, DATA_DIR, DATABASE_URL), the same store
the running gateways read. Secrets are printed once and stored only as hashes.

Commands:
  create --name NAME --owner OWNER [--models a,b] [--requests-per-window N] [--window-seconds S]
         [--tokens-per-minute N] [--concurrent-streams N] [--budget-usd X] [--budget-period day|month|total]
         [--expires-at ISO]
  list [--owner OWNER] [--all]          (--all includes revoked keys)
  rotate KEY_ID [--overlap-seconds S]  (default KEY_ROTATION_OVERLAP_SECONDS)
  revoke KEY_ID

Every command takes --json for machine-readable output, and --help for this text.
`;

export class UsageError extends Error {}

interface Output {
  out(text: string): void;
}

const OPTIONS = {
  name: { type: 'string' },
  owner: { type: 'string' },
  models: { type: 'string' },
  'requests-per-window': { type: 'string' },
  'window-seconds': { type: 'string' },
  'tokens-per-minute': { type: 'string' },
  'concurrent-streams': { type: 'string' },
  'budget-usd': { type: 'string' },
  'budget-period': { type: 'string' },
  'expires-at': { type: 'string' },
  'overlap-seconds': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function whole(flag: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${flag} must be an integer of ${min} or more, got "${value}"`);
  return parsed;
}

async function openStore(config: GatewayConfig): Promise<{ store: KeyStore; close: () => Promise<void> }> {
  const access = config.access;
  if (access.keyStore === 'memory') {
    throw new UsageError('KEY_STORE=memory lives inside the gateway process: use the admin API (POST /v1/admin/keys) or set KEY_STORE=sqlite|postgres.');
  }
  if (access.keyStore === 'postgres') {
    const pool = createPostgresPool(access.databaseUrl!, () => undefined);
    try {
      return { store: await openDependency('DATABASE_URL', access.databaseUrl!, () => PostgresKeyStore.open(pool)), close: () => pool.end() };
    } catch (error) {
      await pool.end();
      throw error;
    }
  }
  const store = new SqliteKeyStore(path.join(config.dataDirectory, 'keys.db'));
  return { store, close: () => store.close() };
}

function describe(key: WireKey): string {
  const limits = Object.entries(key.limits).map(([name, value]) => `${name}=${value}`).join(' ') || 'defaults';
  const budget = key.budget ? `$${key.budget.usd}/${key.budget.period}` : 'none';
  return [
    `${key.id}  ${key.status}  name=${JSON.stringify(key.name)} owner=${JSON.stringify(key.owner)}`,
    `  models=${key.allowed_models?.join(',') ?? 'all'} limits: ${limits} budget: ${budget}`,
    `  created ${key.created_at}${key.expires_at ? `, expires ${key.expires_at}` : ''}${key.revoked_at ? `, revoked ${key.revoked_at}` : ''}`,
    ...key.secrets.map((secret) => `  secret ...${secret.hint} created ${secret.created_at}${secret.expires_at ? `, works until ${secret.expires_at}` : ''}`),
  ].join('\n');
}

/**
 * `streamgate keys ...`: returns the exit code. The configuration is loaded only once a command
 * needs the store, so that `--help` works whatever the environment holds.
 */
export async function runKeysCommand(argv: string[], loadConfiguration: () => GatewayConfig, output: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    output.out(KEYS_USAGE);
    return command === undefined && !values.help ? 64 : 0;
  }
  const config = loadConfiguration();
  const { store, close } = await openStore(config);
  const keys = new KeyManager({ store, rotationOverlapSeconds: config.access.rotationOverlapSeconds, cacheSeconds: 0 });
  const print = (value: unknown, text: string) => output.out(values.json ? JSON.stringify(value, null, 2) : text);
  try {
    switch (command) {
      case 'create': {
        if (!values.name || !values.owner) throw new UsageError('create needs --name and --owner');
        const limits: KeyLimits = {};
        const requests = whole('requests-per-window', values['requests-per-window']);
        const window = whole('window-seconds', values['window-seconds'], 1);
        const tokens = whole('tokens-per-minute', values['tokens-per-minute']);
        const streams = whole('concurrent-streams', values['concurrent-streams']);
        if (requests !== undefined) limits.requestsPerWindow = requests;
        if (window !== undefined) limits.windowSeconds = window;
        if (tokens !== undefined) limits.tokensPerMinute = tokens;
        if (streams !== undefined) limits.concurrentStreams = streams;
        let budget: { usd: number; period: BudgetPeriod } | null = null;
        if (values['budget-usd'] !== undefined) {
          const usd = Number(values['budget-usd']);
          const period = (values['budget-period'] ?? 'month') as BudgetPeriod;
          if (!(usd >= 0)) throw new UsageError(`--budget-usd must be a number of 0 or more, got "${values['budget-usd']}"`);
          if (!['day', 'month', 'total'].includes(period)) throw new UsageError('--budget-period must be day, month or total');
          budget = { usd, period };
        }
        let expiresAt: string | null = null;
        if (values['expires-at'] !== undefined) {
          const time = Date.parse(values['expires-at']);
          if (Number.isNaN(time)) throw new UsageError(`--expires-at must be an ISO 8601 time, got "${values['expires-at']}"`);
          expiresAt = new Date(time).toISOString();
        }
        const models = values.models?.split(',').map((model) => model.trim()).filter(Boolean);
        const { key, secret } = await keys.create({ name: values.name, owner: values.owner, allowedModels: models?.length ? models : null, limits, budget, expiresAt });
        print({ key: toWireKey(key), secret }, `${describe(toWireKey(key))}\n\nsecret (shown once, store it now):\n${secret}\n`);
        return 0;
      }
      case 'list': {
        const list = (await keys.list({ includeRevoked: values.all === true, ...(values.owner ? { owner: values.owner } : {}) })).map((key) => toWireKey(key));
        print({ keys: list }, list.length === 0 ? 'No keys.\n' : `${list.map(describe).join('\n')}\n`);
        return 0;
      }
      case 'rotate': {
        const id = rest[0];
        if (!id) throw new UsageError('rotate needs a KEY_ID');
        const existing = await keys.get(id);
        if (!existing) throw new UsageError(`No API key "${id}".`);
        if (existing.revokedAt !== null) throw new UsageError(`API key ${id} is revoked; create a new key.`);
        const rotated = (await keys.rotate(id, whole('overlap-seconds', values['overlap-seconds'])))!;
        print(
          { key: toWireKey(rotated.key), secret: rotated.secret, previous_secret_expires_at: rotated.previousExpiresAt },
          `${describe(toWireKey(rotated.key))}\n\nnew secret (shown once, store it now):\n${rotated.secret}\nthe previous secret works until ${rotated.previousExpiresAt}\n`,
        );
        return 0;
      }
      case 'revoke': {
        const id = rest[0];
        if (!id) throw new UsageError('revoke needs a KEY_ID');
        const key = await keys.revoke(id);
        if (!key) throw new UsageError(`No API key "${id}".`);
        print(toWireKey(key), `${describe(toWireKey(key))}\n(running gateways stop accepting it within KEY_CACHE_SECONDS=${config.access.keyCacheSeconds})\n`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${KEYS_USAGE}`);
    }
  } finally {
    await close();
  }
}
