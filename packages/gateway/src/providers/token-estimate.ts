/** About four characters a token: the rule of thumb for English text that no tokenizer has seen. */
const CHARACTERS_PER_TOKEN = 4;

/**
 * The input tokens of a call whose provider reported none: the system prompt, the history and the new
 * message, as the model is sent them. The one formula the engine and every provider use.
 */
export function estimateInputTokens(input: { readonly system?: string | undefined; readonly messages: readonly { readonly content: string }[] }): number {
  const characters = (input.system?.length ?? 0) + input.messages.reduce((sum, message) => sum + message.content.length + 1, 0);
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

/** The output tokens of `characters` of generated text whose provider reported none. */
export function estimateOutputTokens(characters: number): number {
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

/** The tokens of one text (an embedding's input). */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}
