/**
 * The coordinator's dashboard against the real bot: behind the console sign-in (and
 * DASHBOARD_LOGINS), questions per topic, helpful / not helpful, unanswered questions
 * (anonymised), handoffs per permanence, all from the stored counters; a page with SVG bars and
 * no script; nothing that identifies a visitor.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { systemClock } from '../../bot/clock.js';
import { CoordinatorDashboard } from '../../console/CoordinatorDashboard.js';
import { renderDashboard } from '../../console/dashboardRoutes.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { ConnectorRecorder, ConsoleClient } from '../handoff/helpers.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const IN_PERMANENCE = '2026-11-24T15:00:00+01:00'; // a Tuesday: UNAFAM 14:00-17:00 in the example schedule
const PASSWORD = 'correct horse battery';

describe('coordinator dashboard', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let recorder: ConnectorRecorder;
  let counter = 0;
  const say = (conversationId: string, text: string, value?: unknown) =>
    bot.send({
      type: 'message',
      id: `d-${++counter}`,
      text,
      value,
      locale: 'fr-FR',
      channelId: 'webchat',
      serviceUrl: recorder.url,
      conversation: { id: conversationId },
      from: { id: `visitor-${conversationId}`, role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
    } as Partial<Activity>);

  before(async () => {
    recorder = await new ConnectorRecorder().start();
    bot = await startTestBot({ MDU_NOW: IN_PERMANENCE, SERVICE_URL_ALLOWLIST: recorder.url, DASHBOARD_LOGINS: 'coord' });
    const accounts = new VolunteerAccounts(bot.store, systemClock);
    await accounts.add('coord', 'Coordination MDU', PASSWORD);
    await accounts.add('alice', 'Alice (UNAFAM)', PASSWORD);
  });
  after(async () => {
    await bot?.stop();
    await recorder?.stop();
  });

  it('is behind the console sign-in: the page sends to /console, the API answers 401', async () => {
    const page = await fetch(`${bot.url}/console/dashboard`, { redirect: 'manual' });
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/console');
    expect((await fetch(`${bot.url}/console/api/dashboard`)).status).to.equal(401);
  });

  it('is only for the logins of DASHBOARD_LOGINS', async () => {
    const alice = new ConsoleClient(bot.url);
    expect((await alice.signIn('alice', PASSWORD)).status).to.equal(200);
    expect((await alice.call('GET', '/dashboard')).status).to.equal(403);
    const page = await fetch(`${bot.url}/console/dashboard`, { headers: { cookie: alice.cookie } });
    expect(page.status).to.equal(403);
  });

  it('shows questions per topic, feedback, unanswered questions and handoffs per permanence, from the stored counters', async () => {
    // Visitors' use: two answers on one topic with feedback, a question nothing answers, a request for a volunteer.
    const [answer] = await say('dash-1', 'Comment obtenir mon dossier médical ?');
    const topic = (answer!.channelData as { mdu: { topic: string } }).mdu.topic;
    await say('dash-2', 'Je voudrais accéder à mon dossier médical');
    await say('dash-1', '', { mdu: 'feedback', topic, helpful: true });
    await say('dash-2', '', { mdu: 'feedback', topic, helpful: false });
    await say('dash-3', 'zorglub frobnicate quux Jean Dupont 06 12 34 56 78');
    const alice = new ConsoleClient(bot.url);
    await alice.signIn('alice', PASSWORD);
    await alice.available(true);
    await say('dash-4', 'Je voudrais parler à un bénévole');
    await alice.waitForQueued();
    await say('dash-4', 'annuler');

    const coord = new ConsoleClient(bot.url);
    expect((await coord.signIn('coord', PASSWORD)).status).to.equal(200);
    // The counters are written by the desk's events: give them a moment.
    let view: Awaited<ReturnType<CoordinatorDashboard['view']>> | undefined;
    for (let i = 0; i < 40; i++) {
      const api = await coord.call<Awaited<ReturnType<CoordinatorDashboard['view']>>>('GET', '/dashboard');
      expect(api.status).to.equal(200);
      view = api.body;
      if (view.permanences.some((p) => p.cancelled > 0)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const row = view!.topics.find((t) => t.id === topic)!;
    expect(row.asked).to.be.at.least(2);
    expect(row).to.include({ helpful: 1, notHelpful: 1 });
    expect(view!.topics[0]!.asked).to.be.at.least(row.asked); // most asked first
    expect(view!.unanswered.map((q) => q.text).join(' ')).to.include('zorglub').and.not.include('06 12 34 56 78');
    const unafam = view!.permanences.find((p) => p.association === 'UNAFAM');
    expect(unafam, JSON.stringify(view!.permanences)).to.deep.include({ weekday: 'tue', requested: 1, cancelled: 1 });
    expect(view!.totals.handoffsRequested).to.equal(1);

    // The page: the same figures, SVG bars, no script, a strict CSP, nothing that identifies a visitor.
    const page = await fetch(`${bot.url}/console/dashboard`, { headers: { cookie: coord.cookie } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.match(/default-src 'none'/).and.not.match(/script-src/);
    const html = await page.text();
    expect(html).to.include('<svg class="bar"').and.include('UNAFAM, mardi 14:00–17:00').and.include('zorglub');
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.match(/style=/i);
    for (const id of ['dash-1', 'dash-2', 'dash-3', 'dash-4', 'visitor-dash']) expect(html).not.to.include(id);
    const english = await (await fetch(`${bot.url}/console/dashboard?lang=en`, { headers: { cookie: coord.cookie } })).text();
    expect(english).to.include('Questions per topic').and.include('UNAFAM, Tuesday 14:00–17:00');
    const css = await fetch(`${bot.url}/console/dashboard/dashboard.css`);
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.match(/^text\/css/);
  });

  it('escapes what it shows', () => {
    const html = renderDashboard(
      {
        generatedAt: '2026-11-24T14:00:00.000Z',
        totals: { asked: 1, helpful: 0, notHelpful: 0, unanswered: 1, handoffsRequested: 0 },
        topics: [{ id: 'x', title: { fr: '<b>titre</b>', en: 'title' }, asked: 1, helpful: 0, notHelpful: 0 }],
        unanswered: [{ text: '<script>alert(1)</script>', locale: 'fr', at: '2026-11-24T13:00:00.000Z' }],
        unansweredRetentionDays: 30,
        permanences: [],
      },
      'fr',
    );
    expect(html).not.to.include('<script>').and.not.to.include('<b>titre');
    expect(html).to.include('&lt;script&gt;');
  });
});
