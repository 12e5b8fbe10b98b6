// The reply the bare server streams: the same shape and about the same bytes per token as the gateway's
// simulator (an echo of the message, then filler), without depending on the gateway's code.
const FILLER = (
  'Streaming keeps people reading while the model is still thinking . Each token travels from the provider ' +
  'through the gateway to your client as soon as it exists , over REST , Server-Sent Events or a WebSocket . ' +
  'This reply comes from the built-in simulator , so its length , pace and failures are yours to shape .'
).split(' ');

/** `outputTokens` tokens (a word with its leading space), or the echo plus 24 filler words when not given. */
export function replyTokens(message, outputTokens) {
  const echo = message.split(/\s+/).filter((word) => word.length > 0).slice(0, 256);
  const opening = ['You', 'said:', ...echo.map((word, index) => (index === 0 ? `"${word}` : word))];
  opening[opening.length - 1] += '".';
  opening.push('This', 'is', 'turn', '1.');
  const length = outputTokens ?? opening.length + 24;
  const tokens = new Array(length);
  for (let index = 0; index < length; index++) {
    const word = index < opening.length ? opening[index] : FILLER[(index - opening.length) % FILLER.length];
    tokens[index] = index === 0 ? word : ` ${word}`;
  }
  return tokens;
}
