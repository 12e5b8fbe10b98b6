/**
 * Something the gateway cannot start without (its port, its database), said in one line: `main.ts`
 * prints the message alone, without a stack, and exits 1. Bad settings are `ConfigError` (exit 78).
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** A connection URL fit for a message or a log line: everything but the password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** The cause in a few words. Node's AggregateError (every address of a name refused) has no message of its own. */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return [...new Set(error.errors.map(describeCause))].join('; ');
  const { message, code } = error as { message?: string; code?: string };
  return message || code || String(error);
}

/**
 * Opens what `variable` points at; any failure becomes a StartupError that names the variable and
 * where it points (without the password), rather than a driver's stack trace.
 *
 * @example
 * const store = await openDependency('DATABASE_URL', databaseUrl, () => PostgresKeyStore.open(pool));
 */
export async function openDependency<T>(variable: string, url: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw new StartupError(`cannot reach ${variable} (${redactUrl(url)}): ${describeCause(error)}`, { cause: error });
  }
}
