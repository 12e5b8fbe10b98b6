import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestGateway } from '../../../gateway/src/test-support/start-gateway.js';
import { startAppGateway } from './app-gateway.js';
import { openBrowser, screenshotPath, type BrowserSession } from './browser.js';
import { chooseTransport, recordStreamingText, send, setSimulator } from './page-actions.js';

describe('the web app in Chromium, served by a real gateway', { timeout: 120_000 }, () => {
  let gateway: TestGateway;
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    gateway = await startAppGateway();
    session = await openBrowser();
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await gateway?.close();
  });

  test('takes the key from the URL fragment, then keeps it out of the URL and of localStorage', async () => {
    await page.goto(`${gateway.url}/#key=${gateway.key}`);
    await page.getByRole('tab', { name: 'Chat' }).waitFor();
    assert.equal(page.url(), `${gateway.url}/`);
    const stored = await page.evaluate(() => ({ tab: sessionStorage.getItem('streamgate.apiKey'), local: JSON.stringify({ ...localStorage }) }));
    assert.equal(stored.tab, gateway.key);
    assert.ok(!stored.local.includes(gateway.key));
    await page.locator('[data-connection="open"]').waitFor();
    // The model picker lists GET /v1/models.
    const simulator = page.locator('.chat-main select[name="model"] option[value="simulator"]');
    await simulator.waitFor({ state: 'attached' });
    assert.equal(await simulator.innerText(), 'simulator (simulator)');
  });

  for (const [transport, label] of [
    ['websocket', 'WebSocket'],
    ['sse', 'SSE'],
    ['rest', 'REST'],
  ] as const) {
    test(`chats over ${label}: the text streams in, then the metrics appear`, async () => {
      await chooseTransport(page, label);
      await setSimulator(page, { tokensPerSecond: '60', outputTokens: '40' });
      const replies = page.locator('.message-assistant');
      const before = await replies.count();
      const streamed = await recordStreamingText(page);
      await send(page, `Hello over ${label}, with **Markdown** please`);
      const reply = replies.nth(before);
      await reply.and(page.locator('[data-status="complete"]')).waitFor();
      const text = await reply.locator('.markdown').innerText();
      assert.match(text, new RegExp(`Hello over ${label}`));
      const partials = await streamed();
      if (transport !== 'rest') {
        // Part of the text was on screen while the rest was still on its way, and it grew.
        assert.ok(partials.length >= 2, `${partials.length} renders while streaming`);
        assert.ok(partials[0]!.length < text.length, 'the first text shown was part of the reply');
      } else {
        assert.deepEqual(partials, [], 'REST shows the reply whole');
      }
      assert.equal(await reply.locator('[data-metric="transport"]').innerText(), label);
      assert.match(await reply.locator('[data-metric="ttft"]').innerText(), /^first token \d/);
      assert.match(await reply.locator('[data-metric="total"]').innerText(), /^total \d/);
      assert.match(await reply.locator('[data-metric="rate"]').innerText(), /tokens\/s$/);
      const chunks = Number((await reply.locator('[data-metric="chunks"]').innerText()).split(' ')[0]);
      if (transport === 'rest') assert.equal(chunks, 1);
      else assert.ok(chunks > 1, `${chunks} chunks`);
    });
  }

  test('the conversation is one session, listed, with its history from the gateway after a reload', async () => {
    await page.screenshot({ path: screenshotPath('chat') });
    const entries = page.locator('.session-list li');
    assert.equal(await entries.count(), 1);
    assert.match(await entries.first().innerText(), /Hello over WebSocket/);
    await page.reload();
    await entries.first().locator('.session-open').click();
    await page.locator('.message-user').nth(2).waitFor();
    const history = await page.locator('.message').allInnerTexts();
    assert.equal(history.length, 6);
    assert.match(history[4]!, /Hello over REST/);
  });

  test('a fresh browser with the same key lists the session from the gateway, and opens its history', async () => {
    const fresh = await openBrowser();
    try {
      await fresh.page.goto(`${gateway.url}/#key=${gateway.key}`);
      const entries = fresh.page.locator('.session-list li');
      await entries.first().waitFor();
      assert.equal(await entries.count(), 1);
      assert.match(await entries.first().innerText(), /Hello over WebSocket/);
      await entries.first().locator('.session-open').click();
      await fresh.page.locator('.message-user').nth(2).waitFor();
      assert.equal(await fresh.page.locator('.message').count(), 6);
      // The list is the gateway's: nothing about sessions is kept in the browser.
      assert.deepEqual(await fresh.page.evaluate(() => Object.keys(localStorage)), []);
      assert.deepEqual(fresh.pageErrors, []);
    } finally {
      await fresh.close();
    }
  });

  test('Stop ends a streaming reply at once and keeps what arrived', async () => {
    await chooseTransport(page, 'WebSocket');
    await setSimulator(page, { tokensPerSecond: '20', outputTokens: '400' });
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Tell me a long story');
    const reply = page.locator('.message-assistant').last();
    await reply.and(page.locator('[data-status="streaming"]')).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await reply.and(page.locator('[data-status="cancelled"]')).waitFor();
    assert.match(await reply.locator('.problem').innerText(), /Stopped/);
    const kept = await reply.locator('.markdown').innerText();
    assert.match(kept, /^You said/);
    await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    assert.ok((await reply.locator('.markdown').innerText()).length === kept.length, 'no text after the stop');
  });

  test('compares the three transports: a row of timings each, and the arrival chart', async () => {
    await page.getByRole('tab', { name: 'Compare transports' }).click();
    await setSimulator(page, { ttftMs: '120', tokensPerSecond: '80', outputTokens: '60' }, page.locator('.compare'));
    await page.getByRole('button', { name: 'Run over all three' }).click();
    for (const transport of ['websocket', 'sse', 'rest']) {
      await page.locator(`tr[data-transport="${transport}"][data-status="complete"]`).waitFor({ timeout: 20_000 });
    }
    for (const transport of ['websocket', 'sse', 'rest']) {
      const row = page.locator(`tr[data-transport="${transport}"]`);
      assert.match(await row.locator('[data-metric="ttft"]').innerText(), /\d+ ms|\d\.\d+ s/);
      assert.match(await row.locator('[data-metric="total"]').innerText(), /\d+ ms|\d\.\d+ s/);
      assert.match(await row.locator('[data-metric="rate"]').innerText(), /^\d+\.\d$/);
      const chunks = Number(await row.locator('[data-metric="chunks"]').innerText());
      assert.ok(transport === 'rest' ? chunks === 1 : chunks > 10, `${transport}: ${chunks} chunks`);
    }
    assert.equal(await page.locator('.arrival-chart path[data-transport]').count(), 3);
    await page.locator('.compare').screenshot({ path: screenshotPath('compare') });
    assert.deepEqual(session.pageErrors, []);
  });
});
