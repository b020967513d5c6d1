/**
 * Greetings, thanks and goodbyes pool their probability: "merci, bonne journée, à plus" is thanks
 * and goodbye at once, and is small talk either way, never a fallback stored as unanswered.
 * Sentences written for this table.
 */
import path from 'node:path';
import { expect } from 'chai';
import { loadRealTopics, ROOT } from '../helpers/realTopics.js';
import { KnowledgeIndex, loadSynonyms } from '../../knowledge/search/KnowledgeIndex.js';
import { Understanding } from '../../knowledge/understand/Understanding.js';
import { UNDERSTANDING_MODEL_FILE } from '../../knowledge/understand/UnderstandingExamples.js';
import { SoftmaxModel } from '../../learn/SoftmaxModel.js';

const SMALL_TALK = ['greeting', 'thanks', 'goodbye'];

describe('understanding: small talk mixing greetings, thanks and goodbyes', () => {
  const topics = loadRealTopics();
  let understanding: Understanding;
  before(function () {
    if (topics.length === 0) this.skip();
    const lexical = KnowledgeIndex.build(topics, loadSynonyms(path.join(ROOT, 'knowledge/synonyms.yaml')));
    understanding = new Understanding(lexical, SoftmaxModel.fromFile(path.join(ROOT, 'knowledge', UNDERSTANDING_MODEL_FILE)), topics.map((t) => t.id));
  });
  for (const text of ['ok merci beaucoup, bonne journée, à plus', 'super merci bye', 'merci au revoir', 'coucou ça va ?', 'thanks a lot, bye!', 'hey there, how are you?']) {
    it(`"${text}" is small talk`, () => expect(SMALL_TALK).to.include(understanding.search(text).intent));
  }
});
