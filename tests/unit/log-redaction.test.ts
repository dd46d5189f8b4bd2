// The log's redaction: secrets never written, wherever a careless line puts them, and a line with
// nothing to hide passed on untouched (every request writes one).
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/logger.ts';

describe('redactSecrets', () => {
  it('hides credentials and form tokens at the top of a line and one level down', () => {
    const line = {
      password: 'hunter2',
      token: 't0k3n',
      form: { _csrf: 'csrf-value', name: 'Ada', Secret: 's' },
      msg: 'kept',
    };
    expect(redactSecrets(line)).toEqual({
      password: REDACTED,
      token: REDACTED,
      form: { _csrf: REDACTED, name: 'Ada', Secret: REDACTED },
      msg: 'kept',
    });
    // The caller's object is not changed.
    expect(line.password).toBe('hunter2');
    expect(line.form._csrf).toBe('csrf-value');
  });

  it("hides a request's authorization and cookies, and a response's set-cookie", () => {
    const line = {
      req: { method: 'GET', headers: { authorization: 'Bearer abc', cookie: 'opcc_session=x', host: 'h' } },
      res: { headers: { 'set-cookie': ['opcc_session=y'], 'content-type': 'text/html' } },
    };
    expect(redactSecrets(line)).toEqual({
      req: { method: 'GET', headers: { authorization: REDACTED, cookie: REDACTED, host: 'h' } },
      res: { headers: { 'set-cookie': REDACTED, 'content-type': 'text/html' } },
    });
  });

  it('passes a line with nothing to hide on as the same object', () => {
    const line = { reqId: 'r1', method: 'POST', route: '/api/cases/:id/events', status: 200, durationMs: 3 };
    expect(redactSecrets(line)).toBe(line);
    const error = new Error('boom');
    const withError = { err: error, msg: 'failed' };
    expect(redactSecrets(withError)).toBe(withError);
  });
});
