/**
 * Greetings, thanks and goodbyes pool their probability: "merci, bonne journée, à plus" is thanks
 * and goodbye at once, and is small talk either way, never a fallback stored as unanswered.
 * Sentences written for this table.
 */
import { expect } from 'chai';
import { loadRealTopics, realUnderstanding } from '../helpers/realTopics.js';
import { Understanding } from '../../knowledge/understand/Understanding.js';

const SMALL_TALK = ['greeting', 'thanks', 'goodbye'];

describe('understanding: small talk mixing greetings, thanks and goodbyes', () => {
  const topics = loadRealTopics();
  let understanding: Understanding;
  before(function () {
    if (topics.length === 0) this.skip();
    understanding = realUnderstanding(topics).understanding;
  });
  for (const text of ['ok merci beaucoup, bonne journée, à plus', 'super merci bye', 'merci au revoir', 'coucou ça va ?', 'thanks a lot, bye!', 'hey there, how are you?']) {
    it(`"${text}" is small talk`, () => expect(SMALL_TALK).to.include(understanding.search(text).intent));
  }
});
