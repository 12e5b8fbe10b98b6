import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startTcpProxy, type TcpProxy } from '../../../client/src/test-support/tcp-proxy.js';
import type { TestGateway } from '../../../gateway/src/test-support/start-gateway.js';
import { startAppGateway } from './app-gateway.js';
import { openBrowser, type BrowserSession } from './browser.js';
import { chooseTransport, send, setSimulator } from './page-actions.js';

/** What a page may log while its connections are cut under it: the browser's own network messages. */
const NETWORK_NOISE = /net::ERR_|WebSocket connection to .* failed/;

describe('the web app resumes a reply whose connection is lost, in Chromium', { timeout: 120_000 }, () => {
  let gateway: TestGateway;
  let proxy: TcpProxy;
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    gateway = await startAppGateway();
    // The browser reaches the gateway through a TCP proxy that can cut every connection, as a network failure would.
    proxy = await startTcpProxy(Number(new URL(gateway.url).port));
    session = await openBrowser();
    page = session.page;
    await page.goto(`${proxy.url}/#key=${gateway.key}`);
    await page.locator('[data-connection="open"]').waitFor();
  });
  after(async () => {
    await session?.close();
    await proxy?.close();
    await gateway?.close();
  });

  for (const label of ['SSE', 'WebSocket'] as const) {
    test(`chat over ${label}: a connection cut mid-reply says "connection lost, resumed" and the reply arrives whole`, async () => {
      await chooseTransport(page, label);
      await setSimulator(page, { tokensPerSecond: '40', outputTokens: '80' });
      await page.getByRole('button', { name: 'New chat' }).click();
      await send(page, `Keep going over ${label} through a cut`);
      const reply = page.locator('.message-assistant').last();
      await reply.and(page.locator('[data-status="streaming"]')).waitFor();
      proxy.cut();
      await reply.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 20_000 });
      assert.match(await reply.locator('.resumed').innerText(), /Connection lost, resumed\s*The reply went on where it stopped/);
      assert.match(await reply.locator('.markdown').innerText(), new RegExp(`^You said: "Keep going over ${label} through a cut"`));
      // Every token once: as many chunks arrived as the gateway counted tokens.
      assert.equal(await reply.locator('[data-metric="chunks"]').innerText(), '80 chunks');
      assert.match(await reply.locator('[data-metric="tokens"]').innerText(), / \/ 80 out$/);
      assert.equal(await reply.locator('.problem').count(), 0);
    });
  }

  test('the comparison drops WebSocket and SSE mid-stream on request: both resume, with the same text as REST', async () => {
    await page.getByRole('tab', { name: 'Compare transports' }).click();
    const compare = page.locator('.compare');
    await setSimulator(page, { ttftMs: '50', tokensPerSecond: '100', outputTokens: '60' }, compare);
    await compare.locator('input[name="dropAfterChunks"]').fill('10');
    await page.getByRole('button', { name: 'Run over all three' }).click();
    for (const transport of ['websocket', 'sse', 'rest']) {
      await page.locator(`tr[data-transport="${transport}"][data-status="complete"]`).waitFor({ timeout: 20_000 });
    }
    const rest = page.locator('tr[data-transport="rest"]');
    const restCharacters = await rest.locator('[data-metric="characters"]').innerText();
    assert.equal(await rest.locator('.resumed').count(), 0, 'REST has nothing to resume');
    for (const transport of ['websocket', 'sse']) {
      const row = page.locator(`tr[data-transport="${transport}"]`);
      assert.match(await row.locator('.resumed').innerText(), /Connection lost, resumed/, transport);
      assert.equal(await row.locator('[data-metric="chunks"]').innerText(), '60', `${transport}: every chunk once`);
      assert.equal(await row.locator('[data-metric="characters"]').innerText(), restCharacters, `${transport}: the same text as REST`);
    }
    assert.deepEqual(session.pageErrors.filter((error) => !NETWORK_NOISE.test(error)), []);
  });
});
