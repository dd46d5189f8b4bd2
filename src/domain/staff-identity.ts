// Staff sign-in through the Office's identity provider with OpenID Connect (openid-client): the
// authorization code flow with PKCE, state and nonce. The provider's `sub` is bound to the staff
// account with the same email address at the first sign-in, and matched by it after. The provider
// does any second factor; providers' people never sign in this way.
import * as client from 'openid-client';
import type { OidcSettings } from '../config.ts';
import type { Db } from '../db/client.ts';
import { bindSubject, findUserByEmail, findUserBySubject } from '../db/queries/people.ts';
import { startSession } from './sessions.ts';

/** What the browser keeps between leaving for the provider and coming back (a short-lived cookie). */
export interface IdentityAttempt {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

const loopback = (url: string) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(`${url}/`);

export class StaffIdentity {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  /** The provider's metadata, fetched on first use (and again after a failure), not at start-up. */
  private config(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        undefined,
        client.ClientSecretBasic(this.settings.clientSecret),
        // Plain HTTP only for a provider on this machine (tests, a developer's laptop).
        loopback(this.settings.issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  /** Where to send the browser, and what to keep until it returns. */
  async start(next: string): Promise<{ url: URL; attempt: IdentityAttempt }> {
    const config = await this.config();
    const attempt = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      next,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { url, attempt };
  }

  /**
   * The person the provider vouches for, from the query it sent the browser back with; throws if
   * anything fails. The URL is the registered redirect URI's, which the token request repeats.
   */
  async finish(query: string, attempt: IdentityAttempt): Promise<{ subject: string; email: string | null }> {
    const config = await this.config();
    const callbackUrl = new URL(this.settings.redirectUri);
    callbackUrl.search = query;
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    // Providers that keep the address out of the ID token give it from their userinfo endpoint.
    const claims =
      typeof idToken.email === 'string'
        ? idToken
        : await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    // An address the provider has not verified is no ground for matching an account.
    const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email : null;
    return { subject: idToken.sub, email };
  }
}

export type IdentitySignIn = { ok: true; token: string } | { ok: false; email: string | null };

/**
 * A web session for the member of staff the provider vouched for: the account bound to its subject,
 * or, the first time, the staff account with its email address (then bound). Refused for anyone else,
 * a provider's person, or a deactivated account.
 */
export async function signInWithIdentity(
  db: Db,
  person: { subject: string; email: string | null },
  now: Date,
  sessionHours: number,
): Promise<IdentitySignIn> {
  let user = await findUserBySubject(db, person.subject);
  if (!user && person.email) {
    const byEmail = await findUserByEmail(db, person.email);
    if (byEmail && !byEmail.oidcSubject && byEmail.role !== 'provider') {
      await bindSubject(db, byEmail.id, person.subject);
      user = byEmail;
    }
  }
  if (!user || user.role === 'provider' || user.deactivatedAt) return { ok: false, email: person.email };
  return { ok: true, token: await startSession(db, user.id, now, sessionHours) };
}
