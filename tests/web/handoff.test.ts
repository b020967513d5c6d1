/**
 * A whole live handoff seen from the website chat, with the volunteers' console open in a second
 * page: the visitor asks for a volunteer, sees their place in the queue, the volunteer takes the
 * conversation in the console, they write to each other, the visitor ends it. Real bot, real
 * Direct Line, real headless Chromium.
 */
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { systemClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { ARTIFACTS, launchChromium, watchPage } from './browser.js';

declare const document: { getElementById(id: string): { textContent: string | null } | null };

const PASSWORD = 'mot de passe de test';
const SEND_BOX = '#webchat [data-id="webchat-sendbox-input"]';
const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';

describe('A live handoff from the website chat, with the console in a second page (headless Chromium)', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let browser: Browser;

  before(async function () {
    browser = await launchChromium(this);
    bot = await startTestBot();
    await new VolunteerAccounts(bot.store, systemClock).add('claire', 'Claire (UNAFAM)', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await bot?.stop();
  });

  async function say(page: Page, text: string): Promise<void> {
    await page.locator(SEND_BOX).fill(text);
    await page.keyboard.press('Enter');
  }

  const statusIncludes = (page: Page, text: string) =>
    page.waitForFunction((t) => document.getElementById('handoff-status')?.textContent?.includes(t) ?? false, text);

  it('queue position, the volunteer joins and writes, the visitor answers and ends it', async () => {
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    try {
      const desk = await consoleContext.newPage();
      await desk.goto(`${bot.url}/console`);
      await desk.fill('#login', 'claire');
      await desk.fill('#password', PASSWORD);
      await desk.click('#sign-in-form button[type=submit]');
      await desk.locator('#desk').waitFor({ state: 'visible' });
      await desk.click('#availability');
      await desk.locator('#availability[aria-pressed="true"]').waitFor();

      const visitor = await visitorContext.newPage();
      const watch = await watchPage(visitor);
      await visitor.goto(bot.url);
      await visitor.getByRole('button', { name: 'Ouvrir la discussion' }).click();
      await visitor.locator(BOT_BUBBLES).first().waitFor();

      await say(visitor, 'Je voudrais parler à un bénévole');
      await statusIncludes(visitor, 'position 1');

      const item = desk.locator('#queue .item').first();
      await item.getByText('Je voudrais parler à un bénévole').waitFor();
      await item.locator('button.accept').click();
      await statusIncludes(visitor, 'Claire (UNAFAM)');
      await visitor.locator(BOT_BUBBLES).filter({ hasText: 'a rejoint la conversation' }).waitFor();

      const conversation = desk.locator('#mine .conversation').first();
      await conversation.waitFor();
      await conversation.locator('textarea').fill('Bonjour, je suis Claire. Comment puis-je vous aider ?');
      await conversation.locator('button[type=submit]').click();
      await visitor.locator(BOT_BUBBLES).filter({ hasText: 'je suis Claire' }).waitFor();

      await say(visitor, 'Merci, je voulais des informations sur les groupes de parole.');
      await conversation.locator('.transcript').getByText('groupes de parole').waitFor();
      await visitor.screenshot({ path: path.join(ARTIFACTS, 'chat-handoff-desktop.png'), fullPage: true });
      await desk.screenshot({ path: path.join(ARTIFACTS, 'console-handoff-desktop.png'), fullPage: true });

      await say(visitor, 'terminer');
      await statusIncludes(visitor, 'terminée');
      expect(await watch.violations()).to.deep.equal([]);
      expect(watch.consoleErrors).to.deep.equal([]);
    } finally {
      await consoleContext.close();
      await visitorContext.close();
    }
  });
});
