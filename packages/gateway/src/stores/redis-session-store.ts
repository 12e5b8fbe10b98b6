import type { Redis } from 'ioredis';
import { GatewayError } from '../errors.js';
import { SESSION_TITLE_LENGTH, type SessionListItem, type SessionStore, type SessionSummary, type SessionTurn } from './session-store.js';

// Every script reads the clock from Redis (TIME), so that instances with skewed clocks agree on
// which session was used last.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Keeps the owner's index alive as long as its longest-lived session: it only ever extends the expiry. */
const INDEX = `redis.call('ZADD', KEYS[3], now, ARGV[3])
if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end`;

/**
 * KEYS: the session's hash, its turns, its owner's index. ARGV: owner, ttl ms, session id.
 * The turns key is cleared too, so that a new owner can never inherit a former session's history.
 */
const CREATE = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
${NOW}
local ttl = tonumber(ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'created', now, 'updated', now)
redis.call('PEXPIRE', KEYS[1], ttl)
${INDEX}
return 1`;

/**
 * KEYS as CREATE. ARGV: owner, ttl ms, session id, max turns, '1' and the title when these turns hold a
 * user message ('0' and '' otherwise), then the turns. Checking the owner and writing in one script means
 * two instances appending to the same new session at once cannot both take it.
 */
const APPEND = `local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return 0 end
${NOW}
local ttl = tonumber(ARGV[2])
if not owner then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'created', now)
end
redis.call('HSET', KEYS[1], 'updated', now)
if ARGV[5] == '1' then redis.call('HSETNX', KEYS[1], 'title', ARGV[6]) end
if #ARGV > 6 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 7))
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
${INDEX}
return 1`;

/** KEYS as CREATE. ARGV: owner, session id. */
const DELETE = `if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1`;

/** KEYS: an owner's index. ARGV: ttl ms, first, last. Drops sessions unused for the ttl, then pages, newest first. */
const PAGE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZREVRANGE', KEYS[1], ARGV[2], ARGV[3])`;

type Scripted = Redis & {
  sgSessionCreate(session: string, turns: string, index: string, ownerId: string, ttlMs: number, id: string): Promise<number>;
  sgSessionAppend(session: string, turns: string, index: string, ownerId: string, ttlMs: number, id: string, maxTurns: number, hasTitle: string, title: string, ...encoded: string[]): Promise<number>;
  sgSessionDelete(session: string, turns: string, index: string, ownerId: string, id: string): Promise<number>;
  sgSessionPage(index: string, ttlMs: number, first: number, last: number): Promise<string[]>;
};

export interface RedisSessionStoreOptions {
  ttlSeconds: number;
  /** Turns kept per session at most; the oldest go first. */
  maxTurns?: number;
  /** Namespace of every key (tests give each store its own). */
  prefix?: string;
}

const encodeTurn = (turn: SessionTurn): string =>
  JSON.stringify({
    role: turn.role,
    content: turn.content,
    createdAt: turn.createdAt,
    requestId: turn.requestId,
    status: turn.status,
    ...(turn.model !== undefined ? { model: turn.model } : {}),
  });

// Written by encodeTurn only: the gateway's own data, not a client's.
const decodeTurn = (text: string): SessionTurn => JSON.parse(text) as SessionTurn;

const isoTime = (milliseconds: string | null | undefined) => new Date(Number(milliseconds)).toISOString();

/** The replies of a MULTI or a pipeline, in order; throws the first command's error. */
function repliesOf(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis discarded the transaction');
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/**
 * Sessions in Redis, shared by every gateway instance, so that a conversation continues wherever the
 * load balancer sends its next turn. Per session: a hash (`owner`, `created`, `updated` in ms on Redis'
 * clock, `title`) and a list of turns (JSON, oldest first); per owner, a sorted set of session ids by
 * last use. Every key expires `ttlSeconds` after the session's last write, by Redis itself.
 * A Redis failure is a `dependency_unavailable` error. The connection is the caller's: `close()` leaves it open.
 *
 * @example
 * const sessions = new RedisSessionStore(new Redis('redis://127.0.0.1:6379'), { ttlSeconds: 7 * 24 * 3600 });
 * await sessions.append('chat-1', 'key_abc', [turn]);
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Scripted;
  private readonly ttlMs: number;
  private readonly maxTurns: number;
  private readonly prefix: string;

  constructor(redis: Redis, options: RedisSessionStoreOptions) {
    redis.defineCommand('sgSessionCreate', { numberOfKeys: 3, lua: CREATE });
    redis.defineCommand('sgSessionAppend', { numberOfKeys: 3, lua: APPEND });
    redis.defineCommand('sgSessionDelete', { numberOfKeys: 3, lua: DELETE });
    redis.defineCommand('sgSessionPage', { numberOfKeys: 1, lua: PAGE });
    this.redis = redis as Scripted;
    this.ttlMs = Math.max(1, Math.round(options.ttlSeconds * 1000));
    this.maxTurns = options.maxTurns ?? 1000;
    this.prefix = options.prefix ?? 'streamgate:session:';
  }

  // A session id is [A-Za-z0-9_-]: the `id:` and `owner:` namespaces cannot meet.
  private sessionKey(id: string): string {
    return `${this.prefix}id:${id}`;
  }

  private turnsKey(id: string): string {
    return `${this.prefix}id:${id}:turns`;
  }

  private indexKey(ownerId: string): string {
    return `${this.prefix}owner:${ownerId}`;
  }

  private keys(id: string, ownerId: string): [string, string, string] {
    return [this.sessionKey(id), this.turnsKey(id), this.indexKey(ownerId)];
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new GatewayError('dependency_unavailable', 'The session store (Redis) is unavailable; retry shortly.', { cause: error });
    }
  }

  async create(id: string, ownerId: string): Promise<boolean> {
    return (await this.call(() => this.redis.sgSessionCreate(...this.keys(id, ownerId), ownerId, this.ttlMs, id))) === 1;
  }

  async list(ownerId: string, limit: number): Promise<SessionListItem[]> {
    const index = this.indexKey(ownerId);
    const items: SessionListItem[] = [];
    let first = 0;
    while (items.length < limit) {
      const ids = await this.call(() => this.redis.sgSessionPage(index, this.ttlMs, first, first + limit - items.length - 1));
      if (ids.length === 0) break;
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.hmget(this.sessionKey(id), 'owner', 'created', 'updated', 'title').llen(this.turnsKey(id));
      const replies = await this.call(async () => repliesOf(await pipeline.exec()));
      const gone: string[] = [];
      for (const [position, id] of ids.entries()) {
        const [owner, created, updated, title] = replies[position * 2] as (string | null)[];
        // Expired, or expired and taken since by another owner, while the index still named it.
        if (owner !== ownerId) {
          gone.push(id);
          continue;
        }
        items.push({ id, createdAt: isoTime(created), updatedAt: isoTime(updated), turnCount: replies[position * 2 + 1] as number, title: title ?? '' });
      }
      if (gone.length > 0) await this.call(() => this.redis.zrem(index, ...gone));
      first += ids.length - gone.length;
    }
    return items;
  }

  async get(id: string, ownerId: string): Promise<(SessionSummary & { turns: SessionTurn[] }) | undefined> {
    const [metadata, stored] = await this.call(async () =>
      repliesOf(await this.redis.multi().hmget(this.sessionKey(id), 'owner', 'created', 'updated').lrange(this.turnsKey(id), 0, -1).exec()),
    );
    const [owner, created, updated] = metadata as (string | null)[];
    if (owner !== ownerId) return undefined;
    const turns = (stored as string[]).map(decodeTurn);
    return { id, createdAt: isoTime(created), updatedAt: isoTime(updated), turnCount: turns.length, turns };
  }

  async isWritable(id: string, ownerId: string): Promise<boolean> {
    const owner = await this.call(() => this.redis.hget(this.sessionKey(id), 'owner'));
    return owner === null || owner === ownerId;
  }

  async recentTurns(id: string, ownerId: string, limit: number): Promise<SessionTurn[]> {
    if (limit <= 0) return [];
    const [owner, stored] = await this.call(async () =>
      repliesOf(await this.redis.multi().hget(this.sessionKey(id), 'owner').lrange(this.turnsKey(id), -limit, -1).exec()),
    );
    return owner === ownerId ? (stored as string[]).map(decodeTurn) : [];
  }

  async append(id: string, ownerId: string, turns: SessionTurn[]): Promise<void> {
    const title = turns.find((turn) => turn.role === 'user')?.content.slice(0, SESSION_TITLE_LENGTH);
    const [hasTitle, titleText] = title === undefined ? ['0', ''] : ['1', title];
    await this.call(() => this.redis.sgSessionAppend(...this.keys(id, ownerId), ownerId, this.ttlMs, id, this.maxTurns, hasTitle, titleText, ...turns.map(encodeTurn)));
  }

  async delete(id: string, ownerId: string): Promise<boolean> {
    return (await this.call(() => this.redis.sgSessionDelete(...this.keys(id, ownerId), ownerId, id))) === 1;
  }

  /** Throws Redis' own reason (for `/ready`). */
  async check(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {}
}
