import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeKeyFromAddressBar, type AddressBar } from './key-from-location.js';

function addressBar(hash: string) {
  const replaced: string[] = [];
  const bar: AddressBar = {
    location: { hash, pathname: '/', search: '?view=chat' },
    history: { state: null, replaceState: (_state, _title, url) => void replaced.push(String(url)) },
  };
  return { bar, replaced };
}

test('takes the key from the fragment and removes it from the address bar', () => {
  const { bar, replaced } = addressBar('#key=sg-dev-123');
  assert.equal(takeKeyFromAddressBar(bar), 'sg-dev-123');
  assert.deepEqual(replaced, ['/?view=chat']);
});

test('keeps the other fragment parameters', () => {
  const { bar, replaced } = addressBar('#tab=compare&key=sg-dev-123');
  assert.equal(takeKeyFromAddressBar(bar), 'sg-dev-123');
  assert.deepEqual(replaced, ['/?view=chat#tab=compare']);
});

test('leaves a URL without a key alone', () => {
  const { bar, replaced } = addressBar('#tab=compare');
  assert.equal(takeKeyFromAddressBar(bar), undefined);
  assert.deepEqual(replaced, []);
});

test('removes an empty key without returning it', () => {
  const { bar, replaced } = addressBar('#key=');
  assert.equal(takeKeyFromAddressBar(bar), undefined);
  assert.deepEqual(replaced, ['/?view=chat']);
});
