/**
 * The baseline of the turn benchmark: a bare echo bot, with nothing of ours (no safety screen, no
 * search, no state, no store). `PORT` (default 3979) and `HOST` (default 127.0.0.1) as the bot's.
 *
 *   node --import tsx bench/echoBot.ts                  the stock way: `CloudAdapter.process`, restify,
 *                                                       the same JSON body guards (issue 8's baseline)
 *   ECHO_ON=our-server node --import tsx bench/echoBot.ts   the same echo on the bot's own HTTP and
 *                                                       adapter seams (bot/server.ts: `makeServer`,
 *                                                       `BotAdapter`, `GuardedAuthentication`), to show
 *                                                       what the bot's own work costs above them
 */
import {
  ActivityHandler,
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { loadConfig } from '../bot/config.js';
import { jsonBody } from '../bot/httpGuards.js';
import { createLogger } from '../bot/log.js';
import { BotAdapter, makeServer } from '../bot/server.js';
import { GuardedAuthentication, ServiceUrlPolicy } from '../bot/ServiceUrlGuard.js';

const port = Number(process.env.PORT ?? 3979);
const host = process.env.HOST ?? '127.0.0.1';
const echo = { type: 'message', channelData: { mdu: { intent: 'fallback', locale: 'fr-FR' } } };

let server: restify.Server;
if (process.env.ECHO_ON === 'our-server') {
  const config = loadConfig({ ...process.env, PORT: String(port), HOST: host });
  let ownUrl: string | undefined;
  const serviceUrls = new ServiceUrlPolicy(() => ownUrl, config.SERVICE_URL_ALLOWLIST);
  const auth = new GuardedAuthentication(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions), serviceUrls, { anonymous: true });
  const bot = new ActivityHandler().onMessage(async (context, next) => {
    await context.sendActivity({ ...echo, text: `echo: ${context.activity.text ?? ''}` });
    await next();
  });
  server = makeServer({ config, adapter: new BotAdapter(auth), bot, log: createLogger('silent'), serviceUrls, readiness: () => ({ ready: true, details: {} }) });
  server.on('listening', () => (ownUrl = `http://${host}:${server.address().port}`));
} else {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions));
  server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.pre(restify.plugins.pre.sanitizePath());
  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  server.post('/api/messages', ...jsonBody(256 * 1024), async (req: Request, res: Response) => {
    await adapter.process(req, res, async (context) => {
      if (context.activity.type === ActivityTypes.Message) await context.sendActivity({ ...echo, text: `echo: ${context.activity.text ?? ''}` });
    });
  });
}
server.listen(port, host, () => process.stderr.write(JSON.stringify({ event: 'echo.started', url: `http://${host}:${server.address().port}` }) + '\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
