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
