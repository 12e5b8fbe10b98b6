/** Per-key limits; a limit left out falls back to the gateway's default (`RATE_LIMIT_*`). `0` means unlimited. */
export interface KeyLimits {
  /** Requests admitted per `windowSeconds`. */
  requestsPerWindow?: number;
  windowSeconds?: number;
  /** Input plus output tokens per minute. */
  tokensPerMinute?: number;
  /** Streams running at once, over every transport and instance. */
  concurrentStreams?: number;
}

/** `day` and `month` are calendar periods in UTC; `total` never resets. */
export type BudgetPeriod = 'day' | 'month' | 'total';

export interface KeyBudget {
  /** Spend allowed per period, in US dollars, from the models' prices. */
  usd: number;
  period: BudgetPeriod;
}

/** One secret of a key, as stored: only its SHA-256 and its last four characters. */
export interface StoredSecret {
  /** Hex SHA-256 of the secret. */
  hash: string;
  /** The last four characters, to tell secrets apart in listings. */
  hint: string;
  createdAt: string;
  /** Set when the key was rotated: the secret keeps working until then. */
  expiresAt: string | null;
}

/** A managed API key, without its secret. */
export interface ApiKey {
  /** Public, non-secret id (`key_...`), used in usage records, logs and the admin API. */
  id: string;
  name: string;
  owner: string;
  /** Model ids (or aliases) the key may use; null: every model. */
  allowedModels: string[] | null;
  limits: KeyLimits;
  budget: KeyBudget | null;
  createdAt: string;
  /** The key stops working at this time; null: never. */
  expiresAt: string | null;
  revokedAt: string | null;
  /** Its secrets, newest first (more than one during a rotation's overlap). */
  secrets: Omit<StoredSecret, 'hash'>[];
}

export type KeyChanges = Partial<Pick<ApiKey, 'name' | 'owner' | 'allowedModels' | 'limits' | 'budget' | 'expiresAt'>>;

export interface KeyListFilter {
  owner?: string;
  includeRevoked?: boolean;
}

/**
 * Managed API keys (memory | sqlite | postgres). Stores only hashes of secrets. Methods that name a
 * key that does not exist return undefined or false.
 */
export interface KeyStore {
  insert(key: Omit<ApiKey, 'secrets'>, secret: StoredSecret): Promise<ApiKey>;
  get(id: string): Promise<ApiKey | undefined>;
  list(filter?: KeyListFilter): Promise<ApiKey[]>;
  /** The key that has a secret with this hash, and that secret's expiry. */
  findBySecretHash(hash: string): Promise<{ key: ApiKey; secretExpiresAt: string | null } | undefined>;
  update(id: string, changes: KeyChanges): Promise<ApiKey | undefined>;
  /**
   * Adds a new secret; every older secret that would outlive `previousExpireAt` now expires then
   * (a rotation with overlap). Undefined for an unknown or revoked key.
   */
  rotate(id: string, secret: StoredSecret, previousExpireAt: string): Promise<ApiKey | undefined>;
  /** Marks the key revoked (idempotent: the first revocation time is kept). */
  revoke(id: string, at: string): Promise<ApiKey | undefined>;
  /** Throws when the store cannot serve (for `/ready`). */
  check(): Promise<void>;
  close(): Promise<void>;
}
