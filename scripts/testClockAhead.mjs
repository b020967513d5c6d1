#!/usr/bin/env node
// `npm run test:clock-ahead`: the tests that touch time (retention, purges, dedupe, tokens, sessions,
// lockouts, schedules, lint dates), again with every clock years ahead of the calendar
// (tests/helpers/clockAhead.mjs). A test that only passes before some date fails here.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIME_SENSITIVE = [
  'tests/durability/deliveries.test.ts',
  'tests/privacy/retention.test.ts',
  'tests/store/storage.test.ts',
  'tests/store/journal.test.ts',
  'tests/directline/LocalDirectLine.test.ts',
  'tests/directline/protocol.test.ts',
  'tests/directline/azureToken.test.ts',
  'tests/handoff/HandoffQueue.test.ts',
  'tests/handoff/HandoffDesk.test.ts',
  'tests/handoff/volunteers.test.ts',
  'tests/knowledge/lintKnowledge.test.ts',
  'tests/knowledge/curationStore.test.ts',
  'tests/schedule/PermanenceSchedule.test.ts',
  'tests/security/console.test.ts',
  'tests/security/jwt.test.ts',
  'tests/ops/dashboard.test.ts',
];
const years = Number(process.env.MDU_TEST_CLOCK_AHEAD_YEARS ?? '7');
const env = {
  ...process.env,
  MDU_TEST_CLOCK_AHEAD_DAYS: String(Math.round(years * 365.25)),
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${path.join(root, 'tests', 'helpers', 'clockAhead.mjs')}`.trim(),
};
console.log(`Time-sensitive tests with every clock ${years} years ahead (${new Date(Date.now() + Number(env.MDU_TEST_CLOCK_AHEAD_DAYS) * 86_400_000).toISOString().slice(0, 10)}):`);
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const run = spawnSync(process.execPath, [mocha, ...TIME_SENSITIVE], { stdio: 'inherit', cwd: root, env });
process.exit(run.status ?? 1);
