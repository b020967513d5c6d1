/**
 * The Teams app package: the manifest filled from the configuration, validated against the Teams
 * manifest JSON schema shipped here (`schema/`), with the two icons, in a zip.
 *
 * Every refusal names the field: a `ManifestError` says `manifest.json: bots.0.botId: ...`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ACCENT } from './makeIcons.js';
import { pngSize } from './png.js';
import { makeZip } from './zip.js';

const DIR = path.dirname(fileURLToPath(import.meta.url));
export const TEMPLATE_FILE = path.join(DIR, 'manifest.template.json');
export const SCHEMA_FILE = path.join(DIR, 'schema', 'MicrosoftTeams.v1.11.schema.json');
export const ICONS = { color: { file: path.join(DIR, 'color.png'), size: 192 }, outline: { file: path.join(DIR, 'outline.png'), size: 32 } } as const;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`manifest.json: ${field}: ${problem}`);
  }
}

export interface ManifestSettings {
  /** The Teams app's own id (TEAMS_APP_ID). */
  teamsAppId: string;
  /** The bot's Microsoft App ID (MicrosoftAppId). */
  botAppId: string;
  /** Where Teams reaches the console, https (PUBLIC_URL). */
  publicUrl: string;
  /** The app version (semver), from package.json. */
  version: string;
}

/** Fills the template: every `{{NAME}}` must be known, and the result must be JSON. */
export function fillManifest(template: string, settings: ManifestSettings): Record<string, unknown> {
  const publicUrl = settings.publicUrl.replace(/\/+$/, '');
  let host = '';
  try {
    host = new URL(publicUrl).host;
  } catch {
    throw new ManifestError('staticTabs.0.contentUrl', `PUBLIC_URL "${settings.publicUrl}" is not a URL`);
  }
  if (!publicUrl.startsWith('https://')) throw new ManifestError('staticTabs.0.contentUrl', `PUBLIC_URL must be an https URL that Teams can reach (got "${publicUrl}")`);
  const values: Record<string, string> = {
    VERSION: settings.version,
    TEAMS_APP_ID: settings.teamsAppId,
    BOT_APP_ID: settings.botAppId,
    PUBLIC_URL: publicUrl,
    PUBLIC_HOST: host,
    ACCENT,
  };
  const filled = template.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
    if (!(name in values)) throw new ManifestError('(template)', `unknown placeholder {{${name}}}`);
    return JSON.stringify(values[name]).slice(1, -1);
  });
  try {
    return JSON.parse(filled) as Record<string, unknown>;
  } catch (error) {
    throw new ManifestError('(root)', `not JSON: ${(error as Error).message}`);
  }
}

let compiled: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** Validates against the Teams manifest schema; throws a `ManifestError` naming the first bad field. */
export function validateManifest(manifest: unknown): void {
  if (!compiled) {
    // The Teams schema declares draft-04; its keywords are read the same by Ajv's default draft.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    void _draft;
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    compiled = ajv.compile(schema);
  }
  if (compiled(manifest)) return;
  const errors = compiled.errors ?? [];
  const first = errors[0];
  if (!first) throw new ManifestError('(root)', 'invalid');
  const field = fieldOf(first);
  throw new ManifestError(field, errors.map((e) => `${fieldOf(e)} ${describe(e)}`).join('; '));
}

function fieldOf(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty?: string }).additionalProperty : undefined;
  const leaf = missing ?? extra;
  return [base, leaf].filter(Boolean).join('.') || '(root)';
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a manifest field';
  return error.message ?? 'is invalid';
}

/** Checks the icons Teams asks for: PNG, colour 192×192, outline 32×32. */
export function readIcons(): { color: Buffer; outline: Buffer } {
  const read = (which: 'color' | 'outline') => {
    const data = readFileSync(ICONS[which].file);
    const size = pngSize(data);
    if (!size || size.width !== ICONS[which].size || size.height !== ICONS[which].size) {
      throw new ManifestError(`icons.${which}`, `${which}.png must be a ${ICONS[which].size}×${ICONS[which].size} PNG`);
    }
    return data;
  };
  return { color: read('color'), outline: read('outline') };
}

/** The zip Teams takes: manifest.json, color.png, outline.png at its root. */
export function buildTeamsPackage(settings: ManifestSettings, template: string = readFileSync(TEMPLATE_FILE, 'utf8')): { manifest: Record<string, unknown>; zip: Buffer } {
  const manifest = fillManifest(template, settings);
  validateManifest(manifest);
  const icons = readIcons();
  const zip = makeZip([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') },
    { name: 'color.png', data: icons.color },
    { name: 'outline.png', data: icons.outline },
  ]);
  return { manifest, zip };
}
