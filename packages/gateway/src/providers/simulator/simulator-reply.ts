const FILLER = (
  'Streaming keeps people reading while the model is still thinking. Each token travels from the provider ' +
  'through the gateway to your client as soon as it exists, over REST, Server-Sent Events or a WebSocket. ' +
  'This reply comes from the built-in simulator, so its length, pace and failures are yours to shape.'
).split(' ');

/** Longest echo of the user's message that a reply repeats, in words. */
const MAX_ECHO_WORDS = 256;
const DEFAULT_EXTRA_TOKENS = 24;

/**
 * The simulator's reply as a list of tokens (a word and its trailing space): it starts by echoing the
 * user's message, says which turn of the conversation this is, then continues with a fixed text.
 * The same message, turn and length always give the same tokens.
 */
export function simulatorReplyTokens(message: string, turn: number, outputTokens?: number): string[] {
  const echo = message.split(/\s+/).filter((word) => word.length > 0).slice(0, MAX_ECHO_WORDS);
  const opening = ['You', 'said:', ...echo.map((word, index) => (index === 0 ? `"${word}` : word))];
  opening[opening.length - 1] += '".';
  opening.push('This', 'is', 'turn', `${turn}.`);
  const length = outputTokens ?? opening.length + DEFAULT_EXTRA_TOKENS;
  const words: string[] = [];
  for (let index = 0; index < length; index++) {
    words.push(index < opening.length ? opening[index]! : FILLER[(index - opening.length) % FILLER.length]!);
  }
  return words.map((word, index) => (index === 0 ? word : ` ${word}`));
}

/** A rough token count for text that no tokenizer has seen: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
