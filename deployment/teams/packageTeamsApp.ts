/**
 * `npm run teams:package [-- --out FILE]`: builds the Teams app package from the configuration
 * (`TEAMS_APP_ID`, `MicrosoftAppId`, `PUBLIC_URL`, read by bot/config.ts like everything else),
 * validates the manifest against the Teams schema and writes the zip
 * (default `deployment/teams/build/mdu-teams-app.zip`). Exits 1 naming the field when invalid.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { ManifestError, buildTeamsPackage } from './teamsPackage.js';

const DIR = path.dirname(fileURLToPath(import.meta.url));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The settings the package is made from, what each must look like, and where it comes from. */
const REQUIRED_SETTINGS: { name: string; valid: (value: string) => boolean; shape: string }[] = [
  {
    name: 'TEAMS_APP_ID',
    valid: (v) => GUID.test(v),
    shape: 'the Teams app\'s own id, a GUID such as 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40 (make one once with `uuidgen` and keep it for every later version)',
  },
  {
    name: 'MicrosoftAppId',
    valid: (v) => GUID.test(v),
    shape: 'the Azure Bot\'s Microsoft App ID, a GUID (Azure portal, the bot resource, Configuration)',
  },
  {
    name: 'PUBLIC_URL',
    valid: (v) => /^https:\/\/[^/\s]+/.test(v),
    shape: 'the https address where Teams reaches the bot, such as https://mdu.example-hospital.fr',
  },
];

/** One line a missing or malformed setting, naming it and what it should look like. */
export function settingProblems(env: NodeJS.ProcessEnv): string[] {
  return REQUIRED_SETTINGS.flatMap(({ name, valid, shape }) => {
    const value = env[name]?.trim() ?? '';
    if (value === '') return [`${name} is not set: it should be ${shape}.`];
    if (!valid(value)) return [`${name} is "${value}": it should be ${shape}.`];
    return [];
  });
}

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const outIndex = argv.indexOf('--out');
  const out = path.resolve(outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : path.join(DIR, 'build', 'mdu-teams-app.zip'));
  const problems = settingProblems(env);
  if (problems.length > 0) {
    console.error(`Teams app package refused: set these in the environment first.\n${problems.map((p) => `- ${p}`).join('\n')}`);
    return 1;
  }
  try {
    const config = loadConfig(env);
    const version = (JSON.parse(readFileSync(path.join(DIR, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
    const { zip } = buildTeamsPackage({ teamsAppId: config.TEAMS_APP_ID, botAppId: config.MicrosoftAppId, publicUrl: config.PUBLIC_URL ?? '', version });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, zip);
    console.log(`Teams app package written: ${out} (${zip.length} bytes); manifest valid against ${path.basename(path.join(DIR, 'schema'))}/MicrosoftTeams.v1.11.schema.json`);
    return 0;
  } catch (error) {
    if (error instanceof ManifestError || error instanceof ConfigError) {
      console.error(`Teams app package refused. ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2), process.env);
