#!/usr/bin/env node
// Runs one of the project's command-line tools (`npm run volunteer:add`, `store:init`, ...) the
// same way on a developer's machine and on a production install:
// - the TypeScript source through tsx where both are there (development: a compiled tool may be
//   older than a module it imports, even when the tool's own file is not);
// - otherwise the compiled `dist/<tool>.js` (production installs have no TypeScript tooling).
// Arguments, standard input and the exit code pass straight through.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [tool, ...args] = process.argv.slice(2);
if (!tool) {
  console.error('usage: node scripts/cli.mjs <path/of/tool without extension> [args...]');
  process.exit(2);
}
const source = path.join(root, `${tool}.ts`);
const compiled = path.join(root, 'dist', `${tool}.js`);
const withTsx = existsSync(source) && existsSync(path.join(root, 'node_modules', 'tsx'));
const useCompiled = existsSync(compiled) && !withTsx;
const command = useCompiled ? [compiled, ...args] : ['--import', 'tsx', source, ...args];
const result = spawnSync(process.execPath, command, { stdio: 'inherit', cwd: process.cwd() });
process.exit(result.status ?? 1);
