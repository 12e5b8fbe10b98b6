import assert from 'node:assert/strict';

/**
 * Polls `condition` every `everyMs` until it holds; fails after `timeoutMs`. For state that changes on
 * its own (a reconnect, a background write), where there is no event to wait for.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
