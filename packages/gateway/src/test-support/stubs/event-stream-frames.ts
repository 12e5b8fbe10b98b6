import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const text = (value: string) => ({ type: 'string' as const, value });

/** An `application/vnd.amazon.eventstream` event frame, as Bedrock sends it: the event struct as JSON. */
export function eventFrame(eventType: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: { ':event-type': text(eventType), ':message-type': text('event'), ':content-type': text('application/json') },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** A modelled exception in the middle of a stream (`modelStreamErrorException`, `throttlingException`, ...). */
export function exceptionFrame(exceptionType: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: { ':exception-type': text(exceptionType), ':message-type': text('exception'), ':content-type': text('application/json') },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** An unmodelled error message in the stream (`:message-type: error`). */
export function errorFrame(errorCode: string, errorMessage: string): Uint8Array {
  return codec.encode({
    headers: { ':message-type': text('error'), ':error-code': text(errorCode), ':error-message': text(errorMessage) },
    body: new Uint8Array(0),
  });
}

/** A frame whose checksum no longer matches its bytes. */
export function corruptFrame(frame: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(frame);
  copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
  return copy;
}

/** The first `length` bytes of a frame: the connection ends inside it. */
export function truncatedFrame(frame: Uint8Array, length = 10): Uint8Array {
  return frame.subarray(0, length);
}
