import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalPoints, chartScale, roundTicks, stepPath } from './chart-geometry.js';

const box = { width: 440, height: 240, left: 40, bottom: 40, top: 0, right: 0 };

test('arrival points add up the characters from the origin', () => {
  assert.deepEqual(arrivalPoints([{ atMs: 10, characters: 3 }, { atMs: 25, characters: 4 }]), [
    { atMs: 0, characters: 0 },
    { atMs: 10, characters: 3 },
    { atMs: 25, characters: 7 },
  ]);
});

test('round ticks from 0 past the maximum', () => {
  assert.deepEqual(roundTicks(7), [0, 2, 4, 6, 8]);
  assert.deepEqual(roundTicks(230), [0, 50, 100, 150, 200, 250]);
  assert.deepEqual(roundTicks(1000), [0, 200, 400, 600, 800, 1000]);
});

test('the scale fits every curve and every end, and maps into the plot area', () => {
  const curve = arrivalPoints([{ atMs: 100, characters: 50 }, { atMs: 300, characters: 200 }]);
  const scale = chartScale([curve], [380], box);
  assert.equal(scale.xMaxMs, 400);
  assert.equal(scale.yMaxCharacters, 250);
  assert.equal(scale.x(0), 40);
  assert.equal(scale.x(400), 440);
  assert.equal(scale.y(0), 200);
  assert.equal(scale.y(250), 0);
  assert.equal(scale.y(125), 100);
});

test('the path steps up at each chunk and runs on to the end of the stream', () => {
  const curve = arrivalPoints([{ atMs: 100, characters: 100 }, { atMs: 200, characters: 100 }]);
  const scale = chartScale([curve], [400], box);
  assert.equal(stepPath(curve, scale, 400), 'M40 200 H140 V100 H240 V0 H440');
  assert.equal(stepPath([], scale), '');
});
