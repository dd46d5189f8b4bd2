/** Whether a query failed on a unique index (PostgreSQL 23505), directly or wrapped by drizzle. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { cause?: { code?: string }; code?: string };
  return (e.cause?.code ?? e.code) === '23505';
}
