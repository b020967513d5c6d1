/**
 * The live handoff across two instances in real headless Chromium: two bot processes on one
 * PostgreSQL server (started by the tests); the visitor's chat page is served by instance A, the
 * volunteer's console by instance B. The request made on A appears in B's console, the volunteer
 * takes it there, and they write to each other both ways.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { systemClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { PostgresStorage } from '../../store/postgres/PostgresStorage.js';
import { BotProcess, freePort } from '../handoff/botProcess.js';
import { freshDatabase, postgresBinaries, POSTGRES_MISSING } from '../helpers/postgresServer.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { launchChromium } from './browser.js';

declare const document: { getElementById(id: string): { textContent: string | null } | null };

const PASSWORD = 'mot de passe de test';
const IN_PERMANENCE = '2026-11-24T15:00:00+01:00';
const SEND_BOX = '#webchat [data-id="webchat-sendbox-input"]';
const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
/** Generous: a shared 2-core machine. Playwright waits for conditions, never a fixed time. */
const CEILING_MS = 45_000;

describe('A live handoff across two instances on one PostgreSQL (headless Chromium)', function () {
  this.timeout(240_000);
  let browser: Browser;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dirs: ReturnType<typeof makeTempDir>[] = [];
  let a: BotProcess;
  let b: BotProcess;
  let urlA: string;
  let urlB: string;

  before(async function () {
    if (!postgresBinaries()) {
      console.log(`      skipped: ${POSTGRES_MISSING}`);
      this.skip();
    }
    browser = await launchChromium(this);
    db = await freshDatabase();
    const setup = await PostgresStorage.open({ pool: { connectionString: db.url }, migrate: 'auto', listen: false });
    try {
      await new VolunteerAccounts(setup, systemClock).add('claire', 'Claire (UNAFAM)', PASSWORD);
    } finally {
      await setup.close();
    }
    const [portA, portB] = [await freePort(), await freePort()];
    dirs = [makeTempDir('mdu-web-a-'), makeTempDir('mdu-web-b-')];
    const common = { DATABASE_URL: db.url, MDU_NOW: IN_PERMANENCE, HANDOFF_SWEEP_MS: '500', SERVICE_URL_ALLOWLIST: `http://127.0.0.1:${portA},http://127.0.0.1:${portB}` };
    a = new BotProcess({ ...common, PORT: String(portA), DATA_DIR: dirs[0]!.dir });
    b = new BotProcess({ ...common, PORT: String(portB), DATA_DIR: dirs[1]!.dir });
    [urlA, urlB] = await Promise.all([a.start(60_000), b.start(60_000)]);
  });
  after(async () => {
    await browser?.close();
    await a?.stop();
    await b?.stop();
    for (const dir of dirs) dir.cleanup();
    await db?.drop();
  });

  async function say(page: Page, text: string): Promise<void> {
    await page.locator(SEND_BOX).fill(text);
    await page.keyboard.press('Enter');
  }
  const statusIncludes = (page: Page, text: string) =>
    page.waitForFunction((t) => document.getElementById('handoff-status')?.textContent?.includes(t) ?? false, text, { timeout: CEILING_MS });

  it('the visitor on A asks, the volunteer on B takes it, they write to each other, the visitor ends it', async () => {
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    consoleContext.setDefaultTimeout(CEILING_MS);
    visitorContext.setDefaultTimeout(CEILING_MS);
    try {
      const desk = await consoleContext.newPage();
      await desk.goto(`${urlB}/console`);
      await desk.fill('#login', 'claire');
      await desk.fill('#password', PASSWORD);
      await desk.click('#sign-in-form button[type=submit]');
      await desk.locator('#desk').waitFor({ state: 'visible' });
      await desk.click('#availability');
      await desk.locator('#availability[aria-pressed="true"]').waitFor();

      const visitor = await visitorContext.newPage();
      await visitor.goto(urlA);
      await visitor.getByRole('button', { name: 'Ouvrir la discussion' }).click();
      await visitor.locator(BOT_BUBBLES).first().waitFor();

      await say(visitor, 'Je voudrais parler à un bénévole');
      await statusIncludes(visitor, 'position 1');

      const item = desk.locator('#queue .item').first();
      await item.getByText('Je voudrais parler à un bénévole').waitFor();
      await item.locator('button.accept').click();
      await statusIncludes(visitor, 'Claire (UNAFAM)');

      const conversation = desk.locator('#mine .conversation').first();
      await conversation.waitFor();
      await conversation.locator('textarea').fill('Bonjour, je suis Claire, sur l’autre serveur.');
      await conversation.locator('button[type=submit]').click();
      await visitor.locator(BOT_BUBBLES).filter({ hasText: 'sur l’autre serveur' }).waitFor();

      await say(visitor, 'Merci, je voulais des informations sur les groupes de parole.');
      await conversation.locator('.transcript').getByText('groupes de parole').waitFor();

      await say(visitor, 'terminer');
      await statusIncludes(visitor, 'terminée');
      expect(await desk.locator('#mine .conversation').count()).to.be.at.most(1);
    } finally {
      await consoleContext.close();
      await visitorContext.close();
    }
  });
});
