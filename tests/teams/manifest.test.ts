/**
 * The Teams app package: `npm run teams:package` fills the manifest from the configuration,
 * validates it against the shipped Teams schema, and writes a zip; a broken manifest is refused
 * naming the field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { main as packageCommand } from '../../deployment/teams/packageTeamsApp.js';
import { ManifestError, TEMPLATE_FILE, buildTeamsPackage, fillManifest, validateManifest, type ManifestSettings } from '../../deployment/teams/teamsPackage.js';
import { pngSize } from '../../deployment/teams/png.js';
import { readZip } from '../../deployment/teams/zip.js';
import { makeTempDir } from '../helpers/tempDir.js';

const settings: ManifestSettings = {
  teamsAppId: '5e5e5e5e-1111-2222-3333-444444444444',
  botAppId: '0b0b0b0b-1111-2222-3333-444444444444',
  publicUrl: 'https://mdu.example.org/',
  version: '0.1.0',
};

function refusal(task: () => unknown): ManifestError {
  try {
    task();
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('Teams: app package', () => {
  it('builds a zip with manifest.json and both icons; the manifest validates against the schema', () => {
    const { zip } = buildTeamsPackage(settings);
    const entries = readZip(zip);
    expect([...entries.keys()]).to.deep.equal(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
      id: string;
      bots: { botId: string; scopes: string[] }[];
      staticTabs: { contentUrl: string; scopes: string[] }[];
      validDomains: string[];
    };
    expect(() => validateManifest(manifest)).not.to.throw();
    expect(manifest.id).to.equal(settings.teamsAppId);
    expect(manifest.bots[0]!.botId).to.equal(settings.botAppId);
    expect(manifest.bots[0]!.scopes).to.have.members(['personal', 'team', 'groupchat']);
    expect(manifest.staticTabs[0]!.contentUrl).to.equal('https://mdu.example.org/console');
    expect(manifest.staticTabs[0]!.scopes).to.deep.equal(['personal']);
    expect(manifest.validDomains).to.deep.equal(['mdu.example.org']);
    expect(pngSize(entries.get('color.png')!)).to.deep.equal({ width: 192, height: 192 });
    expect(pngSize(entries.get('outline.png')!)).to.deep.equal({ width: 32, height: 32 });
  });

  it('makes the same zip from the same configuration', () => {
    expect(buildTeamsPackage(settings).zip.equals(buildTeamsPackage(settings).zip)).to.equal(true);
  });

  it('refuses a bot id that is not a GUID, naming the field', () => {
    const error = refusal(() => buildTeamsPackage({ ...settings, botAppId: '' }));
    expect(error.field).to.equal('bots.0.botId');
    expect(error.message).to.match(/^manifest\.json: bots\.0\.botId: /);
  });

  it('refuses an app id that is not a GUID, naming the field', () => {
    expect(refusal(() => buildTeamsPackage({ ...settings, teamsAppId: 'mdu' })).field).to.equal('id');
  });

  it('refuses a field the schema does not know, and a missing one', () => {
    const manifest = fillManifest(readFileSync(TEMPLATE_FILE, 'utf8'), settings);
    expect(refusal(() => validateManifest({ ...manifest, colour: '#ffffff' })).field).to.equal('colour');
    const { developer, ...rest } = manifest as { developer: Record<string, unknown> };
    const { name: _name, ...developerWithoutName } = developer;
    expect(refusal(() => validateManifest({ ...rest, developer: developerWithoutName })).field).to.equal('developer.name');
    expect(refusal(() => validateManifest({ ...manifest, description: { short: 'x'.repeat(81), full: 'y' } })).field).to.equal('description.short');
  });

  it('refuses a public URL Teams cannot open as a tab', () => {
    expect(refusal(() => buildTeamsPackage({ ...settings, publicUrl: 'http://127.0.0.1:3978' })).field).to.equal('staticTabs.0.contentUrl');
  });

  describe('npm run teams:package', () => {
    let errors: string[] = [];
    let logs: string[] = [];
    const original = { error: console.error, log: console.log };
    beforeEach(() => {
      errors = [];
      logs = [];
      console.error = (...args: unknown[]) => void errors.push(args.join(' '));
      console.log = (...args: unknown[]) => void logs.push(args.join(' '));
    });
    afterEach(() => {
      console.error = original.error;
      console.log = original.log;
    });

    it('writes the zip from the environment', () => {
      const tmp = makeTempDir('mdu-teams-');
      try {
        const out = path.join(tmp.dir, 'app.zip');
        const code = packageCommand(['--out', out], { MicrosoftAppId: settings.botAppId, TEAMS_APP_ID: settings.teamsAppId, PUBLIC_URL: settings.publicUrl });
        expect(code).to.equal(0);
        const manifest = JSON.parse(readZip(readFileSync(out)).get('manifest.json')!.toString('utf8')) as { bots: { botId: string }[] };
        expect(manifest.bots[0]!.botId).to.equal(settings.botAppId);
      } finally {
        tmp.cleanup();
      }
    });

    it('exits 1 naming each missing setting and what it should look like, before anything else', () => {
      const code = packageCommand(['--out', '/nonexistent/never-written.zip'], { PUBLIC_URL: 'http://127.0.0.1:3978' });
      expect(code).to.equal(1);
      const said = errors.join('\n');
      expect(said).to.match(/TEAMS_APP_ID is not set: it should be .*GUID/);
      expect(said).to.match(/MicrosoftAppId is not set: it should be .*GUID/);
      expect(said).to.match(/PUBLIC_URL is "http:\/\/127\.0\.0\.1:3978": it should be the https address/);
      expect(said, 'no schema jargon').to.not.match(/regex|pattern|must match/i);
    });

    it('names a malformed id with its value', () => {
      const code = packageCommand(['--out', '/nonexistent/never-written.zip'], { TEAMS_APP_ID: 'mdu-app', MicrosoftAppId: settings.botAppId, PUBLIC_URL: settings.publicUrl });
      expect(code).to.equal(1);
      expect(errors.join('\n')).to.match(/TEAMS_APP_ID is "mdu-app": it should be/);
    });
  });
});
