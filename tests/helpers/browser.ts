// A real browser for end-to-end tests: Debian's Chromium driven by playwright-core, launched once
// per test file, against the real app (tests/helpers/app.ts). Never skips: without Chromium the
// tests fail and say how to install it. Screenshots go under tests/artifacts/screenshots/<file>/.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How Chromium runs here (headless, as root, on a machine with no network but loopback). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screenshotsRoot = path.join(repoRoot, 'tests/artifacts/screenshots');

let browser: Browser | undefined;
/** Why Chromium could not be started, if it could not: every page() then fails with it. */
let launchError: Error | undefined;
let shots = 0;
/** What each page's console and the page itself reported about the CSP. */
const cspReports = new WeakMap<Page, string[]>();

/**
 * Starts Chromium for this test file (call in beforeAll). It never throws: were beforeAll to fail,
 * vitest would report the file's tests as skipped. Instead a missing or broken Chromium fails each
 * test that opens a page, with the reason, so a run without a browser is red, never quietly green.
 */
export async function launchBrowser(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    launchError = new Error(
      `End-to-end tests need Chromium at ${CHROMIUM_PATH}, and it is not there. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (.ci/run does), ' +
        'or set CHROMIUM_PATH. These tests never skip. Do not run `npx playwright install`.',
    );
    return;
  }
  try {
    // playwright-core makes a fresh, empty --user-data-dir for each launch and removes it on close.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    launchError = new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${(error as Error).message}`);
  }
}

/** Closes Chromium (call in afterAll). */
export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/**
 * A new page in a new context (own cookies) at the app's base URL. Every CSP violation is
 * recorded: the console's "Refused to ..." messages and, where scripts run, the document's
 * securitypolicyviolation events (listened for by an init script, which the CSP does not govern).
 */
export async function page(t: { baseUrl: string }, options: BrowserContextOptions = {}): Promise<Page> {
  if (launchError) throw launchError;
  if (!browser) throw new Error('Call launchBrowser() in beforeAll before opening a page.');
  const context = await browser.newContext({ baseURL: t.baseUrl, ...options });
  const opened = await context.newPage();
  const reports: string[] = [];
  cspReports.set(opened, reports);
  opened.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reports.push(`console: ${message.text()}`);
  });
  await opened.exposeBinding('__reportCspViolation', (_source, text: string) => {
    reports.push(`securitypolicyviolation: ${text}`);
  });
  await opened.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as any).__reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} in ${event.documentURI}`,
      );
    });
  });
  return opened;
}

/** The CSP violations this page has reported so far. */
export function cspViolations(p: Page): string[] {
  return [...(cspReports.get(p) ?? [])];
}

/** Signs in through the GOV.UK sign-in form, as a person would, with the demo password. */
export async function signIn(p: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await p.goto('/sign-in');
  await p.getByLabel('Email address').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  // A wrong answer renders the form again at /sign-in; a right one redirects away from it.
  await p
    .waitForURL((url) => url.pathname !== '/sign-in', { waitUntil: 'load', timeout: 10_000 })
    .catch(() => {
      throw new Error(`Could not sign in as ${email}: still on ${p.url()}`);
    });
}

/** The test file's name without `.test.ts`, for its screenshot folder. */
function testFileName(): string {
  const testPath = expect.getState().testPath ?? 'unknown';
  return path.basename(testPath).replace(/\.test\.ts$/, '');
}

/** Saves a full-page PNG as tests/artifacts/screenshots/<file>/<NN-name>.png; returns its path. */
export async function screenshot(p: Page, name: string): Promise<string> {
  const dir = path.join(screenshotsRoot, testFileName());
  // The first screenshot of a run clears the file's folder, so it holds this run's steps only.
  if (shots === 0) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  shots += 1;
  const file = path.join(dir, `${String(shots).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-')}.png`);
  await p.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[] }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is and returns the serious and critical violations.
 *
 * The pages' CSP has no 'unsafe-inline', so `page.addScriptTag({ content })` (an inline <script>
 * element) is refused by the page. Instead axe's source is evaluated through the DevTools protocol
 * (`page.evaluate` with a string): that runs in the page's main world but is not a script the page
 * loads, so script-src does not apply, and axe checks the page with its real CSP still enforced.
 * It needs JavaScript enabled in the context.
 */
export async function checkAccessibility(p: Page): Promise<AxeViolation[]> {
  const loaded = await p.evaluate(() => typeof (window as any).axe === 'object');
  if (!loaded) await p.evaluate(`${axeSource}\n;void 0;`);
  const violations: AxeViolation[] = await p.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n: any) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation: id, impact, help, and the nodes it was found on. */
export const describeViolations = (violations: AxeViolation[]) =>
  violations
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}]`,
    )
    .join('\n');

/** Fails the test, listing every serious or critical axe violation on the page. */
export async function expectAccessible(p: Page): Promise<void> {
  const violations = await checkAccessibility(p);
  if (violations.length) {
    throw new Error(
      `axe found ${violations.length} serious or critical violation(s) on ${p.url()}:\n${describeViolations(violations)}`,
    );
  }
  // Every page checked is also checked on a phone: no page wider than its screen.
  if ((p.viewportSize()?.width ?? 0) > PHONE_WIDTH)
    await expectFitsPhone(p, new URL(p.url()).pathname.replace(/[0-9a-f-]{36}/g, 'id').slice(1) || 'home');
}

/** What a person must never read on a page: an engine's ids, timestamps, codes and validator's words. */
const NOT_FOR_PEOPLE: readonly [string, RegExp][] = [
  ['an id (UUID)', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i],
  ['an ISO timestamp', /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/],
  ['a camelCase code', /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/],
  // A list is shown as its items, never as how many there are.
  ['a count where a list belongs', /\b\d+ (?:entry|entries)\b/],
  // A validator's own words, not a message written for the question.
  [
    "a validator's default message",
    /Too (?:small|big): expected|Invalid input|Invalid option|Cannot be blank/,
  ],
];

/**
 * Fails when the page's visible text shows a UUID, an ISO timestamp or a camelCase code (such as
 * `quarterlyInAdvance`): each of those is the engine's, never a person's words.
 */
export async function expectPlainWords(p: Page): Promise<void> {
  const text = await p.evaluate(() => document.body.innerText);
  const found = NOT_FOR_PEOPLE.flatMap(([what, pattern]) => {
    const match = new RegExp(pattern.source, `${pattern.flags}g`).exec(text);
    if (!match) return [];
    const around = text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40);
    return [`${what} "${match[0]}" in "…${around.replace(/\s+/g, ' ')}…"`];
  });
  if (found.length) throw new Error(`${p.url()} shows ${found.join('; ')}`);
}

/** The narrowest phone a page must fit (GOV.UK designs for 320 CSS pixels). */
export const PHONE_WIDTH = 320;

/**
 * Shows the page at a phone's width, screenshots it there, and fails when it is wider than the phone
 * (a horizontal scroll), naming the widest things that stick out. Puts the page back as it was.
 */
export async function expectFitsPhone(p: Page, name: string): Promise<void> {
  const before = p.viewportSize();
  await p.setViewportSize({ width: PHONE_WIDTH, height: 640 });
  try {
    await screenshot(p, `${name}-phone`);
    const { width, culprits } = await p.evaluate(() => {
      const page = document.documentElement.scrollWidth;
      const out: string[] = [];
      // What sticks out of the page itself: not what scrolls or is cut off within a box of its own.
      const boxed = (el: Element) => {
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
        return false;
      };
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const box = el.getBoundingClientRect();
        if (box.right > window.innerWidth + 1 && out.length < 5 && !boxed(el)) {
          const id = el.id ? `#${el.id}` : '';
          const cls =
            typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
          out.push(`${el.tagName.toLowerCase()}${id}${cls} (${Math.round(box.right)}px)`);
        }
      }
      return { width: page, culprits: out };
    });
    if (width > PHONE_WIDTH)
      throw new Error(`${p.url()} is ${width}px wide on a ${PHONE_WIDTH}px phone: ${culprits.join(', ')}`);
  } finally {
    if (before) await p.setViewportSize(before);
  }
}
