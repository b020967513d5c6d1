/**
 * Everything kept has a retention time, and the purge runs on its own: at start-up and then every
 * PURGE_INTERVAL_SECONDS, by the bot's clock (a FixedClock here, moved by the test). Every kind of document
 * the bot writes is listed below with its rule; a kind nobody listed fails the test.
 */
import { expect } from 'chai';
import { FixedClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/log.js';
import { startBot } from '../../bot/main.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

const NOW = '2026-11-24T15:00:00+01:00';
const DAY = 86_400_000;

/** Each kind of document and how it goes away. */
const RULES: { prefix: string; rule: string; purgedAfterDays?: number }[] = [
  { prefix: 'state/conversation/', rule: 'CONVERSATION_RETENTION_DAYS after the last turn', purgedAfterDays: 7 },
  { prefix: 'directline/conversations/', rule: 'CONVERSATION_RETENTION_DAYS after the last activity', purgedAfterDays: 7 },
  { prefix: 'curation/unanswered/', rule: 'UNANSWERED_RETENTION_DAYS', purgedAfterDays: 30 },
  { prefix: 'handoff/transcript/', rule: 'TRANSCRIPT_RETENTION_DAYS', purgedAfterDays: 7 },
  { prefix: 'dedupe/', rule: 'one day', purgedAfterDays: 1 },
  { prefix: 'teams/request/', rule: 'TRANSCRIPT_RETENTION_DAYS' },
  { prefix: 'handoff/conversation/', rule: 'closed: TRANSCRIPT_RETENTION_DAYS; open: until it closes (timeouts close it)' },
  { prefix: 'handoff/session/', rule: 'expired sessions, at every purge' },
  { prefix: 'handoff/volunteer/', rule: 'accounts: kept until the coordinator removes them (no visitor data)' },
  { prefix: 'teams/presence/', rule: 'volunteer presence (no visitor data)' },
  { prefix: 'teams/volunteer/', rule: 'volunteer links (no visitor data)' },
  { prefix: 'teams/serviceUrl', rule: 'one setting (no visitor data)' },
  { prefix: 'handoff/stats', rule: 'bounded anonymous timings (no ids, no text)' },
  { prefix: 'curation/counters', rule: 'counts per topic (no ids, no text)' },
  { prefix: 'directline/secret', rule: 'the token signing key' },
];

describe('privacy: retention and the automatic purge', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir('mdu-retention-')));
  afterEach(() => tmp.cleanup());

  it('purges at start-up what is past its time, keeps what is not, and purges again on its own as time passes', async () => {
    const now = Date.parse(NOW);
    // Documents written at chosen times, through the store's own clock.
    let at = now;
    const seed = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => new Date(at) });
    const write = async (key: string, ageMs: number) => {
      at = now - ageMs;
      await seed.write({ [key]: { seeded: true } });
    };
    for (const { prefix, purgedAfterDays } of RULES) {
      if (purgedAfterDays === undefined) continue;
      await write(`${prefix}old`, purgedAfterDays * DAY + 60_000);
      await write(`${prefix}fresh`, purgedAfterDays * DAY - 3 * DAY / 4);
    }
    // Just under the limit at start-up; over it once the test moves the bot's clock on.
    await write('state/conversation/webchat/soon', 7 * DAY - 60_000);
    await seed.close();

    // The test owns the clock: however long start-up takes on a busy machine, the bot's "now"
    // stays where the test put it until the test moves it.
    const clock = new FixedClock(NOW);
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: tmp.dir, LOG_LEVEL: 'silent', PURGE_INTERVAL_SECONDS: '1' });
    const bot = await startBot(config, createLogger('silent'), { clock });
    try {
      for (const { prefix, purgedAfterDays } of RULES) {
        if (purgedAfterDays === undefined) continue;
        expect(await bot.store.keys(`${prefix}old`), `${prefix} past ${purgedAfterDays} days`).to.deep.equal([]);
        expect(await bot.store.keys(`${prefix}fresh`), `${prefix} within ${purgedAfterDays} days`).to.have.length(1);
      }
      expect(await bot.store.keys('state/conversation/webchat/soon')).to.have.length(1);
      // No restart, no command: the timer purges it once the bot's clock passes its time.
      clock.advance(2 * 60_000);
      const deadline = Date.now() + 20_000;
      while ((await bot.store.keys('state/conversation/webchat/soon')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await bot.store.keys('state/conversation/webchat/soon'), 'purged by the timer').to.deep.equal([]);
    } finally {
      await bot.close();
    }
  });

  it('every kind of document the bot writes has a retention rule', async () => {
    const { startTestBot } = await import('../helpers/testBot.js');
    const bot = await startTestBot();
    try {
      for (const text of ['bonjour', 'Comment obtenir mon dossier médical ?', 'recette de tarte aux pommes', 'je veux mourir', 'Je voudrais parler à un bénévole']) {
        await bot.say(text, { conversationId: 'kinds' });
      }
      await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
      const keys = await bot.store.keys('');
      const unknown = keys.filter((key) => !RULES.some((r) => key.startsWith(r.prefix)));
      expect(unknown, 'documents with no retention rule (add one, and to PRIVACY.md)').to.deep.equal([]);
    } finally {
      await bot.stop();
    }
  });

  it('every retention time is a setting with a bound', () => {
    expect(() => loadConfig({ CONVERSATION_RETENTION_DAYS: '0' })).to.throw();
    expect(() => loadConfig({ TRANSCRIPT_RETENTION_DAYS: '400' })).to.throw();
    expect(() => loadConfig({ UNANSWERED_RETENTION_DAYS: '366' })).to.throw();
  });
});
