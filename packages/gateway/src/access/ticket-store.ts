import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Caller } from '../engine/chat-request.js';

/** Where WebSocket tickets wait to be used: memory, or Redis so that any instance can take them. */
export interface TicketStore {
  put(hash: string, caller: Caller, ttlMs: number): Promise<void>;
  /** Returns the ticket's caller and removes it, atomically: a ticket works once. */
  take(hash: string): Promise<Caller | undefined>;
}

const TICKET_PREFIX = 'wst_';
const MEMORY_LIMIT = 100_000;

export const hashTicket = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, { caller: Caller; expiresAt: number }>();

  async put(hash: string, caller: Caller, ttlMs: number): Promise<void> {
    const now = Date.now();
    if (this.tickets.size >= MEMORY_LIMIT) {
      for (const [key, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(key);
      if (this.tickets.size >= MEMORY_LIMIT) this.tickets.delete(this.tickets.keys().next().value!);
    }
    this.tickets.set(hash, { caller, expiresAt: now + ttlMs });
  }

  async take(hash: string): Promise<Caller | undefined> {
    const entry = this.tickets.get(hash);
    this.tickets.delete(hash);
    return entry && entry.expiresAt > Date.now() ? entry.caller : undefined;
  }
}

export class RedisTicketStore implements TicketStore {
  constructor(private readonly redis: Redis) {}

  async put(hash: string, caller: Caller, ttlMs: number): Promise<void> {
    await this.redis.set(`streamgate:ticket:${hash}`, JSON.stringify(caller), 'PX', ttlMs);
  }

  async take(hash: string): Promise<Caller | undefined> {
    const value = await this.redis.getdel(`streamgate:ticket:${hash}`);
    return value === null ? undefined : (JSON.parse(value) as Caller);
  }
}

/**
 * Short-lived, single-use tickets for WebSocket URLs: a browser cannot set headers on a WebSocket,
 * and a key in a URL ends up in logs. Only the ticket's hash is stored. With Redis, a ticket issued
 * by one instance is good on any other; when Redis fails, tickets fall back to this instance's memory.
 */
export class WebSocketTickets {
  private readonly local = new MemoryTicketStore();

  constructor(
    private readonly ttlSeconds: number,
    private readonly shared?: TicketStore,
  ) {}

  async issue(caller: Caller): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = `${TICKET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const ttlMs = this.ttlSeconds * 1000;
    const hash = hashTicket(ticket);
    try {
      if (!this.shared) throw new Error('no shared store');
      await this.shared.put(hash, caller, ttlMs);
    } catch {
      await this.local.put(hash, caller, ttlMs);
    }
    return { ticket, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
  }

  async redeem(ticket: string): Promise<Caller | undefined> {
    const hash = hashTicket(ticket);
    const local = await this.local.take(hash);
    if (local) return local;
    try {
      return await this.shared?.take(hash);
    } catch {
      return undefined;
    }
  }
}
