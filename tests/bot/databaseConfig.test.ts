/** The PostgreSQL settings: parsed with the rest of the configuration, the password never shown. */
import { expect } from 'chai';
import { ConfigError, describeConfig, loadConfig } from '../../bot/config.js';
import { postgresPoolConfig } from '../../store/postgres/poolConfig.js';

const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent' };

describe('Database settings', () => {
  it('unset: the embedded store, as before', () => {
    expect(loadConfig(base).DATABASE_URL).to.equal('');
  });

  it('takes a postgres URL with its pool, timeouts and TLS settings, and blanks the password when shown', () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'postgres://mdu_bot:s3cret-pw@db.example.org:5432/mdu', DATABASE_POOL_MAX: '20', DATABASE_SSL: 'verify-full', DATABASE_STATEMENT_TIMEOUT_MS: '2000' });
    expect(describeConfig(config).DATABASE_URL).to.equal('postgres://mdu_bot:***@db.example.org:5432/mdu');
    expect(JSON.stringify(describeConfig(config))).to.not.include('s3cret-pw');
    const pool = postgresPoolConfig(config);
    expect(pool).to.deep.include({ max: 20, statement_timeout: 2000, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
    expect(pool.ssl).to.deep.equal({ rejectUnauthorized: true });
    expect(postgresPoolConfig({ ...config, DATABASE_SSL: 'require' }).ssl).to.deep.equal({ rejectUnauthorized: false });
    expect(postgresPoolConfig({ ...config, DATABASE_SSL: 'disable' }).ssl).to.equal(false);
  });

  it('refuses what is not a postgres URL, and bad pool sizes, naming the variable', () => {
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x@y/z' })).to.throw(ConfigError, /DATABASE_URL/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'postgres://x@y/z', DATABASE_POOL_MAX: '1' })).to.throw(ConfigError, /DATABASE_POOL_MAX/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'postgres://x@y/z', DATABASE_SSL: 'maybe' })).to.throw(ConfigError, /DATABASE_SSL/);
  });

  it('in production, refuses an unencrypted connection to a server on another machine, not to one on this machine', () => {
    const production = { NODE_ENV: 'production', LOG_LEVEL: 'silent' };
    expect(() => loadConfig({ ...production, DATABASE_URL: 'postgres://mdu_bot:pw@db.example.org/mdu' })).to.throw(ConfigError, /DATABASE_SSL/);
    expect(loadConfig({ ...production, DATABASE_URL: 'postgres://mdu_bot:pw@db.example.org/mdu', DATABASE_SSL: 'verify-full' }).DATABASE_SSL).to.equal('verify-full');
    for (const local of ['postgres://mdu_bot:pw@127.0.0.1:5432/mdu', 'postgres://mdu_bot:pw@localhost/mdu', 'postgresql://mdu_bot@/mdu?host=/run/postgresql']) {
      expect(loadConfig({ ...production, DATABASE_URL: local }).DATABASE_URL, local).to.equal(local);
    }
  });
});
