/**
 * The Teams tab's scripts, from our own server (no CDN): the teams-js UMD bundle and
 * `web/teams/teamsHost.js`, which the console page includes to run as a Teams tab (or as a plain
 * page outside Teams). Both are static, public and cacheable for a short while.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type restify from 'restify';
import { serveAssets, type StaticAsset } from '../bot/staticAssets.js';

export const TEAMS_ASSETS_PATH = '/teams/assets';

const JS = 'text/javascript; charset=utf-8';

export function teamsAssets(): Map<string, StaticAsset> {
  const require = createRequire(import.meta.url);
  const dir = teamsPageDir();
  return new Map([
    ['MicrosoftTeams.min.js', { type: JS, body: readFileSync(require.resolve('@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js')) }],
    ['teamsHost.js', { type: JS, body: readFileSync(path.join(dir, 'teamsHost.js')) }],
    ['teamsTheme.css', { type: 'text/css; charset=utf-8', body: readFileSync(path.join(dir, 'teamsTheme.css')) }],
  ]);
}

export function registerTeamsRoutes(server: restify.Server): void {
  const assets = teamsAssets();
  server.get(`${TEAMS_ASSETS_PATH}/:name`, serveAssets(assets, 'public, max-age=3600'));
}

/** `web/teams` from the source tree or from `dist/` alike. */
function teamsPageDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '..', 'web', 'teams'), path.resolve(here, '..', '..', 'web', 'teams')];
  return candidates.find((dir) => existsSync(path.join(dir, 'teamsHost.js'))) ?? candidates[0]!;
}
