/**
 * Staff in Teams, through the real adapter and server (`expectReplies`): personal chat, channel
 * mentions, the welcome on install, the tenant check.
 */
import { expect } from 'chai';
import type { Activity, Attachment } from 'botbuilder';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';
import { BOT, OTHER_TENANT, TENANT, cardAction, channelMessage, installed, personalMessage, staffUser } from './teamsActivities.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const where = { serviceUrl: SERVICE_URL };

function cardOf(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments?.find((a: Attachment) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown> | undefined;
}

function actionsOf(card: Record<string, unknown> | undefined): { title: string; data: Record<string, unknown> }[] {
  return ((card?.actions as { title: string; data: Record<string, unknown> }[] | undefined) ?? []);
}

describe('Teams: staff', () => {
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot({ TEAMS_TENANT_ID: TENANT });
  });
  after(async () => {
    await bot.stop();
  });

  it('answers a question in personal chat with the staff answer, its buttons as an Adaptive Card', async () => {
    const replies = await bot.send(personalMessage(staffUser, 'Comment parler de la MDU à mes patients ?', where));
    const answer = replies.find((r) => r.type === 'message');
    expect(mduOf(answer)).to.include({ intent: 'answer', topic: 'mdu.professionals' });
    // The `## fr-staff` section, not the visitors' one.
    expect(answer?.text).to.contain('jamais une prescription');
    expect(answer?.text).not.to.contain('Il suffit d\'en parler');
    expect(answer?.suggestedActions).to.equal(undefined);
    const actions = actionsOf(cardOf(answer));
    expect(actions.length).to.be.greaterThan(1);
    expect(actions[0]!.data).to.include({ mdu: 'topic' });
    expect(actions[0]!.data.msteams).to.deep.include({ type: 'messageBack' });
  });

  it('answers in English for an English Teams client', async () => {
    const replies = await bot.send(personalMessage(staffUser, 'How do I suggest the MDU to a family?', { ...where, locale: 'en-US' }));
    const answer = replies.find((r) => r.type === 'message');
    expect(mduOf(answer)).to.include({ intent: 'answer', topic: 'mdu.professionals', locale: 'en-US' });
    expect(answer?.text).to.contain('never a prescription');
  });

  it('answers a channel message that @mentions it, with the mention stripped', async () => {
    const replies = await bot.send(channelMessage(staffUser, 'Comment parler de la MDU à mes patients ?', { ...where, mention: true }));
    const answer = replies.find((r) => r.type === 'message');
    expect(mduOf(answer)).to.include({ intent: 'answer', topic: 'mdu.professionals' });
    expect(answer?.text).to.contain('jamais une prescription');
  });

  it('ignores a channel message that does not mention it', async () => {
    const replies = await bot.send(channelMessage(staffUser, 'Comment parler de la MDU à mes patients ?', { ...where, mention: false }));
    expect(replies).to.deep.equal([]);
  });

  it('takes a button pressed on its card in a channel (no mention needed)', async () => {
    const activity = { ...channelMessage(staffUser, 'Quelle association pour qui ?', { ...where, mention: false }), value: { mdu: 'topic', id: 'mdu.associations', msteams: { type: 'messageBack' } } };
    const replies = await bot.send(activity);
    expect(mduOf(replies.find((r) => r.type === 'message'))).to.include({ intent: 'answer', topic: 'mdu.associations' });
  });

  it('welcomes staff with a card when installed in personal chat', async () => {
    const replies = await bot.send(installed(staffUser, { ...where, scope: 'personal' }));
    expect(replies).to.have.length(1);
    const welcome = replies[0];
    expect(mduOf(welcome).intent).to.equal('welcome');
    const card = cardOf(welcome);
    expect(JSON.stringify(card?.body)).to.contain('pour les équipes');
    expect(actionsOf(card).map((a) => a.data.id)).to.include.members(['mdu.professionals', 'mdu.associations', 'peer.support']);
  });

  it('welcomes once when installed in a team, and not for each new team member', async () => {
    const replies = await bot.send(installed(staffUser, { ...where, scope: 'team' }));
    expect(replies.map((r) => mduOf(r).intent)).to.deep.equal(['welcome']);
    const memberJoined = { ...installed(staffUser, { ...where, scope: 'team' }), membersAdded: [{ id: '29:new-colleague', name: 'New' }] };
    expect(await bot.send(memberJoined)).to.deep.equal([]);
  });

  describe('another tenant', () => {
    const elsewhere = { ...where, tenant: OTHER_TENANT };

    it('gets a polite refusal to a question, and no answer from the knowledge base', async () => {
      const replies = await bot.send(personalMessage(staffUser, 'Comment parler de la MDU à mes patients ?', elsewhere));
      expect(replies).to.have.length(1);
      expect(replies[0]!.text).to.match(/réservé aux équipes/);
      expect(mduOf(replies[0]).topic).to.equal(undefined);
      expect(replies[0]!.attachments ?? []).to.deep.equal([]);
    });

    it('gets the refusal, not the welcome, on install', async () => {
      const replies = await bot.send(installed(staffUser, { ...elsewhere, scope: 'personal' }));
      expect(replies.map((r) => r.text)).to.satisfy((texts: string[]) => texts.length === 1 && /réservé aux équipes/.test(texts[0]!));
    });

    it('gets nothing for a channel message that does not mention the bot', async () => {
      expect(await bot.send(channelMessage(staffUser, 'bonjour', { ...elsewhere, mention: false }))).to.deep.equal([]);
    });

    it('is refused on a card action', async () => {
      const replies = await bot.send(cardAction(staffUser, 'mdu.handoff.take', { mdu: 'teams', action: 'take', handoffId: 'h1' }, { ...elsewhere, replyToId: 'card-1' }));
      const invoke = replies.find((r) => r.type === 'invokeResponse');
      const body = (invoke?.value as { body?: { value?: unknown } } | undefined)?.body;
      expect(String(body?.value)).to.match(/réservé aux équipes/);
    });

    it('is refused when no tenant is configured at all', async () => {
      const unconfigured = await startTestBot({});
      try {
        const replies = await unconfigured.send(personalMessage(staffUser, 'Comment parler de la MDU à mes patients ?', where));
        expect(replies.map((r) => r.text)).to.satisfy((texts: string[]) => texts.length === 1 && /réservé aux équipes/.test(texts[0]!));
      } finally {
        await unconfigured.stop();
      }
    });
  });

  it('keeps the recipient as the bot (sanity of the builders)', () => {
    expect(personalMessage(staffUser, 'x', where).recipient).to.deep.equal(BOT);
  });
});
