/**
 * The deployment files, checked as far as this machine allows: no Docker engine and no Azure CLI
 * run here, so the Dockerfile and the Bicep are checked structurally; the systemd unit with
 * `systemd-analyze verify` and nginx with `nginx -t` and a real nginx on loopback in front of the
 * real bot, when those tools are installed (Debian: `apt-get install nginx`).
 */
import { freePort } from '../helpers/freePort.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { makeTempDir } from '../helpers/tempDir.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): { op: string; args: string }[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('deployment: Dockerfile', () => {
  const all = instructions(read('deployment/Dockerfile'));
  const stages: { op: string; args: string }[][] = [];
  for (const i of all) {
    if (i.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(i);
  }
  const runtime = stages.at(-1)!;
  const build = stages[0]!;

  it('is multi-stage: a build stage with dev dependencies, a runtime with production ones only', () => {
    expect(stages.length).to.be.at.least(2);
    expect(build.find((i) => i.op === 'FROM')!.args).to.match(/\bAS build\b/i);
    expect(build.some((i) => i.op === 'RUN' && /npm ci(?!.*--omit=dev)/.test(i.args))).to.equal(true);
    expect(build.some((i) => i.op === 'RUN' && /npm run build/.test(i.args))).to.equal(true);
    expect(runtime.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).to.equal(true);
    expect(runtime.some((i) => i.op === 'RUN' && /npm ci(?! --omit=dev)/.test(i.args.replace(/npm ci --omit=dev/g, '')))).to.equal(false);
    expect(runtime.some((i) => i.op === 'COPY' && /--from=build .*dist/.test(i.args))).to.equal(true);
  });

  it('keeps install scripts off in both stages (.npmrc copied before npm ci)', () => {
    expect(read('.npmrc')).to.match(/^ignore-scripts=true$/m);
    for (const stage of [build, runtime]) {
      const copyNpmrc = stage.findIndex((i) => i.op === 'COPY' && i.args.includes('.npmrc'));
      const npmCi = stage.findIndex((i) => i.op === 'RUN' && i.args.includes('npm ci'));
      expect(copyNpmrc).to.be.within(0, npmCi - 1);
    }
  });

  it('runs as a non-root user, in production, with a data volume, a healthcheck on /healthz and SIGTERM', () => {
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).to.match(/^[a-z_][a-z0-9_-]*$/).and.not.match(/^(root|0)$/);
    expect(runtime.some((i) => i.op === 'ENV' && /NODE_ENV=production/.test(i.args))).to.equal(true);
    expect(runtime.some((i) => i.op === 'ENV' && /DATA_DIR=\/data/.test(i.args))).to.equal(true);
    expect(runtime.some((i) => i.op === 'VOLUME' && i.args.includes('/data'))).to.equal(true);
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).to.include('/healthz');
    expect(runtime.find((i) => i.op === 'STOPSIGNAL')?.args).to.equal('SIGTERM');
    // Exec form: node is PID 1 and receives SIGTERM itself.
    expect(runtime.find((i) => i.op === 'CMD')?.args).to.equal('["node", "dist/bot/main.js"]');
  });

  it('copies only paths that exist, and its ignore file lets them through', () => {
    const ignore = read('deployment/Dockerfile.dockerignore');
    for (const i of all.filter((x) => x.op === 'COPY' && !x.args.startsWith('--from'))) {
      const sources = i.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        expect(existsSync(path.join(ROOT, source)), source).to.equal(true);
        expect(ignore, source).to.include(`!${source}`);
      }
    }
  });
});

describe('deployment: systemd unit', () => {
  const unitFile = path.join(ROOT, 'deployment/systemd/mdu-front-desk.service');
  const unit = readFileSync(unitFile, 'utf8');
  const keys = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) keys.set(m[1]!, [...(keys.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (k: string) => keys.get(k)?.at(-1);

  it('is hardened: dedicated user, read-only system, data directory writable, no new privileges, private /tmp', () => {
    expect(one('User')).to.equal('mdu');
    expect(one('ProtectSystem')).to.equal('strict');
    expect(one('ReadWritePaths')).to.equal('/var/lib/mdu-front-desk');
    expect(keys.get('Environment')).to.include('DATA_DIR=/var/lib/mdu-front-desk');
    expect(one('NoNewPrivileges')).to.equal('true');
    expect(one('PrivateTmp')).to.equal('true');
    expect(one('ProtectHome')).to.equal('true');
    expect(one('CapabilityBoundingSet')).to.equal('');
    expect(one('EnvironmentFile')).to.match(/^\/etc\/mdu-front-desk\/env$/);
  });

  it('stops with SIGTERM and gives the bot more time than its own shutdown timeout; restarts on failure', () => {
    expect(one('KillSignal')).to.equal('SIGTERM');
    expect(one('Restart')).to.equal('on-failure');
    const stopSec = Number(one('TimeoutStopSec'));
    const botTimeout = Number(/SHUTDOWN_TIMEOUT_SECONDS=(\d+)/.exec(unit)?.[1]);
    expect(stopSec).to.be.greaterThan(botTimeout + 5);
    expect(keys.get('Environment')).to.include('NODE_ENV=production');
    expect(one('ExecStart')).to.match(/node dist\/bot\/main\.js$/);
  });

  it('passes systemd-analyze verify (when systemd is installed)', function () {
    if (!has('systemd-analyze')) this.skip();
    const result = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    // A missing /usr/bin/node on this machine is not the unit's fault.
    const problems = (result.stderr ?? '').split('\n').filter((l) => l.trim() && !/Command \/usr\/bin\/node is not executable|No such file/.test(l));
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});

describe('deployment: nginx', function () {
  this.timeout(180_000);
  const conf = read('deployment/nginx/mdu-front-desk.conf');
  const code = conf
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join('\n');
  const locations = [...code.matchAll(/location\s+(=|\^~|~\*?)?\s*(\S+)\s*\{/g)].map((m) => ({ modifier: m[1] ?? '', path: m[2]! }));

  it('never publishes /api/messages, the metrics, the probes or the admin door', () => {
    expect(code).not.to.match(/\/api\/messages/);
    for (const l of locations) {
      for (const hidden of ['/api/messages', '/metrics', '/readyz', '/healthz', '/console/admin/volunteers', '/v3/conversations/x/activities']) {
        const exposes = l.path === '/' ? l.modifier === '=' && hidden === '/' : l.modifier === '=' ? hidden === l.path : hidden.startsWith(l.path);
        expect(exposes, `location ${l.modifier} ${l.path} exposes ${hidden}`).to.equal(false);
      }
    }
    // Everything else is 404.
    expect(code).to.match(/location\s+\/\s*\{\s*return 404;\s*\}/);
  });

  it('publishes the chat, its assets, the Direct Line token and routes, the console and its API, with TLS, headers and rate limits', () => {
    const paths = locations.map((l) => `${l.modifier} ${l.path}`.trim());
    for (const p of ['= /', '/chat/', '= /api/directline/token', '/v3/directline/', '= /console', '/console/assets/', '/console/api/', '/console/dashboard'])
      expect(paths, p).to.include(p);
    expect(code).to.match(/listen 443 ssl/);
    expect(code).to.match(/ssl_protocols TLSv1\.2 TLSv1\.3;/);
    expect(code).to.match(/return 301 https:/);
    for (const header of ['Strict-Transport-Security', 'X-Content-Type-Options', 'Referrer-Policy', 'X-Frame-Options', 'Permissions-Policy'])
      expect(code).to.match(new RegExp(`add_header ${header} .* always;`));
    expect(code).to.match(/limit_req_zone/);
    // Every proxied location is rate-limited (the two others answer 404 or redirect).
    expect((code.match(/limit_req zone=/g) ?? []).length).to.equal(locations.filter((l) => !(l.modifier === '' && l.path === '/')).length);
    expect(code).to.match(/proxy_set_header X-Forwarded-For \$remote_addr;/);
  });

  describe('a real nginx on loopback in front of the real bot', () => {
    let bot: TestBot;
    let nginx: ChildProcess | undefined;
    let tmp: { dir: string; cleanup: () => void };
    let httpsPort = 0;
    let httpPort = 0;

    before(async function () {
      if (!has('nginx') || !has('openssl')) this.skip();
      tmp = makeTempDir('mdu-nginx-');
      const cert = path.join(tmp.dir, 'cert.pem');
      const key = path.join(tmp.dir, 'key.pem');
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=mdu.example.org'], { stdio: 'ignore' });
      if (made.status !== 0) this.skip();
      bot = await startTestBot({ PUBLIC_URL: 'https://mdu.example.org', TRUST_PROXY: 'true' });
      httpsPort = await freePort();
      httpPort = await freePort();
      const site = conf
        .replace('server 127.0.0.1:3978;', `server ${new URL(bot.url).host};`)
        .replace(/^\s*listen \[::\]:\d+.*$/gm, '')
        .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
        .replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
        .replace('/etc/ssl/mdu/fullchain.pem', cert)
        .replace('/etc/ssl/mdu/privkey.pem', key);
      writeFileSync(path.join(tmp.dir, 'site.conf'), site);
      for (const d of ['logs', 'tmp']) mkdirSync(path.join(tmp.dir, d));
      const asRoot = process.getuid?.() === 0;
      writeFileSync(
        path.join(tmp.dir, 'nginx.conf'),
        `${asRoot ? 'user root;\n' : ''}daemon off;\nworker_processes 1;\npid ${tmp.dir}/nginx.pid;\nerror_log ${tmp.dir}/logs/error.log;\nevents {}\nhttp {\n access_log off;\n client_body_temp_path ${tmp.dir}/tmp/body;\n proxy_temp_path ${tmp.dir}/tmp/proxy;\n fastcgi_temp_path ${tmp.dir}/tmp/fastcgi;\n uwsgi_temp_path ${tmp.dir}/tmp/uwsgi;\n scgi_temp_path ${tmp.dir}/tmp/scgi;\n include ${tmp.dir}/site.conf;\n}\n`,
      );
      const check = spawnSync('nginx', ['-t', '-p', tmp.dir, '-c', path.join(tmp.dir, 'nginx.conf')], { encoding: 'utf8' });
      expect(check.status, check.stderr).to.equal(0);
      nginx = spawn('nginx', ['-p', tmp.dir, '-c', path.join(tmp.dir, 'nginx.conf')], { stdio: 'ignore' });
      await waitForPort(httpsPort);
    });

    after(async () => {
      if (nginx && nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx!.once('exit', resolve));
        nginx.kill('SIGQUIT');
        await exited;
      }
      await bot?.stop();
      tmp?.cleanup();
    });

    const call = (method: string, p: string, body?: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        const req = https.request(
          { host: '127.0.0.1', port: httpsPort, path: p, method, servername: 'mdu.example.org', rejectUnauthorized: false, headers: { host: 'mdu.example.org', ...(body ? { 'content-type': 'application/json' } : {}) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    it('serves the public routes with the security headers', async () => {
      const page = await call('GET', '/');
      expect(page.status).to.equal(200);
      expect(page.headers['strict-transport-security']).to.match(/max-age=\d+/);
      expect(page.headers['x-content-type-options']).to.equal('nosniff');
      expect(page.headers['content-security-policy']).to.be.a('string');
      expect((await call('GET', '/chat/chat.css')).status).to.equal(200);
      expect((await call('POST', '/api/directline/token', '{}')).status).to.equal(200);
      expect((await call('GET', '/console')).status).to.equal(200);
      expect((await call('GET', '/console/api/queue')).status).to.equal(401);
    });

    it('answers 404 for /api/messages, the probes, the metrics, the admin door and the connector routes', async () => {
      const activity = JSON.stringify({ type: 'message', text: 'x', channelId: 'webchat', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' }, deliveryMode: 'expectReplies' });
      expect((await call('POST', '/api/messages', activity)).status).to.equal(404);
      expect((await call('POST', '/api/messages/', activity)).status).to.equal(404);
      expect((await call('POST', '//api//messages', activity)).status).to.equal(404);
      expect((await call('POST', '/chat/../api/messages', activity)).status).to.equal(404);
      for (const p of ['/metrics', '/readyz', '/healthz', '/console/admin/volunteers', '/v3/conversations/c/activities'])
        expect((p.includes('admin') || p.startsWith('/v3') ? await call('POST', p, '{}') : await call('GET', p)).status, p).to.equal(404);
    });

    it('redirects plain http to https', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: httpPort, path: '/', headers: { host: 'mdu.example.org' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).to.equal(301);
    });
  });
});

describe('deployment: one V8 heap setting everywhere', () => {
  it('runs the bot with the same NODE_OPTIONS in the systemd unit, the image and Azure (the one BENCHMARKS.md measured)', () => {
    const unit = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(read('deployment/systemd/mdu-front-desk.service'))?.[1];
    // DEP0111: restify 11 loads spdy, whose http-deceiver touches process.binding at load; we serve no HTTP/2.
    expect(unit).to.match(/^--max-old-space-size=\d+ --max-semi-space-size=\d+ --disable-warning=DEP0111$/);
    expect(read('deployment/Dockerfile')).to.include(`NODE_OPTIONS="${unit}"`);
    expect(read('deployment/azure/main.bicep')).to.include(`{ name: 'NODE_OPTIONS', value: '${unit}' }`);
  });
});

describe('deployment: Azure (Bicep)', () => {
  const bicep = read('deployment/azure/main.bicep');

  it('declares the Azure Bot with the Direct Line and Teams channels, an App Service on Linux Node 20 and Key Vault references', () => {
    expect(bicep).to.match(/resource \w+ 'Microsoft\.BotService\/botServices@\d{4}-\d{2}-\d{2}'/);
    expect(bicep).to.match(/channelName: 'DirectLineChannel'/);
    expect(bicep).to.match(/channelName: 'MsTeamsChannel'/);
    expect(bicep).to.match(/'Microsoft\.Web\/serverfarms@/);
    expect(bicep).to.match(/reserved: true/);
    expect(bicep).to.match(/linuxFxVersion: 'NODE\|20-lts'/);
    expect(bicep).to.match(/endpoint: '\$\{publicBaseUrl\}\/api\/messages'/);
    for (const setting of ['MicrosoftAppId', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'MicrosoftAppPassword', 'DIRECT_LINE_SECRET', 'DATA_DIR', 'NODE_ENV', 'HOST', 'PUBLIC_URL'])
      expect(bicep, setting).to.match(new RegExp(`name: '${setting}'`));
    expect(bicep).to.match(/name: 'MicrosoftAppPassword', value: .*@Microsoft\.KeyVault\(/);
    expect(bicep).to.match(/name: 'DATA_DIR', value: '\/home\//);
    expect(bicep).to.match(/@secure\(\)\nparam microsoftAppPassword string/);
  });

  it('has a parameters example naming only declared parameters, and no secret in it', () => {
    const example = JSON.parse(read('deployment/azure/main.parameters.example.json')) as { parameters: Record<string, unknown> };
    const declared = new Set([...bicep.matchAll(/^param (\w+) /gm)].map((m) => m[1]));
    for (const name of Object.keys(example.parameters)) expect(declared.has(name), name).to.equal(true);
    expect(example.parameters).not.to.have.property('microsoftAppPassword');
    expect(example.parameters).not.to.have.property('metricsToken');
  });
});


async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}
