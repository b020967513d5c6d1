/**
 * `/readyz` on PostgreSQL (issue 19): the bot asks the database (`SELECT 1`, short timeout) at each
 * probe, so a load balancer takes an instance out while its database is gone and back once it
 * answers again; `/healthz` (liveness) stays 200 meanwhile, so the instance is not restarted for
 * its database's outage. A real server of the test's own (tests/helpers/postgresServer.ts), stopped
 * and started again mid-test; never a mock.
 */
import { expect } from 'chai';
import pg from 'pg';
import { postgresBinaries, startPostgresServer, POSTGRES_MISSING, type PostgresServer } from '../helpers/postgresServer.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

interface Readiness {
  status: string;
  store: string;
  reason?: string;
}

const readyz = async (bot: TestBot): Promise<{ status: number; body: Readiness }> => {
  const response = await fetch(`${bot.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
};

/** Probes until `status` comes (a pooled connection broken by the outage may fail one probe more). */
async function until(bot: TestBot, status: number, withinMs: number): Promise<{ status: number; body: Readiness }> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const answer = await readyz(bot);
    if (answer.status === status || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('operations: /readyz asks PostgreSQL', function () {
  this.timeout(180_000);
  let server: PostgresServer | undefined;
  let bot: TestBot | undefined;

  before(async function () {
    if (!postgresBinaries()) {
      console.log(`      (skipped: ${POSTGRES_MISSING})`);
      this.skip();
    }
    server = startPostgresServer();
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE mdu_readyz');
    await admin.end();
    bot = await startTestBot({ DATABASE_URL: server.url('mdu_readyz'), DATABASE_CONNECT_TIMEOUT_MS: '2000' });
  });
  after(async () => {
    try {
      await bot?.stop();
    } finally {
      server?.stop();
    }
  });

  it('answers 200 while the database answers, 503 with the reason while it is down, 200 again once it is back', async () => {
    const up = await readyz(bot!);
    expect(up.status).to.equal(200);
    expect(up.body).to.include({ status: 'ready', store: 'writable' });
    expect(up.body.reason).to.equal(undefined);

    server!.pause();
    const down = await until(bot!, 503, 10_000);
    expect(down.status).to.equal(503);
    expect(down.body).to.include({ status: 'ready', store: 'unreachable' });
    expect(down.body.reason).to.match(/PostgreSQL/);
    // Liveness is not readiness: the process is fine, only its database is away.
    expect((await fetch(`${bot!.url}/healthz`)).status).to.equal(200);

    server!.resume();
    const back = await until(bot!, 200, 30_000);
    expect(back.status, JSON.stringify(back.body)).to.equal(200);
    expect(back.body).to.include({ status: 'ready', store: 'writable' });
    // And turns go through again.
    const replies = await bot!.say('Comment obtenir mon dossier médical ?', { conversationId: 'readyz-after-outage' });
    expect(replies.some((a) => a.type === 'message')).to.equal(true);
  });
});

describe('operations: /readyz on the embedded store', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot()));
  after(async () => bot?.stop());

  it('is ready once the store is open, with nothing to ask beyond that', async () => {
    const answer = await readyz(bot);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ status: 'ready', store: 'writable' });
    expect(answer.body.reason).to.equal(undefined);
  });
});
