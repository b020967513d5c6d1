/**
 * Everyday words that the knowledge base also uses inside longer expressions ("emploi du temps",
 * "urgence la nuit") must not pull a message about something else into a topic: the weather
 * is not the permanence schedule, "bonne nuit" is not an emergency.
 */
import { expect } from 'chai';
import { loadConfig } from '../../bot/config.js';
import { FixedClock } from '../../bot/clock.js';
import { createLogger } from '../../bot/log.js';
import { composeBot, type BotParts } from '../../bot/main.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

describe('knowledge search: everyday words stay off topic', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let parts: BotParts;
  before(async () => {
    tmp = makeTempDir();
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    // The index exactly as the bot builds it (association names added to the schedule topic).
    parts = composeBot(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), store, new FixedClock('2026-11-24T15:00:00+01:00'), createLogger('silent'));
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  const offTopic = ['quel temps fait-il ?', 'il fait froid ce soir', 'bonne nuit', 'good night', 'is it going to rain today?', 'recette du gâteau au chocolat', 'je veux commander une pizza'];
  // What the dialogs search with (the model fused with the lexical ranking): a goodbye is an intent, never a topic.
  for (const text of offTopic) it(`falls back on "${text}"`, () => expect(parts.understanding.search(text).decision).to.equal('fallback'));

  const onTopic: [string, string][] = [
    ["l'emploi du temps des associations ?", 'schedule.permanences'],
    ['qui appeler la nuit en cas d’urgence psy ?', 'help.emergency'],
    ['à quelle heure vient l’asso bipolaire ?', 'schedule.permanences'],
  ];
  for (const [text, topic] of onTopic) {
    it(`still answers "${text}" with ${topic}`, () => {
      const result = parts.index.search(text);
      expect(result.decision).to.equal('answer');
      expect(result.hits[0]?.topicId).to.equal(topic);
    });
  }
});
