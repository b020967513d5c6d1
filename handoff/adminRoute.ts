/**
 * While the bot runs it holds the store's lock, so the coordinator's `volunteer:add`,
 * `volunteer:list` and `volunteer:remove` commands cannot use the store themselves: they ask the
 * bot through these routes. The route answers only on
 * loopback and only with the token the bot writes at start-up to `DATA_DIR/console-admin.json`
 * (mode 0600: readable by the account that runs the bot, like the store itself).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import { jsonBody, sendError } from '../bot/httpGuards.js';
import type { Logger } from '../bot/log.js';
import { ADMIN_FILE, AccountError, type VolunteerAccounts } from './VolunteerAccounts.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export class AdminDoor {
  private readonly token = randomBytes(32).toString('base64url');

  constructor(
    private readonly dataDir: string,
    private readonly accounts: VolunteerAccounts,
    private readonly log: Logger,
    private readonly maxBodyBytes: number,
    /**
     * Called after an account is removed or its password set: its sessions end and open consoles
     * re-read theirs (the volunteer is signed out at once, cookie and bearer alike).
     */
    private readonly onAccountsChanged: (login: string) => Promise<void> | void = () => undefined,
  ) {}

  /** Leaves the token where the command finds it. */
  async open(url: string): Promise<void> {
    const file = path.join(this.dataDir, ADMIN_FILE);
    await fs.rm(file, { force: true });
    await fs.writeFile(file, JSON.stringify({ url, token: this.token }), { mode: 0o600, flag: 'wx' });
  }

  async close(): Promise<void> {
    await fs.rm(path.join(this.dataDir, ADMIN_FILE), { force: true });
  }

  /** Only the coordinator's commands on this machine, holding the token, get through. */
  private allowed(req: Request, res: Response): boolean {
    res.header('Cache-Control', 'no-store');
    const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.token);
    if (!LOOPBACK.test(req.socket.remoteAddress ?? '') || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      sendError(res, 403, 'forbidden', 'This route is for the volunteer commands on this machine.');
      return false;
    }
    return true;
  }

  register = (server: restify.Server): void => {
    server.get('/console/admin/volunteers', async (req: Request, res: Response) => {
      if (!this.allowed(req, res)) return;
      const accounts = await this.accounts.list();
      res.json({ volunteers: accounts.map((a) => ({ login: a.login, displayName: a.displayName })) });
    });
    server.del('/console/admin/volunteers/:login', async (req: Request, res: Response) => {
      if (!this.allowed(req, res)) return;
      const removed = await this.accounts.remove(String(req.params.login));
      if (!removed) {
        sendError(res, 404, 'not_found', 'No volunteer has this login.');
        return;
      }
      this.log.info('console.volunteer_removed');
      await this.onAccountsChanged(String(req.params.login).trim().toLowerCase());
      res.status(204);
      res.end();
    });
    server.post('/console/admin/volunteers', ...jsonBody(this.maxBodyBytes), async (req: Request, res: Response) => {
      if (!this.allowed(req, res)) return;
      const body = req.body as { login?: unknown; displayName?: unknown; password?: unknown; replace?: unknown };
      if (typeof body?.login !== 'string' || typeof body.displayName !== 'string' || typeof body.password !== 'string') {
        sendError(res, 400, 'invalid_request', 'login, displayName and password are required.');
        return;
      }
      try {
        const account = await this.accounts.add(body.login, body.displayName, body.password, { replace: body.replace === true });
        this.log.info('console.volunteer_added', { replaced: body.replace === true });
        await this.onAccountsChanged(account.login);
        res.status(201);
        res.json({ login: account.login, displayName: account.displayName });
      } catch (error) {
        if (!(error instanceof AccountError)) throw error;
        sendError(res, 400, 'invalid_account', error.message);
      }
    });
  };
}
