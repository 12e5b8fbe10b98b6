const STORAGE_NAME = 'streamgate.apiKey';

/**
 * Where the API key lives: this tab's sessionStorage, which the browser clears when the tab closes,
 * never localStorage or the URL. Storage that throws (disabled, private mode) means memory only.
 */
export class KeyStorage {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined) {}

  read(): string | undefined {
    try {
      return this.storage?.getItem(STORAGE_NAME) ?? undefined;
    } catch {
      return undefined;
    }
  }

  write(key: string): void {
    try {
      this.storage?.setItem(STORAGE_NAME, key);
    } catch {
      // Memory only: the key is lost on reload, which is safe.
    }
  }

  clear(): void {
    try {
      this.storage?.removeItem(STORAGE_NAME);
    } catch {
      // Nothing was stored.
    }
  }
}

/** The tab's sessionStorage, when the page may use it. */
export function sessionStorageOrNothing(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}
