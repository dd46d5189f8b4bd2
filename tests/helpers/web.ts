// Small helpers for testing the GOV.UK pages over HTTP: a clock tests can move, users with
// passwords of their own, signed-in supertest agents, and reading forms and headers.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { expect } from 'vitest';
import { hashPassword } from '../../src/domain/sessions.ts';
import type { Clock } from '../../src/engine/clock.ts';
import type { TestApp } from './app.ts';

/** The real time plus an offset the test may move forward (and back). */
export function movableClock(): Clock & { offsetMs: number; move(ms: number): void; reset(): void } {
  return {
    offsetMs: 0,
    now() {
      return new Date(Date.now() + this.offsetMs);
    },
    move(ms: number) {
      this.offsetMs += ms;
    },
    reset() {
      this.offsetMs = 0;
    },
  };
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A provider of this test's own, in its own organisation, who can sign in with `password`. */
export async function providerWithPassword(t: TestApp, label: string, password = 'correct horse battery') {
  const provider = await t.newProvider(label);
  const hash = await hashPassword(password);
  await t.sql`update users set password_hash = ${hash} where id = ${provider.userId}`;
  return { ...provider, password };
}

/** The sign-in form's own CSRF token: the hidden `_signin` input, matched by a cookie. */
export function signInTokenOf(html: string): string {
  const match = /<input type="hidden" name="_signin" value="([^"]*)">/.exec(html);
  if (!match) throw new Error('No _signin input on the page');
  return match[1]!;
}

/** Opens the sign-in page, then POSTs its form the way a browser would (a fresh cookie jar). */
export async function postSignIn(
  baseUrl: string,
  form: Record<string, string>,
  agent = request.agent(baseUrl),
) {
  const page = await agent.get('/sign-in');
  return agent
    .post('/sign-in')
    .type('form')
    .send({ _signin: signInTokenOf(page.text), ...form });
}

/** A supertest agent holding a fresh session for this user. */
export async function signedIn(baseUrl: string, email: string, password: string) {
  const agent = request.agent(baseUrl);
  const res = await postSignIn(baseUrl, { email, password, next: '/' }, agent);
  expect(res.status, res.text).toBe(303);
  return agent;
}

/**
 * The page of a list shown a page at a time (GOV.UK pagination) that holds `text`: from `path`,
 * following each page's next link until one does; undefined when none does. For lists in the run's
 * shared database, where other files' rows may come before a test's own.
 */
export async function pageHolding(
  agent: ReturnType<typeof request.agent>,
  path: string,
  text: string,
): Promise<string | undefined> {
  let next: string | undefined = path;
  for (let pages = 0; next && pages < 200; pages++) {
    const res = await agent.get(next);
    expect(res.status, next).toBe(200);
    if (res.text.includes(text)) return res.text;
    next = /<a class="govuk-link govuk-pagination__link" href="([^"]*)" rel="next"/
      .exec(res.text)?.[1]
      ?.replace(/&amp;/g, '&');
  }
  return undefined;
}

/** The value of the hidden `_csrf` input on a page. */
export function csrfOf(html: string): string {
  const match = /<input type="hidden" name="_csrf" value="([^"]*)">/.exec(html);
  if (!match) throw new Error('No _csrf input on the page');
  return match[1]!;
}

/** A cookie from a response's Set-Cookie headers: its value and attributes (lower-cased names). */
export function cookieFrom(res: { headers: Record<string, unknown> }, name: string) {
  const headers = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const line = headers.find((h) => h.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((part) => part.trim());
  const attrs: Record<string, string | true> = {};
  for (const attribute of attributes) {
    const [key, ...value] = attribute.split('=');
    attrs[key!.toLowerCase()] = value.length ? value.join('=') : true;
  }
  return { value: decodeURIComponent(pair!.slice(name.length + 1)), attrs };
}

/** The CSP nonce in a Content-Security-Policy header's script-src. */
export function cspNonce(csp: string | undefined): string | undefined {
  return /script-src[^;]*'nonce-([^']+)'/.exec(csp ?? '')?.[1];
}

/** The text of the GOV.UK error summary's list, one entry a link. */
export function errorSummaryOf(html: string): { href: string; text: string }[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => ({
    href: m[1]!,
    text: m[2]!.trim(),
  }));
}

/** Each field's GOV.UK error message, by field id. */
export function fieldErrorsOf(html: string): Record<string, string> {
  const found = html.matchAll(
    /<p id="([\w-]+)-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span>([^<]*)<\/p>/g,
  );
  return Object.fromEntries([...found].map((m) => [m[1]!, m[2]!.trim()]));
}

/** Reads a response's body as bytes whatever its type (supertest parses only the types it knows). */
export function asBytes(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (chunk: Buffer) => parts.push(chunk));
  res.on('end', () => done(null, Buffer.concat(parts)));
}
