/**
 * Draws the Teams app icons (`npm run teams:icons`): a white house (the Maison des usagers) with a
 * speech bubble's door, on the MDU's blue for the colour icon (192×192), and in white on
 * transparent for the outline icon (32×32), as Teams asks. The PNGs are committed; run this only
 * to change them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.js';

export const ACCENT = '#0B5CAD';
const BLUE: [number, number, number, number] = [0x0b, 0x5c, 0xad, 255];
const WHITE: [number, number, number, number] = [255, 255, 255, 255];
const CLEAR: [number, number, number, number] = [0, 0, 0, 0];

/** Is (u, v), in the unit square, inside the house shape (roof, walls, minus a door)? */
function inHouse(u: number, v: number): boolean {
  const roof = v >= 0.18 && v <= 0.48 && Math.abs(u - 0.5) <= (v - 0.18) * (0.36 / 0.3);
  const walls = v > 0.46 && v <= 0.82 && u >= 0.26 && u <= 0.74;
  const door = v > 0.6 && v <= 0.82 && u >= 0.44 && u <= 0.56;
  return (roof || walls) && !door;
}

/** Averages a few samples per pixel so edges are smooth. */
function coverage(x: number, y: number, size: number): number {
  let hits = 0;
  const n = 4;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (inHouse((x + (i + 0.5) / n) / size, (y + (j + 0.5) / n) / size)) hits++;
  return hits / (n * n);
}

export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, size, (x, y) => {
    const c = coverage(x, y, size);
    return [0, 1, 2].map((k) => Math.round(BLUE[k]! * (1 - c) + WHITE[k]! * c)).concat(255) as unknown as [number, number, number, number];
  });
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => {
    const c = coverage(x, y, size);
    return c > 0 ? [255, 255, 255, Math.round(255 * c)] : CLEAR;
  });
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  writeFileSync(path.join(dir, 'color.png'), colorIcon());
  writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
  console.log(`wrote ${path.join(dir, 'color.png')} and outline.png`);
}
