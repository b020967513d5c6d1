/**
 * The volunteers' console in real headless Chromium (Debian's `chromium`; skipped with a message
 * when absent, required in CI): sign in, become available, see a request with the visitor's words
 * and the tab badge, take it, write to the visitor; no CSP violation, no script error.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Activity } from 'botbuilder';
import { chromium, type Browser } from 'playwright-core';
import { systemClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { ConnectorRecorder, mdu } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'mot de passe de test';

describe('Volunteers’ console in a browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  let bot: TestBot;
  let recorder: ConnectorRecorder;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: in CI the browser tests must run.`);
      console.warn(`    (browser tests skipped: ${CHROMIUM} is absent)`);
      this.skip();
    }
    recorder = await new ConnectorRecorder().start();
    bot = await startTestBot({ SERVICE_URL_ALLOWLIST: recorder.url });
    await new VolunteerAccounts(bot.store, systemClock).add('alice', 'Alice (UNAFAM)', PASSWORD);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await bot?.stop();
    await recorder?.stop();
  });

  it('signs in, takes a request and writes to the visitor, under a strict CSP', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.addInitScript('window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.effectiveDirective + " " + e.blockedURI));');

    const response = await page.goto(`${bot.url}/console`);
    expect(response?.headers()['content-security-policy']).to.match(/script-src 'nonce-/);
    await page.getByText('Rappel').waitFor();
    await page.fill('#login', 'alice');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#desk').waitFor({ state: 'visible' });
    await page.click('#availability');
    await page.locator('#availability[aria-pressed="true"]').waitFor();

    const replies = await bot.send({
      type: 'message',
      id: 'b-1',
      text: 'je voudrais parler à un bénévole de l’UNAFAM',
      locale: 'fr-FR',
      serviceUrl: recorder.url,
      channelId: 'webchat',
      conversation: { id: 'browser-1' },
      from: { id: 'visitor-b', role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
    } as Partial<Activity>);
    expect(mdu(replies[0]).handoff?.status).to.equal('queued');

    const item = page.locator('#queue .item').first();
    await item.waitFor();
    await item.getByText('je voudrais parler à un bénévole de l’UNAFAM').waitFor();
    expect(await item.textContent()).to.include('Français');
    expect(await page.title()).to.match(/^\(1\) /);

    await item.locator('button.accept').click();
    const conversation = page.locator('#mine .conversation').first();
    await conversation.waitFor();
    await conversation.locator('textarea').fill('Bonjour, je suis Alice.');
    await conversation.locator('button[type=submit]').click();
    const sent = await recorder.waitFor('browser-1', (a) => a.type === 'message' && a.text === 'Bonjour, je suis Alice.');
    expect(mdu(sent).handoff?.volunteerName).to.equal('Alice (UNAFAM)');
    await conversation.locator('.transcript').getByText('Bonjour, je suis Alice.').waitFor();

    // Accessibility: no serious or critical axe-core violation (evaluated through DevTools, outside the page's CSP).
    await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = (await page.evaluate(
      'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id + ": " + v.help))',
    )) as string[];
    expect(violations).to.deep.equal([]);

    // teams-js (loaded for the Teams tab) asks Microsoft's CDN for its list of valid origins; the CSP
    // refuses that on purpose (nothing is fetched from elsewhere) and teams-js uses its built-in list.
    const csp = (await page.evaluate('window.__csp')) as string[];
    expect(csp.filter((v) => !v.startsWith('connect-src https://res.cdn.office.net/teams-js/'))).to.deep.equal([]);
    // Only the first "who am I?" before signing in is refused (401); nothing else fails.
    expect(failed).to.deep.equal(['401 /console/api/session']);
    expect(errors.filter((e) => !e.includes('status of 401') && !e.includes('https://res.cdn.office.net/teams-js/'))).to.deep.equal([]);
  });
});
