/**
 * Volunteers in Teams, through the real server, adapter and handoff desk, with a loopback stand-in
 * for the Teams connector: a visitor asks for a volunteer on the website, available volunteers get
 * a card in Teams, the first who takes it talks with the visitor from Teams, the other's card turns
 * to "déjà prise"; only allow-listed volunteers of the tenant may take.
 */
import { expect } from 'chai';
import type { Activity, Attachment } from 'botbuilder';
import { systemClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { ConsoleClient } from '../handoff/helpers.js';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';
import { FakeTeamsConnector, type ConnectorCall } from './FakeTeamsConnector.js';
import {
  OTHER_TENANT,
  TENANT,
  VOLUNTEERS_CHANNEL,
  cardAction,
  notAVolunteer,
  personalConversationId,
  personalMessage,
  volunteerA,
  volunteerB,
  type TeamsUser,
} from './teamsActivities.js';

const IN_HOURS = '2026-11-24T15:00:00+01:00'; // a Tuesday: UNAFAM 14:00-17:00
const TAKE = 'mdu.handoff.take';

function cardOf(activity: Partial<Activity> | undefined): { body: { text?: string }[]; actions?: { title: string; verb?: string; data?: Record<string, unknown> }[] } | undefined {
  const attachment = activity?.attachments?.find((a: Attachment) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as ReturnType<typeof cardOf>;
}

const cardText = (activity: Partial<Activity> | undefined) => JSON.stringify(cardOf(activity)?.body ?? []);

class Harness {
  bot!: TestBot;
  teams!: FakeTeamsConnector;
  private counter = 0;

  static async start(env: Record<string, string> = {}): Promise<Harness> {
    const h = new Harness();
    h.teams = await new FakeTeamsConnector().start();
    h.bot = await startTestBot({
      MDU_NOW: IN_HOURS,
      TEAMS_TENANT_ID: TENANT,
      TEAMS_VOLUNTEER_AAD_IDS: `${volunteerA.aadObjectId},${volunteerB.aadObjectId.toUpperCase()}`,
      SERVICE_URL_ALLOWLIST: h.teams.url,
      HANDOFF_SWEEP_MS: '100',
      ...env,
    });
    return h;
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.teams.stop();
  }

  /** A visitor on the website (their replies come back in the turn; proactive ones go to the connector). */
  visitor(conversationId: string, text: string): Promise<Partial<Activity>[]> {
    return this.bot.send({
      type: 'message',
      id: `visitor-${++this.counter}`,
      text,
      locale: 'fr-FR',
      channelId: 'webchat',
      serviceUrl: this.teams.url,
      conversation: { id: conversationId } as Activity['conversation'],
      from: { id: `user-${conversationId}`, role: 'user' } as Activity['from'],
      recipient: { id: 'mdu-bot', role: 'bot' } as Activity['recipient'],
    });
  }

  /** A Teams user's message in their personal chat with the bot. */
  teamsSays(user: TeamsUser, text: string, value?: unknown): Promise<Partial<Activity>[]> {
    return this.bot.send(personalMessage(user, text, { serviceUrl: this.teams.url }, value));
  }

  /** Posts an activity as Teams does (no expectReplies): the HTTP answer is the invoke response. */
  async post(activity: Partial<Activity>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** The request card sent to a volunteer's personal chat. */
  cardFor(user: TeamsUser): Promise<ConnectorCall> {
    return this.teams.waitFor((c) => c.kind === 'send' && c.conversationId === personalConversationId(user) && cardOf(c.activity)?.actions?.[0]?.verb === TAKE);
  }
}

describe('Teams: volunteers', () => {
  describe('in their personal chats', () => {
    let h: Harness;
    const visitor = 'visitor-web-1';
    before(async () => {
      h = await Harness.start();
    });
    after(async () => {
      await h.stop();
    });

    it('lets an allow-listed volunteer say they are available', async () => {
      for (const volunteer of [volunteerA, volunteerB]) {
        const [reply] = await h.teamsSays(volunteer, 'disponible');
        expect(reply?.text).to.match(/disponible/);
        expect(mduOf(reply).intent).to.equal('handoff');
      }
    });

    it('offers a visitor\'s request to each available volunteer as a card with "Prendre cette conversation"', async () => {
      const replies = await h.visitor(visitor, 'je voudrais parler à un bénévole');
      expect(replies.some((r) => (r.channelData as { mdu?: { handoff?: { status?: string } } })?.mdu?.handoff?.status === 'queued' || /file|attente|bénévole/i.test(r.text ?? ''))).to.equal(true);
      for (const volunteer of [volunteerA, volunteerB]) {
        const card = cardOf((await h.cardFor(volunteer)).activity);
        expect(card?.actions?.[0]?.title).to.equal('Prendre cette conversation');
        // The facts, never the visitor's words.
        expect(JSON.stringify(card)).not.to.contain('je voudrais parler');
      }
    });

    it('refuses a Teams user who is not an allow-listed volunteer', async () => {
      const card = await h.cardFor(volunteerA);
      const data = cardOf(card.activity)!.actions![0]!.data;
      const answer = await h.post(cardAction(notAVolunteer, TAKE, data, { serviceUrl: h.teams.url, replyToId: card.givenId }));
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({ type: 'application/vnd.microsoft.activity.message' });
      expect(String((answer.body as { value: unknown }).value)).to.match(/Seuls les bénévoles inscrits/);
    });

    it('refuses a volunteer of another tenant', async () => {
      const card = await h.cardFor(volunteerA);
      const data = cardOf(card.activity)!.actions![0]!.data;
      const answer = await h.post(cardAction(volunteerA, TAKE, data, { serviceUrl: h.teams.url, replyToId: card.givenId, tenant: OTHER_TENANT }));
      expect(answer.status).to.equal(200);
      expect(String((answer.body as { value: unknown }).value)).to.match(/réservé aux équipes/);
    });

    it('gives the conversation to the first who takes it: the card in the invoke response, the visitor told', async () => {
      const card = await h.cardFor(volunteerA);
      const data = cardOf(card.activity)!.actions![0]!.data;
      const answer = await h.post(cardAction(volunteerA, TAKE, data, { serviceUrl: h.teams.url, replyToId: card.givenId }));
      expect(answer.status).to.equal(200);
      const body = answer.body as { statusCode: number; type: string; value: { body: { text: string }[]; actions: { data: Record<string, unknown> }[] } };
      expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(body.value.body)).to.contain('Vous avez pris cette conversation');
      expect(body.value.actions[0]!.data).to.include({ action: 'end' });
      // The visitor hears that Marie joined (her first name only).
      const joined = await h.teams.waitFor((c) => c.conversationId === visitor && /Marie/.test(c.activity?.text ?? ''));
      expect(joined.activity?.text).not.to.contain('Dupont');
    });

    it('turns the other volunteer\'s card to "déjà prise"', async () => {
      const cardB = await h.cardFor(volunteerB);
      const update = await h.teams.waitFor((c) => c.kind === 'update' && c.conversationId === personalConversationId(volunteerB) && c.activityId === cardB.givenId);
      expect(cardText(update.activity)).to.contain('Conversation déjà prise par Marie');
      expect(cardOf(update.activity)?.actions ?? []).to.deep.equal([]);
    });

    it('tells a second volunteer who takes it anyway that it is already taken', async () => {
      const cardB = await h.cardFor(volunteerB);
      const data = cardOf(cardB.activity)!.actions![0]!.data;
      const answer = await h.post(cardAction(volunteerB, TAKE, data, { serviceUrl: h.teams.url, replyToId: cardB.givenId }));
      const body = answer.body as { type: string; value: { body: unknown[] } };
      expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(body.value.body)).to.contain('déjà prise par Marie');
    });

    it('relays the visitor to the volunteer in Teams, and the volunteer to the visitor', async () => {
      await h.visitor(visitor, 'Bonjour, ma sœur est hospitalisée');
      const relayed = await h.teams.waitFor((c) => c.conversationId === personalConversationId(volunteerA) && /ma sœur est hospitalisée/.test(c.activity?.text ?? ''));
      expect(relayed.activity?.text).to.match(/^\*\*Visiteur\*\* :/);

      const replies = await h.teamsSays(volunteerA, 'Bonjour, je suis Marie, bénévole de l\'UNAFAM.');
      expect(replies).to.deep.equal([]); // the knowledge base does not answer in her place
      const toVisitor = await h.teams.waitFor((c) => c.conversationId === visitor && /je suis Marie, bénévole/.test(c.activity?.text ?? ''));
      expect(mduOf(toVisitor.activity).intent).to.equal('handoff');
    });

    it('ends from Teams: the visitor is told, the volunteer is told, and the bot answers her again', async () => {
      await h.teamsSays(volunteerA, '/fin');
      await h.teams.waitFor((c) => c.conversationId === visitor && (c.activity?.channelData as { mdu?: { handoff?: { status?: string } } })?.mdu?.handoff?.status === 'closed');
      await h.teams.waitFor((c) => c.conversationId === personalConversationId(volunteerA) && /terminée/.test(c.activity?.text ?? ''));
      const replies = await h.teamsSays(volunteerA, 'Comment parler de la MDU à mes patients ?');
      expect(mduOf(replies.find((r) => r.type === 'message'))).to.include({ intent: 'answer', topic: 'mdu.professionals' });
    });

    it('refuses a "take" button (Action.Submit) from someone who is not a volunteer', async () => {
      const [reply] = await h.teamsSays(notAVolunteer, 'Prendre cette conversation', { mdu: 'teams', action: 'take', handoffId: 'whatever' });
      expect(reply?.text).to.match(/Seuls les bénévoles inscrits/);
    });
  });

  describe('with a volunteer on the console too', () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start();
    });
    after(async () => {
      await h.stop();
    });

    it('turns the Teams cards to "déjà prise" when the console takes the request', async () => {
      await h.teamsSays(volunteerA, 'disponible');
      await new VolunteerAccounts(h.bot.store, systemClock).add('alice', 'Alice', 'un mot de passe assez long');
      const alice = new ConsoleClient(h.bot.url);
      await alice.signIn('alice', 'un mot de passe assez long');
      await alice.available(true);
      await h.visitor('visitor-web-3', 'je voudrais parler à un bénévole');
      const card = await h.cardFor(volunteerA);
      const handoffId = String(cardOf(card.activity)!.actions![0]!.data!.handoffId);
      expect((await alice.accept(handoffId)).status).to.equal(200);
      const update = await h.teams.waitFor((c) => c.kind === 'update' && c.activityId === card.givenId);
      expect(cardText(update.activity)).to.contain('déjà prise par Alice');
    });
  });

  describe("in the volunteers' channel", () => {
    let h: Harness;
    const visitor = 'visitor-web-2';
    before(async () => {
      h = await Harness.start({ TEAMS_VOLUNTEER_CHANNEL_ID: VOLUNTEERS_CHANNEL });
    });
    after(async () => {
      await h.stop();
    });

    it('posts the request in the channel, and a volunteer takes it with Action.Submit', async () => {
      await h.teamsSays(volunteerB, 'disponible'); // someone on duty; Teams' service URL noted for the channel
      await h.visitor(visitor, 'je voudrais parler à un bénévole');
      const card = await h.teams.waitFor((c) => c.kind === 'send' && c.conversationId === VOLUNTEERS_CHANNEL && cardOf(c.activity)?.actions?.[0]?.verb === TAKE);
      const data = cardOf(card.activity)!.actions![0]!.data!;

      // Volunteer A never wrote to the bot: takes it from the channel with the Submit fallback.
      const inChannel = {
        ...personalMessage(volunteerA, 'Prendre cette conversation', { serviceUrl: h.teams.url }, data),
        conversation: { id: `${VOLUNTEERS_CHANNEL};messageid=${card.givenId}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        replyToId: card.givenId,
      } as Partial<Activity>;
      const replies = await h.bot.send(inChannel as Partial<Activity>);
      expect(replies.map((r) => r.text).join(' ')).to.contain('Vous avez pris cette conversation');
      // The channel's card now says who took it.
      const update = await h.teams.waitFor((c) => c.kind === 'update' && c.activityId === card.givenId);
      expect(cardText(update.activity)).to.contain('déjà prise par Marie');
      // A personal chat was opened with her, where the visitor's words will arrive.
      const created = await h.teams.waitFor((c) => c.kind === 'create');
      expect(created.parameters?.members?.[0]?.id).to.equal(volunteerA.id);
      await h.teams.waitFor((c) => c.kind === 'send' && c.conversationId === created.conversationId && /en lien avec le visiteur/.test(c.activity?.text ?? ''));
      await h.teams.waitFor((c) => c.conversationId === visitor && /Marie/.test(c.activity?.text ?? ''));
    });
  });
});
