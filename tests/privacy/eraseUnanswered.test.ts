/**
 * Issue 18: "effacer mes données" also erases the anonymised unanswered questions of this
 * conversation (the page's notice says they are kept), and only those.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CurationStore } from '../../knowledge/CurationStore.js';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';

describe('Erasure reaches the unanswered questions of the conversation', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.stop();
  });

  it("the visitor's erase deletes their conversation's unanswered questions, keeps other visitors', and leaves no copy on disk", async () => {
    const mine = 'Quelle est la couleur préférée des girafes du zoo ?';
    const theirs = 'Combien de tuiles compte le toit de la chapelle voisine ?';
    const answers = [...(await bot.say(mine, { conversationId: 'conv-erase-a' })), ...(await bot.say(theirs, { conversationId: 'conv-erase-b' }))];
    expect(answers.filter((a) => a.type === 'message').map((a) => mduOf(a).intent)).to.deep.equal(['fallback', 'fallback']);
    const curation = new CurationStore(bot.store, () => new Date());
    expect((await curation.unanswered()).map((q) => q.text)).to.have.members([mine, theirs]);
    // Nothing in what curators see ties a question to a conversation.
    expect(JSON.stringify(await curation.unanswered())).not.to.include('conv-erase');

    await bot.say('effacer mes données', { conversationId: 'conv-erase-a' });
    const done = await bot.say('', { conversationId: 'conv-erase-a', value: { mdu: 'erase', confirm: true } });
    expect(done.some((a) => (a.channelData as { mdu?: { erased?: boolean } }).mdu?.erased === true)).to.equal(true);

    expect((await curation.unanswered()).map((q) => q.text)).to.deep.equal([theirs]);
    await bot.store.flush();
    for (const file of readdirSync(bot.dataDir)) expect(readFileSync(path.join(bot.dataDir, file), 'utf8'), file).not.to.include('girafes');
  });
});
