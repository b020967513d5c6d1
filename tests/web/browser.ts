/**
 * Real headless Chromium (Debian's `chromium`), driven by playwright-core. Without it the browser
 * tests are skipped with a message, except in CI (`CI` set), where they must run.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/*
 * The few browser globals that functions run inside the page use: the test tsconfig has no DOM
 * types, and these declarations stay local to this module.
 */
declare const window: {
  __cspViolations?: Violation[];
  axe?: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[] }> };
};
declare const document: {
  addEventListener(type: 'securitypolicyviolation', listener: (e: { effectiveDirective: string; blockedURI: string; sample: string }) => void): void;
};

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

export async function launchChromium(context: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: in CI the browser tests must run (.ci/run installs Debian's chromium).`);
    console.warn(`    (browser tests skipped: ${CHROMIUM} is absent; install it with: apt-get install -y chromium)`);
    context.skip();
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** Records CSP violations and console errors of a page (read them from `page.violations()`). */
export async function watchPage(page: Page): Promise<{ violations: () => Promise<Violation[]>; consoleErrors: string[] }> {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    const seen: Violation[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample }));
  });
  return {
    consoleErrors,
    violations: () => page.evaluate(() => window.__cspViolations ?? []),
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page. Injecting its source is an evaluation of a string, which the page's
 * CSP reports as a blocked 'eval' (Playwright gets through anyway): read the CSP violations first.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe!.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}
