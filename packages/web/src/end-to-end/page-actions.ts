import type { Page } from 'playwright-core';

/** Types a message in the chat and sends it with Enter. */
export async function send(page: Page, message: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(message);
  await box.press('Enter');
}

/** Opens the simulator settings (of the chat, or of `scope`) and sets the given fields. */
export async function setSimulator(page: Page, values: Record<string, string>, scope = page.locator('.chat-main')): Promise<void> {
  const settings = scope.locator('.simulator-settings');
  if (!(await settings.evaluate((element) => (element as HTMLDetailsElement).open))) await settings.locator('summary').click();
  for (const [name, value] of Object.entries(values)) await settings.locator(`input[name="${name}"]`).fill(value);
}

/** Picks a transport in the chat by its label: WebSocket, SSE or REST. */
export async function chooseTransport(page: Page, label: 'WebSocket' | 'SSE' | 'REST'): Promise<void> {
  await page.locator('.transport-picker label', { hasText: new RegExp(`^${label}$`) }).click();
}

type StreamingRecord = { seen: string[]; observer: MutationObserver };

/**
 * Records, from now on, each text an assistant reply shows while its status is `streaming`. A
 * MutationObserver sees every render; polling from the test can miss a short stream altogether on a
 * busy machine. The returned function stops recording and gives the texts in order.
 */
export async function recordStreamingText(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      for (const node of document.querySelectorAll<HTMLElement>('.message-assistant[data-status="streaming"] .markdown')) {
        if (node.innerText.length > 0 && seen.at(-1) !== node.innerText) seen.push(node.innerText);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    (globalThis as unknown as { streamingRecord: StreamingRecord }).streamingRecord = { seen, observer };
  });
  return () =>
    page.evaluate(() => {
      const { seen, observer } = (globalThis as unknown as { streamingRecord: StreamingRecord }).streamingRecord;
      observer.disconnect();
      return seen;
    });
}
