import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONFIG_VARIABLES } from './config.js';

const documentation = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
/** The variables the tables document: the backticked names in each row's first cell (a row may name several). */
const documented = new Set(
  [...documentation.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!)),
);

test('docs/configuration.md documents every variable the gateway reads', () => {
  const missing = CONFIG_VARIABLES.filter((name) => !documented.has(name));
  assert.deepEqual(missing, [], `undocumented: ${missing.join(', ')}`);
});

test('docs/configuration.md documents no variable the gateway does not read', () => {
  const known = new Set(CONFIG_VARIABLES);
  const stale = [...documented].filter((name) => !known.has(name));
  assert.deepEqual(stale, [], `documented but not read: ${stale.join(', ')}`);
});
