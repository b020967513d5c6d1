/**
 * Issue 14, item 2, the page's side: when starting a chat is refused (too many new chats), the
 * visitor reads "try again in a moment" and every emergency number, in French or English, and can
 * try again. Real headless Chromium against the real bot, its limit reached by a real client;
 * time moves on the test's clock.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { FixedClock } from '../../bot/clock.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { launchChromium, watchPage } from './browser.js';

describe('The website chat page when a new chat is refused (headless Chromium)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let browser: Browser;
  const clock = new FixedClock('2026-11-24T15:00:00+01:00');

  before(async function () {
    browser = await launchChromium(this);
    bot = await startTestBot({ RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: '1' }, { clock });
  });
  after(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('shows "try again in a moment" and the emergency numbers, in both languages; once the window passes, the chat opens', async () => {
    // Another tab of the same address took this window's only new chat.
    expect((await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).status).to.equal(200);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const watch = await watchPage(page);
    await page.goto(bot.url);
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/directline/token'));
    await page.getByRole('button', { name: 'Ouvrir la discussion' }).click();
    expect((await refused).status()).to.equal(429);

    const alert = page.locator('#chat-error[role="alert"]');
    await alert.waitFor();
    const french = await alert.textContent();
    expect(french).to.match(/réessayez dans un instant/i);
    for (const number of ['15', '112', '3114', '114']) expect(french).to.match(new RegExp(`\\b${number}\\b`));
    expect(await page.locator('#webchat').isHidden()).to.equal(true);

    await page.getByRole('button', { name: 'Read this page in English' }).click();
    const english = await alert.textContent();
    expect(english).to.match(/try again in a moment/i);
    for (const number of ['15', '112', '3114', '114']) expect(english).to.match(new RegExp(`\\b${number}\\b`));

    // The window passes on the bot's clock: the same button opens the chat.
    clock.advance(61_000);
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await page.locator('#webchat .webchat__bubble').first().waitFor();
    expect(await alert.isHidden()).to.equal(true);
    expect(await watch.violations()).to.deep.equal([]);
    await context.close();
  });
});
