// The pages a GOV.UK service must have: open to anyone, linked from every page's footer, and the
// cookies page naming exactly the cookies the service sets.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { postSignIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const pages = [
  ['/accessibility', 'Accessibility statement for OPCC Commissioning'],
  ['/privacy', 'Privacy notice'],
  ['/cookies', 'Cookies'],
] as const;

describe('the accessibility statement, privacy notice and cookies page', () => {
  it.each(pages)('%s is open to anyone, and says how to get in touch', async (path, heading) => {
    const res = await request(t.baseUrl).get(path);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<h1 class="govuk-heading-l">${heading}</h1>`);
    if (path !== '/cookies') expect(res.text).toContain('mailto:commissioning@opcc.example');
  });

  it('every page links to them from its footer, signed in or not', async () => {
    const signedOut = (await request(t.baseUrl).get('/sign-in')).text;
    const agent = request.agent(t.baseUrl);
    await postSignIn(t.baseUrl, { email: 'officer@demo.test', password: DEMO_PASSWORD }, agent);
    const signedIn = (await agent.get('/')).text;
    for (const html of [signedOut, signedIn])
      for (const [path] of pages)
        expect(html).toMatch(new RegExp(`<a class="govuk-footer__link" href="${path}">`));
  });

  it('names exactly the cookies the service sets, signing in and out', async () => {
    const named = [
      ...(await request(t.baseUrl).get('/cookies')).text.matchAll(
        /<th scope="row" class="govuk-table__header">(\w+)<\/th>/g,
      ),
    ].map((m) => m[1]);
    const agent = request.agent(t.baseUrl);
    const set = new Set<string>();
    const collect = (res: { headers: Record<string, unknown> }) => {
      for (const cookie of (res.headers['set-cookie'] as string[] | undefined) ?? [])
        set.add(cookie.split('=')[0]!);
    };
    collect(await agent.get('/sign-in'));
    collect(await postSignIn(t.baseUrl, { email: 'officer@demo.test', password: DEMO_PASSWORD }, agent));
    collect(await agent.get('/'));
    expect([...set].sort()).toEqual([...named].sort());
    expect(named.length).toBeGreaterThan(0);
  });
});
