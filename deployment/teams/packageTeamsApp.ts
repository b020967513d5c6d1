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

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const outIndex = argv.indexOf('--out');
  const out = path.resolve(outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : path.join(DIR, 'build', 'mdu-teams-app.zip'));
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
