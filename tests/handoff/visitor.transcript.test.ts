/**
 * Transcript tests of every visitor-side handoff message, in French and English, against the
 * real in-process bot (real adapter, HTTP and store): the visitor's turns use expectReplies; what
 * the bot sends proactively (a volunteer's words, updates, the end) lands in a loopback stand-in
 * for the connector; the volunteer uses the console's HTTP API.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { systemClock } from '../../bot/clock.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { ConnectorRecorder, ConsoleClient, mdu, messagesOf } from './helpers.js';

const IN_HOURS = '2026-11-24T15:00:00+01:00'; // a Tuesday: UNAFAM 14:00-17:00
const OUT_OF_HOURS = '2026-11-29T15:00:00+01:00'; // a Sunday
const PASSWORD = 'mot de passe de test';

interface Lang {
  locale: string;
  ask: string;
  cancel: string;
  end: string;
  question: string;
  crisis: string;
  medical: string;
  chat: string;
  expect: {
    queued: RegExp;
    place: (n: number) => RegExp;
    noted: RegExp;
    alreadyQueued: RegExp;
    accepted: RegExp;
    cancelled: RegExp;
    endedByVisitor: RegExp;
    endedByVolunteer: RegExp;
    inactivity: RegExp;
    timeout: RegExp;
    nobodySignedIn: RegExp;
    outOfHours: RegExp;
    next: RegExp;
    prioritised: RegExp;
    crisisRelayed: RegExp;
    nothing: RegExp;
    noLonger: RegExp;
    unreachable: RegExp;
    alreadyLive: RegExp;
  };
}

const LANGS: Lang[] = [
  {
    locale: 'fr-FR',
    ask: 'je voudrais parler à un bénévole',
    cancel: 'annuler',
    end: 'terminer',
    question: 'où se trouve la MDU ?',
    crisis: 'je veux mourir',
    medical: 'est-ce que je peux arrêter mon traitement ?',
    chat: "bonjour, c'est pour ma soeur",
    expect: {
      queued: /Je demande à un ou une bénévole/,
      place: (n) => new RegExp(`n° ${n}\\*\\* dans la file`),
      noted: /C'est noté/,
      alreadyQueued: /déjà transmise/,
      accepted: /a rejoint la conversation.*pas d'avis médical/s,
      cancelled: /Votre demande est annulée/,
      endedByVisitor: /est terminée\. Je suis de nouveau là/,
      endedByVolunteer: /a terminé la conversation\. Je suis de nouveau là/,
      inactivity: /s'est arrêtée après .* sans message/,
      timeout: /Personne n'a pu prendre votre demande/,
      nobodySignedIn: /Aucun bénévole n'est connecté au chat/,
      outOfHours: /Aucun bénévole n'est disponible dans ce chat/,
      next: /Prochaine permanence/,
      prioritised: /c'est urgent : votre demande passe en premier/,
      crisisRelayed: /voit aussi votre message/,
      nothing: /Il n'y a pas de demande en cours/,
      noLonger: /Plus aucun bénévole n'est disponible/,
      unreachable: /Depuis ce canal/,
      alreadyLive: /déjà en conversation avec/,
    },
  },
  {
    locale: 'en-US',
    ask: 'can I talk to a real person?',
    cancel: 'cancel',
    end: 'end',
    question: 'where is the MDU?',
    crisis: 'I want to kill myself',
    medical: 'can I stop taking my medication?',
    chat: 'hello, it is about my sister',
    expect: {
      queued: /I am asking a volunteer/,
      place: (n) => new RegExp(`number ${n}\\*\\* in the queue`),
      noted: /Noted: the person who takes the conversation/,
      alreadyQueued: /already been passed on/,
      accepted: /has joined the conversation.*do not give medical advice/s,
      cancelled: /Your request is cancelled/,
      endedByVisitor: /has ended\. I am back/,
      endedByVolunteer: /has ended the conversation\. I am back/,
      inactivity: /stopped after .* without a message/,
      timeout: /Nobody could take your request/,
      nobodySignedIn: /No volunteer is signed in to the chat/,
      outOfHours: /No volunteer is available in this chat/,
      next: /Next drop-in session/,
      prioritised: /it is urgent: your request goes first/,
      crisisRelayed: /sees your message too/,
      nothing: /There is no request in progress/,
      noLonger: /No volunteer is available in this chat any more/,
      unreachable: /From this channel/,
      alreadyLive: /already talking with/,
    },
  },
];

/** The in-process bot, a connector stand-in, and helpers for a visitor and volunteers. */
class Harness {
  bot!: TestBot;
  recorder!: ConnectorRecorder;
  private counter = 0;

  static async start(env: Record<string, string> = {}): Promise<Harness> {
    const h = new Harness();
    h.recorder = await new ConnectorRecorder().start();
    h.bot = await startTestBot({ MDU_NOW: IN_HOURS, SERVICE_URL_ALLOWLIST: h.recorder.url, HANDOFF_SWEEP_MS: '100', ...env });
    const accounts = new VolunteerAccounts(h.bot.store, systemClock);
    await accounts.add('alice', 'Alice (UNAFAM)', PASSWORD);
    await accounts.add('bob', 'Bob', PASSWORD);
    return h;
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.recorder.stop();
  }

  /** A visitor's turn: text (or a button value) in a conversation; returns the bot's replies. */
  say(conversationId: string, locale: string, text: string, value?: unknown, serviceUrl = this.recorder.url): Promise<Partial<Activity>[]> {
    return this.bot.send({
      type: 'message',
      id: `v-${++this.counter}`,
      text,
      locale,
      value,
      serviceUrl,
      channelId: 'webchat',
      conversation: { id: conversationId },
      from: { id: `visitor-${conversationId}`, role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
    } as Partial<Activity>);
  }

  async volunteer(login = 'alice', available = true): Promise<ConsoleClient> {
    const client = new ConsoleClient(this.bot.url);
    expect((await client.signIn(login, PASSWORD)).status).to.equal(200);
    if (available) expect((await client.available(true)).status).to.equal(200);
    return client;
  }
}

let conversationCounter = 0;
const newConversation = (prefix: string) => `${prefix}-${++conversationCounter}-${Date.now()}`;

for (const lang of LANGS) {
  const L = lang.expect;
  describe(`Handoff transcripts (${lang.locale})`, function () {
    this.timeout(180_000);

    describe('nobody on duty', () => {
      it('out of hours: says so plainly, gives the next permanence, and keeps answering', async () => {
        const h = await Harness.start({ MDU_NOW: OUT_OF_HOURS });
        try {
          await h.volunteer();
          const conv = newConversation('ooh');
          const [reply] = messagesOf(await h.say(conv, lang.locale, lang.ask));
          expect(mdu(reply).intent).to.equal('handoff');
          expect(mdu(reply).handoff?.status).to.equal('unavailable');
          expect(reply!.text).to.match(L.outOfHours);
          expect(reply!.text).to.match(L.next);
          const [answer] = messagesOf(await h.say(conv, lang.locale, lang.question));
          expect(mdu(answer).intent).to.equal('answer');
        } finally {
          await h.stop();
        }
      });

      it('in hours with no volunteer signed in: says so, and who is at the MDU now', async () => {
        const h = await Harness.start();
        try {
          await h.volunteer('alice', false); // signed in but away
          const [reply] = messagesOf(await h.say(newConversation('none'), lang.locale, lang.ask));
          expect(mdu(reply).handoff?.status).to.equal('unavailable');
          expect(reply!.text).to.match(L.nobodySignedIn);
          expect(reply!.text).to.include('UNAFAM');
        } finally {
          await h.stop();
        }
      });
    });

    describe('with a volunteer on duty', () => {
      let h: Harness;
      before(async () => (h = await Harness.start()));
      after(async () => h.stop());

      it('queued, waiting, accepted, talking (typing, name, medical and crisis flags), ended by the visitor, the bot back', async () => {
        const alice = await h.volunteer('alice');
        const conv = newConversation('live');

        const [queued] = messagesOf(await h.say(conv, lang.locale, lang.ask));
        expect(mdu(queued).intent).to.equal('handoff');
        expect(mdu(queued).handoff).to.include({ status: 'queued', position: 1 });
        expect(queued!.text).to.match(L.queued).and.match(L.place(1));
        expect(queued!.suggestedActions?.actions.map((a) => a.value)).to.deep.include({ mdu: 'handoff', action: 'cancel' });

        const [again] = messagesOf(await h.say(conv, lang.locale, lang.ask));
        expect(again!.text).to.match(L.alreadyQueued);

        const [noted] = messagesOf(await h.say(conv, lang.locale, lang.chat));
        expect(noted!.text).to.match(L.noted);
        expect(mdu(noted).handoff?.status).to.equal('queued');

        const waiting = await alice.waitForQueued();
        expect(waiting.locale).to.equal(lang.locale);
        expect(waiting.messages.filter((m) => m.from === 'visitor').map((m) => m.text)).to.deep.equal([lang.ask, lang.chat]);

        expect((await alice.accept(waiting.id)).status).to.equal(200);
        const accepted = await h.recorder.waitFor(conv, (a) => a.type === 'message' && mdu(a).handoff?.status === 'live');
        expect(accepted.text).to.match(L.accepted);
        expect(mdu(accepted).handoff?.volunteerName).to.equal('Alice (UNAFAM)');
        const status = await h.recorder.waitFor(conv, (a) => a.type === 'event' && a.name === 'handoff.status');
        expect(status.value).to.include({ state: 'accepted' });

        expect((await alice.typing(waiting.id)).status).to.equal(204);
        const typing = await h.recorder.waitFor(conv, (a) => a.type === 'typing');
        expect(mdu(typing).handoff?.volunteerName).to.equal('Alice (UNAFAM)');

        expect((await alice.send(waiting.id, 'Bonjour, je suis Alice. / Hello, I am Alice.')).status).to.equal(201);
        const fromAlice = await h.recorder.waitFor(conv, (a) => a.type === 'message' && a.text === 'Bonjour, je suis Alice. / Hello, I am Alice.');
        expect(fromAlice.from?.name).to.equal('Alice (UNAFAM)');
        expect(mdu(fromAlice)).to.deep.include({ intent: 'handoff', handoff: { status: 'live', volunteerName: 'Alice (UNAFAM)' } });

        // While live, the bot does not answer in the volunteer's place: the question goes to Alice.
        expect(await h.say(conv, lang.locale, lang.question)).to.deep.equal([]);
        expect(await h.say(conv, lang.locale, lang.medical)).to.deep.equal([]);
        let view = (await alice.conversation(waiting.id)).body;
        expect(view.medical).to.equal(true);
        expect(view.messages.find((m) => m.text === lang.medical)?.flags).to.deep.equal(['medical']);
        expect(view.messages.some((m) => m.text === lang.question)).to.equal(true);

        // A crisis: the numbers first, at once; the volunteer is alerted.
        const crisisReplies = messagesOf(await h.say(conv, lang.locale, lang.crisis));
        expect(crisisReplies.map((a) => mdu(a).intent)).to.deep.equal(['crisis', 'handoff']);
        expect(crisisReplies[1]!.text).to.match(L.crisisRelayed);
        view = (await alice.conversation(waiting.id)).body;
        expect(view.crisis).to.equal(true);

        // Asking for a person in words goes to the person; the button says who is already there.
        expect(await h.say(conv, lang.locale, lang.ask)).to.deep.equal([]);
        const [alreadyLive] = messagesOf(await h.say(conv, lang.locale, lang.ask, { mdu: 'handoff', action: 'request' }));
        expect(alreadyLive!.text).to.match(L.alreadyLive);

        const endReplies = await h.say(conv, lang.locale, lang.end);
        const [ended] = messagesOf(endReplies);
        expect(ended!.text).to.match(L.endedByVisitor);
        expect(mdu(ended).handoff?.status).to.equal('closed');
        expect(endReplies.find((a) => a.type === 'event')?.value).to.include({ state: 'completed' });

        const [back] = messagesOf(await h.say(conv, lang.locale, lang.question));
        expect(mdu(back).intent).to.equal('answer');
        expect((await alice.send(waiting.id, 'encore là ?')).status).to.equal(409);
      });

      it('ended by the volunteer: the visitor is told, and the bot answers again', async () => {
        const alice = await h.volunteer('alice');
        const conv = newConversation('vol-end');
        await h.say(conv, lang.locale, lang.ask);
        const waiting = await alice.waitForQueued((c) => c.messages.some((m) => m.text === lang.ask) && c.locale === lang.locale);
        await alice.accept(waiting.id);
        expect((await alice.end(waiting.id)).status).to.equal(200);
        const ended = await h.recorder.waitFor(conv, (a) => a.type === 'message' && mdu(a).handoff?.status === 'closed');
        expect(ended.text).to.match(L.endedByVolunteer);
        const [back] = messagesOf(await h.say(conv, lang.locale, lang.question));
        expect(mdu(back).intent).to.equal('answer');
      });

      it('cancel by word and by button; a stale button says nothing is in progress', async () => {
        await h.volunteer('alice');
        const conv = newConversation('cancel');
        await h.say(conv, lang.locale, lang.ask);
        const [byWord] = messagesOf(await h.say(conv, lang.locale, lang.cancel));
        expect(byWord!.text).to.match(L.cancelled);
        expect(mdu(byWord).handoff?.status).to.equal('cancelled');
        await h.say(conv, lang.locale, lang.ask);
        const [byButton] = messagesOf(await h.say(conv, lang.locale, lang.cancel, { mdu: 'handoff', action: 'cancel' }));
        expect(byButton!.text).to.match(L.cancelled);
        const [stale] = messagesOf(await h.say(conv, lang.locale, lang.cancel, { mdu: 'handoff', action: 'cancel' }));
        expect(stale!.text).to.match(L.nothing);
        expect(mdu(stale).intent).to.equal('handoff');
      });

      it('a crisis while waiting: the numbers first, then first in the queue; the others are told their new place', async () => {
        const alice = await h.volunteer('alice');
        const first = newConversation('q1');
        const second = newConversation('q2');
        await h.say(first, lang.locale, lang.ask);
        const [secondQueued] = messagesOf(await h.say(second, lang.locale, lang.ask));
        expect(mdu(secondQueued).handoff?.position).to.equal(2);
        const replies = messagesOf(await h.say(second, lang.locale, lang.crisis));
        expect(replies.map((a) => mdu(a).intent)).to.deep.equal(['crisis', 'handoff']);
        expect(replies[1]!.text).to.match(L.prioritised);
        expect(mdu(replies[1]).handoff?.position).to.equal(1);
        const update = await h.recorder.waitFor(first, (a) => a.type === 'message' && mdu(a).handoff?.position === 2);
        expect(update.text).to.match(L.place(2));
        const view = (await alice.queue()).body;
        expect(view.queue[0]!.crisis).to.equal(true);
        await h.say(first, lang.locale, lang.cancel);
        await h.say(second, lang.locale, lang.cancel);
      });

      it('a medical question while waiting: declined kindly by the bot, kept and flagged for the volunteer', async () => {
        const alice = await h.volunteer('alice');
        const conv = newConversation('med');
        await h.say(conv, lang.locale, lang.ask);
        const [declined] = messagesOf(await h.say(conv, lang.locale, lang.medical));
        expect(mdu(declined).intent).to.equal('medical');
        const waiting = await alice.waitForQueued((c) => c.messages.some((m) => m.text === lang.medical));
        expect(waiting.medical).to.equal(true);
        expect(waiting.messages.find((m) => m.text === lang.medical)?.flags).to.deep.equal(['medical']);
        await h.say(conv, lang.locale, lang.cancel);
      });

      it('a visitor whose channel cannot receive proactive messages is told so, not queued', async () => {
        await h.volunteer('alice');
        const [reply] = messagesOf(await h.say(newConversation('unreach'), lang.locale, lang.ask, undefined, 'https://elsewhere.invalid'));
        expect(reply!.text).to.match(L.unreachable);
        expect(mdu(reply).handoff?.status).to.equal('unavailable');
      });

      it('when the last volunteer goes away, waiting visitors are told and the request is withdrawn', async () => {
        const alice = await h.volunteer('alice');
        const bob = await h.volunteer('bob');
        const conv = newConversation('away');
        await h.say(conv, lang.locale, lang.ask);
        await alice.available(false);
        await bob.available(false);
        const withdrawn = await h.recorder.waitFor(conv, (a) => a.type === 'message' && mdu(a).handoff?.status === 'unavailable');
        expect(withdrawn.text).to.match(L.noLonger);
        const [back] = messagesOf(await h.say(conv, lang.locale, lang.question));
        expect(mdu(back).intent).to.equal('answer');
      });
    });

    it('nobody accepts in time: the visitor is told, with alternatives, and the request is withdrawn', async () => {
      const h = await Harness.start({ HANDOFF_ACCEPT_TIMEOUT_SECONDS: '1' });
      try {
        const alice = await h.volunteer('alice');
        const conv = newConversation('timeout');
        const [queued] = messagesOf(await h.say(conv, lang.locale, lang.ask));
        expect(mdu(queued).handoff?.status).to.equal('queued');
        const timedOut = await h.recorder.waitFor(conv, (a) => a.type === 'message' && mdu(a).handoff?.status === 'timeout');
        expect(timedOut.text).to.match(L.timeout);
        expect(timedOut.suggestedActions?.actions.map((a) => a.value)).to.deep.include({ mdu: 'handoff', action: 'request' });
        const failed = await h.recorder.waitFor(conv, (a) => a.type === 'event');
        expect(failed.value).to.include({ state: 'failed', message: 'timeout' });
        expect((await alice.queue()).body.queue).to.deep.equal([]);
        const [back] = messagesOf(await h.say(conv, lang.locale, lang.question));
        expect(mdu(back).intent).to.equal('answer');
      } finally {
        await h.stop();
      }
    });

    it('a silent conversation ends after the inactivity time, and the visitor is told', async () => {
      const h = await Harness.start({ HANDOFF_INACTIVITY_SECONDS: '1' });
      try {
        const alice = await h.volunteer('alice');
        const conv = newConversation('idle');
        await h.say(conv, lang.locale, lang.ask);
        const waiting = await alice.waitForQueued();
        await alice.accept(waiting.id);
        const closed = await h.recorder.waitFor(conv, (a) => a.type === 'message' && mdu(a).handoff?.status === 'closed');
        expect(closed.text).to.match(L.inactivity);
        expect((await alice.queue()).body.mine).to.deep.equal([]);
      } finally {
        await h.stop();
      }
    });
  });
}
