/**
 * The baseline of the turn benchmark: a bare echo bot on the same `CloudAdapter` and restify as
 * the real bot, with the same JSON body guards, and nothing else (no safety screen, no search,
 * no state, no store). `PORT` (default 3979) and `HOST` (default 127.0.0.1) as the bot's.
 *
 *   node --import tsx bench/echoBot.ts
 */
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { jsonBody } from '../bot/httpGuards.js';

const port = Number(process.env.PORT ?? 3979);
const host = process.env.HOST ?? '127.0.0.1';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions));
const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
server.pre(restify.plugins.pre.sanitizePath());
server.get('/healthz', async (_req: Request, res: Response) => {
  res.json({ status: 'ok' });
});
server.post('/api/messages', ...jsonBody(256 * 1024), async (req: Request, res: Response) => {
  await adapter.process(req, res, async (context) => {
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity({ type: 'message', text: `echo: ${context.activity.text ?? ''}`, channelData: { mdu: { intent: 'fallback', locale: 'fr-FR' } } });
    }
  });
});
server.listen(port, host, () => process.stderr.write(JSON.stringify({ event: 'echo.started', url: `http://${host}:${server.address().port}` }) + '\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
