/**
 * Operations endpoints against the real bot on loopback: liveness, readiness through the bot's
 * life, and the Prometheus metrics (format, access, and no content or ids in them).
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import type { Request } from 'restify';
import { BotMetrics, TurnTracker, metricsAccess } from '../../bot/metrics.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

/** A line of the Prometheus text format: a comment, or `name{labels} value`. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? -?[0-9.e+-]+$/;

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('operations: /healthz, /readyz, /metrics', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot()));
  after(async () => bot?.stop());

  it('answers /healthz (liveness) and /readyz (store open, knowledge loaded) with 200 once started', async () => {
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).to.equal(200);
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).to.equal(200);
    const body = (await ready.json()) as { status: string; topics: number; turnsInFlight: number };
    expect(body.status).to.equal('ready');
    expect(body.topics).to.be.greaterThan(30);
    expect(body.turnsInFlight).to.equal(0);
  });

  it('serves /metrics in the Prometheus text format, every line well formed', async () => {
    await bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'ops-format' });
    const response = await fetch(`${bot.url}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text.endsWith('\n')).to.equal(true);
    const types = new Map<string, string>();
    for (const line of text.trimEnd().split('\n')) {
      if (line.startsWith('# HELP ')) continue;
      const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
      if (type) {
        expect(types.has(type[1]!), `TYPE declared twice: ${type[1]}`).to.equal(false);
        types.set(type[1]!, type[2]!);
        continue;
      }
      expect(line, line).to.match(SAMPLE);
      const family = line.replace(/[{ ].*$/, '').replace(/_(bucket|sum|count)$/, (m, _s, offset, whole: string) => (types.get(whole.slice(0, offset)) === 'histogram' ? '' : m));
      expect(types.has(family), `sample before its TYPE: ${line}`).to.equal(true);
    }
    for (const name of ['mdu_replies_total', 'mdu_turns_total', 'mdu_turn_duration_seconds', 'mdu_handoffs_total', 'process_resident_memory_bytes', 'mdu_turns_in_flight', 'mdu_handoff_queue_length'])
      expect(types.has(name), name).to.equal(true);
    expect(text).to.match(/^mdu_replies_total\{intent="answer"\} [1-9]\d*$/m);
    expect(text).to.match(/^mdu_answers_total\{topic="rights\.record"\} [1-9]\d*$/m);
    expect(text).to.match(/^mdu_turns_total\{kind="message"\} [1-9]\d*$/m);
    expect(sample(text, 'process_resident_memory_bytes')).to.be.greaterThan(10_000_000);
    expect(sample(text, 'mdu_handoff_queue_length')).to.equal(0);
    // The histogram is cumulative and ends with +Inf = count.
    const buckets = [...text.matchAll(/^mdu_turn_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => Number(m[2]));
    expect(buckets).to.deep.equal([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).to.equal(sample(text, 'mdu_turn_duration_seconds_count'));
  });

  it('counts the intents of the replies: a crisis, a medical question, a fallback', async () => {
    const before = await (await fetch(`${bot.url}/metrics`)).text();
    const count = (text: string, intent: string) => Number(new RegExp(`^mdu_replies_total\\{intent="${intent}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 'NaN');
    await bot.say('je veux en finir avec la vie', { conversationId: 'ops-crisis' });
    await bot.say('Quelle dose de lithium dois-je prendre ?', { conversationId: 'ops-medical' });
    await bot.say('zorglub qwertyuiop', { conversationId: 'ops-fallback' });
    const after = await (await fetch(`${bot.url}/metrics`)).text();
    expect(count(after, 'crisis') - count(before, 'crisis')).to.be.at.least(1);
    expect(count(after, 'medical') - count(before, 'medical')).to.be.at.least(1);
    expect(count(after, 'fallback') - count(before, 'fallback')).to.be.at.least(1);
  });

  it('never shows message text or ids: a canary sent in chat is nowhere in /metrics', async () => {
    const canary = 'CanaryXq7Zv9';
    const conversationId = `conv-${canary.toLowerCase()}-id`;
    const userId = `user-${canary}`;
    await bot.send({
      type: 'message',
      id: `act-${canary}`,
      text: `Bonjour, je m'appelle ${canary}, mon dossier médical ?`,
      channelId: 'webchat',
      conversation: { id: conversationId },
      from: { id: userId, name: canary, role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
    } as Partial<Activity>);
    await bot.say(`${canary} ${canary}`, { conversationId });
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    expect(text.toLowerCase()).not.to.include(canary.toLowerCase());
    expect(text).not.to.include(conversationId);
    expect(text).not.to.include('visitor-1');
    expect(text).not.to.include('mdu-bot');
    // Label values come from fixed sets or from the knowledge base's topic ids only.
    const values = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]!);
    const topics = new Set(bot.knowledge.topics.map((t) => t.id));
    for (const value of values) expect(/^[0-9.+Inf]+$/.test(value) || topics.has(value) || /^[a-z_]+$/.test(value), value).to.equal(true);
  });

  it('refuses /metrics to a request that came through a reverse proxy', async () => {
    const response = await fetch(`${bot.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(response.status).to.equal(403);
    expect(await response.text()).not.to.include('mdu_');
  });
});

describe('operations: /metrics with METRICS_TOKEN', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot({ METRICS_TOKEN: 'metrics-token-for-tests-0123456789' })));
  after(async () => bot?.stop());

  it('asks for the bearer token, and serves the metrics with it', async () => {
    const without = await fetch(`${bot.url}/metrics`);
    expect(without.status).to.equal(401);
    expect(without.headers.get('www-authenticate')).to.match(/^Bearer/);
    const wrong = await fetch(`${bot.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).to.equal(401);
    const right = await fetch(`${bot.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-tests-0123456789' } });
    expect(right.status).to.equal(200);
    expect(await right.text()).to.include('mdu_turns_total');
  });
});

describe('operations: readiness through the bot\'s life', function () {
  this.timeout(180_000);

  it('answers /readyz 503 while draining, /healthz 200 until the store is closed', async () => {
    const bot = await startTestBot();
    try {
      // Hold a turn in flight: the drain waits for it.
      const slow = bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'ops-drain' });
      const closing = bot.close();
      const ready = await fetch(`${bot.url}/readyz`).catch(() => undefined);
      // The listening socket may already be closed (connection refused): that is "not ready" too.
      if (ready) expect(ready.status).to.equal(503);
      await slow.catch(() => undefined);
      await closing;
    } finally {
      await bot.stop().catch(() => undefined);
    }
  });
});

describe('operations: units', () => {
  it('TurnTracker.idle waits for the turns in flight, and gives up after its timeout', async () => {
    const tracker = new TurnTracker();
    expect(await tracker.idle(10)).to.equal(true);
    const end = tracker.begin();
    expect(tracker.inFlight).to.equal(1);
    expect(await tracker.idle(20)).to.equal(false);
    const waiting = tracker.idle(1000);
    end();
    end(); // ending twice counts once
    expect(await waiting).to.equal(true);
    expect(tracker.inFlight).to.equal(0);
  });

  it('counts unknown intents and topics as "other", so no label carries anything else', async () => {
    const metrics = new BotMetrics(new Set(['rights.record']));
    metrics.countReply({ type: 'message', channelData: { mdu: { intent: 'answer', topic: 'rights.record' } } });
    metrics.countReply({ type: 'message', channelData: { mdu: { intent: 'answer', topic: 'Le texte du visiteur' } } });
    metrics.countReply({ type: 'message', channelData: { mdu: { intent: 'a "quoted" thing\n' } } });
    metrics.countHandoffEvent({ type: 'closed', reason: 'something new' });
    const text = await metrics.render();
    expect(text).to.match(/^mdu_answers_total\{topic="rights\.record"\} 1$/m);
    expect(text).to.match(/^mdu_answers_total\{topic="other"\} 1$/m);
    expect(text).to.match(/^mdu_replies_total\{intent="other"\} 1$/m);
    expect(text).to.match(/^mdu_handoffs_total\{status="closed_other"\} 1$/m);
    expect(text).not.to.include('visiteur');
  });

  it('lets loopback callers without proxy headers read /metrics when no token is set', () => {
    const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as Request;
    expect(metricsAccess(req('127.0.0.1'), undefined)).to.equal('allowed');
    expect(metricsAccess(req('::1'), undefined)).to.equal('allowed');
    expect(metricsAccess(req('::ffff:127.0.0.1'), undefined)).to.equal('allowed');
    expect(metricsAccess(req('10.1.2.3'), undefined)).to.equal('forbidden');
    expect(metricsAccess(req('127.0.0.1', { 'x-real-ip': '198.51.100.1' }), undefined)).to.equal('forbidden');
    expect(metricsAccess(req('10.1.2.3', { authorization: 'Bearer s3cret-token' }), 's3cret-token')).to.equal('allowed');
    expect(metricsAccess(req('127.0.0.1'), 's3cret-token')).to.equal('token_required');
  });
});
