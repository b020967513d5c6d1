/**
 * Files a page needs (scripts, styles, icons), read once at start-up and served from memory by
 * name: a request names an entry of the map, never a path on disk.
 */
import type { Request, Response } from 'restify';
import { sendError } from './httpGuards.js';

export interface StaticAsset {
  readonly type: string;
  readonly body: Buffer;
}

/** A restify handler for a `:name` route serving `assets`, 404 for any other name. */
export function serveAssets(assets: ReadonlyMap<string, StaticAsset>, cacheControl: string): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const asset = assets.get(String(req.params.name));
    if (!asset) {
      sendError(res, 404, 'not_found', 'Not found.');
      return;
    }
    res.header('Content-Type', asset.type);
    res.header('Cache-Control', cacheControl);
    res.sendRaw(200, asset.body);
  };
}
