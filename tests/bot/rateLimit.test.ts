/**
 * The rate limiter's memory bound: past `maxKeys` clients, finished windows go first, then the
 * oldest running ones; a client that keeps its window keeps its count.
 */
import { expect } from 'chai';
import { RateLimit } from '../../bot/rateLimit.js';

describe('RateLimit', () => {
  it('counts per client in fixed windows', () => {
    let now = 0;
    const limit = new RateLimit({ limit: 2, windowMs: 1000, nowMs: () => now });
    expect(limit.take('a').ok).to.equal(true);
    expect(limit.take('a').ok).to.equal(true);
    expect(limit.take('a')).to.deep.equal({ ok: false, retryAfterSeconds: 1 });
    expect(limit.take('b').ok).to.equal(true);
    now = 1000;
    expect(limit.take('a').ok).to.equal(true);
  });

  it('keeps at most maxKeys clients: finished windows are dropped first, then the oldest running ones', () => {
    let now = 0;
    const limit = new RateLimit({ limit: 2, windowMs: 100, nowMs: () => now, maxKeys: 3 });
    limit.take('old-1');
    limit.take('old-2');
    now = 150;
    limit.take('running-1');
    limit.take('running-1');
    limit.take('running-2');
    // old-1 and old-2 have finished: a new client drops both, not a running one.
    limit.take('new');
    expect(limit.size).to.equal(3);
    expect(limit.take('running-1').ok, 'running-1 kept its count').to.equal(false);
    // All running: the oldest goes.
    now = 160;
    limit.take('newer');
    expect(limit.size).to.equal(3);
    expect(limit.take('running-1').ok, 'running-1 was the oldest: dropped, it starts afresh').to.equal(true);
  });

  it('stays bounded through many clients', () => {
    let now = 0;
    const limit = new RateLimit({ limit: 5, windowMs: 1000, nowMs: () => now, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      limit.take(`client-${i}`);
      expect(limit.size).to.be.at.most(100);
    }
  });
});
