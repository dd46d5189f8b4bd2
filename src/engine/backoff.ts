/**
 * Waits that double after each failed attempt, never longer than `maxMs`: attempt 1 waits
 * `firstMs`, attempt 2 twice that, and so on. Used for timers and for email.
 */
export function exponentialBackoff(firstMs: number, maxMs: number) {
  return (attempts: number): number => Math.min(firstMs * 2 ** Math.max(0, Math.floor(attempts) - 1), maxMs);
}
