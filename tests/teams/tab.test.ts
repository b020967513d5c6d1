/**
 * The volunteers' console as a Teams personal tab, in real headless Chromium: teams-js and our
 * host script come from our own server under the page's CSP; inside a Teams frame the page
 * initialises teams-js, reads the context and takes the Teams theme; as a plain page, or framed by
 * something that does not answer like Teams, it carries on as a plain page.
 *
 * "Teams" here is a page served (by Playwright's routing) at https://teams.microsoft.com, the real
 * origin teams-js accepts, that answers the teams-js host messages (initialize, getContext) like
 * the Teams web client does. The bot is reached as https://mdu.test (routed to the loopback server),
 * as Teams reaches PUBLIC_URL: Chromium refuses a public page framing a loopback address.
 */
import { expect } from 'chai';
import type { Browser, Frame, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, watchPage } from '../web/browser.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import path from 'node:path';
import { systemClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';

declare const window: { mduTeams?: { ready: Promise<{ inTeams: boolean; theme: string; locale: string }> } };
declare const document: { documentElement: { getAttribute(name: string): string | null } };

/** A Teams-like host page: frames the console and answers teams-js' messages. */
function hostPage(consoleUrl: string, answer: boolean): string {
  const script = answer
    ? `
    const frame = document.getElementById('tab');
    window.addEventListener('message', (event) => {
      if (event.source !== frame.contentWindow) return;
      const m = event.data || {};
      const reply = (args) => frame.contentWindow.postMessage({ id: m.id, uuid: m.uuid, args }, '*');
      if (m.func === 'initialize') reply(['content', 'web', JSON.stringify({ apiVersion: 2, supports: { appInstallDialog: {}, dialog: { card: {}, url: {} }, pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} }, teamsCore: {} } }), '2.58.0']);
      else if (m.func === 'getContext') reply([{ theme: 'dark', locale: 'en-us', frameContext: 'content', hostClientType: 'web', entityId: 'mdu-console', appSessionId: 's1', tid: 't1', userObjectId: 'u1' }]);
      else if (m.id !== undefined && m.func !== 'appInitialization.success' && m.func !== 'appInitialization.appLoaded') reply([]);
    });`
    : '';
  return `<!doctype html><html><head><title>Teams</title></head><body><iframe id="tab" src="${consoleUrl}" style="width:1000px;height:700px"></iframe><script>${script}</script></body></html>`;
}

const PUBLIC = 'https://mdu.test';

/** Serves "Teams" and routes the bot's public URL to the test bot. */
async function openInTeams(browser: Browser, bot: TestBot, answer: boolean): Promise<Page> {
  const page = await browser.newPage();
  await page.route('https://teams.microsoft.com/**', (route) => route.fulfill({ contentType: 'text/html', body: hostPage(`${PUBLIC}/console`, answer) }));
  await page.route(`${PUBLIC}/**`, async (route) => {
    const response = await route.fetch({ url: route.request().url().replace(PUBLIC, bot.url) });
    await route.fulfill({ response });
  });
  await page.goto('https://teams.microsoft.com/_#/apps/mdu');
  return page;
}

async function consoleFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().includes('/console'));
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error('the console frame did not load');
}

describe('Teams: the console as a personal tab', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let browser: Browser;
  before(async function () {
    browser = await launchChromium(this);
    bot = await startTestBot({});
  });
  after(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('serves teams-js and the host script from our own server', async () => {
    for (const name of ['MicrosoftTeams.min.js', 'teamsHost.js', 'teamsTheme.css']) {
      const response = await fetch(`${bot.url}/teams/assets/${name}`);
      expect(response.status, name).to.equal(200);
    }
    expect((await fetch(`${bot.url}/teams/assets/other.js`)).status).to.equal(404);
    const html = await (await fetch(`${bot.url}/console`)).text();
    expect(html).to.match(/<script nonce="[^"]+" src="\/teams\/assets\/MicrosoftTeams\.min\.js" defer><\/script>/);
  });

  it('is a plain page outside Teams, at once, with no CSP violation', async () => {
    const page = await browser.newPage();
    const watch = await watchPage(page);
    const started = Date.now();
    await page.goto(`${bot.url}/console`);
    const host = await page.evaluate(() => window.mduTeams!.ready);
    expect(host.inTeams).to.equal(false);
    expect(Date.now() - started).to.be.lessThan(2500);
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-host'))).to.equal('browser');
    // teams-js asks a Microsoft CDN for its list of host origins; the page's CSP refuses it (no CDN)
    // and teams-js keeps its built-in list. Nothing else is refused.
    const violations = await watch.violations();
    expect(violations.filter((v) => !(v.directive === 'connect-src' && v.blocked.startsWith('https://res.cdn.office.net/teams-js/')))).to.deep.equal([]);
    await page.close();
  });

  it('may be framed by Teams: its policy names Teams as a frame ancestor, and no X-Frame-Options says DENY', async () => {
    const response = await fetch(`${bot.url}/console`);
    expect(response.headers.get('content-security-policy')).to.match(/frame-ancestors [^;]*teams\.microsoft\.com/);
    expect(response.headers.get('x-frame-options')).to.equal(null);
    // Everything else keeps DENY.
    expect((await fetch(`${bot.url}/`)).headers.get('x-frame-options')).to.equal('DENY');
  });

  it('carries on as a plain page when framed by a host that does not answer', async () => {
    const page = await openInTeams(browser, bot, false);
    const frame = await consoleFrame(page);
    await frame.waitForFunction(() => document.documentElement.getAttribute('data-host') !== null, undefined, { timeout: 10_000 });
    expect(await frame.evaluate(() => window.mduTeams!.ready)).to.include({ inTeams: false });
    await page.close();
  });

  it('initialises teams-js in Teams, reads the context and applies the Teams theme', async () => {
    const page = await openInTeams(browser, bot, true);
    const frame = await consoleFrame(page);
    await frame.waitForFunction(() => document.documentElement.getAttribute('data-host') !== null, undefined, { timeout: 10_000 });
    const host = await frame.evaluate(() => window.mduTeams!.ready);
    expect(host).to.deep.equal({ inTeams: true, theme: 'dark', locale: 'en' });
    expect(await frame.evaluate(() => document.documentElement.getAttribute('data-teams-theme'))).to.equal('dark');
    await page.screenshot({ path: path.join(ARTIFACTS, 'teams-tab-console-dark.png') });
    await page.close();
  });

  it('signs a volunteer in inside the Teams frame (no SameSite cookie there) and keeps the live feed with a bearer token', async () => {
    await new VolunteerAccounts(bot.store, systemClock).add('tabby', 'Tabby (UNAFAM)', 'a long enough tab password');
    const page = await openInTeams(browser, bot, true);
    const authorised: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/console/api/') && request.headers()['authorization']?.startsWith('Bearer ')) authorised.push(new URL(request.url()).pathname);
    });
    const frame = await consoleFrame(page);
    await frame.waitForFunction(() => document.documentElement.getAttribute('data-host') !== null, undefined, { timeout: 10_000 });
    await frame.fill('#login', 'tabby');
    await frame.fill('#password', 'a long enough tab password');
    await frame.click('#sign-in-form button[type=submit]');
    await frame.locator('#desk').waitFor({ state: 'visible' });
    await frame.click('#availability');
    await frame.locator('#availability[aria-pressed="true"]').waitFor();
    // Being available took an authorised call: the cookie is not sent in this cross-site frame.
    // The live feed is asked for with the same token (Playwright's routing buffers responses, so
    // the stream itself is tested outside a frame, in tests/handoff/console.browser.test.ts).
    for (let i = 0; i < 50 && !authorised.includes('/console/api/events'); i++) await page.waitForTimeout(100);
    expect(authorised).to.include.members(['/console/api/availability', '/console/api/events']);
    await page.close();
  });
});
