/**
 * The website chat page in real headless Chromium, against the real bot and its own Direct Line:
 * what a visitor sees and does, and what the page must never do.
 */
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { ARTIFACTS, launchChromium, runAxe, watchPage } from './browser.js';

/* Browser globals used by functions run inside the page (the test tsconfig has no DOM types; local to this module). */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const window: { __pwned?: number };
declare const document: {
  cookie: string;
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): PageElement | null;
};
declare const localStorage: { length: number };
declare const sessionStorage: { length: number };
declare const indexedDB: { databases(): Promise<unknown[]> };

const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
const USER_BUBBLES = '#webchat .webchat__bubble--from-user';
const SEND_BOX = '#webchat [data-id="webchat-sendbox-input"]';
const SUGGESTED = '#webchat .webchat__suggested-actions button';

/** Matches `text` whatever the apostrophes (Web Chat's Markdown turns ' into ’). */
function loosely(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]"));
}

describe('The website chat page (headless Chromium)', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async function () {
    browser = await launchChromium(this);
    bot = await startTestBot();
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await bot?.stop();
  });

  async function newPage(options: { width?: number; height?: number; mobile?: boolean } = {}): Promise<{ page: Page; watch: Awaited<ReturnType<typeof watchPage>> }> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      isMobile: options.mobile ?? false,
      hasTouch: options.mobile ?? false,
      deviceScaleFactor: options.mobile ? 2 : 1,
      locale: 'fr-FR',
    });
    contexts.push(context);
    const page = await context.newPage();
    const watch = await watchPage(page);
    return { page, watch };
  }

  /** Opens the chat and waits for the welcome; returns the conversation id the page got. */
  async function openChat(page: Page): Promise<string> {
    const tokenResponse = page.waitForResponse((r) => r.url().endsWith('/api/directline/token'));
    await page.getByRole('button', { name: /Ouvrir la discussion|Open the chat/ }).click();
    const { conversationId } = (await (await tokenResponse).json()) as { conversationId: string };
    await page.locator(BOT_BUBBLES).first().waitFor();
    return conversationId;
  }

  async function ask(page: Page, text: string): Promise<string> {
    const before = await page.locator(BOT_BUBBLES).count();
    await page.locator(SEND_BOX).fill(text);
    await page.keyboard.press('Enter');
    await page.locator(USER_BUBBLES).filter({ hasText: loosely(text) }).first().waitFor();
    await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length > n, [BOT_BUBBLES, before] as const);
    return (await page.locator(BOT_BUBBLES).last().innerText()).trim();
  }

  /** The bot (through the connector route the real bot replies to) sends this activity into the conversation. */
  async function botSays(conversationId: string, activity: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${bot.url}/v3/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'mdu-front-desk', role: 'bot' }, ...activity }),
    });
    expect(response.status).to.equal(200);
  }

  describe('a visitor, in order', () => {
    let page: Page;
    let watch: Awaited<ReturnType<typeof watchPage>>;
    const requests: string[] = [];

    before(async () => {
      ({ page, watch } = await newPage());
      page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    });

    it('the page opens, in French, with the notice (a bot, not care; what is kept; 3114, 15, 112, 114) and the emergency numbers', async () => {
      const response = await page.goto(bot.url);
      expect(response?.status()).to.equal(200);
      expect(await page.getAttribute('html', 'lang')).to.equal('fr');
      const notice = await page.locator('#notice').innerText();
      for (const words of ['robot', 'pas un service de soins', 'ceux échangés avec un ou une bénévole, 7', 'questions restées sans réponse, rendues anonymes', 'dans cet onglet seulement', 'effacer mes données', '3114', '15', '112', '114']) expect(notice).to.include(words);
      const emergency = await page.getByRole('complementary').innerText();
      for (const n of ['15', '112', '3114', '114']) expect(emergency).to.include(n);
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-page-desktop.png'), fullPage: true });
    });

    it('nothing is fetched for the chat, and nothing stored in the browser, before the visitor opens it', async () => {
      expect(requests).to.not.include('/api/directline/token');
      expect(requests).to.not.include('/chat/webchat.js');
      const stored = await page.evaluate(async () => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookie: document.cookie,
        databases: (await indexedDB.databases()).length,
      }));
      expect(stored).to.deep.equal({ local: 0, session: 0, cookie: '', databases: 0 });
      expect(await page.context().cookies()).to.deep.equal([]);
    });

    it('opening the chat shows the welcome, and puts the keyboard in the send box', async () => {
      await openChat(page);
      expect(await page.locator(BOT_BUBBLES).first().innerText()).to.include('assistant en ligne de la Maison des usagers');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).to.equal('webchat-sendbox-input');
      expect(await page.locator('#open-chat').isVisible()).to.equal(false);
    });

    it('a suggested action works', async () => {
      const action = page.locator(SUGGESTED).first();
      const title = (await action.innerText()).trim();
      expect(title.length).to.be.greaterThan(0);
      const before = await page.locator(BOT_BUBBLES).count();
      await action.click();
      await page.locator(USER_BUBBLES).filter({ hasText: loosely(title) }).first().waitFor();
      await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length > n, [BOT_BUBBLES, before] as const);
    });

    it('a question gets its answer', async () => {
      const answer = await ask(page, 'Comment accéder à mon dossier médical ?');
      expect(answer).to.include('dossier médical');
      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-conversation-desktop.png'), fullPage: true });
    });

    it('the page has a strict CSP with a per-response nonce, the security headers, and no CSP violation all along', async () => {
      const first = await fetch(`${bot.url}/`);
      const second = await fetch(`${bot.url}/`);
      const csp = first.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, csp).to.be.a('string');
      expect(second.headers.get('content-security-policy')).to.not.include(nonce!);
      expect(await first.text()).to.include(`nonce="${nonce}"`);
      const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!;
      expect(scriptSrc).to.not.match(/unsafe-inline|unsafe-eval|\*/);
      expect(/style-src ([^;]*)/.exec(csp)![1]).to.not.include('unsafe-inline');
      expect(csp).to.include("frame-ancestors 'none'").and.include("default-src 'none'").and.include("base-uri 'none'");
      expect(first.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(first.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(first.headers.get('cache-control')).to.equal('no-store');
      const bundle = await fetch(`${bot.url}/chat/webchat.js`);
      expect(bundle.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(bundle.headers.get('content-type')).to.match(/^text\/javascript/);

      expect(await watch.violations()).to.deep.equal([]);
      expect(watch.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).to.deep.equal([]);
    });

    it('axe-core finds no serious or critical accessibility violation (chat open, conversation under way)', async () => {
      const violations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    });
  });

  it('the English switch: the page, Web Chat and the bot speak English, and back to French', async () => {
    const { page } = await newPage();
    await page.goto(bot.url);
    await page.getByRole('button', { name: 'Read this page in English' }).click();
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    expect(await page.locator('#notice').innerText()).to.include('not a care or emergency service').and.include('3114');
    await openChat(page);
    expect(await page.locator(BOT_BUBBLES).first().innerText()).to.include('I am the online assistant');
    expect(await page.getAttribute(SEND_BOX, 'placeholder')).to.match(/Type your message/i);

    const posted = page.waitForRequest((r) => r.method() === 'POST' && /\/activities$/.test(r.url()));
    const answer = await ask(page, 'How can I get a copy of my medical record?');
    expect(((await posted).postDataJSON() as { locale?: string }).locale).to.equal('en-US');
    expect(answer).to.match(/medical record/i);

    await page.getByRole('button', { name: 'Lire cette page en français' }).click();
    expect(await page.getAttribute('html', 'lang')).to.equal('fr');
    const postedFr = page.waitForRequest((r) => r.method() === 'POST' && /\/activities$/.test(r.url()));
    await ask(page, 'Quels sont les horaires de la Maison des usagers ?');
    expect(((await postedFr).postDataJSON() as { locale?: string }).locale).to.equal('fr-FR');
  });

  it('HTML in a bot reply is shown as text, never run: <img onerror>, <script>, javascript: links are inert', async () => {
    const { page } = await newPage();
    await page.goto(bot.url);
    const conversationId = await openChat(page);
    await botSays(conversationId, {
      textFormat: 'markdown',
      text: [
        'Trap <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>',
        '[markdown link](javascript:window.__pwned=3) and <a href="javascript:window.__pwned=4">html link</a> <b>bold?</b>',
      ].join('\n\n'),
    });
    const bubble = page.locator(BOT_BUBBLES).filter({ hasText: 'Trap' });
    await bubble.waitFor();
    const text = await bubble.innerText();
    expect(text).to.include('<script>');
    expect(text).to.include('<b>bold?</b>');
    expect(await page.locator('#webchat img[src="x"], #webchat script, #webchat b').count()).to.equal(0);
    const hrefs: string[] = [];
    for (const link of await bubble.locator('a').all()) hrefs.push((await link.getAttribute('href')) ?? '');
    expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).to.deep.equal([]);
    for (const link of await bubble.locator('a').all()) await link.click({ trial: false }).catch(() => undefined);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__pwned)).to.equal(undefined);
  });

  it('handoff: the queue position, the volunteer (as text), their typing and the end are announced in a live region', async () => {
    const { page } = await newPage();
    await page.goto(bot.url);
    const conversationId = await openChat(page);
    const status = page.locator('#handoff-status');
    expect(await status.getAttribute('role')).to.equal('status');
    expect(await status.getAttribute('aria-live')).to.equal('polite');

    await botSays(conversationId, { text: 'En attente', channelData: { mdu: { intent: 'handoff', locale: 'fr-FR', handoff: { status: 'queued', position: 2, waitMinutes: 5 } } } });
    await page.waitForFunction(() => document.getElementById('handoff-status')?.textContent?.includes('position 2'));
    expect(await status.innerText()).to.include('environ 5');

    await botSays(conversationId, { text: 'Claire arrive', channelData: { mdu: { intent: 'handoff', locale: 'fr-FR', handoff: { status: 'live', volunteerName: 'Claire <img src=x onerror="window.__pwned=5">' } } } });
    await page.waitForFunction(() => document.getElementById('handoff-status')?.textContent?.includes('Claire'));
    expect(await page.locator('#handoff-status img').count()).to.equal(0);

    await botSays(conversationId, { type: 'typing', channelData: { mdu: { intent: 'handoff', locale: 'fr-FR', handoff: { status: 'live', volunteerName: 'Claire' } } } });
    await page.waitForFunction(() => document.getElementById('handoff-status')?.textContent?.includes('Claire est en train d’écrire'));

    await botSays(conversationId, { text: 'Fin', channelData: { mdu: { intent: 'handoff', locale: 'fr-FR', handoff: { status: 'closed', volunteerName: 'Claire' } } } });
    await page.waitForFunction(() => document.getElementById('handoff-status')?.textContent?.includes('terminée'));
    expect(await page.evaluate(() => window.__pwned)).to.equal(undefined);
  });

  it('on a phone: readable, the chat usable, no serious accessibility violation; screenshots kept', async () => {
    const { page, watch } = await newPage({ width: 390, height: 844, mobile: true });
    await page.goto(bot.url);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-page-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'no horizontal scrolling').to.be.at.most(0);
    await openChat(page);
    await ask(page, 'Où se trouve la Maison des usagers ?');
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-conversation-phone.png'), fullPage: true });
    expect(await watch.violations()).to.deep.equal([]);
    const violations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
  });
});
