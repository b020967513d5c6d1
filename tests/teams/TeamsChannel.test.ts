/**
 * `TeamsChannel.admit` on its own (TestAdapter): what reaches the pipeline from Teams.
 */
import { expect } from 'chai';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { createLogger } from '../../bot/log.js';
import { TeamsChannel } from '../../teams/TeamsChannel.js';
import { TENANT, OTHER_TENANT, channelMessage, personalMessage, staffUser } from './teamsActivities.js';

const where = { serviceUrl: 'https://smba.trafficmanager.net/emea/' };

async function admit(activity: Partial<Activity>): Promise<{ admitted: boolean; text: string | undefined; sent: Partial<Activity>[] }> {
  const channel = new TeamsChannel({ tenantId: TENANT.toUpperCase(), staffWelcome: () => ({ type: 'message', text: 'welcome' }), log: createLogger('silent') });
  const adapter = new TestAdapter();
  const sent: Partial<Activity>[] = [];
  const context = new TurnContext(adapter, activity);
  context.onSendActivities(async (_c, activities) => {
    sent.push(...activities);
    return activities.map(() => ({ id: 'x' }));
  });
  const admitted = await channel.admit(context);
  return { admitted, text: context.activity.text, sent };
}

describe('Teams: the channel gate', () => {
  it('strips the @mention before the pipeline reads the question', async () => {
    const result = await admit(channelMessage(staffUser, 'Quelle association pour une famille ?', { ...where, mention: true }));
    expect(result).to.deep.include({ admitted: true, text: 'Quelle association pour une famille ?' });
  });

  it('keeps other people\'s names mentioned in the question, without the markup', async () => {
    const activity = channelMessage(staffUser, 'peux-tu expliquer la MDU à <at>Paul</at> ?', { ...where, mention: true });
    expect((await admit(activity)).text).to.equal('peux-tu expliquer la MDU à Paul ?');
  });

  it('passes a personal message unchanged, and compares tenants without case', async () => {
    expect(await admit(personalMessage(staffUser, 'Bonjour', where))).to.deep.include({ admitted: true, text: 'Bonjour' });
  });

  it('stops a channel message without mention, silently', async () => {
    expect(await admit(channelMessage(staffUser, 'Bonjour', { ...where, mention: false }))).to.deep.include({ admitted: false, sent: [] });
  });

  it('stops another tenant with one polite sentence', async () => {
    const result = await admit(personalMessage(staffUser, 'Bonjour', { ...where, tenant: OTHER_TENANT }));
    expect(result.admitted).to.equal(false);
    expect(result.sent.map((a) => a.text)).to.satisfy((texts: string[]) => texts.length === 1 && /réservé aux équipes/.test(texts[0]!));
  });
});
