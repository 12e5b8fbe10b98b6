import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '@streamgate/protocol';
import { ERROR_REGISTRY } from './errors.js';

const documentation = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...documentation.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (yes|no) \|/gm)].map((match) => [match[1]!, { status: Number(match[2]), retryable: match[3] === 'yes' }]),
);

test('every error code is in the registry and documented with its status and retryability', () => {
  for (const code of ERROR_CODES) {
    const definition = ERROR_REGISTRY[code];
    assert.ok(definition, `${code} has no registry entry`);
    assert.deepEqual(documented.get(code), { status: definition.status, retryable: definition.retryable }, `docs/errors.md is out of step for ${code}`);
  }
});

test('docs/errors.md documents no code that the gateway no longer has', () => {
  const stale = [...documented.keys()].filter((code) => !(ERROR_CODES as readonly string[]).includes(code));
  assert.deepEqual(stale, []);
  assert.deepEqual(Object.keys(ERROR_REGISTRY).sort(), [...ERROR_CODES].sort());
});
