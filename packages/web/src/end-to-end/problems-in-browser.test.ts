import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { TestGateway } from '../../../gateway/src/test-support/start-gateway.js';
import { startAppGateway } from './app-gateway.js';
import { openBrowser, screenshotPath, type BrowserSession } from './browser.js';
import { chooseTransport, send, setSimulator } from './page-actions.js';

describe('what the web app shows when things go wrong, in Chromium', { timeout: 120_000 }, () => {
  let session: BrowserSession;
  const gateways: TestGateway[] = [];
  const start = async (environment: Record<string, string> = {}) => {
    const gateway = await startAppGateway(environment);
    gateways.push(gateway);
    return gateway;
  };

  before(async () => {
    session = await openBrowser();
  });
  afterEach(async () => {
    await session.page.evaluate(() => sessionStorage.clear()).catch(() => undefined);
  });
  after(async () => {
    await session?.close();
    for (const gateway of gateways) await gateway.close();
  });

  test('a refused key brings back the key form, which then takes a good key', async () => {
    const gateway = await start();
    const { page } = session;
    await page.goto(`${gateway.url}/#key=sg-not-a-key-000000000000`);
    const form = page.locator('.key-form');
    await form.locator('[data-problem="unauthorized"]').waitFor();
    assert.match(await form.innerText(), /Key refused/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('streamgate.apiKey')), null);
    await form.locator('input[name="apiKey"]').fill(gateway.key);
    await form.getByRole('button', { name: 'Connect' }).click();
    await page.locator('[data-connection="open"]').waitFor();
  });

  test('a stream broken mid-way keeps its text and retries; a rate limit shows the wait', async () => {
    const gateway = await start({ RATE_LIMIT_REQUESTS: '6', RATE_LIMIT_WINDOW: '60' });
    const { page } = session;
    await page.goto(`${gateway.url}/#key=${gateway.key}`);
    await chooseTransport(page, 'SSE');
    await setSimulator(page, { tokensPerSecond: '200', failAfterTokens: '8' });
    await send(page, 'Break after a few words');
    const broken = page.locator('.message-assistant').first();
    await broken.and(page.locator('[data-status="failed"]')).waitFor();
    assert.match(await broken.locator('[data-problem="interrupted"]').innerText(), /broke mid-way/);
    const kept = await broken.locator('.markdown').innerText();
    assert.match(kept, /^You said/);

    await broken.getByRole('button', { name: 'Retry' }).click();
    // The same request again: the simulator was told to fail it, so it breaks at the same place.
    const retried = page.locator('.message-assistant').nth(1);
    await retried.and(page.locator('[data-status="failed"]')).waitFor();
    assert.equal(await retried.locator('.markdown').innerText(), kept);
    assert.equal(await broken.locator('.markdown').innerText(), kept, 'the broken reply stays as it was');
    await page.screenshot({ path: screenshotPath('interrupted') });
    await setSimulator(page, { failAfterTokens: '' });

    // Spend the key's requests until the gateway refuses one; the notice counts down the wait.
    const limited = page.locator('.message-assistant [data-problem="rate_limited"]');
    for (let attempt = 0; attempt < 8 && (await limited.count()) === 0; attempt++) {
      await page.getByRole('button', { name: 'Send', exact: true }).or(page.getByRole('button', { name: 'Stop' })).waitFor();
      await page.locator('.message-assistant').last().and(page.locator('[data-status="complete"],[data-status="failed"]')).waitFor();
      await send(page, `Message ${attempt}`);
    }
    await limited.first().waitFor();
    assert.match(await limited.first().innerText(), /Rate limited.*Wait \d+ s/s);
    assert.ok(await limited.first().getByRole('button', { name: /Retry in \d+ s/ }).isDisabled());

    // Over the WebSocket the refusal is an error frame; the wait still shows.
    await chooseTransport(page, 'WebSocket');
    await send(page, 'And over the socket?');
    await page.locator('.message-assistant').last().locator('[data-problem="rate_limited"]').waitFor();
    assert.match(await page.locator('.message-assistant').last().innerText(), /Retry in \d+ s/);
    await page.screenshot({ path: screenshotPath('rate-limited') });
  });

  test('a gateway that goes away: the socket reconnects, a request says the gateway is unreachable', async () => {
    const gateway = await start();
    const { page } = session;
    await page.goto(`${gateway.url}/#key=${gateway.key}`);
    await page.locator('[data-connection="open"]').waitFor();
    await gateway.close();
    await page.locator('[data-connection="reconnecting"]').waitFor();
    assert.match(await page.locator('.connection').innerText(), /reconnecting/);
    await chooseTransport(page, 'SSE');
    await send(page, 'Anyone there?');
    const notice = page.locator('.message-assistant [data-problem="unreachable"]');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Gateway unreachable/);
  });
});
