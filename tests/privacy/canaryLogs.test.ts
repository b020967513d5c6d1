/**
 * Logs never contain message text, and visitor ids only pseudonymised. The real bot runs as a
 * child process at LOG_LEVEL=debug; a unique canary goes through the chat (/api/messages), the
 * website's Direct Line, a fallback, a crisis, a medical question, forced turn errors and refused
 * requests, in the text, the conversation id and the visitor's id and name. Then every line the
 * process printed, stdout and stderr, is searched.
 */
import { expect } from 'chai';
import { makeTempDir } from '../helpers/tempDir.js';
import { runTs, stopChild, type Child } from '../durability/childProcess.js';

const CANARY = 'zqlogcanary9931';

describe('privacy: no message text and no raw visitor id in any log line', function () {
  this.timeout(150_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let bot: Child;
  let url: string;
  before(async () => {
    tmp = makeTempDir('mdu-logs-');
    bot = runTs('bot/main.ts', [], { DATA_DIR: tmp.dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', NODE_ENV: 'test', MDU_NOW: '2026-11-24T15:00:00+01:00' });
    // A generous ceiling: on a busy machine the bot takes well over the default 20 s to start.
    url = JSON.parse((await bot.waitFor(/"event":"bot\.started"/, 90_000)).trim()).url as string;
  });
  after(async () => {
    await stopChild(bot);
    tmp.cleanup();
  });

  const post = (body: unknown, raw?: string) =>
    fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
  const activity = (extra: Record<string, unknown>) => ({
    type: 'message',
    id: `log-${Math.random()}`,
    channelId: 'webchat',
    serviceUrl: url,
    deliveryMode: 'expectReplies',
    conversation: { id: `${CANARY}-conversation` },
    from: { id: `${CANARY}-visitor`, name: `${CANARY} Name` },
    recipient: { id: 'mdu-bot' },
    ...extra,
  });

  it('sends the canary everywhere, and finds it in no log line', async () => {
    for (const text of [
      `Comment obtenir mon dossier médical ? ${CANARY}`,
      `Donne-moi la recette de la tarte ${CANARY}`,
      `je veux mourir ${CANARY}`,
      `Est-ce que je peux arrêter mon traitement ${CANARY} ?`,
      `Je voudrais parler à un bénévole ${CANARY}`,
      `effacer mes données ${CANARY}`,
      `${CANARY} `.repeat(500),
    ]) {
      expect((await post(activity({ text }))).status, text.slice(0, 40)).to.equal(200);
    }
    // Forced turn errors: the pipeline breaks on these, onTurnError logs the stack.
    expect((await post(activity({ text: [CANARY] }))).status).to.equal(200);
    expect((await post(activity({ type: 'conversationUpdate', membersAdded: CANARY }))).status).to.equal(200);
    // Refused requests.
    await post(undefined, `{"type":"message","text":"${CANARY}"`);
    await post(activity({ text: CANARY, serviceUrl: `http://127.0.0.1:9/${CANARY}`, deliveryMode: undefined }));
    await post({ text: CANARY });
    await post(activity({ text: CANARY + 'x'.repeat(300 * 1024) }));

    // The website's Direct Line.
    const token = (await (await fetch(`${url}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
    const base = `${url}/v3/directline/conversations`;
    expect((await fetch(base, { method: 'POST', headers: auth, body: JSON.stringify({ user: { id: `${CANARY}-dl-user` }, locale: 'fr-FR' }) })).status).to.equal(201);
    for (const text of [`bonjour ${CANARY}`, `quelle est la recette ${CANARY}`]) {
      const sent = await fetch(`${base}/${token.conversationId}/activities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'message', from: { id: `${CANARY}-dl-user`, name: CANARY }, text, locale: 'fr-FR' }),
      });
      expect(sent.status).to.equal(200);
    }
    await fetch(`${base}/${token.conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text: CANARY, attachments: [{ name: CANARY }] }) });
    await fetch(`${base}/${token.conversationId}/activities`, { method: 'POST', headers: auth, body: `{"text":"${CANARY}"` });
    expect((await fetch(`${base}/${token.conversationId}/activities?watermark=0`, { headers: auth })).status).to.equal(200);

    await new Promise((r) => setTimeout(r, 300));
    const lines = `${bot.stdout()}\n${bot.stderr()}`.split('\n');
    const leaking = lines.filter((line) => line.includes(CANARY) || line.includes(token.conversationId));
    expect(leaking, 'log lines carrying message text or a raw id').to.deep.equal([]);
    // The errors were logged (with their stack), with the conversation pseudonymised.
    const failed = lines.filter((l) => l.includes('"event":"turn.failed"')).map((l) => JSON.parse(l) as { stack?: string; conversation?: string });
    expect(failed.length).to.be.at.least(2);
    for (const line of failed) {
      expect(line.stack).to.be.a('string');
      expect(line.conversation).to.match(/^[A-Za-z0-9_-]{12}$/);
    }
  });
});
