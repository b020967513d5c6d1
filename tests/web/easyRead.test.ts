/**
 * Easy read (FALC) on the website chat, in real headless Chromium at phone size, against the real
 * bot: one tap under an answer, or the page's switch; the choice kept for the conversation (by the
 * bot, in the conversation's state); no serious accessibility violation with it on.
 */
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { ARTIFACTS, launchChromium, runAxe, watchPage } from './browser.js';

declare const document: { querySelectorAll(selector: string): { length: number } };

const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
const USER_BUBBLES = '#webchat .webchat__bubble--from-user';
const SEND_BOX = '#webchat [data-id="webchat-sendbox-input"]';
const SUGGESTED = '#webchat .webchat__suggested-actions button';
const SWITCH = '#easy-read';

/** Matches `text` whatever the apostrophes (Web Chat's Markdown turns ' into ’). */
function loosely(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]"));
}

describe('Easy read on the website chat (headless Chromium, phone size)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async function () {
    browser = await launchChromium(this);
    bot = await startTestBot({ RATE_LIMIT_MESSAGES: '0', RATE_LIMIT_PUBLIC: '0' });
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await bot?.stop();
  });

  async function phonePage(): Promise<{ page: Page; watch: Awaited<ReturnType<typeof watchPage>> }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    const watch = await watchPage(page);
    await page.goto(bot.url);
    return { page, watch };
  }

  async function openChat(page: Page): Promise<void> {
    await page.getByRole('button', { name: /Ouvrir la discussion|Open the chat/ }).click();
    await page.locator(BOT_BUBBLES).first().waitFor();
  }

  /** Waits for the bot's next bubble after `act`, and returns its text. */
  async function nextBotBubble(page: Page, act: () => Promise<void>): Promise<string> {
    const before = await page.locator(BOT_BUBBLES).count();
    await act();
    await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length > n, [BOT_BUBBLES, before] as const);
    return (await page.locator(BOT_BUBBLES).last().innerText()).trim();
  }

  async function ask(page: Page, text: string): Promise<string> {
    return nextBotBubble(page, async () => {
      await page.locator(SEND_BOX).fill(text);
      await page.keyboard.press('Enter');
      await page.locator(USER_BUBBLES).filter({ hasText: loosely(text) }).first().waitFor();
    });
  }

  describe('a visitor who taps « Lecture facile » under an answer', () => {
    let page: Page;
    let watch: Awaited<ReturnType<typeof watchPage>>;
    before(async () => {
      ({ page, watch } = await phonePage());
      await openChat(page);
    });

    it('the answer offers it first among its buttons, and one tap gives the easy-read version', async () => {
      const full = await ask(page, 'Comment obtenir une copie de mon dossier médical ?');
      expect(full).to.match(loosely('directement'));
      const easyButton = page.locator(SUGGESTED).filter({ hasText: 'Lecture facile' });
      expect(await page.locator(SUGGESTED).first().innerText()).to.equal('Lecture facile');
      const easy = await nextBotBubble(page, () => easyButton.tap());
      expect(easy).to.match(loosely('Vous avez le droit de le lire.'));
      expect(easy).to.match(loosely("Écrivez une lettre à la direction de l'hôpital."));
      expect(await page.getAttribute(SWITCH, 'aria-pressed')).to.equal('true');
      await page.screenshot({ path: path.join(ARTIFACTS, 'easy-read-phone-record.png') });
    });

    it('the choice holds for the rest of the conversation: the next answer comes in easy read, with a way back', async () => {
      const easy = await ask(page, 'Que faire en cas d’urgence psychiatrique ?');
      expect(easy).to.match(loosely('Appelez tout de suite le 15.'));
      expect(await page.locator(SUGGESTED).first().innerText()).to.equal('Version complète');
      await page.screenshot({ path: path.join(ARTIFACTS, 'easy-read-phone-emergency.png') });
    });

    it('axe-core finds no serious or critical violation with easy read on; no CSP violation', async () => {
      expect(await watch.violations()).to.deep.equal([]);
      const violations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    });

    it('the page’s switch turns it off in one tap: the last answer comes back in full', async () => {
      const full = await nextBotBubble(page, () => page.locator(SWITCH).tap());
      expect(full).to.match(loosely('Le CPOA (centre psychiatrique'));
      expect(await page.getAttribute(SWITCH, 'aria-pressed')).to.equal('false');
    });
  });

  describe('a visitor who turns the switch on before opening the chat', () => {
    it('the bot is told once the chat opens, and answers in easy read from the first question', async () => {
      const { page, watch } = await phonePage();
      await page.locator(SWITCH).tap();
      expect(await page.getAttribute(SWITCH, 'aria-pressed')).to.equal('true');
      await openChat(page);
      await page.locator(BOT_BUBBLES).filter({ hasText: loosely("J'écris maintenant en lecture facile.") }).waitFor();
      const easy = await ask(page, 'C’est quoi la maison des usagers ?');
      expect(easy).to.match(loosely('On vous y accueille et on vous écoute.'));
      expect(await page.getAttribute(SWITCH, 'aria-pressed')).to.equal('true');
      await page.screenshot({ path: path.join(ARTIFACTS, 'easy-read-phone-switch.png'), fullPage: true });
      const violations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
      expect(await watch.violations()).to.deep.equal([]);
      expect(watch.consoleErrors.filter((e) => !/favicon/.test(e))).to.deep.equal([]);
    });

    it('in English, the switch reads « Easy read » and the answers come in English easy read', async () => {
      const { page } = await phonePage();
      await page.getByRole('button', { name: 'Read this page in English' }).tap();
      await page.getByRole('button', { name: 'Easy read' }).tap();
      await openChat(page);
      await page.locator(BOT_BUBBLES).filter({ hasText: 'I now write in' }).waitFor();
      const easy = await ask(page, 'When is the Maison des usagers open?');
      expect(easy).to.match(loosely('Here is when the Maison des usagers is open'));
      await page.screenshot({ path: path.join(ARTIFACTS, 'easy-read-phone-english.png') });
    });
  });
});
