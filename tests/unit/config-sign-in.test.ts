// The sign-in settings: the identity provider comes whole or not at all, and staff password
// sign-in can only be turned off when there is another way in.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const oidc = {
  OIDC_ISSUER: 'https://login.example.org/tenant/v2.0',
  OIDC_CLIENT_ID: 'opcc-commissioning',
  OIDC_CLIENT_SECRET: 's3cret',
};

describe('sign-in settings', () => {
  it('has no identity provider, and staff passwords, unless set', () => {
    const config = loadConfig({});
    expect(config.oidc).toBeNull();
    expect(config.staffPasswordSignIn).toBe(true);
  });

  it('takes the identity provider whole, with the redirect URI under PUBLIC_URL', () => {
    const config = loadConfig({
      ...oidc,
      PUBLIC_URL: 'https://grants.example.org/',
      STAFF_PASSWORD_SIGN_IN: 'false',
    });
    expect(config.oidc).toEqual({
      issuer: oidc.OIDC_ISSUER,
      clientId: oidc.OIDC_CLIENT_ID,
      clientSecret: oidc.OIDC_CLIENT_SECRET,
      redirectUri: 'https://grants.example.org/sign-in/staff/callback',
    });
    expect(config.staffPasswordSignIn).toBe(false);
  });

  it('refuses part of an identity provider, a bad issuer, or no way in for staff', () => {
    expect(() => loadConfig({ OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(/set all three, or none/);
    expect(() => loadConfig({ ...oidc, OIDC_ISSUER: 'not a url' })).toThrow(/OIDC_ISSUER/);
    expect(() => loadConfig({ STAFF_PASSWORD_SIGN_IN: 'false' })).toThrow(/staff need a way in/);
  });
});
