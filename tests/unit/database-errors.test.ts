// Which database errors mean "the database is away" (503) or "a concurrent transaction won" (409),
// in the shapes they arrive in: Node's socket errors, postgres.js's own, PostgreSQL's SQLSTATEs, and
// any of these wrapped by drizzle as a cause.
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectionFaultCode, isConcurrencyConflict } from '../../src/db/errors.ts';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
const wrapped = (cause: unknown) => new DrizzleQueryError('select 1', [], cause as Error);

describe('connectionFaultCode', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    'CONNECTION_DESTROYED',
    'CONNECT_TIMEOUT',
    '57P01', // admin_shutdown: the server is stopping
    '57P02', // crash_shutdown
    '57P03', // cannot_connect_now: starting up or shutting down
    '08006', // connection_failure
    '08001', // sqlclient_unable_to_establish_sqlconnection
    '53300', // too_many_connections
  ])('names %s, bare or wrapped by drizzle', (code) => {
    expect(connectionFaultCode(coded(code))).toBe(code);
    expect(connectionFaultCode(wrapped(coded(code)))).toBe(code);
  });

  it('looks inside the AggregateError of a connect that failed on every address', () => {
    const error = new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect failed');
    expect(connectionFaultCode(wrapped(error))).toBe('ECONNREFUSED');
  });

  it.each(['23505', '42P01', '40001', '40P01', '22P02', 'ERR_SOMETHING'])('leaves %s alone', (code) => {
    expect(connectionFaultCode(wrapped(coded(code)))).toBeUndefined();
  });

  it('leaves errors without a code alone', () => {
    expect(connectionFaultCode(new Error('boom'))).toBeUndefined();
    expect(connectionFaultCode('boom')).toBeUndefined();
    expect(connectionFaultCode(undefined)).toBeUndefined();
  });
});

describe('isConcurrencyConflict', () => {
  it.each(['40001', '40P01'])('is true for %s, bare or wrapped', (code) => {
    expect(isConcurrencyConflict(coded(code))).toBe(true);
    expect(isConcurrencyConflict(wrapped(coded(code)))).toBe(true);
  });

  it.each(['23505', '57P01', 'ECONNRESET'])('is false for %s', (code) => {
    expect(isConcurrencyConflict(wrapped(coded(code)))).toBe(false);
  });
});
