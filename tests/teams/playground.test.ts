/**
 * Through the Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`), the local
 * Teams emulator: it posts Teams activities to the real bot and serves the connector the bot
 * replies to (`http://localhost:<port>/_connector`, added to SERVICE_URL_ALLOWLIST).
 *
 * Its HTTP API (read from its package): `GET /_internal/v1/config` (tenant, users, chats, teams),
 * `POST /_conversation/v1/conversations/{id}/messages` ({ from, text, textFormat, mentions? }) to
 * write as a Teams user, and the WebSocket `/_ws_conversation/v1/conversations/stream`, where each
 * message the bot sends arrives as `{ action: 'createMessage', actionConversationId, message }`.
 */
import { freePort } from '../helpers/freePort.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { openTextStream, type TextStream } from './wsText.js';

interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: { id: string };
  personalChat: { id: string };
  teams: { id: string; channels: { id: string }[] }[];
}

interface StreamedMessage {
  action: string;
  actionConversationId: string;
  message?: { from?: { id: string }; text?: string; attachments?: { contentType: string; content: unknown }[] };
}


/** The playground's default tenant (its `GET /_internal/v1/config` says so too; checked below). */
const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';

describe('Teams: through the Microsoft 365 Agents Playground', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let playground: ChildProcess;
  let base: string;
  let config: PlaygroundConfig;
  let stream: TextStream;
  const tmp = makeTempDir('mdu-playground-');
  const streamed: StreamedMessage[] = [];

  before(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    bot = await startTestBot({ TEAMS_TENANT_ID: PLAYGROUND_TENANT, SERVICE_URL_ALLOWLIST: `${base}/_connector` });
    const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
    playground = spawn(process.execPath, [cli, '-e', `${bot.url}/api/messages`, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
      cwd: tmp.dir,
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: path.join(tmp.dir, 'playground.log') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    playground.stdout?.on('data', (chunk) => (output += String(chunk)));
    playground.stderr?.on('data', (chunk) => (output += String(chunk)));
    const deadline = Date.now() + 30_000;
    while (!output.includes(`Listening on ${port}`)) {
      if (playground.exitCode !== null || Date.now() > deadline) throw new Error(`the playground did not start on ${port}: ${output.slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    config = ((await (await fetch(`${base}/_internal/v1/config`)).json()) as { config: PlaygroundConfig }).config;
    stream = await openTextStream(`ws://localhost:${port}/_ws_conversation/v1/conversations/stream`, (text) => streamed.push(JSON.parse(text) as StreamedMessage));
  });

  after(async () => {
    stream?.close();
    playground?.kill('SIGKILL');
    await bot?.stop();
    tmp.cleanup();
  });

  async function write(conversationId: string, text: string, mentions?: { mentioned: { id: string }; text: string }[]): Promise<number> {
    const before = streamed.length;
    const response = await fetch(`${base}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: { id: config.currentUser.id }, text, textFormat: 'plain', ...(mentions ? { mentions } : {}) }),
    });
    expect(response.status, await response.text()).to.equal(200);
    return before;
  }

  /** What the bot sent to a conversation (or its threads) since `from`, once `until` holds or time is up. */
  async function botMessages(conversationId: string, from: number, until: (texts: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const texts = streamed
        .slice(from)
        // In a channel the bot answers in the thread: `<channel>;messageid=<id>`.
        .filter((m) => m.action === 'createMessage' && (m.actionConversationId === conversationId || m.actionConversationId.startsWith(`${conversationId};`)) && m.message?.from?.id === config.bot.id)
        .map((m) => JSON.stringify(m.message))
        .join('\n');
      if (until(texts) || Date.now() > deadline) return texts;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('emulates our tenant', () => {
    expect(config.tenantId).to.equal(PLAYGROUND_TENANT);
  });

  it('answers a staff question in personal chat with the staff answer and its card', async () => {
    const chat = config.personalChat.id;
    const from = await write(chat, 'How do I suggest the MDU to a family?');
    const texts = await botMessages(chat, from, (t) => t.includes('never a prescription') && t.includes('application/vnd.microsoft.card.adaptive'));
    expect(texts).to.contain('never a prescription');
    expect(texts).to.contain('application/vnd.microsoft.card.adaptive');
  });

  it('answers in a channel when @mentioned, and ignores the channel otherwise', async () => {
    const channel = config.teams[0]!.channels[0]!.id;
    const mention = `<at>${config.bot.name}</at>`;
    const quiet = await write(channel, 'How do I suggest the MDU to a family?');
    expect(await botMessages(channel, quiet, () => false, 2500)).to.equal('');
    const from = await write(channel, `${mention} How do I suggest the MDU to a family?`, [{ mentioned: { id: config.bot.id }, text: mention }]);
    expect(await botMessages(channel, from, (t) => t.includes('never a prescription'))).to.contain('never a prescription');
  });
});
