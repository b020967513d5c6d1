/**
 * End to end, real HTTP on loopback: the bot runs as a child process (`node --import tsx
 * bot/main.ts`) on a fixed clock inside a permanence of knowledge/schedule.yaml; the visitor talks
 * through the bot's own Direct Line (as the website chat does) or through /api/messages with a
 * loopback stand-in for the connector; volunteers are created with the coordinator's command and
 * work through the console's HTTP API.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { makeTempDir } from '../helpers/tempDir.js';
import { BotProcess, DirectLineVisitor, addVolunteer, freePort } from './botProcess.js';
import { ConnectorRecorder, ConsoleClient, EventStream, mdu, messagesOf } from './helpers.js';

const IN_PERMANENCE = '2026-11-24T15:00:00+01:00'; // Tuesday, UNAFAM 14:00-17:00
const SUNDAY = '2026-11-29T15:00:00+01:00';
const PASSWORD = 'un mot de passe de bénévole';

const isMessage = (a: Partial<Activity>) => a.type === 'message';
const handoffStatus = (a: Partial<Activity>) => (a.channelData as { mdu?: { handoff?: { status?: string } } } | undefined)?.mdu?.handoff?.status;

describe('Live handoff end to end (child process, real HTTP)', function () {
  this.timeout(180_000);

  let tmp: ReturnType<typeof makeTempDir>;
  let bot: BotProcess;
  let env: Record<string, string>;

  async function startBot(extra: Record<string, string> = {}): Promise<string> {
    env = { DATA_DIR: tmp.dir, PORT: String(await freePort()), MDU_NOW: IN_PERMANENCE, HANDOFF_SWEEP_MS: '200', ...extra };
    for (const [login, name] of [
      ['alice', 'Alice (UNAFAM)'],
      ['bob', 'Bob'],
    ] as const) {
      const added = await addVolunteer(env, login, name, PASSWORD);
      expect(added.code, added.output).to.equal(0);
    }
    bot = new BotProcess(env);
    return bot.start();
  }

  async function volunteer(url: string, login: string): Promise<ConsoleClient> {
    const client = new ConsoleClient(url);
    expect((await client.signIn(login, PASSWORD)).status).to.equal(200);
    expect((await client.available(true)).status).to.equal(200);
    return client;
  }

  beforeEach(() => {
    tmp = makeTempDir('mdu-e2e-');
  });
  afterEach(async () => {
    await bot?.stop();
    tmp.cleanup();
  });

  it('visitor asks, volunteer accepts, they talk, the volunteer ends, the bot answers again (Direct Line)', async () => {
    const url = await startBot();
    const alice = await volunteer(url, 'alice');
    const feed = new EventStream(`${url}/console/api/events`, alice.cookie);
    expect(await feed.open()).to.equal(200);
    await feed.waitFor((e) => e.event === 'state');

    const visitor = new DirectLineVisitor(url, 'fr-FR');
    await visitor.start();
    await visitor.say('je voudrais parler à quelqu’un de l’association');
    const queued = await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'queued');
    expect(mdu(queued).handoff).to.include({ position: 1 });

    // The console hears of it at once (sound and badge come from this alert), with the visitor's words.
    await feed.waitFor((e) => e.event === 'alert' && (e.data as { kind: string }).kind === 'request');
    const waiting = await alice.waitForQueued();
    expect(waiting.messages.map((m) => m.text)).to.include('je voudrais parler à quelqu’un de l’association');

    expect((await alice.accept(waiting.id)).status).to.equal(200);
    const joined = await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'live');
    expect(joined.text).to.include('Alice (UNAFAM)');

    await alice.typing(waiting.id);
    await visitor.waitFor((a) => a.type === 'typing');
    await alice.send(waiting.id, 'Bonjour, je suis Alice, bénévole à l’UNAFAM. Que puis-je pour vous ?');
    const hello = await visitor.waitFor((a) => isMessage(a) && a.text?.startsWith('Bonjour, je suis Alice') === true);
    expect(hello.from?.name).to.equal('Alice (UNAFAM)');

    const before = visitor.mark;
    await visitor.say('Mon frère vient d’être hospitalisé, je ne sais pas quoi faire.');
    await feed.waitFor((e) => e.event === 'alert' && (e.data as { kind: string }).kind === 'message');
    const held = (await alice.conversation(waiting.id)).body;
    expect(held.messages.map((m) => m.text)).to.include('Mon frère vient d’être hospitalisé, je ne sais pas quoi faire.');
    await visitor.poll();
    expect(messagesOf(visitor.received.slice(before)), 'the bot must not answer in the volunteer’s place').to.deep.equal([]);

    await alice.send(waiting.id, 'Je comprends. Nous accompagnons beaucoup de familles dans ce cas.');
    await visitor.waitFor((a) => isMessage(a) && a.text === 'Je comprends. Nous accompagnons beaucoup de familles dans ce cas.');

    expect((await alice.end(waiting.id)).status).to.equal(200);
    const back = await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'closed');
    expect(back.text).to.match(/Alice \(UNAFAM\)\*\* a terminé la conversation/);

    const mark = visitor.mark;
    await visitor.say('Quels sont les horaires de la Maison des usagers ?');
    const answer = await visitor.waitFor((a) => isMessage(a), 8000, mark);
    expect(mdu(answer).intent).to.equal('answer');
    await feed.close();
  });

  it('kill -9 in the middle of a live conversation loses nothing', async () => {
    const url = await startBot();
    const alice = await volunteer(url, 'alice');
    const visitor = new DirectLineVisitor(url, 'en-US');
    await visitor.start();
    await visitor.say('can I talk to a real person?');
    await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'queued');
    // A second visitor waits behind, to check the queue comes back too.
    const second = new DirectLineVisitor(url, 'fr-FR');
    await second.start();
    await second.say('je voudrais parler à un bénévole');
    await second.waitFor((a) => isMessage(a) && handoffStatus(a) === 'queued');

    const waiting = await alice.waitForQueued((c) => c.locale === 'en-US');
    await alice.accept(waiting.id);
    await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'live');
    await alice.send(waiting.id, 'Hello, I am Alice.');
    await visitor.waitFor((a) => isMessage(a) && a.text === 'Hello, I am Alice.');
    await visitor.say('Hi Alice, my sister is in hospital here.');
    await waitUntil(async () => (await alice.conversation(waiting.id)).body.messages?.some((m) => m.text === 'Hi Alice, my sister is in hospital here.'));

    await bot.kill9();
    await bot.start();

    // The volunteer's session, the assignment, the queue and the transcript are all back.
    const view = (await alice.queue()).body;
    expect(view.mine.map((c) => c.id)).to.deep.equal([waiting.id]);
    expect(view.mine[0]!.messages.map((m) => m.text)).to.include.members(['Hello, I am Alice.', 'Hi Alice, my sister is in hospital here.']);
    expect(view.queue.map((c) => c.locale)).to.deep.equal(['fr-FR']);

    // The visitor's next message still reaches the volunteer, and the bot stays silent.
    const mark = visitor.mark;
    await visitor.say('Are you still there?');
    await waitUntil(async () => (await alice.conversation(waiting.id)).body.messages?.some((m) => m.text === 'Are you still there?'));
    await visitor.poll();
    expect(messagesOf(visitor.received.slice(mark))).to.deep.equal([]);
    await alice.send(waiting.id, 'Yes, still here.');
    await visitor.waitFor((a) => isMessage(a) && a.text === 'Yes, still here.');

    await visitor.say('end');
    const ended = await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'closed');
    expect(ended.text).to.match(/has ended\. I am back/);
    const after = visitor.mark;
    await visitor.say('What are the opening hours of the MDU?');
    expect(mdu(await visitor.waitFor(isMessage, 8000, after)).intent).to.equal('answer');
  });

  it('two volunteers race for one conversation: one gets it, the other hears "already taken"', async () => {
    const recorder = await new ConnectorRecorder().start();
    try {
      const url = await startBot({ SERVICE_URL_ALLOWLIST: recorder.url });
      const alice = await volunteer(url, 'alice');
      const bob = await volunteer(url, 'bob');
      const replies = await postActivity(url, recorder.url, 'race-1', 'je voudrais parler à un bénévole', 'fr-FR');
      expect(mdu(messagesOf(replies)[0]).handoff?.status).to.equal('queued');
      const waiting = await alice.waitForQueued();
      const [a, b] = await Promise.all([alice.accept(waiting.id), bob.accept(waiting.id)]);
      expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect((loser.body.error as { code: string }).code).to.equal('already_taken');
      const joined = await recorder.waitFor('race-1', (x) => isMessage(x) && handoffStatus(x) === 'live');
      expect([`${'Alice (UNAFAM)'}`, 'Bob']).to.include(mdu(joined).handoff?.volunteerName);
      expect(recorder.to('race-1').filter((x) => isMessage(x) && handoffStatus(x) === 'live')).to.have.length(1);
    } finally {
      await recorder.stop();
    }
  });

  it('out of hours and in hours with nobody available: plain answers, the bot keeps answering', async () => {
    let url = await startBot({ MDU_NOW: SUNDAY });
    await volunteer(url, 'alice');
    let replies = messagesOf(await postActivity(url, url, 'ooh-1', 'can I talk to a real person?', 'en-US'));
    expect(mdu(replies[0]).handoff?.status).to.equal('unavailable');
    expect(replies[0]!.text).to.match(/No volunteer is available in this chat right now/).and.match(/Next permanence/);
    replies = messagesOf(await postActivity(url, url, 'ooh-1', 'where is the MDU?', 'en-US'));
    expect(mdu(replies[0]).intent).to.equal('answer');
    await bot.stop();

    // Tuesday 15:00, UNAFAM's permanence: a slot is open, but the only volunteer signed in is away.
    bot = new BotProcess({ ...env, MDU_NOW: IN_PERMANENCE });
    url = await bot.start();
    const away = new ConsoleClient(url);
    await away.signIn('alice', PASSWORD);
    await away.available(false);
    replies = messagesOf(await postActivity(url, url, 'none-2', 'je voudrais parler à un bénévole', 'fr-FR'));
    expect(mdu(replies[0]).handoff?.status).to.equal('unavailable');
    expect(replies[0]!.text).to.match(/Aucun bénévole n'est connecté au chat/).and.include('UNAFAM');
  });

  it('nobody accepts in time: the request is withdrawn; and a visitor can cancel', async () => {
    const url = await startBot({ HANDOFF_ACCEPT_TIMEOUT_SECONDS: '2' });
    const alice = await volunteer(url, 'alice');
    const visitor = new DirectLineVisitor(url, 'fr-FR');
    await visitor.start();
    await visitor.say('je voudrais parler à un bénévole');
    await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'queued');
    const timedOut = await visitor.waitFor((a) => isMessage(a) && handoffStatus(a) === 'timeout');
    expect(timedOut.text).to.match(/Personne n'a pu prendre votre demande/);
    expect((await alice.queue()).body.queue).to.deep.equal([]);

    const other = new DirectLineVisitor(url, 'en-US');
    await other.start();
    await other.say('can I talk to a real person?');
    await other.waitFor((a) => isMessage(a) && handoffStatus(a) === 'queued');
    await other.say('cancel');
    const cancelled = await other.waitFor((a) => isMessage(a) && handoffStatus(a) === 'cancelled');
    expect(cancelled.text).to.match(/Your request is cancelled/);
    expect((await alice.queue()).body.queue).to.deep.equal([]);
  });

  it('the coordinator adds a volunteer while the bot runs, and bad passwords lock the account', async () => {
    const url = await startBot({ CONSOLE_LOCKOUT_ATTEMPTS: '3' });
    const added = await addVolunteer(env, 'carole', 'Carole', PASSWORD);
    expect(added.code, added.output).to.equal(0);
    expect(added.output).to.include('through the running bot');
    const carole = new ConsoleClient(url);
    expect((await carole.signIn('carole', PASSWORD)).status).to.equal(200);

    const intruder = new ConsoleClient(url);
    expect((await intruder.signIn('carole', 'wrong password 1')).status).to.equal(401);
    expect((await intruder.signIn('carole', 'wrong password 2')).status).to.equal(401);
    expect((await intruder.signIn('carole', 'wrong password 3')).status).to.equal(423);
    expect((await intruder.signIn('carole', PASSWORD)).status).to.equal(423);

    // Cookie flags, CSRF, and sign-out.
    const response = await fetch(`${url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'alice', password: PASSWORD }) });
    expect(response.headers.get('set-cookie')).to.match(/HttpOnly/).and.match(/SameSite=Strict/).and.match(/Path=\/console/);
    const noCsrf = await carole.call('POST', '/availability', { available: true }, { 'x-csrf-token': 'forged' });
    expect(noCsrf.status).to.equal(403);
    expect((await carole.call('DELETE', '/session')).status).to.equal(204);
    expect((await carole.queue()).status).to.equal(401);
  });
});

/** One visitor turn through /api/messages with expectReplies. */
async function postActivity(url: string, serviceUrl: string, conversationId: string, text: string, locale: string): Promise<Partial<Activity>[]> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m-${Math.random().toString(36).slice(2)}`,
      deliveryMode: 'expectReplies',
      serviceUrl,
      channelId: 'webchat',
      conversation: { id: conversationId },
      from: { id: `visitor-${conversationId}`, role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
      locale,
      text,
    }),
  });
  expect(response.status).to.equal(200);
  return ((await response.json()) as { activities: Partial<Activity>[] }).activities;
}

async function waitUntil(check: () => Promise<boolean | undefined>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
