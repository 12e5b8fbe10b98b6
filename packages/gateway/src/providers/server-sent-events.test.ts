import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../errors.js';
import { ServerSentEventDecoder } from './server-sent-events.js';

describe('ServerSentEventDecoder', () => {
  it('emits each event as soon as its blank line arrives, across any split of the bytes', () => {
    const text = 'event: a\ndata: one\n\r\n: comment\r\ndata:two\rdata: lines\r\rdata: {"x":1}\n\n';
    const expected = [{ event: 'a', data: 'one' }, { data: 'two\nlines' }, { data: '{"x":1}' }];
    for (let split = 0; split <= text.length; split++) {
      const decoder = new ServerSentEventDecoder();
      const events = [...decoder.push(Buffer.from(text.slice(0, split))), ...decoder.push(Buffer.from(text.slice(split))), ...decoder.end()];
      assert.deepEqual(events, expected, `split at ${split}`);
    }
  });

  it('keeps a multi-byte character split between two reads', () => {
    const bytes = Buffer.from('data: été\n\n', 'utf8');
    const decoder = new ServerSentEventDecoder();
    assert.deepEqual([...decoder.push(bytes.subarray(0, 7)), ...decoder.push(bytes.subarray(7))], [{ data: 'été' }]);
  });

  it('counts a last event without its blank line when the body ends', () => {
    const decoder = new ServerSentEventDecoder();
    assert.deepEqual(decoder.push('data: tail'), []);
    assert.deepEqual(decoder.end(), [{ data: 'tail' }]);
  });

  it('refuses an event that grows without end', () => {
    const decoder = new ServerSentEventDecoder();
    const line = `data: ${'x'.repeat(1024 * 1024)}\n`;
    assert.throws(() => {
      for (let index = 0; index < 8; index++) decoder.push(line);
    }, (error: unknown) => error instanceof GatewayError && error.code === 'upstream_bad_response');
  });
});
