// Who a bearer token belongs to, remembered for a few seconds. Every API request asks, and the
// lookup was a tenth of the app's CPU per transition (README, Performance). A token revoked through
// this process (DELETE /api/tokens/current) is forgotten at once. When a person's account changes
// anywhere (deactivated, permissions changed, all tokens revoked by the CLI), every process forgets
// their tokens at once (LISTEN/NOTIFY, account-changes.ts). One token revoked singly in another
// process keeps working here for at most the cache time: API_TOKEN_CACHE_SECONDS, which 0 turns
// off. Only tokens that worked are remembered, so a new token works at once.
import type { Actor } from '../engine/actor.ts';

/** API_TOKEN_CACHE_SECONDS when it is not set. */
export const DEFAULT_TOKEN_CACHE_SECONDS = 5;

/** Enough for every live integration and person at once; the oldest goes first beyond it. */
const MAX_TOKENS = 10_000;

export class TokenCache {
  private readonly known = new Map<string, { actor: Actor; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The actor for a token hash, looked up only when not remembered or remembered too long ago. */
  async actorFor(
    tokenHash: string,
    lookUp: (tokenHash: string) => Promise<Actor | undefined>,
  ): Promise<Actor | undefined> {
    const remembered = this.known.get(tokenHash);
    if (remembered && remembered.until > this.now()) return remembered.actor;
    if (remembered) this.known.delete(tokenHash);
    const actor = await lookUp(tokenHash);
    if (actor && this.ttlMs > 0) this.remember(tokenHash, actor);
    return actor;
  }

  forget(tokenHash: string): void {
    this.known.delete(tokenHash);
  }

  /** Forgets every token of this person: their account changed, here or in another process. */
  forgetUser(userId: string): void {
    for (const [tokenHash, { actor }] of this.known)
      if (actor.userId === userId) this.known.delete(tokenHash);
  }

  private remember(tokenHash: string, actor: Actor): void {
    if (this.known.size >= MAX_TOKENS) this.known.delete(this.known.keys().next().value!);
    this.known.set(tokenHash, { actor, until: this.now() + this.ttlMs });
  }
}
