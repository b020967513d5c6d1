/**
 * With `MicrosoftAppId` set, `/api/messages` takes only a valid Bot Framework token. The bot is
 * configured (test-only settings, refused in production) to fetch its OpenID metadata and keys
 * from a loopback server holding a locally made RSA key, exactly as it would from Azure; tokens
 * are then forged every way that matters.
 */
import { expect } from 'chai';
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const APP_ID = '6b1f0e4c-0000-4000-8000-00000000b07a';
const ISSUER = 'https://api.botframework.test';
const KID = 'mdu-test-key';

interface KeyServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

async function startKeyServer(publicJwk: Record<string, unknown>, issuer: string): Promise<KeyServer> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/keys') {
      res.end(JSON.stringify({ keys: [{ ...publicJwk, kid: KID, use: 'sig', alg: 'RS256', endorsements: ['webchat', 'msteams', 'directline'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/openid-configuration`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(claims: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: KID }): string {
  const input = `${b64(header)}.${b64(claims)}`;
  if (header.alg === 'none') return `${input}.`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

describe('security: Bot Framework tokens on /api/messages', function () {
  this.timeout(180_000);
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = createPrivateKey(trusted.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  let keys: KeyServer;
  let emulatorKeys: KeyServer;
  let bot: TestBot;

  before(async () => {
    keys = await startKeyServer(trusted.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, ISSUER);
    // Emulator-style tokens are checked against another key set: the stranger's key only.
    emulatorKeys = await startKeyServer(stranger.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, 'https://login.microsoftonline.com/test/v2.0');
    bot = await startTestBot({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
      ToBotFromChannelOpenIdMetadataUrl: keys.url,
      ToBotFromChannelTokenIssuer: ISSUER,
      ToBotFromEmulatorOpenIdMetadataUrl: emulatorKeys.url,
    });
  });
  after(async () => {
    await bot?.stop();
    await keys?.close();
    await emulatorKeys?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: APP_ID, iat: now() - 10, nbf: now() - 10, exp: now() + 600, serviceurl: bot.url, ...extra });
  const post = (authorization?: string, conversationId = `jwt-${Math.random()}`) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({
        type: 'message',
        id: `j-${Math.random()}`,
        text: 'Comment obtenir mon dossier médical ?',
        channelId: 'webchat',
        serviceUrl: bot.url,
        deliveryMode: 'expectReplies',
        conversation: { id: conversationId },
        from: { id: 'visitor-jwt' },
        recipient: { id: APP_ID },
      }),
    });

  async function expectUnauthorised(authorization: string | undefined, why: string): Promise<void> {
    const response = await post(authorization);
    expect(response.status, why).to.equal(401);
    const text = await response.text();
    expect(text, `${why}: a plain error body`).to.not.match(/Unauthorized\.|Invalid AppId|claim|\bat \S+ \(/);
    expect(JSON.parse(text).error.code).to.equal('unauthorized');
  }

  it('answers 200 with the replies for a valid token from the channel', async () => {
    const response = await post(`Bearer ${jwt(claims(), privateKey)}`);
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { activities: { channelData?: { mdu?: { topic?: string } } }[] };
    expect(body.activities[0]?.channelData?.mdu?.topic).to.equal('rights.record');
    expect(keys.requests, 'the keys were fetched from the configured metadata').to.be.greaterThan(0);
  });

  it('401 without a token', async () => {
    await expectUnauthorised(undefined, 'no Authorization header');
    await expectUnauthorised('Bearer', 'an empty bearer');
    await expectUnauthorised('Basic dXNlcjpwYXNz', 'another scheme');
    await expectUnauthorised('Bearer not.a.jwt', 'garbage');
  });

  it('401 for an expired token (past the SDK\'s five minutes of clock tolerance)', async () => {
    await expectUnauthorised(`Bearer ${jwt(claims({ iat: now() - 3600, nbf: now() - 3600, exp: now() - 600 }), privateKey)}`, 'expired');
  });

  it('401 for a token meant for another bot (wrong audience)', async () => {
    await expectUnauthorised(`Bearer ${jwt(claims({ aud: 'another-bot-app-id' }), privateKey)}`, 'wrong audience');
    await expectUnauthorised(`Bearer ${jwt(claims({ aud: undefined }), privateKey)}`, 'no audience');
  });

  it('401 for a token from another issuer', async () => {
    await expectUnauthorised(`Bearer ${jwt(claims({ iss: 'https://evil.example' }), privateKey)}`, 'wrong issuer');
  });

  it('401 for a wrong signature, an unknown key, or no signature at all', async () => {
    const strangerKey = createPrivateKey(stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expectUnauthorised(`Bearer ${jwt(claims(), strangerKey)}`, 'signed by a key the bot does not trust');
    await expectUnauthorised(`Bearer ${jwt(claims(), privateKey, { alg: 'RS256', typ: 'JWT', kid: 'unknown-kid' })}`, 'unknown key id');
    await expectUnauthorised(`Bearer ${jwt(claims(), privateKey, { alg: 'none', typ: 'JWT', kid: KID })}`, 'alg none');
    const valid = jwt(claims(), privateKey);
    const [h, , s] = valid.split('.');
    await expectUnauthorised(`Bearer ${h}.${b64(claims({ aud: APP_ID, serviceurl: 'https://evil.example' }))}.${s}`, 'payload changed after signing');
  });

  it('401 for a valid token bound to another service URL', async () => {
    await expectUnauthorised(`Bearer ${jwt(claims({ serviceurl: 'https://evil.example' }), privateKey)}`, 'serviceurl claim mismatch');
  });

  it('401 for an Emulator-shaped token not signed by the Emulator keys', async () => {
    const emulatorClaims = { iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/', aud: APP_ID, appid: APP_ID, ver: '1.0', iat: now() - 10, nbf: now() - 10, exp: now() + 600 };
    await expectUnauthorised(`Bearer ${jwt(emulatorClaims, privateKey)}`, 'emulator issuer, channel key');
  });
});
