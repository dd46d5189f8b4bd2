// Staff sign in through the Office's identity provider (OpenID Connect): a real oidc-provider on
// loopback, and Chromium going there and back. The first sign-in binds the provider's subject to the
// staff account with that email address; someone without a staff account is turned away; and with
// password sign-in for staff turned off, a member of staff's right password is not enough, while an
// organisation's people sign in with theirs as before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { closeBrowser, expectAccessible, launchBrowser, page, screenshot } from '../helpers/browser.ts';
import { freePort } from '../helpers/database.ts';
import { type IdentityProvider, startIdentityProvider } from '../helpers/identity-provider.ts';
import { postSignIn } from '../helpers/web.ts';

let t: TestApp;
let idp: IdentityProvider;
beforeAll(async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/sign-in/staff/callback`;
  idp = await startIdentityProvider(redirectUri);
  t = await startTestApp({
    port,
    secondFactor: true,
    staffPasswordSignIn: false,
    oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri },
  });
  await launchBrowser();
});
afterAll(async () => {
  await closeBrowser();
  await t?.close();
  await idp?.close();
});

/** Through the identity provider's own sign-in and consent pages, as the person typing `login`. */
async function signInAtProvider(p: Awaited<ReturnType<typeof page>>, login: string) {
  await p.goto('/sign-in?next=%2Faccount');
  await expectAccessible(p);
  await screenshot(p, 'sign-in-choices');
  await p.getByRole('button', { name: 'Sign in with your Office account' }).click();
  await p.waitForURL((url) => url.origin === idp.issuer);
  await p.fill('input[name="login"]', login);
  await p.fill('input[name="password"]', 'whatever the provider checks');
  await p.getByRole('button', { name: 'Sign-in' }).click();
  await p.getByRole('button', { name: 'Continue' }).click();
  // Back here: the callback signs them in and sends them on, or says why not.
  await p.waitForURL((url) => url.origin === t.baseUrl);
  await p.waitForLoadState('load');
}

// Each Chromium test goes to the provider and back through several pages: on a busy CI machine that
// takes longer than most tests.
describe('staff sign-in through the identity provider', () => {
  it('signs a member of staff in, binding the provider’s subject to their account, with no code asked', async () => {
    const email = `fola-${randomUUID().slice(0, 8)}@opcc.example`;
    const [office] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
    // Invited, never set a password: the provider vouches for the address.
    await t.sql`insert into users (email, name, role, organisation_id, email_verified_at)
      values (${email}, 'Fola Finance', 'finance', ${office!.organisation_id}, null)`;
    const p = await page(t);
    await signInAtProvider(p, email);
    expect(new URL(p.url()).pathname).toBe('/account');
    await expect(p.getByRole('banner').textContent()).resolves.toContain('Fola Finance (Finance)');
    await expectAccessible(p);
    await screenshot(p, 'signed-in-through-provider');
    const [row] = await t.sql`select oidc_subject, email_verified_at from users where email = ${email}`;
    expect(row!.oidc_subject).toBe(email);
    expect(row!.email_verified_at).not.toBeNull();
  }, 60_000);

  it('turns away someone the provider knows but who has no staff account here', async () => {
    const p = await page(t);
    await signInAtProvider(p, `stranger-${randomUUID().slice(0, 8)}@opcc.example`);
    await expect(p.locator('h1').innerText()).resolves.toBe('You do not have an account here');
    await expectAccessible(p);
    await screenshot(p, 'no-account');
    expect((await p.goto('/'))?.url()).toContain('/sign-in');
  }, 60_000);

  it('with staff password sign-in off, staff must use the provider; providers’ people sign in as before', async () => {
    const officer = await postSignIn(t.baseUrl, {
      email: 'officer@demo.test',
      password: 'demo-commissioning-2026',
      next: '/',
    });
    expect(officer.status).toBe(403);
    expect(officer.text).toContain('Staff sign in with their Office account');
    const wrong = await postSignIn(t.baseUrl, { email: 'officer@demo.test', password: 'not it', next: '/' });
    expect(wrong.status).toBe(401);
    const provider = await postSignIn(t.baseUrl, {
      email: 'provider@demo.test',
      password: 'demo-commissioning-2026',
      next: '/',
    });
    expect(provider.status).toBe(303);
  });
});
