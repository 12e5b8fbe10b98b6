import { readFileSync } from 'node:fs';

/** A JSON file from a `__fixtures__` folder, read relative to the calling module (`import.meta.url`). */
export function readFixture<T = unknown>(relativePath: string, base: string | URL): T {
  return JSON.parse(readFileSync(new URL(relativePath, base), 'utf8')) as T;
}
