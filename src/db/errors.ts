/** The error and the errors it wraps, outermost first: drizzle wraps the driver's error as `cause`. */
function* causes(error: unknown): Generator<{ code?: unknown; cause?: unknown; errors?: unknown }> {
  let current = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; cause?: unknown; errors?: unknown };
    yield e;
    // Node's happy-eyeballs connect fails with an AggregateError of one error per address.
    if (Array.isArray(e.errors)) for (const inner of e.errors) yield* causes(inner);
    current = e.cause;
  }
}

const codesOf = (error: unknown) =>
  [...causes(error)].map((e) => e.code).filter((code): code is string => typeof code === 'string');

/** Whether a query failed on a unique index (PostgreSQL 23505), directly or wrapped by drizzle. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { cause?: { code?: string }; code?: string };
  return (e.cause?.code ?? e.code) === '23505';
}

/** The socket's errors, and postgres.js's own when it loses or cannot make a connection. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs of a server that is going away or not taking connections: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300
 * too_many_connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/**
 * The code that says the database could not be reached or went away (worth a 503 and a retry, not
 * a 500), or undefined for any other error.
 */
export function connectionFaultCode(error: unknown): string | undefined {
  return codesOf(error).find((code) => CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code));
}

/**
 * Whether PostgreSQL rolled the transaction back because it ran into another at the same moment:
 * 40001 serialization_failure, 40P01 deadlock_detected. Nothing was written; trying again works.
 */
export function isConcurrencyConflict(error: unknown): boolean {
  return codesOf(error).some((code) => code === '40001' || code === '40P01');
}
