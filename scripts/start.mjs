#!/usr/bin/env node
// `npm start`: compiles the bot only when a source is newer than the last build, then runs
// `dist/bot/main.js`. A full `tsc` takes 10-15 s; an up-to-date tree starts in the bot's own
// start-up time. Signals are passed to the bot so that SIGTERM still drains it gracefully.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist', 'bot', 'main.js');

/** The newest modification time among the compiled sources and the files that shape the build. */
function newestSource() {
  const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
  let newest = 0;
  const visit = (file) => {
    const info = statSync(file);
    if (info.isDirectory()) {
      for (const entry of readdirSync(file)) if (entry !== 'node_modules') visit(path.join(file, entry));
    } else if (file.endsWith('.ts') || file.endsWith('.json')) {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  for (const dir of tsconfig.include) if (existsSync(path.join(root, dir))) visit(path.join(root, dir));
  for (const file of ['tsconfig.json', 'package-lock.json']) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

/** tsc rewrites every output file on each build (and none on an error), so main.js dates the build. */
function upToDate() {
  return existsSync(main) && statSync(main).mtimeMs >= newestSource();
}

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!upToDate()) {
  if (!existsSync(tsc)) {
    if (!existsSync(main)) {
      console.error('npm start: dist/ is missing and TypeScript is not installed; run `npm ci` first.');
      process.exit(1);
    }
    // A production install without dev dependencies: run what was built.
  } else {
    console.error(existsSync(main) ? 'npm start: compiling (a source changed since the last build)…' : 'npm start: compiling (first start)…');
    const startedAt = Date.now();
    const built = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
    if (built.status !== 0) process.exit(built.status ?? 1);
    console.error(`npm start: compiled in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }
}

// DEP0111 is restify 11's spdy (http-deceiver calls process.binding as it loads); we serve no
// HTTP/2 through it, and the deployment files silence the same code.
const bot = spawn(process.execPath, ['--disable-warning=DEP0111', ...process.execArgv, main, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => bot.kill(signal));
bot.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
