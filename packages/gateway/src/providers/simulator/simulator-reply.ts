const FILLER = (
  'Streaming keeps people reading while the model is still thinking. Each token travels from the provider ' +
  'through the gateway to your client as soon as it exists, over REST, Server-Sent Events or a WebSocket. ' +
  'This reply comes from the built-in simulator, so its length, pace and failures are yours to shape.'
).split(' ');

/** Longest echo of the user's message that a reply repeats, in words. */
const MAX_ECHO_WORDS = 256;
const DEFAULT_EXTRA_TOKENS = 24;

/** The filler words as tokens (with their leading space), made once and shared by every reply. */
const FILLER_TOKENS = FILLER.map((word) => ` ${word}`);

/** A reply's tokens, made on demand: a 100,000-token reply holds its opening, not 100,000 strings. */
export interface SimulatorReply {
  readonly length: number;
  token(index: number): string;
}

/**
 * The simulator's reply (a word and its leading space per token): it starts by echoing the user's
 * message, says which turn of the conversation this is, then continues with a fixed text.
 * The same message, turn and length always give the same tokens.
 */
export function simulatorReply(message: string, turn: number, outputTokens?: number): SimulatorReply {
  const echo = message.split(/\s+/).filter((word) => word.length > 0).slice(0, MAX_ECHO_WORDS);
  const words = ['You', 'said:', ...echo.map((word, index) => (index === 0 ? `"${word}` : word))];
  words[words.length - 1] += '".';
  words.push('This', 'is', 'turn', `${turn}.`);
  const opening = words.map((word, index) => (index === 0 ? word : ` ${word}`));
  const length = outputTokens ?? opening.length + DEFAULT_EXTRA_TOKENS;
  return {
    length,
    token: (index) => (index < opening.length ? opening[index]! : FILLER_TOKENS[(index - opening.length) % FILLER_TOKENS.length]!),
  };
}
